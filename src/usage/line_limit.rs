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
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.current = 0;
                self.lines += 1;
            } else {
                self.current += 1;
                if self.current > self.max {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        TooLong {
                            line: self.lines + 1,
                            max: self.max,
                        },
                    ));
                }
            }
        }
        Ok(n)
    }
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

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
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
            let b = self.buf[self.pos];
            self.pos += 1;
            if b == b'\r' && self.pos < self.len && self.buf[self.pos] == b'\n' {
                continue;
            }
            out[written] = b;
            written += 1;
        }
        Ok(written)
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

    /// Reads through a reader that hands out `chunk` bytes at a time.
    fn through_chunks(text: &[u8], chunk: usize) -> Vec<u8> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
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
}
