//! The usage-report JSON reader; the first byte's low bit turns on `--skip-bad-rows`.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, data)) = data.split_first() else { return };
    let models = common::prices().model_ids();
    match routewise::usage::read_usage_report(data, "usage.json", &models, flags & 1 == 1) {
        Ok(totals) => {
            let _ = totals.load.peak_tokens_per_minute();
        }
        Err(d) => {
            let _ = d.to_string();
        }
    }
});
