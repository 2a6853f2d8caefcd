//! Usage replay (`routewise replay`): what last month's real traffic would have cost on
//! every route, from a usage CSV or the Anthropic usage report, read as a stream.
//!
//! Token totals are priced per model and route exactly like a workload (the same line
//! items, premium, discounts and provisioned sizing); the provisioned route is sized from the
//! observed per-minute load of each model over the observed period.

pub mod render;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::cost::provisioned::{LoadShape, Sizing};
use crate::engine::cost::{self, Breakdown, LineItem, Load, Usage};
use crate::engine::decide::{self, EliminatedRoute};
use crate::engine::provenance::{self, PricingSource};
use crate::outputs::advice::report::PriceBookReport;
use crate::support::diagnostic::{Diagnostic, Diagnostics, SourceFile};
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
    pub eliminated: Vec<EliminatedRoute>,
    pub assumptions: Vec<String>,
    pub price_book: Option<PriceBookReport>,
    pub pricing_sources: Vec<PricingSource>,
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

/// Reading options.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    pub skip_bad_rows: bool,
    pub routes: Vec<String>,
    pub skip_eliminated: bool,
}

/// Reads a usage file (CSV, or the usage report's JSON, told apart by the first byte).
pub fn read(
    path: &Path,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<(UsageTotals, &'static str), Diagnostics> {
    let name = path.display().to_string();
    let whole =
        |message: String| Diagnostics::from(SourceFile::new(name.clone(), "").error_whole(message));
    let file = std::fs::File::open(path).map_err(|e| {
        whole(match e.kind() {
            std::io::ErrorKind::NotFound => "cannot read the file: no such file".to_string(),
            _ => format!("cannot read the file: {e}"),
        })
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(whole("expected a file, found a directory".into()));
    }
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let first = loop {
        let buffer = reader
            .fill_buf()
            .map_err(|e| whole(format!("cannot read the file: {e}")))?;
        match buffer
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        {
            Some(i) => break Some(buffer[i]),
            None if buffer.is_empty() => break None,
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    };
    let Some(first) = first else {
        return Err(whole("the file is empty".into()));
    };
    let (totals, format) = if first == b'{' || first == b'[' {
        (
            read_report(reader, &name, known_models, skip_bad_rows),
            "usage_report",
        )
    } else {
        (
            usage::read_csv(reader, &name, known_models, skip_bad_rows),
            "csv",
        )
    };
    totals.map(|t| (t, format)).map_err(Diagnostics::from)
}

fn read_report<R: Read>(
    reader: R,
    name: &str,
    known: &[&str],
    skip: bool,
) -> Result<UsageTotals, Diagnostic> {
    usage::read_usage_report(reader, name, known, skip)
}

/// The token categories of one model's replayed usage, as the cost engine prices them.
/// Cache tokens of batch and long-context requests are priced at the standard cache rates,
/// and batch long-context tokens at the batch rates (both said in the notes when present).
pub fn breakdown(usage: &ModelUsage, notes: &mut Vec<String>, model: &str) -> Breakdown {
    let d = |v: u64| Decimal::from(v);
    let s = &usage.standard;
    let l = &usage.long_context;
    let b = &usage.batch;
    let bl = &usage.batch_long_context;
    let other_cache = [l, b, bl]
        .iter()
        .map(|t| t.cache_read + t.cache_write_5m + t.cache_write_1h)
        .sum::<u64>();
    if other_cache > 0 {
        notes.push(format!(
            "`{model}`: cache tokens of batch and long-context requests are priced at the standard cache rates"
        ));
    }
    if !bl.is_zero() {
        notes.push(format!("`{model}`: batch requests above 200K tokens are priced at batch rates without the long-context tier"));
    }
    Breakdown {
        input: d(s.input),
        cache_read: d(s.cache_read) + d(l.cache_read) + d(b.cache_read) + d(bl.cache_read),
        cache_write_5m: d(s.cache_write_5m)
            + d(l.cache_write_5m)
            + d(b.cache_write_5m)
            + d(bl.cache_write_5m),
        cache_write_1h: d(s.cache_write_1h)
            + d(l.cache_write_1h)
            + d(b.cache_write_1h)
            + d(bl.cache_write_1h),
        output: d(s.output),
        long_input: d(l.input),
        long_output: d(l.output),
        batch_input: d(b.input) + d(bl.input),
        batch_output: d(b.output) + d(bl.output),
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
) -> Result<Replay, String> {
    let eliminated = decide::eliminated_routes(inputs, options.skip_eliminated)?;
    let skip: Vec<String> = eliminated.iter().map(|e| e.id.clone()).collect();
    let observed_hours = Decimal::from(totals.load.minutes().max(1)) / Decimal::from(60);
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
            let shape = totals.load_by_model.get(model).map_or_else(
                || LoadShape::from_minutes(std::iter::empty(), String::new()),
                |profile| {
                    LoadShape::from_minutes(
                        profile.per_minute(),
                        format!(
                            "`{model}`: the observed per-minute load over {} minutes",
                            profile.minutes()
                        ),
                    )
                },
            );
            let usage = Usage {
                name: model,
                model,
                breakdown,
                load: Load::Observed(shape, observed_hours),
                held: None,
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
                    reason: Some(reason),
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

    let ids: Vec<String> = routes.iter().map(|r| r.id.clone()).collect();
    let models: Vec<String> = totals.by_model.keys().cloned().collect();
    let mut assumptions = provenance::assumptions_for(inputs, &ids, &models);
    assumptions.retain(|a| {
        !a.starts_with("Cache hits and writes apply") && !a.starts_with("Long-context rates apply")
    });
    assumptions.push("Replayed tokens are priced as read: input_tokens are uncached input; cache reads and writes are priced at their own rates.".into());
    assumptions.push("Each line item is rounded once to the cent (half away from zero); totals are sums of the rounded lines.".into());
    if totals.load.widest_bucket_minutes() > 1 {
        assumptions.push(format!(
            "The file has time buckets of up to {} minutes; their tokens are spread evenly over the bucket, so the observed peak is a lower bound.",
            totals.load.widest_bucket_minutes()
        ));
    }
    if routes.iter().any(|r| !r.sizing.is_empty()) {
        assumptions.push(format!(
            "Provisioned capacity is sized for the observed period ({} hours) from each model's per-minute load; it is billed every hour whether used or not, HTTP 500 errors are charged, and a commitment locks the model version.",
            observed_hours.round_dp(2).normalize()
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
        eliminated,
        assumptions,
        price_book: inputs.price_book.as_ref().map(PriceBookReport::of),
    })
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
