//! AWS usage types of Amazon Bedrock tokens, as CUR 2.0 (`line_item_usage_type`) and AWS's
//! FOCUS export (`x_UsageType`) write them, parsed by a documented pattern table.
//!
//! A usage type is `<REGION>-<model><marker><modifiers>`. The region code (`USE1`, `USW2`,
//! `EUC1`…) comes first; the marker says the token type; modifiers after it say the routing
//! and tier. Forms seen in AWS's documentation and public parsers:
//!
//! | marker | token type |
//! | --- | --- |
//! | `-input-tokens`, `-mantle-input-tokens`, `_InputTokenCount` | input |
//! | `-output-tokens`, `-mantle-output-tokens`, `_OutputTokenCount` | output |
//! | `-cache-read-input-token-count`, `-mantle-cache-read-tokens`, `_CacheReadInputTokenCount` | cache reads |
//! | `-cache-write-input-token-count`, `-mantle-cache-write-tokens`, `_CacheWriteInputTokenCount` | cache writes (5 minutes; `-1-hour` makes them 1 hour) |
//!
//! | modifier | meaning |
//! | --- | --- |
//! | `-cross-region-global`, `_Global` | the global cross-region profile (route `bedrock-global`) |
//! | `-cross-region`, `-cross-region-geo` | a geographic profile (route `bedrock-geo`): billed at the regional rate |
//! | `-1-hour`, `-1h` | 1-hour cache writes |
//! | `-batch` | batch inference (reconciliation folds it into input and output; the warehouse SQL marks it `batch`) |
//! | `-standard`, `-5-minute(s)` | the defaults: the standard tier, 5-minute cache writes |
//! | `-priority`, `-flex`, `-reserved` | a service tier replay does not price: the line is unattributed |
//!
//! No modifier is the caller's region (route `bedrock-region`). The modifiers are the
//! [`MODIFIERS`] table, which the warehouse SQL (`--emit-sql --source cur`) also reads.
//!
//! Models are named in two styles: AWS's marketing names (`Claude4.6Sonnet`,
//! `Claude4Sonnet`, `Llama4-Maverick-17B`) and model ids (`anthropic.claude-opus-4-8`). Both
//! are mapped to the catalogue; a name the catalogue does not know leaves the line
//! unattributed, with the name.

use super::bill::{BillScope, TokenType};
use super::model_id::catalogue_model;

/// What a usage type says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageType {
    /// The model as the usage type names it.
    pub model: String,
    pub token_type: TokenType,
    pub scope: BillScope,
    /// The route the line was served on, as the other readers name it.
    pub route: &'static str,
    /// Batch inference (`-batch`).
    pub batch: bool,
    /// A tier replay does not price (`priority`, `flex`…), which leaves the line unattributed.
    pub unpriced_tier: Option<String>,
}

/// Markers, in the order they are tried at each position (longest first). Public so the
/// warehouse SQL (`--emit-sql --source cur`) builds its CASE arms from this same table.
pub const MARKERS: &[(&str, TokenType)] = &[
    ("-cache-read-input-token-count", TokenType::CacheRead),
    ("-cache-write-input-token-count", TokenType::CacheWrite5m),
    ("-mantle-cache-read-tokens", TokenType::CacheRead),
    ("-mantle-cache-write-tokens", TokenType::CacheWrite5m),
    ("-mantle-input-tokens", TokenType::Input),
    ("-mantle-output-tokens", TokenType::Output),
    ("-cache-read-tokens", TokenType::CacheRead),
    ("-cache-write-tokens", TokenType::CacheWrite5m),
    ("-input-tokens", TokenType::Input),
    ("-output-tokens", TokenType::Output),
    ("_cachereadinputtokencount", TokenType::CacheRead),
    ("_cachewriteinputtokencount", TokenType::CacheWrite5m),
    ("_inputtokencount", TokenType::Input),
    ("_outputtokencount", TokenType::Output),
];

/// What a modifier after the marker says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// The global cross-region profile: its own (global) rate.
    Global,
    /// A geographic cross-region profile: billed at the regional rate.
    Geo,
    /// 1-hour cache writes.
    OneHour,
    /// Batch inference.
    Batch,
    /// Says what is the default anyway (`-standard`, `-5-minutes`).
    Plain,
    /// A service tier replay does not price.
    UnpricedTier,
}

/// Modifiers as words joined by `-` (a usage type separates them with `-` or `_`), longest
/// first so `cross-region-global` is found before `cross-region`. The one table both the
/// parser below and the warehouse SQL read.
pub const MODIFIERS: &[(&str, Modifier)] = &[
    ("cross-region-global", Modifier::Global),
    ("cross-region-geo", Modifier::Geo),
    ("cross-region", Modifier::Geo),
    ("global", Modifier::Global),
    ("5-minutes", Modifier::Plain),
    ("5-minute", Modifier::Plain),
    ("1-hour", Modifier::OneHour),
    ("1h", Modifier::OneHour),
    ("batch", Modifier::Batch),
    ("standard", Modifier::Plain),
    ("priority", Modifier::UnpricedTier),
    ("flex", Modifier::UnpricedTier),
    ("reserved", Modifier::UnpricedTier),
];

/// The routes usage types name, as the invocation-log reader names them.
pub use super::routes::{
    BEDROCK_GEO as ROUTE_GEO, BEDROCK_GLOBAL as ROUTE_GLOBAL, BEDROCK_REGION as ROUTE_IN_REGION,
};

/// Parses a usage type; `Err` says why it is not a Bedrock token usage type.
pub fn parse_usage_type(text: &str) -> Result<UsageType, String> {
    let lower = text.trim().to_ascii_lowercase();
    // The region code: letters and digits up to the first `-` or `_`.
    let rest = match lower.find(['-', '_']) {
        Some(i) if i > 0 && lower[..i].chars().all(|c| c.is_ascii_alphanumeric()) => {
            &lower[i + 1..]
        }
        _ => lower.as_str(),
    };
    let (at, marker, token_type) = MARKERS
        .iter()
        .filter_map(|(marker, t)| rest.find(marker).map(|at| (at, *marker, *t)))
        .min_by_key(|(at, marker, _)| (*at, usize::MAX - marker.len()))
        .ok_or_else(|| "not a token usage type (no input, output or cache marker)".to_owned())?;
    let model = rest[..at].trim_end_matches("-mantle").to_owned();
    if model.is_empty() {
        return Err("the usage type names no model".to_owned());
    }
    let modifiers = &rest[at + marker.len()..];
    let mut token_type = token_type;
    let mut scope = BillScope::BedrockRegional;
    let mut route = ROUTE_IN_REGION;
    let mut batch = false;
    let mut unpriced_tier = None;
    let words: Vec<&str> = modifiers
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while i < words.len() {
        // The longest modifier spelled by the words from here (the table is longest first).
        let Some((spelling, modifier)) = MODIFIERS.iter().find(|(spelling, _)| {
            let parts: Vec<&str> = spelling.split('-').collect();
            words[i..].starts_with(&parts)
        }) else {
            return Err(format!("unrecognised usage-type modifier `{}`", words[i]));
        };
        i += spelling.split('-').count();
        match modifier {
            Modifier::Global => {
                scope = BillScope::BedrockGlobal;
                route = ROUTE_GLOBAL;
            }
            Modifier::Geo => route = ROUTE_GEO,
            Modifier::OneHour => token_type = one_hour(token_type)?,
            Modifier::Batch => batch = true,
            Modifier::Plain => {}
            Modifier::UnpricedTier => unpriced_tier = Some((*spelling).to_owned()),
        }
    }
    Ok(UsageType {
        model,
        token_type,
        scope,
        route,
        batch,
        unpriced_tier,
    })
}

fn one_hour(token_type: TokenType) -> Result<TokenType, String> {
    match token_type {
        TokenType::CacheWrite5m => Ok(TokenType::CacheWrite1h),
        _ => Err("a 1-hour modifier on tokens that are not cache writes".to_owned()),
    }
}

/// The catalogue model of a usage type's model name: `Claude4.6Sonnet` →
/// `claude-sonnet-4-6`, `anthropic.claude-opus-4-8` → `claude-opus-4-8` (the mapping every
/// usage reader uses, marketing names included).
pub fn usage_type_model(name: &str, known_models: &[&str]) -> Option<String> {
    catalogue_model(name, known_models)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (String, TokenType, BillScope, Option<String>) {
        let u = parse_usage_type(text).unwrap();
        (u.model, u.token_type, u.scope, u.unpriced_tier)
    }

    #[test]
    fn the_documented_forms_parse() {
        use BillScope::*;
        use TokenType::*;
        assert_eq!(
            parse("USE1-Claude4.6Sonnet-output-tokens"),
            ("claude4.6sonnet".into(), Output, BedrockRegional, None)
        );
        assert_eq!(
            parse("USE1-Claude4.6Opus-input-tokens-cross-region-global"),
            ("claude4.6opus".into(), Input, BedrockGlobal, None)
        );
        assert_eq!(
            parse("USE1-Claude4.6Opus-cache-read-input-token-count-cross-region-global"),
            ("claude4.6opus".into(), CacheRead, BedrockGlobal, None)
        );
        assert_eq!(
            parse("USE1-Claude4Sonnet-cache-write-input-token-count-1-hour"),
            ("claude4sonnet".into(), CacheWrite1h, BedrockRegional, None)
        );
        assert_eq!(
            parse("USE1-Llama4-Maverick-17B-input-tokens-batch"),
            ("llama4-maverick-17b".into(), Input, BedrockRegional, None)
        );
        assert_eq!(
            parse("USW2-anthropic.claude-opus-4-8-mantle-cache-write-tokens-standard"),
            (
                "anthropic.claude-opus-4-8".into(),
                CacheWrite5m,
                BedrockRegional,
                None
            )
        );
        assert_eq!(
            parse("USE1-xai.grok-4.3-mantle-cache-read-tokens-flex"),
            (
                "xai.grok-4.3".into(),
                CacheRead,
                BedrockRegional,
                Some("flex".into())
            )
        );
        assert_eq!(
            parse("USE1-Claude4.6Sonnet_OutputTokenCount_Global"),
            ("claude4.6sonnet".into(), Output, BedrockGlobal, None)
        );
        assert!(parse_usage_type("USE1-BoxUsage:t3.micro").is_err());
        assert!(
            parse_usage_type("USE1-Claude4Sonnet-input-tokens-turbo")
                .unwrap_err()
                .contains("turbo")
        );
    }

    #[test]
    fn modifiers_say_the_route_and_the_batch_tier() {
        let route = |text: &str| {
            let u = parse_usage_type(text).unwrap();
            (u.route, u.batch)
        };
        assert_eq!(
            route("USE1-Claude4Sonnet-input-tokens"),
            ("bedrock-region", false)
        );
        assert_eq!(
            route("USE1-Claude4Sonnet-input-tokens-cross-region"),
            ("bedrock-geo", false)
        );
        assert_eq!(
            route("USE1-Claude4Sonnet-input-tokens-cross-region-geo-batch"),
            ("bedrock-geo", true)
        );
        assert_eq!(
            route("USE1-Claude4Sonnet_InputTokenCount_Global"),
            ("bedrock-global", false)
        );
        assert_eq!(
            route("USE1-Claude4Sonnet-cache-write-input-token-count-5-minutes-cross-region-global"),
            ("bedrock-global", false)
        );
        // The routes are the invocation-log reader's names for the same profiles.
        assert_eq!(
            crate::usage::routes::bedrock_route("global.anthropic.claude-sonnet-4"),
            ROUTE_GLOBAL
        );
        assert_eq!(
            crate::usage::routes::bedrock_route("eu.anthropic.claude-sonnet-4"),
            ROUTE_GEO
        );
        assert!(
            parse_usage_type("USE1-Claude4Sonnet-input-tokens-cross")
                .unwrap_err()
                .contains("`cross`")
        );
        // Longest first: no spelling is shadowed by an earlier, shorter one.
        for (i, (later, _)) in MODIFIERS.iter().enumerate() {
            for (earlier, _) in &MODIFIERS[..i] {
                assert!(
                    !later.starts_with(&format!("{earlier}-")),
                    "{earlier} before {later}"
                );
            }
        }
    }

    #[test]
    fn marketing_names_map_to_the_catalogue() {
        let known = ["claude-sonnet-4-6", "claude-opus-4-8", "claude-sonnet-4"];
        assert_eq!(
            usage_type_model("claude4.6sonnet", &known).as_deref(),
            Some("claude-sonnet-4-6")
        );
        assert_eq!(
            usage_type_model("anthropic.claude-opus-4-8", &known).as_deref(),
            Some("claude-opus-4-8")
        );
        assert_eq!(
            usage_type_model("claude4sonnet", &known).as_deref(),
            Some("claude-sonnet-4")
        );
        assert_eq!(usage_type_model("llama4-maverick-17b", &known), None);
    }
}
