//! A gateway composed with the routes behind it: the weakest link. A guarantee (residency,
//! compliance, zero data retention, private networking, audit logging, customer-managed
//! keys, an SLA, region pinning) holds only as far as the gateway itself gives it AND every
//! route behind it that carries the traffic does: for each model and feature, the worst of
//! their capability values (see [`Capability::weakest`]), each citing its own source and
//! keeping its condition. Auth and billing are the gateway's own (the client talks to the
//! gateway); features are what the routes behind it all pass through; model families are
//! those any of them serves.

use serde_saphyr::Spanned;

use super::capability::{Capability, Items, Part, unplaced};
use super::route::{FeatureLag, Route};

fn source<'a>(route: &'a Route, claim: &str) -> &'a str {
    route.sources.get(claim).map_or("", String::as_str)
}

/// The weakest of the product's capability `name` and every route's behind it.
fn single(product: &Route, behind: &[&Route], name: &str) -> Spanned<Capability> {
    let none = Capability::default();
    let parts: Vec<Part<'_>> = std::iter::once(product)
        .chain(behind.iter().copied())
        .map(|r| (r.capability(name).unwrap_or(&none), source(r, name)))
        .collect();
    unplaced(Capability::weakest(&parts))
}

fn items(routes: &[&Route], name: &str) -> Items {
    let empty = Items::default();
    let parts: Vec<(&Items, &str)> = routes
        .iter()
        .map(|r| (r.items(name).unwrap_or(&empty), source(r, name)))
        .collect();
    Items::weakest(&parts)
}

/// The gateway `product` in front of `behind`, as one route.
pub fn composed(product: &Route, behind: &[&Route]) -> Route {
    let mut route = product.clone();
    let all: Vec<&Route> = std::iter::once(product)
        .chain(behind.iter().copied())
        .collect();
    route.residency = items(&all, "residency");
    route.compliance = items(&all, "compliance");
    route.region_pinning = single(product, behind, "region_pinning");
    route.private_networking = single(product, behind, "private_networking");
    route.audit_logging = single(product, behind, "audit_logging");
    route.zero_data_retention = single(product, behind, "zero_data_retention");
    route.cmek = single(product, behind, "cmek");
    route.sla = single(product, behind, "sla");
    // A filter in the gateway works whatever stands behind it.
    let own_filter = product.guardrails.value.values().any(|v| v.state().met());
    if !own_filter && !behind.is_empty() {
        let none = Capability::default();
        let parts: Vec<Part<'_>> = behind
            .iter()
            .map(|r| {
                (
                    r.capability("guardrails").unwrap_or(&none),
                    source(r, "guardrails"),
                )
            })
            .collect();
        route.guardrails = unplaced(Capability::weakest(&parts));
    }
    route.free_tier = false;
    route.data_used_for_improvement =
        product.data_used_for_improvement || behind.iter().any(|r| r.data_used_for_improvement);
    route.features = if behind.is_empty() {
        Items::default()
    } else {
        items(behind, "features")
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
    } else if behind.iter().any(|r| r.feature_lag == FeatureLag::Unknown) {
        route.feature_lag = FeatureLag::Unknown;
    }
    route.batch = unplaced(Capability::default());
    route.extra_hop = true;
    route.behind = behind.iter().map(|r| r.id.clone()).collect();
    route
}

/// The guarantees a route gives in some form (for some model or feature, perhaps with a
/// condition), as comparable claims (`residency:eu`, `cmek`...).
pub fn guarantees(route: &Route) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (prefix, items) in [
        ("residency", &route.residency),
        ("compliance", &route.compliance),
    ] {
        out.extend(
            items
                .names()
                .filter(|i| items.offers(i))
                .map(|i| format!("{prefix}:{i}")),
        );
    }
    for name in [
        "region_pinning",
        "private_networking",
        "audit_logging",
        "zero_data_retention",
        "cmek",
        "sla",
    ] {
        if route
            .capability(name)
            .is_some_and(|c| c.values().any(|v| v.state().met()))
        {
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
