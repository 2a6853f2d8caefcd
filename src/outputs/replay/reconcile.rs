//! Reconciliation: what replay computes at list price for the traffic a log says a route
//! served, beside what a bill charged for it, per month, route scope, model and token type.
//!
//! - Every amount is exact: the bill's amounts as the bill gives them, replay's as the
//!   unrounded sum of its line items (`usd_exact`), the difference and the relative gap
//!   (difference over replay) computed from those.
//! - The bill's total is split into attributed lines (compared) and unattributed lines
//!   (listed with their reason, month and amount): attributed plus unattributed is the
//!   bill's total, always.
//! - Only the route families the bill covers are compared (a Bedrock CUR covers Bedrock
//!   routes; Anthropic's cost report the Anthropic API). Traffic the log puts on other
//!   routes is counted in the notes. Traffic with no observed route is assigned, per month
//!   and model, to the scope the bill charged most for (said in the notes).
//! - A relative gap above the threshold, a billed amount with no traffic, traffic with no
//!   billed amount, and token counts that disagree are warnings naming the month, model and
//!   token type: a gap usually means a missing price, a wrong id mapping or missing logs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::cost::provisioned::LoadShape;
use crate::engine::cost::{self, Load, Usage};
use crate::support::diagnostic::{Code, Diagnostics, SourceFile};
use crate::usage::bill::{Bill, BillFormat, BillScope, TokenType};
use crate::usage::bill_reader::read_bill;
use crate::usage::{ModelUsage, TokenBreakdown, UsageTotals};

/// What every output says about a reconciliation.
pub const ASSUMPTION: &str = "Reconciliation compares the log's tokens at list price on the route that served them (unrounded) with the bill's amounts (exact), per month, route scope, model and token type; batch and long-context traffic is folded into input and output as bills show it; a gap is billed minus list, over list.";

/// A reconciliation of replay against one or more bills.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    /// The bill as named on the command line.
    pub bill: String,
    /// `cur`, `focus`, `anthropic_cost`, or `mixed`.
    pub format: &'static str,
    /// Bill lines read (attributed or not).
    pub lines: u64,
    pub skipped_rows: u64,
    pub skipped: Vec<String>,
    /// A relative gap above this fraction is a warning.
    pub threshold: Decimal,
    /// One row per month, scope, model and token type.
    pub rows: Vec<ReconcileRow>,
    /// One row per month, scope and model: the sums of its token types.
    pub subtotals: Vec<ReconcileRow>,
    /// The compared amounts summed.
    pub replay_usd: Decimal,
    pub billed_attributed_usd: Decimal,
    pub difference_usd: Decimal,
    pub gap: Option<Decimal>,
    /// Lines that name no model and token type replay prices, summed per month, item and
    /// reason.
    pub unattributed: Vec<UnattributedLine>,
    pub billed_unattributed_usd: Decimal,
    /// Every amount of the bill: attributed plus unattributed.
    pub billed_total_usd: Decimal,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReconcileRow {
    pub month: String,
    /// The routes the bill line covers (`bedrock-region/geo`, `bedrock-global`,
    /// `anthropic-api`…).
    pub scope: String,
    pub model: String,
    /// `input`, `output`, `cache reads`, `cache writes (5m)`, `cache writes (1h)`, or `all`.
    pub token_type: String,
    /// Tokens in the log.
    pub log_tokens: Decimal,
    /// Tokens on the bill, when every line states them in a token unit.
    pub bill_tokens: Option<Decimal>,
    /// The log's tokens at list price on the route that served them, unrounded; absent
    /// when a route cannot price the model (see `replay_reason`).
    pub replay_usd: Option<Decimal>,
    pub replay_reason: Option<String>,
    /// What the bill charged, exact.
    pub billed_usd: Decimal,
    /// Billed minus replay.
    pub difference_usd: Option<Decimal>,
    /// The difference over replay (0.05 is 5%); absent when replay is zero or unknown.
    pub gap: Option<Decimal>,
    /// Bill lines summed into this row.
    pub bill_lines: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnattributedLine {
    pub month: String,
    pub item: String,
    pub reason: String,
    pub lines: u64,
    pub tokens: Option<Decimal>,
    pub usd: Decimal,
}

/// Reads a bill: a file, or a directory of export files walked recursively, keeping only
/// the latest snapshot of each billing period.
pub fn read_bills(
    path: &Path,
    known_models: &[&str],
    format: Option<BillFormat>,
    skip_bad_rows: bool,
) -> Result<(Bill, &'static str), Diagnostics> {
    let name = path.display().to_string();
    let whole = |file: &str, message: String| {
        Diagnostics::from(
            SourceFile::new(file.to_owned(), "").error_whole(Code::BillUnreadable, message),
        )
    };
    let metadata = std::fs::metadata(path).map_err(|e| {
        whole(
            &name,
            match e.kind() {
                std::io::ErrorKind::NotFound => "cannot read the bill: no such file".to_owned(),
                _ => format!("cannot read the bill: {e}"),
            },
        )
    })?;
    let open = |file: &Path| -> Result<(Bill, BillFormat), Diagnostics> {
        let file_name = file.display().to_string();
        let opened = std::fs::File::open(file)
            .map_err(|e| whole(&file_name, format!("cannot read the bill: {e}")))?;
        Ok(read_bill(
            opened,
            &file_name,
            known_models,
            format,
            skip_bad_rows,
        )?)
    };
    if !metadata.is_dir() {
        let (bill, format) = open(path)?;
        return Ok((bill, format.name()));
    }
    let mut files = Vec::new();
    let mut other = Vec::new();
    super::walk(path, &mut files, &mut other)
        .map_err(|e| whole(&name, format!("cannot read the directory: {e}")))?;
    // Bills are also exported as Parquet.
    files.extend(other.into_iter().filter(|p| {
        p.to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".parquet")
    }));
    files.sort();
    let (files, dropped) = latest_snapshots(path, files);
    if files.is_empty() {
        return Err(whole(
            &name,
            "the directory holds no bill files (`.csv`, `.csv.gz`, `.parquet`, `.json`)".to_owned(),
        ));
    }
    let mut bill = Bill::default();
    let mut formats = Vec::new();
    for file in &files {
        let (one, format) = open(file)?;
        bill.merge(one);
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    bill.note(format!(
        "{} bill files were read from the directory {name}.",
        files.len()
    ));
    for (period, kept, count) in dropped {
        bill.note(format!(
            "billing period {period}: {count} files of earlier snapshots were not read; exports are full snapshots, so only the latest ({kept}, the snapshot folder whose name sorts last) is counted."
        ));
    }
    let format = match formats.as_slice() {
        [one] => one.name(),
        _ => "mixed",
    };
    Ok((bill, format))
}

/// The billing period and snapshot of an export file: the value of a
/// `BILLING_PERIOD=…` folder, and the folder below it (when the file is not directly in it).
fn period_and_snapshot(root: &Path, file: &Path) -> Option<(String, String)> {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let at = parts
        .iter()
        .position(|p| p.to_ascii_lowercase().starts_with("billing_period="))?;
    let period = parts[at].split_once('=')?.1.to_owned();
    let snapshot = if at + 2 < parts.len() {
        parts[at + 1].clone()
    } else {
        String::new()
    };
    Some((period, snapshot))
}

/// Keeps the files of each billing period's latest snapshot; returns the dropped ones as
/// (period, snapshot kept, files dropped).
fn latest_snapshots(
    root: &Path,
    files: Vec<PathBuf>,
) -> (Vec<PathBuf>, Vec<(String, String, usize)>) {
    let mut latest: BTreeMap<String, String> = BTreeMap::new();
    for file in &files {
        if let Some((period, snapshot)) = period_and_snapshot(root, file) {
            let entry = latest.entry(period).or_default();
            if snapshot > *entry {
                *entry = snapshot;
            }
        }
    }
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let kept = files
        .into_iter()
        .filter(|file| match period_and_snapshot(root, file) {
            Some((period, snapshot)) if latest[&period] != snapshot => {
                *dropped.entry(period).or_default() += 1;
                false
            }
            _ => true,
        })
        .collect();
    let dropped = dropped
        .into_iter()
        .map(|(period, count)| {
            let kept = latest[&period].clone();
            (period, kept, count)
        })
        .collect();
    (kept, dropped)
}

/// The tokens of one type, all tiers.
fn tokens_of(usage: &ModelUsage, token_type: TokenType) -> u64 {
    let pick = |t: &TokenBreakdown| match token_type {
        TokenType::Input => t.input,
        TokenType::Output => t.output,
        TokenType::CacheRead => t.cache_read,
        TokenType::CacheWrite5m => t.cache_write_5m,
        TokenType::CacheWrite1h => t.cache_write_1h,
    };
    [
        &usage.standard,
        &usage.batch,
        &usage.long_context,
        &usage.batch_long_context,
    ]
    .into_iter()
    .map(pick)
    .fold(0u64, u64::saturating_add)
}

/// The usage with only one token type left (every tier), web searches dropped.
fn only(usage: &ModelUsage, token_type: TokenType) -> ModelUsage {
    let keep = |t: &TokenBreakdown| {
        let mut out = TokenBreakdown::default();
        match token_type {
            TokenType::Input => out.input = t.input,
            TokenType::Output => out.output = t.output,
            TokenType::CacheRead => out.cache_read = t.cache_read,
            TokenType::CacheWrite5m => out.cache_write_5m = t.cache_write_5m,
            TokenType::CacheWrite1h => out.cache_write_1h = t.cache_write_1h,
        }
        out
    };
    ModelUsage {
        rows: usage.rows,
        standard: keep(&usage.standard),
        batch: keep(&usage.batch),
        long_context: keep(&usage.long_context),
        batch_long_context: keep(&usage.batch_long_context),
        web_search_requests: 0,
    }
}

/// The exact list price of `usage` on a catalogue route.
fn list_price(
    inputs: &Inputs,
    route_id: &str,
    model: &str,
    usage: &ModelUsage,
) -> Result<Decimal, String> {
    let route = inputs
        .catalogue
        .routes
        .iter()
        .map(|r| &r.item)
        .find(|r| r.id == route_id)
        .ok_or_else(|| format!("`{route_id}` is not a route of the catalogue"))?;
    let mut notes = Vec::new();
    let usage = Usage {
        name: model,
        model,
        breakdown: super::breakdown(usage, &mut notes, model),
        load: Load::Observed(
            LoadShape::from_levels(std::iter::empty(), String::new()),
            Decimal::ONE,
        ),
        held: None,
        service: None,
    };
    let (items, _) = cost::price_usage(route, &usage, cost::CostContext::of(inputs), &mut notes)
        .map_err(|u| u.0)?;
    Ok(items.iter().map(|i| i.usd_exact).sum())
}

fn family(scope: BillScope) -> u8 {
    match scope {
        BillScope::AnthropicApi | BillScope::AnthropicApiUs => 0,
        BillScope::BedrockGlobal | BillScope::BedrockRegional => 1,
    }
}

#[derive(Default)]
struct Side {
    log_tokens: Decimal,
    replay: Option<Decimal>,
    reason: Option<String>,
    priced: bool,
}

/// Compares replay with a bill.
pub fn reconcile(
    inputs: &Inputs,
    totals: &UsageTotals,
    bill: &Bill,
    bill_name: &str,
    format: &'static str,
    threshold: Decimal,
) -> Reconciliation {
    let mut notes = bill.notes.clone();
    let months: BTreeSet<&str> = bill
        .attributed
        .keys()
        .map(|k| k.month.as_str())
        .chain(bill.unattributed.keys().map(|k| k.month.as_str()))
        .collect();
    let mut other_months: BTreeMap<&str, u64> = BTreeMap::new();
    let families: BTreeSet<u8> = bill.attributed.keys().map(|k| family(k.scope)).collect();
    let scopes: BTreeSet<BillScope> = bill.attributed.keys().map(|k| k.scope).collect();
    let mut usage_side: BTreeMap<(String, BillScope, String, TokenType), Side> = BTreeMap::new();
    let mut uncovered: BTreeMap<String, u64> = BTreeMap::new();
    let mut assigned_rows = 0u64;
    for (key, usage) in &totals.by_month {
        if !months.contains(key.month.as_str()) {
            *other_months.entry(key.month.as_str()).or_default() += usage.rows;
            continue;
        }
        let (scope, route) = match &key.route {
            Some(route) => match BillScope::of_route(route) {
                Some(scope) if families.contains(&family(scope)) => (scope, route.as_str()),
                _ => {
                    *uncovered.entry(route.clone()).or_default() += usage.rows;
                    continue;
                }
            },
            None => {
                // The scope the bill charged most for this month and model, else the bill's
                // only scope.
                let best = bill
                    .attributed
                    .iter()
                    .filter(|(k, _)| k.month == key.month && k.model == key.model)
                    .fold(BTreeMap::<BillScope, Decimal>::new(), |mut m, (k, a)| {
                        *m.entry(k.scope).or_default() += a.usd;
                        m
                    })
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(s, _)| s);
                let scope = match (best, scopes.len()) {
                    (Some(scope), _) => scope,
                    (None, 1) => *scopes.iter().next().unwrap_or(&BillScope::AnthropicApi),
                    _ => {
                        *uncovered
                            .entry(
                                "(no route in the log, and no bill line for its month and model)"
                                    .to_owned(),
                            )
                            .or_default() += usage.rows;
                        continue;
                    }
                };
                assigned_rows += usage.rows;
                (scope, scope.default_route())
            }
        };
        for token_type in TokenType::ALL {
            let tokens = tokens_of(usage, token_type);
            if tokens == 0 {
                continue;
            }
            let side = usage_side
                .entry((key.month.clone(), scope, key.model.clone(), token_type))
                .or_default();
            side.log_tokens += Decimal::from(tokens);
            match list_price(inputs, route, &key.model, &only(usage, token_type)) {
                Ok(usd) => {
                    side.replay = Some(side.replay.unwrap_or(Decimal::ZERO) + usd);
                    side.priced = true;
                }
                Err(reason) => side.reason = Some(format!("{route}: {reason}")),
            }
        }
    }
    if assigned_rows > 0 {
        notes.push(format!(
            "{assigned_rows} rows name no route in the log; each month and model's traffic is compared with the bill scope that charged most for it, priced on that scope's route."
        ));
    }
    for (month, rows) in &other_months {
        notes.push(format!(
            "{rows} rows in {month} are not compared: the bill has no lines for that month."
        ));
    }
    for (route, rows) in &uncovered {
        notes.push(format!(
            "{rows} rows on {route} are not compared: the bill does not cover that route."
        ));
    }
    let mut keys: BTreeSet<(String, BillScope, String, TokenType)> =
        usage_side.keys().cloned().collect();
    for key in bill.attributed.keys() {
        keys.insert((
            key.month.clone(),
            key.scope,
            key.model.clone(),
            key.token_type,
        ));
    }
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    for (month, scope, model, token_type) in keys {
        let side = usage_side.remove(&(month.clone(), scope, model.clone(), token_type));
        let amount = bill.attributed.get(&crate::usage::bill::BillKey {
            month: month.clone(),
            scope,
            model: model.clone(),
            token_type,
        });
        let (log_tokens, replay, reason) = match side {
            // A token type some route could not price has no replay amount.
            Some(side) if side.reason.is_some() => (side.log_tokens, None, side.reason),
            Some(side) => (side.log_tokens, side.replay.filter(|_| side.priced), None),
            None => (Decimal::ZERO, Some(Decimal::ZERO), None),
        };
        let billed = amount.map_or(Decimal::ZERO, |a| a.usd);
        let row = row(
            &month,
            scope.label(),
            &model,
            token_type.name(),
            log_tokens,
            amount.and_then(|a| a.tokens),
            replay,
            reason,
            billed,
            amount.map_or(0, |a| a.lines),
        );
        warn(&row, threshold, &mut warnings);
        rows.push(row);
    }
    let mut subtotals = Vec::new();
    let mut groups: BTreeMap<(String, String, String), Vec<&ReconcileRow>> = BTreeMap::new();
    for r in &rows {
        groups
            .entry((r.month.clone(), r.scope.clone(), r.model.clone()))
            .or_default()
            .push(r);
    }
    for ((month, scope, model), group) in groups {
        let replay = group
            .iter()
            .try_fold(Decimal::ZERO, |sum, r| r.replay_usd.map(|u| sum + u));
        let bill_tokens = group
            .iter()
            .try_fold(Decimal::ZERO, |sum, r| r.bill_tokens.map(|t| sum + t));
        subtotals.push(row(
            &month,
            &scope,
            &model,
            "all",
            group.iter().map(|r| r.log_tokens).sum(),
            bill_tokens,
            replay,
            replay
                .is_none()
                .then(|| "a token type cannot be priced".to_owned()),
            group.iter().map(|r| r.billed_usd).sum(),
            group.iter().map(|r| r.bill_lines).sum(),
        ));
    }
    let replay_usd: Decimal = rows.iter().filter_map(|r| r.replay_usd).sum();
    let billed_attributed_usd = bill.attributed_usd();
    let difference_usd = billed_attributed_usd - replay_usd;
    if rows.iter().any(|r| r.replay_usd.is_none()) {
        notes.push("Rows a route cannot price are left out of the replay total; their billed amounts are in the billed total.".to_owned());
    }
    Reconciliation {
        bill: bill_name.to_owned(),
        format,
        lines: bill.lines,
        skipped_rows: bill.skipped_rows,
        skipped: bill
            .skipped
            .iter()
            .map(|d| d.to_string().trim_end().to_owned())
            .collect(),
        threshold,
        rows,
        subtotals,
        replay_usd,
        billed_attributed_usd,
        difference_usd,
        gap: (!replay_usd.is_zero()).then(|| difference_usd / replay_usd),
        unattributed: bill
            .unattributed
            .iter()
            .map(|(k, a)| UnattributedLine {
                month: k.month.clone(),
                item: k.item.clone(),
                reason: k.reason.clone(),
                lines: a.lines,
                tokens: a.tokens,
                usd: a.usd,
            })
            .collect(),
        billed_unattributed_usd: bill.unattributed_usd(),
        billed_total_usd: bill.total_usd(),
        warnings,
        notes,
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    month: &str,
    scope: &str,
    model: &str,
    token_type: &str,
    log_tokens: Decimal,
    bill_tokens: Option<Decimal>,
    replay: Option<Decimal>,
    reason: Option<String>,
    billed: Decimal,
    bill_lines: u64,
) -> ReconcileRow {
    let difference = replay.map(|r| billed - r);
    ReconcileRow {
        month: month.to_owned(),
        scope: scope.to_owned(),
        model: model.to_owned(),
        token_type: token_type.to_owned(),
        log_tokens: log_tokens.normalize(),
        bill_tokens: bill_tokens.map(|t| t.normalize()),
        replay_usd: replay.map(|r| r.normalize()),
        replay_reason: reason,
        billed_usd: billed.normalize(),
        difference_usd: difference.map(|d| d.normalize()),
        gap: match (difference, replay) {
            (Some(d), Some(r)) if !r.is_zero() => Some((d / r).round_dp(6).normalize()),
            _ => None,
        },
        bill_lines,
    }
}

fn usd(amount: Decimal) -> String {
    crate::support::money::format_usd(&amount.to_string())
}

fn warn(row: &ReconcileRow, threshold: Decimal, warnings: &mut Vec<String>) {
    let what = format!(
        "{} `{}` {} on {}",
        row.month, row.model, row.token_type, row.scope
    );
    match (row.replay_usd, row.gap) {
        (None, _) => warnings.push(format!(
            "{what}: replay cannot price it ({}); billed {}",
            row.replay_reason.as_deref().unwrap_or("no price"),
            usd(row.billed_usd)
        )),
        (Some(replay), _) if replay.is_zero() && !row.billed_usd.is_zero() => {
            warnings.push(format!(
                "{what}: billed {} with no matching traffic in the log (missing logs, or a model id the log names differently?)",
                usd(row.billed_usd)
            ))
        }
        (Some(replay), _) if row.billed_usd.is_zero() && !replay.is_zero() => {
            warnings.push(format!(
                "{what}: the log's traffic is {} at list price and the bill charges nothing for it (a bill for another account or route?)",
                usd(replay)
            ))
        }
        (Some(replay), Some(gap)) if gap.abs() > threshold => warnings.push(format!(
            "{what}: billed {} against {} at list price, a gap of {}% (above {}%): a missing or stale price, a negotiated discount, or a wrong id mapping",
            usd(row.billed_usd),
            usd(replay),
            (gap * Decimal::ONE_HUNDRED).round_dp(2).normalize(),
            (threshold * Decimal::ONE_HUNDRED).normalize()
        )),
        _ => {}
    }
    if let Some(bill_tokens) = row.bill_tokens
        && !row.log_tokens.is_zero()
        && !bill_tokens.is_zero()
    {
        let gap = (bill_tokens - row.log_tokens) / row.log_tokens;
        if gap.abs() > threshold {
            warnings.push(format!(
                "{what}: the bill counts {bill_tokens} tokens and the log {} ({}%): logs missing, or sampled",
                row.log_tokens,
                (gap * Decimal::ONE_HUNDRED).round_dp(2).normalize()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_snapshot_of_a_period_is_kept() {
        let root = Path::new("/b");
        let files: Vec<PathBuf> = [
            "/b/data/BILLING_PERIOD=2026-10/20261015T000000Z/part-1.csv",
            "/b/data/BILLING_PERIOD=2026-10/20261031T000000Z/part-1.csv",
            "/b/data/BILLING_PERIOD=2026-10/20261031T000000Z/part-2.csv",
            "/b/data/BILLING_PERIOD=2026-11/20261105T000000Z/part-1.csv",
            "/b/other.csv",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let (kept, dropped) = latest_snapshots(root, files);
        assert_eq!(kept.len(), 4);
        assert!(
            !kept
                .iter()
                .any(|p| p.to_string_lossy().contains("20261015"))
        );
        assert_eq!(
            dropped,
            vec![("2026-10".to_owned(), "20261031T000000Z".to_owned(), 1)]
        );
    }

    #[test]
    fn one_token_type_is_kept_across_tiers() {
        let t = |n| TokenBreakdown {
            input: n,
            output: 2 * n,
            cache_read: 3 * n,
            cache_write_5m: 4 * n,
            cache_write_1h: 5 * n,
        };
        let usage = ModelUsage {
            rows: 2,
            standard: t(1),
            batch: t(10),
            long_context: t(100),
            batch_long_context: t(1000),
            web_search_requests: 7,
        };
        assert_eq!(tokens_of(&usage, TokenType::CacheRead), 3333);
        let output = only(&usage, TokenType::Output);
        assert_eq!(output.batch.output, 20);
        assert_eq!(output.batch.input, 0);
        assert_eq!(output.web_search_requests, 0);
    }
}
