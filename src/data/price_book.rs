//! Price books: a team's negotiated discounts and private prices, laid over the published
//! tables. Every entry carries a note, every entry that applies is listed in the output, and
//! an entry that names an unknown route, table, provider or model is an error, so a typo can
//! never silently leave a discount out.
//!
//! - `[[discount]]`: a percentage off list price, selected by `provider` (the invoice the
//!   usage lands on: anthropic, aws, gcp, google, azure), `platform` (who operates the
//!   endpoint: anthropic, aws, gcp, google, azure), `route` and/or `model`; all given
//!   selectors must match. `provider = "aws"` therefore also covers `claude-platform-aws`
//!   (Anthropic operates it, AWS Marketplace bills it); add `platform = "aws"` to keep a
//!   discount to the routes AWS itself operates (Bedrock). It shows as its own negative line item. Discounts that match the same traffic add
//!   up (two 10% discounts take 20% off list), to at most 100%.
//! - `[[override]]`: replaces published per-token prices of one model in one table.
//! - `[[provisioned]]`: a provisioned-throughput quote (hourly price per unit and capacity)
//!   for one model, replacing any historical figure.

use std::path::Path;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::data::catalogue::Catalogue;
use crate::data::parse;
use crate::data::prices::Prices;
use crate::model::number::{Amount, TokenCount};
use crate::model::pricing::ProvisionedRate;
use crate::model::route::{Billing, Capacity, Platform, Route};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};

/// The price book file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceBookFile {
    /// What this book is, such as "ACME negotiated prices 2026".
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    #[schemars(with = "Vec<Discount>")]
    pub discount: Vec<Spanned<Discount>>,
    #[serde(default, rename = "override")]
    #[schemars(with = "Vec<PriceOverride>")]
    pub overrides: Vec<Spanned<PriceOverride>>,
    #[serde(default)]
    #[schemars(with = "Vec<ProvisionedQuote>")]
    pub provisioned: Vec<Spanned<ProvisionedQuote>>,
}

/// A percentage off list price.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// The invoice the discount is negotiated on: anthropic, aws, gcp, google or azure. It
    /// matches every route billed there, whoever operates it (`provider = "aws"` includes
    /// `claude-platform-aws`, billed through AWS Marketplace).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub provider: Option<Spanned<String>>,
    /// Who operates the endpoint: anthropic, aws, gcp, google or azure. With
    /// `provider = "aws"`, `platform = "aws"` keeps the discount to AWS-operated routes.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub platform: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub route: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub model: Option<Spanned<String>>,
    /// Percent off list price, 0 to 100.
    #[schemars(with = "f64")]
    pub percent: Spanned<Amount>,
    /// Required: where the term comes from (contract, quote), printed with the entry.
    pub note: String,
}

/// Private per-token prices for one model in one table (USD per million tokens).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceOverride {
    #[schemars(with = "String")]
    pub table: Spanned<String>,
    #[schemars(with = "String")]
    pub model: Spanned<String>,
    #[serde(default)]
    pub input: Option<Amount>,
    #[serde(default)]
    pub output: Option<Amount>,
    #[serde(default)]
    pub cache_read: Option<Amount>,
    #[serde(default)]
    pub cache_write_5m: Option<Amount>,
    #[serde(default)]
    pub cache_write_1h: Option<Amount>,
    #[serde(default)]
    pub batch_discount: Option<crate::model::number::Share>,
    /// Required: where the prices come from, printed with the entry.
    pub note: String,
}

/// A provisioned-throughput quote for one model.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedQuote {
    #[schemars(with = "String")]
    pub model: Spanned<String>,
    /// The provisioned route the quote is for; by default every provisioned route.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub route: Option<Spanned<String>>,
    #[serde(default)]
    pub hourly_no_commitment: Option<Amount>,
    #[serde(default)]
    pub hourly_1_month: Option<Amount>,
    #[serde(default)]
    pub hourly_6_months: Option<Amount>,
    /// Input plus output tokens a minute one unit serves, as quoted.
    #[serde(default)]
    pub tokens_per_minute_per_unit: Option<TokenCount>,
    /// Required: where the quote comes from, printed with the entry.
    pub note: String,
}

/// One price-book entry as applied, for the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// `discount`, `override` or `provisioned`.
    pub kind: &'static str,
    /// What it applies to, such as `route bedrock-global, model claude-sonnet-4-5`.
    pub applies_to: String,
    pub detail: String,
    pub note: String,
}

/// A loaded and checked price book.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    pub name: Option<String>,
    pub file: String,
    discounts: Vec<Discount>,
    pub applied: Vec<Applied>,
}

/// The entries of a price book that parsed, each with its index in the file.
#[derive(Default)]
struct Entries {
    name: Option<String>,
    discount: Vec<(usize, Spanned<Discount>)>,
    overrides: Vec<(usize, Spanned<PriceOverride>)>,
    provisioned: Vec<(usize, Spanned<ProvisionedQuote>)>,
}

/// Reads the book entry by entry, so one malformed entry does not hide the problems of the
/// others: what parsed is returned with the problems of what did not.
fn read_entries(file: &SourceFile) -> Result<(Entries, Diagnostics), Diagnostics> {
    use toml::de::DeValue;
    let document = parse::toml_document(file)?;
    let mut problems = Diagnostics::default();
    let mut book = Entries::default();
    /// The entries of an array of tables, each deserialized on its own.
    fn entries<T: serde::de::DeserializeOwned>(
        file: &SourceFile,
        name: &str,
        value: Spanned<DeValue<'_>>,
        problems: &mut Diagnostics,
    ) -> Vec<(usize, Spanned<T>)> {
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            problems.push(file.error_at(
                Code::ParseInvalidValue,
                span.start,
                Some(name),
                format!("`{name}` is a list of entries, each written as a `[[{name}]]` table"),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match parse::toml_part::<Spanned<T>>(file, item, &format!("{name}[{i}]")) {
                Ok(entry) => out.push((i, entry)),
                Err(d) => problems.push(d),
            }
        }
        out
    }
    for (key, value) in document {
        let span = key.span();
        match key.get_ref().as_ref() {
            "name" => match parse::toml_part::<String>(file, value, "name") {
                Ok(name) => book.name = Some(name),
                Err(d) => problems.push(d),
            },
            "discount" => book.discount = entries(file, "discount", value, &mut problems),
            "override" => book.overrides = entries(file, "override", value, &mut problems),
            "provisioned" => book.provisioned = entries(file, "provisioned", value, &mut problems),
            other => {
                const KEYS: &[&str] = &["name", "discount", "override", "provisioned"];
                let help = match crate::support::suggest::closest(other, KEYS) {
                    Some(best) => format!(
                        "did you mean `{best}`? a price book holds: {}",
                        KEYS.join(", ")
                    ),
                    None => format!("a price book holds: {}", KEYS.join(", ")),
                };
                problems.push(
                    file.error_at(
                        Code::ParseUnknownKey,
                        span.start,
                        Some(other),
                        format!("unknown key `{other}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    Ok((book, problems))
}

impl PriceBook {
    /// Loads a price book, checks every name in it, and lays its overrides and quotes over
    /// `prices`.
    pub fn load(
        path: &Path,
        catalogue: &Catalogue,
        prices: &mut Prices,
    ) -> Result<PriceBook, Diagnostics> {
        PriceBook::from_source(&parse::read_file(path)?, catalogue, prices)
    }

    /// [`PriceBook::load`] for a price book's text already read.
    pub fn from_source(
        file: &SourceFile,
        catalogue: &Catalogue,
        prices: &mut Prices,
    ) -> Result<PriceBook, Diagnostics> {
        let file = file.clone();
        // A book with nothing in it (empty, a byte-order mark, only comments) is not an
        // error, but it must not pass silently either: the run says it applied nothing.
        let blank = file
            .text
            .trim_start_matches('\u{feff}')
            .lines()
            .map(str::trim)
            .all(|l| l.is_empty() || l.starts_with('#'));
        if blank {
            return Ok(PriceBook {
                file: file.name.clone(),
                ..PriceBook::default()
            });
        }
        let (raw, mut problems) = read_entries(&file)?;
        let mut book = PriceBook {
            name: raw.name.clone(),
            // One spelling of the path, so reports made with `./book.toml` and `book.toml` agree.
            file: crate::support::path::normalize(Path::new(&file.name))
                .display()
                .to_string(),
            ..PriceBook::default()
        };
        let models = prices
            .model_ids()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let routes: Vec<&str> = catalogue
            .routes
            .iter()
            .map(|r| r.item.id.as_str())
            .collect();
        let at = |code: Code, span: std::ops::Range<usize>, key: &str, message: String| {
            file.error_at(code, span.start, Some(key), message)
        };

        for (i, entry) in &raw.discount {
            let i = *i;
            let d = entry.get_ref();
            let key = |field: &str| format!("discount[{i}].{field}");
            let invoicers: Vec<&str> = Billing::INVOICERS.iter().map(|b| b.as_str()).collect();
            let operators: Vec<&str> = Platform::OPERATORS.iter().map(|p| p.as_str()).collect();
            check_name(
                &d.provider,
                &invoicers,
                "provider",
                &key("provider"),
                &file,
                &mut problems,
            );
            check_name(
                &d.platform,
                &operators,
                "platform",
                &key("platform"),
                &file,
                &mut problems,
            );
            check_name(
                &d.route,
                &routes,
                "route",
                &key("route"),
                &file,
                &mut problems,
            );
            let model_names: Vec<&str> = models.iter().map(String::as_str).collect();
            check_name(
                &d.model,
                &model_names,
                "model",
                &key("model"),
                &file,
                &mut problems,
            );
            if d.percent.get_ref().0 > Decimal::ONE_HUNDRED {
                problems.push(at(
                    Code::PriceBookPercent,
                    d.percent.span(),
                    &key("percent"),
                    format!("{}% is more than 100%", d.percent.get_ref().0),
                ));
            }
            if d.provider.is_none()
                && d.platform.is_none()
                && d.route.is_none()
                && d.model.is_none()
            {
                problems.push(at(
                    Code::PriceBookEmptyDiscount,
                    entry.span(),
                    &format!("discount[{i}]"),
                    "a discount names at least one of provider, platform, route or model".into(),
                ));
            }
            book.discounts.push(d.clone());
        }

        for (i, entry) in &raw.overrides {
            let i = *i;
            let o = entry.get_ref();
            let key = |field: &str| format!("override[{i}].{field}");
            let Some(table) = prices
                .tables
                .iter_mut()
                .find(|t| t.table.table == *o.table.get_ref())
            else {
                let known: Vec<String> = prices
                    .tables
                    .iter()
                    .map(|t| t.table.table.clone())
                    .collect();
                problems.push(
                    at(
                        Code::PriceBookUnknownTable,
                        o.table.span(),
                        &key("table"),
                        format!("unknown pricing table `{}`", o.table.get_ref()),
                    )
                    .with_help(format!("known tables: {}", known.join(", "))),
                );
                continue;
            };
            let Some(price) = table.table.models.get_mut(o.model.get_ref()) else {
                let known: Vec<String> = table.table.models.keys().cloned().collect();
                problems.push(
                    at(
                        Code::PriceBookUnknownModel,
                        o.model.span(),
                        &key("model"),
                        format!(
                            "table `{}` has no model `{}`",
                            o.table.get_ref(),
                            o.model.get_ref()
                        ),
                    )
                    .with_help(format!("models in that table: {}", known.join(", "))),
                );
                continue;
            };
            let mut changed = Vec::new();
            let mut set = |name: &str, slot: &mut Amount, value: Option<Amount>| {
                if let Some(v) = value {
                    changed.push(format!(
                        "{name} {} -> {}",
                        slot.0.normalize(),
                        v.0.normalize()
                    ));
                    *slot = v;
                }
            };
            set("input", &mut price.input, o.input);
            set("output", &mut price.output, o.output);
            let mut set_opt = |name: &str, slot: &mut Option<Amount>, value: Option<Amount>| {
                if let Some(v) = value {
                    let old = slot.map_or("none".to_string(), |s| s.0.normalize().to_string());
                    changed.push(format!("{name} {old} -> {}", v.0.normalize()));
                    *slot = Some(v);
                }
            };
            set_opt("cache_read", &mut price.cache_read, o.cache_read);
            set_opt(
                "cache_write_5m",
                &mut price.cache_write_5m,
                o.cache_write_5m,
            );
            set_opt(
                "cache_write_1h",
                &mut price.cache_write_1h,
                o.cache_write_1h,
            );
            if let Some(v) = o.batch_discount {
                let old = price
                    .batch_discount
                    .map_or("none".to_string(), |s| s.0.normalize().to_string());
                changed.push(format!("batch_discount {old} -> {}", v.0.normalize()));
                price.batch_discount = Some(v);
            }
            if changed.is_empty() {
                problems.push(at(
                    Code::PriceBookEmptyOverride,
                    entry.span(),
                    &format!("override[{i}]"),
                    "the override changes no price".into(),
                ));
            }
            book.applied.push(Applied {
                kind: "override",
                applies_to: format!("table {}, model {}", o.table.get_ref(), o.model.get_ref()),
                detail: format!("USD per million tokens: {}", changed.join(", ")),
                note: o.note.clone(),
            });
        }

        for (i, entry) in &raw.provisioned {
            let i = *i;
            let q = entry.get_ref();
            let key = |field: &str| format!("provisioned[{i}].{field}");
            let model_names: Vec<&str> = models.iter().map(String::as_str).collect();
            check_name(
                &Some(q.model.clone()),
                &model_names,
                "model",
                &key("model"),
                &file,
                &mut problems,
            );
            let provisioned: Vec<&Route> = catalogue
                .routes
                .iter()
                .map(|r| &r.item)
                .filter(|r| r.capacity == Capacity::Provisioned)
                .filter(|r| q.route.as_ref().is_none_or(|id| r.id == *id.get_ref()))
                .collect();
            if let Some(route) = &q.route
                && provisioned.is_empty()
            {
                problems.push(at(
                    Code::PriceBookNotProvisioned,
                    route.span(),
                    &key("route"),
                    format!(
                        "`{}` is not a provisioned-throughput route",
                        route.get_ref()
                    ),
                ));
            }
            if q.hourly_no_commitment.is_none()
                && q.hourly_1_month.is_none()
                && q.hourly_6_months.is_none()
            {
                problems.push(at(
                    Code::PriceBookEmptyQuote,
                    entry.span(),
                    &format!("provisioned[{i}]"),
                    "a quote gives at least one hourly price".into(),
                ));
            }
            for route in provisioned {
                if let Some(table) = prices
                    .tables
                    .iter_mut()
                    .find(|t| t.table.table == route.pricing.table)
                {
                    table.table.provisioned.insert(
                        q.model.get_ref().clone(),
                        ProvisionedRate {
                            hourly_no_commitment: q.hourly_no_commitment,
                            hourly_1_month: q.hourly_1_month,
                            hourly_6_months: q.hourly_6_months,
                            tokens_per_minute_per_unit: q.tokens_per_minute_per_unit,
                            historical: false,
                            note: Some(q.note.clone()),
                        },
                    );
                }
                let rates: Vec<String> = [
                    ("no commitment", q.hourly_no_commitment),
                    ("1 month", q.hourly_1_month),
                    ("6 months", q.hourly_6_months),
                ]
                .iter()
                .filter_map(|(label, v)| v.map(|v| format!("{label} ${}/h", v.0.normalize())))
                .collect();
                let capacity = q
                    .tokens_per_minute_per_unit
                    .map_or("capacity per unit not quoted".to_string(), |c| {
                        format!("{} tokens/min per unit", c.0)
                    });
                book.applied.push(Applied {
                    kind: "provisioned",
                    applies_to: format!("route {}, model {}", route.id, q.model.get_ref()),
                    detail: format!("{}; {capacity}", rates.join(", ")),
                    note: q.note.clone(),
                });
            }
        }
        problems.0.sort_by_key(|d| (d.line, d.column));
        problems.into_result(book)
    }

    /// Discounts that apply to `model` served by `via` (the route itself, or the route behind
    /// a gateway), with their percentages.
    pub fn discounts_for(
        &self,
        route: &Route,
        via: &Route,
        model: &str,
    ) -> Vec<(&Discount, Decimal)> {
        let billing = via.billing.as_str();
        let platform = via.platform.as_str();
        self.discounts
            .iter()
            .filter(|d| d.provider.as_ref().is_none_or(|p| *p.get_ref() == billing))
            .filter(|d| d.platform.as_ref().is_none_or(|p| *p.get_ref() == platform))
            .filter(|d| {
                d.route
                    .as_ref()
                    .is_none_or(|r| *r.get_ref() == route.id || *r.get_ref() == via.id)
            })
            .filter(|d| d.model.as_ref().is_none_or(|m| m.get_ref() == model))
            .map(|d| (d, d.percent.get_ref().0))
            .collect()
    }

    /// Records that a discount was applied somewhere (once per discount and route).
    pub fn describe_discount(d: &Discount) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &d.provider {
            parts.push(format!("provider {}", p.get_ref()));
        }
        if let Some(p) = &d.platform {
            parts.push(format!("platform {}", p.get_ref()));
        }
        if let Some(r) = &d.route {
            parts.push(format!("route {}", r.get_ref()));
        }
        if let Some(m) = &d.model {
            parts.push(format!("model {}", m.get_ref()));
        }
        parts.join(", ")
    }

    /// True when the book holds no discount, override or quote.
    pub fn is_empty(&self) -> bool {
        self.discounts.is_empty() && self.applied.is_empty()
    }

    /// Every entry of the book as applied: discounts, then overrides and quotes.
    pub fn entries(&self) -> Vec<Applied> {
        let mut out: Vec<Applied> = self
            .discounts
            .iter()
            .map(|d| Applied {
                kind: "discount",
                applies_to: PriceBook::describe_discount(d),
                detail: format!(
                    "{}% off list price, shown as its own line",
                    d.percent.get_ref().0.normalize()
                ),
                note: d.note.clone(),
            })
            .collect();
        out.extend(self.applied.iter().cloned());
        out
    }
}

fn check_name(
    value: &Option<Spanned<String>>,
    known: &[&str],
    what: &str,
    key: &str,
    file: &SourceFile,
    problems: &mut Diagnostics,
) {
    let Some(value) = value else { return };
    if known.contains(&value.get_ref().as_str()) {
        return;
    }
    let d: Diagnostic = file.error_at(
        Code::PriceBookUnknownName,
        value.span().start,
        Some(key),
        format!("unknown {what} `{}`", value.get_ref()),
    );
    let help = match crate::support::suggest::closest(value.get_ref(), known) {
        Some(best) => format!("did you mean `{best}`? known: {}", known.join(", ")),
        None => format!("known: {}", known.join(", ")),
    };
    problems.push(d.with_help(help));
}
