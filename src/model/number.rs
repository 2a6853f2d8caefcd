//! Number types that validate themselves while being read, so a bad value is reported at
//! its own line and column: exact decimal prices, shares in 0..1 and token counts.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A non-negative exact decimal (a price in USD, a multiplier), written as a number or a string.
///
/// Numbers are read through their shortest text form, so `0.3` is exactly 0.3, never
/// 0.299999….
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(transparent)]
pub struct Amount(pub Decimal);

impl JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A non-negative exact decimal, as a number or a string such as \"3.75\"",
            "anyOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$" }
            ]
        })
    }
}

impl Amount {
    /// 10^12: a trillion dollars per million tokens or per month is a typo, and bounding
    /// amounts keeps every product of amounts, shares and token counts exact.
    pub const MAX: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative decimal number such as 3.75")
            }
            // Integers go through the same checks as decimals, so `2000000000000` and
            // `2000000000000.0` are refused alike.
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom("expected a finite decimal number"));
                }
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                let d = Decimal::from_str(v.trim())
                    .map_err(|_| E::custom(format!("`{v}` is not a decimal number")))?;
                if d.is_sign_negative() && !d.is_zero() {
                    return Err(E::custom(format!(
                        "{v} is negative; expected a non-negative decimal"
                    )));
                }
                if d > Amount::MAX {
                    return Err(E::custom(format!(
                        "{v} is beyond the 10^12 limit; check the number for a typo"
                    )));
                }
                Ok(Amount(d))
            }
        }
        deserializer.deserialize_any(AmountVisitor)
    }
}

/// A share of traffic or tokens: a number from 0 to 1 inclusive, kept exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(transparent)]
pub struct Share(pub Decimal);

impl Share {
    pub const ZERO: Share = Share(Decimal::ZERO);
}

impl JsonSchema for Share {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Share".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A share from 0 to 1 inclusive",
            "type": "number", "minimum": 0, "maximum": 1
        })
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Amount(value) = Amount::deserialize(deserializer)
            .map_err(|e| de::Error::custom(format!("{e}; expected a share from 0 to 1")))?;
        if value > Decimal::ONE {
            return Err(de::Error::custom(format!(
                "{value} is out of range; a share is from 0 to 1 (write 0.25 for 25%)"
            )));
        }
        Ok(Share(value))
    }
}

/// A monthly token count: a whole number from 0 to [`TokenCount::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(transparent)]
pub struct TokenCount(pub u64);

impl TokenCount {
    /// 10^15 tokens a month: about a thousand times the largest published workloads.
    /// Anything above is a typo, and accepting it would print a confident, absurd bill.
    pub const MAX: u64 = 1_000_000_000_000_000;
}

impl JsonSchema for TokenCount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TokenCount".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Tokens per month, a whole number from 0 to 10^15",
            "type": "integer", "minimum": 0, "maximum": 1_000_000_000_000_000u64
        })
    }
}

impl<'de> Deserialize<'de> for TokenCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl Visitor<'_> for CountVisitor {
            type Value = TokenCount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of tokens from 0 to 10^15")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TokenCount, E> {
                if v > TokenCount::MAX {
                    return Err(E::custom(format!(
                        "{v} tokens a month is beyond the 10^15 limit; check the number for a typo"
                    )));
                }
                Ok(TokenCount(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TokenCount, E> {
                if v < 0 {
                    return Err(E::custom(format!(
                        "{v} is negative; a token count is 0 or more"
                    )));
                }
                self.visit_u64(v as u64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TokenCount, E> {
                // YAML readers hand `1e9` over as a float; accept it when it is a whole number.
                if v.is_finite() && v.fract() == 0.0 && v >= 0.0 && v <= TokenCount::MAX as f64 {
                    return Ok(TokenCount(v as u64));
                }
                if v.is_finite() && v < 0.0 {
                    return Err(E::custom(format!(
                        "{v} is negative; a token count is 0 or more"
                    )));
                }
                if v.is_finite() && v > TokenCount::MAX as f64 {
                    return Err(E::custom(format!(
                        "{v} tokens a month is beyond the 10^15 limit; check the number for a typo"
                    )));
                }
                Err(E::custom(format!("{v} is not a whole number of tokens")))
            }
        }
        deserializer.deserialize_any(CountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: for<'de> Deserialize<'de>>(yaml: &str) -> Result<T, String> {
        serde_saphyr::from_str::<T>(yaml).map_err(|e| e.without_snippet().to_string())
    }

    #[test]
    fn amount_reads_floats_exactly() {
        assert_eq!(
            parse::<Amount>("0.3").unwrap().0,
            Decimal::from_str("0.3").unwrap()
        );
        assert_eq!(
            parse::<Amount>("\"18.75\"").unwrap().0,
            Decimal::from_str("18.75").unwrap()
        );
        assert!(parse::<Amount>("-1").unwrap_err().contains("negative"));
        assert!(parse::<Amount>("1e13").unwrap_err().contains("10^12"));
        assert!(
            parse::<Amount>("10000000000000")
                .unwrap_err()
                .contains("10^12")
        );
        assert_eq!(parse::<Amount>("1000000000000").unwrap().0, Amount::MAX);
        assert_eq!(Amount::MAX, Decimal::from(1_000_000_000_000u64));
    }

    #[test]
    fn share_rejects_values_above_one() {
        assert!(parse::<Share>("1.5").unwrap_err().contains("out of range"));
        assert_eq!(parse::<Share>("1").unwrap().0, Decimal::ONE);
        assert!(parse::<Share>("-0.1").unwrap_err().contains("negative"));
    }

    #[test]
    fn token_count_accepts_scientific_whole_numbers_and_rejects_absurd_ones() {
        assert_eq!(parse::<TokenCount>("1e9").unwrap().0, 1_000_000_000);
        assert!(parse::<TokenCount>("1e20").unwrap_err().contains("10^15"));
        assert!(parse::<TokenCount>("-5").unwrap_err().contains("negative"));
        assert!(parse::<TokenCount>("2.5").unwrap_err().contains("whole"));
    }
}
