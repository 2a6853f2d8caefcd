//! A user's report template, compiled over the embedded ones and rendered against the sample
//! outputs `validate` uses (advice, decision record, diff, cost projection, replay), so the
//! fuel and recursion limits, include chains and positioned render errors are exercised.
//! The first byte picks which template the input replaces.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::load::{DataKind, user_file, with_user_files};
use routewise::outputs::template_check::render_user_templates;
use routewise::outputs::templates::Templates;

const NAMES: &[&str] = &[
    "report.md.j2",
    "madr.md.j2",
    "diff.md.j2",
    "cost.md.j2",
    "replay.md.j2",
    "partial.md.j2",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else { return };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Some(file) = common::source(name, data) else { return };
    let files = with_user_files(DataKind::Templates, vec![user_file(name, file)]);
    let templates = match Templates::from_files(files) {
        Ok(t) => t,
        Err(problems) => return common::render(&problems),
    };
    common::render(&render_user_templates(common::inputs_with_workload(), &templates));
});
