//! AWS Cost and Usage Report 2.0 (Data Exports) as a bill: the Amazon Bedrock token lines,
//! attributed to model, token type and routing scope by the usage-type pattern table of
//! [`super::usage_type`].
//!
//! | column | use |
//! | --- | --- |
//! | `line_item_usage_type` | model, token type, routing scope, tier |
//! | `line_item_usage_amount` | the quantity, in `pricing_unit` |
//! | `line_item_unblended_cost` | the amount charged (USD) |
//! | `line_item_usage_start_date`, else `bill_billing_period_start_date`, else `billing_period` | the month |
//! | `pricing_unit` (optional) | `tokens`, `1K tokens`, `1M tokens`: honoured, never assumed |
//! | `line_item_product_code` (optional) | `AmazonBedrock`, `AmazonBedrockService`, `AmazonBedrockFoundationModels`; any other product is unattributed |
//! | `line_item_line_item_type` (optional) | only `Usage` lines are attributed; tax, credits, refunds and fees are listed as unattributed |
//! | `product_region_code` (optional) | GovCloud regions are unattributed (the catalogue does not price them) |
//!
//! Exports are full snapshots of the billing period: reading a directory keeps only the
//! latest snapshot of each period (see `outputs::replay::reconcile`).

use std::io::Read;

use super::bill::{Bill, BillKey, tokens_per_unit};
use super::bill_csv::{BillCsv, BillSource, LineOutcome, Wanted, read_lines};
use super::usage_type::{parse_usage_type, usage_type_model};
use crate::support::diagnostic::Diagnostic;

const USAGE_TYPE: usize = 0;
const AMOUNT: usize = 1;
const COST: usize = 2;
const START: usize = 3;
const UNIT: usize = 4;
const PRODUCT: usize = 5;
const LINE_TYPE: usize = 6;
const REGION: usize = 7;

const COLUMNS: &[Wanted] = &[
    Wanted {
        names: &["line_item_usage_type"],
        required: true,
    },
    Wanted {
        names: &["line_item_usage_amount"],
        required: true,
    },
    Wanted {
        names: &["line_item_unblended_cost"],
        required: true,
    },
    Wanted {
        names: &[
            "line_item_usage_start_date",
            "bill_billing_period_start_date",
            "billing_period",
        ],
        required: true,
    },
    Wanted {
        names: &["pricing_unit"],
        required: false,
    },
    Wanted {
        names: &["line_item_product_code"],
        required: false,
    },
    Wanted {
        names: &["line_item_line_item_type"],
        required: false,
    },
    Wanted {
        names: &["product_region_code"],
        required: false,
    },
];

/// The product codes of Bedrock model usage.
pub const BEDROCK_PRODUCTS: &[&str] = &[
    "AmazonBedrock",
    "AmazonBedrockService",
    "AmazonBedrockFoundationModels",
];

/// Reads a CUR 2.0 export (CSV, or Parquet through [`super::bill_parquet`]).
pub fn read_cur<R: Read>(
    source: BillSource<R>,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<Bill, Diagnostic> {
    let csv = BillCsv::open(source, file_name, COLUMNS, "an AWS CUR 2.0 export")?;
    let mut bill = Bill::default();
    if !csv.has(UNIT) {
        bill.note(format!(
            "{file_name} has no pricing_unit column: token quantities are not compared, only amounts."
        ));
    }
    read_lines(
        csv,
        bill,
        COST,
        START,
        skip_bad_rows,
        |csv, bill, month, cost| attribute_line(csv, bill, known_models, month, cost),
    )
}

/// Attributes one line, or lists it as unattributed with its reason.
fn attribute_line<R: Read>(
    csv: &BillCsv<R>,
    bill: &mut Bill,
    known_models: &[&str],
    month: &str,
    cost: rust_decimal::Decimal,
) -> LineOutcome {
    let usage_type = csv.text(USAGE_TYPE);
    let usage_type = usage_type.as_str();
    let line_type = csv.text(LINE_TYPE);
    if csv.has(LINE_TYPE) && !line_type.eq_ignore_ascii_case("Usage") {
        let item = format!("{line_type} {usage_type}").trim().to_owned();
        return Ok(bill.unattributed(
            month,
            &item,
            format!("a `{line_type}` line, not token usage"),
            None,
            cost,
        ));
    }
    let product = csv.text(PRODUCT);
    if csv.has(PRODUCT)
        && !BEDROCK_PRODUCTS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&product))
    {
        return Ok(bill.unattributed(
            month,
            &product,
            "not Amazon Bedrock model usage",
            None,
            cost,
        ));
    }
    let region = csv.text(REGION);
    if region.to_ascii_lowercase().starts_with("us-gov") {
        return Ok(bill.unattributed(
            month,
            usage_type,
            "GovCloud: the catalogue has no GovCloud prices",
            None,
            cost,
        ));
    }
    let parsed = match parse_usage_type(usage_type) {
        Ok(parsed) => parsed,
        Err(why) => return Ok(bill.unattributed(month, usage_type, why, None, cost)),
    };
    let tokens = if csv.has(UNIT) {
        let quantity = csv.amount(AMOUNT)?;
        tokens_per_unit(&csv.text(UNIT)).map(|per| quantity * per)
    } else {
        None
    };
    if let Some(tier) = &parsed.unpriced_tier {
        return Ok(bill.unattributed(
            month,
            usage_type,
            format!("the `{tier}` service tier is not priced by replay"),
            tokens,
            cost,
        ));
    }
    let Some(model) = usage_type_model(&parsed.model, known_models) else {
        return Ok(bill.unattributed(
            month,
            usage_type,
            format!("the model `{}` is not in the catalogue", parsed.model),
            tokens,
            cost,
        ));
    };
    let key = BillKey {
        month: month.to_owned(),
        scope: parsed.scope,
        model,
        token_type: parsed.token_type,
    };
    Ok(bill.attribute(key, tokens, cost))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::bill::{BillScope, TokenType};
    use rust_decimal::Decimal;

    const KNOWN: &[&str] = &["claude-sonnet-4-6", "claude-opus-4-6"];

    fn read(text: &str) -> Result<Bill, Diagnostic> {
        read_cur(BillSource::Csv(text.as_bytes()), "cur.csv", KNOWN, false)
    }

    #[test]
    fn token_lines_are_attributed_and_the_rest_listed() {
        let bill = read(
            "line_item_usage_start_date,line_item_product_code,line_item_line_item_type,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost\n\
             2026-10-01T00:00:00Z,AmazonBedrock,Usage,USE1-Claude4.6Sonnet-output-tokens,4800000,tokens,72.00\n\
             2026-10-02T00:00:00Z,AmazonBedrock,Usage,USE1-Claude4.6Sonnet-output-tokens,1000,1K tokens,15.00\n\
             2026-10-02T00:00:00Z,AmazonBedrock,Usage,USE1-Claude4.6Opus-input-tokens-cross-region-global,100,tokens,0.0005\n\
             2026-10-02T00:00:00Z,AmazonBedrock,Tax,,0,,1.10\n\
             2026-10-02T00:00:00Z,AmazonEC2,Usage,USE1-BoxUsage:t3.micro,24,Hrs,0.25\n\
             2026-10-03T00:00:00Z,AmazonBedrock,Usage,USE1-Llama4-Maverick-17B-input-tokens,10,tokens,0.01\n",
        )
        .unwrap();
        assert_eq!(bill.lines, 6);
        let output = &bill.attributed[&BillKey {
            month: "2026-10".into(),
            scope: BillScope::BedrockRegional,
            model: "claude-sonnet-4-6".into(),
            token_type: TokenType::Output,
        }];
        assert_eq!(output.tokens, Some(Decimal::from(5_800_000)));
        assert_eq!(output.usd, "87.00".parse().unwrap());
        assert!(
            bill.attributed
                .keys()
                .any(|k| k.scope == BillScope::BedrockGlobal)
        );
        assert_eq!(bill.unattributed.len(), 3);
        assert_eq!(bill.total_usd(), "88.3605".parse().unwrap());
        assert_eq!(
            bill.attributed_usd() + bill.unattributed_usd(),
            bill.total_usd()
        );
    }

    #[test]
    fn a_file_that_is_not_cur_is_refused_with_what_was_expected() {
        let e = read("timestamp,model,input_tokens\n1,2,3\n").unwrap_err();
        assert_eq!(e.code, crate::support::diagnostic::Code::BillHeader);
        let text = e.to_string();
        assert!(text.contains("line_item_usage_type"), "{text}");
        assert!(
            text.contains("the file has timestamp, model, input_tokens"),
            "{text}"
        );
    }

    #[test]
    fn a_bad_amount_names_line_column_and_key() {
        let e = read(
            "line_item_usage_start_date,line_item_usage_type,line_item_usage_amount,line_item_unblended_cost\n\
             2026-10-01,USE1-Claude4.6Sonnet-output-tokens,10,12x\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (2, 50));
        assert_eq!(e.key.as_deref(), Some("line_item_unblended_cost"));
        assert_eq!(e.code, crate::support::diagnostic::Code::BillInvalidValue);
        let skipped = read_cur(
            BillSource::Csv("line_item_usage_start_date,line_item_usage_type,line_item_usage_amount,line_item_unblended_cost\n2026-10-01,x,1,bad\n2026-10-01,y,1,2\n".as_bytes()),
            "cur.csv",
            KNOWN,
            true,
        )
        .unwrap();
        assert_eq!((skipped.skipped_rows, skipped.lines), (1, 1));
    }
}
