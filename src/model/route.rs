//! The route catalogue: every door to a model, as data in `rules/routes.yaml`.
//!
//! Vocabulary fields (auth, residency, compliance, model families, features, cloud) are
//! plain strings checked against the questionnaire's choices when the catalogue loads, so
//! a new framework or geography is a data change, not a code change.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use serde_saphyr::Spanned;

use super::capability::{Capability, Items, unplaced};

/// An omitted capability is `no`.
fn no() -> Spanned<Capability> {
    unplaced(Capability::default())
}

/// One route to a model: who runs it and what it guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Stable id used in reports, rules and price books, such as `bedrock-geo`.
    pub id: String,
    pub name: String,
    /// Who runs the inference endpoint (anthropic, aws, gcp, google, azure, gateway).
    pub platform: Platform,
    /// The existing cloud this route belongs to (a `cloud` answer), or `none`.
    pub cloud: String,
    /// Accepted authentication, by mode: `api_key` (static keys) and `iam` (short-lived
    /// credentials: cloud IAM or workload identity federation).
    pub auth: Items,
    /// Which invoice the usage lands on.
    pub billing: Billing,
    /// Geographies the route can keep prompts and completions in; none listed means global
    /// only.
    #[serde(default)]
    pub residency: Items,
    /// Whether traffic can be pinned to one cloud region, not only a geography.
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub region_pinning: Spanned<Capability>,
    /// Compliance frameworks the route is covered by.
    #[serde(default)]
    pub compliance: Items,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub private_networking: Spanned<Capability>,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub audit_logging: Spanned<Capability>,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub zero_data_retention: Spanned<Capability>,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub cmek: Spanned<Capability>,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub guardrails: Spanned<Capability>,
    #[serde(default)]
    pub free_tier: bool,
    /// True when the provider may use prompts and completions to improve its products.
    #[serde(default)]
    pub data_used_for_improvement: bool,
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub sla: Spanned<Capability>,
    /// Model families served. For a gateway, add those of the routes behind it.
    #[serde(default)]
    pub model_families: Vec<String>,
    /// API features available on this route.
    #[serde(default)]
    pub features: Items,
    /// How long new models and features take to arrive here.
    pub feature_lag: FeatureLag,
    /// How capacity is bought: per token on demand, or reserved per hour.
    #[serde(default)]
    pub capacity: Capacity,
    /// Batch processing at the batch discount.
    #[serde(default = "no")]
    #[schemars(with = "Capability")]
    pub batch: Spanned<Capability>,
    /// How much setup the route needs before the first call.
    pub setup: Setup,
    /// True when the route adds a network hop in front of another route.
    #[serde(default)]
    pub extra_hop: bool,
    /// For a gateway: the routes behind it, in the order it prefers them for pricing.
    #[serde(default)]
    pub behind: Vec<String>,
    pub pricing: RoutePricing,
    /// The pricing table whose models this route serves, when it differs from the table it
    /// is priced from (provisioned throughput serves Bedrock's models at unpublished prices).
    #[serde(default)]
    pub models_from: Option<String>,
    /// Which source (a key of the file's `sources`) supports each claim, by attribute name.
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Which pricing table a route uses and at which endpoint price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutePricing {
    /// The `table` name of a pricing file.
    pub table: String,
    /// `regional` applies the table's regional multiplier to models that carry it.
    #[serde(default)]
    pub endpoint: Endpoint,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    #[default]
    Global,
    Regional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Anthropic,
    Aws,
    Gcp,
    Google,
    Azure,
    Gateway,
}

impl Platform {
    /// The operators that run a model themselves, as a price-book discount names them
    /// (`gateway` is not one: a gateway passes its routes' prices through).
    pub const OPERATORS: &'static [Platform] = &[
        Platform::Anthropic,
        Platform::Aws,
        Platform::Gcp,
        Platform::Google,
        Platform::Azure,
    ];

    /// The name as written in route data and price books.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Anthropic => "anthropic",
            Platform::Aws => "aws",
            Platform::Gcp => "gcp",
            Platform::Google => "google",
            Platform::Azure => "azure",
            Platform::Gateway => "gateway",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    Anthropic,
    Aws,
    Gcp,
    Google,
    Azure,
    /// No bill at all (a free tier).
    None,
    /// Depends on the routes behind a gateway and on who runs it.
    Varies,
}

impl Billing {
    /// The parties that send an invoice, as a price-book discount names them (`none` and
    /// `varies` send none of their own).
    pub const INVOICERS: &'static [Billing] = &[
        Billing::Anthropic,
        Billing::Aws,
        Billing::Gcp,
        Billing::Google,
        Billing::Azure,
    ];

    /// The name as written in route data and price books.
    pub fn as_str(self) -> &'static str {
        match self {
            Billing::Anthropic => "anthropic",
            Billing::Aws => "aws",
            Billing::Gcp => "gcp",
            Billing::Google => "google",
            Billing::Azure => "azure",
            Billing::None => "none",
            Billing::Varies => "varies",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    #[default]
    OnDemand,
    /// Reserved model units billed per hour, used or not.
    Provisioned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeatureLag {
    SameDay,
    DaysToWeeks,
    /// No public source says how soon new models and features arrive.
    Unknown,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Setup {
    Simple,
    Moderate,
    Complex,
}

/// The capabilities of a route that hold one value (or scoped values).
pub const SINGLE_CAPABILITIES: &[&str] = &[
    "region_pinning",
    "private_networking",
    "audit_logging",
    "zero_data_retention",
    "cmek",
    "guardrails",
    "sla",
    "batch",
];

/// The capabilities of a route with items, and the question whose choices name the items.
pub const ITEM_CAPABILITIES: &[&str] = &["auth", "residency", "compliance", "features"];

impl Route {
    /// A single-valued capability by name.
    pub fn capability(&self, name: &str) -> Option<&Capability> {
        self.spanned_capability(name).map(|c| &c.value)
    }

    /// A single-valued capability by name, with the position it was written at.
    pub fn spanned_capability(&self, name: &str) -> Option<&Spanned<Capability>> {
        Some(match name {
            "region_pinning" => &self.region_pinning,
            "private_networking" => &self.private_networking,
            "audit_logging" => &self.audit_logging,
            "zero_data_retention" => &self.zero_data_retention,
            "cmek" => &self.cmek,
            "guardrails" => &self.guardrails,
            "sla" => &self.sla,
            "batch" => &self.batch,
            _ => return None,
        })
    }

    /// A capability with items by name.
    pub fn items(&self, name: &str) -> Option<&Items> {
        Some(match name {
            "auth" => &self.auth,
            "residency" => &self.residency,
            "compliance" => &self.compliance,
            "features" => &self.features,
            _ => return None,
        })
    }

    /// True when batch processing is offered in some form (for pricing the batch share).
    pub fn offers_batch(&self) -> bool {
        self.batch.value.values().any(|v| v.state().met())
    }
}

/// The attributes of a route that make claims and therefore need a source.
pub const CLAIMS: &[&str] = &[
    "auth",
    "billing",
    "residency",
    "compliance",
    "private_networking",
    "audit_logging",
    "zero_data_retention",
    "cmek",
    "guardrails",
    "sla",
    "region_pinning",
    "batch",
    "model_families",
    "features",
    "feature_lag",
];

#[cfg(test)]
mod names {
    use super::{Billing, Platform};

    /// `as_str` must write what serde reads, or a price-book discount would never match.
    #[test]
    fn names_are_the_serde_names() {
        let serde_name = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for p in [
            Platform::Anthropic,
            Platform::Aws,
            Platform::Gcp,
            Platform::Google,
            Platform::Azure,
            Platform::Gateway,
        ] {
            assert_eq!(p.as_str(), serde_name(serde_json::to_value(p).unwrap()));
        }
        for b in [
            Billing::Anthropic,
            Billing::Aws,
            Billing::Gcp,
            Billing::Google,
            Billing::Azure,
            Billing::None,
            Billing::Varies,
        ] {
            assert_eq!(b.as_str(), serde_name(serde_json::to_value(b).unwrap()));
        }
        assert!(!Platform::OPERATORS.contains(&Platform::Gateway));
        assert!(!Billing::INVOICERS.contains(&Billing::Varies));
    }
}
