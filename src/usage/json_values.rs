//! Values inside the usage report's objects, read leniently and without allocating.
//!
//! A strict serde type would abort the whole document at the first negative count. These
//! seeds accept any JSON value and return either the value or why it is not usable, so the
//! reader can make that one result a bad row and go on (with `skip_bad_rows`). Strings are
//! handed to a function while serde_json still holds them, so none is allocated per row.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::timestamp::parse_minute;

/// An object key, matched without allocating: known keys are returned as themselves, the
/// rest as `Other` (or `OtherCount` when the name ends like a token or request count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Known(&'static str),
    Other,
    OtherCount(String),
}

impl Key {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Known(name) => name,
            Key::Other | Key::OtherCount(_) => "",
        }
    }
}

const KEYS: &[&str] = &[
    "data",
    "has_more",
    "starting_at",
    "ending_at",
    "results",
    "model",
    "service_tier",
    "context_window",
    "uncached_input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation",
    "server_tool_use",
    "ephemeral_5m_input_tokens",
    "ephemeral_1h_input_tokens",
    "web_search_requests",
];

/// Indexes in [`KEYS`], for a reader that matches a key once ([`known_index`]) and then
/// its index.
pub mod key {
    pub const MODEL: usize = 5;
    pub const SERVICE_TIER: usize = 6;
    pub const CONTEXT_WINDOW: usize = 7;
    pub const UNCACHED_INPUT_TOKENS: usize = 8;
    pub const OUTPUT_TOKENS: usize = 9;
    pub const CACHE_READ_INPUT_TOKENS: usize = 10;
    pub const CACHE_CREATION: usize = 11;
    pub const SERVER_TOOL_USE: usize = 12;
    pub const EPHEMERAL_5M: usize = 13;
    pub const EPHEMERAL_1H: usize = 14;
    pub const WEB_SEARCH_REQUESTS: usize = 15;
}

/// The index in [`KEYS`] of a known key: a `match` on strings is a jump on the length and
/// one comparison, where a search through the list compares every key (each result has a
/// dozen keys, so this is on the hot path).
pub fn known_index(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"data" => 0,
        b"has_more" => 1,
        b"starting_at" => 2,
        b"ending_at" => 3,
        b"results" => 4,
        b"model" => 5,
        b"service_tier" => 6,
        b"context_window" => 7,
        b"uncached_input_tokens" => 8,
        b"output_tokens" => 9,
        b"cache_read_input_tokens" => 10,
        b"cache_creation" => 11,
        b"server_tool_use" => 12,
        b"ephemeral_5m_input_tokens" => 13,
        b"ephemeral_1h_input_tokens" => 14,
        b"web_search_requests" => 15,
        _ => return None,
    })
}

/// A key not read but named like a token or request count: the reader says it is not read
/// rather than drop a count without a word.
pub fn is_count_name(key: &[u8]) -> bool {
    key.ends_with(b"_tokens") || key.ends_with(b"_requests")
}

pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match known_index(key.as_bytes()) {
            Some(i) => Key::Known(KEYS[i]),
            None if is_count_name(key.as_bytes()) => Key::OtherCount(key.to_owned()),
            None => Key::Other,
        })
    }
}

/// A bucket time: a timestamp string, parsed to minutes since the epoch.
pub struct TimeSeed;

impl<'de> DeserializeSeed<'de> for TimeSeed {
    type Value = Result<u64, String>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TimeSeed {
    type Value = Result<u64, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 timestamp")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(parse_minute(text.as_bytes()).map_err(|why| {
            let shown: String = text.chars().take(40).collect();
            format!("value `{shown}` is not a timestamp: {why}")
        }))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err("is null".to_owned()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("is not a timestamp string".to_owned()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        self.visit_bool(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        self.visit_bool(false)
    }
}

pub fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

pub fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A string value handed to a function while serde_json still holds it, so nothing is
/// allocated per row: `Ok(None)` for null, `Ok(Some(f(text)))`, or why it is not a string.
pub struct StrSeed<F>(pub F);

pub type StrValue<T> = Result<Option<T>, String>;

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for StrSeed<F> {
    type Value = StrValue<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for StrSeed<F> {
    type Value = StrValue<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Ok(Some((self.0)(text))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("is not a string".to_owned()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.visit_bool(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        self.visit_bool(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        self.visit_bool(false)
    }
}

/// A token or request count: `Ok(Some(n))`, `Ok(None)` for null, or why it is not one.
pub struct CountSeed;

pub type Count = Result<Option<u64>, String>;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = Count;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Count, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountSeed {
    type Value = Count;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Count, E> {
        Ok(Ok(Some(n)))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Count, E> {
        Ok(u64::try_from(n)
            .map(Some)
            .map_err(|_| format!("value `{n}` is negative; token counts cannot be negative")))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Count, E> {
        Ok(Err(if n.fract() == 0.0 && n >= 0.0 {
            format!("value `{n}` is too large (the most is 18446744073709551615)")
        } else if n < 0.0 {
            format!("value `{n}` is negative; token counts cannot be negative")
        } else {
            format!("value `{n}` is not a whole number")
        }))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
        Ok(Ok(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Count, E> {
        Ok(Ok(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Count, E> {
        Ok(Err("is not a number".to_owned()))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Count, E> {
        Ok(Err("is a string; a count is a JSON number".to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Count, A::Error> {
        drain_map(map)?;
        self.visit_bool(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Count, A::Error> {
        drain_seq(seq)?;
        self.visit_bool(false)
    }
}

/// A small object of counts (`cache_creation`, `server_tool_use`): the named counts in
/// order, 0 when absent or null. Other keys are ignored, but one named like a count is
/// handed back in `unread` so the reader can say so: a token count nested where it is not
/// expected is never dropped without a note. A key given twice is an error.
pub struct ObjectSeed(pub &'static [&'static str]);

/// The counts of an [`ObjectSeed`], and the count-like keys it did not read.
#[derive(Debug, Default)]
pub struct Counted {
    pub values: [u64; 2],
    pub unread: Option<String>,
}

pub type Counts = Result<Counted, String>;

/// The known keys already seen in one object, to refuse a key given twice: in JSON the last
/// value would silently win.
#[derive(Debug, Default)]
pub struct SeenKeys(u32);

impl SeenKeys {
    /// An error when `key` is a known key already seen in this object.
    pub fn check<E: de::Error>(&mut self, key: &Key) -> Result<(), E> {
        let Key::Known(name) = key else {
            return Ok(());
        };
        let Some(i) = known_index(name.as_bytes()) else {
            return Ok(());
        };
        if self.0 & (1 << i) != 0 {
            return Err(E::custom(format!(
                "the key `{name}` appears twice in one object; which value is meant?"
            )));
        }
        self.0 |= 1 << i;
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Counts;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Counts, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Counts;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of counts")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
        let mut counted = Counted::default();
        let mut bad = None;
        let mut seen = SeenKeys::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.check(&key)?;
            match self.0.iter().position(|k| *k == key.as_str()) {
                Some(i) => match map.next_value_seed(CountSeed)? {
                    Ok(n) => counted.values[i] = n.unwrap_or(0),
                    Err(why) => {
                        bad.get_or_insert_with(|| format!("has `{}` that {why}", self.0[i]));
                    }
                },
                None => {
                    if let Key::OtherCount(name) = key {
                        counted.unread.get_or_insert(name);
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(bad.map_or(Ok(counted), Err))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Counts, E> {
        Ok(Ok(Counted::default()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Counts, E> {
        Ok(Ok(Counted::default()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Counts, E> {
        Ok(Err("is not an object".to_owned()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Counts, E> {
        self.visit_bool(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Counts, E> {
        self.visit_bool(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Counts, E> {
        self.visit_bool(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Counts, E> {
        self.visit_bool(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Counts, A::Error> {
        drain_seq(seq)?;
        self.visit_bool(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_key_is_found_at_its_place() {
        for (i, key) in KEYS.iter().enumerate() {
            assert_eq!(known_index(key.as_bytes()), Some(i), "{key}");
        }
        assert_eq!(known_index(b"datum"), None);
        let named = [
            (key::MODEL, "model"),
            (key::SERVICE_TIER, "service_tier"),
            (key::CONTEXT_WINDOW, "context_window"),
            (key::UNCACHED_INPUT_TOKENS, "uncached_input_tokens"),
            (key::OUTPUT_TOKENS, "output_tokens"),
            (key::CACHE_READ_INPUT_TOKENS, "cache_read_input_tokens"),
            (key::CACHE_CREATION, "cache_creation"),
            (key::SERVER_TOOL_USE, "server_tool_use"),
            (key::EPHEMERAL_5M, "ephemeral_5m_input_tokens"),
            (key::EPHEMERAL_1H, "ephemeral_1h_input_tokens"),
            (key::WEB_SEARCH_REQUESTS, "web_search_requests"),
        ];
        for (i, name) in named {
            assert_eq!(KEYS[i], name);
        }
    }
}
