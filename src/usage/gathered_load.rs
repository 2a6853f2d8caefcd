//! Per-minute load gathered densely before it reaches the [`LoadProfile`].
//!
//! One-minute rows land in day-long pages of per-minute totals (an array add), whatever
//! order the file is in: a shuffled month touches its thirty pages at random and costs what a
//! sorted one does. Pages reach the profile oldest first, when more than [`MAX_PAGES`] are
//! open or at the end, touching it only where the level changes, so a sorted file's changes
//! are appended in time order. Bucket rows (an hour, a day) go to the profile directly: it
//! stores a bucket as two or three changes whatever its width.
//!
//! Memory is bounded by the open pages (`MAX_PAGES` x 1,440 x 8 bytes, about 460 KB per
//! profile) plus the profile, never by the file; a typo'd year opens one more page, not a
//! century of them.

use std::collections::BTreeMap;

use super::load::LoadProfile;

/// Minutes in a page: a day.
const PAGE_MINUTES: u64 = 1440;

/// Pages held open before the oldest is written to the profile: more than the 31 days of
/// the longest month, so a month's file in any order is gathered whole.
const MAX_PAGES: usize = 40;

#[derive(Debug, Clone, Default)]
pub struct GatheredLoad {
    profile: LoadProfile,
    /// Open pages by page number (`minute / PAGE_MINUTES`).
    pages: BTreeMap<u64, Box<[u64]>>,
}

impl GatheredLoad {
    /// Adds `tokens` over `minutes` minutes from `minute` (see [`LoadProfile::add`]).
    #[inline]
    pub fn add(&mut self, minute: u64, minutes: u64, tokens: u64) {
        if minutes > 1 {
            self.profile.add(minute, minutes, tokens);
            return;
        }
        if tokens == 0 {
            return;
        }
        let number = minute / PAGE_MINUTES;
        let page = match self.pages.get_mut(&number) {
            Some(page) => page,
            None => {
                if self.pages.len() >= MAX_PAGES {
                    self.write_oldest();
                }
                self.pages
                    .entry(number)
                    .or_insert_with(|| vec![0; PAGE_MINUTES as usize].into_boxed_slice())
            }
        };
        // Cannot overflow in practice: every token here is also in the caller's checked
        // total; saturating keeps a hostile sum from wrapping.
        let slot = &mut page[(minute % PAGE_MINUTES) as usize];
        *slot = slot.saturating_add(tokens);
    }

    fn write_oldest(&mut self) {
        if let Some((number, page)) = self.pages.pop_first() {
            self.profile.add_minutes(number * PAGE_MINUTES, &page);
        }
    }

    /// Adds the load another gathering holds (of a later piece of the same file).
    /// This one's pages are written first, so that a later piece of a time-sorted file
    /// appends to the profile.
    pub fn merge(&mut self, mut other: GatheredLoad) {
        let mut mine = self.finish();
        mine.merge(&other.finish());
        self.profile = mine;
    }

    /// Writes every open page, oldest first, and hands over the profile.
    pub fn finish(&mut self) -> LoadProfile {
        while !self.pages.is_empty() {
            self.write_oldest();
        }
        std::mem::take(&mut self.profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(adds: &[(u64, u64, u64)]) -> LoadProfile {
        let mut load = LoadProfile::default();
        for &(minute, minutes, tokens) in adds {
            load.add(minute, minutes, tokens);
        }
        load
    }

    fn gathered(adds: &[(u64, u64, u64)]) -> LoadProfile {
        let mut load = GatheredLoad::default();
        for &(minute, minutes, tokens) in adds {
            load.add(minute, minutes, tokens);
        }
        load.finish()
    }

    #[test]
    fn more_days_than_open_pages_still_add_up() {
        // 100 days visited twice, out of order: pages are written early and reopened.
        let adds: Vec<_> = (0..200u64)
            .map(|i| (((i * 37) % 100) * PAGE_MINUTES + i % 7, 1, i + 1))
            .collect();
        assert_eq!(gathered(&adds), direct(&adds));
    }

    #[test]
    fn the_last_minute_of_time_is_kept() {
        let adds = [(u64::MAX - 1, 1, 5), (3, 1, 2)];
        assert_eq!(gathered(&adds), direct(&adds));
    }

    proptest::proptest! {
        #[test]
        fn gathering_is_the_same_as_adding_directly(
            adds in proptest::collection::vec(
                (0u64..200_000, proptest::prop_oneof![proptest::strategy::Just(1u64), 1u64..120],
                 0u64..1_000_000),
                0..200,
            )
        ) {
            proptest::prop_assert_eq!(gathered(&adds), direct(&adds));
        }
    }
}
