//! The usage CSV reader; the first byte's low bit turns on `--skip-bad-rows`.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, data)) = data.split_first() else { return };
    let models = common::prices().model_ids();
    match routewise::usage::read_csv(data, "usage.csv", &models, flags & 1 == 1) {
        Ok(totals) => {
            let _ = totals.load.peak_tokens_per_minute();
        }
        Err(d) => {
            let _ = d.to_string();
        }
    }
});
