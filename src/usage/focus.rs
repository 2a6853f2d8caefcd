//! FOCUS 1.x cost and usage exports (FinOps Open Cost and Usage Specification) as a bill.
//!
//! | column | use |
//! | --- | --- |
//! | `BilledCost` | the amount charged |
//! | `ChargePeriodStart`, else `BillingPeriodStart` | the month |
//! | `ChargeCategory` (optional) | only `Usage` lines are attributed; purchases, tax, credits and adjustments are listed as unattributed |
//! | `ProviderName` / `ServiceProviderName`, `ServiceName` | AWS Amazon Bedrock lines are attributed |
//! | `x_UsageType`, else `SkuMeter`, else `ChargeDescription` | the AWS usage type (see [`super::usage_type`]) |
//! | `ConsumedQuantity` and `ConsumedUnit`, else `PricingQuantity` and `PricingUnit` | tokens, when the unit is a count of tokens |
//! | `BillingCurrency` (optional) | lines not in USD are unattributed |
//!
//! GCP and Azure FOCUS exports name the model and token type in free-text SKU
//! descriptions whose wording is not documented; their lines are listed as unattributed
//! with that reason, so their amounts stay in the bill's total.

use std::io::Read;

use super::bill::{Bill, BillKey, tokens_per_unit};
use super::bill_csv::{BillCsv, BillSource, LineOutcome, Wanted, read_lines};
use super::cur::BEDROCK_PRODUCTS;
use super::usage_type::{parse_usage_type, usage_type_model};
use crate::support::diagnostic::Diagnostic;

const COST: usize = 0;
const START: usize = 1;
const CATEGORY: usize = 2;
const PROVIDER: usize = 3;
const SERVICE: usize = 4;
const USAGE_TYPE: usize = 5;
const METER: usize = 6;
const DESCRIPTION: usize = 7;
const CONSUMED: usize = 8;
const CONSUMED_UNIT: usize = 9;
const PRICING_QUANTITY: usize = 10;
const PRICING_UNIT: usize = 11;
const CURRENCY: usize = 12;

const fn optional(names: &'static [&'static str]) -> Wanted {
    Wanted {
        names,
        required: false,
    }
}

const COLUMNS: &[Wanted] = &[
    Wanted {
        names: &["BilledCost"],
        required: true,
    },
    Wanted {
        names: &["ChargePeriodStart", "BillingPeriodStart"],
        required: true,
    },
    optional(&["ChargeCategory"]),
    optional(&["ProviderName", "ServiceProviderName"]),
    optional(&["ServiceName"]),
    optional(&["x_UsageType"]),
    optional(&["SkuMeter"]),
    optional(&["ChargeDescription"]),
    optional(&["ConsumedQuantity"]),
    optional(&["ConsumedUnit"]),
    optional(&["PricingQuantity"]),
    optional(&["PricingUnit"]),
    optional(&["BillingCurrency"]),
];

/// Reads a FOCUS export (CSV, or Parquet through [`super::bill_parquet`]).
pub fn read_focus<R: Read>(
    source: BillSource<R>,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<Bill, Diagnostic> {
    let csv = BillCsv::open(source, file_name, COLUMNS, "a FOCUS export")?;
    read_lines(
        csv,
        Bill::default(),
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
    let service = csv.text(SERVICE);
    let provider = csv.text(PROVIDER);
    let usage_type = [USAGE_TYPE, METER, DESCRIPTION]
        .into_iter()
        .map(|c| csv.text(c))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let item = if usage_type.is_empty() {
        format!("{provider} {service}").trim().to_owned()
    } else {
        usage_type.clone()
    };
    let category = csv.text(CATEGORY);
    if csv.has(CATEGORY) && !category.eq_ignore_ascii_case("Usage") {
        return Ok(bill.unattributed(
            month,
            &item,
            format!("a `{category}` charge, not token usage"),
            None,
            cost,
        ));
    }
    let currency = csv.text(CURRENCY);
    if !currency.is_empty() && !currency.eq_ignore_ascii_case("USD") {
        return Ok(bill.unattributed(
            month,
            &item,
            format!("billed in {currency}; replay prices in USD"),
            None,
            cost,
        ));
    }
    let aws = provider.to_ascii_lowercase().contains("aws")
        || provider.to_ascii_lowercase().contains("amazon");
    let bedrock = service.to_ascii_lowercase().contains("bedrock")
        || BEDROCK_PRODUCTS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&service));
    if !(aws && bedrock) {
        let reason = if bedrock || aws {
            "not Amazon Bedrock model usage".to_owned()
        } else {
            format!(
                "FOCUS lines of `{}` are not broken into model and token type (their SKU wording is not documented)",
                if provider.is_empty() {
                    "an unnamed provider"
                } else {
                    provider.as_str()
                }
            )
        };
        return Ok(bill.unattributed(month, &item, reason, None, cost));
    }
    let tokens =
        quantity(csv, CONSUMED, CONSUMED_UNIT)?.or(quantity(csv, PRICING_QUANTITY, PRICING_UNIT)?);
    let parsed = match parse_usage_type(&usage_type) {
        Ok(parsed) => parsed,
        Err(why) => return Ok(bill.unattributed(month, &item, why, tokens, cost)),
    };
    if let Some(tier) = &parsed.unpriced_tier {
        return Ok(bill.unattributed(
            month,
            &item,
            format!("the `{tier}` service tier is not priced by replay"),
            tokens,
            cost,
        ));
    }
    let Some(model) = usage_type_model(&parsed.model, known_models) else {
        return Ok(bill.unattributed(
            month,
            &item,
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

/// Tokens of a quantity column in a unit column, when the unit counts tokens.
fn quantity<R: Read>(
    csv: &BillCsv<R>,
    amount: usize,
    unit: usize,
) -> Result<Option<rust_decimal::Decimal>, Diagnostic> {
    if csv.text(amount).is_empty() {
        return Ok(None);
    }
    let Some(per) = tokens_per_unit(&csv.text(unit)) else {
        return Ok(None);
    };
    Ok(Some(csv.amount(amount)? * per))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::bill::{BillScope, TokenType};
    use rust_decimal::Decimal;

    #[test]
    fn aws_bedrock_lines_are_attributed_and_others_listed() {
        let text = "BilledCost,ChargePeriodStart,ChargeCategory,ProviderName,ServiceName,x_UsageType,ConsumedQuantity,ConsumedUnit,BillingCurrency\n\
            72.00,2026-10-01T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-output-tokens,4800000,Tokens,USD\n\
            3.00,2026-10-01T00:00:00Z,Usage,AWS,Amazon Bedrock,USE1-Claude4.6Sonnet-input-tokens-cross-region-global,1000,1K Tokens,USD\n\
            5.00,2026-10-01T00:00:00Z,Tax,AWS,Amazon Bedrock,,,,USD\n\
            9.50,2026-10-01T00:00:00Z,Usage,Google Cloud,Vertex AI,,1000,count,USD\n";
        let bill = read_focus(
            BillSource::Csv(text.as_bytes()),
            "focus.csv",
            &["claude-sonnet-4-6"],
            false,
        )
        .unwrap();
        assert_eq!(bill.lines, 4);
        let global = &bill.attributed[&BillKey {
            month: "2026-10".into(),
            scope: BillScope::BedrockGlobal,
            model: "claude-sonnet-4-6".into(),
            token_type: TokenType::Input,
        }];
        assert_eq!(global.tokens, Some(Decimal::from(1_000_000)));
        assert_eq!(bill.unattributed.len(), 2);
        assert_eq!(bill.total_usd(), "89.50".parse().unwrap());
    }

    #[test]
    fn a_file_that_is_not_focus_is_refused() {
        let e = read_focus(
            BillSource::Csv("a,b\n1,2\n".as_bytes()),
            "f.csv",
            &[],
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, crate::support::diagnostic::Code::BillHeader);
        assert!(e.to_string().contains("BilledCost"));
    }
}
