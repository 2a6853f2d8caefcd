//! One large usage CSV read on several cores, with the result of reading it in one go.
//!
//! The file is cut into pieces of about equal size, each cut right after a `\n` chosen so
//! that the piece after it parses as it does inside the whole file (`record_starts.rs` says
//! which cuts are right, and checks, while reading, that no cut is inside a quoted field).
//! The header is read first; then each piece is read on its own thread into its own
//! [`Accumulator`], with the rows numbered from the piece's start. The accumulators are then
//! added up in file order ([`Accumulator::merge`]), and the line numbers of each piece's
//! diagnostics moved down by the lines of the pieces before it, so that every total, list
//! and diagnostic is what one sequential reading gives:
//!
//! - sums, row counts, per-month sums and the load profiles are sums, so order-free;
//! - unknown model names are renumbered in order of first appearance, and the skipped-row
//!   list keeps the first ones in file order;
//! - without `--skip-bad-rows`, the error is the first piece's first bad row: every piece
//!   before it was read whole and without error, so reading in one go reaches the same row.
//!
//! Where a piece's result could differ from one reading, the pieces are dropped and the file
//! is read sequentially from its start: a cut found inside a quoted field, a row refused for
//! overflow (that depends on all rows before it), totals that overflow when added, a piece
//! that alone met the bound on unknown model names, a read error or an over-long line
//! (whose message names its line). This costs a second reading only for such files.
//!
//! The progress hook sees each piece's bytes as they are read (from several threads), and
//! again if the file is read a second time.

use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::accumulate::Accumulator;
use super::csv::{
    CsvOptions, Halt, convention, csv_reader, finish, read_csv_with, read_header, read_rows,
};
use super::csv_header::Header;
use super::progress::{Progress, Tap};
use super::record_starts::{QuoteTracker, is_cut};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// Bytes that can be read at any offset, from several threads at once.
pub trait ByteSource: Sync {
    /// The number of bytes.
    fn size(&self) -> io::Result<u64>;
    /// Reads bytes from `offset` into `buf`, as [`Read::read`] does (0 at the end).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl ByteSource for [u8] {
    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

/// A regular file, read with positional reads (`pread`), which leave the file's own offset
/// alone; elsewhere than on Unix the file is not cut.
impl ByteSource for std::fs::File {
    fn size(&self) -> io::Result<u64> {
        let metadata = self.metadata()?;
        if !metadata.is_file() || !cfg!(unix) {
            return Err(io::Error::other("not a regular file"));
        }
        Ok(metadata.len())
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }

    #[cfg(not(unix))]
    fn read_at(&self, _: &mut [u8], _: u64) -> io::Result<usize> {
        Err(io::Error::other("positional reads are not used here"))
    }
}

/// Reads `buf.len()` bytes from `offset`, fewer only at the end; the count read.
pub fn read_full_at<S: ByteSource + ?Sized>(
    source: &S,
    buf: &mut [u8],
    offset: u64,
) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match source.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The bytes `[at, end)` of a source, as a reader.
pub struct Range<'s, S: ?Sized> {
    pub source: &'s S,
    pub at: u64,
    pub end: u64,
}

impl<S: ByteSource + ?Sized> Read for Range<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = usize::try_from(self.end - self.at).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.source.read_at(&mut buf[..len], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// How many pieces a file of `size` bytes is read in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chunking {
    /// At most this many pieces (0 or 1: the file is read in one go).
    pub max_pieces: usize,
    /// Each piece at least this many bytes, so that small files are read in one go.
    pub min_piece_bytes: u64,
}

impl Chunking {
    pub fn pieces(self, size: u64) -> usize {
        let by_size = size / self.min_piece_bytes.max(1);
        usize::try_from(by_size)
            .unwrap_or(usize::MAX)
            .min(self.max_pieces)
            .max(1)
    }
}

/// The start of each piece: 0, then up to `pieces - 1` cuts near equal shares of the file.
fn piece_starts<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    pieces: usize,
) -> io::Result<Vec<u64>> {
    starts_at_cuts(source, size, pieces, next_cut)
}

/// 0, then up to `pieces - 1` cuts, each the first `next_cut` finds at or after an equal
/// share of the file (and after the cut before): where a reader in pieces starts each one.
pub(super) fn starts_at_cuts<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    pieces: usize,
    next_cut: impl Fn(&S, u64, u64) -> io::Result<Option<u64>>,
) -> io::Result<Vec<u64>> {
    let mut starts = vec![0];
    for i in 1..pieces as u64 {
        let target = size / pieces as u64 * i;
        let from = target.max(starts.last().copied().unwrap_or(0) + 1);
        match next_cut(source, size, from)? {
            Some(cut) => starts.push(cut),
            None => break,
        }
    }
    Ok(starts)
}

/// The first cut right after a `\n` at or after `from`, before the end of the file.
fn next_cut<S: ByteSource + ?Sized>(source: &S, size: u64, from: u64) -> io::Result<Option<u64>> {
    let mut buf = vec![0u8; 1 << 16];
    let mut at = from;
    while at < size {
        // Two bytes before `at` decide a cut at `at`; three bytes after a `\n` too.
        let start = at.saturating_sub(2);
        let n = read_full_at(source, &mut buf, start)?;
        let window = &buf[..n];
        let at_end = start + n as u64 >= size;
        let mut search = (at - start) as usize;
        while let Some(i) = memchr::memchr(b'\n', &window[search.min(n)..]) {
            let p = search + i;
            if p + 4 > n && !at_end {
                break;
            }
            if is_cut(&window[..=p], &window[p + 1..n.min(p + 4)]) {
                let cut = start + p as u64 + 1;
                return Ok((cut < size).then_some(cut));
            }
            search = p + 1;
        }
        if at_end || n < 8 {
            return Ok(None);
        }
        at = start + n as u64 - 3;
    }
    Ok(None)
}

/// What reading one piece left.
struct Piece<'k> {
    acc: Accumulator<'k>,
    unmarked_long_rows: u64,
    /// `\n` bytes in the piece (counted as it was read; whole only when read to the end).
    lines: u64,
    /// The piece ended outside any quoted field, so the next piece starts a record.
    outside_quotes: bool,
    halt: Option<Halt>,
}

/// What every piece's reading shares.
struct Job<'a, 'k, S: ?Sized> {
    source: &'a S,
    file_name: &'a str,
    known_models: &'k [&'k str],
    skip_bad_rows: bool,
    options: &'a CsvOptions,
    progress: Option<Progress>,
    /// The lowest index of a piece that stopped early or ended inside quotes: pieces after
    /// it are of no use and stop.
    stop: AtomicUsize,
}

impl<'k, S: ByteSource + ?Sized> Job<'_, 'k, S> {
    fn read_piece(&self, header: &Header, index: usize, start: u64, end: u64) -> Piece<'k> {
        let mut acc = Accumulator::new(self.file_name, self.known_models, self.skip_bad_rows);
        let range = Range {
            source: self.source,
            at: start,
            end,
        };
        let tap = Tap {
            inner: range,
            hook: self.progress.clone(),
        };
        let mut csv = csv_reader(QuoteTracker::new(tap, start == 0));
        let mut halt = None;
        if index == 0 {
            // Read again here (the caller read it to learn the columns), for its notes.
            if let Err(d) = read_header(&mut csv, &mut acc, self.options) {
                halt = Some(Halt::Unreadable(d));
            }
        }
        let mut unmarked_long_rows = 0;
        if halt.is_none() {
            match read_rows(&mut csv, header, &mut acc, convention(self.options), || {
                self.stop.load(Ordering::Relaxed) > index
            }) {
                Ok(n) => unmarked_long_rows = n,
                Err(h) => halt = Some(h),
            }
        }
        let limit = csv.get_ref();
        let outside_quotes = limit.get_ref().get_ref().outside_quotes();
        if halt.is_some() || !outside_quotes {
            self.stop.fetch_min(index, Ordering::Relaxed);
        }
        Piece {
            acc,
            unmarked_long_rows,
            lines: limit.lines,
            outside_quotes,
            halt,
        }
    }
}

/// Reads the usage CSV in `source` (`size` bytes) in up to `pieces` pieces on as many
/// threads, with exactly the result of [`read_csv_with`] on the whole.
#[allow(clippy::too_many_arguments)]
pub fn read_csv_chunked<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
    options: &CsvOptions,
    pieces: usize,
    progress: Option<Progress>,
) -> Result<UsageTotals, Diagnostic> {
    let job = Job {
        source,
        file_name,
        known_models,
        skip_bad_rows,
        options,
        progress,
        stop: AtomicUsize::new(usize::MAX),
    };
    job.read_in_pieces(size, pieces).unwrap_or_else(|| {
        let whole = Tap {
            inner: Range {
                source,
                at: 0,
                end: size,
            },
            hook: job.progress.clone(),
        };
        read_csv_with(whole, file_name, known_models, skip_bad_rows, options)
    })
}

impl<'k, S: ByteSource + ?Sized> Job<'_, 'k, S> {
    /// The result of reading in pieces, or `None` where it might differ from one reading
    /// (see the module docs).
    fn read_in_pieces(&self, size: u64, pieces: usize) -> Option<Result<UsageTotals, Diagnostic>> {
        let source = self.source;
        let (file_name, known_models, skip_bad_rows, options) = (
            self.file_name,
            self.known_models,
            self.skip_bad_rows,
            self.options,
        );
        let starts = piece_starts(source, size, pieces).ok()?;
        if starts.len() < 2 {
            return None;
        }
        let mut scratch = Accumulator::new(file_name, known_models, skip_bad_rows);
        let whole = Range {
            source,
            at: 0,
            end: size,
        };
        let header = read_header(&mut csv_reader(whole), &mut scratch, options).ok()?;
        let ends: Vec<u64> = starts.iter().skip(1).copied().chain([size]).collect();
        let read: Vec<Option<Piece>> = std::thread::scope(|scope| {
            let header = &header;
            let handles: Vec<_> = (1..starts.len())
                .map(|i| {
                    let (start, end) = (starts[i], ends[i]);
                    scope.spawn(move || self.read_piece(header, i, start, end))
                })
                .collect();
            let first = self.read_piece(header, 0, starts[0], ends[0]);
            std::iter::once(Some(first))
                .chain(handles.into_iter().map(|h| h.join().ok()))
                .collect()
        });
        let count = read.len();
        let mut total: Option<Accumulator> = None;
        let mut unmarked_long_rows: u64 = 0;
        let mut lines_before: u64 = 0;
        for (index, piece) in read.into_iter().enumerate() {
            let mut piece = piece?;
            match piece.halt {
                None => {}
                Some(Halt::BadRow(mut diagnostic)) => {
                    // Reading in one go reaches this row, and refuses it the same way, unless
                    // the rows before it overflow the sums together.
                    let fits = match &mut total {
                        Some(acc) => acc.merge(piece.acc).is_ok(),
                        None => !piece.acc.overflowed(),
                    };
                    if !fits {
                        return None;
                    }
                    diagnostic.line = diagnostic.line.saturating_add(lines_before);
                    return Some(Err(diagnostic));
                }
                Some(Halt::Unreadable(_) | Halt::Stopped) => return None,
            }
            if index + 1 < count && !piece.outside_quotes {
                return None;
            }
            piece.acc.shift_lines(lines_before);
            match &mut total {
                Some(acc) => acc.merge(piece.acc).ok()?,
                None if piece.acc.overflowed() => return None,
                None => total = Some(piece.acc),
            }
            unmarked_long_rows = unmarked_long_rows.saturating_add(piece.unmarked_long_rows);
            lines_before = lines_before.saturating_add(piece.lines);
        }
        Some(Ok(finish(total?, unmarked_long_rows)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::csv::read_csv_with;

    const KNOWN: &[&str] = &["claude-haiku-4-5", "claude-sonnet-4-5", "llama-3.3-70b"];

    type Read = Result<UsageTotals, Diagnostic>;

    /// One reading, and the reading in pieces (`None` where it would read in one go).
    fn both(text: &[u8], pieces: usize, skip: bool) -> (Read, Option<Read>) {
        let options = CsvOptions::default();
        let one = read_csv_with(text, "u.csv", KNOWN, skip, &options);
        let job = Job {
            source: text,
            file_name: "u.csv",
            known_models: KNOWN,
            skip_bad_rows: skip,
            options: &options,
            progress: None,
            stop: AtomicUsize::new(usize::MAX),
        };
        (one, job.read_in_pieces(text.len() as u64, pieces))
    }

    #[test]
    fn cuts_fall_after_record_ends_near_equal_shares() {
        let text = b"h\nab\n\ncd\r\nef\r\r\ngh\nij\n";
        let starts = piece_starts(&text[..], text.len() as u64, 8).unwrap();
        for &s in &starts[1..] {
            let s = s as usize;
            assert!(is_cut(&text[..s], &text[s..]), "{s}");
        }
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(piece_starts(&b"abc"[..], 3, 2).unwrap(), [0]);
        assert_eq!(Chunking::default().pieces(1 << 40), 1);
        let two = Chunking {
            max_pieces: 2,
            min_piece_bytes: 16,
        };
        assert_eq!(
            (two.pieces(31), two.pieces(32), two.pieces(1000)),
            (1, 2, 2)
        );
    }

    #[test]
    fn a_quoted_newline_across_a_cut_reads_as_one_reading() {
        let mut text = String::from("timestamp,model,input_tokens,output_tokens,note\n");
        for i in 0..200 {
            let note = if i % 7 == 0 { "\"two\nlines\"" } else { "x" };
            text.push_str(&format!(
                "2026-10-01T00:{:02}:00Z,claude-haiku-4-5,{i},1,{note}\n",
                i % 60
            ));
        }
        let mut fell_back = 0;
        for pieces in 2..12 {
            let (one, cut) = both(text.as_bytes(), pieces, false);
            match cut {
                Some(cut) => assert_eq!(one, cut, "{pieces} pieces"),
                None => fell_back += 1,
            }
            let whole = read_csv_chunked(
                text.as_bytes(),
                text.len() as u64,
                "u.csv",
                KNOWN,
                false,
                &CsvOptions::default(),
                pieces,
                None,
            );
            assert_eq!(one.unwrap(), whole.unwrap());
        }
        // Some cuts land inside the quoted notes (and are refused), some do not.
        assert!((1..10).contains(&fell_back), "{fell_back}");
    }

    #[test]
    fn the_first_error_keeps_its_line_and_skipped_rows_keep_theirs() {
        let mut text = String::from("timestamp,model,input_tokens,output_tokens\n");
        for i in 0..300 {
            let input = if i % 40 == 39 {
                "-1".to_owned()
            } else {
                i.to_string()
            };
            text.push_str(&format!(
                "2026-10-0{}T00:00:00Z,model-{},{input},1\n",
                1 + i % 3,
                i % 5
            ));
        }
        for pieces in 2..6 {
            let (one, cut) = both(text.as_bytes(), pieces, false);
            assert_eq!(one.unwrap_err(), cut.unwrap().unwrap_err());
            let (one, cut) = both(text.as_bytes(), pieces, true);
            let (one, cut) = (one.unwrap(), cut.unwrap().unwrap());
            assert_eq!(one.skipped.len(), 7);
            assert_eq!(one, cut);
        }
    }

    #[test]
    fn overflow_falls_back_to_one_reading() {
        let max = u64::MAX / 2 + 1;
        let text = format!(
            "timestamp,model,input_tokens,output_tokens\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,{max},0\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,1,0\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,{max},0\n\
             2026-10-01T00:00:00Z,claude-haiku-4-5,1,0\n"
        );
        for skip in [false, true] {
            for pieces in 2..5 {
                let (one, cut) = both(text.as_bytes(), pieces, skip);
                // The second piece overflows alone or when added: read in one go.
                if let Some(cut) = cut {
                    assert_eq!(one, cut, "{pieces} pieces, skip {skip}");
                }
                let whole = read_csv_chunked(
                    text.as_bytes(),
                    text.len() as u64,
                    "u.csv",
                    KNOWN,
                    skip,
                    &CsvOptions::default(),
                    pieces,
                    None,
                );
                assert_eq!(one, whole);
            }
        }
    }

    /// One random row: good, bad in one way or another, a model known or not, quoted fields
    /// (some holding newlines), any minute of a few days, CRLF or LF.
    fn row() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (
            0u64..5_000,
            0usize..6,
            0u64..1_000_000,
            0u64..1_000,
            0usize..10,
            any::<bool>(),
        )
            .prop_map(|(minute, model, input, output, shape, crlf)| {
                let models = [
                    "claude-haiku-4-5",
                    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "gpt-4o",
                    "mystery-1",
                    "\"llama-3.3-70b\"",
                    "other-2",
                ];
                let time = format!(
                    "2026-10-{:02}T{:02}:{:02}:00Z",
                    1 + minute / 1440,
                    minute / 60 % 24,
                    minute % 60
                );
                let end = if crlf { "\r\n" } else { "\n" };
                let model = models[model];
                match shape {
                    0 => format!("{time},{model},-{input},{output},x{end}"),
                    1 => format!("{time},{model},{input}{end}"),
                    2 => format!("{time},{model},{input},{output},\"a\nb, \"\"c\"\"\"{end}"),
                    3 => format!("\"{time}\",{model},{input},{output},\"\"{end}"),
                    4 => end.to_owned(),
                    5 => format!("{time},{model},{input},{output},q\"x{end}"),
                    _ => format!("{time},{model},{input},{output},n{end}"),
                }
            })
    }

    proptest::proptest! {
        /// Whatever the rows and however many pieces, reading in pieces gives exactly what
        /// reading in one go gives: the same totals, or the same error.
        #[test]
        fn pieces_read_as_one_reading(
            rows in proptest::collection::vec(row(), 0..60),
            pieces in 2usize..9,
            skip in proptest::bool::ANY,
        ) {
            let mut text = String::from("timestamp,model,input_tokens,output_tokens,note\n");
            for r in &rows {
                text.push_str(r);
            }
            let (one, cut) = both(text.as_bytes(), pieces, skip);
            match cut {
                Some(cut) => proptest::prop_assert_eq!(one, cut),
                // Only a file too small to cut, or a cut inside a quoted field holding a
                // newline, is read in one go here.
                None => proptest::prop_assert!(
                    piece_starts(text.as_bytes(), text.len() as u64, pieces).unwrap().len() < 2
                        || text.contains("\"a\n")
                ),
            }
        }
    }
}
