//! Streaming reader of the Anthropic Admin API messages usage report
//! (`GET /v1/organizations/usage_report/messages`).
//!
//! A page is `{ "data": [bucket…], "has_more": bool, "next_page": string|null }`; a bucket is
//! `{ "starting_at", "ending_at", "results": [result…] }`; a result holds
//! `uncached_input_tokens`, `cache_read_input_tokens`,
//! `cache_creation: { ephemeral_5m_input_tokens, ephemeral_1h_input_tokens }`,
//! `output_tokens`, `server_tool_use: { web_search_requests }`, and the grouping dimensions
//! (`model`, `service_tier`, `context_window`, `workspace_id`…), `null` when the report was
//! not grouped by them.
//!
//! How it is read:
//! - serde visitors consume each bucket and result as it arrives (`DeserializeSeed`), so the
//!   document is never held in memory; a bucket's results are summed per model and tier
//!   (bounded by the number of models) until the bucket's times are known, since a tool
//!   may have reordered its keys.
//! - Each result object is one row. `service_tier` `batch` is batch traffic; any other tier
//!   (`standard`, `priority`, `flex`…) is counted as standard and named in the notes when it
//!   is not `standard`. `context_window` `200k-1M` is long-context traffic. A result with no
//!   `model` (a report not grouped by model) is counted under [`NO_MODEL`].
//! - Load: a bucket's tokens are spread evenly over its minutes (`starting_at` to
//!   `ending_at`); see [`super::load`] for why the peak of hourly or daily buckets is a lower
//!   bound, which the notes then say.
//! - Several pages may follow one another in one file (as a loop over `next_page` appending
//!   responses writes them). If the last page says `has_more`, a note says pages are
//!   missing.
//! - Unknown keys are ignored (the API adds dimensions over time), but an unknown key of a
//!   result that looks like a token count is named in the notes.
//! - A bad value in a result (a negative or fractional count, a string, an unknown context
//!   window) makes that result a bad row; a bad bucket time makes all of its results bad
//!   rows. Broken JSON stops reading even with `skip_bad_rows`: there is no next row to
//!   resume at.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::json_values::{CountSeed, Key, KeySeed, ObjectSeed, SeenKeys, StrSeed, TimeSeed};

use super::accumulate::{Accumulator, Row, Unmergeable};
use super::json_pages::{Base, Buffered, Page, PageError, Pages};
use super::line_counter::{LineCounter, Position};
use super::model_cache::Slot;
use super::report_page::{self, Bucket, Outcome, Stop, Sums};
use super::tokens::{Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::limits;

/// The `unknown_models` key of results without a model.
pub const NO_MODEL: &str = "(no model: group the usage report by model)";

/// Distinct non-standard service tiers named one by one in the notes.
const MAX_TIER_NAMES: usize = 16;

/// Reads one or more usage-report pages. `file_name` is used in diagnostics;
/// `known_models` are the catalogue's model ids. Without `skip_bad_rows` the first bad
/// result is the error.
pub fn read_usage_report<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    read_pages(
        reader,
        file_name,
        known_models,
        skip_bad_rows,
        limits::MAX_USAGE_JSON_PAGE_BYTES,
        Mode::Hand,
    )
}

/// Which reader reads a plain page (the tests compare all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
enum Mode {
    /// [`report_page`], handing over to serde from its slice when unsure.
    Hand,
    /// serde from the page's slice.
    Slice,
    /// serde through an `io::Read` counting lines, for every page.
    Counted,
}

/// A read error at `base`, wherever in the page loop it surfaced.
fn unreadable(core: &Core<'_>, error: &std::io::Error, base: Base) -> Diagnostic {
    core.acc
        .error(
            Code::UsageUnreadable,
            base.line,
            base.column + 1,
            None,
            format!("cannot read the file: {error}"),
        )
        .with_help("check that the file is readable")
}

/// The reader. A plain page (see [`Page::plain`]) is read by [`report_page`]; where it
/// hands over, serde parses the rest from the page's slice, and positions come from where
/// its keys lie in it. Any other page, and a page that turns out broken, is parsed through
/// an `io::Read` counting lines and columns byte by byte: slow, but exact for escaped keys,
/// empty objects and broken JSON.
fn read_pages<R: Read>(
    reader: R,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
    max_page: usize,
    mode: Mode,
) -> Result<UsageTotals, Diagnostic> {
    read_core(
        reader,
        file_name,
        known_models,
        skip_bad_rows,
        max_page,
        mode,
    )
    .map(finish)
}

/// What reading the pages left, before the notes that wait for the end of the file.
fn read_core<'k, R: Read>(
    reader: R,
    file_name: &str,
    known_models: &'k [&'k str],
    skip_bad_rows: bool,
    max_page: usize,
    mode: Mode,
) -> Result<Core<'k>, Diagnostic> {
    let mut pages = Pages::new(reader, max_page);
    let mut core = Core::new(Accumulator::new(file_name, known_models, skip_bad_rows));
    loop {
        let mut added_buckets = 0;
        let mut stop = None;
        if mode == Mode::Hand {
            let (back, hand) = read_by_hand(&mut pages, core, max_page);
            core = back;
            match hand {
                Ok(Hand::Page) => {
                    core.page += 1;
                    continue;
                }
                Ok(Hand::Unsure(added)) => added_buckets = added,
                Ok(Hand::Stop(diagnostic)) => stop = Some(diagnostic),
                Err(PageError::Io { error, base }) => return Err(unreadable(&core, &error, base)),
                // Not made by `read_by_hand`; the scanner says it below.
                Err(PageError::TooLarge { .. }) => {}
            }
        }
        let page = match pages.next_page(core.page == 0) {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(PageError::Io { error, base }) => return Err(unreadable(&core, &error, base)),
            Err(PageError::TooLarge { base, max }) => {
                return Err(core
                    .acc
                    .error(
                        Code::LimitJsonPage,
                        base.line,
                        base.column + 1,
                        None,
                        format!(
                            "page {} of the usage report (one top-level JSON value) is larger \
                             than {} MiB; routewise holds one page at a time",
                            core.page + 1,
                            max >> 20
                        ),
                    )
                    .with_help(
                        "fetch the report in smaller pages (the API's limit parameter) and \
                         append them one after another",
                    ));
            }
        };
        // A stop found by hand is said once the page is known whole: a page too large or
        // unreadable is said first, as the scanner would.
        if let Some(stop) = stop {
            return Err(stop);
        }
        let unfinished = page.unfinished;
        if mode != Mode::Counted && page.plain && !unfinished {
            let mut state = State::new(core, Positions::slice(&page));
            state.added_buckets = added_buckets;
            let parsed = PageSeed(&mut state)
                .deserialize(&mut serde_json::Deserializer::from_slice(page.bytes));
            if parsed.is_err() {
                if let Some(stop) = state.stop.take() {
                    return Err(stop);
                }
                // Parse the page again, counting lines, for the error's exact position.
                let mut exact = Core::new(Accumulator::new(file_name, known_models, skip_bad_rows));
                exact.page = state.core.page;
                return Err(read_counted(exact, &page, added_buckets)
                    .err()
                    .unwrap_or_else(|| {
                        state.core.acc.error(
                            Code::UsageNotAReport,
                            page.base.line,
                            page.base.column + 1,
                            None,
                            "this is not valid usage-report JSON".to_owned(),
                        )
                    }));
            }
            core = state.core;
        } else {
            core = read_counted(core, &page, added_buckets)?;
        }
        core.page += 1;
        if unfinished {
            break;
        }
    }
    Ok(core)
}

/// How [`read_by_hand`] left a page.
enum Hand {
    /// Read whole and added.
    Page,
    /// Left to the serde reader from this bucket on (0: the whole page).
    Unsure(usize),
    /// Reading stops with this diagnostic.
    Stop(Diagnostic),
}

/// Reads the next page with [`report_page`], straight from what is buffered, reading on
/// as it needs (with no scan for the page's end first).
fn read_by_hand<'k, R: Read>(
    pages: &mut Pages<R>,
    mut core: Core<'k>,
    max_page: usize,
) -> (Core<'k>, Result<Hand, PageError>) {
    let mut progress = report_page::Progress::default();
    loop {
        let Buffered {
            bytes,
            base,
            complete,
        } = match pages.buffered() {
            Ok(Some(buffered)) => buffered,
            Ok(None) => return (core, Ok(Hand::Unsure(0))),
            Err(error) => return (core, Err(error)),
        };
        let len = bytes.len();
        let page = Page {
            bytes,
            base,
            plain: true,
            unfinished: false,
        };
        let mut state = State::new(core, Positions::slice(&page));
        let outcome = report_page::read_page(bytes, complete, &mut progress, &mut state);
        let stop = state.stop.take();
        core = state.core;
        let hand = match outcome {
            // The scanner refuses it, before any stop in it.
            Outcome::Done(len) if len > max_page => Hand::Unsure(progress.added),
            Outcome::Done(len) => {
                pages.consume(len);
                Hand::Page
            }
            Outcome::Handover { buckets } => Hand::Unsure(buckets),
            Outcome::Stopped => match stop {
                Some(stop) => Hand::Stop(stop),
                None => Hand::Unsure(progress.added),
            },
            Outcome::More if len > max_page => Hand::Unsure(progress.added),
            Outcome::More => {
                // At least double what is read past the place to go on from, so that
                // reading again from there costs no more than the page.
                let want = len + (len - progress.at).max(super::json_pages::CHUNK);
                if let Err(error) = pages.read_more(want.min(max_page.saturating_add(1))) {
                    return (core, Err(error));
                }
                continue;
            }
        };
        return (core, Ok(hand));
    }
}

/// The totals, with the notes that wait for the end of the file.
fn finish(core: Core<'_>) -> UsageTotals {
    let mut acc = core.acc;
    if core.has_more == Some(true) {
        acc.note(
            "the last page of the usage report says has_more: later pages are not in this \
             file; append them (the next_page token fetches the next one)"
                .to_owned(),
        );
    }
    for (tier, rows) in core.tiers {
        if rows > 0 {
            acc.note(format!(
                "{rows} results in service tier `{tier}` are counted as standard traffic"
            ));
        }
    }
    acc.finish()
}

/// The whole pages of one piece of a usage report, read on their own to be added to the
/// pieces before them (`report_chunks.rs` reads a large file in pieces this way).
pub struct ReportPiece<'k>(Core<'k>);

/// Reads one piece of a usage report: whole pages, as [`read_usage_report`] reads a file.
pub fn read_report_piece<'k, R: Read>(
    reader: R,
    file_name: &str,
    known_models: &'k [&'k str],
    skip_bad_rows: bool,
) -> Result<ReportPiece<'k>, Diagnostic> {
    read_core(
        reader,
        file_name,
        known_models,
        skip_bad_rows,
        limits::MAX_USAGE_JSON_PAGE_BYTES,
        Mode::Hand,
    )
    .map(ReportPiece)
}

impl<'k> ReportPiece<'k> {
    /// Whether anything was refused (with `--skip-bad-rows`): the diagnostics name lines
    /// and pages counted from the piece's start.
    pub fn skipped_any(&self) -> bool {
        self.0.acc.skipped_any()
    }

    /// Adds the piece that follows this one in the file, so that the result is what reading
    /// both in one go gives; see [`Unmergeable`] for when it cannot be, and also when a
    /// service tier name may have been cut short or the bound on tier names is reached
    /// (one reading lumps the rest together). On an error `self` must be dropped.
    pub fn merge(&mut self, later: ReportPiece<'k>) -> Result<(), Unmergeable> {
        let (mine, theirs) = (&mut self.0, later.0);
        let cut_short =
            |tiers: &[(String, u64)]| tiers.iter().any(|(t, _)| t.chars().count() >= 40);
        if cut_short(&mine.tiers) || cut_short(&theirs.tiers) {
            return Err(Unmergeable);
        }
        for (name, rows) in theirs.tiers {
            match mine.tiers.iter_mut().find(|(t, _)| *t == name) {
                Some((_, mine)) => *mine = mine.checked_add(rows).ok_or(Unmergeable)?,
                None => mine.tiers.push((name, rows)),
            }
        }
        if mine.tiers.len() >= MAX_TIER_NAMES {
            return Err(Unmergeable);
        }
        // The bucket-width notes are the widths in order of first appearance either way
        // (a note given again is dropped).
        if theirs.has_more.is_some() {
            mine.has_more = theirs.has_more;
        }
        mine.page = mine.page.saturating_add(theirs.page);
        mine.acc.merge(theirs.acc)
    }

    /// The totals, with the notes that wait for the end of the file.
    pub fn finish(self) -> UsageTotals {
        finish(self.0)
    }
}

/// Parses one page counting lines and columns, from its bucket `added_buckets` on.
fn read_counted<'k>(
    core: Core<'k>,
    page: &Page<'_>,
    added_buckets: usize,
) -> Result<Core<'k>, Diagnostic> {
    let (counter, at) = LineCounter::new(page.bytes);
    let mut state = State::new(
        core,
        Positions::Counted {
            at,
            base: page.base,
        },
    );
    state.added_buckets = added_buckets;
    let mut json = serde_json::Deserializer::from_reader(counter);
    if let Err(error) = PageSeed(&mut state).deserialize(&mut json) {
        return Err(state.fail(error));
    }
    Ok(state.core)
}

/// Everything the visitors share that lasts from page to page.
struct Core<'k> {
    acc: Accumulator<'k>,
    page: usize,
    /// The current bucket's results, summed per model and tier.
    pending: Sums,
    /// The bucket width last named in the notes (each width is named once).
    noted_width: u64,
    /// The `has_more` of the last page that has one (`null` is false).
    has_more: Option<bool>,
    /// Non-standard service tiers seen, with the rows accepted in each.
    tiers: Vec<(String, u64)>,
}

impl<'k> Core<'k> {
    fn new(acc: Accumulator<'k>) -> Self {
        Self {
            acc,
            page: 0,
            pending: Sums::default(),
            noted_width: 1,
            has_more: None,
            tiers: Vec::new(),
        }
    }
}

/// Where something is in the page being read, resolved to a line and column only when a
/// diagnostic needs one.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// A line and column counted from the page's start.
    At(Position),
    /// A byte offset in the page, when it is parsed from its slice.
    Offset(usize),
}

/// How positions are found in the page being read.
enum Positions<'p> {
    Counted {
        at: Rc<Cell<Position>>,
        base: Base,
    },
    Slice {
        bytes: &'p [u8],
        base: Base,
        /// The last offset resolved, its line (from the page's start) and the offset its
        /// line starts at: resolving goes on from there.
        last: Cell<(usize, u64, usize)>,
    },
}

impl<'p> Positions<'p> {
    fn slice(page: &Page<'p>) -> Self {
        Positions::Slice {
            bytes: page.bytes,
            base: page.base,
            last: Cell::new((0, 1, 0)),
        }
    }

    /// Where the parser is now, when that is known without a key.
    fn here(&self) -> Option<Mark> {
        match self {
            Positions::Counted { at, .. } => Some(Mark::At(at.get())),
            Positions::Slice { .. } => None,
        }
    }

    /// Where the key just read ends (its closing quote).
    fn after_key(&self, key: &Placed) -> Mark {
        match self {
            Positions::Counted { at, .. } => Mark::At(at.get()),
            Positions::Slice { bytes, .. } => {
                Mark::Offset(key.offset(bytes).map_or(0, |(start, len)| start + len))
            }
        }
    }

    /// Where the object whose first key is `key` opens (its `{`).
    fn before_key(&self, key: &Placed) -> Mark {
        let Positions::Slice { bytes, .. } = self else {
            return self.after_key(key);
        };
        let Some((start, _)) = key.offset(bytes) else {
            return Mark::Offset(0);
        };
        // `start` is the key's first byte; before it its quote, whitespace and the `{`.
        let open = bytes[..start.saturating_sub(1)]
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(0);
        Mark::Offset(open)
    }

    /// The file's line and column of a mark.
    fn resolve(&self, mark: Mark) -> (u64, u64) {
        let (base, line, column) = match (self, mark) {
            (Positions::Counted { base, .. }, Mark::At(p)) => (*base, p.line, p.column),
            (Positions::Slice { bytes, base, last }, Mark::Offset(o)) => {
                let (line, column) = locate(bytes, last, o);
                (*base, line, column)
            }
            (Positions::Counted { base, .. } | Positions::Slice { base, .. }, _) => (*base, 1, 0),
        };
        to_file(base, line, column)
    }

    fn base(&self) -> Base {
        match self {
            Positions::Counted { base, .. } | Positions::Slice { base, .. } => *base,
        }
    }
}

/// A line and column counted from a page's start, as a line and column of the file.
fn to_file(base: Base, line: u64, column: u64) -> (u64, u64) {
    if line <= 1 {
        (base.line, base.column + column)
    } else {
        (base.line + line - 1, column)
    }
}

/// The 1-based line and column of the byte at `offset`, going on from the last offset
/// resolved (marks mostly come in order, so a page is counted about once).
fn locate(bytes: &[u8], last: &Cell<(usize, u64, usize)>, offset: usize) -> (u64, u64) {
    let offset = offset.min(bytes.len());
    let (from, mut line, mut line_start) = last.get();
    if offset >= from {
        for (i, &b) in bytes[from..offset].iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = from + i + 1;
            }
        }
    } else if offset < line_start {
        line -= bytes[offset..line_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        line_start = bytes[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    }
    last.set((offset, line, line_start));
    (line, (offset - line_start + 1) as u64)
}

/// A key, and where it lies in the page when the parser lent it from there.
struct Placed {
    key: Key,
    /// The address of its first byte and its length.
    at: Option<(usize, usize)>,
}

impl Placed {
    /// The key's first byte and length as an offset in `bytes`, when it lies there.
    fn offset(&self, bytes: &[u8]) -> Option<(usize, usize)> {
        let (address, len) = self.at?;
        let start = address.checked_sub(bytes.as_ptr() as usize)?;
        (start + len <= bytes.len()).then_some((start, len))
    }
}

/// A key with its place: [`KeySeed`], plus the address of a key borrowed from the input.
struct PlacedKeySeed;

impl<'de> DeserializeSeed<'de> for PlacedKeySeed {
    type Value = Placed;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Placed, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for PlacedKeySeed {
    type Value = Placed;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Placed, E> {
        Ok(Placed {
            key: KeySeed.visit_str(key)?,
            at: Some((key.as_ptr() as usize, key.len())),
        })
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Placed, E> {
        Ok(Placed {
            key: KeySeed.visit_str(key)?,
            at: None,
        })
    }
}

/// Everything the visitors share while reading one page.
struct State<'k, 'p> {
    core: Core<'k>,
    positions: Positions<'p>,
    bucket: Option<usize>,
    result: Option<usize>,
    /// The diagnostic that stopped reading from inside a visitor.
    stop: Option<Diagnostic>,
    /// Buckets at the start of the page already added by [`report_page`].
    added_buckets: usize,
}

impl<'k, 'p> State<'k, 'p> {
    fn new(core: Core<'k>, positions: Positions<'p>) -> Self {
        Self {
            core,
            positions,
            bucket: None,
            result: None,
            stop: None,
            added_buckets: 0,
        }
    }

    fn path(&self, field: Option<&str>) -> Option<String> {
        let mut path = match (self.bucket, self.result) {
            (Some(b), Some(r)) => format!("data[{b}].results[{r}]"),
            (Some(b), None) => format!("data[{b}]"),
            _ => return field.map(str::to_owned),
        };
        if self.core.page > 0 {
            path = format!("page {}: {path}", self.core.page + 1);
        }
        if let Some(field) = field {
            path.push('.');
            path.push_str(field);
        }
        Some(path)
    }

    fn error_here(
        &self,
        code: Code,
        position: Mark,
        field: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let key = self.path(field);
        let (line, column) = self.positions.resolve(position);
        self.core
            .acc
            .error(code, line, column.max(1), key.as_deref(), message)
    }

    /// Reports a bad row; if reading must stop, keeps the diagnostic and returns the error
    /// that unwinds the visitors.
    fn bad_rows<E: de::Error>(&mut self, diagnostic: Diagnostic, count: u64) -> Result<(), E> {
        match self.core.acc.bad_rows(diagnostic, count) {
            Ok(()) => Ok(()),
            Err(stop) => {
                self.stop = Some(stop);
                Err(E::custom("stopped at a bad row"))
            }
        }
    }

    /// The diagnostic for an error that ended reading.
    fn fail(&mut self, error: serde_json::Error) -> Diagnostic {
        if let Some(stop) = self.stop.take() {
            return stop;
        }
        let text = error.to_string();
        let message = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(message, _)| message);
        let (line, column) = to_file(
            self.positions.base(),
            error.line() as u64,
            error.column() as u64,
        );
        let nothing_read = self.core.page == 0 && self.bucket.is_none();
        let (code, message, help) = match error.classify() {
            serde_json::error::Category::Eof if nothing_read && column == 0 => (
                Code::UsageEmpty,
                "the file is empty".to_owned(),
                USAGE_REPORT_HELP,
            ),
            serde_json::error::Category::Eof => (
                Code::UsageNotAReport,
                format!("the file ends early ({message})"),
                "the file was cut off; download the usage report again",
            ),
            serde_json::error::Category::Io => (
                Code::UsageUnreadable,
                format!("cannot read the file: {message}"),
                "check that the file is readable",
            ),
            _ => (
                Code::UsageNotAReport,
                format!("this is not valid usage-report JSON: {message}"),
                USAGE_REPORT_HELP,
            ),
        };
        let key = self.path(None);
        self.core
            .acc
            .error(code, line.max(1), column.max(1), key.as_deref(), message)
            .with_help(help)
    }
}

const USAGE_REPORT_HELP: &str = "expected the JSON of the Admin API messages usage report: \
     {\"data\": [{\"starting_at\": …, \"ending_at\": …, \"results\": [ … ]}], \"has_more\": …}";

/// One page: `{ "data": […], "has_more": …, "next_page": … }`.
struct PageSeed<'s, 'k, 'p>(&'s mut State<'k, 'p>);

impl<'de> DeserializeSeed<'de> for PageSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a usage report page (an object with a `data` array)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut saw_data = false;
        let mut seen = SeenKeys::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.check(&key)?;
            match key.as_str() {
                "data" => {
                    saw_data = true;
                    map.next_value_seed(BucketsSeed(&mut *state))?;
                    state.bucket = None;
                }
                "has_more" => {
                    state.core.has_more = Some(map.next_value::<Option<bool>>()?.unwrap_or(false))
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_data {
            return Err(de::Error::custom(
                "a usage report page has a `data` array of buckets, and this object has none",
            ));
        }
        Ok(())
    }
}

/// `data`: the buckets.
struct BucketsSeed<'s, 'k, 'p>(&'s mut State<'k, 'p>);

impl<'de> DeserializeSeed<'de> for BucketsSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BucketsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of time buckets")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut index = 0;
        loop {
            state.bucket = Some(index);
            state.result = None;
            let more = if index < state.added_buckets {
                seq.next_element::<IgnoredAny>()?.is_some()
            } else {
                seq.next_element_seed(BucketSeed(&mut *state))?.is_some()
            };
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }
}

/// One time bucket: its times and its results.
struct BucketSeed<'s, 'k, 'p>(&'s mut State<'k, 'p>);

impl<'de> DeserializeSeed<'de> for BucketSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BucketSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a time bucket (an object with starting_at, ending_at and results)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        state.core.pending.clear();
        let mut start_position = state.positions.here();
        let mut start = None;
        let mut end = None;
        let mut seen = SeenKeys::default();
        while let Some(placed) = map.next_key_seed(PlacedKeySeed)? {
            seen.check(&placed.key)?;
            let position = state.positions.after_key(&placed);
            if start_position.is_none() {
                start_position = Some(state.positions.before_key(&placed));
            }
            match placed.key.as_str() {
                "starting_at" => start = Some((map.next_value_seed(TimeSeed)?, position)),
                "ending_at" => end = Some((map.next_value_seed(TimeSeed)?, position)),
                "results" => {
                    map.next_value_seed(ResultsSeed(&mut *state))?;
                    state.result = None;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let start_position = start_position.unwrap_or(Mark::Offset(0));
        let rows: u64 = state.core.pending.values().map(|p| p.rows).sum();
        let (minute, minutes) = match bucket_time(start, end) {
            Ok(time) => time,
            Err((position, field, message)) => {
                let position = position.unwrap_or(start_position);
                let message = if rows > 0 {
                    format!("{message}; the bucket's {rows} results are not counted")
                } else {
                    message
                };
                let diagnostic =
                    state.error_here(Code::UsageInvalidBucket, position, Some(field), message);
                return state.bad_rows(diagnostic, rows);
            }
        };
        let mut pending = std::mem::take(&mut state.core.pending);
        let added = state.close_bucket(minute, minutes, start_position, &mut pending);
        state.core.pending = pending;
        added.map_err(|Stop| de::Error::custom("stopped at a bad row"))
    }
}

impl State<'_, '_> {
    /// Adds a bucket's sums (drained) in a fixed order, which makes the load profile and
    /// any overflow report reproducible. Both readers end a bucket here.
    fn close_bucket(
        &mut self,
        minute: u64,
        minutes: u64,
        start_position: Mark,
        sums: &mut Sums,
    ) -> Result<(), Stop> {
        if minutes > 1 && minutes != self.core.noted_width {
            self.core.noted_width = minutes;
            self.core.acc.note(format!(
                "the usage report's buckets are {} wide: each bucket's tokens are spread \
                 evenly over its minutes, so the peak tokens per minute is a lower bound \
                 (use bucket_width=1m for the real peak)",
                width_name(minutes)
            ));
        }
        let mut pending: Vec<_> = sums.drain().collect();
        pending.sort_unstable_by_key(|((slot, tier), _)| (slot_order(*slot), *tier as u8));
        for ((slot, tier), sum) in pending {
            let row = Row {
                minute,
                bucket_minutes: minutes,
                tier,
                tokens: sum.tokens,
                web_search_requests: sum.web_search_requests,
            };
            if let Err(message) = self.core.acc.add(slot, &row, sum.rows) {
                let diagnostic = self.error_here(
                    Code::UsageOverflow,
                    start_position,
                    None,
                    message.to_owned(),
                );
                if let Err(stop) = self.core.acc.bad_rows(diagnostic, sum.rows) {
                    self.stop = Some(stop);
                    return Err(Stop);
                }
            }
        }
        Ok(())
    }
}

impl report_page::Sink for State<'_, '_> {
    fn model(&mut self, raw: &[u8]) -> Slot {
        self.core.acc.models.slot(raw)
    }
    fn no_model(&mut self) -> Slot {
        self.core.acc.models.slot(NO_MODEL.as_bytes())
    }
    fn tier(&mut self, name: &str) -> usize {
        tier_slot(&mut self.core.tiers, name)
    }
    fn has_more(&mut self, more: bool) {
        self.core.has_more = Some(more);
    }
    fn bucket(&mut self, bucket: Bucket<'_>) -> Result<(), Stop> {
        self.bucket = Some(bucket.index);
        for &(i, rows) in bucket.tier_rows {
            if let Some((_, count)) = self.core.tiers.get_mut(i) {
                *count += rows;
            }
        }
        self.close_bucket(
            bucket.minute,
            bucket.minutes,
            Mark::Offset(bucket.open),
            bucket.sums,
        )
    }
}

fn slot_order(slot: Slot) -> (u8, usize) {
    match slot {
        Slot::Known(i) => (0, i),
        Slot::Unknown(i) => (1, i),
    }
}

fn width_name(minutes: u64) -> String {
    match minutes {
        60 => "1 hour".to_owned(),
        1440 => "1 day".to_owned(),
        m => format!("{m} minutes"),
    }
}

type TimeField = Option<(Result<u64, String>, Mark)>;

/// The bucket's first minute and its width in minutes, or where and why not.
fn bucket_time(
    start: TimeField,
    end: TimeField,
) -> Result<(u64, u64), (Option<Mark>, &'static str, String)> {
    let (start, start_at) = start.ok_or((
        None,
        "starting_at",
        "the bucket has no starting_at".to_owned(),
    ))?;
    let start = start.map_err(|why| {
        (
            Some(start_at),
            "starting_at",
            format!("`starting_at` {why}"),
        )
    })?;
    let (end, end_at) = end.ok_or((None, "ending_at", "the bucket has no ending_at".to_owned()))?;
    let end = end.map_err(|why| (Some(end_at), "ending_at", format!("`ending_at` {why}")))?;
    if end <= start {
        return Err((
            Some(end_at),
            "ending_at",
            "`ending_at` is not at least a minute after `starting_at`".to_owned(),
        ));
    }
    Ok((start, end - start))
}

/// `results`: the bucket's result objects (`null` is no results).
struct ResultsSeed<'s, 'k, 'p>(&'s mut State<'k, 'p>);

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of usage results")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut index = 0;
        loop {
            state.result = Some(index);
            if seq.next_element_seed(ResultSeed(&mut *state))?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
}

/// A value of a result that could not be used, and why.
struct Bad {
    field: &'static str,
    position: Mark,
    message: String,
}

/// One result object: a row.
struct ResultSeed<'s, 'k, 'p>(&'s mut State<'k, 'p>);

impl<'de> DeserializeSeed<'de> for ResultSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a usage result object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        let mut start = state.positions.here();
        let mut slot = None;
        let mut batch = false;
        let mut long_context = false;
        let mut tier_index = None;
        let mut tokens = TokenBreakdown::default();
        let mut web_search_requests = 0;
        let mut saw_input = false;
        let mut saw_output = false;
        let mut bad: Option<Bad> = None;
        let mut seen = SeenKeys::default();
        while let Some(Placed { key, at }) = map.next_key_seed(PlacedKeySeed)? {
            seen.check(&key)?;
            let placed = Placed {
                key: Key::Other,
                at,
            };
            let position = state.positions.after_key(&placed);
            if start.is_none() {
                start = Some(state.positions.before_key(&placed));
            }
            let mut problem = |field: &'static str, message: String| {
                if bad.is_none() {
                    bad = Some(Bad {
                        field,
                        position,
                        message,
                    });
                }
            };
            match key {
                Key::Known("model") => {
                    let models = &mut state.core.acc.models;
                    match map.next_value_seed(StrSeed(|text: &str| models.slot(text.as_bytes())))? {
                        Ok(found) => slot = found,
                        Err(why) => problem("model", format!("`model` {why}")),
                    }
                }
                Key::Known("service_tier") => {
                    let tiers = &mut state.core.tiers;
                    let tier = map.next_value_seed(StrSeed(|text: &str| match text {
                        "standard" => ServiceTier::Standard,
                        "batch" => ServiceTier::Batch,
                        other => ServiceTier::Other(tier_slot(tiers, other)),
                    }))?;
                    match tier {
                        Ok(None | Some(ServiceTier::Standard)) => {}
                        Ok(Some(ServiceTier::Batch)) => batch = true,
                        Ok(Some(ServiceTier::Other(i))) => tier_index = Some(i),
                        Err(why) => problem("service_tier", format!("`service_tier` {why}")),
                    }
                }
                Key::Known("context_window") => {
                    let window = map.next_value_seed(StrSeed(|text: &str| {
                        if text.eq_ignore_ascii_case("0-200k") {
                            Ok(false)
                        } else if text.eq_ignore_ascii_case("200k-1M") {
                            Ok(true)
                        } else {
                            let shown: String = text.chars().take(40).collect();
                            Err(format!(
                                "`context_window` value `{shown}` is not 0-200k or 200k-1M"
                            ))
                        }
                    }))?;
                    match window {
                        Ok(None) => {}
                        Ok(Some(Ok(long))) => long_context = long,
                        Ok(Some(Err(message))) => problem("context_window", message),
                        Err(why) => problem("context_window", format!("`context_window` {why}")),
                    }
                }
                Key::Known(
                    name @ ("uncached_input_tokens" | "output_tokens" | "cache_read_input_tokens"),
                ) => match map.next_value_seed(CountSeed)? {
                    Ok(n) => {
                        let n = n.unwrap_or(0);
                        match name {
                            "uncached_input_tokens" => (tokens.input, saw_input) = (n, true),
                            "output_tokens" => (tokens.output, saw_output) = (n, true),
                            _ => tokens.cache_read = n,
                        }
                    }
                    Err(why) => problem(name, format!("`{name}` {why}")),
                },
                Key::Known("cache_creation") => {
                    match map.next_value_seed(ObjectSeed(&[
                        "ephemeral_5m_input_tokens",
                        "ephemeral_1h_input_tokens",
                    ]))? {
                        Ok(counted) => {
                            tokens.cache_write_5m = counted.values[0];
                            tokens.cache_write_1h = counted.values[1];
                            if let Some(name) = counted.unread {
                                state.core.acc.note(format!(
                                    "key `cache_creation.{name}` of the usage report's results is not read"
                                ));
                            }
                        }
                        Err(why) => problem("cache_creation", format!("`cache_creation` {why}")),
                    }
                }
                Key::Known("server_tool_use") => {
                    match map.next_value_seed(ObjectSeed(&["web_search_requests"]))? {
                        Ok(counted) => {
                            web_search_requests = counted.values[0];
                            if let Some(name) = counted.unread {
                                state.core.acc.note(format!(
                                    "key `server_tool_use.{name}` of the usage report's results is not read"
                                ));
                            }
                        }
                        Err(why) => problem("server_tool_use", format!("`server_tool_use` {why}")),
                    }
                }
                Key::OtherCount(name) => {
                    map.next_value::<IgnoredAny>()?;
                    state.core.acc.note(format!(
                        "key `{name}` of the usage report's results is not read"
                    ));
                }
                Key::Known(_) | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let start = start.unwrap_or(Mark::Offset(0));
        if bad.is_none() && !(saw_input && saw_output) {
            let missing = if saw_input {
                "output_tokens"
            } else {
                "uncached_input_tokens"
            };
            bad = Some(Bad {
                field: missing,
                position: start,
                message: format!("the result has no `{missing}`"),
            });
        }
        if let Some(bad) = bad {
            let diagnostic = state.error_here(
                Code::UsageInvalidValue,
                bad.position,
                Some(bad.field),
                bad.message,
            );
            return state.bad_row(diagnostic);
        }
        let slot = slot.unwrap_or_else(|| state.core.acc.models.slot(NO_MODEL.as_bytes()));
        let tier = Tier::new(batch, long_context);
        let entry = state.core.pending.entry((slot, tier)).or_default();
        match entry.plus(&tokens, web_search_requests) {
            Some(sum) => {
                *entry = sum;
                if let Some(i) = tier_index
                    && let Some((_, rows)) = state.core.tiers.get_mut(i)
                {
                    *rows += 1;
                }
                Ok(())
            }
            None => {
                let diagnostic = state.error_here(
                    Code::UsageOverflow,
                    start,
                    None,
                    super::accumulate::OVERFLOW.to_owned(),
                );
                state.bad_row(diagnostic)
            }
        }
    }
}

impl State<'_, '_> {
    fn bad_row<E: de::Error>(&mut self, diagnostic: Diagnostic) -> Result<(), E> {
        self.bad_rows(diagnostic, 1)
    }
}

/// A result's service tier; `Other` indexes the non-standard tiers named in the notes.
enum ServiceTier {
    Standard,
    Batch,
    Other(usize),
}

/// The index of a non-standard service tier in the notes' list (the last one stands for
/// every tier past the bound).
fn tier_slot(tiers: &mut Vec<(String, u64)>, name: &str) -> usize {
    if let Some(i) = tiers.iter().position(|(t, _)| t == name) {
        return i;
    }
    if tiers.len() < MAX_TIER_NAMES {
        tiers.push((name.chars().take(40).collect(), 0));
        return tiers.len() - 1;
    }
    tiers.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-5"];

    fn read(text: &str, skip: bool) -> Result<UsageTotals, Diagnostic> {
        let fast = read_usage_report(text.as_bytes(), "report.json", KNOWN, skip);
        // Every test also checks that the fast paths agree with counting every byte.
        assert_eq!(fast, counted(text, skip, usize::MAX), "{text}");
        assert_eq!(fast, sliced(text, skip), "{text}");
        for size in [1, 5, 64] {
            assert_eq!(fast, dribbled(text, skip, size), "reads of {size}: {text}");
        }
        fast
    }

    /// The reader handed `size` bytes a read, so that the hand-written reader runs out of
    /// bytes mid-page and reads on.
    fn dribbled(text: &str, skip: bool, size: usize) -> Result<UsageTotals, Diagnostic> {
        struct Dribble<'a>(&'a [u8], usize);
        impl Read for Dribble<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let reader = Dribble(text.as_bytes(), size);
        read_pages(reader, "report.json", KNOWN, skip, usize::MAX, Mode::Hand)
    }

    /// Every plain page parsed by serde from its slice, without the hand-written reader.
    fn sliced(text: &str, skip: bool) -> Result<UsageTotals, Diagnostic> {
        read_pages(
            text.as_bytes(),
            "report.json",
            KNOWN,
            skip,
            usize::MAX,
            Mode::Slice,
        )
    }

    /// Every page parsed through the byte-counting reader.
    fn counted(text: &str, skip: bool, max: usize) -> Result<UsageTotals, Diagnostic> {
        read_pages(
            text.as_bytes(),
            "report.json",
            KNOWN,
            skip,
            max,
            Mode::Counted,
        )
    }

    /// The reader before pages were split: serde_json over an `io::Read` of the whole
    /// file, counting every byte. Split pages must give exactly what it gives.
    fn whole_stream(text: &str, skip: bool) -> Result<UsageTotals, Diagnostic> {
        let mut core = Core::new(Accumulator::new("report.json", KNOWN, skip));
        let (counter, at) = LineCounter::new(text.as_bytes());
        let mut json = serde_json::Deserializer::from_reader(counter);
        let base = Base { line: 1, column: 0 };
        loop {
            let at = Rc::clone(&at);
            let mut state = State::new(core, Positions::Counted { at, base });
            if let Err(error) = PageSeed(&mut state).deserialize(&mut json) {
                return Err(state.fail(error));
            }
            core = state.core;
            core.page += 1;
            if json.end().is_ok() {
                return Ok(finish(core));
            }
        }
    }

    const PAGE: &str = r#"{
  "data": [
    {
      "starting_at": "2026-10-01T00:00:00Z",
      "ending_at": "2026-10-01T01:00:00Z",
      "results": [
        {
          "model": "claude-sonnet-4-5-20250929",
          "service_tier": "standard",
          "context_window": "0-200k",
          "workspace_id": null,
          "uncached_input_tokens": 6000,
          "cache_read_input_tokens": 1200,
          "cache_creation": { "ephemeral_5m_input_tokens": 600, "ephemeral_1h_input_tokens": 60 },
          "output_tokens": 1200,
          "server_tool_use": { "web_search_requests": 3 }
        },
        {
          "model": "claude-sonnet-4-5-20250929",
          "service_tier": "batch",
          "context_window": "200k-1M",
          "uncached_input_tokens": 300000,
          "cache_read_input_tokens": 0,
          "cache_creation": null,
          "output_tokens": 600,
          "server_tool_use": null
        }
      ]
    },
    {
      "starting_at": "2026-10-01T01:00:00Z",
      "ending_at": "2026-10-01T02:00:00Z",
      "results": [
        {
          "model": null,
          "service_tier": "priority",
          "context_window": null,
          "uncached_input_tokens": 60,
          "cache_read_input_tokens": 0,
          "cache_creation": { "ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0 },
          "output_tokens": 0,
          "server_tool_use": { "web_search_requests": 0 }
        }
      ]
    }
  ],
  "has_more": false,
  "next_page": null
}"#;

    #[test]
    fn results_sum_per_model_tier_and_context_window() {
        let totals = read(PAGE, false).unwrap();
        assert_eq!(totals.rows, 3);
        let sonnet = &totals.by_model["claude-sonnet-4-5"];
        assert_eq!(sonnet.rows, 2);
        assert_eq!(
            sonnet.standard,
            TokenBreakdown {
                input: 6000,
                output: 1200,
                cache_read: 1200,
                cache_write_5m: 600,
                cache_write_1h: 60,
            }
        );
        assert_eq!(sonnet.batch_long_context.input, 300_000);
        assert_eq!(sonnet.batch_long_context.output, 600);
        assert_eq!(sonnet.web_search_requests, 3);
        assert_eq!(totals.unknown_models[NO_MODEL], 1);
        // Hour buckets spread evenly: (9060 + 300600) / 60 = 5161 a minute, then 1.
        assert_eq!(totals.load.minutes(), 120);
        assert_eq!(totals.load.peak_tokens_per_minute(), 5161);
        assert_eq!(totals.load.widest_bucket_minutes(), 60);
        assert_eq!(totals.load.total_tokens(), 309_720);
        assert_eq!(
            totals.notes,
            [
                "the usage report's buckets are 1 hour wide: each bucket's tokens are spread \
                 evenly over its minutes, so the peak tokens per minute is a lower bound \
                 (use bucket_width=1m for the real peak)",
                "1 results in service tier `priority` are counted as standard traffic",
            ]
        );
    }

    #[test]
    fn key_order_and_several_pages_do_not_matter() {
        let reordered = r#"{"has_more": false, "data": [
            {"results": [{"output_tokens": 5, "uncached_input_tokens": 7, "model": "claude-haiku-4-5"}],
             "ending_at": "2026-10-01T00:01:00Z", "starting_at": "2026-10-01T00:00:00Z"}]}"#;
        let totals = read(reordered, false).unwrap();
        assert_eq!(totals.by_model["claude-haiku-4-5"].standard.input, 7);
        assert_eq!(totals.load.per_minute().collect::<Vec<_>>(), [12]);
        assert!(totals.notes.is_empty());
        let two_pages = format!("{PAGE}\n{reordered}\n");
        let both = read(&two_pages, false).unwrap();
        let mut merged = read(PAGE, false).unwrap();
        merged.merge(&totals).unwrap();
        assert_eq!(both, merged);
    }

    #[test]
    fn a_last_page_with_more_to_come_is_noted() {
        let totals = read(
            r#"{"data": [], "has_more": true, "next_page": "page_x"}"#,
            false,
        )
        .unwrap();
        assert_eq!(totals.rows, 0);
        assert!(totals.notes[0].contains("has_more"), "{:?}", totals.notes);
    }

    #[test]
    fn a_bad_result_names_its_line_and_path() {
        let text = PAGE.replace("\"output_tokens\": 600", "\"output_tokens\": -600");
        let d = read(&text, false).unwrap_err();
        assert_eq!(d.file, "report.json");
        assert_eq!(d.line, 25);
        assert_eq!(d.key.as_deref(), Some("data[0].results[1].output_tokens"));
        assert_eq!(
            d.message,
            "`output_tokens` value `-600` is negative; token counts cannot be negative"
        );
        let totals = read(&text, true).unwrap();
        assert_eq!((totals.rows, totals.skipped_rows), (2, 1));
        assert_eq!(totals.skipped[0].line, 25);
        assert_eq!(totals.by_model["claude-sonnet-4-5"].rows, 1);
    }

    #[test]
    fn bad_values_of_every_kind_are_bad_rows() {
        for (result, key, needle) in [
            (
                r#"{"uncached_input_tokens": 1.5, "output_tokens": 1}"#,
                "uncached_input_tokens",
                "whole",
            ),
            (
                r#"{"uncached_input_tokens": "1", "output_tokens": 1}"#,
                "uncached_input_tokens",
                "string",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": 100000000000000000000}"#,
                "output_tokens",
                "too large",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": {"a": [1]}}"#,
                "output_tokens",
                "not a number",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": 1, "context_window": "1M"}"#,
                "context_window",
                "not 0-200k",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": 1, "model": 7}"#,
                "model",
                "not a string",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": 1, "cache_creation": {"ephemeral_5m_input_tokens": -1}}"#,
                "cache_creation",
                "negative",
            ),
            (
                r#"{"uncached_input_tokens": 1, "output_tokens": 1, "server_tool_use": 3}"#,
                "server_tool_use",
                "not an object",
            ),
            (
                r#"{"uncached_input_tokens": 1}"#,
                "output_tokens",
                "no `output_tokens`",
            ),
        ] {
            let text = format!(
                r#"{{"data": [{{"starting_at": "2026-10-01T00:00:00Z", "ending_at": "2026-10-01T00:01:00Z", "results": [{result}]}}]}}"#
            );
            let d = read(&text, false).unwrap_err();
            assert_eq!(
                d.key.as_deref(),
                Some(format!("data[0].results[0].{key}").as_str()),
                "{result}"
            );
            assert!(d.message.contains(needle), "{result}: {}", d.message);
            let totals = read(&text, true).unwrap();
            assert_eq!((totals.rows, totals.skipped_rows), (0, 1), "{result}");
        }
    }

    #[test]
    fn a_bad_bucket_time_skips_all_of_its_results() {
        let text = PAGE.replace(
            "\"2026-10-01T01:00:00Z\",\n      \"results\"",
            "\"2026-10-01T00:00:00Z\",\n      \"results\"",
        );
        let d = read(&text, false).unwrap_err();
        assert_eq!(d.key.as_deref(), Some("data[0].ending_at"));
        assert!(
            d.message.contains("2 results are not counted"),
            "{}",
            d.message
        );
        let totals = read(&text, true).unwrap();
        assert_eq!((totals.rows, totals.skipped_rows), (1, 2));
        let no_start = r#"{"data": [{"ending_at": "2026-10-01T00:01:00Z", "results": []}]}"#;
        let d = read(no_start, false).unwrap_err();
        assert_eq!(d.message, "the bucket has no starting_at");
    }

    #[test]
    fn broken_json_stops_reading_even_when_skipping() {
        let d = read("", true).unwrap_err();
        assert_eq!(d.message, "the file is empty");
        let d = read(&PAGE[..400], true).unwrap_err();
        assert!(
            d.message.starts_with("the file ends early"),
            "{}",
            d.message
        );
        assert_eq!(d.key.as_deref(), Some("data[0].results[0]"));
        let d = read("[1, 2]", true).unwrap_err();
        assert!(d.message.contains("a usage report page"), "{}", d.message);
        let d = read(r#"{"results": []}"#, true).unwrap_err();
        assert!(d.message.contains("has none"), "{}", d.message);
        let d = read(&format!("{PAGE} x"), true).unwrap_err();
        assert!(d.message.contains("not valid"), "{}", d.message);
        let deep = "[".repeat(10_000);
        assert!(read(&format!("{{\"data\": {deep}"), true).is_err());
    }

    #[test]
    fn unread_count_keys_are_noted() {
        let text = r#"{"data": [{"starting_at": "2026-10-01T00:00:00Z", "ending_at": "2026-10-01T00:01:00Z",
            "results": [{"model": "claude-opus-4-6", "uncached_input_tokens": 1, "output_tokens": 1,
                         "cache_creation_5m_input_tokens": 9}]}]}"#;
        let totals = read(text, false).unwrap();
        assert_eq!(
            totals.notes,
            ["key `cache_creation_5m_input_tokens` of the usage report's results is not read"]
        );
    }

    #[test]
    fn a_page_over_the_limit_is_refused_at_its_start() {
        let bigger = PAGE.replace("\"has_more\": false", "\"has_more\": false, \"pad\": \"x\"");
        let text = format!("{PAGE}\n  {bigger}");
        let d = counted(&text, true, PAGE.len()).unwrap_err();
        assert_eq!(d.code, Code::LimitJsonPage);
        assert_eq!((d.line, d.column), (PAGE.lines().count() as u64 + 1, 3));
        assert!(
            d.message.starts_with("page 2 of the usage report"),
            "{}",
            d.message
        );
        assert_eq!(
            read_pages(
                text.as_bytes(),
                "report.json",
                KNOWN,
                true,
                PAGE.len(),
                Mode::Hand
            ),
            Err(d)
        );
    }

    #[test]
    fn escaped_keys_and_empty_objects_keep_exact_positions() {
        let text = PAGE
            .replace("\"output_tokens\": 600", "\"output_\\u0074okens\": -600")
            .replace("\"server_tool_use\": null", "\"server_tool_use\": {}");
        let d = read(&text, false).unwrap_err();
        assert_eq!((d.line, d.column), (25, 30));
        assert_eq!(whole_stream(&text, false), Err(d));
        let empty = r#"{"data": [{"starting_at": "2026-10-01T00:00:00Z", "ending_at": "2026-10-01T00:01:00Z", "results": [ {} ]}]}"#;
        let d = read(empty, false).unwrap_err();
        assert_eq!(
            (d.line, d.column, d.message.as_str()),
            (1, 101, "the result has no `uncached_input_tokens`")
        );
    }

    mod agree {
        use super::*;
        use proptest::prelude::*;

        /// One result: model, tier, counts, and a twist (a bad value, an escape, an empty
        /// object, an unknown key).
        fn result() -> impl Strategy<Value = String> {
            (0usize..4, 0usize..3, 0u64..1000, 0u64..1000, 0usize..9).prop_map(
                |(model, tier, input, output, twist)| {
                    let model = ["claude-haiku-4-5", "claude-opus-4-6", "mystery-1", "claude-sonnet-4-5"][model];
                    let tier = ["standard", "batch", "priority"][tier];
                    let extra = match twist {
                        0 => r#", "output_tokens": 3"#,
                        1 => r#", "server_tool_use": {}"#,
                        2 => r#", "cache_read_input_tokens": -1"#,
                        3 => r#", "note": "a \"quoted\" {brace}""#,
                        4 => r#", "cache_creation": {"ephemeral_5m_input_tokens": 4, "ephemeral_1h_input_tokens": 1}"#,
                        5 => r#", "new_thing_tokens": 2"#,
                        _ => "",
                    };
                    let model_key = if twist == 6 { "mod\\u0065l" } else { "model" };
                    format!(
                        r#"{{"{model_key}": "{model}", "service_tier": "{tier}", "uncached_input_tokens": {input}, "output_tokens": {output}{extra}}}"#
                    )
                },
            )
        }

        fn bucket() -> impl Strategy<Value = String> {
            (0u64..3000, 0usize..3, prop::collection::vec(result(), 0..4)).prop_map(
                |(minute, width, results)| {
                    let width = [1, 60, 0][width];
                    let at = |m: u64| {
                        format!(
                            "2026-10-{:02}T{:02}:{:02}:00Z",
                            1 + m / 1440,
                            m / 60 % 24,
                            m % 60
                        )
                    };
                    format!(
                        r#"{{"starting_at": "{}", "ending_at": "{}", "results": [{}]}}"#,
                        at(minute),
                        at(minute + width),
                        results.join(", ")
                    )
                },
            )
        }

        fn page() -> impl Strategy<Value = String> {
            (prop::collection::vec(bucket(), 0..4), any::<bool>()).prop_map(|(buckets, more)| {
                format!(
                    r#"{{"data": [{}], "has_more": {more}}}"#,
                    buckets.join(", ")
                )
            })
        }

        /// JSON text laid out differently: pretty-printed or not.
        fn lay_out(page: &str, pretty: bool) -> String {
            let value: serde_json::Value = serde_json::from_str(page).unwrap();
            if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            }
        }

        fn gap() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(vec![" ", "\n", "\t", "\r\n"]), 0..4)
                .prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]

            /// Pages split by any whitespace and laid out any way give the same totals
            /// (bad rows aside: their positions move with the layout).
            #[test]
            fn any_whitespace_between_and_inside_pages_gives_the_same_totals(
                pages in prop::collection::vec((page(), any::<bool>(), gap()), 1..4),
                lead in gap(),
            ) {
                let compact: String = pages.iter().map(|(p, _, _)| lay_out(p, false) + "\n").collect();
                let mut spaced = lead;
                for (p, pretty, gap) in &pages {
                    spaced.push_str(&lay_out(p, *pretty));
                    spaced.push_str(if gap.is_empty() { " " } else { gap });
                }
                let strip = |t: Result<UsageTotals, Diagnostic>| t.map(|mut t| { t.skipped.clear(); t }).map_err(|d| d.message);
                prop_assert_eq!(strip(read(&compact, true)), strip(read(&spaced, true)));
            }

            /// The pages, cut short or with a byte changed anywhere, read exactly as the
            /// reader over the whole stream read them: same totals, same diagnostics.
            #[test]
            fn split_pages_read_as_the_whole_stream_did(
                pages in prop::collection::vec((page(), any::<bool>(), gap()), 1..3),
                cut in any::<prop::sample::Index>(),
                change in any::<prop::sample::Index>(),
                byte in prop::sample::select(b"{}[]\",:\\ \n0a-".to_vec()),
                how in 0usize..3,
                skip in any::<bool>(),
            ) {
                let mut text = String::new();
                for (p, pretty, gap) in &pages {
                    text.push_str(&if *pretty { lay_out(p, true) } else { p.clone() });
                    text.push_str(gap);
                }
                let mut bytes = text.into_bytes();
                match how {
                    0 => bytes.truncate(cut.index(bytes.len() + 1)),
                    1 => { let i = change.index(bytes.len()); bytes[i] = byte; }
                    _ => {}
                }
                let text = String::from_utf8(bytes).unwrap();
                let fast = read_usage_report(text.as_bytes(), "report.json", KNOWN, skip);
                prop_assert_eq!(&fast, &whole_stream(&text, skip), "{}", text);
                prop_assert_eq!(&fast, &counted(&text, skip, usize::MAX), "{}", text);
                prop_assert_eq!(&fast, &sliced(&text, skip), "{}", text);
                prop_assert_eq!(&fast, &dribbled(&text, skip, 3), "{}", text);
            }
        }
    }
}
