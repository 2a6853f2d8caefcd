//! The one internal form every log reader converts to, and the two ways sources count input.
//!
//! Half the sources count cached tokens inside their input count (LiteLLM `prompt_tokens`,
//! OpenTelemetry `gen_ai.usage.input_tokens`: OpenAI-style) and half do not (Anthropic
//! `input_tokens`, Bedrock `inputTokenCount`: Anthropic-style). Each reader states its
//! convention as an [`InputConvention`] and converts with [`InputConvention::uncached`], so
//! the totals always hold uncached input beside cache reads and writes: cached tokens are
//! counted once, at their own rate, never twice and never dropped.

use rust_decimal::Decimal;

use super::tokens::{Tier, TokenBreakdown};

/// How a source counts its input tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputConvention {
    /// The input count is uncached input only; cache reads and writes are counted apart
    /// (Anthropic `input_tokens`, Bedrock `inputTokenCount`, routewise's own CSV).
    ExcludesCache,
    /// The input count includes cache reads and cache writes (OpenAI `prompt_tokens`,
    /// LiteLLM `prompt_tokens`, OpenTelemetry `gen_ai.usage.input_tokens`).
    IncludesCache,
}

impl InputConvention {
    /// Uncached input from a source's input count: the count itself, or the count minus the
    /// cache reads and writes it includes. A count smaller than the cache it should include
    /// is refused (the source is not what it claims, and subtracting would invent tokens).
    pub fn uncached(self, input: u64, cache_read: u64, cache_write: u64) -> Result<u64, String> {
        match self {
            InputConvention::ExcludesCache => Ok(input),
            InputConvention::IncludesCache => cache_read
                .checked_add(cache_write)
                .and_then(|cache| input.checked_sub(cache))
                .ok_or_else(|| {
                    format!(
                        "the input count ({input}) is smaller than the cache reads ({cache_read}) \
                         plus cache writes ({cache_write}) it should include"
                    )
                }),
        }
    }

    /// A sentence for the report's assumptions.
    pub fn describe(self) -> &'static str {
        match self {
            InputConvention::ExcludesCache => {
                "its input count excludes cache reads and writes (Anthropic-style), so it is read as uncached input"
            }
            InputConvention::IncludesCache => {
                "its input count includes cache reads and writes (OpenAI-style), so they are subtracted to give uncached input"
            }
        }
    }
}

/// One request (or bucket) of any source, converted: what the accumulator adds.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRecord {
    /// Start of the record's time, in minutes since the Unix epoch.
    pub minute: u64,
    /// Minutes the tokens are spread over (1 for a request).
    pub bucket_minutes: u64,
    /// The model as the log names it.
    pub model: String,
    /// The route the log says served it: a catalogue route id, or a label saying why it is
    /// not one (see [`super::routes`]). `None` when the log does not say.
    pub route: Option<String>,
    pub tier: Tier,
    /// Tokens with `input` uncached, whatever the source's convention.
    pub tokens: TokenBreakdown,
    pub web_search_requests: u64,
    /// What the log says was charged, in US dollars, when it carries an amount.
    pub billed_usd: Option<Decimal>,
    /// For an aggregated bucket, how many of its rows carried an amount (`None`: all, or
    /// the one row).
    pub billed_rows: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_is_subtracted_only_when_the_source_includes_it() {
        assert_eq!(InputConvention::ExcludesCache.uncached(10, 5, 5), Ok(10));
        assert_eq!(
            InputConvention::IncludesCache.uncached(98_805, 66_360, 32_435),
            Ok(10)
        );
        assert_eq!(InputConvention::IncludesCache.uncached(100, 100, 0), Ok(0));
        let refused = InputConvention::IncludesCache
            .uncached(3, 2, 2)
            .unwrap_err();
        assert!(refused.contains("smaller than the cache"), "{refused}");
        assert!(
            InputConvention::IncludesCache
                .uncached(0, u64::MAX, 1)
                .is_err()
        );
    }
}
