//! Pricing a token breakdown on one route: one line item per category, the regional premium
//! as its own line, then any price-book discounts as negative lines.
//!
//! Each line is rounded once, to the cent, half away from zero; totals are sums of rounded
//! lines, so printed lines always add up to the printed total.

use crate::engine::cost::Unpriceable;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::breakdown::{Band, Breakdown};
use super::source::PriceSource;
use crate::data::price_book::{Discount, PriceBook};
use crate::data::rate_card::{CategoryRates, RateCard};
use crate::model::pricing::{PricingTable, ServiceTier};
use crate::support::date::Date;

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const THOUSAND: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);

/// One priced line of a route's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineItem {
    /// The traffic entry this line belongs to (`(route)` for fixed costs).
    pub traffic: String,
    pub model: String,
    /// What is priced: `input`, `output`, `cache reads`, `batch input`, `regional premium`…
    pub name: String,
    /// Units priced on this line: tokens, or searches for web search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Decimal>,
    /// USD per million tokens (per thousand searches for web search).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_mtok: Option<Decimal>,
    /// The amount rounded to the cent: what is printed and summed.
    pub usd: Decimal,
    /// The unrounded amount, for audit.
    pub usd_exact: Decimal,
}

/// Rounds to the cent, half away from zero (how invoices round), always with two decimals.
pub fn round_cents(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// A line with no token count: a fixed cost, a premium or a discount.
pub fn fixed_line(traffic: &str, model: &str, name: String, exact: Decimal) -> LineItem {
    LineItem {
        traffic: traffic.to_owned(),
        model: model.to_owned(),
        name,
        tokens: None,
        usd_per_mtok: None,
        usd: round_cents(exact),
        usd_exact: exact.normalize(),
    }
}

/// Who a set of lines belongs to and how to label them.
pub struct LineContext<'a> {
    pub traffic: &'a str,
    pub model: &'a str,
    /// Appended to every line name, such as ` via anthropic-api` for a gateway.
    pub suffix: String,
    pub discounts: Vec<(&'a Discount, Decimal)>,
    /// The date whose prices apply (dated periods); `None`: the table's `as_of` date.
    pub on: Option<Date>,
    /// Months after `on` (a projection's month m is m - 1 months after): prices are read on
    /// the first day of that month.
    pub months_after: u32,
    /// A flex or priority share: priced at that tier's rates, or not at all.
    pub service: Option<ServiceTier>,
}

/// `100K` for 100000, the number itself when it is not whole thousands.
pub fn tokens_label(n: u64) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}K", n / 1000)
    } else {
        n.to_string()
    }
}

/// The date prices are read on: `months_after` months after the context's date, else after
/// the table's own date.
pub fn price_date(on: Option<Date>, months_after: u32, table: &PricingTable) -> Option<Date> {
    on.or_else(|| Date::parse(&table.as_of))
        .map(|d| d.month_start_after(months_after))
}

/// The rates `source` charges on the context's date and service tier, or why there are none.
pub fn rate_card(source: &PriceSource, ctx: &LineContext) -> Result<RateCard, String> {
    let p = source.price;
    match ctx.service {
        None => Ok(RateCard::of(p, price_date(ctx.on, ctx.months_after, source.table))),
        Some(tier) => RateCard::service(p, tier).ok_or_else(|| {
            format!(
                "table `{}` lists no {} price for `{}`, so the {} share of `{}` cannot be priced on `{}` (priced at standard it would be wrong)",
                source.table.table,
                tier.name(),
                ctx.model,
                tier.name(),
                ctx.traffic,
                source.via.id
            )
        }),
    }
}

/// Prices a breakdown; `Err` says why it cannot be priced here. Notes explain categories
/// priced at a fallback rate.
pub fn price_breakdown(
    b: &Breakdown,
    source: &PriceSource,
    ctx: &LineContext,
    notes: &mut Vec<String>,
) -> Result<Vec<LineItem>, Unpriceable> {
    let overflow = || {
        format!(
            "the amounts for `{}` are too large to compute exactly",
            ctx.traffic
        )
    };
    let p = source.price;
    let card = rate_card(source, ctx)?;
    let model = ctx.model;
    let table = &source.table.table;
    let via = &source.via.id;
    let tier_prefix = ctx
        .service
        .map(|t| format!("{} ", t.name()))
        .unwrap_or_default();
    let mut lines: Vec<(String, Decimal, Decimal, Decimal)> = Vec::new(); // (name, units, unit price, per)
    let mut add = |name: &str, tokens: Decimal, price: Decimal| {
        if !tokens.is_zero() {
            lines.push((format!("{tier_prefix}{name}"), tokens, price, MILLION));
        }
    };
    let mut fallback_notes: Vec<String> = Vec::new();
    let mut fallback = |name: &str,
                        tokens: Decimal,
                        price: Option<Decimal>,
                        input: Decimal,
                        what: &str|
     -> (String, Decimal) {
        match price {
            Some(price) => (name.to_owned(), price),
            None => {
                if !tokens.is_zero() {
                    fallback_notes.push(format!("`{model}` has no {what} price on `{table}`: {what} tokens are priced as input"));
                }
                (format!("{name} (as input)"), input)
            }
        }
    };
    // One band of interactive tokens at one set of rates; `label` names the band.
    let mut band = |band: &Band,
                    r: &CategoryRates,
                    label: &str,
                    add: &mut dyn FnMut(&str, Decimal, Decimal)| {
        add(&format!("input{label}"), band.input, r.input);
        for (name, tokens, price, what) in [
            ("cache reads", band.cache_read, r.cache_read, "cache-read"),
            (
                "cache writes (5m)",
                band.cache_write_5m,
                r.cache_write_5m,
                "5-minute cache-write",
            ),
            (
                "cache writes (1h)",
                band.cache_write_1h,
                r.cache_write_1h,
                "1-hour cache-write",
            ),
        ] {
            let (name, price) = fallback(name, tokens, price, r.input, what);
            add(&format!("{name}{label}"), tokens, price);
        }
        add(&format!("output{label}"), band.output, r.output);
    };
    band(&b.standard(), &card.base, "", &mut add);
    let long_tier = match b.long_above {
        None => card.first_tier().copied(),
        // Usage marked long at its own threshold: the highest tier that starts at or below it.
        Some(above) => card
            .tiers
            .iter()
            .rev()
            .find(|t| t.above_input_tokens <= above)
            .copied(),
    };
    let has_long = !b.long.is_zero() || !(b.batch_long_input + b.batch_long_output).is_zero();
    if let Some(above) = b.long_above
        && let Some(first) = card.first_tier()
        && first.above_input_tokens < above
        && !b.standard().is_zero()
    {
        notes.push(format!(
            "`{model}` changes price above {}-token prompts on `{table}`, but the usage marks only prompts above {}: prompts between the two are priced at the base rate, so the cost is a lower bound",
            tokens_label(first.above_input_tokens),
            tokens_label(above)
        ));
    }
    let long_rates = match long_tier {
        Some(t) => {
            let label = format!(
                " (prompts above {} tokens)",
                tokens_label(t.above_input_tokens)
            );
            band(&b.long, &t.rates, &label, &mut add);
            Some((t.rates, label))
        }
        None => {
            if has_long {
                notes.push(format!(
                    "`{model}` has no prompt-length tier on `{table}`: long prompts are priced at standard rates"
                ));
            }
            band(
                &b.long,
                &card.base,
                " (long prompts, standard rate)",
                &mut add,
            );
            None
        }
    };
    if let Some(period) = &card.period {
        notes.push(format!(
            "`{model}` on `{table}` is priced at its dated price ({period})"
        ));
    }
    notes.append(&mut fallback_notes);
    let r = card.base;
    let (long_in, long_out, long_label) = match &long_rates {
        Some((t, label)) => (t.input, t.output, label.clone()),
        None => (
            r.input,
            r.output,
            " (long prompts, standard rate)".to_owned(),
        ),
    };
    if source.batch() {
        let factor = Decimal::ONE - p.batch_discount.map_or(Decimal::ZERO, |d| d.0);
        add("batch input", b.batch_input, r.input * factor);
        add("batch output", b.batch_output, r.output * factor);
        add(
            &format!("batch input{long_label}"),
            b.batch_long_input,
            long_in * factor,
        );
        add(
            &format!("batch output{long_label}"),
            b.batch_long_output,
            long_out * factor,
        );
    } else {
        if !b.batch_is_zero() {
            notes.push(format!(
                "`{via}` has no batch processing for `{model}`: batch traffic is priced on demand"
            ));
        }
        add("input (batch share, on demand)", b.batch_input, r.input);
        add("output (batch share, on demand)", b.batch_output, r.output);
        add(
            &format!("input (batch share, on demand){long_label}"),
            b.batch_long_input,
            long_in,
        );
        add(
            &format!("output (batch share, on demand){long_label}"),
            b.batch_long_output,
            long_out,
        );
    }
    if !b.web_searches.is_zero() {
        match source.table.web_search_per_1k {
            Some(price) => lines.push(("web searches".into(), b.web_searches, price.0, THOUSAND)),
            None if !source.via.features.offers("server_tools") => {
                return Err(format!(
                    "`{via}` does not offer server tools, so the {} web searches a month of `{}` cannot run or be priced here (the tokens alone could be; set web_searches_per_month to 0 to compare token costs)",
                    b.web_searches.round_dp(0),
                    ctx.traffic
                ).into());
            }
            None => {
                return Err(format!(
                    "`{via}` offers server tools but its table `{table}` has no published web search price, so the {} web searches a month of `{}` cannot be priced",
                    b.web_searches.round_dp(0),
                    ctx.traffic
                ).into());
            }
        }
    }

    let mut items = Vec::with_capacity(lines.len() + 2);
    let mut subtotal = Decimal::ZERO;
    for (name, units, price, per) in lines {
        let exact = units
            .checked_mul(price)
            .and_then(|x| x.checked_div(per))
            .ok_or_else(overflow)?;
        subtotal = subtotal.checked_add(exact).ok_or_else(overflow)?;
        items.push(LineItem {
            traffic: ctx.traffic.to_owned(),
            model: model.to_owned(),
            name: format!("{name}{}", ctx.suffix),
            tokens: Some(units.normalize()),
            usd_per_mtok: Some(price.normalize()),
            usd: round_cents(exact),
            usd_exact: exact.normalize(),
        });
    }
    if source.multiplier != Decimal::ONE {
        let premium = subtotal
            .checked_mul(source.multiplier - Decimal::ONE)
            .ok_or_else(overflow)?;
        subtotal = subtotal.checked_add(premium).ok_or_else(overflow)?;
        let name = format!(
            "regional premium (x{}){}",
            source.multiplier.normalize(),
            ctx.suffix
        );
        items.push(fixed_line(ctx.traffic, model, name, premium));
    }
    let total_percent: Decimal = ctx.discounts.iter().map(|(_, pct)| *pct).sum();
    if total_percent > Decimal::ONE_HUNDRED {
        return Err(format!(
            "discounts for `{model}` on `{via}` add up to {total_percent}%, more than 100%"
        )
        .into());
    }
    for (discount, percent) in &ctx.discounts {
        let off = subtotal.checked_mul(*percent).ok_or_else(overflow)? / Decimal::ONE_HUNDRED;
        let name = format!(
            "discount {}% ({}: {}){}",
            percent.normalize(),
            PriceBook::describe_discount(discount),
            discount.note,
            ctx.suffix
        );
        items.push(fixed_line(ctx.traffic, model, name, -off));
    }
    Ok(items)
}
