//! What turns a report into a decision record: the decision's metadata and date, the
//! answered constraints in words, the command that regenerates the output, and how old the
//! prices are. Everything is derived from the inputs and the command line, never from the
//! clock, so a record regenerated from the same inputs has the same bytes.

use crate::data::inputs::Inputs;
use crate::engine::decide::Status;
use crate::model::answers::Answers;
use crate::model::question::Question;
use crate::model::rule_code;
use crate::outputs::advice::report::{Report, Warning};
use crate::support::date::Date;

pub use crate::outputs::diff::gates::STALE_PRICING;
/// The warning code of a pricing table dated after the day ages are measured to.
pub const PRICING_AFTER_TODAY: &str = "pricing-after-today";

pub use crate::outputs::advice::report::{Driver, PricingAge, RecordInfo, TableAge};

/// How a run was asked for: the flags that shape a record beyond its input files.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The record's date when it does not come from the answers file: `--date`, which wins
    /// over `decision.date`, or `SOURCE_DATE_EPOCH` when the file gives none.
    pub date: Option<Date>,
    /// The reference date for pricing ages (`--today`, else `SOURCE_DATE_EPOCH`).
    pub today: Option<Date>,
    pub max_pricing_age: Option<u32>,
    /// The command line that regenerates the output.
    pub command: Option<String>,
}

impl RecordInfo {
    /// The parts that depend on the inputs alone.
    pub fn from_inputs(inputs: &Inputs) -> RecordInfo {
        RecordInfo {
            decision: inputs.answers.decision.clone(),
            drivers: drivers(&inputs.catalogue.questions, &inputs.answers),
            command: None,
            pricing_age: None,
            supersedes: None,
        }
    }
}

/// Applies the run's date, command and pricing-age check to a built report.
pub fn apply(report: &mut Report, run: &RunOptions) {
    let record = &mut report.record;
    if let Some(date) = run.date {
        record.decision.date = Some(date.to_string());
    }
    record.command = run.command.clone();
    let (Some(today), Some(max_days)) = (run.today, run.max_pricing_age) else {
        return;
    };
    let tables: Vec<TableAge> = report
        .pricing_sources
        .iter()
        .filter_map(|source| {
            let as_of = Date::parse(&source.as_of)?;
            let age_days = today.days_since(as_of);
            Some(TableAge {
                table: source.table.clone(),
                as_of: source.as_of.clone(),
                age_days,
                stale: age_days > i64::from(max_days),
                used_by: source.used_by.clone(),
            })
        })
        .collect();
    for t in tables.iter().filter(|t| t.stale && !t.used_by.is_empty()) {
        report.warnings.push(Warning {
            code: STALE_PRICING.into(),
            routes: ranked(report, &t.used_by),
            message: format!(
                "pricing table `{}` is {} days old (as of {}, measured on {today}), more than the {max_days} days allowed; re-check its prices before relying on the costs.",
                t.table, t.age_days, t.as_of
            ),
        });
    }
    // A negative age is not "fresh": `--today` (or SOURCE_DATE_EPOCH) is probably wrong.
    for t in tables
        .iter()
        .filter(|t| t.age_days < 0 && !t.used_by.is_empty())
    {
        report.warnings.push(Warning {
            code: PRICING_AFTER_TODAY.into(),
            routes: ranked(report, &t.used_by),
            message: format!(
                "pricing table `{}` is dated {}, {} days after the date ages are measured to ({today}); check --today or SOURCE_DATE_EPOCH.",
                t.table,
                t.as_of,
                -t.age_days
            ),
        });
    }
    report
        .warnings
        .sort_by(|a, b| rule_code::order(&a.code, &b.code));
    report.record.pricing_age = Some(PricingAge {
        today: today.to_string(),
        max_days,
        tables,
    });
}

/// True when a pricing table used by a viable route is older than the allowed age.
pub fn has_stale_pricing(report: &Report) -> bool {
    report
        .record
        .pricing_age
        .as_ref()
        .is_some_and(|age| age.tables.iter().any(|t| t.stale && !t.used_by.is_empty()))
}

/// Route ids in the report's rank order.
fn ranked(report: &Report, ids: &[String]) -> Vec<String> {
    report
        .routes
        .iter()
        .filter(|r| r.status != Status::Eliminated && ids.contains(&r.id))
        .map(|r| r.id.clone())
        .collect()
}

/// The answers that differ from their defaults, in questionnaire order, in words.
fn drivers(questions: &[Question], answers: &Answers) -> Vec<Driver> {
    let defaults = Answers::defaults(questions);
    questions
        .iter()
        .filter_map(|q| {
            let answer = answers.get(&q.id)?;
            if defaults.get(&q.id) == Some(answer) {
                return None;
            }
            Some(Driver {
                question: q.id.clone(),
                text: crate::data::driver::driver_text(q, answer),
            })
        })
        .collect()
}
