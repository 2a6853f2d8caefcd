//! Rule documentation (`routewise rules [CODE]`), generated from the rules themselves like
//! ruff's `rule` command: what a rule checks (its condition and message), why it matters
//! (its `why` and `source`), and an example taken from the first test case that asserts
//! it, run for real so the example's message is the one a report would print.

use crate::support::invalid::InvalidValue;
use std::fmt::Write;

use crate::data::inputs::Inputs;
use crate::data::rule_set::CompiledRule;
use crate::model::answers::{Answer, Answers};
use crate::model::rule::{Effect, Rule};
use crate::outputs::advice::report::Report;
use crate::outputs::rule_tests::{self, ReadyCase};
use crate::support::suggest::closest;
use crate::support::table::text_table;

/// The rules as a table: code, effect, weight, name and where each is defined.
pub fn list(inputs: &Inputs) -> String {
    let rows: Vec<Vec<String>> = inputs
        .rules
        .rules
        .iter()
        .map(|r| {
            vec![
                r.rule.code.to_string(),
                r.rule.effect.name().to_owned(),
                r.rule
                    .weight
                    .map_or_else(|| "-".to_owned(), |w| format!("{w:+}")),
                r.rule.name.clone(),
                defined_at(inputs, &r.rule.code),
            ]
        })
        .collect();
    let mut out = text_table(&["code", "effect", "weight", "name", "defined in"], &rows);
    out.push_str("\n`routewise rules CODE` documents one rule.\n");
    out
}

/// Finds a rule by code (any case) or by name.
pub fn find<'a>(inputs: &'a Inputs, wanted: &str) -> Result<&'a CompiledRule, InvalidValue> {
    let wanted = wanted.trim();
    inputs
        .rules
        .rules
        .iter()
        .find(|r| r.rule.code.eq_ignore_ascii_case(wanted) || r.rule.name == wanted)
        .ok_or_else(|| {
            let mut names: Vec<&str> = inputs
                .rules
                .rules
                .iter()
                .map(|r| r.rule.code.as_str())
                .collect();
            names.extend(inputs.rules.rules.iter().map(|r| r.rule.name.as_str()));
            InvalidValue(
                match closest(&wanted.to_uppercase(), &names).or_else(|| closest(wanted, &names)) {
                    Some(best) => {
                        format!("did you mean `{best}`? `routewise rules` lists every rule")
                    }
                    None => "`routewise rules` lists every rule".to_owned(),
                },
            )
        })
}

/// One rule's documentation, in Markdown.
pub fn document(inputs: &mut Inputs, compiled: &CompiledRule, cases: Vec<ReadyCase>) -> String {
    let rule = &compiled.rule;
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}", rule.code, rule.name);
    let _ = writeln!(out);
    let effect = match (rule.effect, rule.weight) {
        (Effect::Eliminate, _) => {
            "eliminate: a route for which the condition holds is removed".to_owned()
        }
        (Effect::Score, Some(w)) => {
            format!("score: a route for which the condition holds gets {w:+} points")
        }
        (Effect::Score, None) => "score".to_owned(),
        (Effect::Warn, _) if !compiled.uses_route => {
            "warn: when the condition holds, the report warns about the answers".to_owned()
        }
        (Effect::Warn, _) => {
            "warn: a viable route for which the condition holds carries the warning".to_owned()
        }
    };
    let _ = writeln!(out, "Effect: {effect}.");
    let _ = writeln!(out, "Defined in: {}", defined_at(inputs, &rule.code));
    let _ = writeln!(out);
    let _ = writeln!(out, "## What it checks");
    let _ = writeln!(out);
    let _ = writeln!(out, "```jinja");
    let _ = writeln!(out, "{}", rule.when.value.trim());
    let _ = writeln!(out, "```");
    let _ = writeln!(out);
    let _ = writeln!(out, "Message: {}", rule.message.value.trim());
    let _ = writeln!(out);
    let _ = writeln!(out, "## Why it matters");
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", rule.why.trim());
    let _ = writeln!(out);
    let _ = writeln!(out, "Source: {}", rule.source.trim());
    let _ = writeln!(out);
    let _ = writeln!(out, "## Example");
    let _ = writeln!(out);
    out.push_str(&example(inputs, rule, cases));
    out
}

/// Where a rule is defined, as `file:line`.
fn defined_at(inputs: &Inputs, code: &str) -> String {
    inputs
        .catalogue
        .rules
        .iter()
        .find(|r| r.item.code == code)
        .map(|r| format!("{}:{}", r.file.name, r.line()))
        .unwrap_or_default()
}

/// The first case that asserts the rule, run; or a note that none does.
fn example(inputs: &mut Inputs, rule: &Rule, cases: Vec<ReadyCase>) -> String {
    let Some(case) = cases.into_iter().find(|c| names_code(c, &rule.code)) else {
        return format!(
            "No test case exercises {} yet; add one under `rules/tests/` (see `routewise test --coverage`).\n",
            rule.code
        );
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "From the test case \"{}\" ({}:{}):",
        case.name, case.file, case.line
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "```yaml");
    let _ = writeln!(out, "answers: {}", answers_text(&case.answers));
    if let Some(w) = &case.workload {
        let models: Vec<&str> = w
            .traffic
            .iter()
            .map(|t| t.value.model.value.as_str())
            .collect();
        let _ = writeln!(
            out,
            "# workload: {} traffic entries ({})",
            w.traffic.len(),
            models.join(", ")
        );
    }
    let _ = writeln!(out, "```");
    let _ = writeln!(out);
    inputs.set_case(case.answers, case.workload);
    match crate::outputs::advice::advise(inputs) {
        Ok(report) => out.push_str(&firings(&report, &rule.code)),
        Err(e) => {
            let _ = writeln!(out, "(the case could not be evaluated: {e})");
        }
    }
    out
}

fn names_code(case: &ReadyCase, code: &str) -> bool {
    let e = &case.expect;
    let named = |codes: &[serde_saphyr::Spanned<String>]| codes.iter().any(|c| c.value == code);
    e.eliminated.0.iter().any(|(_, codes)| named(codes))
        || e.scored.0.iter().any(|(_, codes)| named(codes))
        || named(&e.warnings)
}

/// The answers the case gave, as a YAML flow mapping.
fn answers_text(answers: &Answers) -> String {
    let items: Vec<String> = answers
        .given
        .iter()
        .filter_map(|id| {
            let value = match answers.get(id)? {
                Answer::Choice(c) => c.clone(),
                Answer::List(items) => format!("[{}]", items.join(", ")),
                Answer::Bool(b) => b.to_string(),
            };
            Some(format!("{id}: {value}"))
        })
        .collect();
    format!("{{ {} }}", items.join(", "))
}

/// What the rule did in the report: per route, or as a warning about the answers.
fn firings(report: &Report, code: &str) -> String {
    let mut out = String::new();
    for r in &report.routes {
        for reason in r
            .reasons
            .iter()
            .chain(&r.warnings)
            .filter(|x| x.code == code)
        {
            let what = match reason.effect {
                Effect::Score => {
                    format!("scores `{}` {:+}", r.id, reason.weight.unwrap_or_default())
                }
                Effect::Warn => format!("warns on `{}`", r.id),
                Effect::Eliminate => format!("eliminates `{}`", r.id),
            };
            let _ = writeln!(out, "- {code} {what}: {}", reason.message);
        }
    }
    for w in report
        .warnings
        .iter()
        .filter(|w| w.code == code && w.routes.is_empty())
    {
        let _ = writeln!(out, "- {code} warns about the answers: {}", w.message);
    }
    if out.is_empty() {
        out.push_str("- (the rule did not fire in this case)\n");
    }
    out
}

/// Every case of the shipped tests and the rules directory's own, skipping files that do
/// not check (documentation must not depend on every test file being valid).
pub fn cases(inputs: &Inputs, rules_dir: Option<&std::path::Path>) -> Vec<ReadyCase> {
    let (files, _) = rule_tests::test_files(&[], rules_dir, true);
    files
        .iter()
        .filter_map(|f| rule_tests::read_cases(std::slice::from_ref(f), inputs).ok())
        .flatten()
        .collect()
}
