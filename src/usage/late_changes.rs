//! Load changes that arrived out of time order (rows of a shuffled file, a second file of an
//! earlier period).
//!
//! A change is appended to an unsorted batch; when the batch is as long as what is already
//! settled (and at least [`MIN_BATCH`]), it is sorted and merged into a compact, time-ordered
//! [`ChangeLog`]. Each change is therefore sorted once and merged a logarithmic number of
//! times, against a tree insert (a cache miss or more) per change before. Memory is the
//! batch (16 bytes a change, bounded by the settled log's length) plus the compact log (about
//! five bytes a distinct minute).

use super::change_log::ChangeLog;

/// The smallest batch sorted into the log (about 1 MB of changes; small in tests, so that
/// they settle many batches).
const MIN_BATCH: usize = if cfg!(test) { 64 } else { 1 << 16 };

#[derive(Debug, Clone, Default)]
pub struct LateChanges {
    batch: Vec<(u64, i128)>,
    settled: ChangeLog,
    settled_len: usize,
}

impl LateChanges {
    pub fn push(&mut self, minute: u64, delta: i128) {
        if delta == 0 {
            return;
        }
        self.batch.push((minute, delta));
        if self.batch.len() >= MIN_BATCH.max(self.settled_len) {
            self.settle();
        }
    }

    #[cfg(test)]
    /// True when no change is held (changes that cancelled out may still be held).
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty() && self.settled_len == 0
    }

    /// Sorts the batch into the settled log.
    fn settle(&mut self) {
        let batch = sorted(&self.batch);
        let mut log = ChangeLog::default();
        let mut len = 0;
        for (minute, delta) in merged(self.settled.iter(), batch.into_iter()) {
            // In time order by construction, so every push is accepted.
            let _ = log.push(minute, delta);
            len += 1;
        }
        self.settled = log;
        self.settled_len = len;
        self.batch.clear();
    }

    /// Sorts what is left of the batch into the settled log: once no more changes come, so
    /// that reading the changes (several times: a peak, levels for each route sized) sorts
    /// nothing, and the changes are held compactly (a few bytes each, not 32).
    pub fn settle_all(&mut self) {
        if !self.batch.is_empty() {
            self.settle();
        }
    }

    /// Every non-zero change, in time order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, i128)> + '_ {
        merged(self.settled.iter(), sorted(&self.batch).into_iter())
    }
}

/// The batch sorted by minute, changes at one minute summed, zero sums left out.
fn sorted(batch: &[(u64, i128)]) -> Vec<(u64, i128)> {
    let mut batch = batch.to_vec();
    batch.sort_unstable_by_key(|&(minute, _)| minute);
    let mut out: Vec<(u64, i128)> = Vec::with_capacity(batch.len());
    for (minute, delta) in batch {
        match out.last_mut() {
            Some(last) if last.0 == minute => last.1 += delta,
            _ => out.push((minute, delta)),
        }
    }
    out.retain(|&(_, delta)| delta != 0);
    out
}

/// Two time-ordered change streams as one: changes at one minute summed, zero sums left out.
pub fn merged(
    a: impl Iterator<Item = (u64, i128)>,
    b: impl Iterator<Item = (u64, i128)>,
) -> impl Iterator<Item = (u64, i128)> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || {
        loop {
            let next = match (a.peek(), b.peek()) {
                (None, None) => return None,
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (Some(x), Some(y)) if x.0 < y.0 => a.next(),
                (Some(x), Some(y)) if x.0 > y.0 => b.next(),
                (Some(_), Some(_)) => {
                    let (minute, x) = a.next()?;
                    let (_, y) = b.next()?;
                    Some((minute, x + y))
                }
            };
            if let Some((minute, delta)) = next
                && delta != 0
            {
                return Some((minute, delta));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    proptest::proptest! {
        /// Whatever the order and however many batches settle, the changes read back as a
        /// map summing them would hold them.
        #[test]
        fn reads_back_as_a_summing_map(
            changes in proptest::collection::vec((0u64..3_000, -50i128..50), 0..3_000)
        ) {
            let mut late = LateChanges::default();
            let mut map = BTreeMap::new();
            for &(minute, delta) in &changes {
                late.push(minute, delta);
                *map.entry(minute).or_insert(0i128) += delta;
            }
            map.retain(|_, delta| *delta != 0);
            let expected: Vec<_> = map.into_iter().collect();
            proptest::prop_assert_eq!(&late.iter().collect::<Vec<_>>(), &expected);
            // Settled, and after one more change.
            late.settle_all();
            proptest::prop_assert_eq!(&late.iter().collect::<Vec<_>>(), &expected);
            proptest::prop_assert!(late.batch.is_empty());
            late.push(5, 1);
            late.push(5, -1);
            late.push(3_001, 2);
            let mut expected = expected;
            expected.push((3_001, 2));
            proptest::prop_assert_eq!(late.iter().collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn merging_sums_equal_minutes_and_drops_zeros() {
        let a = [(1, 5), (3, -2), (7, 1)];
        let b = [(1, -5), (2, 4), (7, 1)];
        let out: Vec<_> = merged(a.into_iter(), b.into_iter()).collect();
        assert_eq!(out, [(2, 4), (3, -2), (7, 2)]);
    }
}
