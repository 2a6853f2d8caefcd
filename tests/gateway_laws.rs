//! The gateway's weakest-link law: a composed gateway's guarantees are its own and those of
//! every route behind it, so adding a route behind it never adds a guarantee.

use proptest::prelude::*;
use routewise::data::catalogue::Catalogue;
use routewise::model::compose::{composed, guarantees};
use routewise::model::route::Route;

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::load(None).expect("embedded catalogue"))
}

fn subset(catalogue: &Catalogue, mask: u64) -> Vec<&Route> {
    catalogue
        .routes
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, r)| &r.item)
        .collect()
}

proptest! {
    #[test]
    fn adding_a_route_behind_never_adds_a_guarantee(
        product in 0usize..16,
        mask in 1u64..(1 << 17),
        extra in 0usize..32,
    ) {
        let catalogue = catalogue();
        let product = &catalogue.gateways[product % catalogue.gateways.len()].item;
        let behind = subset(catalogue, mask);
        let extra = &catalogue.routes[extra % catalogue.routes.len()].item;
        let before = guarantees(&composed(product, &behind));
        let mut more = behind.clone();
        more.push(extra);
        let after = guarantees(&composed(product, &more));
        for g in &after {
            prop_assert!(before.contains(g), "adding `{}` added `{g}`", extra.id);
        }
        // And the composition never claims more than the product or any route behind it.
        for g in &after {
            prop_assert!(guarantees(product).contains(g));
            for r in &more {
                prop_assert!(guarantees(r).contains(g), "`{}` lacks `{g}`", r.id);
            }
        }
    }
}

#[test]
fn a_self_hosted_proxy_inherits_exactly_what_stands_behind_it() {
    let catalogue = catalogue();
    let proxy = catalogue
        .gateways
        .iter()
        .map(|g| &g.item)
        .find(|g| g.id == "litellm-proxy")
        .expect("litellm-proxy");
    let vertex = catalogue.route("vertex-regional").expect("route");
    let direct = catalogue.route("anthropic-api").expect("route");
    let alone = guarantees(&composed(proxy, &[vertex]));
    assert!(alone.contains(&"residency:eu".to_string()), "{alone:?}");
    assert!(alone.contains(&"compliance:hipaa".to_string()), "{alone:?}");
    // Putting the direct API behind it too loses EU residency: the weakest link.
    let both = guarantees(&composed(proxy, &[vertex, direct]));
    assert!(!both.contains(&"residency:eu".to_string()), "{both:?}");
    // Auth is the gateway's own: clients authenticate to the proxy.
    assert!(composed(proxy, &[direct]).auth.offers("iam"));
}
