//! Token sums per category, per model: what a price table multiplies.
//!
//! Sums use checked arithmetic: a file whose counts do not fit in `u64` is an error the
//! caller reports, never a wrap-around or a panic.

use serde::Serialize;

/// Tokens in each priced category. `input` is uncached input, as in the Anthropic API:
/// cache reads and cache writes are counted on their own lines, not in `input`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TokenBreakdown {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    /// Cache writes with a 5-minute lifetime.
    pub cache_write_5m: u64,
    /// Cache writes with a 1-hour lifetime.
    pub cache_write_1h: u64,
}

impl TokenBreakdown {
    /// Every token in every category, or `None` if the sum does not fit in `u64`.
    pub fn total(&self) -> Option<u64> {
        self.input
            .checked_add(self.output)?
            .checked_add(self.cache_read)?
            .checked_add(self.cache_write_5m)?
            .checked_add(self.cache_write_1h)
    }

    /// Adds `other` category by category; `None` (and `self` unchanged) on overflow.
    pub fn checked_add(&self, other: &TokenBreakdown) -> Option<TokenBreakdown> {
        Some(TokenBreakdown {
            input: self.input.checked_add(other.input)?,
            output: self.output.checked_add(other.output)?,
            cache_read: self.cache_read.checked_add(other.cache_read)?,
            cache_write_5m: self.cache_write_5m.checked_add(other.cache_write_5m)?,
            cache_write_1h: self.cache_write_1h.checked_add(other.cache_write_1h)?,
        })
    }

    pub fn is_zero(&self) -> bool {
        *self == TokenBreakdown::default()
    }
}

/// Where usage sources split long-context requests: Anthropic's usage report and console
/// export mark each bucket `0-200k` or `200k-1M` (`context_window`). This is the sources'
/// boundary, not a price: the cost engine compares it with each model's prompt-length
/// tiers from the pricing tables, and says when a model's tier starts lower.
pub const SOURCE_LONG_CONTEXT_TOKENS: u64 = 200_000;

/// Which of a model's four disjoint breakdowns a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Interactive requests up to 200K tokens of context.
    Standard,
    /// Batch requests up to 200K tokens of context.
    Batch,
    /// Interactive requests above 200K tokens of context.
    LongContext,
    /// Batch requests above 200K tokens of context.
    BatchLongContext,
}

impl Tier {
    pub fn new(batch: bool, long_context: bool) -> Tier {
        match (batch, long_context) {
            (false, false) => Tier::Standard,
            (true, false) => Tier::Batch,
            (false, true) => Tier::LongContext,
            (true, true) => Tier::BatchLongContext,
        }
    }

    /// The tier of one request, from its own prompt (uncached input, cache reads and cache
    /// writes): above the sources' 200K boundary it is long-context. A per-request log knows
    /// each prompt's size, so no request above it is priced at the base rate.
    pub fn of_request(batch: bool, tokens: &TokenBreakdown) -> Tier {
        let prompt = tokens
            .input
            .saturating_add(tokens.cache_read)
            .saturating_add(tokens.cache_write_5m)
            .saturating_add(tokens.cache_write_1h);
        Tier::new(batch, prompt > SOURCE_LONG_CONTEXT_TOKENS)
    }
}

/// Everything read for one catalogue model. The four breakdowns are disjoint: a row lands in
/// exactly one of them, so their sum ([`ModelUsage::all`]) is the model's total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelUsage {
    /// Rows (CSV records or usage-report result objects) for this model.
    pub rows: u64,
    /// Interactive traffic at standard context length.
    pub standard: TokenBreakdown,
    /// Batch traffic (a `batch` CSV column that is true, or service tier `batch`).
    pub batch: TokenBreakdown,
    /// Interactive traffic above 200K tokens of context, where the source says so (the
    /// report's `context_window` of `200k-1M`, or the CSV's `context_window` column).
    pub long_context: TokenBreakdown,
    /// Batch traffic above 200K tokens of context. Anthropic's batch discount applies to the
    /// long-context rates too, so it cannot be folded into either neighbour.
    pub batch_long_context: TokenBreakdown,
    /// Server-side web searches (priced per request, not per token).
    pub web_search_requests: u64,
}

impl ModelUsage {
    pub fn tier(&self, tier: Tier) -> &TokenBreakdown {
        match tier {
            Tier::Standard => &self.standard,
            Tier::Batch => &self.batch,
            Tier::LongContext => &self.long_context,
            Tier::BatchLongContext => &self.batch_long_context,
        }
    }

    fn tier_mut(&mut self, tier: Tier) -> &mut TokenBreakdown {
        match tier {
            Tier::Standard => &mut self.standard,
            Tier::Batch => &mut self.batch,
            Tier::LongContext => &mut self.long_context,
            Tier::BatchLongContext => &mut self.batch_long_context,
        }
    }

    /// The four breakdowns added together, or `None` on overflow.
    pub fn all(&self) -> Option<TokenBreakdown> {
        self.standard
            .checked_add(&self.batch)?
            .checked_add(&self.long_context)?
            .checked_add(&self.batch_long_context)
    }

    /// Adds `rows` rows whose tokens sum to `tokens`. On overflow returns `false` and
    /// leaves `self` unchanged.
    #[must_use]
    pub fn add_rows(
        &mut self,
        rows: u64,
        tier: Tier,
        tokens: &TokenBreakdown,
        web_search: u64,
    ) -> bool {
        let (Some(rows), Some(sum), Some(searches)) = (
            self.rows.checked_add(rows),
            self.tier(tier).checked_add(tokens),
            self.web_search_requests.checked_add(web_search),
        ) else {
            return false;
        };
        self.rows = rows;
        *self.tier_mut(tier) = sum;
        self.web_search_requests = searches;
        true
    }

    /// Adds another model's totals (the same model from another file or bucket).
    #[must_use]
    pub fn checked_add(&self, other: &ModelUsage) -> Option<ModelUsage> {
        Some(ModelUsage {
            rows: self.rows.checked_add(other.rows)?,
            standard: self.standard.checked_add(&other.standard)?,
            batch: self.batch.checked_add(&other.batch)?,
            long_context: self.long_context.checked_add(&other.long_context)?,
            batch_long_context: self
                .batch_long_context
                .checked_add(&other.batch_long_context)?,
            web_search_requests: self
                .web_search_requests
                .checked_add(other.web_search_requests)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_request_is_long_context_only_above_the_sources_boundary() {
        let prompt = |input, cache_read| TokenBreakdown {
            input,
            cache_read,
            output: 1_000_000,
            ..TokenBreakdown::default()
        };
        assert_eq!(
            Tier::of_request(false, &prompt(150_000, 50_000)),
            Tier::Standard
        );
        assert_eq!(
            Tier::of_request(false, &prompt(150_000, 50_001)),
            Tier::LongContext
        );
        assert_eq!(
            Tier::of_request(true, &prompt(200_001, 0)),
            Tier::BatchLongContext
        );
    }

    use super::*;

    fn tokens(n: u64) -> TokenBreakdown {
        TokenBreakdown {
            input: n,
            output: n,
            cache_read: n,
            cache_write_5m: n,
            cache_write_1h: n,
        }
    }

    #[test]
    fn rows_land_in_exactly_one_tier() {
        let mut usage = ModelUsage::default();
        assert!(usage.add_rows(1, Tier::new(false, false), &tokens(1), 0));
        assert!(usage.add_rows(1, Tier::new(true, false), &tokens(2), 1));
        assert!(usage.add_rows(1, Tier::new(false, true), &tokens(4), 0));
        assert!(usage.add_rows(1, Tier::new(true, true), &tokens(8), 2));
        assert_eq!(usage.rows, 4);
        assert_eq!(usage.standard, tokens(1));
        assert_eq!(usage.batch, tokens(2));
        assert_eq!(usage.long_context, tokens(4));
        assert_eq!(usage.batch_long_context, tokens(8));
        assert_eq!(usage.all(), Some(tokens(15)));
        assert_eq!(usage.web_search_requests, 3);
    }

    #[test]
    fn overflow_is_refused_and_leaves_the_sum_unchanged() {
        let mut usage = ModelUsage::default();
        assert!(usage.add_rows(1, Tier::Standard, &tokens(u64::MAX), 0));
        let before = usage.clone();
        assert!(!usage.add_rows(1, Tier::Standard, &tokens(1), 0));
        assert_eq!(usage, before);
        assert_eq!(tokens(u64::MAX).total(), None);
        assert_eq!(tokens(3).total(), Some(15));
    }
}
