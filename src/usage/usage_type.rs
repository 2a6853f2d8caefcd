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
//! | `-cross-region-global`, `_Global` | the global cross-region profile |
//! | `-cross-region`, `-cross-region-geo` | a geographic profile: billed at the regional rate |
//! | `-1-hour`, `-1h` | 1-hour cache writes |
//! | `-batch` | batch inference (folded into input and output, as replay prices batch traffic) |
//! | `-standard` | the standard tier |
//! | `-priority`, `-flex`, `-reserved` | a service tier replay does not price: the line is unattributed |
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
    /// A tier replay does not price (`priority`, `flex`…), which leaves the line unattributed.
    pub unpriced_tier: Option<String>,
}

/// Markers, in the order they are tried at each position (longest first).
const MARKERS: &[(&str, TokenType)] = &[
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
    let mut unpriced_tier = None;
    let mut words = modifiers
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(word) = words.next() {
        match word {
            "cross" if words.peek() == Some(&"region") => {
                words.next();
                if words.peek() == Some(&"global") {
                    words.next();
                    scope = BillScope::BedrockGlobal;
                } else if words.peek() == Some(&"geo") {
                    words.next();
                }
            }
            "global" => scope = BillScope::BedrockGlobal,
            "1" if words.peek() == Some(&"hour") => {
                words.next();
                token_type = one_hour(token_type)?;
            }
            "1h" => token_type = one_hour(token_type)?,
            "5" if words.peek() == Some(&"minute") || words.peek() == Some(&"minutes") => {
                words.next();
            }
            "batch" | "standard" => {}
            "priority" | "flex" | "reserved" => unpriced_tier = Some(word.to_owned()),
            other => return Err(format!("unrecognised usage-type modifier `{other}`")),
        }
    }
    Ok(UsageType {
        model,
        token_type,
        scope,
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
/// `claude-sonnet-4-6`, `anthropic.claude-opus-4-8` → `claude-opus-4-8`.
pub fn usage_type_model(name: &str, known_models: &[&str]) -> Option<String> {
    if let Some(found) = catalogue_model(name, known_models) {
        return Some(found);
    }
    let lower = name.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("claude") {
        for family in ["sonnet", "opus", "haiku"] {
            if let Some(at) = rest.find(family) {
                let version: String = format!("{}{}", &rest[..at], &rest[at + family.len()..])
                    .trim_matches(['-', '.', '_'])
                    .replace(['.', '_'], "-");
                if version.is_empty() {
                    continue;
                }
                for id in [
                    format!("claude-{family}-{version}"),
                    format!("claude-{version}-{family}"),
                ] {
                    if let Some(found) = catalogue_model(&id, known_models) {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
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
