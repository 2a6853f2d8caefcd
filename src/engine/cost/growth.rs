//! How much of its declared volume each traffic stream carries in each month of a
//! projection: the workload's growth rate, or the stream's own, from the stream's start.
//!
//! A stream's declared token counts are those of its first month (`start_month`, default 1);
//! month m carries (1 + growth)^(m - start) of them, and nothing before its start. Factors
//! are exact decimals (28 significant digits), compounded one month at a time.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::error::EngineError;
use crate::model::workload::{Traffic, Workload};
use crate::support::money::percent;

/// One stream's growth over the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamGrowth {
    pub traffic: String,
    /// Monthly growth as a fraction (0.05 = 5% a month).
    pub monthly_growth: Decimal,
    /// True when the stream sets its own `growth` (else the workload's rate applies).
    pub own_growth: bool,
    /// The first month (1-based) in which the stream carries traffic.
    pub start_month: u32,
    /// The share of the declared volume carried in each month, month 1 first (0 before the
    /// start).
    pub factors: Vec<Decimal>,
}

impl StreamGrowth {
    /// True when the stream follows the workload's rate from month 1.
    pub fn is_default(&self) -> bool {
        !self.own_growth && self.start_month == 1
    }

    /// The stream's growth and start in words, for the assumptions.
    pub fn describe(&self) -> String {
        let rate = if self.own_growth {
            format!(
                "grows {} a month (its own rate)",
                percent(self.monthly_growth)
            )
        } else {
            format!(
                "grows {} a month (the workload's rate)",
                percent(self.monthly_growth)
            )
        };
        if self.start_month == 1 {
            format!(
                "Traffic `{}` {rate} from month 1; month m carries (1 + growth)^(m-1) of its declared volume.",
                self.traffic
            )
        } else {
            format!(
                "Traffic `{}` starts in month {s} and carries nothing before it; its declared volume is that of month {s}, and it {rate}: month m from {s} on carries (1 + growth)^(m-{s}) of it.",
                self.traffic,
                s = self.start_month
            )
        }
    }
}

/// The growth of every traffic entry over `months`, with `global` the rate for entries
/// without their own. Errors when a factor is too large to compute exactly or a stream
/// starts after the horizon.
pub fn streams(
    workload: &Workload,
    global: Decimal,
    months: u32,
) -> Result<Vec<StreamGrowth>, EngineError> {
    workload
        .traffic
        .iter()
        .map(|t| stream(&t.value, global, months))
        .collect()
}

fn stream(traffic: &Traffic, global: Decimal, months: u32) -> Result<StreamGrowth, EngineError> {
    let rate = traffic.growth.map_or(global, |g| g.0);
    let start = traffic.start();
    if start > months {
        return Err(EngineError::StartAfterHorizon {
            traffic: traffic.name.clone(),
            start,
            months,
        });
    }
    let mut factors = Vec::with_capacity(months as usize);
    let mut factor = Decimal::ONE;
    for month in 1..=months {
        if month < start {
            factors.push(Decimal::ZERO);
            continue;
        }
        factors.push(factor.normalize());
        factor =
            factor
                .checked_mul(Decimal::ONE + rate)
                .ok_or_else(|| EngineError::GrowthOverflow {
                    growth: percent(rate),
                    months,
                })?;
    }
    Ok(StreamGrowth {
        traffic: traffic.name.clone(),
        monthly_growth: rate.normalize(),
        own_growth: traffic.growth.is_some(),
        start_month: start,
        factors,
    })
}

/// The factors of every stream in month `month` (1-based), in traffic order.
pub fn month_factors(streams: &[StreamGrowth], month: u32) -> Vec<Decimal> {
    streams
        .iter()
        .map(|s| s.factors[month as usize - 1])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::workload::{Growth, StartMonth};

    fn workload(entries: &[(Option<&str>, Option<u32>)]) -> Workload {
        let text = entries
            .iter()
            .enumerate()
            .map(|(i, (g, s))| {
                let mut e = format!(
                    "  - name: t{i}\n    model: claude-haiku-4-5\n    input_tokens_per_month: 100\n    output_tokens_per_month: 10\n"
                );
                if let Some(g) = g {
                    e.push_str(&format!("    growth: {g}\n"));
                }
                if let Some(s) = s {
                    e.push_str(&format!("    start_month: {s}\n"));
                }
                e
            })
            .collect::<String>();
        serde_saphyr::from_str(&format!("traffic:\n{text}")).expect("a workload")
    }

    #[test]
    fn a_stream_carries_nothing_before_its_start_and_grows_from_it() {
        let w = workload(&[(None, None), (Some("0.5"), Some(3))]);
        let s = streams(&w, Decimal::new(1, 1), 4).unwrap();
        assert_eq!(
            s[0].factors,
            vec![
                Decimal::ONE,
                Decimal::new(11, 1),
                Decimal::new(121, 2),
                Decimal::new(1331, 3)
            ]
        );
        assert_eq!(
            s[1].factors,
            vec![
                Decimal::ZERO,
                Decimal::ZERO,
                Decimal::ONE,
                Decimal::new(15, 1)
            ]
        );
        assert!(s[0].is_default() && !s[1].is_default());
        assert_eq!(
            month_factors(&s, 3),
            vec![Decimal::new(121, 2), Decimal::ONE]
        );
        assert!(
            s[1].describe().contains("starts in month 3"),
            "{}",
            s[1].describe()
        );
        assert!(s[1].describe().contains("50% a month (its own rate)"));
    }

    #[test]
    fn a_start_after_the_horizon_is_refused() {
        let w = workload(&[(None, Some(7))]);
        let e = streams(&w, Decimal::ZERO, 6).unwrap_err();
        assert!(
            e.to_string().contains("month 7, after the 6-month horizon"),
            "{e}"
        );
    }

    #[test]
    fn growth_and_start_are_read_and_checked() {
        let w = workload(&[(Some("5%"), Some(2))]);
        let t = &w.traffic[0].value;
        assert_eq!(t.growth, Some(Growth(Decimal::new(5, 2))));
        assert_eq!(t.start_month.as_ref().map(|s| s.value), Some(StartMonth(2)));
        for bad in ["start_month: 0", "start_month: 121", "growth: 2"] {
            let text = format!(
                "traffic:\n  - name: t\n    model: m\n    input_tokens_per_month: 1\n    output_tokens_per_month: 1\n    {bad}\n"
            );
            assert!(serde_saphyr::from_str::<Workload>(&text).is_err(), "{bad}");
        }
    }
}
