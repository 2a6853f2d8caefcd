//! CI gates: the conditions under which `routewise diff` (and, for stale prices,
//! `routewise advise`) fails the build. Each gate is spelled on the command line as
//! `--fail-on GATE` and printed back the same way.

use crate::support::invalid::InvalidValue;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// One gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// The recommended route differs (including to or from "no route").
    RouteChange,
    /// A route that was viable in the base report is eliminated in the new one.
    NewElimination,
    /// The recommended route's monthly cost rose by more than the threshold.
    CostIncrease(Threshold),
    /// A pricing table used by a viable route is older than the allowed age.
    StalePricing,
}

/// How much a cost may rise before the gate trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// More than this many percent of the base cost.
    Percent(Decimal),
    /// More than this many US dollars a month.
    Usd(Decimal),
}

/// The stale-pricing gate's name, also the code of the warning it fails on (one spelling
/// for `advise --fail-on`, `diff --fail-on` and the report's warnings).
pub const STALE_PRICING: &str = "stale-pricing";

/// Every gate spelling, for help and errors.
pub const SPELLINGS: &str =
    "route-change, new-elimination, cost-increase=<N>% or cost-increase=<N>usd, stale-pricing";

impl FromStr for Gate {
    type Err = InvalidValue;

    fn from_str(text: &str) -> Result<Gate, InvalidValue> {
        let text = text.trim();
        match text {
            "route-change" => return Ok(Gate::RouteChange),
            "new-elimination" => return Ok(Gate::NewElimination),
            STALE_PRICING => return Ok(Gate::StalePricing),
            _ => {}
        }
        let Some(limit) = text.strip_prefix("cost-increase=") else {
            return Err(InvalidValue(if text == "cost-increase" {
                "`cost-increase` needs a limit, such as cost-increase=10% or cost-increase=500usd"
                    .to_owned()
            } else {
                format!("`{text}` is not a gate; gates are {SPELLINGS}")
            }));
        };
        let (number, threshold): (&str, fn(Decimal) -> Threshold) = if let Some(n) =
            limit.strip_suffix('%')
        {
            (n, Threshold::Percent)
        } else if let Some(n) = limit.strip_suffix("usd") {
            (n, Threshold::Usd)
        } else {
            return Err(format!(
                "`{limit}` is not a cost limit; write a percentage such as 10% or an amount such as 500usd"
            ).into());
        };
        let value = Decimal::from_str(number.trim())
            .ok()
            .filter(|v| !v.is_sign_negative())
            .ok_or_else(|| format!("`{number}` in `{text}` is not a number of zero or more"))?;
        Ok(Gate::CostIncrease(threshold(value.normalize())))
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gate::RouteChange => f.write_str("route-change"),
            Gate::NewElimination => f.write_str("new-elimination"),
            Gate::CostIncrease(Threshold::Percent(p)) => write!(f, "cost-increase={p}%"),
            Gate::CostIncrease(Threshold::Usd(a)) => write!(f, "cost-increase={a}usd"),
            Gate::StalePricing => f.write_str(STALE_PRICING),
        }
    }
}

/// Parses a `--fail-on` value for clap.
pub fn parse(text: &str) -> Result<Gate, InvalidValue> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_parse_and_print_back_the_same() {
        for text in [
            "route-change",
            "new-elimination",
            "cost-increase=10%",
            "cost-increase=12.5%",
            "cost-increase=500usd",
            "cost-increase=0usd",
            "stale-pricing",
        ] {
            assert_eq!(text.parse::<Gate>().unwrap().to_string(), text);
        }
        assert_eq!(
            "cost-increase=10.0%".parse::<Gate>().unwrap().to_string(),
            "cost-increase=10%"
        );
    }

    #[test]
    fn bad_gates_say_what_is_allowed() {
        assert!(
            "route-changed"
                .parse::<Gate>()
                .unwrap_err()
                .0
                .contains("gates are route-change")
        );
        assert!(
            "cost-increase"
                .parse::<Gate>()
                .unwrap_err()
                .0
                .contains("needs a limit")
        );
        assert!(
            "cost-increase=10"
                .parse::<Gate>()
                .unwrap_err()
                .0
                .contains("not a cost limit")
        );
        assert!(
            "cost-increase=-5%"
                .parse::<Gate>()
                .unwrap_err()
                .0
                .contains("zero or more")
        );
        assert!("cost-increase=ten%".parse::<Gate>().is_err());
    }
}
