//! Anthropic's cost data as a bill: the Admin API cost report
//! (`GET /v1/organizations/cost_report`) and the cost analytics API
//! (`GET /v1/organizations/analytics/cost`, beta `analytics-usage-cost-2026-08-24`).
//!
//! Both hold amounts, not tokens, so they are bills to reconcile against, never usage to
//! replay. Shapes read (pages one after another, single buckets, or JSON lines of items):
//!
//! - cost report: `{"data": [{"starting_at", "ending_at", "results": [{"amount",
//!   "currency", "cost_type", "description", "model", "service_tier", "token_type",
//!   "context_window", "inference_geo", "workspace_id"}]}], "has_more", "next_page"}`;
//! - cost analytics: `{"data": [{"starting_at", "ending_at", "cost": {"amount",
//!   "currency", "list_amount", "requests"}, "group": {"model", "token_type", "cost_type",
//!   "service_tier", "inference_geo", …}}], …}`.
//!
//! `amount` is in the currency's lowest units (cents for USD) as a decimal string: `"123.45"`
//! is $1.2345. `token_type` `uncached_input_tokens`, `output_tokens`,
//! `cache_read_input_tokens`, `cache_creation.ephemeral_5m_input_tokens` and
//! `cache_creation.ephemeral_1h_input_tokens` are attributed (cache is its own type, never
//! inside input: Anthropic-style). `inference_geo` `us` is the US-only route. Lines with no
//! model or token type (a report not grouped by description), web search and code
//! execution charges, and tiers replay does not price are listed as unattributed.

use std::io::BufRead;

use rust_decimal::Decimal;
use serde_json::Value;

use super::bill::{Bill, BillKey, BillScope, TokenType};
use super::bill_csv::month_of;
use super::json_records::{Record, SplitError, for_each_record};
use super::model_id::catalogue_model;
use crate::support::diagnostic::{Code, Diagnostic};

/// Reads cost report or cost analytics pages.
pub fn read_cost_report<R: BufRead>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<Bill, Diagnostic> {
    let mut bill = Bill::default();
    let error = |line: u64, column: u64, key: Option<String>, message: String, code| {
        let mut d = Diagnostic::plain(code, message);
        d.file = file_name.to_owned();
        d.line = line;
        d.column = column;
        d.key = key;
        d
    };
    let result = for_each_record(reader, |record: Record| {
        let value: Value = serde_json::from_slice(record.bytes).map_err(|e| {
            error(
                record.line,
                record.column,
                None,
                format!("record {}: not JSON: {e}", record.number),
                Code::BillUnreadable,
            )
        })?;
        let mut items = Vec::new();
        collect_items(&value, String::new(), &mut items);
        for (path, bucket, item) in items {
            match line(&bucket, item, known_models) {
                Ok(Line::Attributed(key, usd)) => {
                    if let Err(message) = bill.attribute(key, None, usd) {
                        let d = error(
                            record.line,
                            record.column,
                            Some(path),
                            message.into(),
                            Code::BillInvalidValue,
                        );
                        bill.bad_row(d, skip_bad_rows)?;
                    }
                }
                Ok(Line::Unattributed(month, item, reason, usd)) => {
                    if let Err(message) = bill.unattributed(&month, &item, reason, None, usd) {
                        let d = error(
                            record.line,
                            record.column,
                            Some(path),
                            message.into(),
                            Code::BillInvalidValue,
                        );
                        bill.bad_row(d, skip_bad_rows)?;
                    }
                }
                Err((field, message)) => {
                    let d = error(
                        record.line,
                        record.column,
                        Some(format!("{path}.{field}")),
                        format!("record {}: {message}", record.number),
                        Code::BillInvalidValue,
                    );
                    bill.bad_row(d, skip_bad_rows)?;
                }
            }
        }
        Ok::<(), Diagnostic>(())
    });
    match result {
        Ok(_) => Ok(bill),
        Err(SplitError::Record(d)) => Err(d),
        Err(SplitError::Syntax {
            line,
            column,
            message,
        }) => Err(error(line, column, None, message, Code::BillUnreadable)
            .with_help("expected the JSON of Anthropic's cost report or cost analytics API")),
        Err(SplitError::Io(e)) => Err(error(
            0,
            0,
            None,
            format!("cannot read the bill: {e}"),
            Code::BillUnreadable,
        )),
    }
}

/// One cost item with its bucket (for the times) and its path in the record.
type Item<'v> = (String, Value, &'v Value);

/// Finds cost items: `data[i].results[j]` (cost report), `data[i]` with `cost`
/// (analytics), a bare bucket, or a bare item.
fn collect_items<'v>(value: &'v Value, path: String, out: &mut Vec<Item<'v>>) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(data) = value.get("data").and_then(Value::as_array) {
        for (i, bucket) in data.iter().enumerate() {
            collect_items(bucket, join(&format!("data[{i}]")), out);
        }
    } else if let Some(results) = value.get("results").and_then(Value::as_array) {
        let times = bucket_times(value);
        for (j, item) in results.iter().enumerate() {
            out.push((join(&format!("results[{j}]")), times.clone(), item));
        }
    } else if value.get("cost").is_some() || value.get("amount").is_some() {
        out.push((path, bucket_times(value), value));
    }
}

fn bucket_times(value: &Value) -> Value {
    serde_json::json!({
        "starting_at": value.get("starting_at").cloned().unwrap_or(Value::Null),
    })
}

enum Line {
    Attributed(BillKey, Decimal),
    Unattributed(String, String, String, Decimal),
}

/// A text field of the item, its `group`, or its `cost` object.
fn field<'v>(item: &'v Value, name: &str) -> Option<&'v Value> {
    item.get(name)
        .or_else(|| item.get("group").and_then(|g| g.get(name)))
        .or_else(|| item.get("cost").and_then(|c| c.get(name)))
        .filter(|v| !v.is_null())
}

fn text<'v>(item: &'v Value, name: &str) -> Option<&'v str> {
    field(item, name).and_then(Value::as_str)
}

fn line(bucket: &Value, item: &Value, known_models: &[&str]) -> Result<Line, (String, String)> {
    let amount_field = if item.get("cost").is_some() {
        "cost.amount"
    } else {
        "amount"
    };
    let cents = match field(item, "amount") {
        Some(Value::String(s)) => s.trim().parse::<Decimal>().ok(),
        Some(Value::Number(n)) => n.to_string().parse::<Decimal>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        (
            amount_field.to_owned(),
            format!(
                "`{}` is not an amount in cents (a decimal string such as \"123.45\")",
                field(item, "amount").map_or("null".to_owned(), Value::to_string)
            ),
        )
    })?;
    let usd = cents / Decimal::ONE_HUNDRED;
    let start = text(item, "starting_at").or_else(|| text(bucket, "starting_at"));
    let month = start.and_then(month_of).ok_or_else(|| {
        (
            "starting_at".to_owned(),
            format!("`{}` is not an RFC 3339 time", start.unwrap_or("(missing)")),
        )
    })?;
    let model = text(item, "model");
    let token_type = text(item, "token_type");
    let label = text(item, "description")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                model.unwrap_or("(no model)"),
                token_type
                    .or(text(item, "cost_type"))
                    .unwrap_or("(no token type)")
            )
        });
    let unattributed = |reason: String| {
        Ok(Line::Unattributed(
            month.clone(),
            label.clone(),
            reason,
            usd,
        ))
    };
    let currency = text(item, "currency").unwrap_or("USD");
    if !currency.eq_ignore_ascii_case("USD") {
        return unattributed(format!("billed in {currency}; replay prices in USD"));
    }
    match text(item, "cost_type") {
        None | Some("tokens") => {}
        Some(other) => {
            return unattributed(format!("`{other}` charges are not token usage"));
        }
    }
    match text(item, "service_tier") {
        None | Some("standard") | Some("batch") => {}
        Some(other) => {
            return unattributed(format!(
                "the `{other}` service tier is not priced by replay"
            ));
        }
    }
    let Some(token_type) = token_type else {
        return unattributed(
            "no token type: group the report by description (cost report) or token_type (analytics)"
                .to_owned(),
        );
    };
    let token_type = match token_type {
        "uncached_input_tokens" => TokenType::Input,
        "output_tokens" => TokenType::Output,
        "cache_read_input_tokens" => TokenType::CacheRead,
        "cache_creation.ephemeral_5m_input_tokens" => TokenType::CacheWrite5m,
        "cache_creation.ephemeral_1h_input_tokens" => TokenType::CacheWrite1h,
        other => return unattributed(format!("token type `{other}` is not one replay prices")),
    };
    let Some(raw) = model else {
        return unattributed("no model: group the report by description or model".to_owned());
    };
    let Some(model) = catalogue_model(raw, known_models) else {
        return unattributed(format!("the model `{raw}` is not in the catalogue"));
    };
    let scope = match text(item, "inference_geo") {
        Some("us") => BillScope::AnthropicApiUs,
        _ => BillScope::AnthropicApi,
    };
    Ok(Line::Attributed(
        BillKey {
            month,
            scope,
            model,
            token_type,
        },
        usd,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-sonnet-4-6"];

    #[test]
    fn the_documented_cost_report_record_is_read_in_dollars() {
        let text = r#"{"data":[{"starting_at":"2026-09-03T00:00:00Z","ending_at":"2026-09-04T00:00:00Z",
 "results":[{"amount":"123.45","currency":"USD","cost_type":"tokens","model":"claude-sonnet-4-6",
 "service_tier":"standard","token_type":"cache_read_input_tokens","context_window":"0-200k","workspace_id":null},
 {"amount":"50","currency":"USD","cost_type":"web_search","model":null,"token_type":null}]}],"has_more":false,"next_page":null}"#;
        let bill = read_cost_report(text.as_bytes(), "cost.json", KNOWN, false).unwrap();
        let key = BillKey {
            month: "2026-09".into(),
            scope: BillScope::AnthropicApi,
            model: "claude-sonnet-4-6".into(),
            token_type: TokenType::CacheRead,
        };
        assert_eq!(bill.attributed[&key].usd, "1.2345".parse().unwrap());
        assert_eq!(bill.unattributed_usd(), "0.5".parse().unwrap());
        assert_eq!(bill.lines, 2);
    }

    #[test]
    fn analytics_cost_items_are_read_with_their_group() {
        let text = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","ending_at":"2026-10-02T00:00:00Z",
  "cost":{"amount":"2500","currency":"USD","list_amount":"2500","requests":null},
  "group":{"model":"claude-sonnet-4-6","token_type":"output_tokens","inference_geo":"us"}}],"has_more":false}"#;
        let bill = read_cost_report(text.as_bytes(), "a.json", KNOWN, false).unwrap();
        let (key, amount) = bill.attributed.iter().next().unwrap();
        assert_eq!(key.scope, BillScope::AnthropicApiUs);
        assert_eq!(key.token_type, TokenType::Output);
        assert_eq!(amount.usd, Decimal::from(25));
    }

    #[test]
    fn a_bad_amount_names_its_path() {
        let text = "{\"data\":[{\"starting_at\":\"2026-10-01T00:00:00Z\",\"results\":[{\"amount\":\"x\"}]}]}";
        let e = read_cost_report(text.as_bytes(), "c.json", KNOWN, false).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("data[0].results[0].amount"));
        assert_eq!(e.code, Code::BillInvalidValue);
        assert_eq!(e.line, 1);
    }
}
