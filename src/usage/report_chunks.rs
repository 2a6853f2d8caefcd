//! One large usage report (JSON pages one after another) read on several cores, with the
//! result of reading it in one go.
//!
//! The pages of a report are independent top-level values. The file is cut near equal
//! shares, each cut at a `{` that starts a line: where a page starts in the files the API
//! loop writes (one page a line). Each piece is read on its own thread as if it were a
//! file ([`read_report_piece`]), and the pieces' totals are added up in file order
//! ([`ReportPiece::merge`]).
//!
//! A cut is checked by the reading itself: a piece that reads as whole pages to its end
//! proves that the next cut starts a page (the first piece starts the file), so the next
//! piece reads as it does inside the whole file. Where anything could differ from one
//! reading, the pieces are dropped and the file is read in one go from its start: any
//! piece that ends in an error (a cut inside a page, broken JSON, a bad row without
//! `--skip-bad-rows`, a read error, a page over the limit), a row skipped in any piece but
//! the first (its diagnostic names lines and pages counted from the piece's start), or
//! totals that cannot be added (see [`ReportPiece::merge`]). This costs a second reading
//! only for such files.

use std::io;

use super::csv_chunks::{ByteSource, Range, read_full_at};
use super::progress::{Progress, Tap};
use super::report_json::{ReportPiece, read_report_piece};
use super::totals::UsageTotals;
use crate::support::diagnostic::Diagnostic;

/// The start of each piece: 0, then up to `pieces - 1` cuts near equal shares of the file.
pub fn page_starts<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    pieces: usize,
) -> io::Result<Vec<u64>> {
    let mut starts = vec![0];
    for i in 1..pieces as u64 {
        let target = size / pieces as u64 * i;
        let from = target.max(starts.last().copied().unwrap_or(0) + 1);
        match next_line_page(source, size, from)? {
            Some(cut) => starts.push(cut),
            None => break,
        }
    }
    Ok(starts)
}

/// The first `{` right after a `\n` at or after `from`.
fn next_line_page<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    from: u64,
) -> io::Result<Option<u64>> {
    let mut buf = vec![0u8; 1 << 16];
    let mut at = from.saturating_sub(1);
    while at < size {
        let n = read_full_at(source, &mut buf, at)?;
        let window = &buf[..n];
        for p in memchr::memchr_iter(b'\n', window) {
            match window.get(p + 1) {
                Some(b'{') => return Ok(Some(at + p as u64 + 1)),
                Some(_) => {}
                // The next byte is in the next window.
                None => break,
            }
        }
        if n < 2 {
            return Ok(None);
        }
        at += n as u64 - 1;
    }
    Ok(None)
}

/// Reads the usage report in `source` (`size` bytes) in up to `pieces` pieces on as many
/// threads; `None` where the result could differ from one reading (see the module docs),
/// for the caller to read the file in one go.
pub fn read_report_chunked<S: ByteSource + ?Sized>(
    source: &S,
    size: u64,
    file_name: &str,
    known_models: &[&str],
    skip_bad_rows: bool,
    pieces: usize,
    progress: Option<Progress>,
) -> Option<UsageTotals> {
    let starts = page_starts(source, size, pieces).ok()?;
    if starts.len() < 2 {
        return None;
    }
    let ends: Vec<u64> = starts.iter().skip(1).copied().chain([size]).collect();
    let read_piece = |i: usize| {
        let range = Range {
            source,
            at: starts[i],
            end: ends[i],
        };
        let tap = Tap {
            inner: range,
            hook: progress.clone(),
        };
        read_report_piece(tap, file_name, known_models, skip_bad_rows)
    };
    let read: Vec<Option<Result<ReportPiece, Diagnostic>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..starts.len())
            .map(|i| {
                let read_piece = &read_piece;
                scope.spawn(move || read_piece(i))
            })
            .collect();
        let first = read_piece(0);
        std::iter::once(Some(first))
            .chain(handles.into_iter().map(|h| h.join().ok()))
            .collect()
    });
    let mut total: Option<ReportPiece> = None;
    for (index, piece) in read.into_iter().enumerate() {
        let piece = piece?.ok()?;
        if index > 0 && piece.skipped_rows() > 0 {
            return None;
        }
        match &mut total {
            Some(total) => total.merge(piece).ok()?,
            None => total = Some(piece),
        }
    }
    total.map(ReportPiece::finish)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::report_json::read_usage_report;

    const KNOWN: &[&str] = &["claude-haiku-4-5", "claude-sonnet-4-5"];

    #[test]
    fn cuts_fall_on_a_brace_that_starts_a_line() {
        let text = b"{\"a\":\n{}}\n{\"b\": 1}\n\n{\"c\": 2}\n";
        let starts = page_starts(&text[..], text.len() as u64, 3).unwrap();
        assert_eq!(starts, [0, 6, 25]);
        for &s in &starts[1..] {
            assert_eq!(text[s as usize], b'{');
            assert_eq!(text[s as usize - 1], b'\n');
        }
        assert_eq!(page_starts(&b"{}\n"[..], 3, 2).unwrap(), [0]);
    }
}
