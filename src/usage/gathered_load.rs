//! Per-minute load gathered densely before it reaches the [`LoadProfile`]s: one per
//! catalogue model and one of all traffic.
//!
//! One-minute rows land in day-long pages of per-minute totals (an array add), whatever
//! order the file is in: a shuffled month touches its thirty pages at random and costs what a
//! sorted one does. Pages reach the profile oldest first, when more than [`MAX_PAGES`] are
//! open or at the end, touching it only where the level changes, so a sorted file's changes
//! are appended in time order. Bucket rows (an hour, a day) go to the profile directly: it
//! stores a bucket as two or three changes whatever its width.
//!
//! A shuffled file's time goes to cache misses on these pages, so a row touches one page
//! only, its model's: a model's page is added to the page of all traffic when it is
//! written (1,440 adds in a row, once a day and model). Pages are small too: a page is found
//! by its day number modulo [`SLOTS`] (no tree walk), and a minute holds a `u32` (a month of
//! one model is 170 KB, so a dozen models stay in a core's cache). A minute whose sum would
//! pass `u32::MAX` sends those tokens to the profile directly, in the same minute: the
//! totals stay exact.
//!
//! Memory is bounded by the open pages (`MAX_PAGES` x 1,440 x 4 bytes, about 230 KB per
//! profile) plus the profiles, never by the file; a typo'd year opens one more page, not a
//! century of them.

use super::load::LoadProfile;

/// Minutes in a page: a day.
const PAGE_MINUTES: u64 = 1440;

/// Pages held open before the oldest is written to the profile: more than the 31 days of
/// the longest month, so a month's file in any order is gathered whole.
const MAX_PAGES: usize = 40;

/// Places for open pages, a page going to `day % SLOTS`: a power of two above
/// [`MAX_PAGES`], so that the days of any 64-day span never share a place.
const SLOTS: usize = 64;

/// Bucket rows held in a group at most: a usage report's bucket has one per model and
/// tier; a file of many rows at one minute is added in groups of this many.
const MAX_GROUP: usize = 1024;

/// One open day: its number (`minute / PAGE_MINUTES`) and its per-minute tokens.
#[derive(Debug, Clone)]
struct Page {
    day: u64,
    minutes: Box<[u32]>,
}

/// The load of each catalogue model and of all traffic (unknown models included).
#[derive(Debug, Clone)]
pub struct GatheredLoads {
    all: GatheredLoad,
    by_model: Vec<GatheredLoad>,
}

impl GatheredLoads {
    pub fn new(models: usize) -> Self {
        Self {
            all: GatheredLoad::default(),
            by_model: vec![GatheredLoad::default(); models],
        }
    }

    /// Adds `tokens` over `minutes` minutes from `minute` (see [`LoadProfile::add`]) to
    /// all traffic and, for a catalogue model, to that model's load.
    #[inline]
    pub fn add(&mut self, model: Option<usize>, minute: u64, minutes: u64, tokens: u64) {
        match model.and_then(|i| self.by_model.get_mut(i)) {
            // Reaches `all` when its page is written.
            Some(load) if minutes <= 1 => load.add_minute(minute, tokens, Some(&mut self.all)),
            Some(load) => {
                load.profile.add(minute, minutes, tokens);
                self.all.add_bucket(minute, minutes, tokens);
            }
            None => self.all.add(minute, minutes, tokens),
        }
    }

    /// Adds the loads another gathering holds (of a later piece of the same file).
    /// This one's pages are written first, so that a later piece of a time-sorted file
    /// appends to the profiles.
    pub fn merge(&mut self, mut other: GatheredLoads) {
        let (all, by_model) = self.finish();
        let (other_all, other_by_model) = other.finish();
        self.all.profile = all;
        self.all.profile.merge(&other_all);
        for ((mine, mut profile), theirs) in
            self.by_model.iter_mut().zip(by_model).zip(other_by_model)
        {
            profile.merge(&theirs);
            mine.profile = profile;
        }
    }

    /// Writes every open page and hands over the profile of all traffic and each model's.
    pub fn finish(&mut self) -> (LoadProfile, Vec<LoadProfile>) {
        let by_model = self
            .by_model
            .iter_mut()
            .map(|load| load.finish_into(Some(&mut self.all)))
            .collect();
        (self.all.finish_into(None), by_model)
    }
}

/// One profile's open pages. A model's pages, once written, are added to the pages of all
/// traffic (`all` below).
#[derive(Debug, Clone, Default)]
struct GatheredLoad {
    profile: LoadProfile,
    /// Open pages, each at `day % SLOTS` (empty until the first one-minute row).
    slots: Vec<Option<Page>>,
    open: usize,
    /// Bucket rows (`(minutes, tokens)`) starting at `group_start`, added to the profile
    /// together (see [`LoadProfile::add_buckets`]) when a row starts elsewhere.
    group: Vec<(u64, u64)>,
    group_start: u64,
    scratch: Vec<(u64, i128)>,
}

impl GatheredLoad {
    /// Adds `tokens` over `minutes` minutes from `minute` (see [`LoadProfile::add`]).
    #[inline]
    fn add(&mut self, minute: u64, minutes: u64, tokens: u64) {
        if minutes > 1 {
            self.add_bucket(minute, minutes, tokens);
        } else {
            self.add_minute(minute, tokens, None);
        }
    }

    /// Adds a bucket row to the group of rows that start at its minute.
    #[inline]
    fn add_bucket(&mut self, start: u64, minutes: u64, tokens: u64) {
        if !self.group.is_empty() && (start != self.group_start || self.group.len() >= MAX_GROUP) {
            self.add_group();
        }
        self.group_start = start;
        self.group.push((minutes, tokens));
    }

    fn add_group(&mut self) {
        if !self.group.is_empty() {
            self.profile
                .add_buckets(self.group_start, &self.group, &mut self.scratch);
            self.group.clear();
        }
    }

    /// Adds one minute's tokens to its page; a page written meanwhile is also added to
    /// `all`.
    #[inline]
    fn add_minute(&mut self, minute: u64, tokens: u64, all: Option<&mut GatheredLoad>) {
        if tokens == 0 {
            return;
        }
        let day = minute / PAGE_MINUTES;
        let at = (minute % PAGE_MINUTES) as usize;
        let slot = (day % SLOTS as u64) as usize;
        if let Some(Some(page)) = self.slots.get_mut(slot)
            && page.day == day
            && let Ok(small) = u32::try_from(tokens)
            && let Some(sum) = page.minutes[at].checked_add(small)
        {
            page.minutes[at] = sum;
            return;
        }
        let mut all = all;
        let slot = self.open_page(day, all.as_deref_mut());
        let start = day * PAGE_MINUTES;
        let page = self.slots[slot].as_mut().expect("opened");
        if let Some(sum) = u32::try_from(tokens)
            .ok()
            .and_then(|small| page.minutes[at].checked_add(small))
        {
            page.minutes[at] = sum;
        } else {
            self.profile.add(start + at as u64, 1, tokens);
            if let Some(all) = all {
                all.add_minute(start + at as u64, tokens, None);
            }
        }
    }

    /// The slot of the open page of `day`, opened (writing out the page in its place, or
    /// the oldest when [`MAX_PAGES`] are open) if it is not.
    #[cold]
    fn open_page(&mut self, day: u64, all: Option<&mut GatheredLoad>) -> usize {
        if self.slots.is_empty() {
            self.slots.resize(SLOTS, None);
        }
        let slot = (day % SLOTS as u64) as usize;
        if !matches!(&self.slots[slot], Some(page) if page.day == day) {
            if self.slots[slot].is_some() {
                self.write(slot, all);
            } else if self.open >= MAX_PAGES {
                self.write_oldest(all);
            }
            self.slots[slot] = Some(Page {
                day,
                minutes: vec![0; PAGE_MINUTES as usize].into_boxed_slice(),
            });
            self.open += 1;
        }
        slot
    }

    /// Writes the page at `slot` to the profile (and adds it to `all`) and closes it.
    fn write(&mut self, slot: usize, all: Option<&mut GatheredLoad>) {
        let Some(page) = self.slots[slot].take() else {
            return;
        };
        self.open -= 1;
        let start = page.day * PAGE_MINUTES;
        self.profile.add_minutes(start, &page.minutes);
        if let Some(all) = all {
            let slot = all.open_page(page.day, None);
            let target = all.slots[slot].as_mut().expect("opened");
            for (at, (sum, &tokens)) in target.minutes.iter_mut().zip(&page.minutes).enumerate() {
                match sum.checked_add(tokens) {
                    Some(added) => *sum = added,
                    None => all_spill(&mut all.profile, start + at as u64, tokens),
                }
            }
        }
    }

    fn write_oldest(&mut self, all: Option<&mut GatheredLoad>) {
        let oldest = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(slot, page)| page.as_ref().map(|p| (p.day, slot)))
            .min();
        if let Some((_, slot)) = oldest {
            self.write(slot, all);
        }
    }

    /// Writes every open page, oldest first (adding each to `all`), and hands over the
    /// profile.
    fn finish_into(&mut self, mut all: Option<&mut GatheredLoad>) -> LoadProfile {
        self.add_group();
        while self.open > 0 {
            self.write_oldest(all.as_deref_mut());
        }
        let mut profile = std::mem::take(&mut self.profile);
        profile.settle();
        profile
    }

    #[cfg(test)]
    fn finish(&mut self) -> LoadProfile {
        self.finish_into(None)
    }
}

/// A minute of all traffic whose page cannot hold it goes to the profile directly.
#[cold]
fn all_spill(profile: &mut LoadProfile, minute: u64, tokens: u32) {
    profile.add(minute, 1, u64::from(tokens));
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

        #[test]
        fn minutes_past_a_page_slot_are_still_exact(
            adds in proptest::collection::vec(
                (0u64..3 * PAGE_MINUTES, proptest::prop_oneof![proptest::strategy::Just(1u64), 1u64..120],
                 proptest::prop_oneof![0u64..1_000_000, (1u64 << 31)..(1u64 << 33)]),
                0..200,
            )
        ) {
            proptest::prop_assert_eq!(gathered(&adds), direct(&adds));
        }

        #[test]
        fn each_model_and_all_traffic_are_what_adding_directly_gives(
            adds in proptest::collection::vec(
                (proptest::option::of(0usize..3),
                 proptest::prop_oneof![0u64..3 * PAGE_MINUTES, 0u64..200 * PAGE_MINUTES],
                 proptest::prop_oneof![proptest::strategy::Just(1u64), 1u64..120],
                 proptest::prop_oneof![0u64..1_000_000, (1u64 << 31)..(1u64 << 33)]),
                0..300,
            ),
            split in 0usize..300,
        ) {
            let mut all = LoadProfile::default();
            let mut each = vec![LoadProfile::default(); 3];
            let mut whole = GatheredLoads::new(3);
            let (mut first, mut second) = (GatheredLoads::new(3), GatheredLoads::new(3));
            for (i, &(model, minute, minutes, tokens)) in adds.iter().enumerate() {
                all.add(minute, minutes, tokens);
                if let Some(m) = model {
                    each[m].add(minute, minutes, tokens);
                }
                whole.add(model, minute, minutes, tokens);
                let piece = if i < split { &mut first } else { &mut second };
                piece.add(model, minute, minutes, tokens);
            }
            first.merge(second);
            for gathered in [whole, first].iter_mut() {
                let (gathered_all, gathered_each) = gathered.finish();
                proptest::prop_assert_eq!(&gathered_all, &all);
                proptest::prop_assert_eq!(&gathered_each, &each);
            }
        }

        #[test]
        fn buckets_of_several_models_at_one_minute_add_up(
            adds in proptest::collection::vec(
                (proptest::option::of(0usize..3),
                 proptest::sample::select(vec![0u64, 60, 120, 1440]),
                 proptest::sample::select(vec![1u64, 60, 1440]),
                 0u64..100_000),
                0..300,
            ),
        ) {
            let mut all = LoadProfile::default();
            let mut gathered = GatheredLoads::new(3);
            for &(model, minute, minutes, tokens) in &adds {
                all.add(minute, minutes, tokens);
                gathered.add(model, minute, minutes, tokens);
            }
            proptest::prop_assert_eq!(gathered.finish().0, all);
        }

        #[test]
        fn days_that_share_a_slot_still_add_up(
            adds in proptest::collection::vec(
                (proptest::sample::select(vec![0u64, 64, 128, 1, 65, 200]), 0u64..PAGE_MINUTES, 1u64..1000),
                0..200,
            )
        ) {
            let adds: Vec<_> = adds
                .into_iter()
                .map(|(day, minute, tokens)| (day * PAGE_MINUTES + minute, 1, tokens))
                .collect();
            proptest::prop_assert_eq!(gathered(&adds), direct(&adds));
        }
    }
}
