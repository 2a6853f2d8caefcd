//! The per-row model lookup: raw model bytes to a slot, resolved once per distinct name.
//!
//! [`catalogue_model`] allocates and tries several spellings; a usage file repeats a handful
//! of names millions of times, so each distinct raw name is resolved once and remembered.
//! The cache and the list of unknown names are bounded, so a file with millions of distinct
//! names cannot grow memory without limit: past the bound, new names are resolved each
//! time and new unknown names are counted together under [`OTHER_UNKNOWN_MODELS`].
//!
//! The cache hashes with FxHash: the keys are a few dozen bytes and the lookup runs once per
//! row, where SipHash's resistance to chosen keys is not worth its cost (a hostile file
//! could at worst slow its own reading, bounded by the cache size).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::model_id::catalogue_model;

/// Distinct raw names remembered, and distinct unknown names reported one by one.
pub const MAX_MODEL_NAMES: usize = 1000;

/// Unknown names longer than this are cut in reports (a model name is a few dozen bytes).
const MAX_NAME_CHARS: usize = 200;

/// The `unknown_models` key that counts unknown names past [`MAX_MODEL_NAMES`].
pub const OTHER_UNKNOWN_MODELS: &str = "(other unknown models)";

/// Where a row's tokens go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// An index into the catalogue's model ids.
    Known(usize),
    /// An index into [`ModelCache::unknown_names`].
    Unknown(usize),
}

/// Places in the table of names read lately, a name going to a place chosen from its
/// length and its first and last eight bytes: a hit costs one comparison of the name, no
/// hashing of it.
const RECENT: usize = 64;

#[derive(Debug)]
pub struct ModelCache<'k> {
    known: &'k [&'k str],
    /// Each resolved name, with its slot and its index in `names`.
    cache: FxHashMap<Box<[u8]>, (Slot, usize)>,
    /// The names of `cache`, in order of first appearance.
    names: Vec<Box<[u8]>>,
    /// Per place, an index into `names` and its slot, looked at before `cache`.
    recent: [Option<(usize, Slot)>; RECENT],
    unknown_names: Vec<String>,
    unknown_index: HashMap<String, usize>,
}

impl<'k> ModelCache<'k> {
    pub fn new(known: &'k [&'k str]) -> Self {
        Self {
            known,
            cache: FxHashMap::default(),
            names: Vec::new(),
            recent: [None; RECENT],
            unknown_names: Vec::new(),
            unknown_index: HashMap::new(),
        }
    }

    /// The slot of a raw model name; allocation-free once the name has been seen.
    #[inline]
    pub fn slot(&mut self, raw: &[u8]) -> Slot {
        let place = recent_place(raw);
        if let Some((name, slot)) = self.recent[place]
            && *self.names[name] == *raw
        {
            return slot;
        }
        match self.cache.get(raw) {
            Some(&(slot, name)) => {
                self.recent[place] = Some((name, slot));
                slot
            }
            None => self.resolve(raw),
        }
    }

    #[cold]
    fn resolve(&mut self, raw: &[u8]) -> Slot {
        let text = String::from_utf8_lossy(raw);
        let text = text.trim();
        let slot = match catalogue_model(text, self.known) {
            Some(id) => Slot::Known(self.known.iter().position(|k| *k == id).unwrap_or(0)),
            None => self.unknown_slot(text),
        };
        if self.cache.len() < MAX_MODEL_NAMES {
            self.cache.insert(raw.into(), (slot, self.names.len()));
            self.names.push(raw.into());
        }
        slot
    }

    fn unknown_slot(&mut self, name: &str) -> Slot {
        let name = if name.chars().count() > MAX_NAME_CHARS {
            let mut cut: String = name.chars().take(MAX_NAME_CHARS).collect();
            cut.push('…');
            cut
        } else {
            name.to_owned()
        };
        let name = if self.unknown_index.contains_key(&name)
            || self.unknown_names.len() < MAX_MODEL_NAMES
        {
            name
        } else {
            OTHER_UNKNOWN_MODELS.to_owned()
        };
        let next = self.unknown_names.len();
        let index = *self.unknown_index.entry(name.clone()).or_insert(next);
        if index == next {
            self.unknown_names.push(name);
        }
        Slot::Unknown(index)
    }

    /// The index of an unknown name as [`ModelCache::unknown_names`] lists it (the name as
    /// listed by another cache: already cut), numbered as if it had just been read.
    pub fn unknown_index(&mut self, name: &str) -> usize {
        match self.unknown_slot(name) {
            Slot::Unknown(i) | Slot::Known(i) => i,
        }
    }

    pub fn known(&self) -> &'k [&'k str] {
        self.known
    }

    pub fn unknown_names(&self) -> &[String] {
        &self.unknown_names
    }
}

/// The place of a name in the table of names read lately.
#[inline]
fn recent_place(raw: &[u8]) -> usize {
    let n = raw.len();
    let ends = match (raw.first_chunk::<8>(), raw.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            u64::from_le_bytes(*first) ^ u64::from_le_bytes(*last).rotate_left(29)
        }
        _ => raw.iter().fold(0u64, |h, &b| h << 8 | u64::from(b)),
    };
    ((ends ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % RECENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_once_and_unknown_names_are_kept() {
        let known = ["claude-sonnet-4-5", "gemini-2.5-pro"];
        let mut cache = ModelCache::new(&known);
        assert_eq!(cache.slot(b"claude-sonnet-4-5-20250929"), Slot::Known(0));
        assert_eq!(cache.slot(b"models/gemini-2.5-pro"), Slot::Known(1));
        assert_eq!(cache.slot(b"gpt-4o"), Slot::Unknown(0));
        assert_eq!(cache.slot(b" gpt-4o "), Slot::Unknown(0));
        assert_eq!(cache.slot(b"\xff\xfe"), Slot::Unknown(1));
        assert_eq!(cache.unknown_names(), ["gpt-4o", "\u{fffd}\u{fffd}"]);
    }

    proptest::proptest! {
        /// Names read lately answer as resolving them afresh does, whichever names share a
        /// place in the table (names that differ only in the middle share one).
        #[test]
        fn recent_names_answer_as_resolving_afresh(
            reads in proptest::collection::vec(
                proptest::sample::select(vec![
                    "claude-sonnet-4-5-20250929", "claude-sonnet-4-0-20250929",
                    "claude-haiku-4-5-20251001", "gpt-4o", "", "x", "gemini-2.5-pro",
                    "models/gemini-2.5-pro", "models/gemini-9.9-pro",
                ]),
                0..100,
            )
        ) {
            let known = ["claude-sonnet-4-5", "claude-haiku-4-5", "gemini-2.5-pro"];
            let mut cache = ModelCache::new(&known);
            for name in reads {
                let mut fresh = ModelCache::new(&known);
                let expected = match fresh.slot(name.as_bytes()) {
                    Slot::Known(i) => Slot::Known(i),
                    Slot::Unknown(_) => Slot::Unknown(cache.unknown_index(name.trim())),
                };
                proptest::prop_assert_eq!(cache.slot(name.as_bytes()), expected);
            }
        }
    }

    #[test]
    fn distinct_names_are_bounded() {
        let known = ["claude-sonnet-4-5"];
        let mut cache = ModelCache::new(&known);
        for i in 0..MAX_MODEL_NAMES + 50 {
            cache.slot(format!("model-{i}").as_bytes());
        }
        assert_eq!(cache.unknown_names().len(), MAX_MODEL_NAMES + 1);
        assert_eq!(cache.unknown_names()[MAX_MODEL_NAMES], OTHER_UNKNOWN_MODELS);
        assert!(cache.cache.len() <= MAX_MODEL_NAMES);
        // Names past the bound still resolve to the catalogue.
        assert_eq!(cache.slot(b"claude-sonnet-4-5@20250929"), Slot::Known(0));
        let long = "x".repeat(10_000);
        assert!(matches!(cache.slot(long.as_bytes()), Slot::Unknown(_)));
    }
}
