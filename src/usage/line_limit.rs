//! A reader that refuses a line longer than a limit, so that `/dev/zero`, a binary file or
//! a runaway field cannot make a streaming reader buffer without end.

use std::io::{self, Read};

/// The error a too-long line produces, inside an `io::Error`; readers turn it into a
/// positioned diagnostic.
#[derive(Debug)]
pub struct TooLong {
    /// The 1-based line that is too long.
    pub line: u64,
    pub max: usize,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is longer than {} bytes", self.line, self.max)
    }
}

impl std::error::Error for TooLong {}

/// Passes bytes through, failing with [`TooLong`] once a line exceeds `max` bytes.
pub struct LineLimit<R> {
    inner: R,
    max: usize,
    current: usize,
    /// Complete lines passed through so far (the too-long line is the next one).
    pub lines: u64,
}

impl<R: Read> LineLimit<R> {
    pub fn new(inner: R, max: usize) -> Self {
        Self {
            inner,
            max,
            current: 0,
            lines: 0,
        }
    }

    /// The reader inside.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> LineLimit<R> {
    fn too_long(&self, line: u64) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            TooLong {
                line,
                max: self.max,
            },
        )
    }

    /// Checks `bytes` line by line (`memchr` per line): the path for reads longer than the
    /// limit, where a line inside one read can be too long.
    fn check_each_line(&mut self, mut rest: &[u8]) -> io::Result<()> {
        loop {
            let line_end = memchr::memchr(b'\n', rest);
            let length = line_end.unwrap_or(rest.len());
            if self.current.saturating_add(length) > self.max {
                return Err(self.too_long(self.lines + 1));
            }
            match line_end {
                Some(i) => {
                    self.current = 0;
                    self.lines += 1;
                    rest = &rest[i + 1..];
                }
                None => {
                    self.current += length;
                    return Ok(());
                }
            }
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    /// This wrapper sees every byte of a usage file, so it does not look at each line: a
    /// read no longer than the limit can hold no whole line that is too long, so only the
    /// line it continues (up to its first newline) and the line it starts (after its last)
    /// are checked, and its newlines are counted in bulk.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        if n > self.max {
            self.check_each_line(bytes)?;
            return Ok(n);
        }
        let Some(first) = memchr::memchr(b'\n', bytes) else {
            if self.current.saturating_add(n) > self.max {
                return Err(self.too_long(self.lines + 1));
            }
            self.current += n;
            return Ok(n);
        };
        if self.current.saturating_add(first) > self.max {
            return Err(self.too_long(self.lines + 1));
        }
        let newlines = count_newlines(bytes);
        let last = memchr::memrchr(b'\n', bytes).unwrap_or(first);
        self.lines += newlines;
        self.current = n - last - 1;
        Ok(n)
    }
}

/// The newlines in `bytes`, counted into a byte per 128-byte block: a loop the compiler
/// turns into vector compares and adds (a plain `filter().count()` was not, and cost a tenth
/// of reading a usage CSV).
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes
        .chunks(128)
        .map(|block| {
            let in_block: u8 = block.iter().map(|&b| u8::from(b == b'\n')).sum();
            u64::from(in_block)
        })
        .sum()
}

/// The [`LineLimit`] refusal inside an I/O error, if that is what it is.
pub fn too_long(error: &io::Error) -> Option<&TooLong> {
    error.get_ref()?.downcast_ref::<TooLong>()
}

/// Turns CRLF line endings into LF, so that the CSV parser counts lines right: it ends a
/// record at the `\r` and counts the `\n` into the next record's line, one line early.
pub struct CrlfToLf<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
}

impl<R: Read> CrlfToLf<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
        }
    }

    /// The reader inside.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Makes at least two bytes available (a `\r` and the byte after it), or reaches the end.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.pos..self.len, 0);
        self.len -= self.pos;
        self.pos = 0;
        while self.len < 2 && !self.eof {
            match self.inner.read(&mut self.buf[self.len..])? {
                0 => self.eof = true,
                n => self.len += n,
            }
        }
        Ok(())
    }
}

impl<R: Read> CrlfToLf<R> {
    /// Copies the buffered runs between carriage returns whole (found with `memchr`) into
    /// `out` after its first `written` bytes, deciding byte by byte only at a `\r`.
    fn drain(&mut self, out: &mut [u8], mut written: usize) -> io::Result<usize> {
        while written < out.len() {
            if self.len - self.pos < 2 && !self.eof {
                if written > 0 {
                    break;
                }
                self.fill()?;
            }
            if self.pos == self.len {
                break;
            }
            // Before the end, the last buffered byte waits: a `\r` there needs its successor.
            let end = if self.eof { self.len } else { self.len - 1 };
            let room = out.len() - written;
            let run = &self.buf[self.pos..end.min(self.pos + room)];
            let copied = memchr::memchr(b'\r', run).unwrap_or(run.len());
            out[written..written + copied].copy_from_slice(&run[..copied]);
            written += copied;
            self.pos += copied;
            if copied < run.len() {
                // A `\r`: dropped before a `\n`, kept otherwise.
                if self.pos + 1 < self.len && self.buf[self.pos + 1] == b'\n' {
                    self.pos += 1;
                } else {
                    out[written] = b'\r';
                    written += 1;
                    self.pos += 1;
                }
            }
        }
        Ok(written)
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    /// With nothing buffered, reads straight into `out` and hands it on untouched when it
    /// holds no `\r` (most files have none): no second copy of every byte. From the first
    /// `\r` on, the bytes go through the buffer and are converted.
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len && !self.eof && !out.is_empty() {
            let room = out.len().min(self.buf.len());
            let n = self.inner.read(&mut out[..room])?;
            if n == 0 {
                self.eof = true;
                return Ok(0);
            }
            let Some(first) = memchr::memchr(b'\r', &out[..n]) else {
                return Ok(n);
            };
            self.buf[..n - first].copy_from_slice(&out[first..n]);
            self.pos = 0;
            self.len = n - first;
            return self.drain(out, first);
        }
        self.drain(out, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_over_the_limit_is_refused_and_shorter_lines_pass() {
        let mut ok = String::new();
        LineLimit::new("ab\ncd\n".as_bytes(), 2)
            .read_to_string(&mut ok)
            .unwrap();
        assert_eq!(ok, "ab\ncd\n");
        let mut limited = LineLimit::new(io::repeat(0), 1000);
        let error = io::copy(&mut limited, &mut io::sink()).unwrap_err();
        assert_eq!(too_long(&error).map(|t| t.line), Some(1));
    }

    /// A reader that hands out `.1` bytes at a time.
    struct Chunks<'a>(&'a [u8], usize);

    impl Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Reads through a reader that hands out `chunk` bytes at a time.
    fn through_chunks(text: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        CrlfToLf::new(Chunks(text, chunk))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries_and_lone_cr_stays() {
        let text = b"a,b\r\nc\rd\r\n\r\ne\r";
        for chunk in 1..=text.len() {
            assert_eq!(
                through_chunks(text, chunk),
                b"a,b\nc\rd\n\ne\r",
                "chunk {chunk}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever the chunking, the output is the input with each CRLF made LF, and the
        /// limit refuses exactly the inputs with a line longer than it, naming that line.
        #[test]
        fn crlf_and_the_limit_match_a_byte_by_byte_reading(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'\r', b'\n', b',']), 0..200),
            chunk in 1usize..40,
            max in 0usize..12,
        ) {
            let mut expected = Vec::new();
            for (i, &b) in text.iter().enumerate() {
                if !(b == b'\r' && text.get(i + 1) == Some(&b'\n')) {
                    expected.push(b);
                }
            }
            proptest::prop_assert_eq!(through_chunks(&text, chunk), expected);

            let too_long_line = text
                .split(|&b| b == b'\n')
                .position(|line| line.len() > max)
                .map(|i| i as u64 + 1);
            let mut out = Vec::new();
            let read = LineLimit::new(&text[..], max).read_to_end(&mut out);
            proptest::prop_assert_eq!(
                read.as_ref().err().and_then(too_long).map(|t| t.line),
                too_long_line
            );
        }

        /// Reads shorter and longer than the limit, line by line or in bulk, refuse the
        /// same line and count the same lines.
        #[test]
        fn the_limit_is_the_same_whatever_the_reads(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'\n', b',']), 0..300),
            chunk in 1usize..40,
            max in 0usize..60,
        ) {
            let too_long_line = text
                .split(|&b| b == b'\n')
                .position(|line| line.len() > max)
                .map(|i| i as u64 + 1);
            let mut limit = LineLimit::new(Chunks(&text, chunk), max);
            let read = io::copy(&mut limit, &mut io::sink());
            proptest::prop_assert_eq!(
                read.as_ref().err().and_then(too_long).map(|t| t.line),
                too_long_line
            );
            if read.is_ok() {
                let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
                proptest::prop_assert_eq!(limit.lines, newlines);
            }
        }
    }
}
