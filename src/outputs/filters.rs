//! Template filters beyond minijinja's builtins: amounts as `$1,234.50`, counts as
//! `30,000,000`, fractions as `5%`, comparing two amounts exactly, and quoting text for YAML
//! front matter.
//!
//! Amounts reach templates as decimal strings; comparing them as text or as floats would be
//! wrong or inexact, so `cost_change` does the arithmetic in `rust_decimal`.

use std::str::FromStr;

use minijinja::{Environment, Value};
use rust_decimal::Decimal;

use crate::support::money;

/// Adds the filters to a template environment.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("usd", |value: Value| money::format_usd(&value.to_string()));
    env.add_filter("count", |value: Value| {
        money::format_count(&value.to_string())
    });
    env.add_filter("tokens", |value: Value| {
        money::format_tokens(&value.to_string())
    });
    env.add_filter("factor", |value: Value| {
        money::format_factor(&value.to_string())
    });
    env.add_filter("percent", |value: Value| {
        decimal(&value).map_or_else(|| value.to_string(), crate::support::money::percent)
    });
    env.add_filter("cost_change", cost_change);
    env.add_filter("yaml", yaml);
}

/// `{{ new | cost_change(base) }}`: how `new` compares with `base`, as
/// `{sign: -1|0|1, usd: "$12.00", percent: "12.5%" or none}` with unsigned magnitudes so
/// the template chooses the words ("more", "less"); none when either is not an amount.
fn cost_change(new: Value, base: Value) -> Value {
    let (Some(new), Some(base)) = (decimal(&new), decimal(&base)) else {
        return Value::from(());
    };
    let delta = new - base;
    let percent = money::percent_change(new, base).map(|p| {
        money::format_percent_change(p.abs())
            .trim_start_matches('+')
            .to_owned()
    });
    minijinja::context! {
        sign => match delta.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        },
        usd => money::format_usd(&delta.abs().to_string()),
        percent => percent.map_or_else(|| Value::from(()), Value::from),
    }
}

/// `{{ text | yaml }}`: a double-quoted YAML scalar (JSON string syntax is valid YAML).
fn yaml(value: Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    serde_json::to_string(&text).unwrap_or_else(|_| "\"\"".into())
}

fn decimal(value: &Value) -> Option<Decimal> {
    if value.is_undefined() || value.is_none() {
        return None;
    }
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    Decimal::from_str(text.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut env = Environment::new();
        register(&mut env);
        env.render_str(template, ()).expect("renders")
    }

    #[test]
    fn cost_change_compares_exactly() {
        assert_eq!(
            render(
                r#"{% set c = "1100.00" | cost_change("1000.00") %}{{ c.sign }} {{ c.usd }} {{ c.percent }}"#
            ),
            "1 $100.00 10.0%"
        );
        assert_eq!(
            render(
                r#"{% set c = "0.10" | cost_change("0.30") %}{{ c.sign }} {{ c.usd }} {{ c.percent }}"#
            ),
            "-1 $0.20 66.7%"
        );
        assert_eq!(
            render(r#"{% set c = "5" | cost_change("0") %}{{ c.sign }} {{ c.percent is none }}"#),
            "1 True"
        );
        assert_eq!(render(r#"{{ none | cost_change("1") is none }}"#), "True");
    }

    #[test]
    fn yaml_quotes_everything_safely() {
        assert_eq!(
            render(r#"{{ "R&D: \"core\"" | yaml }}"#),
            r#""R&D: \"core\"""#
        );
    }
}
