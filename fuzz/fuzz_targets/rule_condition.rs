//! One rule's condition and message replaced by the input (split at the first newline),
//! compiled and checked as a user's rule is, then evaluated by a decision on the default
//! answers and the example workload. Reaches the expression compiler and evaluator directly,
//! without the YAML around them. The first byte picks the rule.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use routewise::data::inputs::Inputs;
use routewise::data::rule_set::RuleSet;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (when, message) = text.split_once('\n').unwrap_or((text, "{{ route.id }}"));
    let base = common::inputs_with_workload();
    let mut catalogue = base.catalogue.clone();
    if catalogue.rules.is_empty() {
        return;
    }
    let index = usize::from(pick) % catalogue.rules.len();
    catalogue.rules[index].item.when.value = when.to_string();
    catalogue.rules[index].item.message.value = message.to_string();
    let rules = match RuleSet::compile(&catalogue) {
        Ok(r) => r,
        Err(problems) => return common::render(&problems),
    };
    let inputs = Inputs {
        catalogue,
        rules,
        ..base.clone()
    };
    let _ = routewise::outputs::advice::advise(&inputs);
});
