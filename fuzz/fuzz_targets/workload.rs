//! The workload file: YAML parsing, then the cross-checks against the embedded prices.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(file) = common::source("workload.yaml", data) else { return };
    if let Err(problems) = routewise::data::inputs::workload_from_source(&file, common::prices()) {
        common::render(&problems);
    }
});
