//! A user's rules directory with one YAML file, merged over the embedded questions, routes
//! and rules; when it loads, the rules compile and a decision runs on the default answers
//! (so rule conditions and messages are evaluated). The first byte picks whether the file
//! replaces an embedded one or adds one.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::catalogue::Catalogue;
use std::sync::Mutex;

use routewise::data::inputs::Inputs;
use routewise::model::answers::Answers;
use routewise::outputs::templates::Templates;
use routewise::data::load::{DataKind, user_file, with_user_files};

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
    let rules = match routewise::engine::rules::RuleSet::compile(&catalogue) {
        Ok(r) => r,
        Err(problems) => return common::render(&problems),
    };
    let inputs = Inputs {
        answers: Answers::defaults(&catalogue.questions),
        catalogue,
        rules,
        prices: common::prices().clone(),
        templates: take_templates(),
        workload: None,
        price_book: None,
        notes: Vec::new(),
    };
    let _ = routewise::outputs::advice::report::build(&inputs);
    *TEMPLATES.lock().unwrap() = Some(inputs.templates);
});

/// The embedded templates, loaded once and lent to each run (they are not `Clone`).
static TEMPLATES: Mutex<Option<Templates>> = Mutex::new(None);

fn take_templates() -> Templates {
    TEMPLATES
        .lock()
        .unwrap()
        .take()
        .unwrap_or_else(|| Templates::load(None).expect("the embedded templates load"))
}
