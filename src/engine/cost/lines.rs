//! Pricing a token breakdown on one route: one line item per category, the regional premium
//! as its own line, then any price-book discounts as negative lines.
//!
//! Each line is rounded once, to the cent, half away from zero; totals are sums of rounded
//! lines, so printed lines always add up to the printed total.

use crate::engine::cost::Unpriceable;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::breakdown::Breakdown;
use super::source::PriceSource;
use crate::data::price_book::{Discount, PriceBook};

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
    let model = ctx.model;
    let table = &source.table.table;
    let via = &source.via.id;
    let mut lines: Vec<(String, Decimal, Decimal, Decimal)> = Vec::new(); // (name, units, unit price, per)
    let mut add = |name: &str, tokens: Decimal, price: Decimal| {
        if !tokens.is_zero() {
            lines.push((name.to_owned(), tokens, price, MILLION));
        }
    };
    add("input", b.input, p.input.0);
    let mut fallback = |name: &str,
                        tokens: Decimal,
                        price: Option<Decimal>,
                        what: &str|
     -> (String, Decimal) {
        match price {
            Some(price) => (name.to_owned(), price),
            None => {
                if !tokens.is_zero() {
                    notes.push(format!("`{model}` has no {what} price on `{table}`: {what} tokens are priced as input"));
                }
                (format!("{name} (as input)"), p.input.0)
            }
        }
    };
    let (name, price) = fallback(
        "cache reads",
        b.cache_read,
        p.cache_read.map(|a| a.0),
        "cache-read",
    );
    add(&name, b.cache_read, price);
    let (name, price) = fallback(
        "cache writes (5m)",
        b.cache_write_5m,
        p.cache_write_5m.map(|a| a.0),
        "5-minute cache-write",
    );
    add(&name, b.cache_write_5m, price);
    let (name, price) = fallback(
        "cache writes (1h)",
        b.cache_write_1h,
        p.cache_write_1h.map(|a| a.0),
        "1-hour cache-write",
    );
    add(&name, b.cache_write_1h, price);
    add("output", b.output, p.output.0);
    match &p.long_context {
        Some(lc) => {
            add("long-context input", b.long_input, lc.input.0);
            add("long-context output", b.long_output, lc.output.0);
        }
        None => {
            if !(b.long_input.is_zero() && b.long_output.is_zero()) {
                notes.push(format!(
                    "`{model}` has no long-context tier on `{table}`: long-context traffic is priced at standard rates"
                ));
            }
            add(
                "input (long context, standard rate)",
                b.long_input,
                p.input.0,
            );
            add(
                "output (long context, standard rate)",
                b.long_output,
                p.output.0,
            );
        }
    }
    if source.batch() {
        let factor = Decimal::ONE - p.batch_discount.map_or(Decimal::ZERO, |d| d.0);
        add("batch input", b.batch_input, p.input.0 * factor);
        add("batch output", b.batch_output, p.output.0 * factor);
    } else {
        if !(b.batch_input.is_zero() && b.batch_output.is_zero()) {
            notes.push(format!(
                "`{via}` has no batch processing for `{model}`: batch traffic is priced on demand"
            ));
        }
        add("input (batch share, on demand)", b.batch_input, p.input.0);
        add(
            "output (batch share, on demand)",
            b.batch_output,
            p.output.0,
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
