//! A traffic entry split into the token categories that are priced differently.
//!
//! The split, in order (every share applies to token counts, exactly):
//! 1. `batch_share` of input and output goes to batch;
//! 2. of the remaining (interactive) input, `cache_hit_rate` is read from the cache and
//!    `cache_write_rate` / `cache_write_1h_rate` are written to it; the rest is fresh input;
//! 3. `long_context_share` of fresh input and of interactive output is long-context traffic.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::workload::Traffic;

/// Token counts per priced category (decimals: growth and shares make fractions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub input: Decimal,
    pub cache_read: Decimal,
    pub cache_write_5m: Decimal,
    pub cache_write_1h: Decimal,
    pub output: Decimal,
    pub long_input: Decimal,
    pub long_output: Decimal,
    pub batch_input: Decimal,
    pub batch_output: Decimal,
    pub web_searches: Decimal,
}

impl Breakdown {
    /// Splits one traffic entry, with every count multiplied by `scale` (monthly growth).
    pub fn from_traffic(traffic: &Traffic, scale: Decimal) -> Option<Breakdown> {
        let input = Decimal::from(traffic.input_tokens_per_month.0).checked_mul(scale)?;
        let output = Decimal::from(traffic.output_tokens_per_month.0).checked_mul(scale)?;
        let batch = traffic.batch_share.0;
        let batch_input = input * batch;
        let batch_output = output * batch;
        let inter_in = input - batch_input;
        let inter_out = output - batch_output;
        let cache_read = inter_in * traffic.cache_hit_rate.0;
        let cache_write_5m = inter_in * traffic.cache_write_rate.0;
        let cache_write_1h = inter_in * traffic.cache_write_1h_rate.0;
        let fresh = inter_in - cache_read - cache_write_5m - cache_write_1h;
        let long = traffic.long_context_share.0;
        let long_input = fresh * long;
        let long_output = inter_out * long;
        Some(Breakdown {
            input: fresh - long_input,
            cache_read,
            cache_write_5m,
            cache_write_1h,
            output: inter_out - long_output,
            long_input,
            long_output,
            batch_input,
            batch_output,
            web_searches: Decimal::from(traffic.web_searches_per_month.0).checked_mul(scale)?,
        })
    }

    /// Input plus output tokens of the interactive (non-batch) part: what capacity serves.
    pub fn interactive_tokens(&self) -> Decimal {
        self.input
            + self.cache_read
            + self.cache_write_5m
            + self.cache_write_1h
            + self.output
            + self.long_input
            + self.long_output
    }

    /// The same traffic with the interactive part scaled by `share` and batch removed.
    pub fn interactive_scaled(&self, share: Decimal) -> Breakdown {
        Breakdown {
            input: self.input * share,
            cache_read: self.cache_read * share,
            cache_write_5m: self.cache_write_5m * share,
            cache_write_1h: self.cache_write_1h * share,
            output: self.output * share,
            long_input: self.long_input * share,
            long_output: self.long_output * share,
            batch_input: Decimal::ZERO,
            batch_output: Decimal::ZERO,
            web_searches: self.web_searches * share,
        }
    }

    /// Only the batch part.
    pub fn batch_only(&self) -> Breakdown {
        Breakdown {
            batch_input: self.batch_input,
            batch_output: self.batch_output,
            ..Breakdown::default()
        }
    }
}
