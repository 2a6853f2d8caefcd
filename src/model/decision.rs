//! Decision-record metadata: what an answers file may say about the decision itself under
//! the reserved `decision:` key (title, status, date, context and the MADR roles), so the
//! generated record names the people and state of the decision, not only its outcome.
//!
//! ```yaml
//! decision:
//!   title: Call Claude through Amazon Bedrock in the EU
//!   status: accepted
//!   date: 2026-11-22
//!   decision-makers: [Platform team, CISO office]
//!   consulted: [Legal]
//!   informed: [Engineering]
//! cloud: aws
//! ```

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

/// The answers-file key that holds decision metadata; no question may use it as its id.
pub const KEY: &str = "decision";

/// The keys the `decision:` mapping accepts, as MADR spells them.
pub const FIELDS: &[&str] = &[
    "title",
    "status",
    "date",
    "context",
    "decision-makers",
    "consulted",
    "informed",
];

/// MADR's statuses; `superseded by <record>` is the one open-ended form.
pub const STATUSES: &[&str] = &["proposed", "rejected", "accepted", "deprecated"];

/// The validated metadata; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DecisionMeta {
    /// The record's title; without it the record names the chosen route.
    pub title: Option<String>,
    /// `proposed`, `rejected`, `accepted`, `deprecated` or `superseded by ...`.
    pub status: Option<String>,
    /// When the decision was last updated, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Free text placed before the generated problem statement.
    pub context: Option<String>,
    pub decision_makers: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
}

/// The `decision:` mapping as written: keys and values with their positions, or what was
/// written instead of a mapping (so the error can point at it and name the key).
#[derive(Debug, Default)]
pub struct RawDecision {
    pub entries: Vec<(Spanned<String>, Spanned<Value>)>,
    pub not_a_mapping: Option<&'static str>,
}

impl<'de> Deserialize<'de> for RawDecision {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl EntriesVisitor {
            fn other<E>(found: &'static str) -> Result<RawDecision, E> {
                Ok(RawDecision {
                    entries: Vec::new(),
                    not_a_mapping: Some(found),
                })
            }
        }
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawDecision;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of decision-record metadata, such as `status: accepted`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDecision, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawDecision {
                    entries,
                    not_a_mapping: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawDecision, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Self::other("a list")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawDecision, E> {
                Self::other("text")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawDecision, E> {
                Self::other("a boolean")
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawDecision, E> {
                Self::other("a number")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawDecision, E> {
                Ok(RawDecision::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RawDecision, E> {
                Ok(RawDecision::default())
            }
        }
        deserializer.deserialize_any(EntriesVisitor)
    }
}
