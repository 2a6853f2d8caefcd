//! Usage replay (`routewise replay`): what last month's real traffic would have cost on
//! every route, from a usage CSV or the Anthropic usage report, read as a stream.
//!
//! Token totals are priced per model and route exactly like a workload (the same line
//! items, premium, discounts and provisioned sizing); the provisioned route is sized from the
//! observed per-minute load of each model over the observed period.

pub mod html;
pub mod reconcile;
pub mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::data::rule_set::RuleEvalError;
use crate::engine::cost::breakdown::Band;
use crate::engine::cost::provisioned::{LoadShape, Sizing};
use crate::engine::cost::{self, Breakdown, LineItem, Load, Usage};
use crate::engine::decide::{self, EliminatedRoute};
use crate::engine::provenance::{self, PricingSource};
use crate::model::route::Capacity;
use crate::outputs::advice::report::PriceBookReport;
use crate::support::diagnostic::{Code, Diagnostics, SourceFile};
use crate::usage::format::ReadOptions;
use crate::usage::tokens::SOURCE_LONG_CONTEXT_TOKENS;
use crate::usage::{self, ModelUsage, UsageTotals};

/// The replay's JSON schema version; keys are only ever added.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub schema_version: u32,
    pub file: String,
    /// `csv` or `usage_report`.
    pub format: &'static str,
    /// Data rows read and accepted (priced or not).
    pub rows: u64,
    /// Bad rows skipped with `--skip-bad-rows`.
    pub skipped_rows: u64,
    /// The first skipped rows' messages.
    pub skipped: Vec<String>,
    /// Model names no pricing table knows, with their row counts.
    pub unknown_models: Vec<UnknownModel>,
    pub observed: Observed,
    pub routes: Vec<ReplayRoute>,
    /// The routes the log says served the traffic, each with its list price, what the log
    /// says was billed, and what the same traffic would have cost on every other route.
    /// Empty for sources that do not name a route.
    pub observed_routes: Vec<ObservedRoute>,
    pub eliminated: Vec<EliminatedRoute>,
    pub assumptions: Vec<String>,
    pub price_book: Option<PriceBookReport>,
    pub pricing_sources: Vec<PricingSource>,
    /// The replay beside a bill (`--reconcile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<reconcile::Reconciliation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnknownModel {
    pub model: String,
    pub rows: u64,
}

/// What the file covered.
#[derive(Debug, Clone, Serialize)]
pub struct Observed {
    /// The first minute with traffic, `YYYY-MM-DDTHH:MMZ`.
    pub first_minute: Option<String>,
    /// Minutes from the first to the last minute with traffic.
    pub minutes: u64,
    /// Input plus output tokens (cache included) in the busiest minute, all models.
    pub peak_tokens_per_minute: u64,
    /// Widest time bucket in the file; above 1 the peak is a lower bound.
    pub widest_bucket_minutes: u64,
    /// Tokens per model, as read.
    pub models: Vec<ObservedModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObservedModel {
    pub model: String,
    pub rows: u64,
    pub tokens: u64,
    pub peak_tokens_per_minute: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayRoute {
    pub id: String,
    pub name: String,
    /// What the whole file would have cost here; absent when some model cannot be priced.
    pub total_usd: Option<Decimal>,
    pub by_model: Vec<ModelCost>,
    pub items: Vec<LineItem>,
    pub sizing: Vec<Sizing>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelCost {
    pub model: String,
    /// Sum of this model's rounded lines; absent when the route cannot serve it.
    pub usd: Option<Decimal>,
    /// Why the route cannot price this model.
    pub reason: Option<String>,
}

/// Traffic the log says one route served.
#[derive(Debug, Clone, Serialize)]
pub struct ObservedRoute {
    /// A catalogue route id, or a label in parentheses when the log does not pin one down.
    pub route: String,
    pub rows: u64,
    /// Rows on this route whose model no pricing table knows (not in any price below).
    pub unknown_model_rows: u64,
    /// This traffic at list price on the route that served it; absent when the route is
    /// not in the catalogue or cannot price a model (see `list_reason`).
    pub list_usd: Option<Decimal>,
    pub list_reason: Option<String>,
    /// The sum of the amounts the log carries (LiteLLM `spend`); absent when it carries none.
    pub billed_usd: Option<Decimal>,
    /// Rows that carried an amount.
    pub billed_rows: u64,
    /// Billed minus list price, when both are known.
    pub difference_usd: Option<Decimal>,
    /// The same traffic on every replayed route.
    pub elsewhere: Vec<RouteCost>,
}

/// One route's price of some traffic.
#[derive(Debug, Clone, Serialize)]
pub struct RouteCost {
    pub route: String,
    pub usd: Option<Decimal>,
    pub reason: Option<String>,
}

/// Reading options.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    pub skip_bad_rows: bool,
    pub routes: Vec<String>,
    pub skip_eliminated: bool,
}

/// Reads usage: a file in any format [`usage::format`] knows (gzip or not), or a directory
/// of log files walked recursively (Bedrock's S3 layout
/// `AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/`), each file read
/// on its own so a bad record names its exact file, and the totals merged.
pub fn read(
    path: &Path,
    known_models: &[&str],
    options: &ReadOptions,
) -> Result<(UsageTotals, &'static str), Diagnostics> {
    let name = path.display().to_string();
    let whole = |code: Code, message: String| {
        Diagnostics::from(SourceFile::new(name.clone(), "").error_whole(code, message))
    };
    let metadata = std::fs::metadata(path).map_err(|e| {
        whole(
            Code::FileRead,
            match e.kind() {
                std::io::ErrorKind::NotFound => "cannot read the file: no such file".to_string(),
                _ => format!("cannot read the file: {e}"),
            },
        )
    })?;
    if !metadata.is_dir() {
        let file = std::fs::File::open(path)
            .map_err(|e| whole(Code::FileRead, format!("cannot read the file: {e}")))?;
        let (totals, format) = usage::format::read_usage_file(file, &name, known_models, options)?;
        return Ok((totals, format.name()));
    }
    let mut files = Vec::new();
    let mut other = Vec::new();
    walk(path, &mut files, &mut other)
        .map_err(|e| whole(Code::DataDir, format!("cannot read the directory: {e}")))?;
    files.sort();
    other.sort();
    if files.is_empty() {
        return Err(whole(Code::DataDirEmpty,
            "the directory holds no log files (`.json`, `.jsonl`, `.json.gz`, `.jsonl.gz`, `.csv`, `.csv.gz`)".into(),
        ));
    }
    let mut totals = UsageTotals::default();
    let mut formats = Vec::new();
    for file in &files {
        let file_name = file.display().to_string();
        let opened = std::fs::File::open(file).map_err(|e| {
            Diagnostics::from(
                SourceFile::new(file_name.clone(), "")
                    .error_whole(Code::FileRead, format!("cannot read the file: {e}")),
            )
        })?;
        let (one, format) = usage::format::read_usage(opened, &file_name, known_models, options)?;
        totals.merge(&one)?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    totals.notes.push(format!(
        "{} log files were read from the directory {name}.",
        files.len()
    ));
    if !other.is_empty() {
        let shown: Vec<String> = other
            .iter()
            .take(5)
            .map(|p| p.display().to_string())
            .collect();
        totals.notes.push(format!(
            "{} files in the directory are not log files by their names and were not read: {}{}",
            other.len(),
            shown.join(", "),
            if other.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ));
    }
    let format = match formats.as_slice() {
        [one] => one.name(),
        _ => "mixed",
    };
    Ok((totals, format))
}

/// Collects log files (by name) and other files under `dir`, recursively.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, other: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files, other)?;
        } else {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let stem = name.strip_suffix(".gz").unwrap_or(&name);
            if [".json", ".jsonl", ".csv"]
                .iter()
                .any(|e| stem.ends_with(e))
            {
                files.push(path);
            } else {
                other.push(path);
            }
        }
    }
    Ok(())
}

/// The token categories of one model's replayed usage, as the cost engine prices them.
/// Long-context rows are those the source marks above its own boundary
/// ([`crate::usage::tokens::SOURCE_LONG_CONTEXT_TOKENS`]); the engine prices them at the
/// model's tier for that prompt size, in every category. Cache tokens of batch requests are
/// priced at the cache rates of their length (said in the notes when present).
pub fn breakdown(usage: &ModelUsage, notes: &mut Vec<String>, model: &str) -> Breakdown {
    let d = |v: u64| Decimal::from(v);
    let s = &usage.standard;
    let l = &usage.long_context;
    let b = &usage.batch;
    let bl = &usage.batch_long_context;
    let batch_cache = [b, bl]
        .iter()
        .map(|t| t.cache_read + t.cache_write_5m + t.cache_write_1h)
        .sum::<u64>();
    if batch_cache > 0 {
        notes.push(format!(
            "`{model}`: cache tokens of batch requests are priced at the interactive cache rates"
        ));
    }
    Breakdown {
        input: d(s.input),
        cache_read: d(s.cache_read) + d(b.cache_read),
        cache_write_5m: d(s.cache_write_5m) + d(b.cache_write_5m),
        cache_write_1h: d(s.cache_write_1h) + d(b.cache_write_1h),
        output: d(s.output),
        long: Band {
            input: d(l.input),
            cache_read: d(l.cache_read) + d(bl.cache_read),
            cache_write_5m: d(l.cache_write_5m) + d(bl.cache_write_5m),
            cache_write_1h: d(l.cache_write_1h) + d(bl.cache_write_1h),
            output: d(l.output),
        },
        long_above: Some(SOURCE_LONG_CONTEXT_TOKENS),
        batch_input: d(b.input),
        batch_output: d(b.output),
        batch_long_input: d(bl.input),
        batch_long_output: d(bl.output),
        web_searches: d(usage.web_search_requests),
    }
}

/// Prices replayed usage on every selected route.
pub fn replay(
    inputs: &Inputs,
    totals: &UsageTotals,
    file: &str,
    format: &'static str,
    options: &ReplayOptions,
) -> Result<Replay, RuleEvalError> {
    let eliminated = decide::eliminated_routes(inputs, options.skip_eliminated)?;
    let skip: Vec<String> = eliminated.iter().map(|e| e.id.clone()).collect();
    let observed_hours = Decimal::from(totals.load.minutes().max(1)) / Decimal::from(60);
    // Each model's load histogram, built once from the profile's level changes (time in
    // proportion to the changes, not the minutes spanned), and only when a provisioned
    // route will size from it.
    let sizing_needed = inputs.catalogue.routes.iter().any(|r| {
        r.item.capacity == Capacity::Provisioned
            && !skip.contains(&r.item.id)
            && (options.routes.is_empty() || options.routes.contains(&r.item.id))
    });
    let shapes: BTreeMap<&str, LoadShape> = if sizing_needed {
        totals
            .load_by_model
            .iter()
            .map(|(model, profile)| {
                let shape = LoadShape::from_levels(
                    profile.levels(),
                    format!(
                        "`{model}`: the observed per-minute load over {} minutes",
                        profile.minutes()
                    ),
                );
                (model.as_str(), shape)
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut routes = Vec::new();
    for located in &inputs.catalogue.routes {
        let route = &located.item;
        if skip.contains(&route.id)
            || (!options.routes.is_empty() && !options.routes.contains(&route.id))
        {
            continue;
        }
        let mut out = ReplayRoute {
            id: route.id.clone(),
            name: route.name.clone(),
            total_usd: None,
            by_model: Vec::new(),
            items: Vec::new(),
            sizing: Vec::new(),
            notes: Vec::new(),
        };
        for (model, usage) in &totals.by_model {
            let breakdown = breakdown(usage, &mut out.notes, model);
            // Only provisioned capacity is sized from the load; on-demand routes get none.
            let shape = match (route.capacity, shapes.get(model.as_str())) {
                (Capacity::Provisioned, Some(shape)) => shape.clone(),
                _ => LoadShape::from_levels(std::iter::empty(), String::new()),
            };
            let usage = Usage {
                name: model,
                model,
                breakdown,
                load: Load::Observed(shape, observed_hours),
                held: None,
                service: None,
            };
            match cost::price_usage(route, &usage, cost::CostContext::of(inputs), &mut out.notes) {
                Ok((items, sizing)) => {
                    out.by_model.push(ModelCost {
                        model: model.clone(),
                        usd: cost::sum_items(&items),
                        reason: None,
                    });
                    out.items.extend(items);
                    out.sizing.extend(sizing);
                }
                Err(reason) => out.by_model.push(ModelCost {
                    model: model.clone(),
                    usd: None,
                    reason: Some(reason.0),
                }),
            }
        }
        if out.by_model.iter().all(|m| m.usd.is_some()) {
            out.total_usd = cost::sum_items(&out.items);
        }
        out.notes.sort();
        out.notes.dedup();
        routes.push(out);
    }

    let observed_routes = observed_routes(inputs, totals, &routes, observed_hours);
    let ids: Vec<String> = routes.iter().map(|r| r.id.clone()).collect();
    let models: Vec<String> = totals.by_model.keys().cloned().collect();
    let mut assumptions = provenance::assumptions_for(inputs, &ids, &models);
    assumptions.retain(|a| {
        !a.starts_with("Cache hits and writes apply") && !a.starts_with("Prompt-length tiers apply")
    });
    assumptions.push("Replayed tokens are priced as read: input_tokens are uncached input; cache reads and writes are priced at their own rates.".into());
    assumptions.push("Each line item is rounded once to the cent (half away from zero); totals are sums of the rounded lines.".into());
    if totals.load.widest_bucket_minutes() > 1 {
        assumptions.push(format!(
            "The file has time buckets of up to {} minutes; their tokens are spread evenly over the bucket, so the observed peak is a lower bound.",
            totals.load.widest_bucket_minutes()
        ));
    }
    if !observed_routes.is_empty() {
        assumptions.push("Observed routes come from the log (Bedrock `modelId` prefixes, LiteLLM `custom_llm_provider`, OpenTelemetry `gen_ai.provider.name`, a Vertex log's location, OpenRouter `provider_name`); each one's traffic is priced at on-demand list prices on every route, and provisioned capacity is not sized per observed route.".into());
        if observed_routes.iter().any(|o| o.billed_usd.is_some()) {
            assumptions.push("The billed amount is the sum of the amounts the log carries, rounded once to the cent; billed - list compares it with the list price of the same rows.".into());
        }
    }
    if routes.iter().any(|r| !r.sizing.is_empty()) {
        assumptions.push(format!(
            "Provisioned capacity is sized for the observed period ({} hours) from each model's per-minute load; it is billed every hour whether used or not, HTTP 500 errors are charged, and a commitment locks the model version.",
            observed_hours.round_dp(2).normalize()
        ));
    }
    if !inputs.answers.surfaces.is_empty() {
        let names: Vec<&str> = inputs
            .answers
            .surfaces
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assumptions.push(format!(
            "The answers name surfaces ({}), but usage rows carry no surface: replay prices all usage together under the shared answers and does not split it per surface. For per-surface costs and the portfolio total, describe each surface's traffic in a workload (`surface:` on each entry) and run `routewise cost --answers ... --workload ...`.",
            names.join(", ")
        ));
    }
    assumptions.extend(totals.notes.iter().cloned());
    provenance::add_route_notes(
        &mut assumptions,
        routes.iter().map(|r| (r.id.as_str(), r.notes.as_slice())),
    );
    Ok(Replay {
        schema_version: SCHEMA_VERSION,
        file: file.to_owned(),
        format,
        rows: totals.rows,
        skipped_rows: totals.skipped_rows,
        skipped: totals
            .skipped
            .iter()
            .map(|d| d.to_string().trim_end().to_owned())
            .collect(),
        unknown_models: totals
            .unknown_models
            .iter()
            .map(|(model, rows)| UnknownModel {
                model: model.clone(),
                rows: *rows,
            })
            .collect(),
        observed: observed(totals),
        pricing_sources: provenance::pricing_sources(inputs, &ids),
        routes,
        observed_routes,
        eliminated,
        assumptions,
        price_book: inputs.price_book.as_ref().map(PriceBookReport::of),
        reconciliation: None,
    })
}

/// Each observed route's traffic at list price where it ran, the billed amount, and on
/// every replayed route.
fn observed_routes(
    inputs: &Inputs,
    totals: &UsageTotals,
    replayed: &[ReplayRoute],
    hours: Decimal,
) -> Vec<ObservedRoute> {
    let price_on = |route_id: &str, by_model: &BTreeMap<String, ModelUsage>| -> RouteCost {
        let cost = |usd, reason| RouteCost {
            route: route_id.to_owned(),
            usd,
            reason,
        };
        let Some(route) = inputs
            .catalogue
            .routes
            .iter()
            .map(|r| &r.item)
            .find(|r| r.id == route_id)
        else {
            return cost(None, Some("not a route of the catalogue".to_owned()));
        };
        if route.capacity == Capacity::Provisioned {
            return cost(
                None,
                Some(
                    "provisioned capacity is sized for the whole log, not per observed route"
                        .to_owned(),
                ),
            );
        }
        let mut items = Vec::new();
        let mut notes = Vec::new();
        for (model, usage) in by_model {
            let usage = Usage {
                name: model,
                model,
                breakdown: breakdown(usage, &mut notes, model),
                load: Load::Observed(
                    LoadShape::from_levels(std::iter::empty(), String::new()),
                    hours,
                ),
                held: None,
                service: None,
            };
            match cost::price_usage(route, &usage, cost::CostContext::of(inputs), &mut notes) {
                Ok((lines, _)) => items.extend(lines),
                Err(reason) => return cost(None, Some(format!("{model}: {reason}"))),
            }
        }
        cost(cost::sum_items(&items).or(Some(Decimal::ZERO)), None)
    };
    totals
        .observed_routes
        .iter()
        .map(|(route, usage)| {
            let list = price_on(route, &usage.by_model);
            let billed_usd = (usage.billed_rows > 0).then(|| {
                let mut cents = usage
                    .billed_usd
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                cents.rescale(2);
                cents
            });
            let difference_usd = match (billed_usd, list.usd) {
                (Some(billed), Some(list)) => Some(billed - list),
                _ => None,
            };
            ObservedRoute {
                route: route.clone(),
                rows: usage.rows,
                unknown_model_rows: usage.unknown_rows,
                list_usd: list.usd,
                list_reason: list.reason,
                billed_usd,
                billed_rows: usage.billed_rows,
                difference_usd,
                elsewhere: replayed
                    .iter()
                    .map(|r| price_on(&r.id, &usage.by_model))
                    .collect(),
            }
        })
        .collect()
}

fn observed(totals: &UsageTotals) -> Observed {
    Observed {
        first_minute: totals.load.first_minute().map(minute_text),
        minutes: totals.load.minutes(),
        peak_tokens_per_minute: totals.load.peak_tokens_per_minute(),
        widest_bucket_minutes: totals.load.widest_bucket_minutes(),
        models: totals
            .by_model
            .iter()
            .map(|(model, usage)| ObservedModel {
                model: model.clone(),
                rows: usage.rows,
                tokens: usage.all().and_then(|t| t.total()).unwrap_or(u64::MAX),
                peak_tokens_per_minute: totals
                    .load_by_model
                    .get(model)
                    .map_or(0, |l| l.peak_tokens_per_minute()),
            })
            .collect(),
    }
}

/// Minutes since the Unix epoch as `YYYY-MM-DDTHH:MMZ` (proleptic Gregorian, UTC).
pub fn minute_text(minute: u64) -> String {
    let (year, month, day) = crate::support::date::civil_from_days((minute / 1440) as i64);
    let (hour, min) = ((minute % 1440) / 60, minute % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{min:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_as_utc_times() {
        assert_eq!(minute_text(0), "1970-01-01T00:00Z");
        // 2026-10-01T12:34Z
        let days = 20_727u64; // days from 1970-01-01 to 2026-10-01
        assert_eq!(minute_text(days * 1440 + 12 * 60 + 34), "2026-10-01T12:34Z");
        assert_eq!(minute_text(11_016 * 1440), "2000-02-29T00:00Z");
    }
}
