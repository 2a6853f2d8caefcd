//! A traffic entry split into the token categories that are priced differently.
//!
//! The split, in order (every share applies to token counts, exactly):
//! 1. `batch_share` of input and output goes to batch;
//! 2. of the remaining (interactive) input, `cache_hit_rate` is read from the cache and
//!    `cache_write_rate` / `cache_write_1h_rate` are written to it; the rest is fresh input;
//! 3. `long_context_share` of every category (fresh input, cache reads and writes, output,
//!    batch input and output) is long-prompt traffic, priced at the model's first
//!    prompt-length tier.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::workload::Traffic;

/// Interactive token counts of one prompt-length band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Band {
    pub input: Decimal,
    pub cache_read: Decimal,
    pub cache_write_5m: Decimal,
    pub cache_write_1h: Decimal,
    pub output: Decimal,
}

impl Band {
    fn scaled(&self, share: Decimal) -> Band {
        Band {
            input: self.input * share,
            cache_read: self.cache_read * share,
            cache_write_5m: self.cache_write_5m * share,
            cache_write_1h: self.cache_write_1h * share,
            output: self.output * share,
        }
    }

    pub fn total(&self) -> Decimal {
        self.input + self.cache_read + self.cache_write_5m + self.cache_write_1h + self.output
    }

    pub fn is_zero(&self) -> bool {
        self.total().is_zero()
    }
}

/// Token counts per priced category (decimals: growth and shares make fractions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub input: Decimal,
    pub cache_read: Decimal,
    pub cache_write_5m: Decimal,
    pub cache_write_1h: Decimal,
    pub output: Decimal,
    /// Interactive traffic of long prompts, in every category.
    pub long: Band,
    /// The prompt size the long part is known to be above (replayed usage whose source marks
    /// long requests at its own threshold); `None` for the model's first tier.
    pub long_above: Option<u64>,
    pub batch_input: Decimal,
    pub batch_output: Decimal,
    pub batch_long_input: Decimal,
    pub batch_long_output: Decimal,
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
        let all = Band {
            input: fresh,
            cache_read,
            cache_write_5m,
            cache_write_1h,
            output: inter_out,
        };
        let share = traffic.long_context_share.0;
        let long = all.scaled(share);
        let batch_long_input = batch_input * share;
        let batch_long_output = batch_output * share;
        Some(Breakdown {
            input: all.input - long.input,
            cache_read: all.cache_read - long.cache_read,
            cache_write_5m: all.cache_write_5m - long.cache_write_5m,
            cache_write_1h: all.cache_write_1h - long.cache_write_1h,
            output: all.output - long.output,
            long,
            long_above: None,
            batch_input: batch_input - batch_long_input,
            batch_output: batch_output - batch_long_output,
            batch_long_input,
            batch_long_output,
            web_searches: Decimal::from(traffic.web_searches_per_month.0).checked_mul(scale)?,
        })
    }

    /// The standard-length interactive part as a band.
    pub fn standard(&self) -> Band {
        Band {
            input: self.input,
            cache_read: self.cache_read,
            cache_write_5m: self.cache_write_5m,
            cache_write_1h: self.cache_write_1h,
            output: self.output,
        }
    }

    /// Input plus output tokens of the interactive (non-batch) part: what capacity serves.
    pub fn interactive_tokens(&self) -> Decimal {
        self.standard().total() + self.long.total()
    }

    /// The same traffic with the interactive part scaled by `share` and batch removed.
    pub fn interactive_scaled(&self, share: Decimal) -> Breakdown {
        let s = self.standard().scaled(share);
        Breakdown {
            input: s.input,
            cache_read: s.cache_read,
            cache_write_5m: s.cache_write_5m,
            cache_write_1h: s.cache_write_1h,
            output: s.output,
            long: self.long.scaled(share),
            long_above: self.long_above,
            web_searches: self.web_searches * share,
            ..Breakdown::default()
        }
    }

    /// The same traffic with the interactive part scaled by `share` and batch kept whole:
    /// the standard service tier's part when `1 - share` goes to flex or priority.
    pub fn with_interactive_share(&self, share: Decimal) -> Breakdown {
        Breakdown {
            batch_input: self.batch_input,
            batch_output: self.batch_output,
            batch_long_input: self.batch_long_input,
            batch_long_output: self.batch_long_output,
            ..self.interactive_scaled(share)
        }
    }

    /// Only the batch part.
    pub fn batch_only(&self) -> Breakdown {
        Breakdown {
            batch_input: self.batch_input,
            batch_output: self.batch_output,
            batch_long_input: self.batch_long_input,
            batch_long_output: self.batch_long_output,
            long_above: self.long_above,
            ..Breakdown::default()
        }
    }

    /// Batch tokens of both lengths.
    pub fn batch_is_zero(&self) -> bool {
        (self.batch_input + self.batch_output + self.batch_long_input + self.batch_long_output)
            .is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_share_takes_every_category_and_the_parts_add_up() {
        let traffic: Traffic = serde_saphyr::from_str(
            "name: t\nmodel: m\ninput_tokens_per_month: 1000000\noutput_tokens_per_month: 100000\ncache_hit_rate: 0.5\ncache_write_rate: 0.1\nbatch_share: 0.2\nlong_context_share: 0.25\n",
        )
        .expect("reads");
        let b = Breakdown::from_traffic(&traffic, Decimal::ONE).expect("fits");
        assert_eq!(b.long.cache_read, Decimal::from(100_000));
        assert_eq!(b.cache_read, Decimal::from(300_000));
        assert_eq!(b.batch_long_input, Decimal::from(50_000));
        let all_in = b.input
            + b.cache_read
            + b.cache_write_5m
            + b.cache_write_1h
            + b.long.input
            + b.long.cache_read
            + b.long.cache_write_5m
            + b.long.cache_write_1h
            + b.batch_input
            + b.batch_long_input;
        assert_eq!(all_in, Decimal::from(1_000_000));
        assert_eq!(
            b.output + b.long.output + b.batch_output + b.batch_long_output,
            Decimal::from(100_000)
        );
    }
}
