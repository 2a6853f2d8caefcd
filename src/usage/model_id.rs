//! Provider model ids to catalogue model ids.
//!
//! The same model has a different name behind every door: `claude-sonnet-4-5-20250929` on
//! the Anthropic API, `global.anthropic.claude-sonnet-4-5-20250929-v1:0` on Bedrock,
//! `claude-sonnet-4-5@20250929` on Vertex AI, `anthropic/claude-sonnet-4-5` in LiteLLM,
//! `models/gemini-2.5-pro` in the Gemini API. The pricing tables name it once
//! (`claude-sonnet-4-5`). The mapping strips the decorations each provider adds, then
//! accepts the result only if the catalogue has it: the catalogue is the authority, so an
//! unknown or retired model is reported as unknown, never guessed onto a neighbour.

/// Bedrock cross-region inference-profile prefixes.
const PROFILE_PREFIXES: &[&str] = &["global", "us", "us-gov", "eu", "apac", "jp", "au"];

/// Model-vendor prefixes of Bedrock and Vertex ids (`anthropic.claude-…`, `meta.llama…`).
const VENDOR_PREFIXES: &[&str] = &["anthropic", "meta", "mistral", "google", "amazon"];

/// Trailing id parts that name a packaging of a model, not a different model: instruction
/// tuning, Vertex's model-as-a-service suffix, the moving `latest` alias.
const NOISE_SUFFIXES: &[&str] = &["instruct", "maas", "latest"];

/// The catalogue model id of a provider's model id, or `None` if the catalogue has no such
/// model. `known_models` are the catalogue's ids (`Prices::model_ids()`).
pub fn catalogue_model(raw: &str, known_models: &[&str]) -> Option<String> {
    provider_id(raw, known_models).or_else(|| marketing_name(raw, known_models))
}

/// A provider's model id with its decorations stripped.
fn provider_id(raw: &str, known_models: &[&str]) -> Option<String> {
    let known = |id: &str| known_models.iter().find(|k| k.eq_ignore_ascii_case(id));
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(id) = known(raw) {
        return Some((*id).to_owned());
    }
    let mut id = normalise(raw);
    loop {
        if let Some(found) = known(&id) {
            return Some((*found).to_owned());
        }
        // Drop one trailing packaging or size part and try again: `llama-3.3-70b-instruct`
        // → `llama-3.3-70b`, `mistral-large-3-675b` → `mistral-large-3`.
        let (head, last) = id.rsplit_once('-')?;
        if !(NOISE_SUFFIXES.contains(&last) || is_size(last)) {
            return None;
        }
        id = head.to_owned();
    }
}

/// AWS's marketing names in usage types and bills: `Claude4.6Sonnet` → `claude-sonnet-4-6`,
/// `Claude3.5Haiku` → `claude-3-5-haiku`. Here, not in the usage-type parser, so a usage CSV
/// whose model column holds the name (the CUR SQL of `--emit-sql`) maps as reconciliation does.
fn marketing_name(raw: &str, known_models: &[&str]) -> Option<String> {
    let lower = raw.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("claude")?;
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
                if let Some(found) = provider_id(&id, known_models) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// Strips provider decorations, leaving a lower-case id in the catalogue's style.
fn normalise(raw: &str) -> String {
    let mut id = raw.to_ascii_lowercase();
    // LiteLLM (`bedrock/`, `vertex_ai/`…), Gemini (`models/`), Vertex resource paths
    // (`publishers/anthropic/models/…`) and Bedrock ARNs (`…:inference-profile/…`): the model
    // is the last path segment.
    if let Some((_, last)) = id.rsplit_once('/') {
        id = last.to_owned();
    }
    // Vertex versions: `claude-sonnet-4-5@20250929`.
    if let Some((head, _)) = id.split_once('@') {
        id.truncate(head.len());
    }
    // Bedrock versions: `…-v1:0`, provisioned context variants `…-v1:0:200k`.
    if let Some((head, _)) = id.split_once(':') {
        id.truncate(head.len());
    }
    let mut rest = id.as_str();
    if let Some((prefix, tail)) = rest.split_once('.')
        && PROFILE_PREFIXES.contains(&prefix)
    {
        rest = tail;
    }
    if let Some((prefix, tail)) = rest.split_once('.')
        && VENDOR_PREFIXES.contains(&prefix)
    {
        rest = tail;
    }
    let mut id = rest.to_owned();
    strip_suffix_where(&mut id, |part| {
        part.len() >= 2 && part.starts_with('v') && part[1..].bytes().all(|b| b.is_ascii_digit())
    });
    // Release dates: `-20250929`.
    strip_suffix_where(&mut id, |part| {
        part.len() == 8 && part.bytes().all(|b| b.is_ascii_digit())
    });
    if id.starts_with("claude-") {
        // OpenRouter and others write `claude-sonnet-4.5`.
        id = id.replace('.', "-");
    } else if id.starts_with("gemini-") {
        // Gemini stable revisions: `gemini-2.0-flash-001`.
        strip_suffix_where(&mut id, |part| {
            part.len() == 3 && part.bytes().all(|b| b.is_ascii_digit())
        });
    } else if let Some(version) = id.strip_prefix("llama") {
        id = llama(version);
    }
    id
}

/// Bedrock writes Llama versions without the dot: `llama3-3-70b` is `llama-3.3-70b`,
/// `llama4-maverick-17b` is `llama-4-maverick-17b`.
fn llama(after_llama: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let rest = after_llama.strip_prefix('-').unwrap_or(after_llama);
    let mut parts = rest.split('-');
    let Some(major) = parts.next().filter(|p| digits(p)) else {
        return format!("llama{after_llama}");
    };
    let parts: Vec<&str> = parts.collect();
    match parts.split_first() {
        // `3-3-70b`: a bare one- or two-digit part after the major version is the minor one.
        Some((minor, tail)) if digits(minor) && minor.len() <= 2 => {
            let mut id = format!("llama-{major}.{minor}");
            for part in tail {
                id.push('-');
                id.push_str(part);
            }
            id
        }
        _ => {
            let mut id = format!("llama-{major}");
            for part in &parts {
                id.push('-');
                id.push_str(part);
            }
            id
        }
    }
}

fn strip_suffix_where(id: &mut String, matches: impl Fn(&str) -> bool) {
    if let Some((head, last)) = id.rsplit_once('-')
        && matches(last)
    {
        id.truncate(head.len());
    }
}

/// A parameter count or expert count: `70b`, `675b`, `17b`, `128e`, `8x7b`.
fn is_size(part: &str) -> bool {
    let Some(number) = part.strip_suffix('b').or_else(|| part.strip_suffix('e')) else {
        return false;
    };
    let number = number.split_once('x').map_or(number, |(_, n)| n);
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &[&str] = &[
        "claude-haiku-4-5",
        "claude-opus-4-1",
        "claude-opus-4-5",
        "claude-opus-4-6",
        "claude-sonnet-4-5",
        "claude-sonnet-4-6",
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "gemini-2.5-pro",
        "llama-3.3-70b",
        "llama-4-maverick",
        "mistral-large-3",
    ];

    #[test]
    fn provider_ids_map_to_the_catalogue() {
        let table = [
            // Anthropic API: plain and dated.
            ("claude-sonnet-4-5", "claude-sonnet-4-5"),
            ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
            ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
            ("claude-opus-4-1-20250805", "claude-opus-4-1"),
            ("Claude-Opus-4-6", "claude-opus-4-6"),
            // Bedrock: vendor prefix, version suffix, inference profiles, ARNs.
            (
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                "claude-haiku-4-5",
            ),
            (
                "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "au.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            ("anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"),
            ("anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
            (
                "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            ("meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"),
            ("us.meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"),
            ("meta.llama4-maverick-17b-instruct-v1:0", "llama-4-maverick"),
            ("mistral.mistral-large-3-675b-instruct", "mistral-large-3"),
            // Vertex AI: `@` versions and resource paths.
            ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
            ("claude-opus-4-1@20250805", "claude-opus-4-1"),
            (
                "projects/p/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001",
                "claude-haiku-4-5",
            ),
            ("meta/llama-3.3-70b-instruct-maas", "llama-3.3-70b"),
            (
                "meta/llama-4-maverick-17b-128e-instruct-maas",
                "llama-4-maverick",
            ),
            // LiteLLM-style prefixes.
            ("anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
            (
                "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5",
            ),
            (
                "bedrock/converse/meta.llama3-3-70b-instruct-v1:0",
                "llama-3.3-70b",
            ),
            ("vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
            ("vertex_ai/gemini-2.5-pro", "gemini-2.5-pro"),
            ("gemini/gemini-2.5-flash", "gemini-2.5-flash"),
            (
                "openrouter/anthropic/claude-sonnet-4.5",
                "claude-sonnet-4-5",
            ),
            // Gemini API.
            ("models/gemini-2.5-pro", "gemini-2.5-pro"),
            ("models/gemini-2.5-flash-lite", "gemini-2.5-flash-lite"),
            ("gemini-2.5-flash-001", "gemini-2.5-flash"),
            // Hugging Face style names of the open models.
            ("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b"),
        ];
        for (raw, expected) in table {
            assert_eq!(
                catalogue_model(raw, CATALOGUE).as_deref(),
                Some(expected),
                "{raw}"
            );
        }
    }

    #[test]
    fn unknown_and_neighbouring_models_are_not_guessed() {
        for raw in [
            "",
            "   ",
            "claude-opus-4-20250514",
            "claude-3-5-haiku-20241022",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "claude-sonnet-4",
            "gemini-2.5-flash-image",
            "gemini-2.0-flash-001",
            "gpt-4o",
            "mistral.mistral-large-2407-v1:0",
            "meta.llama3-1-70b-instruct-v1:0",
            "meta.llama3-70b-instruct-v1:0",
            "claude-sonnet-4-5-x",
            "@",
            ":",
            "/",
            "llama",
            "llama-",
            "a.b.c.d",
        ] {
            assert_eq!(catalogue_model(raw, CATALOGUE), None, "{raw:?}");
        }
    }

    #[test]
    fn the_catalogue_is_the_authority() {
        // With an empty catalogue nothing maps, whatever the id looks like.
        assert_eq!(catalogue_model("claude-sonnet-4-5", &[]), None);
        // A catalogue id that looks decorated is still found as it is.
        assert_eq!(
            catalogue_model("my-model-v2", &["my-model-v2"]).as_deref(),
            Some("my-model-v2")
        );
    }
}
