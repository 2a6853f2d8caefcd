//! A hand-written reader of one usage-report page in the shape the API writes, the fast path
//! of the usage-report reader (`report_json.rs`), which calls it.
//!
//! serde_json with visitors spends most of its time on what a usage report has plenty of:
//! short keys (UTF-8 checked, then matched one visitor call at a time) and small integers.
//! This reader walks the page's bytes once, checks the JSON grammar as strictly as
//! serde_json does, matches keys as bytes and reads counts in place. It takes only what it
//! is sure of. Anything else (a bad value, a bad bucket time, a key named like a count that
//! is not read, a fraction or exponent even in a value it ignores, nesting over 64 deep,
//! broken JSON) hands the page over to the serde reader from the first bucket not yet
//! added, and that reader says what is wrong, with its position, exactly as before.
//!
//! Each bucket is handed to the [`Sink`] only once it is read whole and every result in it
//! is good, so a handover never leaves half a bucket counted.
//!
//! The reader needs no scan for the page's end first: it reads what is buffered, and when
//! that ends before the page does it says so ([`Outcome::More`]) and keeps its
//! [`Progress`]: the place after the last whole bucket or page key, from where it goes on
//! once more is read.

use rustc_hash::FxHashMap;

use super::json_values::{is_count_name, key as known, known_index};
use super::model_cache::Slot;
use super::timestamp::TimestampParser;
use super::tokens::{Tier, TokenBreakdown};

/// One bucket's results summed per model and tier.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sum {
    pub rows: u64,
    pub tokens: TokenBreakdown,
    pub web_search_requests: u64,
}

impl Sum {
    /// `self` plus one result, or `None` on overflow.
    pub fn plus(&self, tokens: &TokenBreakdown, web_search_requests: u64) -> Option<Sum> {
        Some(Sum {
            rows: self.rows.checked_add(1)?,
            tokens: self.tokens.checked_add(tokens)?,
            web_search_requests: self.web_search_requests.checked_add(web_search_requests)?,
        })
    }
}

/// A bucket's sums, keyed by model slot and tier (FxHash: a handful of keys, hashed once
/// per result).
pub type Sums = FxHashMap<(Slot, Tier), Sum>;

/// A bucket read whole, every result in it good.
pub struct Bucket<'s> {
    /// Its place in the page's `data` array.
    pub index: usize,
    /// The offset of its `{` in the page.
    pub open: usize,
    pub minute: u64,
    pub minutes: u64,
    /// Drained by the sink.
    pub sums: &'s mut Sums,
    /// Results per non-standard service tier (indexes from [`Sink::tier`]).
    pub tier_rows: &'s [(usize, u64)],
}

/// Reading must stop; the sink keeps the diagnostic.
#[derive(Debug)]
pub struct Stop;

/// Where the totals go: the serde reader's state, so both paths count alike.
pub trait Sink {
    /// The slot of a model name (resolving it is idempotent, so a handover may ask again).
    fn model(&mut self, raw: &[u8]) -> Slot;
    /// The slot of results without a model.
    fn no_model(&mut self) -> Slot;
    /// The index of a non-standard service tier.
    fn tier(&mut self, name: &str) -> usize;
    fn has_more(&mut self, more: bool);
    fn bucket(&mut self, bucket: Bucket<'_>) -> Result<(), Stop>;
}

/// How a page ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Read whole, this many bytes long; every bucket is added.
    Done(usize),
    /// The bytes end before the page does: read on from [`Progress`] with more.
    More,
    /// The sink said stop.
    Stopped,
    /// The first `buckets` buckets are added; the serde reader reads the page from there.
    Handover { buckets: usize },
}

/// Nesting accepted inside a value that is passed over (serde_json allows 128 in all).
const MAX_SKIP_DEPTH: u32 = 64;

/// Digits accepted in a number that is passed over (any more and serde_json would read it
/// as a float, with its own checks).
const MAX_SKIP_DIGITS: usize = 18;

/// Where reading a page stands between calls: a place where the page can be read on from
/// (after a whole bucket or page key), with what is known there.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Offset in the page.
    pub at: usize,
    stage: Stage,
    /// The page's known keys seen.
    seen: u32,
    saw_data: bool,
    /// The next bucket's place in `data`.
    index: usize,
    /// Buckets handed to the sink.
    pub added: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the page's `{`.
    #[default]
    Start,
    /// After a page key's value.
    Keys,
    /// In `data`, before its first bucket or after a bucket.
    Buckets { first: bool },
}

/// Reads a page from `bytes`, which start with its `{` and may go on past its end.
/// `complete`: nothing follows `bytes` in the file. `progress` starts at its default for a
/// new page, and is kept between calls that return [`Outcome::More`] (each with the same
/// page's bytes, longer).
pub fn read_page<S: Sink>(
    bytes: &[u8],
    complete: bool,
    progress: &mut Progress,
    sink: &mut S,
) -> Outcome {
    let mut reader = Reader {
        bytes,
        complete,
        at: progress.at,
        progress: *progress,
        sink,
        sums: Sums::default(),
        tier_rows: Vec::new(),
        times: TimestampParser::default(),
        shapes: Default::default(),
    };
    let outcome = match reader.page() {
        Ok(()) => Outcome::Done(reader.at),
        Err(Halt::HandOver) => Outcome::Handover {
            buckets: reader.progress.added,
        },
        Err(Halt::More) => Outcome::More,
        Err(Halt::Stop) => Outcome::Stopped,
    };
    *progress = reader.progress;
    outcome
}

enum Halt {
    HandOver,
    /// The bytes ended first.
    More,
    Stop,
}

type Step<T> = Result<T, Halt>;

/// What a byte inside a string is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InString {
    Plain,
    Quote,
    /// A control character or a backslash: hand over.
    Refused,
    /// Part of a multi-byte character: the string's UTF-8 is checked.
    High,
}

const fn in_string_table() -> [InString; 256] {
    let mut table = [InString::Plain; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b < 0x20 || b == b'\\' as usize {
            InString::Refused
        } else if b == b'"' as usize {
            InString::Quote
        } else if b >= 0x80 {
            InString::High
        } else {
            InString::Plain
        };
        b += 1;
    }
    table
}

static IN_STRING: [InString; 256] = in_string_table();

/// The bytes of `word` (little-endian) that may not be [`InString::Plain`] (a quote, a
/// backslash, a control character or a byte of a multi-byte character), as their high
/// bits. A word-at-a-time test: never misses one, and its lowest flag is always right
/// (a false flag can only follow a true one, from a borrow), so the first flagged byte
/// is the first byte that needs a look.
#[inline]
fn needs_a_look(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_in(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control | (word & HIGH)
}

struct Reader<'a, 's, S> {
    bytes: &'a [u8],
    complete: bool,
    at: usize,
    /// The last place the page can be read on from.
    progress: Progress,
    sink: &'s mut S,
    sums: Sums,
    tier_rows: Vec<(usize, u64)>,
    times: TimestampParser,
    /// Per kind of object, the keys of the last one read.
    shapes: [Shape<'a>; 4],
}

/// The keys of the last object of one kind, in order, each as its bytes from its opening
/// quote to its value (the colon and spaces included), its length and its
/// [`known_index`]: tried first where the next key starts, since the API writes every
/// result's keys in the same order. A key is taken from here only when the bytes are the
/// same, so it is the key, and the colon, that a scan would find.
type Shape<'a> = Vec<(&'a [u8], usize, Option<usize>)>;

/// `bytes.starts_with(prefix)` for the short keys of a report: eight bytes compared at a
/// time inline, the last eight overlapping (a call to `memcmp` costs more than the
/// comparison).
#[inline]
fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    let len = prefix.len();
    if bytes.len() < len {
        return false;
    }
    if len < 8 {
        return &bytes[..len] == prefix;
    }
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    let mut at = 0;
    while at + 8 < len {
        if word(bytes, at) != word(prefix, at) {
            return false;
        }
        at += 8;
    }
    word(bytes, len - 8) == word(prefix, len - 8)
}

/// The kinds of object whose keys are predicted (indexes into `Reader::shapes`).
const BUCKET: usize = 0;
const RESULT: usize = 1;
const CACHE_CREATION: usize = 2;
const SERVER_TOOL_USE: usize = 3;

/// Marks a known key as seen in one object; a key given twice hands over (the serde reader
/// refuses it).
fn see(seen: &mut u32, key: &[u8]) -> Step<Option<usize>> {
    see_index(seen, known_index(key))
}

/// [`see`] of a key whose [`known_index`] is known.
fn see_index(seen: &mut u32, index: Option<usize>) -> Step<Option<usize>> {
    let Some(i) = index else {
        return Ok(None);
    };
    if *seen & (1 << i) != 0 {
        return Err(Halt::HandOver);
    }
    *seen |= 1 << i;
    Ok(Some(i))
}

impl<'a, S: Sink> Reader<'a, '_, S> {
    /// Why the bytes ended: the file did, or only what is read so far.
    fn ended(&self) -> Halt {
        if self.complete {
            Halt::HandOver
        } else {
            Halt::More
        }
    }

    #[inline]
    fn peek(&self) -> Step<u8> {
        self.bytes.get(self.at).copied().ok_or_else(|| self.ended())
    }

    #[inline]
    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Step<()> {
        if self.peek()? != byte {
            return Err(Halt::HandOver);
        }
        self.at += 1;
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Step<()> {
        let rest = &self.bytes[self.at..];
        if !rest.starts_with(word) {
            if rest.len() < word.len() && word.starts_with(rest) {
                return Err(self.ended());
            }
            return Err(Halt::HandOver);
        }
        self.at += word.len();
        Ok(())
    }

    /// A string starting at its quote; its bytes without the quotes.
    #[inline]
    fn string(&mut self) -> Step<&'a [u8]> {
        self.expect(b'"')?;
        let start = self.at;
        let mut high = false;
        let mut i = start;
        loop {
            // Eight bytes at a time to the first that can end the string or needs a look.
            while let Some(chunk) = self.bytes.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
                let look = needs_a_look(word);
                if look != 0 {
                    i += (look.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            let Some(&b) = self.bytes.get(i) else {
                return Err(self.ended());
            };
            match IN_STRING[usize::from(b)] {
                InString::Plain => {}
                InString::Quote => break,
                InString::High => high = true,
                InString::Refused => return Err(Halt::HandOver),
            }
            i += 1;
        }
        let text = &self.bytes[start..i];
        if high && std::str::from_utf8(text).is_err() {
            return Err(Halt::HandOver);
        }
        self.at = i + 1;
        Ok(text)
    }

    /// A key and its colon, with the spaces around them.
    #[inline]
    fn key(&mut self) -> Step<&'a [u8]> {
        let key = self.string()?;
        self.space();
        self.expect(b':')?;
        self.space();
        Ok(key)
    }

    /// After an object's `{`: its first key, or `None` when it is empty.
    fn first_key(&mut self) -> Step<Option<&'a [u8]>> {
        self.space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Ok(None);
        }
        self.key().map(Some)
    }

    /// After a value in an object: the next key, or `None` at its `}`.
    #[inline]
    fn next_key(&mut self) -> Step<Option<&'a [u8]>> {
        self.space();
        match self.peek()? {
            b',' => {
                self.at += 1;
                self.space();
                self.key().map(Some)
            }
            b'}' => {
                self.at += 1;
                Ok(None)
            }
            _ => Err(Halt::HandOver),
        }
    }

    /// The `n`th key of an object of kind `kind` and its colon, with the spaces around
    /// them, and its [`known_index`]: the key at that place in the last such object when
    /// the bytes are the same, or else scanned (and kept for the next object).
    #[inline]
    fn shaped_key(&mut self, kind: usize, n: usize) -> Step<(&'a [u8], Option<usize>)> {
        if let Some(&(raw, len, index)) = self.shapes[kind].get(n)
            && starts_with(&self.bytes[self.at..], raw)
        {
            self.at += raw.len();
            // More spaces than last time may follow.
            self.space();
            return Ok((&raw[1..1 + len], index));
        }
        let start = self.at;
        let key = self.key()?;
        let index = known_index(key);
        let shape = &mut self.shapes[kind];
        shape.truncate(n);
        shape.push((&self.bytes[start..self.at], key.len(), index));
        Ok((key, index))
    }

    /// [`Reader::first_key`] of an object of kind `kind`, the key predicted.
    fn first_shaped_key(&mut self, kind: usize) -> Step<Option<(&'a [u8], Option<usize>)>> {
        self.space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Ok(None);
        }
        self.shaped_key(kind, 0).map(Some)
    }

    /// [`Reader::next_key`] of the `n`th key of an object of kind `kind`.
    #[inline]
    fn next_shaped_key(
        &mut self,
        kind: usize,
        n: usize,
    ) -> Step<Option<(&'a [u8], Option<usize>)>> {
        self.space();
        match self.peek()? {
            b',' => {
                self.at += 1;
                self.space();
                self.shaped_key(kind, n).map(Some)
            }
            b'}' => {
                self.at += 1;
                Ok(None)
            }
            _ => Err(Halt::HandOver),
        }
    }

    /// After an element in an array: whether another follows (`false` at its `]`).
    #[inline]
    fn next_element(&mut self) -> Step<bool> {
        self.space();
        match self.peek()? {
            b',' => {
                self.at += 1;
                self.space();
                Ok(true)
            }
            b']' => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(Halt::HandOver),
        }
    }

    /// After an array's `[`: whether it has an element.
    fn first_element(&mut self) -> Step<bool> {
        self.space();
        if self.peek()? == b']' {
            self.at += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// Digits of a whole number without a sign: `0` or no leading zero, and no fraction
    /// or exponent after them. The number of digits read.
    fn digits(&mut self) -> Step<usize> {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
        let n = self.at - start;
        match self.bytes.get(self.at) {
            // The number may go on.
            None => return Err(self.ended()),
            Some(b'.' | b'e' | b'E') => return Err(Halt::HandOver),
            Some(_) => {}
        }
        if n == 0 || (n > 1 && self.bytes[start] == b'0') {
            return Err(Halt::HandOver);
        }
        Ok(n)
    }

    /// A count: a whole number that fits in `u64`, or null.
    #[inline]
    fn count(&mut self) -> Step<Option<u64>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Ok(None);
        }
        let start = self.at;
        // One pass: the value is read as the digits go by; up to 19 digits always fit in
        // a u64, and `digits` checks the rest (a longer number is read again, checked).
        let mut n: u64 = 0;
        let mut i = start;
        while let Some(&b) = self.bytes.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            n = n.wrapping_mul(10).wrapping_add(u64::from(digit));
            i += 1;
        }
        let digits = i - start;
        let plain = (1..=19).contains(&digits)
            && (digits == 1 || self.bytes[start] != b'0')
            && !matches!(self.bytes.get(i), None | Some(b'.' | b'e' | b'E'));
        if plain {
            self.at = i;
            return Ok(Some(n));
        }
        let digits = self.digits()?;
        if digits <= 19 {
            return Ok(Some(n));
        }
        let text = &self.bytes[start..self.at];
        let mut n: u64 = 0;
        for &b in text {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(b - b'0')))
                .ok_or(Halt::HandOver)?;
        }
        Ok(Some(n))
    }

    /// Passes over any value, checking its grammar.
    fn skip(&mut self, depth: u32) -> Step<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' => {
                self.at += 1;
                self.skip_number()
            }
            b'0'..=b'9' => self.skip_number(),
            b'{' if depth < MAX_SKIP_DEPTH => {
                self.at += 1;
                let mut key = self.first_key()?;
                while key.is_some() {
                    self.skip(depth + 1)?;
                    key = self.next_key()?;
                }
                Ok(())
            }
            b'[' if depth < MAX_SKIP_DEPTH => {
                self.at += 1;
                let mut more = self.first_element()?;
                while more {
                    self.skip(depth + 1)?;
                    more = self.next_element()?;
                }
                Ok(())
            }
            _ => Err(Halt::HandOver),
        }
    }

    fn skip_number(&mut self) -> Step<()> {
        if self.digits()? > MAX_SKIP_DIGITS {
            return Err(Halt::HandOver);
        }
        Ok(())
    }

    /// `{ "data": [bucket…], "has_more": …, … }`, from `progress` on. Before each page key
    /// and each bucket the place is kept; when the bytes end, `progress` is that place.
    fn page(&mut self) -> Step<()> {
        loop {
            let safe = self.progress;
            match self.page_step() {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(Halt::More) => {
                    self.progress = safe;
                    return Err(Halt::More);
                }
                Err(halt) => return Err(halt),
            }
            self.progress.at = self.at;
        }
    }

    /// Reads the next page key and its value, or the next bucket; `false` at the page's end.
    fn page_step(&mut self) -> Step<bool> {
        let key = match self.progress.stage {
            Stage::Start => {
                self.expect(b'{')?;
                self.first_key()?.ok_or(Halt::HandOver)?
            }
            Stage::Keys => match self.next_key()? {
                Some(key) => key,
                None if self.progress.saw_data => return Ok(false),
                None => return Err(Halt::HandOver),
            },
            Stage::Buckets { first } => {
                let more = if first {
                    self.first_element()?
                } else {
                    self.next_element()?
                };
                if more {
                    self.bucket(self.progress.index)?;
                    self.progress.index += 1;
                    self.progress.added += 1;
                    self.progress.stage = Stage::Buckets { first: false };
                } else {
                    self.progress.stage = Stage::Keys;
                }
                return Ok(true);
            }
        };
        see(&mut self.progress.seen, key)?;
        match key {
            b"data" => {
                self.expect(b'[')?;
                self.progress.saw_data = true;
                self.progress.stage = Stage::Buckets { first: true };
                return Ok(true);
            }
            b"has_more" => {
                let more = match self.peek()? {
                    b't' => self.literal(b"true").map(|()| true)?,
                    b'f' => self.literal(b"false").map(|()| false)?,
                    _ => self.literal(b"null").map(|()| false)?,
                };
                self.sink.has_more(more);
            }
            _ => self.skip(0)?,
        }
        self.progress.stage = Stage::Keys;
        Ok(true)
    }

    /// `{ "starting_at": …, "ending_at": …, "results": […] }`, handed to the sink once read.
    fn bucket(&mut self, index: usize) -> Step<()> {
        let open = self.at;
        self.expect(b'{')?;
        let (mut key, mut known_key) = self.first_shaped_key(BUCKET)?.ok_or(Halt::HandOver)?;
        self.sums.clear();
        self.tier_rows.clear();
        let (mut start, mut end) = (None, None);
        let mut seen = 0;
        let mut n = 0;
        loop {
            see_index(&mut seen, known_key)?;
            match key {
                b"starting_at" => start = Some(self.time()?),
                b"ending_at" => end = Some(self.time()?),
                b"results" => self.results()?,
                _ => self.skip(0)?,
            }
            n += 1;
            match self.next_shaped_key(BUCKET, n)? {
                Some(next) => (key, known_key) = next,
                None => break,
            }
        }
        let (Some(start), Some(end)) = (start, end) else {
            return Err(Halt::HandOver);
        };
        if end <= start {
            return Err(Halt::HandOver);
        }
        let bucket = Bucket {
            index,
            open,
            minute: start,
            minutes: end - start,
            sums: &mut self.sums,
            tier_rows: &self.tier_rows,
        };
        self.sink.bucket(bucket).map_err(|Stop| Halt::Stop)
    }

    fn time(&mut self) -> Step<u64> {
        let text = self.string()?;
        self.times.parse_minute(text).map_err(|_| Halt::HandOver)
    }

    fn results(&mut self) -> Step<()> {
        if self.peek()? == b'n' {
            return self.literal(b"null");
        }
        self.expect(b'[')?;
        let mut more = self.first_element()?;
        while more {
            self.result()?;
            more = self.next_element()?;
        }
        Ok(())
    }

    /// One result, added to the bucket's sums.
    fn result(&mut self) -> Step<()> {
        self.expect(b'{')?;
        let (mut key, mut index) = self.first_shaped_key(RESULT)?.ok_or(Halt::HandOver)?;
        let mut n = 0;
        let mut slot = None;
        let (mut batch, mut long_context) = (false, false);
        let mut tier_index = None;
        let mut tokens = TokenBreakdown::default();
        let mut web_search_requests = 0;
        let (mut saw_input, mut saw_output) = (false, false);
        let mut seen = 0;
        loop {
            match see_index(&mut seen, index)? {
                Some(known::MODEL) => {
                    slot = match self.peek()? {
                        b'"' => {
                            let raw = self.string()?;
                            Some(self.sink.model(raw))
                        }
                        _ => self.literal(b"null").map(|()| None)?,
                    }
                }
                Some(known::SERVICE_TIER) => {
                    if self.peek()? == b'"' {
                        match self.string()? {
                            b"standard" => {}
                            b"batch" => batch = true,
                            other => {
                                let name =
                                    std::str::from_utf8(other).map_err(|_| Halt::HandOver)?;
                                tier_index = Some(self.sink.tier(name));
                            }
                        }
                    } else {
                        self.literal(b"null")?;
                    }
                }
                Some(known::CONTEXT_WINDOW) => {
                    if self.peek()? == b'"' {
                        let window = self.string()?;
                        if window.eq_ignore_ascii_case(b"0-200k") {
                            long_context = false;
                        } else if window.eq_ignore_ascii_case(b"200k-1M") {
                            long_context = true;
                        } else {
                            return Err(Halt::HandOver);
                        }
                    } else {
                        self.literal(b"null")?;
                    }
                }
                Some(known::UNCACHED_INPUT_TOKENS) => {
                    (tokens.input, saw_input) = (self.count()?.unwrap_or(0), true);
                }
                Some(known::OUTPUT_TOKENS) => {
                    (tokens.output, saw_output) = (self.count()?.unwrap_or(0), true);
                }
                Some(known::CACHE_READ_INPUT_TOKENS) => {
                    tokens.cache_read = self.count()?.unwrap_or(0)
                }
                Some(known::CACHE_CREATION) => {
                    [tokens.cache_write_5m, tokens.cache_write_1h] =
                        self.counts(CACHE_CREATION, &[known::EPHEMERAL_5M, known::EPHEMERAL_1H])?;
                }
                Some(known::SERVER_TOOL_USE) => {
                    [web_search_requests, _] =
                        self.counts(SERVER_TOOL_USE, &[known::WEB_SEARCH_REQUESTS])?;
                }
                // The serde reader names it in the notes.
                None if is_count_name(key) => return Err(Halt::HandOver),
                _ => self.skip(0)?,
            }
            n += 1;
            match self.next_shaped_key(RESULT, n)? {
                Some(next) => (key, index) = next,
                None => break,
            }
        }
        if !(saw_input && saw_output) {
            return Err(Halt::HandOver);
        }
        let slot = match slot {
            Some(slot) => slot,
            None => self.sink.no_model(),
        };
        let entry = self
            .sums
            .entry((slot, Tier::new(batch, long_context)))
            .or_default();
        *entry = entry
            .plus(&tokens, web_search_requests)
            .ok_or(Halt::HandOver)?;
        if let Some(i) = tier_index {
            match self.tier_rows.iter_mut().find(|(t, _)| *t == i) {
                Some((_, rows)) => *rows += 1,
                None => self.tier_rows.push((i, 1)),
            }
        }
        Ok(())
    }

    /// A small object of counts (`cache_creation`, `server_tool_use`), or null: the counts
    /// of the known keys `names` (indexes from [`known_index`]) in order, 0 when absent or
    /// null.
    fn counts(&mut self, kind: usize, names: &[usize]) -> Step<[u64; 2]> {
        let mut values = [0; 2];
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Ok(values);
        }
        self.expect(b'{')?;
        let mut key = self.first_shaped_key(kind)?;
        let mut seen = 0;
        let mut n = 0;
        while let Some((name, index)) = key {
            let index = see_index(&mut seen, index)?;
            match index.and_then(|index| names.iter().position(|&n| n == index)) {
                Some(i) => values[i] = self.count()?.unwrap_or(0),
                None if index.is_none() && is_count_name(name) => return Err(Halt::HandOver),
                None => self.skip(0)?,
            }
            n += 1;
            key = self.next_shaped_key(kind, n)?;
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_prefixes_compare_as_the_slice_method_does() {
        let text = b"\"uncached_input_tokens\": 12, \"output_tokens\"";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let prefix = &text[start..end];
                for from in 0..text.len() {
                    let bytes = &text[from..];
                    assert_eq!(
                        starts_with(bytes, prefix),
                        bytes.starts_with(prefix),
                        "{from} {start}..{end}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_first_byte_flagged_in_a_word_is_the_first_that_is_not_plain() {
        assert_eq!(needs_a_look(u64::from_le_bytes(*b"abcdefgh")), 0);
        for b in 0..=255u8 {
            let plain = IN_STRING[usize::from(b)] == InString::Plain;
            for at in 0..8 {
                for after in [b'a', b'"', 0, 0xff, b'\\', 0x1f, 0x21] {
                    let mut word = *b"~ a_Z09}";
                    word[at] = b;
                    if at < 7 {
                        word[7] = after;
                    }
                    let first = word
                        .iter()
                        .position(|&c| IN_STRING[usize::from(c)] != InString::Plain);
                    let look = needs_a_look(u64::from_le_bytes(word));
                    let flagged = (look != 0).then(|| (look.trailing_zeros() / 8) as usize);
                    assert_eq!(flagged, first, "{word:?}");
                    if !plain {
                        assert_eq!(flagged, Some(at), "{b} at {at}");
                    }
                }
            }
        }
    }

    /// A bucket as the sink saw it: index, offset, minute, width, and per model and tier
    /// the rows and input tokens.
    type Seen = (usize, usize, u64, u64, Vec<(Slot, Tier, u64, u64)>);

    /// A sink that records what it is given.
    #[derive(Default)]
    struct Record {
        models: Vec<Vec<u8>>,
        tiers: Vec<String>,
        has_more: Option<bool>,
        buckets: Vec<Seen>,
        stop_at: Option<usize>,
    }

    impl Sink for Record {
        fn model(&mut self, raw: &[u8]) -> Slot {
            let i = match self.models.iter().position(|m| m == raw) {
                Some(i) => i,
                None => {
                    self.models.push(raw.to_vec());
                    self.models.len() - 1
                }
            };
            Slot::Known(i)
        }
        fn no_model(&mut self) -> Slot {
            Slot::Unknown(0)
        }
        fn tier(&mut self, name: &str) -> usize {
            self.tiers.push(name.to_owned());
            self.tiers.len() - 1
        }
        fn has_more(&mut self, more: bool) {
            self.has_more = Some(more);
        }
        fn bucket(&mut self, bucket: Bucket<'_>) -> Result<(), Stop> {
            if self.stop_at == Some(bucket.index) {
                return Err(Stop);
            }
            let mut sums: Vec<_> = bucket
                .sums
                .drain()
                .map(|((slot, tier), sum)| (slot, tier, sum.rows, sum.tokens.input))
                .collect();
            sums.sort_by_key(|s| (format!("{:?}", s.0), s.1 as u8));
            self.buckets.push((
                bucket.index,
                bucket.open,
                bucket.minute,
                bucket.minutes,
                sums,
            ));
            Ok(())
        }
    }

    fn read(text: &str) -> (Outcome, Record) {
        let mut sink = Record::default();
        let outcome = read_page(text.as_bytes(), true, &mut Progress::default(), &mut sink);
        (outcome, sink)
    }

    const BUCKET: &str = r#"{"starting_at": "1970-01-01T00:01:00Z", "ending_at": "1970-01-01T00:02:00Z", "results": [{"model": "a", "uncached_input_tokens": 5, "output_tokens": 1}, {"model": "a", "uncached_input_tokens": 2, "output_tokens": null, "service_tier": "batch"}, {"uncached_input_tokens": 1, "output_tokens": 0, "model": null, "ignored": [1, -2, {"x": true}, "é"]}]}"#;

    #[test]
    fn a_page_is_summed_per_bucket_model_and_tier() {
        let text = format!(r#"{{"has_more": true, "data": [{BUCKET}, {BUCKET}]}}"#);
        let (outcome, sink) = read(&text);
        assert_eq!(outcome, Outcome::Done(text.len()));
        assert_eq!(sink.has_more, Some(true));
        assert_eq!(sink.buckets.len(), 2);
        let (index, open, minute, minutes, sums) = &sink.buckets[1];
        assert_eq!((*index, &text[*open..*open + 2]), (1, "{\""));
        assert_eq!((*minute, *minutes), (1, 1));
        assert_eq!(
            sums,
            &[
                (Slot::Known(0), Tier::Standard, 1, 5),
                (Slot::Known(0), Tier::Batch, 1, 2),
                (Slot::Unknown(0), Tier::Standard, 1, 1),
            ]
        );
    }

    #[test]
    fn anything_unsure_hands_over_after_the_buckets_added() {
        for (twist, from) in [
            (r#""output_tokens": 1}"#, r#""output_tokens": -1}"#),
            (r#""output_tokens": 1}"#, r#""output_tokens": 1.0}"#),
            (r#""output_tokens": 1}"#, r#""output_tokens": 01}"#),
            (
                r#""output_tokens": 1}"#,
                r#""output_tokens": 1, "new_tokens": 2}"#,
            ),
            (
                r#""output_tokens": 1}"#,
                r#""output_tokens": 1, "model": "b"}"#,
            ),
            (r#""output_tokens": 1}"#, r#""output_tokens": 1,}"#),
            (r#""output_tokens": 1}"#, r#""output_tokens": 1, "x": 1e3}"#),
            (
                r#""output_tokens": 1}"#,
                r#""output_tokens": 1, "x": "a\"b"}"#,
            ),
            (
                r#""output_tokens": 1}"#,
                "\"output_tokens\": 1, \"x\": \"a\tb\"}",
            ),
            (r#""output_tokens": 1}"#, r#""output_tokens": 1, "x": nul}"#),
            (
                r#""output_tokens": 1}"#,
                r#""output_tokens": 99999999999999999999}"#,
            ),
            (r#""uncached_input_tokens": 5, "#, ""),
            (r#"T00:02:00Z""#, r#"T00:01:00Z""#),
            (r#"T00:02:00Z""#, r#"T00:02""#),
        ] {
            let bad = BUCKET.replacen(twist, from, 1);
            assert_ne!(bad, BUCKET, "{from}");
            let text = format!(r#"{{"data": [{BUCKET}, {bad}, {BUCKET}]}}"#);
            let (outcome, sink) = read(&text);
            assert_eq!(outcome, Outcome::Handover { buckets: 1 }, "{from}");
            assert_eq!(sink.buckets.len(), 1, "{from}");
        }
        let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
        let text = format!(r#"{{"x": {deep}, "data": []}}"#);
        assert_eq!(read(&text).0, Outcome::Handover { buckets: 0 });
        assert_eq!(read(r#"{"data": []} x"#).0, Outcome::Done(12));
        assert_eq!(read(r#"{"data": [}"#).0, Outcome::Handover { buckets: 0 });
        assert_eq!(
            read(r#"{"has_more": false}"#).0,
            Outcome::Handover { buckets: 0 }
        );
        assert_eq!(
            read(&text.replace("70", "7")).0,
            Outcome::Handover { buckets: 0 }
        );
        let shallow = format!("{}{}", "[".repeat(7), "]".repeat(7));
        let text = format!(r#"{{"x": {shallow}, "data": []}}"#);
        assert_eq!(read(&text).0, Outcome::Done(text.len()));
    }

    #[test]
    fn a_stop_from_the_sink_stops() {
        let text = format!(r#"{{"data": [{BUCKET}, {BUCKET}]}}"#);
        let mut sink = Record {
            stop_at: Some(1),
            ..Record::default()
        };
        let mut progress = Progress::default();
        assert_eq!(
            read_page(text.as_bytes(), true, &mut progress, &mut sink),
            Outcome::Stopped
        );
        assert_eq!((sink.buckets.len(), progress.added), (1, 1));
    }

    #[test]
    fn a_page_read_in_pieces_is_read_as_whole() {
        let text = format!(
            r#"{{"x": [1, true, null, "s"], "data": [{BUCKET}, {BUCKET}], "has_more": false, "next_page": null}}"#
        );
        let (whole, all) = read(&text);
        assert_eq!(whole, Outcome::Done(text.len()));
        for step in [1, 2, 3, 7, 50] {
            let mut sink = Record::default();
            let mut progress = Progress::default();
            let mut end = 0;
            let outcome = loop {
                end = (end + step).min(text.len());
                let complete = end == text.len();
                match read_page(&text.as_bytes()[..end], complete, &mut progress, &mut sink) {
                    Outcome::More => assert!(!complete && progress.at <= end),
                    other => break other,
                }
            };
            assert_eq!(outcome, whole, "{step}");
            assert_eq!(sink.buckets, all.buckets, "{step}");
            assert_eq!(sink.has_more, Some(false));
        }
        let cut = &text[..text.len() - 1];
        assert_eq!(
            read(cut).0,
            Outcome::Handover { buckets: 2 },
            "a page the file cuts short"
        );
    }
}
