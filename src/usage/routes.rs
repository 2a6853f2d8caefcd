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
//! - Vertex request-response logging: the `locations/<location>` of the row's resource path.
//! - OpenRouter `provider_name` (the upstream that served the call).

/// GovCloud profiles: a route the catalogue has no prices for.
pub const GOVCLOUD: &str = "(bedrock GovCloud profile: not in the catalogue)";
/// An application inference profile ARN: the route is behind the profile.
pub const APPLICATION_PROFILE: &str =
    "(bedrock application inference profile: route not in the log)";
/// Vertex AI without a location in the log.
pub const VERTEX_UNKNOWN: &str = "(vertex: location not in the log)";

/// Bedrock's routes: in the caller's region, a geographic profile, the global profile.
pub const BEDROCK_REGION: &str = "bedrock-region";
pub const BEDROCK_GEO: &str = "bedrock-geo";
pub const BEDROCK_GLOBAL: &str = "bedrock-global";

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
        BEDROCK_GLOBAL.to_owned()
    } else if prefix == "us-gov" {
        GOVCLOUD.to_owned()
    } else if GEO_PREFIXES.contains(&prefix) {
        BEDROCK_GEO.to_owned()
    } else {
        BEDROCK_REGION.to_owned()
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

/// The route of a Vertex resource path (`projects/p/locations/us-east5/…`): `global` is the
/// global endpoint, `us`/`eu` the multi-region ones, any other location a single region.
pub fn vertex_location_route(resource: &str) -> Option<String> {
    let resource = resource.trim().to_ascii_lowercase();
    let (_, rest) = resource.split_once("locations/")?;
    let location = rest.split('/').next().unwrap_or_default();
    Some(
        match location {
            "" => return None,
            "global" => "vertex-global",
            "us" | "eu" => "vertex-multi-region",
            _ => "vertex-regional",
        }
        .to_owned(),
    )
}

/// OpenRouter's Bedrock provider: the inference profile (in-region, geographic, global) is
/// not in the export.
pub const OPENROUTER_BEDROCK: &str = "(bedrock via OpenRouter: inference profile not in the log)";

/// The route of an OpenRouter `provider_name`.
pub fn openrouter_route(provider: &str) -> Option<String> {
    let provider = provider.trim();
    Some(match provider.to_ascii_lowercase().as_str() {
        "" => return None,
        "anthropic" => "anthropic-api".to_owned(),
        "amazon bedrock" => OPENROUTER_BEDROCK.to_owned(),
        "google vertex" => VERTEX_UNKNOWN.to_owned(),
        "google ai studio" => "gemini-api-paid".to_owned(),
        "azure" => "azure-foundry".to_owned(),
        _ => format!("(openrouter provider `{provider}`: not a catalogue route)"),
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
        assert_eq!(
            openrouter_route("Google AI Studio").as_deref(),
            Some("gemini-api-paid")
        );
        assert_eq!(
            openrouter_route("Anthropic").as_deref(),
            Some("anthropic-api")
        );
        assert_eq!(
            openrouter_route("Amazon Bedrock").as_deref(),
            Some(OPENROUTER_BEDROCK)
        );
        assert_eq!(
            openrouter_route("Together").as_deref(),
            Some("(openrouter provider `Together`: not a catalogue route)")
        );
        assert_eq!(
            vertex_location_route("projects/p/locations/global/publishers/google/models/x")
                .as_deref(),
            Some("vertex-global")
        );
        assert_eq!(
            vertex_location_route("projects/p/locations/us-east5/endpoints/1").as_deref(),
            Some("vertex-regional")
        );
        assert_eq!(
            vertex_location_route("projects/p/locations/eu/x").as_deref(),
            Some("vertex-multi-region")
        );
        assert_eq!(vertex_location_route("publishers/google/models/x"), None);
    }
}
