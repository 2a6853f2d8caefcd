//! `routewise rules [CODE]`: the rule list, or one rule's documentation.

use crate::cli::RulesArgs;
use crate::commands::AppError;
use crate::data::inputs::{InputPaths, Inputs};
use crate::outputs::rule_tests::docs as rule_docs;
use crate::support::diagnostic::{Code, Diagnostic};

pub fn run(args: RulesArgs) -> Result<String, AppError> {
    let mut inputs = Inputs::load(&InputPaths {
        rules: args.data.rules.clone(),
        pricing: args.data.pricing.clone(),
        ..InputPaths::default()
    })?;
    let Some(code) = args.code else {
        return Ok(rule_docs::list(&inputs));
    };
    let rule = rule_docs::find(&inputs, &code)
        .map_err(|help| {
            Diagnostic::plain(Code::ArgUnknownRule, format!("unknown rule `{code}`"))
                .with_help(help)
        })?
        .clone();
    let cases = rule_docs::cases(&inputs, args.data.rules.as_deref());
    Ok(rule_docs::document(&mut inputs, &rule, cases))
}
