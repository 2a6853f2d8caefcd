//! A gateway composed with the routes behind it: the weakest link. A guarantee (residency,
//! compliance, zero data retention, private networking, audit logging, customer-managed
//! keys, an SLA, region pinning) holds only if the gateway itself gives it AND every route
//! behind it that carries the traffic does. Auth and billing are the gateway's own (the
//! client talks to the gateway); features are what the routes behind it all pass through;
//! model families are those any of them serves.

use super::route::{FeatureLag, Route};

/// The gateway `product` in front of `behind`, as one route.
pub fn composed(product: &Route, behind: &[&Route]) -> Route {
    let mut route = product.clone();
    let all = |f: &dyn Fn(&Route) -> bool| behind.iter().all(|r| f(r));
    let keep = |own: &[String], f: &dyn Fn(&Route) -> &Vec<String>| -> Vec<String> {
        own.iter()
            .filter(|v| behind.iter().all(|r| f(r).contains(v)))
            .cloned()
            .collect()
    };
    route.residency = keep(&product.residency, &|r| &r.residency);
    route.compliance = keep(&product.compliance, &|r| &r.compliance);
    route.region_pinning = product.region_pinning && all(&|r| r.region_pinning);
    route.private_networking = product.private_networking && all(&|r| r.private_networking);
    route.audit_logging = product.audit_logging && all(&|r| r.audit_logging);
    route.zero_data_retention = product.zero_data_retention && all(&|r| r.zero_data_retention);
    route.cmek = product.cmek && all(&|r| r.cmek);
    route.sla = product.sla && all(&|r| r.sla);
    // A filter in the gateway works whatever stands behind it.
    route.guardrails = product.guardrails || (!behind.is_empty() && all(&|r| r.guardrails));
    route.free_tier = false;
    route.data_used_for_improvement =
        product.data_used_for_improvement || behind.iter().any(|r| r.data_used_for_improvement);
    route.features = match behind.split_first() {
        Some((first, rest)) => first
            .features
            .iter()
            .filter(|f| rest.iter().all(|r| r.features.contains(f)))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let mut families: Vec<String> = behind
        .iter()
        .flat_map(|r| r.model_families.iter().cloned())
        .collect();
    families.sort();
    families.dedup();
    route.model_families = families;
    if behind
        .iter()
        .any(|r| r.feature_lag == FeatureLag::DaysToWeeks)
    {
        route.feature_lag = FeatureLag::DaysToWeeks;
    }
    route.batch = false;
    route.extra_hop = true;
    route.behind = behind.iter().map(|r| r.id.clone()).collect();
    route
}

/// The guarantees a route gives, as comparable claims (`residency:eu`, `cmek`...).
pub fn guarantees(route: &Route) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(route.residency.iter().map(|g| format!("residency:{g}")));
    out.extend(route.compliance.iter().map(|c| format!("compliance:{c}")));
    for (name, on) in [
        ("region_pinning", route.region_pinning),
        ("private_networking", route.private_networking),
        ("audit_logging", route.audit_logging),
        ("zero_data_retention", route.zero_data_retention),
        ("cmek", route.cmek),
        ("sla", route.sla),
    ] {
        if on {
            out.push(name.to_owned());
        }
    }
    out.sort();
    out
}

/// The claims of a gateway that a route behind it does not give: (claim, weaker route).
pub fn overclaims(gateway: &Route, behind: &[&Route]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for claim in guarantees(gateway) {
        for r in behind {
            if !guarantees(r).contains(&claim) {
                out.push((claim.clone(), r.id.clone()));
            }
        }
    }
    out
}
