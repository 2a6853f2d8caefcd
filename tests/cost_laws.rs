//! Laws the cost engine must keep, checked on the embedded catalogue and prices:
//! the regional premium is exactly 10%, batch is exactly half, printed lines sum to the
//! printed total, and cost never falls when usage rises.

use std::str::FromStr;
use std::sync::OnceLock;

use proptest::prelude::*;
use routewise::data::catalogue::Catalogue;
use routewise::data::price_book::PriceBook;
use routewise::data::prices::Prices;
use routewise::engine::cost::{CostContext, RouteCost, growth, route_cost, route_cost_held};
use routewise::model::number::{Share, TokenCount};
use routewise::model::workload::{StartMonth, Traffic, Workload};
use rust_decimal::Decimal;
use serde_saphyr::{Location, Spanned};

/// The embedded data, loaded once for the whole test binary.
fn data() -> &'static (Catalogue, Prices) {
    static DATA: OnceLock<(Catalogue, Prices)> = OnceLock::new();
    DATA.get_or_init(|| {
        let catalogue = Catalogue::load(None).expect("embedded catalogue");
        let prices =
            Prices::load(None, &catalogue.vocabulary("model_families")).expect("embedded prices");
        (catalogue, prices)
    })
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("decimal")
}

#[derive(Clone, Debug)]
struct Usage {
    input: u64,
    output: u64,
    hit: Decimal,
    write: Decimal,
    write_1h: Decimal,
    batch: Decimal,
    long: Decimal,
}

impl Usage {
    fn plain(input: u64, output: u64) -> Self {
        Usage {
            input,
            output,
            hit: Decimal::ZERO,
            write: Decimal::ZERO,
            write_1h: Decimal::ZERO,
            batch: Decimal::ZERO,
            long: Decimal::ZERO,
        }
    }
}

fn workload(model: &str, u: &Usage) -> Workload {
    fn spanned<T>(v: T) -> Spanned<T> {
        Spanned::new(v, Location::UNKNOWN, Location::UNKNOWN)
    }
    Workload {
        traffic: vec![spanned(Traffic {
            name: "t".into(),
            surface: None,
            model: spanned(model.to_owned()),
            input_tokens_per_month: TokenCount(u.input),
            output_tokens_per_month: TokenCount(u.output),
            cache_hit_rate: Share(u.hit),
            cache_write_rate: Share(u.write),
            cache_write_1h_rate: Share(u.write_1h),
            batch_share: Share(u.batch),
            long_context_share: Share(u.long),
            service_tiers: Default::default(),
            web_searches_per_month: TokenCount(0),
            peak_tokens_per_minute: None,
            peak_hours_per_day: None,
            hourly_profile: None,
            growth: None,
            start_month: None,
        })],
        gateway_monthly_usd: None,
        horizon_months: None,
        monthly_growth: None,
    }
}

fn cost(route: &str, model: &str, u: &Usage) -> RouteCost {
    let (catalogue, prices) = data();
    let route = catalogue.route(route).expect("route exists");
    let ctx = CostContext {
        catalogue,
        prices,
        book: None,
        on: None,
        months_after: 0,
    };
    route_cost(route, &workload(model, u), Decimal::ONE, ctx)
}

/// The cost with a price book giving `percent` off everything on the route.
fn cost_with_discount(route: &str, model: &str, u: &Usage, percent: u32) -> RouteCost {
    let (catalogue, prices) = data();
    let mut prices = prices.clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("book.toml");
    std::fs::write(
        &path,
        format!("name = \"law\"\n[[discount]]\nroute = \"{route}\"\npercent = {percent}\nnote = \"law\"\n"),
    )
    .expect("write book");
    let book = PriceBook::load(&path, catalogue, &mut prices).expect("a valid price book");
    let ctx = CostContext {
        catalogue,
        prices: &prices,
        book: Some(&book),
        on: None,
        months_after: 0,
    };
    route_cost(
        catalogue.route(route).expect("route"),
        &workload(model, u),
        Decimal::ONE,
        ctx,
    )
}

fn total(c: &RouteCost) -> Decimal {
    c.monthly_usd.expect("the route prices the traffic")
}

fn exact(c: &RouteCost) -> Decimal {
    c.items.iter().map(|i| i.usd_exact).sum()
}

#[test]
fn regional_endpoint_costs_exactly_ten_percent_more() {
    let u = Usage::plain(1_000_000, 1_000_000);
    for (global, regional) in [
        ("bedrock-global", "bedrock-geo"),
        ("bedrock-global", "bedrock-region"),
        ("vertex-global", "vertex-regional"),
    ] {
        let g = total(&cost(global, "claude-sonnet-4-5", &u));
        let r = total(&cost(regional, "claude-sonnet-4-5", &u));
        assert_eq!(g, dec("18.00"), "{global}");
        assert_eq!(r, dec("19.80"), "{regional}");
        assert_eq!(r, g * dec("1.10"));
    }
}

#[test]
fn earlier_models_keep_their_price_on_regional_endpoints() {
    let u = Usage::plain(1_000_000, 1_000_000);
    let g = total(&cost("bedrock-global", "claude-opus-4-1", &u));
    let r = total(&cost("bedrock-geo", "claude-opus-4-1", &u));
    assert_eq!(g, dec("90.00"));
    assert_eq!(r, g, "Opus 4.1 predates the regional premium");
}

#[test]
fn batch_traffic_costs_half() {
    let mut u = Usage::plain(10_000_000, 2_000_000);
    let on_demand = total(&cost("anthropic-api", "claude-haiku-4-5", &u));
    u.batch = Decimal::ONE;
    let batch = total(&cost("anthropic-api", "claude-haiku-4-5", &u));
    assert_eq!(on_demand, dec("20.00"));
    assert_eq!(batch, dec("10.00"));
}

#[test]
fn a_route_without_batch_prices_the_batch_share_on_demand_and_says_so() {
    let mut u = Usage::plain(10_000_000, 2_000_000);
    u.batch = Decimal::ONE;
    let c = cost("azure-foundry", "claude-haiku-4-5", &u);
    assert_eq!(total(&c), dec("20.00"));
    assert!(
        c.notes.iter().any(|n| n.contains("no batch processing")),
        "{:?}",
        c.notes
    );
}

#[test]
fn line_items_of_the_examples_sum_to_their_totals() {
    let u = Usage {
        input: 123_456_789,
        output: 9_876_543,
        hit: dec("0.37"),
        write: dec("0.11"),
        write_1h: dec("0.05"),
        batch: dec("0.33"),
        long: dec("0.07"),
    };
    for route in [
        "anthropic-api",
        "bedrock-global",
        "bedrock-geo",
        "vertex-regional",
        "gateway",
    ] {
        let c = cost(route, "claude-sonnet-4-5", &u);
        let sum: Decimal = c.items.iter().map(|i| i.usd).sum();
        assert_eq!(sum, total(&c), "{route}");
        assert!(
            c.items.iter().all(|i| i.usd.scale() == 2),
            "{route}: every line is in cents"
        );
    }
}

#[test]
fn a_route_that_cannot_price_a_model_gives_no_total() {
    let c = cost(
        "bedrock-provisioned",
        "claude-sonnet-4-5",
        &Usage::plain(1, 1),
    );
    assert_eq!(c.monthly_usd, None);
    assert_eq!(c.unserved.len(), 1);
    assert!(
        c.unserved[0].reason.contains("not published"),
        "{}",
        c.unserved[0].reason
    );
}

fn share() -> impl Strategy<Value = Decimal> {
    (0u32..=100).prop_map(|p| Decimal::new(i64::from(p), 2))
}

fn usage() -> impl Strategy<Value = Usage> {
    (
        0u64..=1_000_000_000_000,
        0u64..=1_000_000_000_000,
        (share(), share(), share()),
        share(),
        share(),
    )
        .prop_map(|(input, output, (hit, write, write_1h), batch, long)| {
            let write = write.min(Decimal::ONE - hit);
            let write_1h = write_1h.min(Decimal::ONE - hit - write);
            Usage {
                input,
                output,
                hit,
                write,
                write_1h,
                batch,
                long,
            }
        })
}

const ROUTES: &[&str] = &[
    "anthropic-api",
    "bedrock-global",
    "bedrock-geo",
    "vertex-regional",
    "azure-foundry",
    "gateway",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Recomputes every line from its own figures, independently of the engine: a token
    /// line is units x unit price, a premium is the multiplier on the lines before it, a
    /// discount its percent of the lines before it; each is rounded once, half away from
    /// zero, and the printed total is the sum of the printed lines.
    #[test]
    fn every_line_is_its_units_times_its_price_rounded_once(
        u in usage(),
        route in 0..ROUTES.len(),
        percent in 0u32..=40,
    ) {
        let c = cost_with_discount(ROUTES[route], "claude-sonnet-4-5", &u, percent);
        let mut before = Decimal::ZERO;
        for item in &c.items {
            let expected = match (item.tokens, item.usd_per_mtok) {
                (Some(units), Some(price)) => {
                    let per = if item.name.starts_with("web search") { 1_000 } else { 1_000_000 };
                    units * price / Decimal::from(per)
                }
                _ if item.name.starts_with("regional premium (x") => {
                    let x = item.name["regional premium (x".len()..].split(')').next().unwrap();
                    before * (dec(x) - Decimal::ONE)
                }
                _ if item.name.starts_with("discount ") => {
                    prop_assert_eq!(percent, item.name["discount ".len()..].split('%').next().unwrap().parse::<u32>().unwrap());
                    -(before * Decimal::from(percent) / Decimal::ONE_HUNDRED)
                }
                _ => panic!("a line the law does not know: {}", item.name),
            };
            prop_assert_eq!(item.usd_exact.normalize(), expected.normalize(), "{}", item.name);
            let rounded = expected.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(item.usd, rounded, "{} is not rounded once", item.name);
            if !item.name.starts_with("discount ") {
                before += item.usd_exact;
            }
        }
        let printed: Decimal = c.items.iter().map(|i| i.usd).sum();
        prop_assert_eq!(c.monthly_usd, Some(printed));
        if percent > 0 && !before.is_zero() {
            prop_assert!(c.items.iter().any(|i| i.name.starts_with("discount ")), "the discount is missing");
        }
    }

    #[test]
    fn cost_never_falls_when_tokens_rise(u in usage(), more_in in 0u64..1_000_000_000, more_out in 0u64..1_000_000_000, route in 0..ROUTES.len()) {
        let base = cost(ROUTES[route], "claude-sonnet-4-5", &u);
        let mut bigger = u.clone();
        bigger.input += more_in;
        bigger.output += more_out;
        let grown = cost(ROUTES[route], "claude-sonnet-4-5", &bigger);
        prop_assert!(exact(&grown) >= exact(&base));
        prop_assert!(total(&grown) >= total(&base));
    }

    #[test]
    fn a_higher_cache_hit_rate_never_raises_cost(u in usage(), extra in share(), route in 0..ROUTES.len()) {
        let mut more = u.clone();
        more.hit = (u.hit + extra).min(Decimal::ONE - u.write - u.write_1h);
        let base = cost(ROUTES[route], "claude-haiku-4-5", &u);
        let cached = cost(ROUTES[route], "claude-haiku-4-5", &more);
        prop_assert!(exact(&cached) <= exact(&base));
    }

    #[test]
    fn batch_share_one_costs_half_of_share_zero(input in 0u64..=1_000_000_000_000, output in 0u64..=1_000_000_000_000, route in 0..4usize) {
        // Routes with 50% batch processing for this model.
        let route = ["anthropic-api", "bedrock-global", "bedrock-geo", "vertex-global"][route];
        let mut u = Usage::plain(input, output);
        let on_demand = exact(&cost(route, "claude-sonnet-4-5", &u));
        u.batch = Decimal::ONE;
        let batch = exact(&cost(route, "claude-sonnet-4-5", &u));
        prop_assert_eq!(batch * Decimal::TWO, on_demand);
    }

    #[test]
    fn the_regional_premium_is_exactly_ten_percent_before_rounding(u in usage()) {
        let g = exact(&cost("bedrock-global", "claude-sonnet-4-5", &u));
        let r = exact(&cost("bedrock-geo", "claude-sonnet-4-5", &u));
        prop_assert_eq!(r, g * Decimal::new(110, 2));
    }

    /// A stream with `start_month` m contributes nothing to months before m, and from m on
    /// carries exactly what the same stream started in month 1 carries k - m + 1 months in;
    /// every month's total is the sum of its lines, so the horizon's total is the sum of
    /// its months.
    #[test]
    fn a_later_stream_is_absent_before_its_start_and_shifted_after(
        u in usage(),
        start in 1u32..=6,
        growth in -50i64..=100,
        route in 0..ROUTES.len(),
    ) {
        let (catalogue, prices) = data();
        let route = catalogue.route(ROUTES[route]).expect("route");
        let ctx = CostContext { catalogue, prices, book: None, on: None, months_after: 0 };
        let growth = Decimal::new(growth, 2);
        let mut late = workload("claude-haiku-4-5", &u);
        late.traffic[0].value.name = "late".into();
        late.traffic[0].value.start_month =
            Some(Spanned::new(StartMonth(start), Location::UNKNOWN, Location::UNKNOWN));
        let mut both = workload("claude-sonnet-4-5", &Usage::plain(1_000_000, 100_000));
        both.traffic.push(late.traffic[0].clone());
        let from_one = workload("claude-haiku-4-5", &u);
        let streams = growth::streams(&both, growth, 6).expect("factors");
        let early = growth::streams(&from_one, growth, 6).expect("factors");
        for month in 1..=6u32 {
            let c = route_cost_held(route, &both, &growth::month_factors(&streams, month), ctx, &[]);
            let lines: Vec<_> = c.items.iter().filter(|i| i.traffic == "late").collect();
            if month < start {
                prop_assert!(lines.is_empty(), "month {month} < {start}: {lines:?}");
            } else {
                let shifted = route_cost_held(
                    route,
                    &from_one,
                    &growth::month_factors(&early, month - start + 1),
                    ctx,
                    &[],
                );
                let usd: Vec<Decimal> = lines.iter().map(|i| i.usd).collect();
                let expected: Vec<Decimal> = shifted.items.iter().map(|i| i.usd).collect();
                prop_assert_eq!(usd, expected);
            }
            if let Some(total) = c.monthly_usd {
                prop_assert_eq!(total, c.items.iter().map(|i| i.usd).sum::<Decimal>());
            }
        }
    }
}

/// The cost of `model` on `route` in the month `months_after` months after 2026-11-15, with
/// `flex` of the interactive traffic at the flex service tier when it is above zero.
fn cost_in_month(
    route: &str,
    model: &str,
    u: &Usage,
    months_after: u32,
    flex: Decimal,
) -> RouteCost {
    let (catalogue, prices) = data();
    let mut w = workload(model, u);
    if !flex.is_zero() {
        w.traffic[0]
            .value
            .service_tiers
            .insert(routewise::model::pricing::ServiceTier::Flex, Share(flex));
    }
    let ctx = CostContext {
        catalogue,
        prices,
        book: None,
        on: routewise::support::date::Date::parse("2026-11-15"),
        months_after,
    };
    route_cost(
        catalogue.route(route).expect("route"),
        &w,
        Decimal::ONE,
        ctx,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// With prompt-length tiers (Claude Haiku 5.5), dated periods (Gemini 3.8 Flash) and
    /// flex shares (Gemini 2.5 Flash), every line is its units times its unit price, rounded
    /// once, and the printed total is the sum of the printed lines, in any month.
    #[test]
    fn tiers_periods_and_service_tiers_keep_lines_summing_to_the_total(
        u in usage(),
        which in 0..4usize,
        months_after in 0u32..24,
        flex in share(),
    ) {
        let (route, model, flex) = [
            ("anthropic-api", "claude-haiku-5-5", Decimal::ZERO),
            ("bedrock-geo", "claude-haiku-5-5", Decimal::ZERO),
            ("gemini-api-paid", "gemini-3.8-flash", Decimal::ZERO),
            ("gemini-api-paid", "gemini-2.5-flash", flex),
        ][which];
        let c = cost_in_month(route, model, &u, months_after, flex);
        let mut before = Decimal::ZERO;
        for item in &c.items {
            let expected = match (item.tokens, item.usd_per_mtok) {
                (Some(units), Some(price)) => units * price / Decimal::from(1_000_000),
                _ if item.name.starts_with("regional premium (x") => {
                    let x = item.name["regional premium (x".len()..].split(')').next().unwrap();
                    before * (dec(x) - Decimal::ONE)
                }
                _ => panic!("a line the law does not know: {}", item.name),
            };
            prop_assert_eq!(item.usd_exact.normalize(), expected.normalize(), "{}", item.name);
            let rounded = expected.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(item.usd, rounded, "{} is not rounded once", item.name);
            before += item.usd_exact;
        }
        let printed: Decimal = c.items.iter().map(|i| i.usd).sum();
        prop_assert_eq!(c.monthly_usd, Some(printed));
        // Every token is priced once: the lines' tokens add up to the traffic's.
        let tokens: Decimal = c.items.iter().filter_map(|i| i.tokens).sum();
        prop_assert_eq!(tokens, Decimal::from(u.input) + Decimal::from(u.output));
        // The period's price holds through December 2026 and the base price after it.
        if model == "gemini-3.8-flash" && u.input > 0 {
            let input_price = c.items.iter().find(|i| i.name == "input" || i.name == "batch input").and_then(|i| i.usd_per_mtok);
            if let Some(p) = input_price.filter(|_| c.items.iter().any(|i| i.name == "input")) {
                prop_assert_eq!(p, if months_after < 2 { dec("0.75") } else { dec("1.5") });
            }
        }
    }
}
