//! A compact, append-only log of load changes in time order.
//!
//! A month of per-minute load for a dozen models is half a million changes, a year six
//! million; as `(u64, i128)` pairs in a vector that is 32 bytes each plus the vector's
//! doubling slack. Changes from a time-sorted file arrive in order, one minute after the
//! previous one, and are small: written as a varint gap and a zigzag varint delta they take
//! about five bytes. Fixed-size chunks avoid reallocation and slack, so memory is the data.

/// Bytes per chunk; a chunk is started when the next entry might not fit.
const CHUNK: usize = 64 * 1024;

/// The largest encoded entry: a 10-byte gap and a 19-byte delta.
const MAX_ENTRY: usize = 29;

#[derive(Debug, Clone, Default)]
pub struct ChangeLog {
    chunks: Vec<Vec<u8>>,
    /// The minute of the last encoded entry (gaps are relative to it).
    encoded_until: u64,
    /// The newest entry, kept open so changes at the same minute add up.
    open: Option<(u64, i128)>,
}

impl ChangeLog {
    /// The minute of the newest change, if any.
    pub fn last_minute(&self) -> Option<u64> {
        match self.open {
            Some((minute, _)) => Some(minute),
            None if self.chunks.is_empty() => None,
            None => Some(self.encoded_until),
        }
    }

    /// Appends a change at or after the newest one; `false` (and nothing appended) for a
    /// change before it, which the caller must keep elsewhere.
    #[must_use]
    pub fn push(&mut self, minute: u64, delta: i128) -> bool {
        if self.last_minute().is_some_and(|last| minute < last) {
            return false;
        }
        match self.open {
            Some((open, sum)) if open == minute => {
                let sum = sum + delta;
                self.open = (sum != 0).then_some((minute, sum));
            }
            _ => {
                if let Some((open, sum)) = self.open.take() {
                    self.encode(open, sum);
                }
                if delta != 0 {
                    self.open = Some((minute, delta));
                }
            }
        }
        true
    }

    fn encode(&mut self, minute: u64, delta: i128) {
        if self
            .chunks
            .last()
            .is_none_or(|chunk| chunk.len() + MAX_ENTRY > CHUNK)
        {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let gap = minute - self.encoded_until;
        let zigzag = ((delta << 1) ^ (delta >> 127)) as u128;
        if let Some(chunk) = self.chunks.last_mut() {
            write_varint(chunk, u128::from(gap));
            write_varint(chunk, zigzag);
        }
        self.encoded_until = minute;
    }

    /// Every change, oldest first (a change that summed to zero is left out).
    pub fn iter(&self) -> impl Iterator<Item = (u64, i128)> + '_ {
        let mut minute = 0u64;
        self.chunks
            .iter()
            .flat_map(|chunk| Decoder { bytes: chunk })
            .map(move |(gap, zigzag)| {
                minute += gap as u64;
                let delta = (zigzag >> 1) as i128 ^ -((zigzag & 1) as i128);
                (minute, delta)
            })
            .filter(|(_, delta)| *delta != 0)
            .chain(self.open)
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u128) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Decoder<'a> {
    bytes: &'a [u8],
}

impl Decoder<'_> {
    fn varint(&mut self) -> Option<u128> {
        let mut value = 0u128;
        for shift in (0..128).step_by(7) {
            let (&byte, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            value |= u128::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }
}

impl Iterator for Decoder<'_> {
    /// A gap and a zigzag delta.
    type Item = (u128, u128);
    fn next(&mut self) -> Option<Self::Item> {
        Some((self.varint()?, self.varint()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_order_and_refuses_the_past() {
        let mut log = ChangeLog::default();
        assert_eq!(log.last_minute(), None);
        let changes = [
            (0u64, 5i128),
            (1, -5),
            (29_847_600, 1_000_000),
            (29_847_601, -999_999),
            (29_847_601, -1),
            (29_847_602, 3),
            (29_847_602, -3),
            (30_000_000, i128::from(u64::MAX)),
            (30_000_001, -i128::from(u64::MAX)),
            (u64::MAX, i128::MIN / 2),
        ];
        for (minute, delta) in changes {
            assert!(log.push(minute, delta));
        }
        assert!(!log.push(5, 1));
        assert_eq!(
            log.iter().collect::<Vec<_>>(),
            [
                (0, 5),
                (1, -5),
                (29_847_600, 1_000_000),
                (29_847_601, -1_000_000),
                (30_000_000, i128::from(u64::MAX)),
                (30_000_001, -i128::from(u64::MAX)),
                (u64::MAX, i128::MIN / 2),
            ]
        );
        assert_eq!(log.last_minute(), Some(u64::MAX));
    }

    #[test]
    fn a_long_run_spans_chunks_and_stays_small() {
        let mut log = ChangeLog::default();
        let start = 29_847_600u64;
        for i in 0..100_000u64 {
            assert!(log.push(start + i, if i % 2 == 0 { 12_345 } else { -12_345 }));
        }
        assert!(log.chunks.len() > 1);
        let bytes: usize = log.chunks.iter().map(Vec::len).sum();
        assert!(bytes < 100_000 * 5, "{bytes} bytes");
        let decoded: Vec<_> = log.iter().collect();
        assert_eq!(decoded.len(), 100_000);
        assert!(
            decoded
                .iter()
                .enumerate()
                .all(|(i, &(m, d))| m == start + i as u64
                    && d == if i % 2 == 0 { 12_345 } else { -12_345 })
        );
    }
}
