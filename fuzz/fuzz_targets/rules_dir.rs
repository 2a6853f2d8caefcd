//! A user's rules directory with one YAML file, merged over the embedded questions, routes
//! and rules; when it loads, the rules compile and a decision runs on the default answers
//! (so rule conditions and messages are evaluated). The first byte picks whether the file
//! replaces an embedded one or adds one.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::catalogue::Catalogue;
use routewise::data::inputs::Inputs;
use routewise::data::load::{DataKind, user_file, with_user_files};
use routewise::data::rule_set::RuleSet;
use routewise::model::answers::Answers;

const NAMES: &[&str] = &["rules.yaml", "routes.yaml", "questions.yaml", "user.yaml"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else { return };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Some(file) = common::source(name, data) else { return };
    let files = with_user_files(DataKind::Rules, vec![user_file(name, file)]);
    let catalogue = match Catalogue::from_files(files) {
        Ok(c) => c,
        Err(problems) => return common::render(&problems),
    };
    let rules = match RuleSet::compile(&catalogue) {
        Ok(r) => r,
        Err(problems) => return common::render(&problems),
    };
    let inputs = Inputs {
        answers: Answers::defaults(&catalogue.questions),
        catalogue,
        rules,
        prices: common::prices().clone(),
        workload: None,
        price_book: None,
        notes: Vec::new(),
        surface_traffic: Vec::new(),
    };
    let _ = routewise::outputs::advice::advise(&inputs);
});
