//! The diff report loader, then the comparison and its text and JSON renderings against
//! the same report (every route and table name compared with itself and with a baseline).
#![no_main]
#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use routewise::outputs::diff::{self, ReportView};
use routewise::support::diagnostic::SourceFile;

fn baseline() -> &'static ReportView {
    static BASE: OnceLock<ReportView> = OnceLock::new();
    BASE.get_or_init(|| {
        let text = include_str!("../corpus/diff_report/solo-prototype.json");
        diff::from_source(&SourceFile::new("base.json", text)).expect("the baseline reads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(file) = common::source("new.json", data) else { return };
    let new = match diff::from_source(&file) {
        Ok(new) => new,
        Err(problems) => return common::render(&problems),
    };
    for base in [baseline(), &new] {
        if let Ok(d) = diff::compare("base.json", base, "new.json", &new, &[], None) {
            let _ = diff::text::render(&d);
        }
    }
});
