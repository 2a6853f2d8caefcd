//! What a route's capabilities amount to for one decision: the workload's models and the
//! features the answers need pick, among each capability's scoped values, the one that
//! holds; the worst over every model and feature is the capability's state.
//!
//! This is the API other parts build on (gateways compose it: a gateway's guarantee is its
//! own value and every route's behind it, see [`weakest`]):
//!
//! - [`Scope`]: the models and features in play;
//! - [`effective`]: one capability for one scope, as an [`Effective`] value;
//! - [`RouteCapabilities::of`]: every capability of a route for one scope;
//! - [`Fact`]: one effective value with its source, as reports print it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::data::catalogue::Catalogue;
use crate::model::capability::{Capability, CapabilityValue, State};
use crate::model::route::{ITEM_CAPABILITIES, Platform, Route, SINGLE_CAPABILITIES};

/// The models and features a decision is about; empty means "not known" (no workload, no
/// features answered).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    pub models: &'a [String],
    pub features: &'a [String],
    /// Without a workload: the answered model families, each with the route's models of
    /// that family. Every family must be covered by one of its own models, so a value
    /// limited to Gemini models does not meet a need for Claude.
    pub families: &'a [(String, Vec<String>)],
}

/// A capability's value for one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effective {
    pub state: State,
    /// What it takes (`configurable`, `on_request`), or which models it is limited to when
    /// the workload does not say which models are used.
    pub condition: Option<String>,
    /// The model whose value decided the state, when a value is scoped by model.
    pub model: Option<String>,
    /// The feature whose value decided the state, when a value is scoped by feature.
    pub feature: Option<String>,
    /// Why, from the value's note.
    pub note: Option<String>,
    /// The key of the source this value cites.
    pub source: String,
    /// Whom to ask when the state is `unknown`.
    pub ask: String,
    /// With no workload: the only models the value holds for (empty: every model).
    pub only_models: Vec<String>,
}

impl Effective {
    /// True when meeting a hard constraint on it takes a printed condition.
    pub fn conditional(&self) -> bool {
        self.state.needs_condition() || (self.state == State::Yes && !self.only_models.is_empty())
    }

    /// The condition to print: what it takes, and the models it is limited to.
    pub fn condition_text(&self) -> Option<String> {
        let only = (!self.only_models.is_empty())
            .then(|| format!("only for {}", self.only_models.join(", ")));
        match (&self.condition, only) {
            (Some(c), Some(o)) => Some(format!("{c} ({o})")),
            (Some(c), None) => Some(c.clone()),
            (None, o) => o,
        }
    }

    /// The model or feature that decided it, in words ("for claude-fable-5").
    pub fn scope_text(&self) -> Option<String> {
        match (&self.model, &self.feature) {
            (Some(m), Some(f)) => Some(format!("for {m} with {f}")),
            (Some(m), None) => Some(format!("for {m}")),
            (None, Some(f)) => Some(format!("with {f}")),
            (None, None) => None,
        }
    }
}

/// The vendor to ask about a route's unknowns when a value does not name one.
pub fn vendor(platform: Platform) -> &'static str {
    match platform {
        Platform::Anthropic => "Anthropic",
        Platform::Aws => "AWS",
        Platform::Gcp => "Google Cloud",
        Platform::Google => "Google",
        Platform::Azure => "Microsoft",
        Platform::Gateway => "the gateway's vendor",
    }
}

fn models_match(value: &CapabilityValue, model: &str) -> bool {
    value.models.is_empty() || value.models.iter().any(|m| m == model)
}

fn features_match(value: &CapabilityValue, feature: Option<&str>) -> bool {
    value.features.is_empty() || feature.is_some_and(|f| value.features.iter().any(|x| x == f))
}

/// The value that holds for one model (or any, when `None`) and one feature in use (or
/// none). For a known model the first matching value holds; for an unknown model, the best
/// one (its model scope becomes a printed condition).
fn pick<'a>(
    capability: &'a Capability,
    model: Option<&str>,
    feature: Option<&str>,
    family: Option<&[String]>,
) -> Option<&'a CapabilityValue> {
    let mut candidates = capability
        .values()
        .filter(|v| features_match(v, feature))
        .filter(|v| model.is_none_or(|m| models_match(v, m)))
        .filter(|v| {
            family.is_none_or(|f| v.models.is_empty() || v.models.iter().any(|m| f.contains(m)))
        });
    match model {
        Some(_) => candidates.next(),
        // Some model may get each value up to the first that holds for every model.
        None => {
            let mut best: Option<&CapabilityValue> = None;
            for v in candidates {
                if best.is_none_or(|b| v.state() > b.state()) {
                    best = Some(v);
                }
                if v.models.is_empty() {
                    break;
                }
            }
            best
        }
    }
}

/// One capability for one scope: the worst state over every model and feature in play.
/// `default_source` is the route's source for the claim; `ask` its vendor.
pub fn effective(
    capability: &Capability,
    default_source: &str,
    ask: &str,
    scope: Scope<'_>,
) -> Effective {
    // (model, family): a known model; or, without a workload, each answered family (its
    // name and the route's models of it); or any model.
    let models: Vec<(Option<&str>, Option<&[String]>)> = if !scope.models.is_empty() {
        scope
            .models
            .iter()
            .map(|m| (Some(m.as_str()), None))
            .collect()
    } else if !scope.families.is_empty() {
        scope
            .families
            .iter()
            .map(|(name, ids)| (Some(name.as_str()), Some(ids.as_slice())))
            .collect()
    } else {
        vec![(None, None)]
    };
    let features: Vec<Option<&str>> = std::iter::once(None)
        .chain(scope.features.iter().map(|f| Some(f.as_str())))
        .collect();
    // When some value is scoped by model, the model decides, so it is named.
    let by_model = capability.values().any(|v| !v.models.is_empty());
    let mut worst: Option<Effective> = None;
    for &(named, family) in &models {
        // A family is not a model id: its values are picked as for an unknown model, among
        // those that hold for some model of the family.
        let model = if family.is_some() { None } else { named };
        for feature in &features {
            let value = pick(capability, model, *feature, family);
            // A family is named only when it changed the value: when its models get another
            // value than some model would without a workload.
            let named = match family {
                Some(_) => named.filter(|_| {
                    !matches!(
                        (value, pick(capability, None, *feature, None)),
                        (Some(a), Some(b)) if std::ptr::eq(a, b)
                    )
                }),
                None => named,
            };
            let candidate = match value {
                Some(v) => Effective {
                    state: v.state(),
                    condition: v.condition.clone(),
                    model: by_model.then(|| named.map(str::to_owned)).flatten(),
                    feature: (!v.features.is_empty())
                        .then(|| feature.map(str::to_owned))
                        .flatten(),
                    note: v.note.clone(),
                    source: v
                        .source
                        .clone()
                        .unwrap_or_else(|| default_source.to_owned()),
                    ask: v.ask.clone().unwrap_or_else(|| ask.to_owned()),
                    only_models: if model.is_none() {
                        v.models.clone()
                    } else {
                        Vec::new()
                    },
                },
                None => Effective {
                    state: State::No,
                    condition: None,
                    model: named.map(str::to_owned),
                    feature: feature.map(str::to_owned),
                    note: None,
                    source: default_source.to_owned(),
                    ask: ask.to_owned(),
                    only_models: Vec::new(),
                },
            };
            worst = Some(match worst {
                Some(w) if w.state <= candidate.state => w,
                _ => candidate,
            });
        }
    }
    worst.unwrap_or_else(|| effective(&Capability::default(), default_source, ask, scope))
}

/// The weakest of several effective values: a gateway's guarantee is its own value and
/// that of every route behind it, so the worst state wins (the first on a tie).
pub fn weakest<I: IntoIterator<Item = Effective>>(values: I) -> Option<Effective> {
    values.into_iter().fold(None, |w, v| match w {
        Some(w) if w.state <= v.state => Some(w),
        _ => Some(v),
    })
}

/// Every capability of a route for one scope.
#[derive(Debug, Clone, Default)]
pub struct RouteCapabilities {
    /// Single-valued capabilities by name.
    pub single: BTreeMap<String, Effective>,
    /// Capabilities with items, by name, then item (every choice of the question, listed
    /// or not).
    pub items: BTreeMap<String, BTreeMap<String, Effective>>,
}

impl RouteCapabilities {
    /// Evaluates every capability of `route` for `scope`.
    pub fn of(catalogue: &Catalogue, route: &Route, scope: Scope<'_>) -> RouteCapabilities {
        let ask = vendor(route.platform);
        let source = |claim: &str| route.sources.get(claim).cloned().unwrap_or_default();
        let mut out = RouteCapabilities::default();
        for &name in SINGLE_CAPABILITIES {
            if let Some(c) = route.capability(name) {
                out.single
                    .insert(name.to_owned(), effective(c, &source(name), ask, scope));
            }
        }
        for &name in ITEM_CAPABILITIES {
            let Some(items) = route.items(name) else {
                continue;
            };
            let mut names: Vec<String> = catalogue
                .vocabulary(name)
                .into_iter()
                .map(str::to_owned)
                .collect();
            names.extend(items.names().map(str::to_owned));
            names.sort();
            names.dedup();
            let mut values = BTreeMap::new();
            for item in names {
                let none = Capability::default();
                let capability = items.get(&item).unwrap_or(&none);
                values.insert(item, effective(capability, &source(name), ask, scope));
            }
            out.items.insert(name.to_owned(), values);
        }
        out
    }

    /// One effective value: `item` for a capability with items.
    pub fn get(&self, capability: &str, item: Option<&str>) -> Option<&Effective> {
        match item {
            None => self.single.get(capability),
            Some(i) => self.items.get(capability)?.get(i),
        }
    }

    /// Every (capability, item, value), single-valued first.
    pub fn all(&self) -> Vec<(&str, Option<&str>, &Effective)> {
        let mut out: Vec<(&str, Option<&str>, &Effective)> = self
            .single
            .iter()
            .map(|(c, e)| (c.as_str(), None, e))
            .collect();
        for (c, items) in &self.items {
            out.extend(items.iter().map(|(i, e)| (c.as_str(), Some(i.as_str()), e)));
        }
        out
    }

    /// What rule conditions see: each single capability as true when it can be met, each
    /// capability with items as the list of items that can be met, under `state` the state
    /// word of each (`route.state.zero_data_retention == "configurable"`,
    /// `route.state.residency.eu == "unknown"`), and under `why` the model or feature that
    /// decided it and the value's note (`route.why.residency.us.model`, `.feature`, `.note`;
    /// empty strings when none), for messages that name them.
    pub fn rule_view(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::Value;
        let why = |e: &Effective| {
            let text = |t: &Option<String>| Value::String(t.clone().unwrap_or_default());
            serde_json::json!({ "model": text(&e.model), "feature": text(&e.feature), "note": text(&e.note) })
        };
        let mut view = serde_json::Map::new();
        let mut states = serde_json::Map::new();
        let mut whys = serde_json::Map::new();
        for (name, e) in &self.single {
            view.insert(name.clone(), Value::Bool(e.state.met()));
            states.insert(name.clone(), Value::String(e.state.word().to_owned()));
            whys.insert(name.clone(), why(e));
        }
        for (name, items) in &self.items {
            let met: Vec<Value> = items
                .iter()
                .filter(|(_, e)| e.state.met())
                .map(|(i, _)| Value::String(i.clone()))
                .collect();
            view.insert(name.clone(), Value::Array(met));
            let words = items
                .iter()
                .map(|(i, e)| (i.clone(), Value::String(e.state.word().to_owned())))
                .collect();
            states.insert(name.clone(), Value::Object(words));
            let reasons = items.iter().map(|(i, e)| (i.clone(), why(e))).collect();
            whys.insert(name.clone(), Value::Object(reasons));
        }
        view.insert("state".to_owned(), Value::Object(states));
        view.insert("why".to_owned(), Value::Object(whys));
        view
    }
}

/// Sets one capability (or item) as met or not in a rule view, to ask "would the rule still
/// fire if this were otherwise?".
pub fn set_in_view(
    view: &mut serde_json::Map<String, serde_json::Value>,
    capability: &str,
    item: Option<&str>,
    met: bool,
) {
    use serde_json::Value;
    match item {
        None => {
            view.insert(capability.to_owned(), Value::Bool(met));
        }
        Some(item) => {
            if let Some(Value::Array(list)) = view.get_mut(capability) {
                list.retain(|v| v.as_str() != Some(item));
                if met {
                    list.push(Value::String(item.to_owned()));
                }
            }
        }
    }
}

/// Human words for a capability (and item), as messages print them.
pub fn label(capability: &str, item: Option<&str>) -> String {
    let name = match capability {
        "cmek" => "customer-managed keys",
        "sla" => "a contractual SLA",
        "batch" => "batch processing",
        "auth" => "authentication",
        "residency" => "residency in",
        "compliance" => "compliance with",
        "features" => "the feature",
        other => return other.replace('_', " "),
    };
    match item {
        Some(i) => format!("{name} {i}"),
        None => name.to_owned(),
    }
}

/// One capability value that eliminated or conditioned a route, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// The rule that consulted it.
    pub code: String,
    pub capability: String,
    pub item: Option<String>,
    #[serde(flatten)]
    pub value: Effective,
    /// The claim in words, with the model or feature that decided it.
    pub claim: String,
    /// What meeting it takes (conditional values): the condition and any model limit.
    pub what_it_takes: Option<String>,
    /// The source's public page and the date it was checked.
    pub url: String,
    pub checked: String,
}

impl Fact {
    pub fn new(
        catalogue: &Catalogue,
        code: &str,
        capability: &str,
        item: Option<&str>,
        value: &Effective,
    ) -> Fact {
        let source = catalogue.sources.get(&value.source);
        let what = label(capability, item);
        let claim = match value.scope_text() {
            Some(scope) => format!("{what} {scope}"),
            None => what,
        };
        Fact {
            code: code.to_owned(),
            capability: capability.to_owned(),
            item: item.map(str::to_owned),
            value: value.clone(),
            claim,
            what_it_takes: value
                .conditional()
                .then(|| value.condition_text())
                .flatten(),
            url: source.map(|s| s.url.clone()).unwrap_or_default(),
            checked: source.map(|s| s.checked.clone()).unwrap_or_default(),
        }
    }

    /// The claim in words: "zero data retention", "residency in eu for claude-sonnet-4-6".
    pub fn claim(&self) -> String {
        self.claim.clone()
    }

    /// The open question for an unknown: "no public source says it offers ...: ask AWS".
    pub fn question(&self) -> String {
        format!(
            "{}: no public source says it does: ask {}",
            self.claim(),
            self.value.ask
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(json: &str) -> Capability {
        serde_json::from_str(json).expect("capability")
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_first_value_whose_scope_matches_holds_and_the_worst_wins() {
        let zdr = cap(
            r#"[{"state":"no","models":["fable"],"note":"30-day retention"},{"state":"configurable","condition":"set it"}]"#,
        );
        let models = strings(&["sonnet"]);
        let e = effective(
            &zdr,
            "src",
            "AWS",
            Scope {
                models: &models,
                features: &[],
                ..Scope::default()
            },
        );
        assert_eq!(
            (e.state, e.condition.as_deref()),
            (State::Configurable, Some("set it"))
        );
        let models = strings(&["sonnet", "fable"]);
        let e = effective(
            &zdr,
            "src",
            "AWS",
            Scope {
                models: &models,
                features: &[],
                ..Scope::default()
            },
        );
        assert_eq!(e.state, State::No);
        assert_eq!(e.model.as_deref(), Some("fable"));
        assert_eq!(e.note.as_deref(), Some("30-day retention"));
    }

    #[test]
    fn without_a_workload_the_best_value_holds_with_its_models_as_a_condition() {
        let us =
            cap(r#"[{"state":"yes","models":["opus"]},{"state":"no","note":"hosted elsewhere"}]"#);
        let e = effective(&us, "src", "Microsoft", Scope::default());
        assert_eq!(e.state, State::Yes);
        assert!(e.conditional());
        assert_eq!(e.condition_text().as_deref(), Some("only for opus"));
        let models = strings(&["sonnet"]);
        let e = effective(
            &us,
            "src",
            "Microsoft",
            Scope {
                models: &models,
                features: &[],
                ..Scope::default()
            },
        );
        assert_eq!((e.state, e.model.as_deref()), (State::No, Some("sonnet")));
    }

    #[test]
    fn without_a_workload_each_answered_family_must_be_covered_by_its_own_models() {
        let hipaa = cap(
            r#"[{"state":"yes","models":["gemini-x"]},{"state":"unknown","note":"no source","ask":"Google Cloud"}]"#,
        );
        let families = vec![
            ("claude".to_owned(), strings(&["claude-y"])),
            ("gemini".to_owned(), strings(&["gemini-x"])),
        ];
        let e = effective(
            &hipaa,
            "s",
            "Google Cloud",
            Scope {
                families: &families,
                ..Scope::default()
            },
        );
        assert_eq!(
            (e.state, e.model.as_deref()),
            (State::Unknown, Some("claude"))
        );
        let gemini = &families[1..];
        let e = effective(
            &hipaa,
            "s",
            "Google Cloud",
            Scope {
                families: gemini,
                ..Scope::default()
            },
        );
        assert_eq!(e.state, State::Yes);
        assert_eq!(e.condition_text().as_deref(), Some("only for gemini-x"));
    }

    #[test]
    fn a_feature_scoped_value_holds_only_when_the_feature_is_used() {
        let hipaa = cap(
            r#"[{"state":"no","features":["files_api","message_batches"]},{"state":"on_request","condition":"sign a BAA"}]"#,
        );
        let e = effective(&hipaa, "s", "Anthropic", Scope::default());
        assert_eq!(e.state, State::OnRequest);
        let features = strings(&["citations", "files_api"]);
        let e = effective(
            &hipaa,
            "s",
            "Anthropic",
            Scope {
                models: &[],
                features: &features,
                ..Scope::default()
            },
        );
        assert_eq!(
            (e.state, e.feature.as_deref()),
            (State::No, Some("files_api"))
        );
    }

    #[test]
    fn no_matching_value_is_no_and_unknown_is_worse_than_met_but_better_than_no() {
        let only = cap(r#"[{"state":"yes","models":["a"]}]"#);
        let models = strings(&["b"]);
        let e = effective(
            &only,
            "s",
            "x",
            Scope {
                models: &models,
                features: &[],
                ..Scope::default()
            },
        );
        assert_eq!(e.state, State::No);
        assert!(State::No < State::Unknown && State::Unknown < State::OnRequest);
        let w = weakest([
            effective(&cap("\"yes\""), "s", "x", Scope::default()),
            effective(&cap("\"unknown\""), "s", "x", Scope::default()),
        ])
        .expect("some");
        assert_eq!(w.state, State::Unknown);
    }
}
