//! Sensitivity sweeps (`routewise cost --sweep PARAM=LO..HI`): the first month's cost of
//! every route across a range of one workload parameter, and the points where two routes'
//! costs cross (where the cheaper route changes). This series is what charts are drawn from.
//!
//! The parameter is set on every traffic entry; with several entries each takes the value.
//! Token ranges are stepped geometrically (they span orders of magnitude), shares linearly.
//!
//! When some stream starts after month 1, the sweep prices the first month in which every
//! stream runs instead, each stream carrying its own growth up to that month.

use crate::support::invalid::InvalidValue;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::cost::{self};
use crate::engine::error::EngineError;
use crate::model::number::{Share, TokenCount};
use crate::model::workload::Workload;

/// A parameter a sweep can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    InputTokensPerMonth,
    OutputTokensPerMonth,
    CacheHitRate,
    BatchShare,
    LongContextShare,
    PeakTokensPerMinute,
}

impl Parameter {
    const ALL: [(&'static str, Parameter); 6] = [
        ("input_tokens_per_month", Parameter::InputTokensPerMonth),
        ("output_tokens_per_month", Parameter::OutputTokensPerMonth),
        ("cache_hit_rate", Parameter::CacheHitRate),
        ("batch_share", Parameter::BatchShare),
        ("long_context_share", Parameter::LongContextShare),
        ("peak_tokens_per_minute", Parameter::PeakTokensPerMinute),
    ];

    fn is_share(self) -> bool {
        matches!(
            self,
            Parameter::CacheHitRate | Parameter::BatchShare | Parameter::LongContextShare
        )
    }
}

/// A parsed `--sweep` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    pub parameter: Parameter,
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub steps: u32,
}

impl SweepSpec {
    /// Parses `PARAM=LO..HI` (numbers may be written 1e6).
    pub fn parse(text: &str, steps: u32) -> Result<SweepSpec, InvalidValue> {
        let names: Vec<&str> = Parameter::ALL.iter().map(|(n, _)| *n).collect();
        let (name, range) = text.split_once('=').ok_or_else(|| {
            format!("`{text}` is not PARAM=LO..HI, such as input_tokens_per_month=1e6..1e10")
        })?;
        let parameter = Parameter::ALL
            .iter()
            .find(|(n, _)| *n == name.trim())
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "`{name}` cannot be swept; choose one of {}",
                    names.join(", ")
                )
            })?;
        let (low, high) = range
            .split_once("..")
            .ok_or_else(|| format!("`{range}` is not a range LO..HI"))?;
        let number = |s: &str| -> Result<f64, InvalidValue> {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| InvalidValue(format!("`{s}` is not a non-negative number")))
        };
        let (low, high) = (number(low)?, number(high)?);
        if low >= high {
            return Err(
                format!("the range {low}..{high} is empty; write LO..HI with LO < HI").into(),
            );
        }
        if parameter.is_share() && high > 1.0 {
            return Err(format!("`{name}` is a share from 0 to 1; {high} is out of range").into());
        }
        if !parameter.is_share() && high > TokenCount::MAX as f64 {
            return Err(format!("{high} is beyond the 10^15 token limit").into());
        }
        if !(2..=1000).contains(&steps) {
            return Err(format!("{steps} steps is out of range; use 2 to 1000").into());
        }
        Ok(SweepSpec {
            parameter,
            name: name.trim().to_owned(),
            low,
            high,
            steps,
        })
    }

    /// The values swept: geometric for token counts starting above zero, linear otherwise.
    pub fn values(&self) -> Vec<Decimal> {
        let n = f64::from(self.steps - 1);
        (0..self.steps)
            .map(|i| {
                let t = f64::from(i) / n;
                let v = if !self.parameter.is_share() && self.low > 0.0 {
                    self.low * (self.high / self.low).powf(t)
                } else {
                    self.low + (self.high - self.low) * t
                };
                let d = Decimal::try_from(v).unwrap_or_default();
                if self.parameter.is_share() {
                    d.round_dp(4)
                } else {
                    d.round_dp(0)
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    pub parameter: String,
    /// The month priced: 1, or the first month in which every stream runs.
    pub month: u32,
    pub values: Vec<Decimal>,
    pub routes: Vec<SweepRoute>,
    pub crossings: Vec<Crossing>,
    pub assumptions: Vec<String>,
    /// Problems with the swept workload, such as an average load above the declared peak.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SweepRoute {
    pub id: String,
    /// First-month cost at each value; null where some traffic cannot be priced.
    pub monthly_usd: Vec<Option<Decimal>>,
}

/// Where the cheaper of two routes changes (or two equal routes part ways).
#[derive(Debug, Clone, Serialize)]
pub struct Crossing {
    /// Cheaper below the crossing; null when the two cost the same there.
    pub cheaper_below: Option<String>,
    /// Cheaper above the crossing.
    pub cheaper_above: String,
    /// The swept values the crossing lies between.
    pub between: [Decimal; 2],
    /// Where the two costs meet, by linear interpolation between the two steps.
    pub at: Decimal,
}

/// Runs a sweep over `route_ids`.
pub fn sweep(
    inputs: &Inputs,
    spec: &SweepSpec,
    route_ids: &[String],
    mut assumptions: Vec<String>,
    growth: Decimal,
) -> Result<Sweep, EngineError> {
    let workload = inputs
        .workload
        .as_ref()
        .ok_or(EngineError::NoWorkload { what: "a sweep" })?;
    let month = workload
        .traffic
        .iter()
        .map(|t| t.value.start())
        .max()
        .unwrap_or(1);
    let streams = cost::growth::streams(workload, growth, month)?;
    let factors = cost::growth::month_factors(&streams, month);
    if month > 1 {
        assumptions.push(format!(
            "The sweep prices month {month}, the first month in which every traffic stream runs (the latest start_month), each stream at its own growth up to then."
        ));
    }
    let values = spec.values();
    let mut routes: Vec<SweepRoute> = route_ids
        .iter()
        .map(|id| SweepRoute {
            id: id.clone(),
            monthly_usd: Vec::with_capacity(values.len()),
        })
        .collect();
    // Per traffic entry: the swept values at which its average load exceeds its peak.
    let mut above_peak: Vec<Vec<Decimal>> = vec![Vec::new(); workload.traffic.len()];
    for value in &values {
        let varied = with_value(workload, spec.parameter, *value);
        for (i, t) in varied.traffic.iter().enumerate() {
            if cost::provisioned::peak_below_average(&t.value).is_some() {
                above_peak[i].push(*value);
            }
        }
        for route in &mut routes {
            let Some(r) = inputs.catalogue.route(&route.id) else {
                continue;
            };
            let cost =
                cost::route_cost_held(r, &varied, &factors, cost::CostContext::of(inputs), &[]);
            route.monthly_usd.push(cost.monthly_usd);
        }
    }
    let crossings = crossings(&values, &routes);
    let warnings = workload
        .traffic
        .iter()
        .zip(&above_peak)
        .filter(|(_, v)| !v.is_empty())
        .map(|(t, v)| {
            format!(
                "`{}`: at {} of the {} values of {} ({} to {}) the average load exceeds the declared peak_tokens_per_minute; provisioned sizing then treats the load as flat at the average",
                t.value.name,
                v.len(),
                values.len(),
                spec.name,
                v[0],
                v[v.len() - 1]
            )
        })
        .collect();
    Ok(Sweep {
        warnings,
        parameter: spec.name.clone(),
        month,
        values,
        routes,
        crossings,
        assumptions,
    })
}

/// The workload with `parameter` set to `value` on every traffic entry. A volume sweep scales
/// a declared peak with the volume (the same traffic, more of it); only a peak sweep moves
/// the peak on its own.
fn with_value(workload: &Workload, parameter: Parameter, value: Decimal) -> Workload {
    let mut varied = workload.clone();
    let tokens = || TokenCount(u64::try_from(value.round_dp(0).mantissa()).unwrap_or(0));
    for t in &mut varied.traffic {
        let t = &mut t.value;
        let before =
            Decimal::from(t.input_tokens_per_month.0) + Decimal::from(t.output_tokens_per_month.0);
        let scale_peak = |t: &mut crate::model::workload::Traffic| {
            let after = Decimal::from(t.input_tokens_per_month.0)
                + Decimal::from(t.output_tokens_per_month.0);
            if let (Some(peak), false) = (t.peak_tokens_per_minute, before.is_zero()) {
                let scaled = (Decimal::from(peak.0) * after / before).round_dp(0);
                t.peak_tokens_per_minute = Some(TokenCount(
                    u64::try_from(scaled.mantissa()).unwrap_or(u64::MAX),
                ));
            }
        };
        match parameter {
            Parameter::InputTokensPerMonth => {
                t.input_tokens_per_month = tokens();
                scale_peak(t);
            }
            Parameter::OutputTokensPerMonth => {
                t.output_tokens_per_month = tokens();
                scale_peak(t);
            }
            Parameter::CacheHitRate => {
                t.cache_hit_rate =
                    Share(value.min(Decimal::ONE - t.cache_write_rate.0 - t.cache_write_1h_rate.0));
            }
            Parameter::BatchShare => t.batch_share = Share(value),
            Parameter::LongContextShare => t.long_context_share = Share(value),
            Parameter::PeakTokensPerMinute => t.peak_tokens_per_minute = Some(tokens()),
        }
    }
    varied
}

fn crossings(values: &[Decimal], routes: &[SweepRoute]) -> Vec<Crossing> {
    let mut out = Vec::new();
    for (i, a) in routes.iter().enumerate() {
        for b in &routes[i + 1..] {
            for step in 0..values.len().saturating_sub(1) {
                let (Some(a0), Some(b0), Some(a1), Some(b1)) = (
                    a.monthly_usd[step],
                    b.monthly_usd[step],
                    a.monthly_usd[step + 1],
                    b.monthly_usd[step + 1],
                ) else {
                    continue;
                };
                let d0 = a0 - b0;
                let d1 = a1 - b1;
                // The cheaper route changes when the sign of the difference changes; a step
                // from equal to unequal is where two routes part ways (such as provisioned
                // capacity starting to pay off).
                if d1.is_zero() || d0.cmp(&Decimal::ZERO) == d1.cmp(&Decimal::ZERO) {
                    continue;
                }
                let (v0, v1) = (values[step], values[step + 1]);
                let at = v0 + (v1 - v0) * d0 / (d0 - d1);
                let cheaper = |d: Decimal| {
                    if d < Decimal::ZERO {
                        a.id.clone()
                    } else {
                        b.id.clone()
                    }
                };
                out.push(Crossing {
                    cheaper_below: (!d0.is_zero()).then(|| cheaper(d0)),
                    cheaper_above: cheaper(d1),
                    between: [v0, v1],
                    at: at.round_dp(4),
                });
            }
        }
    }
    out
}

/// The sweep as CSV: one row per value and route (`kind` = `cost`), then `warning` and
/// `assumption` rows with their text in `note`.
pub fn to_csv(sweep: &Sweep) -> Result<String, crate::support::csv_text::CsvError> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, value) in sweep.values.iter().enumerate() {
        for route in &sweep.routes {
            rows.push(vec![
                "cost".to_string(),
                value.to_string(),
                route.id.clone(),
                route.monthly_usd[i]
                    .map(|u| u.to_string())
                    .unwrap_or_default(),
                String::new(),
            ]);
        }
    }
    let note = |kind: &str, text: &String| {
        vec![
            kind.to_string(),
            String::new(),
            String::new(),
            String::new(),
            text.clone(),
        ]
    };
    rows.extend(sweep.warnings.iter().map(|w| note("warning", w)));
    rows.extend(sweep.assumptions.iter().map(|a| note("assumption", a)));
    crate::support::csv_text::csv_text(
        &[
            "kind",
            sweep.parameter.as_str(),
            "route",
            "monthly_usd",
            "note",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_check_their_ranges() {
        let s = SweepSpec::parse("input_tokens_per_month=1e6..1e10", 5).unwrap();
        assert_eq!(s.parameter, Parameter::InputTokensPerMonth);
        let values: Vec<String> = s.values().iter().map(|v| v.to_string()).collect();
        assert_eq!(
            values,
            [
                "1000000",
                "10000000",
                "100000000",
                "1000000000",
                "10000000000"
            ]
        );
        assert!(
            SweepSpec::parse("cache_hit_rate=0..2", 5)
                .unwrap_err()
                .0
                .contains("share")
        );
        assert!(
            SweepSpec::parse("colour=1..2", 5)
                .unwrap_err()
                .0
                .contains("cannot be swept")
        );
        assert!(
            SweepSpec::parse("batch_share=0.5..0.1", 5)
                .unwrap_err()
                .0
                .contains("empty")
        );
        let shares: Vec<String> = SweepSpec::parse("batch_share=0..1", 3)
            .unwrap()
            .values()
            .iter()
            .map(|v| v.to_string())
            .collect();
        assert_eq!(shares, ["0", "0.5", "1"]);
    }

    #[test]
    fn crossings_are_found_and_interpolated() {
        let values = vec![Decimal::from(0), Decimal::from(10)];
        let routes = vec![
            SweepRoute {
                id: "flat".into(),
                monthly_usd: vec![Some(Decimal::from(50)), Some(Decimal::from(50))],
            },
            SweepRoute {
                id: "linear".into(),
                monthly_usd: vec![Some(Decimal::from(0)), Some(Decimal::from(100))],
            },
        ];
        let c = crossings(&values, &routes);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].cheaper_below.as_deref(), Some("linear"));
        assert_eq!(c[0].cheaper_above, "flat");
        assert_eq!(c[0].at, Decimal::from(5));
    }
}
