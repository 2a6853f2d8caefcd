//! Tokens per minute over the observed period: the input to provisioned-throughput sizing.
//!
//! The profile is a step function stored as its changes (a difference map): adding `t`
//! tokens spread over minutes `[s, s + n)` touches at most three keys, whatever `n` is, so a
//! daily bucket costs the same as a one-minute row. Keys are minutes, so memory is bounded
//! by the time span (and by the number of rows), never by the size of the file. Changes
//! that arrive in time order (runs of minutes from a time-sorted file) are appended to a
//! compact log (about five bytes a minute, see `change_log.rs`); the rest are collected
//! unsorted and, in batches, sorted into a second compact log (`late_changes.rs`), so a
//! row out of order costs an append, not a tree insert; readers see the logs merged.
//!
//! Attribution: a row or result for one request or one minute counts in its minute. A
//! coarser bucket (an hourly or daily usage-report bucket, a CSV row with `bucket_width`)
//! is spread evenly over its minutes (the remainder, one token each, over its first
//! minutes), so totals stay exact; the peak of such a profile is the bucket's average rate,
//! a lower bound of the real peak. [`LoadProfile::widest_bucket_minutes`] says how coarse
//! the data was, so a report can say so.

use super::change_log::ChangeLog;
use super::late_changes::{LateChanges, merged};

/// Per-minute token totals (input + output + cache reads + cache writes), keyed by minutes
/// since the Unix epoch.
#[derive(Debug, Clone, Default)]
pub struct LoadProfile {
    /// Changes of the per-minute rate that arrived in time order, compactly.
    runs: ChangeLog,
    /// Changes of the per-minute rate that arrived out of time order.
    late: LateChanges,
    first: Option<u64>,
    /// One past the last minute with load.
    end: u64,
    widest_bucket: u64,
    total: u128,
}

impl LoadProfile {
    /// Spreads `tokens` evenly over `minutes` minutes starting at `start` (see the module
    /// docs). `minutes` of 0 counts as 1.
    pub fn add(&mut self, start: u64, minutes: u64, tokens: u64) {
        let (changes, count) = self.bucket_changes(start, minutes, tokens);
        // In time order, so a time-sorted file's buckets append to the runs.
        let in_order = self.runs.last_minute().is_none_or(|last| last <= start);
        for &(minute, delta) in &changes[..count] {
            self.record(in_order, minute, delta);
        }
    }

    /// Adds several buckets that start at the same minute (`(minutes, tokens)` each, as
    /// [`LoadProfile::add`] takes them) as one step, their changes sorted together: a usage
    /// report's time bucket holds one result per model, and added one by one every model's
    /// changes after the first would arrive out of time order. `scratch` is reused.
    pub fn add_buckets(
        &mut self,
        start: u64,
        buckets: &[(u64, u64)],
        scratch: &mut Vec<(u64, i128)>,
    ) {
        scratch.clear();
        for &(minutes, tokens) in buckets {
            let (changes, count) = self.bucket_changes(start, minutes, tokens);
            scratch.extend_from_slice(&changes[..count]);
        }
        scratch.sort_unstable_by_key(|&(minute, _)| minute);
        let in_order = self.runs.last_minute().is_none_or(|last| last <= start);
        let mut i = 0;
        while i < scratch.len() {
            let minute = scratch[i].0;
            let mut delta = 0;
            while i < scratch.len() && scratch[i].0 == minute {
                delta += scratch[i].1;
                i += 1;
            }
            if delta != 0 {
                self.record(in_order, minute, delta);
            }
        }
    }

    /// Counts a bucket in the span and total, and returns its changes in time order (the
    /// first `count` of the array; none when it has no tokens).
    fn bucket_changes(
        &mut self,
        start: u64,
        minutes: u64,
        tokens: u64,
    ) -> ([(u64, i128); 3], usize) {
        let minutes = minutes.max(1);
        let mut changes = [(0, 0); 3];
        if tokens == 0 {
            return (changes, 0);
        }
        self.widest_bucket = self.widest_bucket.max(minutes);
        let end = start.saturating_add(minutes);
        let minutes = end - start;
        let (each, remainder) = (tokens / minutes, tokens % minutes);
        let count = if remainder > 0 {
            changes[0] = (start, i128::from(each) + 1);
            changes[1] = (start + remainder, -1);
            changes[2] = (end, -i128::from(each));
            3
        } else {
            changes[0] = (start, i128::from(each));
            changes[1] = (end, -i128::from(each));
            2
        };
        self.first = Some(self.first.map_or(start, |f| f.min(start)));
        self.end = self.end.max(end);
        self.total += u128::from(tokens);
        (changes, count)
    }

    /// Adds one-minute loads for consecutive minutes from `start` (`tokens[i]` in minute
    /// `start + i`), touching the map only where the level changes: the bulk path for
    /// time-sorted rows.
    pub(crate) fn add_minutes(&mut self, start: u64, tokens: &[u32]) {
        // Minutes past the end of time are dropped rather than wrapped.
        let room = usize::try_from(u64::MAX - start).unwrap_or(usize::MAX);
        let tokens = &tokens[..tokens.len().min(room)];
        let Some(first) = tokens.iter().position(|&t| t > 0) else {
            return;
        };
        let last = tokens.iter().rposition(|&t| t > 0).unwrap_or(first);
        let in_order = self
            .runs
            .last_minute()
            .is_none_or(|last| last <= start + first as u64);
        let mut level: u32 = 0;
        for (i, &t) in tokens.iter().enumerate().take(last + 1).skip(first) {
            if t != level {
                let delta = i128::from(t) - i128::from(level);
                self.record(in_order, start + i as u64, delta);
                level = t;
            }
            self.total += u128::from(t);
        }
        self.record(in_order, start + last as u64 + 1, -i128::from(level));
        let first = start + first as u64;
        self.first = Some(self.first.map_or(first, |f| f.min(first)));
        self.end = self.end.max(start + last as u64 + 1);
        self.widest_bucket = self.widest_bucket.max(1);
    }

    /// Appends a change to the runs when it is in time order, or records it in the map.
    fn record(&mut self, in_order: bool, minute: u64, delta: i128) {
        if !(in_order && self.runs.push(minute, delta)) {
            self.change(minute, delta);
        }
    }

    /// Every non-zero change, in time order: the runs and the late changes merged.
    fn all_changes(&self) -> impl Iterator<Item = (u64, i128)> + '_ {
        merged(self.runs.iter(), self.late.iter())
    }

    fn change(&mut self, minute: u64, delta: i128) {
        self.late.push(minute, delta);
    }

    /// Settles the changes that arrived out of time order (see [`LateChanges::settle_all`]):
    /// called once a profile is complete, before it is read.
    pub fn settle(&mut self) {
        self.late.settle_all();
    }

    /// Adds another profile (from another file of the same period, say).
    /// Changes at or after this profile's newest in-order change are appended (a later piece
    /// of a time-sorted file costs no sorting); the rest are kept as late changes.
    pub fn merge(&mut self, other: &LoadProfile) {
        for (minute, delta) in other.all_changes() {
            self.record(true, minute, delta);
        }
        if let Some(first) = other.first {
            self.first = Some(self.first.map_or(first, |f| f.min(first)));
        }
        self.end = self.end.max(other.end);
        self.widest_bucket = self.widest_bucket.max(other.widest_bucket);
        self.total += other.total;
        self.settle();
    }

    /// The busiest minute's tokens (0 for an empty profile).
    pub fn peak_tokens_per_minute(&self) -> u64 {
        let mut level: i128 = 0;
        let mut peak: i128 = 0;
        for (_, delta) in self.all_changes() {
            level += delta;
            peak = peak.max(level);
        }
        u64::try_from(peak).unwrap_or(u64::MAX)
    }

    /// Minutes from the first minute with load to the last, both included (0 when empty).
    pub fn minutes(&self) -> u64 {
        self.first.map_or(0, |first| self.end - first)
    }

    /// The first minute with load, in minutes since the Unix epoch.
    pub fn first_minute(&self) -> Option<u64> {
        self.first
    }

    /// Every token counted, across the whole period.
    pub fn total_tokens(&self) -> u128 {
        self.total
    }

    /// The widest time bucket with load, in minutes: 1 for per-request or per-minute data, 0
    /// for an empty profile. Above 1, the peak is a lower bound (see the module docs).
    pub fn widest_bucket_minutes(&self) -> u64 {
        self.widest_bucket
    }

    /// How many minutes of the span ran at each load level (tokens a minute), zero minutes
    /// included: the histogram provisioned sizing needs. Built from the changes, so it costs
    /// time in proportion to the number of level changes, not to the minutes spanned (a
    /// year of hourly buckets is 17,520 changes, not 525,600 minutes).
    pub fn levels(&self) -> std::collections::BTreeMap<u64, u64> {
        let Some(first) = self.first else {
            return std::collections::BTreeMap::new();
        };
        // Runs gathered in a vector, sorted and summed once: minute buckets change level
        // nearly every minute, and a map entry per change costs more.
        let mut runs = Vec::new();
        let mut level: i128 = 0;
        let mut since = first;
        for (minute, delta) in self.all_changes() {
            let minute = minute.clamp(first, self.end);
            if minute > since {
                runs.push((u64::try_from(level).unwrap_or(u64::MAX), minute - since));
                since = minute;
            }
            level += delta;
        }
        if self.end > since {
            runs.push((u64::try_from(level).unwrap_or(u64::MAX), self.end - since));
        }
        sum_sorted(runs).collect()
    }

    /// The load as runs of equal minutes, `(tokens per minute, minutes at that rate)`, zero
    /// minutes included, in time order. Its length follows the number of changes (so the
    /// rows read), not the time span: a typo'd year costs one long run, not a century of
    /// minutes.
    pub fn runs(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let start = self.first.unwrap_or(0);
        let end = start + self.minutes();
        let mut changes = self.all_changes().peekable();
        let mut level: i128 = 0;
        let mut at = start;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            while let Some((_, delta)) = changes.next_if(|(m, _)| *m <= at) {
                level += delta;
            }
            let next = changes.peek().map_or(end, |(m, _)| (*m).min(end));
            let run = (u64::try_from(level).unwrap_or(u64::MAX), next - at);
            at = next;
            Some(run)
        })
    }

    /// Tokens in each minute of the span, zero minutes included, in order.
    pub fn per_minute(&self) -> impl Iterator<Item = u64> + '_ {
        let mut changes = self.all_changes().peekable();
        let mut level: i128 = 0;
        let start = self.first.unwrap_or(0);
        (start..start + self.minutes()).map(move |minute| {
            while let Some((_, delta)) = changes.next_if(|(m, _)| *m <= minute) {
                level += delta;
            }
            u64::try_from(level).unwrap_or(u64::MAX)
        })
    }
}

/// Equal when they describe the same load, however the changes are stored.
/// `(level, minutes)` pairs in any order as a histogram: ascending levels, each level's
/// minutes summed. A sort and one pass, where a map costs an entry a pair.
pub fn sum_sorted(mut pairs: Vec<(u64, u64)>) -> impl Iterator<Item = (u64, u64)> {
    pairs.sort_unstable_by_key(|&(level, _)| level);
    let mut pairs = pairs.into_iter().peekable();
    std::iter::from_fn(move || {
        let (level, mut minutes) = pairs.next()?;
        while let Some((_, more)) = pairs.next_if(|&(next, _)| next == level) {
            minutes = minutes.saturating_add(more);
        }
        Some((level, minutes))
    })
}

impl PartialEq for LoadProfile {
    fn eq(&self, other: &Self) -> bool {
        self.first == other.first
            && self.end == other.end
            && self.widest_bucket == other.widest_bucket
            && self.total == other.total
            && self.all_changes().eq(other.all_changes())
    }
}

impl Eq for LoadProfile {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_minutes_add_up_and_the_peak_is_the_busiest() {
        let mut load = LoadProfile::default();
        load.add(10, 1, 5);
        load.add(10, 1, 7);
        load.add(12, 1, 3);
        assert_eq!(load.per_minute().collect::<Vec<_>>(), [12, 0, 3]);
        assert_eq!(load.runs().collect::<Vec<_>>(), [(12, 1), (0, 1), (3, 1)]);
        assert_eq!(load.peak_tokens_per_minute(), 12);
        assert_eq!(load.minutes(), 3);
        assert_eq!(load.first_minute(), Some(10));
        assert_eq!(load.total_tokens(), 15);
        assert_eq!(load.widest_bucket_minutes(), 1);
    }

    #[test]
    fn buckets_spread_evenly_with_the_remainder_first() {
        let mut load = LoadProfile::default();
        load.add(0, 4, 10);
        assert_eq!(load.per_minute().collect::<Vec<_>>(), [3, 3, 2, 2]);
        assert_eq!(load.peak_tokens_per_minute(), 3);
        assert_eq!(load.widest_bucket_minutes(), 4);
        // A day of 1440 tokens is one a minute, however many keys that would have taken.
        let mut day = LoadProfile::default();
        day.add(1440, 1440, 1440);
        assert_eq!(day.peak_tokens_per_minute(), 1);
        assert_eq!(day.minutes(), 1440);
        assert!(day.late.is_empty() && day.runs.iter().count() <= 2);
    }

    #[test]
    fn empty_and_zero_loads() {
        let mut load = LoadProfile::default();
        assert_eq!(load.peak_tokens_per_minute(), 0);
        assert_eq!(load.minutes(), 0);
        assert_eq!(load.per_minute().count(), 0);
        load.add(5, 1, 0);
        assert_eq!(load.minutes(), 0);
        load.add(u64::MAX - 1, 10, u64::MAX);
        assert_eq!(load.peak_tokens_per_minute(), u64::MAX);
        // Changes too large for the compact runs still read back exactly.
        let mut huge = LoadProfile::default();
        for (minute, tokens) in [(7, u64::MAX), (8, 1), (9, u64::MAX)] {
            huge.add(minute, 1, tokens);
        }
        assert_eq!(
            huge.per_minute().collect::<Vec<_>>(),
            [u64::MAX, 1, u64::MAX]
        );
        assert_eq!(huge.total_tokens(), 2 * u128::from(u64::MAX) + 1);
    }

    #[test]
    fn a_run_of_minutes_is_the_same_as_adding_each() {
        let run = [0u32, 4, 4, 0, 7, 1, 0];
        let mut each = LoadProfile::default();
        for (i, &t) in run.iter().enumerate() {
            each.add(100 + i as u64, 1, u64::from(t));
        }
        let mut bulk = LoadProfile::default();
        bulk.add_minutes(100, &run);
        assert_eq!(bulk, each);
        assert_eq!(bulk.per_minute().collect::<Vec<_>>(), [4, 4, 0, 7, 1]);
        bulk.add_minutes(0, &[0, 0]);
        assert_eq!(bulk, each);
        let mut end_of_time = LoadProfile::default();
        end_of_time.add_minutes(u64::MAX - 2, &[1, 2, 3, 4]);
        assert_eq!(end_of_time.per_minute().collect::<Vec<_>>(), [1, 2]);
        // A later run is appended; an earlier one goes to the late changes; both read the same.
        bulk.add_minutes(106, &[2, 2]);
        bulk.add_minutes(90, &[3]);
        each.add(106, 1, 2);
        each.add(107, 1, 2);
        each.add(90, 1, 3);
        assert_eq!(bulk, each);
        assert!(bulk.runs.last_minute().is_some() && !bulk.late.is_empty());
        assert_eq!(bulk.peak_tokens_per_minute(), 7);
    }

    #[test]
    fn levels_count_the_minutes_at_each_load_without_walking_them() {
        let mut load = LoadProfile::default();
        load.add(10, 1, 5);
        load.add(13, 60, 120);
        load.add(13, 1, 3);
        load.add_minutes(200, &[7, 7, 0, 9]);
        let mut walked = std::collections::BTreeMap::new();
        for tokens in load.per_minute() {
            *walked.entry(tokens).or_insert(0u64) += 1;
        }
        assert_eq!(load.levels(), walked);
        assert_eq!(load.levels().values().sum::<u64>(), load.minutes());
        assert!(LoadProfile::default().levels().is_empty());
        let summed: Vec<_> = sum_sorted(vec![(5, 1), (2, 3), (5, 4), (0, 1), (2, 1)]).collect();
        assert_eq!(summed, [(0, 1), (2, 4), (5, 5)]);
    }

    proptest::proptest! {
        /// Buckets added as a group at one minute give the profile adding each gives,
        /// whatever came before (in order or not) and however much they cancel out.
        #[test]
        fn a_group_of_buckets_is_the_same_as_adding_each(
            before in proptest::collection::vec((0u64..500, 0u64..90, 0u64..10_000), 0..20),
            start in proptest::prop_oneof![0u64..500, (u64::MAX - 100)..u64::MAX],
            buckets in proptest::collection::vec(
                (0u64..130, proptest::prop_oneof![proptest::strategy::Just(0u64), 1u64..100_000]),
                0..20,
            ),
        ) {
            let mut each = LoadProfile::default();
            let mut group = LoadProfile::default();
            for &(minute, minutes, tokens) in &before {
                each.add(minute, minutes, tokens);
                group.add(minute, minutes, tokens);
            }
            for &(minutes, tokens) in &buckets {
                each.add(start, minutes, tokens);
            }
            group.add_buckets(start, &buckets, &mut Vec::new());
            proptest::prop_assert_eq!(&group, &each);
            proptest::prop_assert_eq!(group.levels(), each.levels());
        }
    }

    #[test]
    fn merging_is_the_same_as_adding_to_one_profile() {
        let mut one = LoadProfile::default();
        let mut a = LoadProfile::default();
        let mut b = LoadProfile::default();
        for (i, (start, minutes, tokens)) in [(3, 1, 9), (1, 60, 121), (3, 2, 1), (100, 1, 4)]
            .into_iter()
            .enumerate()
        {
            one.add(start, minutes, tokens);
            if i % 2 == 0 { &mut a } else { &mut b }.add(start, minutes, tokens);
        }
        a.merge(&b);
        assert_eq!(a, one);
        assert_eq!(
            one.per_minute().map(u128::from).sum::<u128>(),
            one.total_tokens()
        );
    }

    #[test]
    fn a_century_of_span_is_a_few_runs_not_fifty_million_minutes() {
        let mut load = LoadProfile::default();
        let year = 525_600;
        load.add(29_000_000, 1, 20);
        load.add(29_000_000 + 100 * year, 1, 20);
        let runs: Vec<_> = load.runs().collect();
        assert_eq!(runs, [(20, 1), (0, 100 * year - 1), (20, 1)]);
    }

    proptest::proptest! {
        #[test]
        fn runs_expand_to_the_per_minute_load(
            adds in proptest::collection::vec((0u64..500, 1u64..90, 0u64..1_000), 0..40)
        ) {
            let mut load = LoadProfile::default();
            for (start, minutes, tokens) in adds {
                load.add(start, minutes, tokens);
            }
            let expanded: Vec<u64> = load
                .runs()
                .flat_map(|(level, n)| std::iter::repeat_n(level, n as usize))
                .collect();
            proptest::prop_assert_eq!(expanded, load.per_minute().collect::<Vec<_>>());
        }
    }
}
