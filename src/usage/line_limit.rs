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
}
