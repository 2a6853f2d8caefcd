//! Comparing two JSON reports: what moved between a baseline and a change (recommended
//! route, eliminations and revivals with their codes, scores, ranks, costs, warnings,
//! pricing dates), and which gates trip.
//!
//! The reports are read through a view of only the keys this needs, so reports from newer
//! versions (which only ever add keys) still compare; a report of a newer schema version is
//! refused rather than misread.

pub mod gates;
pub mod text;

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::data::parse;
use crate::model::rule_code;
use crate::outputs::diff::gates::{Gate, Threshold};
use crate::support::date::Date;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::support::money;

/// The diff's own JSON schema version; keys are only ever added.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// A JSON report as `diff` reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportView {
    pub schema_version: u32,
    pub recommendation: RecommendationView,
    pub routes: Vec<RouteView>,
    #[serde(default)]
    pub warnings: Vec<WarningView>,
    #[serde(default)]
    pub priced_workload: bool,
    #[serde(default)]
    pub pricing_sources: Vec<SourceView>,
    #[serde(default)]
    pub pricing_age: Option<PricingAgeView>,
    /// Present when the answers had surfaces.
    #[serde(default)]
    pub portfolio: Option<PortfolioView>,
}

/// The portfolio part of a report: each surface's route.
#[derive(Debug, Clone, Deserialize)]
pub struct PortfolioView {
    pub surfaces: Vec<PlanSurfaceView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanSurfaceView {
    pub name: String,
    pub route: Option<String>,
    /// For one model family's part of a surface no route serves whole, that surface.
    #[serde(default)]
    pub split_of: Option<String>,
}

/// One surface's route before and after.
#[derive(Debug, Clone, Serialize)]
pub struct SurfaceRouteChange {
    pub surface: String,
    pub base: Option<String>,
    pub new: Option<String>,
    pub changed: bool,
    /// When this part of a split surface was served whole in one report: that surface, whose
    /// route is this part's route there. The whole surface then has no line of its own.
    pub whole: Option<WholeSurface>,
}

/// The surface a part belongs to, in the report where it was decided whole.
#[derive(Debug, Clone, Serialize)]
pub struct WholeSurface {
    pub surface: String,
    /// `base` or `new`.
    pub report: &'static str,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecommendationView {
    pub route: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RouteView {
    pub id: String,
    pub name: String,
    pub status: RouteStatus,
    #[serde(default)]
    pub rank: Option<u32>,
    pub score: i64,
    #[serde(default)]
    pub reasons: Vec<ReasonView>,
    #[serde(default)]
    pub cost: Option<CostView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteStatus {
    Recommended,
    Viable,
    Eliminated,
}

impl RouteStatus {
    fn viable(self) -> bool {
        self != RouteStatus::Eliminated
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReasonView {
    pub code: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CostView {
    pub monthly_usd: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WarningView {
    pub code: String,
    #[serde(default)]
    pub routes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SourceView {
    pub table: String,
    pub as_of: String,
    #[serde(default)]
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PricingAgeView {
    pub today: String,
    pub max_days: u32,
    pub tables: Vec<TableAgeView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TableAgeView {
    pub table: String,
    pub as_of: String,
    pub age_days: i64,
    pub stale: bool,
    #[serde(default)]
    pub used_by: Vec<String>,
}

/// Reads a JSON report, with problems pointing at file, line, column and key.
pub fn load(path: &std::path::Path) -> Result<ReportView, Diagnostics> {
    from_source(&parse::read_file(path)?)
}

/// [`load`] for a report's text already read.
pub fn from_source(file: &SourceFile) -> Result<ReportView, Diagnostics> {
    let report = json::<ReportView>(file)?;
    check_names(file, &report)?;
    if report.schema_version > crate::outputs::advice::report::SCHEMA_VERSION {
        return Err(file
            .error_whole(
                Code::ReportNewerSchema,
                format!(
                    "the report has schema version {}, newer than the {} this routewise reads",
                    report.schema_version,
                    crate::outputs::advice::report::SCHEMA_VERSION
                ),
            )
            .with_help("compare reports with the routewise version that wrote them, or a newer one")
            .into());
    }
    Ok(report)
}

/// Route ids and table names longer than routewise writes are refused: they are printed in
/// columns and repeated in every output, so a huge one multiplies the output.
fn check_names(file: &SourceFile, report: &ReportView) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    let routes = report.routes.iter().enumerate().flat_map(|(i, r)| {
        [
            (format!("routes[{i}].id"), "route id", &r.id),
            (format!("routes[{i}].name"), "route name", &r.name),
        ]
    });
    let tables = report.pricing_sources.iter().enumerate().map(|(i, s)| {
        (
            format!("pricing_sources[{i}].table"),
            "table name",
            &s.table,
        )
    });
    for (key, what, name) in routes.chain(tables) {
        if let Some(message) = crate::support::limits::name_too_long(what, name) {
            problems.push(file.error_whole(Code::LimitName, message).with_key(key));
        }
    }
    problems.into_result(())
}

fn json<T: serde::de::DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(file
            .error_whole(Code::FileEmpty, "the file is empty")
            .with_help("write the report with `routewise advise --format json`"));
    }
    let mut de = serde_json::Deserializer::from_str(&file.text);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let key = (path != "." && !path.contains('?')).then_some(path);
        let message = inner.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        let code = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                Code::ParseSyntax
            }
            _ => Code::ReportNotAReport,
        };
        file.error_at_line(
            code,
            inner.line().max(1) as u64,
            inner.column().max(1) as u64,
            key.as_deref(),
            format!("not a routewise JSON report: {message}"),
        )
        .with_help("write the report with `routewise advise --format json`")
    })
}

/// Everything that moved, and the gates' verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    /// The two files, as given.
    pub base: String,
    pub new: String,
    pub recommendation: RecommendationChange,
    /// With surfaces: each surface's route before and after (a surface in only one report
    /// has no route in the other).
    pub surfaces: Vec<SurfaceRouteChange>,
    /// The recommended route's monthly cost in each report; null when neither priced a
    /// workload.
    pub decision_cost: Option<CostChange>,
    /// Routes with any change, in the new report's order, then routes that disappeared.
    pub routes: Vec<RouteChange>,
    /// How many routes did not change at all.
    pub unchanged_routes: usize,
    pub warnings: WarningChanges,
    /// Pricing tables added, removed or with a new `as_of` date.
    pub pricing_tables: Vec<TableChange>,
    /// The new report's pricing tables older than the allowed age (when an age was checked).
    pub pricing_age: Option<PricingAgeCheck>,
    /// One verdict per `--fail-on` gate, in the order given.
    pub gates: Vec<GateResult>,
    /// The gates that tripped; the run exits 1 when this is not empty.
    pub tripped: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationChange {
    pub base: Option<String>,
    pub new: Option<String>,
    pub changed: bool,
}

/// A monthly cost before and after.
#[derive(Debug, Clone, Serialize)]
pub struct CostChange {
    pub base_usd: Option<Decimal>,
    pub new_usd: Option<Decimal>,
    /// New minus base, when both are known.
    pub delta_usd: Option<Decimal>,
    /// The change in percent of base (one decimal), when both are known and base is not 0.
    pub delta_percent: Option<Decimal>,
    /// In words: `$820.05 → $900.00 (+$79.95, +9.7%)`.
    pub summary: String,
}

impl CostChange {
    fn between(base: Option<Decimal>, new: Option<Decimal>) -> CostChange {
        let both = base.zip(new);
        let mut change = CostChange {
            base_usd: base,
            new_usd: new,
            delta_usd: both.map(|(b, n)| n - b),
            delta_percent: both.and_then(|(b, n)| money::percent_change(n, b)),
            summary: String::new(),
        };
        change.summary = change.describe();
        change
    }

    fn moved(&self) -> bool {
        self.base_usd != self.new_usd
    }

    /// `$820.05 → $900.00 (+$79.95, +9.7%)`, or what is unknown.
    fn describe(&self) -> String {
        let amount = |v: Option<Decimal>| match v {
            Some(v) => money::format_usd(&v.to_string()),
            None => "not computable".into(),
        };
        if self.base_usd == self.new_usd {
            return format!("{} (unchanged)", amount(self.new_usd));
        }
        let mut text = format!("{} → {}", amount(self.base_usd), amount(self.new_usd));
        if let Some(delta) = self.delta_usd {
            text.push_str(&format!(" ({}", money::format_usd_change(delta)));
            if let Some(p) = self.delta_percent {
                text.push_str(&format!(", {}", money::format_percent_change(p)));
            }
            text.push(')');
        }
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Viable in the base report, eliminated in the new one.
    NewlyEliminated,
    /// Eliminated in the base report, viable in the new one.
    Revived,
    /// Only in the new report.
    Added,
    /// Only in the base report.
    Removed,
    /// Same viability; rank, score, reasons or cost moved.
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteChange {
    pub id: String,
    pub name: String,
    pub change: ChangeKind,
    pub base_status: Option<RouteStatus>,
    pub new_status: Option<RouteStatus>,
    pub base_rank: Option<u32>,
    pub new_rank: Option<u32>,
    /// Scores of viable routes (eliminated routes are not scored).
    pub base_score: Option<i64>,
    pub new_score: Option<i64>,
    /// The codes eliminating the route in the new report.
    pub eliminated_by: Vec<String>,
    /// The codes that eliminated it in the base report.
    pub was_eliminated_by: Vec<String>,
    /// Reason codes (eliminations or scores) that appeared or disappeared.
    pub codes_added: Vec<String>,
    pub codes_removed: Vec<String>,
    /// Monthly cost before and after, when either report prices the route.
    pub cost: Option<CostChange>,
    /// The change in words, such as `newly eliminated by RW004` or `rank 2 → 1; score 40 → 60`.
    pub summary: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct WarningChanges {
    /// Warning codes only in the new report.
    pub added: Vec<String>,
    /// Warning codes only in the base report.
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableChange {
    pub table: String,
    pub base_as_of: Option<String>,
    pub new_as_of: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PricingAgeCheck {
    pub today: String,
    pub max_days: u32,
    /// Stale tables used by a viable route of the new report.
    pub stale: Vec<StaleTable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaleTable {
    pub table: String,
    pub as_of: String,
    pub age_days: i64,
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateResult {
    pub gate: String,
    pub tripped: bool,
    pub detail: String,
}

/// How the pricing age is checked: measured now, or taken from the new report.
#[derive(Debug, Clone, Copy)]
pub struct AgeLimit {
    pub today: Date,
    pub max_days: u32,
}

/// Compares two reports and evaluates the gates. An error means a gate cannot be evaluated
/// on these reports at all (a usage error, not a tripped gate).
pub fn compare(
    base_name: &str,
    base: &ReportView,
    new_name: &str,
    new: &ReportView,
    gates: &[Gate],
    age: Option<AgeLimit>,
) -> Result<Diff, Diagnostic> {
    let recommendation = RecommendationChange {
        base: base.recommendation.route.clone(),
        new: new.recommendation.route.clone(),
        changed: base.recommendation.route != new.recommendation.route,
    };
    let decision_cost = (base.priced_workload || new.priced_workload)
        .then(|| CostChange::between(recommended_cost(base), recommended_cost(new)));

    let mut routes = Vec::new();
    let mut unchanged_routes = 0;
    for n in &new.routes {
        match base.routes.iter().find(|b| b.id == n.id) {
            Some(b) => match route_change(Some(b), Some(n)) {
                Some(change) => routes.push(change),
                None => unchanged_routes += 1,
            },
            None => routes.extend(route_change(None, Some(n))),
        }
    }
    for b in base
        .routes
        .iter()
        .filter(|b| !new.routes.iter().any(|n| n.id == b.id))
    {
        routes.extend(route_change(Some(b), None));
    }

    // Changes of viability first, then moves among viable routes, then changed reasons of
    // routes eliminated in both; within each group, the new report's order.
    routes.sort_by_key(|r| match r.change {
        ChangeKind::NewlyEliminated => 0,
        ChangeKind::Revived => 1,
        ChangeKind::Added => 2,
        ChangeKind::Removed => 3,
        ChangeKind::Changed if r.new_status == Some(RouteStatus::Eliminated) => 5,
        ChangeKind::Changed => 4,
    });

    let codes = |r: &ReportView| -> BTreeSet<String> {
        r.warnings.iter().map(|w| w.code.clone()).collect()
    };
    let (base_codes, new_codes) = (codes(base), codes(new));
    let warnings = WarningChanges {
        added: in_code_order(new_codes.difference(&base_codes)),
        removed: in_code_order(base_codes.difference(&new_codes)),
    };

    let mut pricing_tables = Vec::new();
    let tables: BTreeSet<&str> = base
        .pricing_sources
        .iter()
        .chain(&new.pricing_sources)
        .map(|s| s.table.as_str())
        .collect();
    for table in tables {
        let as_of = |r: &ReportView| {
            r.pricing_sources
                .iter()
                .find(|s| s.table == table)
                .map(|s| s.as_of.clone())
        };
        let (b, n) = (as_of(base), as_of(new));
        if b != n {
            pricing_tables.push(TableChange {
                table: table.to_owned(),
                base_as_of: b,
                new_as_of: n,
            });
        }
    }

    let pricing_age = match age {
        Some(limit) => Some(measure_age(new, limit)),
        None => new.pricing_age.as_ref().map(|a| PricingAgeCheck {
            today: a.today.clone(),
            max_days: a.max_days,
            stale: a
                .tables
                .iter()
                .filter(|t| t.stale && !t.used_by.is_empty())
                .map(|t| StaleTable {
                    table: t.table.clone(),
                    as_of: t.as_of.clone(),
                    age_days: t.age_days,
                    used_by: t.used_by.clone(),
                })
                .collect(),
        }),
    };

    let mut diff = Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        base: base_name.to_owned(),
        new: new_name.to_owned(),
        recommendation,
        surfaces: surface_changes(base, new),
        decision_cost,
        routes,
        unchanged_routes,
        warnings,
        pricing_tables,
        pricing_age,
        gates: Vec::new(),
        tripped: Vec::new(),
    };
    for gate in gates {
        let result = evaluate(gate, &diff, base, new)?;
        if result.tripped {
            diff.tripped.push(result.gate.clone());
        }
        diff.gates.push(result);
    }
    Ok(diff)
}

fn recommended_cost(report: &ReportView) -> Option<Decimal> {
    let id = report.recommendation.route.as_ref()?;
    report
        .routes
        .iter()
        .find(|r| &r.id == id)?
        .cost
        .as_ref()?
        .monthly_usd
}

/// Rule codes in the order of every listing (`RW002` before `RW0010`; see `model::rule_code`).
fn in_code_order<'a>(codes: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut codes: Vec<String> = codes.into_iter().cloned().collect();
    codes.sort_by(|a, b| rule_code::order(a, b));
    codes
}

fn reason_codes(route: &RouteView) -> BTreeSet<String> {
    route.reasons.iter().map(|r| r.code.clone()).collect()
}

fn eliminating_codes(route: Option<&RouteView>) -> Vec<String> {
    match route {
        Some(r) if !r.status.viable() => in_code_order(&reason_codes(r)),
        _ => Vec::new(),
    }
}

/// The change of one route, or `None` when nothing about it moved.
fn route_change(base: Option<&RouteView>, new: Option<&RouteView>) -> Option<RouteChange> {
    let either = new.or(base)?;
    let viable = |r: Option<&RouteView>| r.map(|r| r.status.viable());
    let change = match (viable(base), viable(new)) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Removed,
        (Some(true), Some(false)) => ChangeKind::NewlyEliminated,
        (Some(false), Some(true)) => ChangeKind::Revived,
        _ => ChangeKind::Changed,
    };
    let score = |r: Option<&RouteView>| r.filter(|r| r.status.viable()).map(|r| r.score);
    let cost = |r: Option<&RouteView>| r.and_then(|r| r.cost.as_ref()).and_then(|c| c.monthly_usd);
    let has_cost = |r: Option<&RouteView>| r.is_some_and(|r| r.cost.is_some());
    let (base_codes, new_codes) = (
        base.map(reason_codes).unwrap_or_default(),
        new.map(reason_codes).unwrap_or_default(),
    );
    let cost_change =
        (has_cost(base) || has_cost(new)).then(|| CostChange::between(cost(base), cost(new)));
    let result = RouteChange {
        id: either.id.clone(),
        name: either.name.clone(),
        change,
        base_status: base.map(|r| r.status),
        new_status: new.map(|r| r.status),
        base_rank: base.and_then(|r| r.rank),
        new_rank: new.and_then(|r| r.rank),
        base_score: score(base),
        new_score: score(new),
        eliminated_by: eliminating_codes(new),
        was_eliminated_by: eliminating_codes(base),
        codes_added: in_code_order(new_codes.difference(&base_codes)),
        codes_removed: in_code_order(base_codes.difference(&new_codes)),
        cost: cost_change,
        summary: String::new(),
    };
    let moved = change != ChangeKind::Changed
        || result.base_status != result.new_status
        || result.base_rank != result.new_rank
        || result.base_score != result.new_score
        || !result.codes_added.is_empty()
        || !result.codes_removed.is_empty()
        || result.cost.as_ref().is_some_and(CostChange::moved)
        || has_cost(base) != has_cost(new);
    moved.then(|| RouteChange {
        summary: route_summary(&result),
        ..result
    })
}

fn status_word(status: RouteStatus) -> &'static str {
    match status {
        RouteStatus::Recommended => "recommended",
        RouteStatus::Viable => "viable",
        RouteStatus::Eliminated => "eliminated",
    }
}

/// Where a route stands in one report: `viable, rank 2, score 40` or `eliminated by RW001`.
fn standing(
    status: Option<RouteStatus>,
    rank: Option<u32>,
    score: Option<i64>,
    codes: &[String],
) -> String {
    match status {
        None => "absent".into(),
        Some(RouteStatus::Eliminated) => format!("eliminated by {}", codes.join(", ")),
        Some(s) => {
            let mut text = status_word(s).to_owned();
            if let Some(rank) = rank {
                text.push_str(&format!(", rank {rank}"));
            }
            if let Some(score) = score {
                text.push_str(&format!(", score {score}"));
            }
            text
        }
    }
}

fn route_summary(r: &RouteChange) -> String {
    let before = standing(
        r.base_status,
        r.base_rank,
        r.base_score,
        &r.was_eliminated_by,
    );
    let after = standing(r.new_status, r.new_rank, r.new_score, &r.eliminated_by);
    match r.change {
        ChangeKind::NewlyEliminated => {
            format!(
                "newly eliminated by {} (was {before})",
                r.eliminated_by.join(", ")
            )
        }
        ChangeKind::Revived => format!(
            "revived: no longer eliminated by {}; now {after}",
            r.was_eliminated_by.join(", ")
        ),
        ChangeKind::Added => format!("added: {after}"),
        ChangeKind::Removed => format!("removed (was {before})"),
        ChangeKind::Changed => {
            let mut parts = Vec::new();
            if let (Some(b), Some(n)) = (r.base_status, r.new_status)
                && b != n
            {
                parts.push(format!("{} → {}", status_word(b), status_word(n)));
            }
            if r.base_rank != r.new_rank
                && let (Some(b), Some(n)) = (r.base_rank, r.new_rank)
            {
                parts.push(format!("rank {b} → {n}"));
            }
            if r.base_score != r.new_score
                && let (Some(b), Some(n)) = (r.base_score, r.new_score)
            {
                parts.push(format!("score {b} → {n}"));
            }
            if !r.codes_added.is_empty() || !r.codes_removed.is_empty() {
                let mut codes: Vec<String> =
                    r.codes_added.iter().map(|c| format!("+{c}")).collect();
                codes.extend(r.codes_removed.iter().map(|c| format!("-{c}")));
                let what = if r.new_status == Some(RouteStatus::Eliminated) {
                    "eliminated by"
                } else {
                    "reasons"
                };
                parts.push(format!("{what} {}", codes.join(" ")));
            }
            if let Some(cost) = r.cost.as_ref().filter(|c| c.moved()) {
                parts.push(format!("cost {}", cost.summary));
            }
            parts.join("; ")
        }
    }
}

/// Ages of the new report's tables measured to `today`.
fn measure_age(new: &ReportView, limit: AgeLimit) -> PricingAgeCheck {
    let stale = new
        .pricing_sources
        .iter()
        .filter(|s| !s.used_by.is_empty())
        .filter_map(|s| {
            let age_days = limit.today.days_since(Date::parse(&s.as_of)?);
            (age_days > i64::from(limit.max_days)).then(|| StaleTable {
                table: s.table.clone(),
                as_of: s.as_of.clone(),
                age_days,
                used_by: s.used_by.clone(),
            })
        })
        .collect();
    PricingAgeCheck {
        today: limit.today.to_string(),
        max_days: limit.max_days,
        stale,
    }
}

fn evaluate(
    gate: &Gate,
    diff: &Diff,
    base: &ReportView,
    new: &ReportView,
) -> Result<GateResult, Diagnostic> {
    let id = |r: &Option<String>| match r {
        Some(id) => format!("`{id}`"),
        None => "no route".into(),
    };
    let (tripped, detail) = match gate {
        Gate::RouteChange => {
            let r = &diff.recommendation;
            let moved: Vec<String> = diff
                .surfaces
                .iter()
                .filter(|s| s.changed)
                .map(|s| format!("surface `{}`: {} → {}", s.surface, id(&s.base), id(&s.new)))
                .collect();
            if r.changed {
                let mut parts = vec![format!("{} → {}", id(&r.base), id(&r.new))];
                parts.extend(moved);
                (true, parts.join("; "))
            } else if !moved.is_empty() {
                (true, moved.join("; "))
            } else {
                (false, format!("unchanged: {}", id(&r.new)))
            }
        }
        Gate::NewElimination => {
            let eliminated: Vec<String> = diff
                .routes
                .iter()
                .filter(|r| r.change == ChangeKind::NewlyEliminated)
                .map(|r| format!("`{}` by {}", r.id, r.eliminated_by.join(", ")))
                .collect();
            if eliminated.is_empty() {
                (false, "no viable route was eliminated".into())
            } else {
                (true, eliminated.join("; "))
            }
        }
        Gate::CostIncrease(threshold) => {
            let Some(cost) = diff
                .decision_cost
                .as_ref()
                .filter(|_| base.priced_workload && new.priced_workload)
            else {
                return Err(Diagnostic::plain(
                    Code::GateNeedsCost,
                    format!(
                        "the gate `{gate}` compares the recommended route's monthly cost, but {}",
                        match (base.priced_workload, new.priced_workload) {
                            (false, false) => "neither report prices a workload".to_owned(),
                            (false, true) =>
                                format!("the base report {} prices no workload", diff.base),
                            _ => format!("the new report {} prices no workload", diff.new),
                        }
                    ),
                )
                .with_help(
                    "make both reports with `routewise advise --workload FILE --format json`",
                ));
            };
            cost_gate(*threshold, cost)
        }
        Gate::StalePricing => {
            let Some(age) = &diff.pricing_age else {
                return Err(Diagnostic::plain(
                    Code::GateNeedsAge,
                    "the gate `stale-pricing` needs an age limit: pass --max-pricing-age DAYS (with --today or SOURCE_DATE_EPOCH), or compare reports made with `advise --max-pricing-age`",
                ));
            };
            if age.stale.is_empty() {
                (
                    false,
                    format!(
                        "every table used by a viable route is at most {} days old on {}",
                        age.max_days, age.today
                    ),
                )
            } else {
                let tables: Vec<String> = age
                    .stale
                    .iter()
                    .map(|t| {
                        format!(
                            "`{}` is {} days old (as of {})",
                            t.table, t.age_days, t.as_of
                        )
                    })
                    .collect();
                (
                    true,
                    format!(
                        "{}; at most {} days allowed on {}",
                        tables.join(", "),
                        age.max_days,
                        age.today
                    ),
                )
            }
        }
    };
    Ok(GateResult {
        gate: gate.to_string(),
        tripped,
        detail,
    })
}

/// The cost gate over the recommended route's cost. An increase that cannot be measured
/// because the new cost is unknown trips the gate (the decision lost its price); with no
/// base cost there is nothing to compare and it passes, saying so.
fn cost_gate(threshold: Threshold, cost: &CostChange) -> (bool, String) {
    let limit = match threshold {
        Threshold::Percent(p) => format!("{p}%"),
        Threshold::Usd(a) => money::format_usd(&a.to_string()),
    };
    match (cost.base_usd, cost.new_usd) {
        (None, _) => (
            false,
            format!(
                "not compared: the base report's recommended route has no monthly cost ({})",
                cost.describe()
            ),
        ),
        (Some(_), None) => (
            true,
            format!(
                "the recommended route's monthly cost can no longer be computed ({})",
                cost.describe()
            ),
        ),
        (Some(b), Some(n)) => {
            let delta = n - b;
            let over = match threshold {
                Threshold::Usd(a) => delta > a,
                // Exact: compare delta * 100 with base * p, never a rounded percentage.
                Threshold::Percent(p) => {
                    delta > Decimal::ZERO
                        && (b.is_zero()
                            || delta.checked_mul(Decimal::ONE_HUNDRED) > b.checked_mul(p))
                }
            };
            let verdict = if over { "more than" } else { "within" };
            (over, format!("{verdict} {limit}: {}", cost.summary))
        }
    }
}

/// Each surface's route in the two reports, in the new report's order, then surfaces only
/// the base had. A surface split by model family in one report and whole in the other is
/// compared part by part: each part's traffic went (or goes) to the whole surface's route.
fn surface_changes(base: &ReportView, new: &ReportView) -> Vec<SurfaceRouteChange> {
    let empty = Vec::new();
    let of = |r: &ReportView| {
        r.portfolio
            .as_ref()
            .map(|p| &p.surfaces)
            .unwrap_or(&empty)
            .clone()
    };
    let (b, n) = (of(base), of(new));
    let named =
        |list: &[PlanSurfaceView], name: &str| list.iter().find(|x| x.name == name).cloned();
    // A part in `list` with no same-named surface in `other`, whose whole surface `other` has.
    let whole_in = |part: &PlanSurfaceView, other: &[PlanSurfaceView]| {
        if named(other, &part.name).is_some() {
            return None;
        }
        part.split_of
            .as_deref()
            .and_then(|whole| named(other, whole))
    };
    let split_in = |whole: &PlanSurfaceView, list: &[PlanSurfaceView]| {
        list.iter()
            .any(|x| x.split_of.as_deref() == Some(whole.name.as_str()))
    };
    let mut out: Vec<SurfaceRouteChange> = Vec::new();
    for s in &n {
        let (before, whole) = match named(&b, &s.name) {
            Some(x) => (x.route, None),
            None => match whole_in(s, &b) {
                Some(x) => (
                    x.route,
                    Some(WholeSurface {
                        surface: x.name,
                        report: "base",
                    }),
                ),
                None => (None, None),
            },
        };
        if named(&b, &s.name).is_none() && split_in(s, &b) {
            // Whole here, split in the base: its base parts say where each went.
            for part in b
                .iter()
                .filter(|x| x.split_of.as_deref() == Some(s.name.as_str()))
            {
                out.push(SurfaceRouteChange {
                    surface: part.name.clone(),
                    changed: part.route != s.route,
                    base: part.route.clone(),
                    new: s.route.clone(),
                    whole: Some(WholeSurface {
                        surface: s.name.clone(),
                        report: "new",
                    }),
                });
            }
            continue;
        }
        out.push(SurfaceRouteChange {
            surface: s.name.clone(),
            changed: before != s.route,
            base: before,
            new: s.route.clone(),
            whole,
        });
    }
    for s in b.iter().filter(|x| named(&n, &x.name).is_none()) {
        if split_in(s, &n) || whole_in(s, &n).is_some() {
            // Compared part by part above.
            continue;
        }
        out.push(SurfaceRouteChange {
            surface: s.name.clone(),
            base: s.route.clone(),
            new: None,
            changed: s.route.is_some(),
            whole: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn percent_gates_compare_exactly() {
        let cost = CostChange::between(Some(d("1000.00")), Some(d("1100.00")));
        assert!(
            !cost_gate(Threshold::Percent(d("10")), &cost).0,
            "exactly 10% is within 10%"
        );
        let cost = CostChange::between(Some(d("1000.00")), Some(d("1100.01")));
        assert!(cost_gate(Threshold::Percent(d("10")), &cost).0);
        let cost = CostChange::between(Some(d("0")), Some(d("0.01")));
        assert!(
            cost_gate(Threshold::Percent(d("10")), &cost).0,
            "any rise from zero"
        );
        let cost = CostChange::between(Some(d("500")), Some(d("100")));
        assert!(
            !cost_gate(Threshold::Percent(d("0")), &cost).0,
            "a fall never trips"
        );
    }

    #[test]
    fn amount_gates_and_unknown_costs() {
        let cost = CostChange::between(Some(d("1000")), Some(d("1500")));
        assert!(!cost_gate(Threshold::Usd(d("500")), &cost).0);
        assert!(cost_gate(Threshold::Usd(d("499.99")), &cost).0);
        let lost = CostChange::between(Some(d("1000")), None);
        assert!(cost_gate(Threshold::Usd(d("500")), &lost).0);
        let never = CostChange::between(None, Some(d("1000")));
        assert!(!cost_gate(Threshold::Usd(d("500")), &never).0);
    }

    #[test]
    fn cost_changes_describe_both_sides() {
        let cost = CostChange::between(Some(d("820.05")), Some(d("900.00")));
        assert_eq!(cost.describe(), "$820.05 → $900.00 (+$79.95, +9.7%)");
        let lost = CostChange::between(Some(d("820.05")), None);
        assert_eq!(lost.describe(), "$820.05 → not computable");
        let same = CostChange::between(Some(d("820.05")), Some(d("820.050")));
        assert_eq!(same.describe(), "$820.05 (unchanged)");
    }
}
