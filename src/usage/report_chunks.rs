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

use super::csv_chunks::{ByteSource, Range, read_full_at, starts_at_cuts};
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
    starts_at_cuts(source, size, pieces, next_line_page)
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
        if index > 0 && piece.skipped_any() {
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

    /// A load profile as what it means: its load minute by minute (as runs of equal
    /// minutes, next runs at the same level joined), where it starts, its widest bucket
    /// and its total. Pieces record the same load in other changes.
    fn meaning(load: &crate::usage::load::LoadProfile) -> Meaning {
        let mut runs: Vec<(u64, u64)> = Vec::new();
        for (level, minutes) in load.runs() {
            match runs.last_mut() {
                Some((last, more)) if *last == level => *more += minutes,
                _ => runs.push((level, minutes)),
            }
        }
        (
            runs,
            load.first_minute(),
            load.widest_bucket_minutes(),
            load.total_tokens(),
        )
    }

    type Meaning = (Vec<(u64, u64)>, Option<u64>, u64, u128);

    /// The totals with each load profile replaced by its meaning.
    type Meant = (UsageTotals, Vec<Meaning>);

    fn meant(totals: &UsageTotals) -> Meant {
        let mut rest = totals.clone();
        let loads = std::iter::once(&totals.load)
            .chain(totals.load_by_model.values())
            .map(meaning)
            .collect();
        rest.load = Default::default();
        for load in rest.load_by_model.values_mut() {
            *load = Default::default();
        }
        (rest, loads)
    }

    #[test]
    fn cuts_fall_on_a_brace_that_starts_a_line() {
        let text = b"{\"a\":\n{}}\n{\"b\": 1}\n\n{\"c\": 2}\n";
        let starts = page_starts(&text[..], text.len() as u64, 3).unwrap();
        assert_eq!(starts, [0, 10, 20]);
        for &s in &starts[1..] {
            assert_eq!(text[s as usize], b'{');
            assert_eq!(text[s as usize - 1], b'\n');
        }
        assert_eq!(page_starts(&b"{}\n"[..], 3, 2).unwrap(), [0]);
    }

    #[test]
    fn good_pages_one_a_line_are_read_in_pieces_with_one_reading_s_totals() {
        let page = |i: u32, more: bool| {
            format!(
                "{{\"data\": [{{\"starting_at\": \"2026-10-01T00:{i:02}:00Z\", \
                 \"ending_at\": \"2026-10-01T01:{i:02}:00Z\", \"results\": [\
                 {{\"uncached_input_tokens\": {i}, \"output_tokens\": 1, \
                 \"model\": \"claude-haiku-4-5\", \"service_tier\": \"flex\"}}, \
                 {{\"uncached_input_tokens\": 5, \"output_tokens\": 2, \
                 \"model\": \"mystery-{}\"}}]}}], \"has_more\": {more}}}\n",
                i % 3
            )
        };
        for last_more in [true, false] {
            let text: String = (0..9).map(|i| page(i, i == 8 && last_more)).collect();
            let one = read_usage_report(text.as_bytes(), "r.json", KNOWN, false).unwrap();
            for pieces in 2..5 {
                let cut = read_report_chunked(
                    text.as_bytes(),
                    text.len() as u64,
                    "r.json",
                    KNOWN,
                    false,
                    pieces,
                    None,
                );
                assert_eq!(
                    cut.as_ref().map(meant),
                    Some(meant(&one)),
                    "{pieces} pieces"
                );
            }
            assert_eq!(
                one.notes.iter().any(|n| n.contains("has_more")),
                last_more,
                "{:?}",
                one.notes
            );
        }
        // A cut inside a page (a bucket starting a line) is left to one reading.
        let bucket = "\n{\"starting_at\": \"2026-10-01T00:00:00Z\", \"ending_at\": \
                      \"2026-10-01T00:01:00Z\", \"results\": []}";
        let text = format!(
            "{{\"data\": [{}]}}\n{{\"data\": []}}\n",
            [bucket; 10].join(",")
        );
        let one = read_usage_report(text.as_bytes(), "r.json", KNOWN, false);
        assert!(one.is_ok(), "{one:?}");
        assert_eq!(
            read_report_chunked(
                text.as_bytes(),
                text.len() as u64,
                "r.json",
                KNOWN,
                false,
                2,
                None
            ),
            None
        );
    }

    mod laws {
        use super::*;
        use proptest::prelude::*;

        /// A page of buckets of results, laid out with a bucket or a result starting a line
        /// when `lines` (so that a cut may fall inside a page).
        fn page() -> impl Strategy<Value = String> {
            let result = (
                prop::sample::select(vec![
                    "\"claude-haiku-4-5\"",
                    "\"claude-sonnet-4-5\"",
                    "\"mystery\"",
                    "null",
                ]),
                prop::sample::select(vec!["\"standard\"", "\"batch\"", "\"flex\"", "null"]),
                0u64..5000,
                prop::sample::select(vec!["1", "7", "0", "12", "30", "null", "5", "-1", "2.5"]),
            )
                .prop_map(|(model, tier, input, output)| {
                    format!(
                        "{{\"uncached_input_tokens\": {input}, \"output_tokens\": {output}, \
                         \"model\": {model}, \"service_tier\": {tier}}}"
                    )
                });
            let bucket = (
                0u32..3,
                prop::sample::select(vec![1u32, 60]),
                prop::collection::vec(result, 0..4),
                prop::sample::select(vec![", ", ",\n", ",\n  "]),
            )
                .prop_map(|(day, width, results, gap)| {
                    let at =
                        |m: u32| format!("2026-10-{:02}T{:02}:{:02}:00Z", 1 + day, m / 60, m % 60);
                    format!(
                        "{{\"starting_at\": \"{}\", \"ending_at\": \"{}\", \"results\": [{}]}}",
                        at(60),
                        at(60 + width),
                        results.join(gap)
                    )
                });
            (
                prop::collection::vec(bucket, 1..5),
                prop::sample::select(vec![", ", ",\n"]),
                prop::sample::select(vec!["true", "false", "null"]),
            )
                .prop_map(|(buckets, gap, more)| {
                    format!(
                        "{{\"data\": [{}], \"has_more\": {more}}}",
                        buckets.join(gap)
                    )
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            /// Reading in pieces gives exactly what one reading gives, or leaves the file to
            /// one reading: for pages whose buckets start lines (cuts inside pages), bad
            /// rows skipped or not, and a byte changed anywhere.
            #[test]
            fn pieces_give_what_one_reading_gives(
                pages in prop::collection::vec(page(), 1..6),
                pieces in 2usize..5,
                skip in any::<bool>(),
                change in any::<prop::sample::Index>(),
                byte in prop::sample::select(b"{}[]\",:\\ \n0a-".to_vec()),
                changed in any::<bool>(),
            ) {
                let mut bytes = pages.join("\n").into_bytes();
                if changed {
                    let i = change.index(bytes.len());
                    bytes[i] = byte;
                }
                let one = read_usage_report(&bytes[..], "r.json", KNOWN, skip);
                let cut = read_report_chunked(
                    &bytes[..], bytes.len() as u64, "r.json", KNOWN, skip, pieces, None,
                );
                if let Some(cut) = cut {
                    prop_assert_eq!(one.as_ref().map(meant), Ok(meant(&cut)));
                }
            }
        }
    }
}
