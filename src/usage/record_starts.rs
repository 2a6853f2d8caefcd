//! Where a usage CSV can be cut so that each piece parses on its own exactly as it does
//! inside the whole file (the chunked reader, `csv_chunks.rs`, cuts there).
//!
//! A cut is right after a `\n` byte. For the piece after it to read as the whole file does,
//! three things must hold at that byte, and this module checks each:
//!
//! 1. **The `\n` is not inside a quoted field.** A quoted field may hold newlines, so a cut
//!    chosen by looking at bytes near it can land inside one. [`QuoteTracker`] follows the
//!    csv parser's quoting rules (the csv crate's defaults: `,` delimiter, `"` quotes, a
//!    doubled `""` for a quote inside a quoted field, `\r`, `\n` or `\r\n` ending a record)
//!    over every byte of the piece *before* the cut, starting from that piece's start, which
//!    is the start of the file or a cut already proven right. A `"` opens a quoted field only
//!    where a field starts (first byte of the piece, or after `,`, `\r` or `\n`); elsewhere it
//!    is a literal byte of an unquoted field, as the parser treats it. Inside a quoted field
//!    the next `"` either doubles (`""`, still inside) or closes it. The reader checks, after
//!    reading the piece before each cut, that the tracker ended outside quotes; if it did
//!    not, the pieces are thrown away and the file is read whole, sequentially. By
//!    induction from the file's start, every accepted cut starts a record.
//! 2. **The `\n` ends a record the parser has just returned**, rather than being a blank
//!    line or the `\n` of a `\r\n` the parser sees after a record ended at the `\r`
//!    ([`CrlfToLf`](super::line_limit::CrlfToLf) leaves a `\r\n` when the file had
//!    `\r\r\n`). The csv crate stamps each record with the line it was at before skipping
//!    such bytes, so a cut there would shift the next record's line number by one. So the
//!    byte the parser sees before the `\n` (after CRLF conversion) must not be `\r` or `\n`:
//!    [`is_cut`].
//! 3. **The piece does not start with a UTF-8 byte-order mark**, which the parser strips at
//!    the start of its input but keeps in the middle of a file: [`is_cut`].

use std::io::{self, Read};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// True when a cut right after a `\n` (the bytes `before` end with it, `after` follow it)
/// keeps line numbers and the first field the same (rules 2 and 3 of the module docs).
/// Whether the `\n` is inside quotes is checked as the piece is read, by [`QuoteTracker`].
pub fn is_cut(before: &[u8], after: &[u8]) -> bool {
    let [.., prev2, prev, b'\n'] = before else {
        return false;
    };
    // The byte the parser sees before the `\n`: a `\r` right before it is dropped by the
    // CRLF conversion, and the byte before that (never itself dropped) is seen instead.
    let seen = if *prev == b'\r' { *prev2 } else { *prev };
    !matches!(seen, b'\r' | b'\n') && !after.starts_with(BOM)
}

/// Where the bytes read so far leave the parser, as far as quoting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside a quoted field; `field_start` when the next byte starts a field.
    Outside { field_start: bool },
    /// Inside a quoted field.
    Quoted,
    /// Inside a quoted field, just after a `"`: a second `"` is a literal quote, anything
    /// else closes the field.
    QuoteInQuoted,
}

/// Passes bytes through unchanged while following whether they end inside a quoted field
/// (rule 1 of the module docs). Finds quotes with `memchr`, so a file without any costs one
/// fast scan.
pub struct QuoteTracker<R> {
    inner: R,
    state: State,
    /// Bytes still to skip: a byte-order mark at the start of the file.
    skip: usize,
}

impl<R: Read> QuoteTracker<R> {
    /// Tracks `inner`, which starts at a record start; `file_start` when that is the start
    /// of the file, where the parser strips a byte-order mark.
    pub fn new(inner: R, file_start: bool) -> Self {
        Self {
            inner,
            state: State::Outside { field_start: true },
            skip: if file_start { BOM.len() } else { 0 },
        }
    }

    /// True when every byte read so far leaves the parser outside any quoted field.
    pub fn outside_quotes(&self) -> bool {
        matches!(self.state, State::Outside { .. })
    }

    fn track(&mut self, mut bytes: &[u8]) {
        if self.skip > 0 {
            let n = bytes
                .iter()
                .zip(&BOM[BOM.len() - self.skip..])
                .take_while(|(a, b)| a == b)
                .count();
            if n == self.skip.min(bytes.len()) {
                self.skip -= n;
                bytes = &bytes[n..];
            } else {
                self.skip = 0;
            }
        }
        while let Some((&first, _)) = bytes.split_first() {
            match self.state {
                State::Outside { field_start } => match memchr::memchr(b'"', bytes) {
                    None => {
                        let last = bytes[bytes.len() - 1];
                        self.state = State::Outside {
                            field_start: field_ends(last),
                        };
                        return;
                    }
                    Some(i) => {
                        let at_start = if i == 0 {
                            field_start
                        } else {
                            field_ends(bytes[i - 1])
                        };
                        self.state = if at_start {
                            State::Quoted
                        } else {
                            State::Outside { field_start: false }
                        };
                        bytes = &bytes[i + 1..];
                    }
                },
                State::Quoted => match memchr::memchr(b'"', bytes) {
                    None => return,
                    Some(i) => {
                        self.state = State::QuoteInQuoted;
                        bytes = &bytes[i + 1..];
                    }
                },
                State::QuoteInQuoted => {
                    if first == b'"' {
                        self.state = State::Quoted;
                        bytes = &bytes[1..];
                    } else {
                        // The field closed; this byte is read outside quotes.
                        self.state = State::Outside { field_start: false };
                    }
                }
            }
        }
    }
}

/// After this byte (outside quotes), the next byte starts a field.
fn field_ends(byte: u8) -> bool {
    matches!(byte, b',' | b'\n' | b'\r')
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends_outside(text: &[u8], file_start: bool) -> bool {
        let mut tracker = QuoteTracker::new(text, file_start);
        io::copy(&mut tracker, &mut io::sink()).unwrap();
        tracker.outside_quotes()
    }

    #[test]
    fn quotes_open_only_where_a_field_starts() {
        assert!(ends_outside(b"a,b\n", false));
        assert!(!ends_outside(b"a,\"b\n", false));
        assert!(ends_outside(b"a,\"b\n\",c\n", false));
        // A quote inside an unquoted field is a literal byte.
        assert!(ends_outside(b"a,b\"c\n", false));
        // A doubled quote stays inside; a closed field followed by text is outside.
        assert!(!ends_outside(b"\"a\"\"\n", false));
        assert!(ends_outside(b"\"a\"b\"\n", false));
        assert!(ends_outside(b"\"a\"\"\"\n", false));
        // After a lone `\r`, a new record (so a new field) starts.
        assert!(!ends_outside(b"a\r\"b\n", false));
        // A byte-order mark at the file's start does not hide the header's quotes.
        assert!(ends_outside(b"\xef\xbb\xbf\"a\",\"b\"\n", true));
        assert!(!ends_outside(b"\xef\xbb\xbf\"a\n", true));
    }

    #[test]
    fn cuts_avoid_blank_lines_late_crlf_and_marks() {
        assert!(is_cut(b"x,y\n", b"a"));
        assert!(is_cut(b"x,y\r\n", b"a"));
        assert!(!is_cut(b"x,y\n\n", b"a"));
        assert!(!is_cut(b"x,y\r\r\n", b"a"));
        assert!(!is_cut(b"x\n", b"\xef\xbb\xbfa"));
        assert!(!is_cut(b"\n", b"a"));
    }

    /// Whether the csv parser itself read the final `\n` of `text` (which ends in `z\n`)
    /// outside quotes: inside, it would be part of the last field.
    fn reference_outside(text: &[u8]) -> bool {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut last = Vec::new();
        for record in reader.byte_records() {
            let record = record.unwrap();
            last = record.iter().next_back().unwrap_or_default().to_vec();
        }
        !last.ends_with(b"\n")
    }

    proptest::proptest! {
        /// For text ending in a `\n` that makes a cut, the tracker agrees with the csv
        /// parser on whether that `\n` ended a record, however the bytes arrive.
        #[test]
        fn agrees_with_the_parser(
            body in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'"', b',', b'\r', b'\n']), 0..60),
        ) {
            let mut text = body.clone();
            text.extend_from_slice(b"z\n");
            let mut tracker = QuoteTracker::new(&text[..], false);
            io::copy(&mut tracker, &mut io::sink()).unwrap();
            proptest::prop_assert_eq!(tracker.outside_quotes(), reference_outside(&text));
        }
    }
}
