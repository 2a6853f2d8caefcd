//! The report model: the one thing every renderer sees. Versioned; keys are only ever added.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::data::rule_set::Firing;
use crate::engine::advice::Advice;
use crate::engine::capabilities::Fact;
use crate::engine::cost::{self, UnitPrice};
use crate::engine::decide::{Decision, Status};
use crate::engine::portfolio::{Plan, Verdict};
use crate::engine::provenance;
pub use crate::engine::provenance::PricingSource;
use crate::engine::unmet::{self, Unmet};
use crate::model::answers::Answer;
use crate::model::decision::DecisionMeta;
use crate::model::rule_code;

/// The JSON report's schema version; raised only when a key changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub generator: Generator,
    pub recommendation: Recommendation,
    /// Answered preferences the recommended route (each surface's route, with surfaces)
    /// does not satisfy, with the rule it does not earn and why.
    pub unmet: Vec<Unmet>,
    /// Every question with the answer used (given or default).
    pub answers: Vec<AnswerRow>,
    /// Recommended first, then viable routes by rank, then eliminated ones.
    pub routes: Vec<RouteReport>,
    pub warnings: Vec<Warning>,
    /// When no route survives: each eliminating constraint with the routes it removed.
    pub blocking_constraints: Vec<BlockingConstraint>,
    /// True when a workload was priced (routes carry `cost`); false when they carry `unit_prices`.
    pub priced_workload: bool,
    pub pricing_sources: Vec<PricingSource>,
    /// The price book laid over the published prices, with every entry it applied.
    pub price_book: Option<PriceBookReport>,
    /// Everything the numbers rest on that is not a published price.
    pub assumptions: Vec<String>,
    /// With `surfaces:` in the answers: the surfaces' routes composed, and the comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<PortfolioReport>,
    /// With `surfaces:` in the answers: how to switch to each route of the recommended plan
    /// (and its gateway).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption: Option<Vec<crate::outputs::adoption::AdoptionGuide>>,
    /// With `surfaces:` in the answers: each surface's own report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surfaces: Option<Vec<SurfaceReport>>,
    /// What the recommended route needs done before go-live: the conditions of the
    /// `configurable` and `on_request` values (and model limits) a hard constraint rests on.
    pub before_go_live: Vec<Fact>,
    /// The `unknown` capability values behind the routes that only unknowns eliminated:
    /// questions for each vendor whose answer could revive a route, kept apart from the
    /// facts that eliminated routes.
    pub open_questions: Vec<OpenQuestion>,
    /// Decision-record keys: `decision`, `drivers`, `command`, `pricing_age` (see `record.rs`).
    #[serde(flatten)]
    pub record: RecordInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
    /// routewise never uses the network: prices are those of its data files.
    pub offline: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub route: Option<String>,
    pub name: Option<String>,
    pub summary: String,
    /// When catalogue order broke a tie: the answer and rule that would break it instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tie_breaker: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerRow {
    pub id: String,
    pub prompt: String,
    pub answer: String,
    /// False when the question was not answered and its default ("no requirement") applies.
    pub given: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteReport {
    pub id: String,
    pub name: String,
    pub platform: String,
    pub status: Status,
    /// 1 for the recommended route; absent for eliminated routes.
    pub rank: Option<u32>,
    pub score: i64,
    /// Why the route was eliminated (effect `eliminate`) or how it scored (effect `score`).
    pub reasons: Vec<Reason>,
    pub warnings: Vec<Reason>,
    /// Monthly cost of the workload (viable routes, when a workload was given).
    pub cost: Option<CostReport>,
    /// USD per million tokens per model (viable routes, when no workload was given).
    pub unit_prices: Vec<UnitPrice>,
    /// Viable routes: the conditions their hard constraints rest on.
    pub conditions: Vec<Fact>,
    /// Eliminated routes: the `no` values behind the eliminations, with their sources.
    pub evidence: Vec<Fact>,
    /// Eliminated routes: the `unknown` values behind the eliminations.
    pub open_questions: Vec<Fact>,
}

/// One question for a vendor, and the route it would decide.
#[derive(Debug, Clone, Serialize)]
pub struct OpenQuestion {
    pub route: String,
    pub ask: String,
    pub question: String,
    pub code: String,
    pub url: String,
    pub checked: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub code: String,
    pub rule: String,
    pub effect: crate::model::rule::Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// Sum of the rounded items; null when some traffic cannot be priced on this route.
    pub monthly_usd: Option<Decimal>,
    pub items: Vec<cost::LineItem>,
    pub unserved: Vec<cost::Unserved>,
    pub notes: Vec<String>,
    /// Provisioned-capacity sizing on provisioned routes.
    pub sizing: Vec<cost::provisioned::Sizing>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub code: String,
    /// The viable routes the warning is about, in rank order; empty for warnings about the
    /// answers themselves.
    pub routes: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockingConstraint {
    pub code: String,
    pub rule: String,
    /// Routes this constraint eliminated.
    pub routes: Vec<String>,
    /// Routes this constraint alone eliminated: relaxing it would make them viable.
    pub sole_blocker_of: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriceBookReport {
    pub name: Option<String>,
    pub file: String,
    pub entries: Vec<crate::data::price_book::Applied>,
}

impl PriceBookReport {
    pub fn of(book: &crate::data::price_book::PriceBook) -> PriceBookReport {
        PriceBookReport {
            name: book.name.clone(),
            file: book.file.clone(),
            entries: book.entries(),
        }
    }
}

/// Decides, prices and assembles the report.
pub fn build(inputs: &Inputs, advice: &Advice) -> Report {
    let catalogue = &inputs.catalogue;
    let Advice { costs, decision } = advice;

    let mut routes = Vec::new();
    let mut rank = 0;
    for outcome in &decision.outcomes {
        let Some(route) = catalogue.route(&outcome.route_id) else {
            continue;
        };
        let viable = outcome.status != Status::Eliminated;
        if viable {
            rank += 1;
        }
        let reasons_from = if viable {
            &outcome.scores
        } else {
            &outcome.eliminations
        };
        routes.push(RouteReport {
            id: route.id.clone(),
            name: route.name.clone(),
            platform: serde_json::to_value(route.platform)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            status: outcome.status,
            rank: viable.then_some(rank),
            score: outcome.score,
            reasons: reasons_from.iter().map(reason).collect(),
            warnings: outcome.warnings.iter().map(reason).collect(),
            cost: costs.get(&route.id).filter(|_| viable).map(|c| CostReport {
                monthly_usd: c.monthly_usd,
                items: c.items.clone(),
                unserved: c.unserved.clone(),
                notes: c.notes.clone(),
                sizing: c.sizing.clone(),
            }),
            unit_prices: if viable && inputs.workload.is_none() {
                cost::unit_prices(route, catalogue, &inputs.prices)
            } else {
                Vec::new()
            },
            conditions: outcome.conditions.clone(),
            evidence: outcome.evidence.clone(),
            open_questions: outcome.open_questions.clone(),
        });
    }
    let before_go_live = decision
        .recommended()
        .map(|o| o.conditions.clone())
        .unwrap_or_default();
    // The questions whose answers could revive a route: those of routes that only unknowns
    // eliminated (a route that also breaks a hard fact stays out whatever the vendor says).
    let open_questions: Vec<OpenQuestion> = decision
        .outcomes
        .iter()
        .filter(|o| {
            !o.open_questions.is_empty()
                && o.eliminations
                    .iter()
                    .all(|f| o.open_questions.iter().any(|q| q.code == f.code))
        })
        .flat_map(|o| {
            o.open_questions.iter().map(|f| OpenQuestion {
                route: o.route_id.clone(),
                ask: f.value.ask.clone(),
                question: f.question(),
                code: f.code.clone(),
                url: f.url.clone(),
                checked: f.checked.clone(),
            })
        })
        .collect();

    let mut warnings: Vec<Warning> = decision
        .general_warnings
        .iter()
        .map(|f| Warning {
            code: f.code.clone(),
            routes: Vec::new(),
            message: f.message.clone(),
        })
        .collect();
    // Each route warning's code and message, and its place in `warnings`: one lookup per
    // firing, where a search of the list made a team's 10,000 warn rules quadratic.
    let mut route_warnings: HashMap<(&str, &str), usize> = HashMap::new();
    for outcome in decision
        .outcomes
        .iter()
        .filter(|o| o.status != Status::Eliminated)
    {
        for f in &outcome.warnings {
            match route_warnings.entry((f.code.as_str(), f.message.as_str())) {
                Entry::Occupied(at) => warnings[*at.get()].routes.push(outcome.route_id.clone()),
                Entry::Vacant(slot) => {
                    slot.insert(warnings.len());
                    warnings.push(Warning {
                        code: f.code.clone(),
                        routes: vec![outcome.route_id.clone()],
                        message: f.message.clone(),
                    });
                }
            }
        }
    }
    warnings.sort_by(|a, b| rule_code::order(&a.code, &b.code));

    let viable_ids: Vec<String> = routes
        .iter()
        .filter(|r| r.status != Status::Eliminated)
        .map(|r| r.id.clone())
        .collect();
    let pricing_sources = provenance::pricing_sources(inputs, &viable_ids);

    let totals: BTreeMap<String, Option<Decimal>> = costs
        .iter()
        .map(|(id, c)| (id.clone(), c.monthly_usd))
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        generator: Generator {
            name: "routewise",
            version: env!("CARGO_PKG_VERSION"),
            offline: true,
        },
        recommendation: recommendation(decision, inputs, &totals),
        unmet: decision
            .recommended()
            .map(|o| unmet::unmet(inputs, decision, &o.route_id))
            .unwrap_or_default(),
        portfolio: None,
        adoption: None,
        surfaces: None,
        answers: answer_rows(inputs),
        blocking_constraints: blocking_constraints(decision),
        routes,
        warnings,
        priced_workload: inputs.workload.is_some(),
        assumptions: {
            let mut a = provenance::assumptions(inputs, &viable_ids);
            a.extend(later_streams(inputs));
            a
        },
        before_go_live,
        open_questions,
        price_book: inputs.price_book.as_ref().map(PriceBookReport::of),
        pricing_sources,
        // Filled by the pipeline (`outputs::advice::advise`) from the answers file.
        record: RecordInfo::default(),
    }
}

/// The advice prices a month in which every stream runs at its declared volume; a stream
/// that starts later is still priced, and the report says so.
fn later_streams(inputs: &Inputs) -> Option<String> {
    let later: Vec<String> = inputs
        .workload
        .as_ref()?
        .traffic
        .iter()
        .filter(|t| t.value.start() > 1)
        .map(|t| format!("`{}` (month {})", t.value.name, t.value.start()))
        .collect();
    (!later.is_empty()).then(|| {
        format!(
            "Monthly costs price every traffic stream at its declared volume, before growth, including streams that start later: {}; `routewise cost` projects the months.",
            later.join(", ")
        )
    })
}

fn reason(f: &Firing) -> Reason {
    Reason {
        code: f.code.clone(),
        rule: f.name.clone(),
        effect: f.effect,
        weight: (f.effect == crate::model::rule::Effect::Score).then_some(f.weight),
        message: f.message.clone(),
    }
}

fn recommendation(
    decision: &Decision,
    inputs: &Inputs,
    totals: &BTreeMap<String, Option<Decimal>>,
) -> Recommendation {
    let Some(best) = decision.recommended() else {
        return Recommendation {
            route: None,
            name: None,
            summary: "No route satisfies every hard constraint. See the blocking constraints: \
                      relaxing one of them, or adding a route that meets it, is the way forward."
                .into(),
            tie_breaker: None,
        };
    };
    let name = inputs
        .catalogue
        .route(&best.route_id)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let viable = decision
        .outcomes
        .iter()
        .filter(|o| o.status != Status::Eliminated)
        .count();
    let total = decision.outcomes.len();
    let mut because: Vec<String> = best
        .scores
        .iter()
        .filter(|s| s.weight > 0)
        .map(|s| s.message.clone())
        .collect();
    let runner_up = decision
        .outcomes
        .iter()
        .find(|o| o.status == Status::Viable);
    if because.is_empty() {
        because.push("no preference separates the viable routes".into());
    }
    let mut tie_breaker = None;
    let tie_note = match runner_up {
        Some(next) if next.score == best.score => {
            let cost_of = |id: &str| totals.get(id).copied().flatten();
            match (cost_of(&best.route_id), cost_of(&next.route_id)) {
                (Some(a), Some(b)) if a < b => {
                    format!(" It ties on score with `{}` and costs less.", next.route_id)
                }
                (Some(_), None) => format!(
                    " It ties on score with `{}`, which cannot price the whole workload.",
                    next.route_id
                ),
                _ => {
                    match crate::engine::tie::tie_breaker(inputs, &best.route_id, &next.route_id) {
                        Some(t) => {
                            tie_breaker = Some(t.sentence());
                            format!(
                                " It ties with `{}` on score and cost, so catalogue order decides; {}.",
                                next.route_id,
                                t.sentence()
                            )
                        }
                        None => format!(
                            " It ties with `{}` on score and cost; catalogue order decides and no single answer separates the two, so compare them yourself.",
                            next.route_id
                        ),
                    }
                }
            }
        }
        _ => String::new(),
    };
    Recommendation {
        route: Some(best.route_id.clone()),
        name: Some(name.clone()),
        summary: format!(
            "{name} (`{}`) is recommended with score {}: {}. {viable} of {total} routes meet every hard constraint.{tie_note}",
            best.route_id,
            best.score,
            because.join("; ")
        ),
        tie_breaker,
    }
}

fn answer_rows(inputs: &Inputs) -> Vec<AnswerRow> {
    inputs
        .catalogue
        .questions
        .iter()
        .map(|q| AnswerRow {
            id: q.id.clone(),
            prompt: q.prompt.clone(),
            answer: inputs
                .answers
                .get(&q.id)
                .map(Answer::display)
                .unwrap_or_default(),
            given: inputs.answers.given.contains(&q.id),
        })
        .collect()
}

fn blocking_constraints(decision: &Decision) -> Vec<BlockingConstraint> {
    if decision.recommended().is_some() {
        return Vec::new();
    }
    let mut by_code: BTreeMap<(String, String), (Vec<String>, Vec<String>)> = BTreeMap::new();
    for outcome in &decision.outcomes {
        let only = outcome.eliminations.len() == 1;
        for f in &outcome.eliminations {
            let entry = by_code.entry((f.code.clone(), f.name.clone())).or_default();
            entry.0.push(outcome.route_id.clone());
            if only {
                entry.1.push(outcome.route_id.clone());
            }
        }
    }
    let mut out: Vec<BlockingConstraint> = by_code
        .into_iter()
        .map(|((code, rule), (routes, sole))| BlockingConstraint {
            code,
            rule,
            routes,
            sole_blocker_of: sole,
        })
        .collect();
    out.sort_by(|a, b| {
        b.sole_blocker_of
            .len()
            .cmp(&a.sole_blocker_of.len())
            .then(b.routes.len().cmp(&a.routes.len()))
            .then(rule_code::order(&a.code, &b.code))
    });
    out
}
/// The record part of the report (flattened into its top level; keys are only added).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordInfo {
    /// Metadata from the answers file's `decision:` block; `date` may come from `--date`
    /// or `SOURCE_DATE_EPOCH` instead.
    pub decision: DecisionMeta,
    /// The answered constraints in words: one per answer that differs from its default.
    pub drivers: Vec<Driver>,
    /// The routewise command that regenerates this exact output; null when the report was
    /// not made by `routewise advise`.
    pub command: Option<String>,
    /// How old each pricing table is; null unless `--max-pricing-age` was given.
    pub pricing_age: Option<PricingAge>,
    /// The line naming the record this one supersedes (`advise --supersede DIR`); absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
}

/// One decision driver.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    pub question: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PricingAge {
    /// The date ages are measured to (`--today` or `SOURCE_DATE_EPOCH`).
    pub today: String,
    pub max_days: u32,
    pub tables: Vec<TableAge>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableAge {
    pub table: String,
    pub as_of: String,
    pub age_days: i64,
    /// Older than `max_days`.
    pub stale: bool,
    /// Viable routes priced from this table; a stale table warns only when this is not empty.
    pub used_by: Vec<String>,
}

/// The `portfolio` key of the JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioReport {
    pub verdict: Verdict,
    pub summary: String,
    /// The recommended plan: the surfaces' own routes, or the single route when it earns it.
    #[serde(flatten)]
    pub recommended: Plan,
    /// Side by side: the surfaces' own choices, the best single route, the cheapest split.
    pub options: Vec<PlanOption>,
    /// The surfaces no single route serves, decided one model family at a time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<SplitReport>,
}

/// A surface split by model family: what keeps one route from serving it whole.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    pub surface: String,
    /// The parts, each a surface of the portfolio (`surface/family`).
    pub parts: Vec<String>,
    /// The whole surface's blocking constraints.
    pub blocking_constraints: Vec<BlockingConstraint>,
    /// The whole surface's open questions: a vendor's yes could let one route serve it.
    pub open_questions: Vec<OpenQuestion>,
    /// The whole surface's routes, each eliminated with its reasons and evidence.
    pub routes: Vec<RouteReport>,
    /// The whole surface's own report, for `routewise test` cases that name the surface.
    #[serde(skip)]
    pub whole: Box<Report>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanOption {
    /// `portfolio`, `single_route` or `cheapest_split`.
    pub kind: &'static str,
    pub label: String,
    #[serde(flatten)]
    pub plan: Plan,
}

/// One surface's own report, as today's report for its answers and traffic.
#[derive(Debug, Clone, Serialize)]
pub struct SurfaceReport {
    pub name: String,
    /// The question ids this surface overrides.
    pub overrides: Vec<String>,
    /// The traffic entries this surface carries.
    pub traffic: Vec<String>,
    /// The answers' surface this part belongs to, when that surface is split by family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_of: Option<String>,
    /// The model family this part carries, when its surface is split by family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(flatten)]
    pub report: Report,
}
