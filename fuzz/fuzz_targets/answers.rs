//! The answers file: YAML parsing, then resolution against the embedded questionnaire.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(file) = common::source("answers.yaml", data) else { return };
    if let Err(problems) = routewise::data::inputs::answers_from_source(&file, common::catalogue()) {
        common::render(&problems);
    }
});
