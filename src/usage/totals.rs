//! What reading a usage file produces: token totals per catalogue model, unknown models
//! with their row counts, skipped rows, and the load profile.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::load::LoadProfile;
use super::tokens::ModelUsage;
use crate::support::diagnostic::{Code, Diagnostic};

/// The most skipped-row messages kept; the rest are only counted.
pub const MAX_SKIPPED_MESSAGES: usize = 20;

/// Totals of one usage file (or several, merged).
///
/// `rows` counts accepted rows, priced or not: `rows` equals the sum of `by_model` rows and
/// `unknown_models` rows, and `rows + skipped_rows` is every data row read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageTotals {
    /// Rows accepted (CSV records, or usage-report result objects), priced or not.
    pub rows: u64,
    /// Bad rows skipped (only with `skip_bad_rows`).
    pub skipped_rows: u64,
    /// The first [`MAX_SKIPPED_MESSAGES`] skipped rows' diagnostics, in file order.
    pub skipped: Vec<Diagnostic>,
    /// Raw model name → rows, for names the catalogue does not know. Their tokens are in
    /// `load` (they are real traffic) but in no `by_model` entry.
    pub unknown_models: BTreeMap<String, u64>,
    /// Catalogue model id → totals.
    pub by_model: BTreeMap<String, ModelUsage>,
    /// Tokens per minute of every accepted row, unknown models included.
    pub load: LoadProfile,
    /// Tokens per minute of each catalogue model (provisioned capacity is bought per model).
    pub load_by_model: BTreeMap<String, LoadProfile>,
    /// Things a reader of the totals should know: ignored columns, coarse buckets, service
    /// tiers priced as standard, a report with more pages than the file holds.
    pub notes: Vec<String>,
    /// Route (as the log names it, see [`super::routes`]) → what was served there, for
    /// logs that say which route served each request. Empty for sources that do not.
    pub observed_routes: BTreeMap<String, RouteUsage>,
    /// Each catalogue model's totals per calendar month (UTC) and observed route: what a
    /// monthly bill is reconciled against. Rows are counted in the month they start in.
    pub by_month: BTreeMap<MonthKey, ModelUsage>,
}

/// A calendar month, the route the log says served the traffic (`None` when it does not
/// say) and a catalogue model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthKey {
    /// `YYYY-MM`.
    pub month: String,
    pub route: Option<String>,
    pub model: String,
}

/// The traffic a log says one route served, and what the log says it was charged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteUsage {
    /// Rows served on this route, priced or not.
    pub rows: u64,
    /// Catalogue model id → totals on this route.
    pub by_model: BTreeMap<String, ModelUsage>,
    /// Rows on this route whose model the catalogue does not know.
    pub unknown_rows: u64,
    /// The sum of the amounts the log carries (LiteLLM `spend`), over `billed_rows` rows.
    pub billed_usd: Decimal,
    /// Rows that carried an amount; below `rows`, the billed sum covers only part.
    pub billed_rows: u64,
}

impl RouteUsage {
    /// Adds another file's traffic on the same route; `None` on overflow.
    pub fn checked_add(&self, other: &RouteUsage) -> Option<RouteUsage> {
        let mut by_model = self.by_model.clone();
        for (model, usage) in &other.by_model {
            let sum = match by_model.get(model) {
                Some(mine) => mine.checked_add(usage)?,
                None => usage.clone(),
            };
            by_model.insert(model.clone(), sum);
        }
        Some(RouteUsage {
            rows: self.rows.checked_add(other.rows)?,
            by_model,
            unknown_rows: self.unknown_rows.checked_add(other.unknown_rows)?,
            billed_usd: self.billed_usd.checked_add(other.billed_usd)?,
            billed_rows: self.billed_rows.checked_add(other.billed_rows)?,
        })
    }
}

impl UsageTotals {
    /// Adds the totals of another file: `read(a) + read(b)` equals `read(a then b)` for
    /// every count and sum. Notes are appended without repeats. Fails only if a sum would
    /// overflow `u64`.
    pub fn merge(&mut self, other: &UsageTotals) -> Result<(), Diagnostic> {
        let overflow = || {
            Diagnostic::plain(
                Code::UsageOverflow,
                "merged token totals do not fit in 64 bits",
            )
        };
        let mut by_model = self.by_model.clone();
        for (model, usage) in &other.by_model {
            let sum = match by_model.get(model) {
                Some(mine) => mine.checked_add(usage).ok_or_else(overflow)?,
                None => usage.clone(),
            };
            by_model.insert(model.clone(), sum);
        }
        let mut unknown = self.unknown_models.clone();
        for (model, rows) in &other.unknown_models {
            let entry = unknown.entry(model.clone()).or_insert(0);
            *entry = entry.checked_add(*rows).ok_or_else(overflow)?;
        }
        let mut routes = self.observed_routes.clone();
        for (route, usage) in &other.observed_routes {
            let sum = match routes.get(route) {
                Some(mine) => mine.checked_add(usage).ok_or_else(overflow)?,
                None => usage.clone(),
            };
            routes.insert(route.clone(), sum);
        }
        let mut by_month = self.by_month.clone();
        for (key, usage) in &other.by_month {
            let sum = match by_month.get(key) {
                Some(mine) => mine.checked_add(usage).ok_or_else(overflow)?,
                None => usage.clone(),
            };
            by_month.insert(key.clone(), sum);
        }
        let rows = self.rows.checked_add(other.rows).ok_or_else(overflow)?;
        let skipped_rows = self
            .skipped_rows
            .checked_add(other.skipped_rows)
            .ok_or_else(overflow)?;
        self.rows = rows;
        self.skipped_rows = skipped_rows;
        self.by_model = by_model;
        self.unknown_models = unknown;
        self.observed_routes = routes;
        self.by_month = by_month;
        let room = MAX_SKIPPED_MESSAGES.saturating_sub(self.skipped.len());
        self.skipped
            .extend(other.skipped.iter().take(room).cloned());
        self.load.merge(&other.load);
        for (model, load) in &other.load_by_model {
            self.load_by_model
                .entry(model.clone())
                .or_default()
                .merge(load);
        }
        for note in &other.notes {
            if !self.notes.contains(note) {
                self.notes.push(note.clone());
            }
        }
        Ok(())
    }
}
