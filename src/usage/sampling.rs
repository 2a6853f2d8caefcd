//! Scaling a sampled log back to the traffic it samples.
//!
//! Vertex AI request-response logging keeps a random `sampling_rate` share of requests, so
//! the logged tokens are that share of the real ones. The rate is a decimal (`0.1`, `0.25`,
//! `0.3`); its reciprocal is kept as an exact fraction `p/q` (`0.3` is `10/3`), never a float.
//! When `q` is 1 every count is multiplied exactly. Otherwise each model's count of each
//! token type on each route and tier is the logged sum times `p/q`, rounded to the nearest
//! token (half to even): a running carry per key makes each total the rounding of the
//! exact product, so the rounding moves a printed count by at most half a token and never
//! compounds per row.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::accumulate::OVERFLOW;
use super::record::UsageRecord;
use super::tokens::{Tier, TokenBreakdown};

/// A sampling rate in (0, 1] and its reciprocal as a reduced fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplingRate {
    /// The rate as given.
    pub rate: Decimal,
    /// Numerator of 1/rate.
    pub numerator: u128,
    /// Denominator of 1/rate (1 when the scaling is an exact whole multiple).
    pub denominator: u128,
}

impl FromStr for SamplingRate {
    type Err = String;

    /// `0.1`, `0.25`, `1`: a decimal above 0 and at most 1.
    fn from_str(text: &str) -> Result<Self, String> {
        let refuse = || {
            format!(
                "`{text}` is not a sampling rate (a decimal above 0 and at most 1, such as 0.1)"
            )
        };
        let rate = Decimal::from_str(text.trim()).map_err(|_| refuse())?;
        if rate <= Decimal::ZERO || rate > Decimal::ONE {
            return Err(refuse());
        }
        let rate = rate.normalize();
        // rate = mantissa / 10^scale, so 1/rate = 10^scale / mantissa.
        let mantissa = u128::try_from(rate.mantissa()).map_err(|_| refuse())?;
        let power = 10u128.pow(rate.scale());
        let divisor = gcd(power, mantissa);
        Ok(SamplingRate {
            rate,
            numerator: power / divisor,
            denominator: mantissa / divisor,
        })
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl SamplingRate {
    /// Whether scaling multiplies by a whole number (no rounding at all).
    pub fn is_exact(&self) -> bool {
        self.denominator == 1
    }

    /// The sentence the report prints as an assumption.
    pub fn describe(&self, source: &str) -> String {
        if self.is_exact() {
            format!(
                "{source} is sampled at rate {}: every token count is multiplied by {} (1/{}), exactly; row counts are the rows logged.",
                self.rate, self.numerator, self.rate
            )
        } else {
            format!(
                "{source} is sampled at rate {}: every token count is multiplied by {}/{} (1/{}) and rounded to the nearest token (half to even) per model, route, tier and token type, so each count is within half a token of the exact scaled value; row counts are the rows logged.",
                self.rate, self.numerator, self.denominator, self.rate
            )
        }
    }
}

/// Running sums per model, route and tier: logged tokens, and scaled tokens handed out.
#[derive(Default)]
struct Carry {
    logged: [u128; 5],
    scaled: [u64; 5],
}

/// Scales records one at a time so the scaled totals are the exact products, rounded once.
pub struct Scaler {
    rate: SamplingRate,
    carries: HashMap<(String, Option<String>, Tier), Carry>,
}

impl Scaler {
    pub fn new(rate: SamplingRate) -> Self {
        Scaler {
            rate,
            carries: HashMap::new(),
        }
    }

    /// `record` with its tokens scaled by 1/rate; fails only on overflow.
    pub fn scale(&mut self, mut record: UsageRecord) -> Result<UsageRecord, &'static str> {
        let key = (record.model.clone(), record.route.clone(), record.tier);
        let carry = self.carries.entry(key).or_default();
        let t = record.tokens;
        let logged = [
            t.input,
            t.output,
            t.cache_read,
            t.cache_write_5m,
            t.cache_write_1h,
        ];
        let mut out = [0u64; 5];
        let (p, q) = (self.rate.numerator, self.rate.denominator);
        for i in 0..5 {
            let sum = carry.logged[i]
                .checked_add(u128::from(logged[i]))
                .ok_or(OVERFLOW)?;
            let product = sum.checked_mul(p).ok_or(OVERFLOW)?;
            let (mut whole, rest) = (product / q, product % q);
            if rest * 2 > q || (rest * 2 == q && whole % 2 == 1) {
                whole += 1;
            }
            let whole = u64::try_from(whole).map_err(|_| OVERFLOW)?;
            out[i] = whole - carry.scaled[i];
            carry.logged[i] = sum;
            carry.scaled[i] = whole;
        }
        record.tokens = TokenBreakdown {
            input: out[0],
            output: out[1],
            cache_read: out[2],
            cache_write_5m: out[3],
            cache_write_1h: out[4],
        };
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(text: &str) -> SamplingRate {
        text.parse().unwrap()
    }

    fn record(input: u64) -> UsageRecord {
        UsageRecord {
            minute: 0,
            bucket_minutes: 1,
            model: "m".into(),
            route: None,
            tier: Tier::Standard,
            tokens: TokenBreakdown {
                input,
                ..TokenBreakdown::default()
            },
            web_search_requests: 0,
            billed_usd: None,
            billed_rows: None,
        }
    }

    #[test]
    fn rates_become_exact_fractions() {
        assert_eq!((rate("0.1").numerator, rate("0.1").denominator), (10, 1));
        assert_eq!((rate("0.25").numerator, rate("0.25").denominator), (4, 1));
        assert_eq!((rate("0.3").numerator, rate("0.3").denominator), (10, 3));
        assert_eq!((rate("1").numerator, rate("1.00").denominator), (1, 1));
        assert!(rate("0.3").describe("x").contains("10/3"));
        for bad in ["0", "-0.1", "1.5", "ten", ""] {
            assert!(bad.parse::<SamplingRate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_third_rounds_the_total_once() {
        // 3 rows of 1 token at rate 0.3: 3 × 10/3 = 10 exactly, not 3 × round(3.33) = 9.
        let mut scaler = Scaler::new(rate("0.3"));
        let sum: u64 = (0..3)
            .map(|_| scaler.scale(record(1)).unwrap().tokens.input)
            .sum();
        assert_eq!(sum, 10);
    }

    proptest! {
        #[test]
        fn scaled_sums_are_the_rounded_exact_product(
            tokens in proptest::collection::vec(0u64..1_000_000, 1..40),
            mantissa in 1u32..=1000,
        ) {
            let r = SamplingRate::from_str(&format!("{}", Decimal::new(i64::from(mantissa), 3))).unwrap();
            let mut scaler = Scaler::new(r);
            let mut scaled = 0u128;
            for t in &tokens {
                scaled += u128::from(scaler.scale(record(*t)).unwrap().tokens.input);
            }
            let logged: u128 = tokens.iter().map(|t| u128::from(*t)).sum();
            // |scaled − logged·p/q| ≤ 1/2, i.e. |2·q·scaled − 2·logged·p| ≤ q.
            let (p, q) = (r.numerator, r.denominator);
            let diff = (2 * q * scaled).abs_diff(2 * logged * p);
            prop_assert!(diff <= q, "{scaled} vs {logged}·{p}/{q}");
        }
    }
}
