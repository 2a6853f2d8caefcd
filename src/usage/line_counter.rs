//! A reader that remembers how far it has read, in lines and columns.
//!
//! serde_json reports positions only with its own errors; a result object that parses but
//! holds a bad value (a negative count, an unknown context window) needs its line too. The
//! JSON reader wraps its input in this and reads the position when a key is seen.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// A 1-based line, and the column (in bytes) of the last byte read on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

pub struct LineCounter<R> {
    inner: R,
    position: Rc<Cell<Position>>,
}

impl<R: Read> LineCounter<R> {
    /// The reader, and a handle on its position that stays valid while it is being read.
    pub fn new(inner: R) -> (Self, Rc<Cell<Position>>) {
        let position = Rc::new(Cell::new(Position { line: 1, column: 0 }));
        (
            Self {
                inner,
                position: Rc::clone(&position),
            },
            position,
        )
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut position = self.position.get();
        for &byte in buf.get(..n).unwrap_or_default() {
            if byte == b'\n' {
                position.line += 1;
                position.column = 0;
            } else {
                position.column += 1;
            }
        }
        self.position.set(position);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns_as_bytes_are_read() {
        let (mut reader, position) = LineCounter::new(&b"ab\ncd\n\nef"[..]);
        let mut byte = [0u8; 1];
        for _ in 0..4 {
            reader.read_exact(&mut byte).unwrap();
        }
        assert_eq!(position.get(), Position { line: 2, column: 1 });
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(position.get(), Position { line: 4, column: 2 });
    }
}
