//! Capability values: what a route guarantees, in one of five states, with what it takes,
//! where it is written and for which models or features it holds.
//!
//! A capability is written in `rules/routes.yaml` as one value or a list of scoped values:
//!
//! ```yaml
//! private_networking: yes
//! zero_data_retention:
//!   - { state: no, models: [claude-fable-5], note: the model requires 30-day retention, source: claude-retention }
//!   - { state: configurable, condition: "set `data_retention_mode: none` on the account" }
//! residency:                      # a capability with items: one value (or list) per item
//!   us: yes
//!   eu: { state: on_request, condition: ask for an EU workspace }
//! compliance: [hipaa, soc2]       # shorthand: every item listed is `yes`
//! ```
//!
//! For a given model and feature the first value whose scope matches holds; an item not
//! listed is `no`. `true` and `false` read as `yes` and `no`. The checks that need the rest
//! of the catalogue (a condition present, a known model, feature and source) are made when
//! the catalogue loads, so each error points at the file, line and column.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_saphyr::Spanned;

/// What a route says about one capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not offered (eliminates a route that needs it).
    No,
    /// No public source says either way: eliminates, and becomes a question for the vendor.
    Unknown,
    /// Available by agreement with the vendor; the condition says what it takes.
    OnRequest,
    /// Available once the customer configures it; the condition says how.
    Configurable,
    /// Available as is.
    Yes,
}

impl State {
    /// Every state, as written in data files.
    pub const ALL: [State; 5] = [
        State::Yes,
        State::Configurable,
        State::OnRequest,
        State::No,
        State::Unknown,
    ];

    /// The state as written in data files.
    pub fn word(self) -> &'static str {
        match self {
            State::Yes => "yes",
            State::Configurable => "configurable",
            State::OnRequest => "on_request",
            State::No => "no",
            State::Unknown => "unknown",
        }
    }

    /// Reads a state word; `None` for anything outside the five.
    pub fn from_word(word: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.word() == word)
    }

    /// True when a hard constraint on this capability can be met (perhaps with a condition).
    pub fn met(self) -> bool {
        matches!(self, State::Yes | State::Configurable | State::OnRequest)
    }

    /// True when meeting it takes something the value's `condition` names.
    pub fn needs_condition(self) -> bool {
        matches!(self, State::Configurable | State::OnRequest)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A state word as written, kept raw so that a word outside the five is reported by the
/// catalogue with its position rather than as a bare parse error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateWord(pub String);

impl StateWord {
    pub fn state(&self) -> Option<State> {
        State::from_word(&self.0)
    }
}

impl Serialize for StateWord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StateWord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl Visitor<'_> for Word {
            type Value = StateWord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a capability state: yes, configurable, on_request, no or unknown")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<StateWord, E> {
                Ok(StateWord(if v { "yes" } else { "no" }.to_owned()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StateWord, E> {
                Ok(StateWord(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Word)
    }
}

/// One value of a capability, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilityValue {
    /// `yes`, `configurable`, `on_request`, `no` or `unknown`.
    #[schemars(with = "State")]
    pub state: StateWord,
    /// What it takes (required for `configurable` and `on_request`), such as "set
    /// `data_retention_mode: none` on the account". Printed in reports and checklists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// A key of the file's `sources`; by default the route's source for this claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The value holds only for these model ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// The value holds only when one of these API features is used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Why, in a few words, printed with the eliminations it causes ("Anthropic-hosted;
    /// Global Standard only").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whom to ask when the value is `unknown`; by default the route's platform vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
}

impl CapabilityValue {
    /// A value with only a state, for the `yes`/`no` shorthand.
    pub fn of(state: State) -> CapabilityValue {
        CapabilityValue {
            state: StateWord(state.word().to_owned()),
            condition: None,
            source: None,
            models: Vec::new(),
            features: Vec::new(),
            note: None,
            ask: None,
        }
    }

    /// The state; a word outside the five (which the catalogue refuses at load) reads as
    /// `unknown`, never as met.
    pub fn state(&self) -> State {
        self.state.state().unwrap_or(State::Unknown)
    }

    fn is_bare(&self) -> bool {
        *self == CapabilityValue::of(self.state())
    }
}

/// A value or a mapping, read as a value.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = CapabilityValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a capability state or a mapping with `state`")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<CapabilityValue, E> {
        Ok(CapabilityValue::of(if v { State::Yes } else { State::No }))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CapabilityValue, E> {
        let mut value = CapabilityValue::of(State::Yes);
        value.state = StateWord(v.to_owned());
        Ok(value)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CapabilityValue, A::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            state: StateWord,
            #[serde(default)]
            condition: Option<String>,
            #[serde(default)]
            source: Option<String>,
            #[serde(default)]
            models: Vec<String>,
            #[serde(default)]
            features: Vec<String>,
            #[serde(default)]
            note: Option<String>,
            #[serde(default)]
            ask: Option<String>,
        }
        let f = Fields::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(CapabilityValue {
            state: f.state,
            condition: f.condition,
            source: f.source,
            models: f.models,
            features: f.features,
            note: f.note,
            ask: f.ask,
        })
    }
}

/// A capability: its values in order; for a model and a feature the first whose scope
/// matches holds.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[schemars(with = "CapabilitySchema")]
pub struct Capability {
    pub values: Vec<Spanned<Scoped>>,
}

/// One value in a list, read from a state word or a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped(pub CapabilityValue);

impl<'de> Deserialize<'de> for Scoped {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Scoped)
    }
}

impl Serialize for Scoped {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_bare() {
            serializer.serialize_str(self.0.state.0.as_str())
        } else {
            self.0.serialize(serializer)
        }
    }
}

/// A value with no position (built in code, or read from the embedded JSON).
pub fn unplaced<T>(value: T) -> Spanned<T> {
    Spanned::new(
        value,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

/// The shapes a capability may be written in, for the JSON Schema.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum CapabilitySchema {
    State(State),
    Bool(bool),
    One(CapabilityValue),
    Scoped(Vec<CapabilityValue>),
}

impl Capability {
    /// A capability with one unscoped value.
    pub fn of(state: State) -> Capability {
        Capability {
            values: vec![unplaced(Scoped(CapabilityValue::of(state)))],
        }
    }

    /// The values, without their positions.
    pub fn values(&self) -> impl Iterator<Item = &CapabilityValue> {
        self.values.iter().map(|v| &v.value.0)
    }
}

impl Default for Capability {
    /// An omitted capability is `no`: the route's source for the claim lists what it offers.
    fn default() -> Self {
        Capability::of(State::No)
    }
}

impl Serialize for Capability {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.values.as_slice() {
            [one] => one.value.serialize(serializer),
            many => serializer.collect_seq(many.iter().map(|v| &v.value)),
        }
    }
}

impl<'de> Deserialize<'de> for Capability {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CapabilityVisitor;
        impl<'de> Visitor<'de> for CapabilityVisitor {
            type Value = Capability;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a capability state, a mapping with `state`, or a list of them")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Capability, E> {
                ValueVisitor.visit_bool(v).map(one)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Capability, E> {
                ValueVisitor.visit_str(v).map(one)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Capability, A::Error> {
                ValueVisitor.visit_map(map).map(one)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Capability, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<Scoped>>()? {
                    values.push(v);
                }
                if values.is_empty() {
                    return Err(de::Error::custom(
                        "a capability needs at least one value; write `no` for none",
                    ));
                }
                Ok(Capability { values })
            }
        }
        fn one(value: CapabilityValue) -> Capability {
            Capability {
                values: vec![unplaced(Scoped(value))],
            }
        }
        deserializer.deserialize_any(CapabilityVisitor)
    }
}

/// A capability with items (auth modes, geographies, frameworks, features): each item a
/// capability of its own; an item not listed is `no`.
#[derive(Debug, Clone, Default, PartialEq, Eq, JsonSchema)]
#[schemars(with = "ItemsSchema")]
pub struct Items {
    pub items: BTreeMap<String, Spanned<Capability>>,
}

/// The shapes of a capability with items, for the JSON Schema.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ItemsSchema {
    /// Every item listed is `yes`.
    List(Vec<String>),
    /// Each item with its own value or values.
    Map(BTreeMap<String, CapabilitySchema>),
}

impl Items {
    /// Items that are all `yes`.
    pub fn yes<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Items {
        Items {
            items: items
                .into_iter()
                .map(|i| (i.into(), unplaced(Capability::of(State::Yes))))
                .collect(),
        }
    }

    /// The capability of one item, if listed.
    pub fn get(&self, item: &str) -> Option<&Capability> {
        self.items.get(item).map(|c| &c.value)
    }

    /// The items listed, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }

    /// True when some value of `item` is met (whatever its scope): used where only whether
    /// the route offers the item at all matters (pricing server tools, the routes table).
    pub fn offers(&self, item: &str) -> bool {
        self.get(item)
            .is_some_and(|c| c.values().any(|v| v.state().met()))
    }
}

impl Serialize for Items {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.items.iter().map(|(k, v)| (k, &v.value)))
    }
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of items, or a mapping from item to capability value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = BTreeMap::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    let capability = Spanned {
                        value: Capability::of(State::Yes),
                        referenced: item.referenced,
                        defined: item.defined,
                    };
                    items.insert(item.value, capability);
                }
                Ok(Items { items })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Items, A::Error> {
                let mut items = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<Spanned<Capability>>()?;
                    if items.insert(key.clone(), value).is_some() {
                        return Err(de::Error::custom(format!("`{key}` is listed twice")));
                    }
                }
                Ok(Items { items })
            }
        }
        deserializer.deserialize_any(ItemsVisitor)
    }
}

/// One side of a composition: a capability and the source its values cite by default.
pub type Part<'a> = (&'a Capability, &'a str);

impl Capability {
    /// The first value that holds for `model` (`None`: a model no value names) with
    /// `feature` in use (`None`: no scoped feature).
    fn first_match(&self, model: Option<&str>, feature: Option<&str>) -> Option<&CapabilityValue> {
        self.values().find(|v| {
            let models =
                v.models.is_empty() || model.is_some_and(|m| v.models.iter().any(|x| x == m));
            let features =
                v.features.is_empty() || feature.is_some_and(|f| v.features.iter().any(|x| x == f));
            models && features
        })
    }

    /// The weakest of several capabilities, as one: for every model and feature any of them
    /// names (and for all others), the worst of their values, citing its own source. A
    /// condition is kept from every part that needs one. A gateway's guarantee is its own
    /// value and every route's behind it, so this is how gateways compose.
    pub fn weakest(parts: &[Part<'_>]) -> Capability {
        let mut models: Vec<&str> = Vec::new();
        let mut features: Vec<&str> = Vec::new();
        for (c, _) in parts {
            for v in c.values() {
                models.extend(v.models.iter().map(String::as_str));
                features.extend(v.features.iter().map(String::as_str));
            }
        }
        models.sort();
        models.dedup();
        features.sort();
        features.dedup();
        let worst = |model: Option<&str>, feature: Option<&str>| -> CapabilityValue {
            let mut chosen: Option<CapabilityValue> = None;
            let mut conditions: Vec<String> = Vec::new();
            for (c, source) in parts {
                let mut v = c
                    .first_match(model, feature)
                    .cloned()
                    .unwrap_or_else(|| CapabilityValue::of(State::No));
                v.source = v.source.or_else(|| Some((*source).to_owned()));
                if let Some(condition) = &v.condition
                    && !conditions.contains(condition)
                {
                    conditions.push(condition.clone());
                }
                if chosen.as_ref().is_none_or(|w| v.state() < w.state()) {
                    chosen = Some(v);
                }
            }
            let mut v = chosen.unwrap_or_else(|| CapabilityValue::of(State::No));
            v.models = model.map(|m| vec![m.to_owned()]).unwrap_or_default();
            v.features = feature.map(|f| vec![f.to_owned()]).unwrap_or_default();
            v.condition = v.state().needs_condition().then(|| conditions.join("; "));
            v
        };
        let mut values = Vec::new();
        for model in models.iter().map(|m| Some(*m)).chain([None]) {
            for feature in features.iter().map(|f| Some(*f)).chain([None]) {
                values.push(unplaced(Scoped(worst(model, feature))));
            }
        }
        Capability { values }
    }
}

impl Items {
    /// The weakest of several capabilities with items, item by item (an item a part does
    /// not list is `no` there).
    pub fn weakest(parts: &[(&Items, &str)]) -> Items {
        let mut names: Vec<&str> = parts.iter().flat_map(|(i, _)| i.names()).collect();
        names.sort();
        names.dedup();
        let none = Capability::default();
        let items = names
            .into_iter()
            .map(|name| {
                let each: Vec<Part<'_>> = parts
                    .iter()
                    .map(|(i, s)| (i.get(name).unwrap_or(&none), *s))
                    .collect();
                (name.to_owned(), unplaced(Capability::weakest(&each)))
            })
            .collect();
        Items { items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_from_words_and_booleans() {
        let c: Capability = serde_json::from_str("true").expect("bool");
        assert_eq!(c.values().next().map(|v| v.state()), Some(State::Yes));
        let c: Capability = serde_json::from_str("\"on_request\"").expect("word");
        assert_eq!(c.values().next().map(|v| v.state()), Some(State::OnRequest));
        let c: Capability = serde_json::from_str("\"maybe\"").expect("kept raw");
        assert_eq!(c.values().next().map(|v| v.state.0.as_str()), Some("maybe"));
        assert_eq!(
            c.values().next().map(|v| v.state()),
            Some(State::Unknown),
            "a word outside the five is never met"
        );
    }

    #[test]
    fn scoped_values_and_items_round_trip() {
        let json = r#"{"us":"yes","eu":[{"state":"no","models":["m"],"note":"n"},"configurable"]}"#;
        let items: Items = serde_json::from_str(json).expect("items");
        assert!(items.offers("eu"));
        assert!(!items.offers("jp"));
        let back = serde_json::to_string(&items).expect("serialises");
        assert_eq!(
            back,
            r#"{"eu":[{"state":"no","models":["m"],"note":"n"},"configurable"],"us":"yes"}"#
        );
        let list: Items = serde_json::from_str(r#"["a","b"]"#).expect("list");
        assert_eq!(list.names().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn an_empty_list_of_values_is_refused() {
        assert!(serde_json::from_str::<Capability>("[]").is_err());
    }
}
