//! A price book laid over the embedded prices.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::price_book::PriceBook;

fuzz_target!(|data: &[u8]| {
    let Some(file) = common::source("price-book.toml", data) else { return };
    let mut prices = common::prices().clone();
    if let Err(problems) = PriceBook::from_source(&file, common::catalogue(), &mut prices) {
        common::render(&problems);
    }
});
