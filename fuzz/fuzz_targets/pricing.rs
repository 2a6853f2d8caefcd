//! A user's pricing directory with one TOML file, merged over the embedded tables and
//! checked. The first byte picks whether it replaces an embedded file or adds one.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::load::{DataKind, user_file, with_user_files};
use routewise::data::prices::Prices;

const NAMES: &[&str] = &["anthropic.toml", "bedrock.toml", "vertex.toml", "user.toml"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else { return };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Some(file) = common::source(name, data) else { return };
    let files = with_user_files(DataKind::Pricing, vec![user_file(name, file)]);
    let families = common::catalogue().vocabulary("model_families");
    if let Err(problems) = Prices::read_files(files).and_then(|read| read.check(&families)) {
        common::render(&problems);
    }
});
