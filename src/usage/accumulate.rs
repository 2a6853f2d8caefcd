//! The running totals both readers feed, one row at a time, without allocating.
//!
//! Sums live in vectors indexed by model slot while reading and become the maps of
//! [`UsageTotals`] once, at the end. One-minute load is gathered in a dense window before it
//! reaches the load profile, so a time-sorted file touches the profile's map at most once a
//! minute, not once a row.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::gathered_load::GatheredLoads;
use super::model_cache::{ModelCache, Slot};
use super::record::UsageRecord;
use super::tokens::{ModelUsage, Tier, TokenBreakdown};
use super::totals::{MAX_SKIPPED_MESSAGES, MonthKey, RouteUsage, UsageTotals};
use crate::support::diagnostic::{Code, Diagnostic};

/// The message of a row whose tokens would overflow the totals.
pub const OVERFLOW: &str = "adding this row would make the token totals overflow 64 bits";

/// One accepted row, ready to add.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Start of the row's time, in minutes since the Unix epoch.
    pub minute: u64,
    /// How many minutes the row's tokens are spread over (1 for a request).
    pub bucket_minutes: u64,
    pub tier: Tier,
    pub tokens: TokenBreakdown,
    pub web_search_requests: u64,
}

/// Two pieces' totals that cannot be added to give one reading's: a row refused for
/// overflow (which depends on every row before it), sums that overflow when added, observed
/// routes, or a piece that alone reached the bound on unknown model names. The caller reads
/// the file in one go instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmergeable;

pub struct Accumulator<'k> {
    file: String,
    skip_bad_rows: bool,
    pub models: ModelCache<'k>,
    usage: Vec<ModelUsage>,
    unknown_rows: Vec<u64>,
    rows: u64,
    skipped_rows: u64,
    skipped: Vec<Diagnostic>,
    all_tokens: u64,
    /// Per-minute load of all traffic and of each catalogue model.
    load: GatheredLoads,
    notes: Vec<String>,
    /// Observed routes, in order of first appearance (a log names a handful).
    routes: Vec<(String, RouteSums)>,
    /// Per calendar month and observed route, each catalogue model's sums (what a monthly
    /// bill is reconciled against), in order of first appearance.
    months: Vec<MonthSums>,
    /// The entry of `months` the last row landed in: sorted input stays on it.
    current_month: usize,
    /// The observed route (index into `routes`) of the row being added, if any.
    route_now: Option<usize>,
    /// Bucket rows that run past the end of the month they start in.
    month_crossing_rows: u64,
    /// A row was refused because the sums would overflow: the only refusal that depends on
    /// the rows before it, so a piece of a file read alone may not refuse the same rows.
    overflowed: bool,
}

/// One calendar month's sums on one observed route (or none), by model slot.
#[derive(Debug, Clone)]
struct MonthSums {
    month: String,
    start: u64,
    end: u64,
    route: Option<usize>,
    usage: Vec<ModelUsage>,
}

/// One observed route's sums while reading, indexed by model slot like the file's.
#[derive(Debug, Clone, Default)]
struct RouteSums {
    rows: u64,
    usage: Vec<ModelUsage>,
    unknown_rows: u64,
    billed_usd: Decimal,
    billed_rows: u64,
}

impl<'k> Accumulator<'k> {
    pub fn new(file: &str, known_models: &'k [&'k str], skip_bad_rows: bool) -> Self {
        Self {
            file: file.to_owned(),
            skip_bad_rows,
            models: ModelCache::new(known_models),
            usage: vec![ModelUsage::default(); known_models.len()],
            unknown_rows: Vec::new(),
            rows: 0,
            skipped_rows: 0,
            skipped: Vec::new(),
            all_tokens: 0,
            load: GatheredLoads::new(known_models.len()),
            notes: Vec::new(),
            routes: Vec::new(),
            months: Vec::new(),
            current_month: 0,
            route_now: None,
            month_crossing_rows: 0,
            overflowed: false,
        }
    }

    /// The `months` entry of a row starting at `minute` on the current route.
    #[inline]
    fn month_slot(&mut self, minute: u64) -> usize {
        if let Some(m) = self.months.get(self.current_month)
            && minute >= m.start
            && minute < m.end
            && m.route == self.route_now
        {
            return self.current_month;
        }
        self.find_month(minute)
    }

    #[cold]
    fn find_month(&mut self, minute: u64) -> usize {
        let route = self.route_now;
        let found = self
            .months
            .iter()
            .position(|m| minute >= m.start && minute < m.end && m.route == route);
        self.current_month = match found {
            Some(i) => i,
            None => {
                let (month, start, end) = crate::support::date::month_of_minute(minute);
                self.months.push(MonthSums {
                    month,
                    start,
                    end,
                    route,
                    usage: vec![ModelUsage::default(); self.usage.len()],
                });
                self.months.len() - 1
            }
        };
        self.current_month
    }

    /// Adds one converted record of a log reader: its model resolved, its tokens added to
    /// the file's totals and, when the log names a route, to that route's. On overflow
    /// nothing is added and the caller reports [`OVERFLOW`].
    pub fn add_record(&mut self, record: &UsageRecord) -> Result<(), &'static str> {
        self.add_records(record, 1)
    }

    /// Adds `count` rows whose tokens (and billed amounts) sum to `record`'s: a bucket a
    /// database aggregated.
    pub fn add_records(&mut self, record: &UsageRecord, count: u64) -> Result<(), &'static str> {
        let slot = self.models.slot(record.model.as_bytes());
        let row = Row {
            minute: record.minute,
            bucket_minutes: record.bucket_minutes,
            tier: record.tier,
            tokens: record.tokens,
            web_search_requests: record.web_search_requests,
        };
        let Some(route) = &record.route else {
            return self.add(slot, &row, count);
        };
        self.add_routed(
            slot,
            &row,
            route,
            record.billed_usd,
            record.billed_rows,
            count,
        )
    }

    /// Adds `count` rows served on the observed `route` (with what the log says was
    /// charged, if it says): to the file's totals and to the route's.
    pub fn add_routed(
        &mut self,
        slot: Slot,
        row: &Row,
        route: &str,
        billed_usd: Option<Decimal>,
        billed_rows: Option<u64>,
        count: u64,
    ) -> Result<(), &'static str> {
        let index = match self.routes.iter().position(|(r, _)| r == route) {
            Some(i) => i,
            None => {
                let sums = RouteSums {
                    usage: vec![ModelUsage::default(); self.usage.len()],
                    ..RouteSums::default()
                };
                self.routes.push((route.to_owned(), sums));
                self.routes.len() - 1
            }
        };
        // Check the route's sums first, so an overflow leaves everything unchanged.
        let sums = &self.routes[index].1;
        let rows = sums.rows.checked_add(count).ok_or(OVERFLOW)?;
        let (billed, billed_rows) = match billed_usd {
            Some(usd) => (
                sums.billed_usd.checked_add(usd).ok_or(OVERFLOW)?,
                sums.billed_rows
                    .checked_add(billed_rows.unwrap_or(count))
                    .ok_or(OVERFLOW)?,
            ),
            None => (sums.billed_usd, sums.billed_rows),
        };
        let mut model = None;
        let mut unknown_rows = sums.unknown_rows;
        match slot {
            Slot::Known(i) => {
                let mut usage = sums.usage.get(i).cloned().ok_or(OVERFLOW)?;
                if !usage.add_rows(count, row.tier, &row.tokens, row.web_search_requests) {
                    return Err(OVERFLOW);
                }
                model = Some((i, usage));
            }
            Slot::Unknown(_) => unknown_rows = unknown_rows.checked_add(count).ok_or(OVERFLOW)?,
        }
        self.route_now = Some(index);
        let added = self.add(slot, row, count);
        self.route_now = None;
        added?;
        let sums = &mut self.routes[index].1;
        sums.rows = rows;
        sums.billed_usd = billed;
        sums.billed_rows = billed_rows;
        sums.unknown_rows = unknown_rows;
        if let Some((i, usage)) = model {
            sums.usage[i] = usage;
        }
        Ok(())
    }

    /// Adds `count` rows whose tokens sum to `row.tokens` (1 for a CSV row; a usage-report
    /// bucket adds its results per model and tier). On overflow nothing is added and the
    /// caller reports [`OVERFLOW`].
    #[inline]
    pub fn add(&mut self, slot: Slot, row: &Row, count: u64) -> Result<(), &'static str> {
        let added = self.try_add(slot, row, count);
        if added.is_err() {
            self.overflowed = true;
        }
        added
    }

    #[inline]
    fn try_add(&mut self, slot: Slot, row: &Row, count: u64) -> Result<(), &'static str> {
        let tokens = row.tokens.total().ok_or(OVERFLOW)?;
        let all_tokens = self.all_tokens.checked_add(tokens).ok_or(OVERFLOW)?;
        let rows = self.rows.checked_add(count).ok_or(OVERFLOW)?;
        match slot {
            Slot::Known(i) => {
                let usage = self.usage.get_mut(i).ok_or(OVERFLOW)?;
                if !usage.add_rows(count, row.tier, &row.tokens, row.web_search_requests) {
                    return Err(OVERFLOW);
                }
                let m = self.month_slot(row.minute);
                if row.minute.saturating_add(row.bucket_minutes) > self.months[m].end {
                    self.month_crossing_rows = self.month_crossing_rows.saturating_add(count);
                }
                // Cannot overflow: a month's sums are part of the model's, checked above.
                let _ = self.months[m].usage[i].add_rows(
                    count,
                    row.tier,
                    &row.tokens,
                    row.web_search_requests,
                );
            }
            Slot::Unknown(i) => {
                if self.unknown_rows.len() <= i {
                    self.unknown_rows.resize(i + 1, 0);
                }
                self.unknown_rows[i] = self.unknown_rows[i].checked_add(count).ok_or(OVERFLOW)?;
            }
        }
        self.all_tokens = all_tokens;
        self.rows = rows;
        let model = match slot {
            Slot::Known(i) => Some(i),
            Slot::Unknown(_) => None,
        };
        self.load.add(model, row.minute, row.bucket_minutes, tokens);
        Ok(())
    }

    /// Whether anything was refused so far (with `skip_bad_rows`): rows, or a diagnostic
    /// that refused none (a bucket with a bad time and no results).
    pub fn skipped_any(&self) -> bool {
        self.skipped_rows > 0 || !self.skipped.is_empty()
    }

    /// True when a row was refused because the sums would overflow.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Moves the line of every kept skipped-row diagnostic down by `lines`: the rows of a
    /// piece of a file were numbered from the piece's start.
    pub fn shift_lines(&mut self, lines: u64) {
        for diagnostic in &mut self.skipped {
            diagnostic.line = diagnostic.line.saturating_add(lines);
        }
    }

    /// Adds the rows of the piece of the file that follows the one `self` read, so that the
    /// result is what reading both pieces in one go gives; see [`Unmergeable`] for when it
    /// cannot be. On an error `self` is left part-merged and must be dropped.
    pub fn merge(&mut self, other: Accumulator<'k>) -> Result<(), Unmergeable> {
        // Unknown names were numbered in order of first appearance, and past the bound the
        // rest were counted together: replaying the later piece's names in its order after
        // the earlier piece's gives the numbering (and the bound) of one reading, unless the
        // later piece already reached the bound on its own.
        if self.overflowed
            || other.overflowed
            || !self.routes.is_empty()
            || !other.routes.is_empty()
            || other.models.unknown_names().len() >= super::model_cache::MAX_MODEL_NAMES
        {
            return Err(Unmergeable);
        }
        let slots: Vec<usize> = other
            .models
            .unknown_names()
            .iter()
            .map(|name| self.models.unknown_index(name))
            .collect();
        for (&slot, &rows) in slots.iter().zip(&other.unknown_rows) {
            if self.unknown_rows.len() <= slot {
                self.unknown_rows.resize(slot + 1, 0);
            }
            self.unknown_rows[slot] = self.unknown_rows[slot]
                .checked_add(rows)
                .ok_or(Unmergeable)?;
        }
        for (mine, theirs) in self.usage.iter_mut().zip(&other.usage) {
            *mine = mine.checked_add(theirs).ok_or(Unmergeable)?;
        }
        for month in other.months {
            let index = match self
                .months
                .iter()
                .position(|m| m.start == month.start && m.route == month.route)
            {
                Some(i) => i,
                None => {
                    self.months.push(MonthSums {
                        usage: vec![ModelUsage::default(); self.usage.len()],
                        ..month.clone()
                    });
                    self.months.len() - 1
                }
            };
            for (mine, theirs) in self.months[index].usage.iter_mut().zip(&month.usage) {
                *mine = mine.checked_add(theirs).ok_or(Unmergeable)?;
            }
        }
        self.rows = self.rows.checked_add(other.rows).ok_or(Unmergeable)?;
        self.all_tokens = self
            .all_tokens
            .checked_add(other.all_tokens)
            .ok_or(Unmergeable)?;
        self.skipped_rows = self.skipped_rows.saturating_add(other.skipped_rows);
        let room = MAX_SKIPPED_MESSAGES.saturating_sub(self.skipped.len());
        self.skipped.extend(other.skipped.into_iter().take(room));
        self.month_crossing_rows = self
            .month_crossing_rows
            .saturating_add(other.month_crossing_rows);
        self.load.merge(other.load);
        for note in other.notes {
            self.note(note);
        }
        Ok(())
    }

    /// A bad row: the error that stops reading, or (with `skip_bad_rows`) counted and, for
    /// the first few, kept.
    #[cold]
    pub fn bad_row(&mut self, diagnostic: Diagnostic) -> Result<(), Diagnostic> {
        self.bad_rows(diagnostic, 1)
    }

    /// `count` rows refused for one reason (the results of a bucket with a bad timestamp).
    #[cold]
    pub fn bad_rows(&mut self, diagnostic: Diagnostic, count: u64) -> Result<(), Diagnostic> {
        if !self.skip_bad_rows {
            return Err(match diagnostic.help {
                Some(_) => diagnostic,
                None => diagnostic
                    .with_help("fix the row, or pass --skip-bad-rows to count bad rows and go on"),
            });
        }
        self.skipped_rows = self.skipped_rows.saturating_add(count);
        if self.skipped.len() < MAX_SKIPPED_MESSAGES {
            self.skipped.push(diagnostic);
        }
        Ok(())
    }

    /// A diagnostic at a line and column of this file, naming a key.
    #[cold]
    pub fn error(
        &self,
        code: Code,
        line: u64,
        column: u64,
        key: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::plain(code, message);
        diagnostic.file = self.file.clone();
        diagnostic.line = line;
        diagnostic.column = column;
        diagnostic.key = key.map(str::to_owned);
        diagnostic
    }

    /// Something the reader of the totals should know; repeats are dropped.
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// [`Accumulator::note`] of a fixed text, allocating only the first time: for a note a
    /// row can give, on every row.
    pub fn note_once(&mut self, note: &str) {
        if !self.notes.iter().any(|n| n == note) {
            self.notes.push(note.to_owned());
        }
    }

    pub fn finish(mut self) -> UsageTotals {
        let known = self.models.known();
        if self.month_crossing_rows > 0 {
            self.note(format!(
                "{} time buckets run past the end of the calendar month they start in; each is counted in the month it starts (reconciliation against monthly bills compares by month).",
                self.month_crossing_rows
            ));
        }
        let mut by_month = BTreeMap::new();
        for month in &self.months {
            let route = month.route.map(|r| self.routes[r].0.clone());
            for (id, usage) in known.iter().zip(&month.usage) {
                if usage.rows > 0 {
                    by_month.insert(
                        MonthKey {
                            month: month.month.clone(),
                            route: route.clone(),
                            model: (*id).to_owned(),
                        },
                        usage.clone(),
                    );
                }
            }
        }
        let mut by_model = BTreeMap::new();
        let mut load_by_model = BTreeMap::new();
        let (load, loads) = self.load.finish();
        for ((id, usage), load) in known.iter().zip(self.usage).zip(loads) {
            if usage.rows > 0 {
                by_model.insert((*id).to_owned(), usage);
                load_by_model.insert((*id).to_owned(), load);
            }
        }
        let unknown_models = self
            .models
            .unknown_names()
            .iter()
            .zip(&self.unknown_rows)
            .filter(|(_, rows)| **rows > 0)
            .map(|(name, rows)| (name.clone(), *rows))
            .collect();
        let observed_routes = self
            .routes
            .into_iter()
            .map(|(route, sums)| {
                let by_model = known
                    .iter()
                    .zip(sums.usage)
                    .filter(|(_, usage)| usage.rows > 0)
                    .map(|(id, usage)| ((*id).to_owned(), usage))
                    .collect();
                let usage = RouteUsage {
                    rows: sums.rows,
                    by_model,
                    unknown_rows: sums.unknown_rows,
                    billed_usd: sums.billed_usd,
                    billed_rows: sums.billed_rows,
                };
                (route, usage)
            })
            .collect();
        UsageTotals {
            by_month,
            observed_routes,
            rows: self.rows,
            skipped_rows: self.skipped_rows,
            skipped: self.skipped,
            unknown_models,
            by_model,
            load,
            load_by_model,
            notes: self.notes,
        }
    }
}
