//! Splits a stream of JSON values (the pages of a usage report, one after another) into
//! whole pages held in one buffer, so that each page can be parsed from a slice.
//!
//! serde_json reads an `io::Read` one byte per call and tracks line and column as it goes;
//! a slice it reads many times faster. This scanner finds where each top-level value ends
//! by tracking only strings, escapes and bracket depth, reading the file in large chunks.
//! It does not validate: the parser does, on the page the scanner hands it. Memory is
//! bounded: a page larger than the limit is refused, and whitespace between pages is
//! dropped as it is passed.

use std::io::{self, Read};

/// A 1-based line and the column (in bytes) of the last byte before a page starts on it
/// (0 when the page starts a line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    pub line: u64,
    pub column: u64,
}

/// One whole top-level value, or the unfinished rest of the file.
#[derive(Debug)]
pub struct Page<'a> {
    /// From the value's first byte to its last (a scalar also takes the byte that ended it,
    /// as a parser reading on would have peeked at it).
    pub bytes: &'a [u8],
    /// Where the byte before `bytes` is.
    pub base: Base,
    /// No backslash and no empty object `{}` anywhere in the page: every key the parser
    /// meets is borrowed from `bytes`, and every object has one.
    pub plain: bool,
    /// The file ended before the value did (or the file held nothing but whitespace and
    /// `bytes` is empty).
    pub unfinished: bool,
}

/// What is buffered from a page's first byte on (see [`Pages::buffered`]).
#[derive(Debug)]
pub struct Buffered<'a> {
    pub bytes: &'a [u8],
    /// Where the byte before `bytes` is.
    pub base: Base,
    /// The file ends after `bytes`.
    pub complete: bool,
}

/// Why no page could be read.
#[derive(Debug)]
pub enum PageError {
    /// The file cannot be read past the byte after `base`.
    Io { error: io::Error, base: Base },
    /// The page starting at `base` (its first byte is the next one) is longer than `max`.
    TooLarge { base: Base, max: usize },
}

/// What the scanner is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum In {
    /// Whitespace between values.
    Between,
    /// An object or array, `depth` brackets deep.
    Container,
    /// A string at the top level.
    TopString,
    /// A number, literal or anything else at the top level.
    Scalar,
}

/// The bytes that end a run inside a string: a quote or a backslash.
static STRING_END: [bool; 256] = byte_set(b"\"\\");

/// The bytes that matter outside strings: a quote and the brackets.
static STRUCTURE: [bool; 256] = byte_set(b"\"{}[]");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// How many bytes are asked of the reader at once.
pub const CHUNK: usize = 1 << 20;

pub struct Pages<R> {
    reader: R,
    max: usize,
    buf: Vec<u8>,
    /// `buf[start..end]` is read and not yet handed out; the current value starts at `start`.
    start: usize,
    end: usize,
    /// Bytes before `scan` are scanned.
    scan: usize,
    eof: bool,
    /// Where the byte before `buf[start]` is.
    base: Base,
    state: In,
    depth: u64,
    in_string: bool,
    escaped: bool,
    plain: bool,
    /// The page handed out last, to be passed over on the next call.
    handed: usize,
}

impl<R: Read> Pages<R> {
    pub fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            max,
            buf: Vec::new(),
            start: 0,
            end: 0,
            scan: 0,
            eof: false,
            base: Base { line: 1, column: 0 },
            state: In::Between,
            depth: 0,
            in_string: false,
            escaped: false,
            plain: true,
            handed: 0,
        }
    }

    /// The next page; `None` once only whitespace is left, or then an empty unfinished page
    /// if `empty_at_end` (for the parser to say the file is empty).
    pub fn next_page(&mut self, empty_at_end: bool) -> Result<Option<Page<'_>>, PageError> {
        self.pass(self.handed);
        self.handed = 0;
        loop {
            let scalar = self.state == In::Scalar;
            let found = self.scan_to_end();
            if found.is_none() && self.state == In::Between {
                // Only whitespace is buffered: drop it, keeping its position.
                self.pass(self.end - self.start);
            }
            let len = found.unwrap_or(self.scan - self.start);
            if len > self.max {
                if scalar || self.state == In::Scalar {
                    // A scalar is never a page: let the parser say what it is.
                    self.state = In::Between;
                    self.handed = len;
                    return Ok(Some(self.page(len, false)));
                }
                return Err(PageError::TooLarge {
                    base: self.base,
                    max: self.max,
                });
            }
            if found.is_some() {
                self.handed = len;
                return Ok(Some(self.page(len, false)));
            }
            if self.eof {
                if self.state == In::Between {
                    return Ok(empty_at_end.then(|| self.page(0, true)));
                }
                let len = self.end - self.start;
                self.handed = len;
                let unfinished = self.state != In::Scalar;
                // Nothing follows: the next call finds only the end.
                self.state = In::Between;
                return Ok(Some(self.page(len, unfinished)));
            }
            if let Err(error) = self.fill() {
                let base = self.base;
                return Err(PageError::Io { error, base });
            }
        }
    }

    /// What is buffered from the next value's first byte on, where it starts, and whether
    /// the file ends after it; `None` when that value is not an object or only whitespace
    /// is left. For a reader that finds the page's end itself: it then takes the page with
    /// [`Pages::consume`], or asks for more with [`Pages::read_more`]; or it leaves the page
    /// to [`Pages::next_page`], which scans it from its start.
    pub fn buffered(&mut self) -> Result<Option<Buffered<'_>>, PageError> {
        self.pass(self.handed);
        self.handed = 0;
        if self.state != In::Between {
            return Ok(None);
        }
        loop {
            let blank = self.buf[self.start..self.end]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            self.pass(blank);
            if self.start < self.end {
                if self.buf[self.start] != b'{' {
                    return Ok(None);
                }
                return Ok(Some(Buffered {
                    bytes: &self.buf[self.start..self.end],
                    base: self.base,
                    complete: self.eof,
                }));
            }
            if self.eof {
                return Ok(None);
            }
            self.read_more(CHUNK)?;
        }
    }

    /// Reads on until at least `len` bytes are buffered from the next value's start, or
    /// the file ends.
    pub fn read_more(&mut self, len: usize) -> Result<(), PageError> {
        while self.end - self.start < len && !self.eof {
            if let Err(error) = self.fill() {
                let base = self.base;
                return Err(PageError::Io { error, base });
            }
        }
        Ok(())
    }

    /// The next `len` bytes (a page read from [`Pages::buffered`]) are taken.
    pub fn consume(&mut self, len: usize) {
        self.handed = len;
    }

    fn page(&self, len: usize, unfinished: bool) -> Page<'_> {
        Page {
            bytes: &self.buf[self.start..self.start + len],
            base: self.base,
            plain: self.plain,
            unfinished,
        }
    }

    /// Passes over `len` handed-out or whitespace bytes, moving the base past them.
    fn pass(&mut self, len: usize) {
        let bytes = &self.buf[self.start..self.start + len];
        // memchr: a page of several MB may hold no newline at all.
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.base.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
                self.base.column = (len - last - 1) as u64;
            }
            None => self.base.column += len as u64,
        }
        self.start += len;
        if self.scan < self.start {
            self.scan = self.start;
        }
        if self.start == self.end {
            (self.start, self.end, self.scan) = (0, 0, 0);
        }
    }

    /// Reads the next chunk after what is buffered, moving the unread bytes to the front.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.scan -= self.start;
            self.start = 0;
        }
        if self.buf.len() < self.end + CHUNK {
            self.buf.resize(self.end + CHUNK, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..self.end + CHUNK]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether the `}` at `close` ends an empty object: the last byte before it that is not
    /// whitespace is a `{` (outside a string, since the `}` is).
    fn opens_object(&self, close: usize) -> bool {
        self.buf[self.start..close]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(&b'{')
    }

    /// Scans on from `scan`; the length of the value starting at `start` once it ends.
    fn scan_to_end(&mut self) -> Option<usize> {
        let end = self.end;
        let mut i = self.scan;
        let found = 'scan: {
            while i < end {
                let b = self.buf[i];
                match self.state {
                    In::Between => {
                        if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                            // The value starts here: drop the whitespace before it.
                            self.scan = i;
                            self.pass(i - self.start);
                            self.plain = true;
                            self.state = match b {
                                b'{' | b'[' => {
                                    self.depth = 1;
                                    In::Container
                                }
                                b'"' => In::TopString,
                                _ => In::Scalar,
                            };
                        }
                        i += 1;
                    }
                    In::Container if self.escaped => {
                        self.escaped = false;
                        i += 1;
                    }
                    In::Container if self.in_string => {
                        // Jump to the next quote or backslash.
                        match self.buf[i..end]
                            .iter()
                            .position(|&c| STRING_END[usize::from(c)])
                        {
                            None => i = end,
                            Some(at) => {
                                i += at;
                                if self.buf[i] == b'\\' {
                                    self.plain = false;
                                    if i + 1 >= end {
                                        self.escaped = true;
                                        i = end;
                                        break 'scan None;
                                    }
                                    i += 2;
                                } else {
                                    self.in_string = false;
                                    i += 1;
                                }
                            }
                        }
                    }
                    In::Container => {
                        // Jump to the next quote or bracket, in a loop of one table
                        // lookup a byte.
                        let Some(at) = self.buf[i..end]
                            .iter()
                            .position(|&c| STRUCTURE[usize::from(c)])
                        else {
                            i = end;
                            continue;
                        };
                        let at = i + at;
                        i = at + 1;
                        match self.buf[at] {
                            b'"' => self.in_string = true,
                            b'{' | b'[' => self.depth += 1,
                            close => {
                                if close == b'}' && self.plain && self.opens_object(at) {
                                    self.plain = false;
                                }
                                self.depth -= 1;
                                if self.depth == 0 {
                                    break 'scan Some(i - self.start);
                                }
                            }
                        }
                    }
                    In::TopString => {
                        i += 1;
                        if self.escaped {
                            self.escaped = false;
                        } else if b == b'\\' {
                            self.escaped = true;
                        } else if b == b'"' {
                            break 'scan Some(i - self.start);
                        }
                    }
                    In::Scalar => {
                        i += 1;
                        if matches!(
                            b,
                            b' ' | b'\t'
                                | b'\n'
                                | b'\r'
                                | b'{'
                                | b'}'
                                | b'['
                                | b']'
                                | b'"'
                                | b','
                                | b':'
                        ) {
                            // The byte that ends a scalar is part of its page.
                            break 'scan Some(i - self.start);
                        }
                    }
                }
            }
            None
        };
        self.scan = i;
        if found.is_some() {
            self.state = In::Between;
            self.in_string = false;
            self.escaped = false;
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page of `text` read through a reader handing out `chunk` bytes at a time.
    fn pages(text: &str, max: usize) -> Result<Vec<(String, Base, bool, bool)>, String> {
        let mut pages = Pages::new(text.as_bytes(), max);
        let mut out = Vec::new();
        loop {
            match pages.next_page(false) {
                Ok(Some(p)) => {
                    let unfinished = p.unfinished;
                    out.push((
                        String::from_utf8(p.bytes.to_vec()).unwrap(),
                        p.base,
                        p.plain,
                        unfinished,
                    ));
                    if unfinished {
                        return Ok(out);
                    }
                }
                Ok(None) => return Ok(out),
                Err(PageError::TooLarge { base, .. }) => {
                    return Err(format!("too large at {}:{}", base.line, base.column));
                }
                Err(PageError::Io { error, .. }) => return Err(error.to_string()),
            }
        }
    }

    fn base(line: u64, column: u64) -> Base {
        Base { line, column }
    }

    #[test]
    fn braces_and_escaped_quotes_inside_strings_do_not_end_a_page() {
        let text = r#"{"a": "}{[\"]", "b": {"c": [1, {"d": "\\"}]}} {"e": "x"}"#;
        let got = pages(text, 1000).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, r#"{"a": "}{[\"]", "b": {"c": [1, {"d": "\\"}]}}"#);
        assert_eq!((got[0].1, got[0].2, got[0].3), (base(1, 0), false, false));
        assert_eq!(got[1].0, r#"{"e": "x"}"#);
        assert_eq!((got[1].1, got[1].2), (base(1, 46), true));
    }

    #[test]
    fn pretty_printed_pages_and_whitespace_between_pages_keep_their_positions() {
        let text = "\n  {\n \"a\": [\n  {\"b\": 1}\n ]\n}\n\n\t{\"c\": {}}{\"d\": 2}\n \n";
        let got = pages(text, 1000).unwrap();
        let found: Vec<_> = got.iter().map(|p| (p.0.as_str(), p.1, p.2)).collect();
        assert_eq!(
            found,
            [
                ("{\n \"a\": [\n  {\"b\": 1}\n ]\n}", base(2, 2), true),
                ("{\"c\": {}}", base(8, 1), false),
                ("{\"d\": 2}", base(8, 10), true),
            ]
        );
    }

    #[test]
    fn a_truncated_page_is_unfinished_and_an_oversized_one_is_refused() {
        let got = pages("{\"a\": 1}\n{\"b\": [1, \"}", 1000).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, "{\"b\": [1, \"}");
        assert_eq!((got[1].1, got[1].3), (base(2, 0), true));
        let big = format!("{{}}\n  [{}]", "1,".repeat(100));
        assert_eq!(pages(&big, 50).unwrap_err(), "too large at 2:2");
        let long = pages(&"7".repeat(100), 50).unwrap();
        assert!(long.len() == 1 && long[0].0.len() > 50, "{long:?}");
        assert_eq!(pages(" \n ", 10).unwrap(), []);
    }

    #[test]
    fn a_scalar_page_takes_the_byte_that_ended_it() {
        let got = pages("12 x", 10).unwrap();
        let found: Vec<_> = got.iter().map(|p| (p.0.as_str(), p.3)).collect();
        assert_eq!(found, [("12 ", false), ("x", false)]);
        let got = pages("\"a\\\"b\"{}", 10).unwrap();
        assert_eq!(got[0].0, "\"a\\\"b\"");
        assert_eq!(got[1].0, "{}");
    }

    #[test]
    fn any_read_sizes_find_the_same_pages() {
        struct Dribble<'a>(&'a [u8], usize);
        impl Read for Dribble<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = "{\"a\\\\\": \"\\\"}\"}\n [\"\\\\\", {}] 12 \"x\\\"\" {\"b\": 1";
        let whole = pages(text, 1000).unwrap();
        assert_eq!(whole.len(), 5, "{whole:?}");
        for size in 1..8 {
            let mut split = Pages::new(Dribble(text.as_bytes(), size), 1000);
            for expected in &whole {
                let page = split.next_page(false).unwrap().unwrap();
                let got = (
                    String::from_utf8(page.bytes.to_vec()).unwrap(),
                    page.base,
                    page.plain,
                    page.unfinished,
                );
                assert_eq!(&got, expected, "reads of {size}");
            }
        }
    }

    #[test]
    fn pages_across_chunk_boundaries_are_whole() {
        let one = format!(
            "{{\"s\": \"{}\\\"}}\", \"n\": [{}]}}",
            "x".repeat(CHUNK / 3),
            "1,".repeat(CHUNK / 5) + "1"
        );
        let text = format!("{one}\n{one} {one}");
        let got = pages(&text, 4 * CHUNK).unwrap();
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|p| p.0 == one && !p.3));
        assert_eq!(got[2].1, base(2, one.len() as u64 + 1));
    }
}
