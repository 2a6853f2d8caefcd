//! The route a logged request was served on, where the log says so.
//!
//! The answer is a catalogue route id (`bedrock-geo`, `anthropic-api`…) when the log pins it
//! down, or a label in parentheses saying what is known and what is missing, so a report
//! never prices a request on a route the log did not name.
//!
//! - Bedrock `modelId`: a bare foundation-model id runs in the caller's region
//!   (`bedrock-region`); a `us.`/`eu.`/`jp.`/`au.`/`apac.`/`ca.` prefix is a geographic
//!   cross-region profile (`bedrock-geo`); `global.` the global profile (`bedrock-global`);
//!   `us-gov.` GovCloud, which the catalogue does not price. An application inference
//!   profile ARN hides both model and route.
//! - LiteLLM `custom_llm_provider`, with the model (Bedrock) or `api_base` (Vertex location).
//! - OpenTelemetry `gen_ai.provider.name` (or the older `gen_ai.system`), with the model.

/// GovCloud profiles: a route the catalogue has no prices for.
pub const GOVCLOUD: &str = "(bedrock GovCloud profile: not in the catalogue)";
/// An application inference profile ARN: the route is behind the profile.
pub const APPLICATION_PROFILE: &str =
    "(bedrock application inference profile: route not in the log)";
/// Vertex AI without a location in the log.
pub const VERTEX_UNKNOWN: &str = "(vertex: location not in the log)";

/// Geographic cross-region inference-profile prefixes.
const GEO_PREFIXES: &[&str] = &["us", "eu", "jp", "au", "apac", "ca"];

/// The route of a Bedrock `modelId` (or the model of a Bedrock ARN).
pub fn bedrock_route(model_id: &str) -> String {
    let id = model_id.trim().to_ascii_lowercase();
    if id.starts_with("arn:") && id.contains(":application-inference-profile/") {
        return APPLICATION_PROFILE.to_owned();
    }
    // `arn:…:inference-profile/us.anthropic…`, `arn:…:foundation-model/anthropic…`, and
    // LiteLLM's `bedrock/converse/us.anthropic…`: the id is the last path segment.
    let last = id.rsplit('/').next().unwrap_or(&id);
    let prefix = last.split_once('.').map_or("", |(p, _)| p);
    if prefix == "global" {
        "bedrock-global".to_owned()
    } else if prefix == "us-gov" {
        GOVCLOUD.to_owned()
    } else if GEO_PREFIXES.contains(&prefix) {
        "bedrock-geo".to_owned()
    } else {
        "bedrock-region".to_owned()
    }
}

/// The route of a LiteLLM spend-log row.
pub fn litellm_route(provider: &str, model: &str, api_base: &str) -> Option<String> {
    let provider = provider.trim().to_ascii_lowercase();
    Some(match provider.as_str() {
        "" => return None,
        "anthropic" => "anthropic-api".to_owned(),
        "bedrock" | "bedrock_converse" => bedrock_route(model),
        "vertex_ai" | "vertex_ai_beta" => vertex_route(api_base),
        "gemini" => "gemini-api-paid".to_owned(),
        "azure_ai" | "azure" => "azure-foundry".to_owned(),
        other => format!("(litellm provider `{other}`: not a catalogue route)"),
    })
}

/// The route of an OpenTelemetry GenAI span.
pub fn otel_route(provider: &str, model: &str) -> Option<String> {
    let provider = provider.trim().to_ascii_lowercase();
    Some(match provider.as_str() {
        "" => return None,
        "anthropic" => "anthropic-api".to_owned(),
        "aws.bedrock" => bedrock_route(model),
        "gcp.vertex_ai" => VERTEX_UNKNOWN.to_owned(),
        "gcp.gemini" => "gemini-api-paid".to_owned(),
        "azure.ai.inference" => "azure-foundry".to_owned(),
        other => format!("(gen_ai provider `{other}`: not a catalogue route)"),
    })
}

/// Vertex's global endpoint is `aiplatform.googleapis.com`; regional ones are
/// `<region>-aiplatform.googleapis.com`.
fn vertex_route(api_base: &str) -> String {
    let base = api_base.trim().to_ascii_lowercase();
    let host = base
        .split_once("://")
        .map_or(base.as_str(), |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    if host == "aiplatform.googleapis.com" || host.starts_with("global-aiplatform.") {
        "vertex-global".to_owned()
    } else if host.ends_with("-aiplatform.googleapis.com") {
        "vertex-regional".to_owned()
    } else {
        VERTEX_UNKNOWN.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bedrock_prefixes_name_the_route() {
        assert_eq!(
            bedrock_route("anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "bedrock-region"
        );
        assert_eq!(
            bedrock_route("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "bedrock-geo"
        );
        assert_eq!(
            bedrock_route("eu.anthropic.claude-haiku-4-5"),
            "bedrock-geo"
        );
        assert_eq!(bedrock_route("apac.amazon.nova-lite-v1:0"), "bedrock-geo");
        assert_eq!(
            bedrock_route("global.anthropic.claude-opus-4-5"),
            "bedrock-global"
        );
        assert_eq!(
            bedrock_route("us-gov.anthropic.claude-sonnet-4-5"),
            GOVCLOUD
        );
        assert_eq!(
            bedrock_route(
                "arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-haiku-4-5"
            ),
            "bedrock-geo"
        );
        assert_eq!(
            bedrock_route("arn:aws:bedrock:us-east-1:1:application-inference-profile/abc123"),
            APPLICATION_PROFILE
        );
        assert_eq!(
            bedrock_route("bedrock/converse/global.anthropic.x"),
            "bedrock-global"
        );
    }

    #[test]
    fn gateway_and_telemetry_providers_name_the_route() {
        assert_eq!(
            litellm_route("anthropic", "claude-haiku-4-5", "").as_deref(),
            Some("anthropic-api")
        );
        assert_eq!(
            litellm_route("bedrock", "eu.anthropic.x", "").as_deref(),
            Some("bedrock-geo")
        );
        assert_eq!(
            litellm_route(
                "vertex_ai",
                "claude",
                "https://us-east5-aiplatform.googleapis.com/v1"
            )
            .as_deref(),
            Some("vertex-regional")
        );
        assert_eq!(
            litellm_route(
                "vertex_ai",
                "claude",
                "https://aiplatform.googleapis.com/v1"
            )
            .as_deref(),
            Some("vertex-global")
        );
        assert_eq!(
            litellm_route("vertex_ai", "claude", "").as_deref(),
            Some(VERTEX_UNKNOWN)
        );
        assert_eq!(litellm_route("", "claude", ""), None);
        assert!(
            litellm_route("openai", "gpt-4o", "")
                .unwrap()
                .contains("`openai`")
        );
        assert_eq!(
            otel_route("aws.bedrock", "global.anthropic.x").as_deref(),
            Some("bedrock-global")
        );
        assert_eq!(
            otel_route("gcp.gemini", "gemini-2.5-pro").as_deref(),
            Some("gemini-api-paid")
        );
        assert_eq!(otel_route(" ", "x"), None);
    }
}
