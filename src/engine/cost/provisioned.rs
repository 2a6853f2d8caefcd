//! Sizing provisioned throughput: how many model units, on which commitment, minimise the
//! cost of a traffic entry, with on-demand spill-over above the provisioned capacity.
//!
//! Traffic is described by a load shape: minutes at each rate of tokens per minute. Units
//! serve up to their capacity each minute; tokens above it spill over to on-demand prices.
//! The search tries every unit count from zero (all on demand) to enough for the peak, for
//! every commitment with a price, and keeps the cheapest (ties: fewer units, shorter
//! commitment).

use crate::engine::cost::Unpriceable;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::pricing::ProvisionedRate;
use crate::model::workload::Traffic;

/// The most units routewise will consider for one traffic entry.
pub const MAX_UNITS: u64 = 10_000;

/// A commitment term for provisioned capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Commitment {
    #[serde(rename = "none")]
    NoCommitment,
    #[serde(rename = "1-month")]
    OneMonth,
    #[serde(rename = "6-months")]
    SixMonths,
}

impl Commitment {
    pub fn label(self) -> &'static str {
        match self {
            Commitment::NoCommitment => "no commitment",
            Commitment::OneMonth => "1-month commitment",
            Commitment::SixMonths => "6-month commitment",
        }
    }

    /// The commitments a rate has prices for, with their hourly prices.
    pub fn priced(rate: &ProvisionedRate) -> Vec<(Commitment, Decimal)> {
        [
            (Commitment::NoCommitment, rate.hourly_no_commitment),
            (Commitment::OneMonth, rate.hourly_1_month),
            (Commitment::SixMonths, rate.hourly_6_months),
        ]
        .into_iter()
        .filter_map(|(c, price)| price.map(|p| (c, p.0)))
        .collect()
    }
}

/// Minutes spent at one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LoadLevel {
    pub tokens_per_minute: Decimal,
    pub minutes: Decimal,
}

/// How traffic is spread over time, and in words how that was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadShape {
    pub levels: Vec<LoadLevel>,
    pub description: String,
}

/// Busy hours a day assumed when a traffic entry gives no peak or profile.
pub const DEFAULT_PEAK_HOURS: u32 = 8;
/// Peak-to-average ratio assumed when a traffic entry gives neither peak nor profile.
pub const DEFAULT_PEAK_TO_AVERAGE: Decimal = Decimal::from_parts(2, 0, 0, false, 0);

impl LoadShape {
    /// The load shape of a traffic entry carrying `tokens` interactive tokens over `minutes`.
    pub fn from_traffic(
        traffic: &Traffic,
        tokens: Decimal,
        minutes: Decimal,
        scale: Decimal,
    ) -> LoadShape {
        let average = if minutes.is_zero() {
            Decimal::ZERO
        } else {
            tokens / minutes
        };
        if let Some(profile) = &traffic.hourly_profile {
            let sum: Decimal = profile.0.iter().sum();
            let levels = profile
                .0
                .iter()
                .map(|w| LoadLevel {
                    tokens_per_minute: average * *w * Decimal::from(24) / sum,
                    minutes: minutes / Decimal::from(24),
                })
                .collect();
            return LoadShape {
                levels,
                description: format!(
                    "`{}`: the 24-hour profile given, repeated every day",
                    traffic.name
                ),
            };
        }
        let hours = traffic
            .peak_hours_per_day
            .map_or(DEFAULT_PEAK_HOURS, |h| h.0);
        let busy_share = Decimal::from(hours) / Decimal::from(24);
        let (peak, said) = match traffic.peak_tokens_per_minute {
            Some(p) => (
                Decimal::from(p.0) * scale,
                format!(
                    "`{}`: peak of {} tokens/min (as given{}) for {hours} h a day",
                    traffic.name,
                    p.0,
                    if scale == Decimal::ONE {
                        ""
                    } else {
                        ", grown with the traffic"
                    }
                ),
            ),
            None => (
                average * DEFAULT_PEAK_TO_AVERAGE,
                format!(
                    "`{}`: no peak given, so a peak of {} x the average for {hours} h a day is assumed (set peak_tokens_per_minute or hourly_profile)",
                    traffic.name, DEFAULT_PEAK_TO_AVERAGE
                ),
            ),
        };
        LoadShape::two_level(peak, average, busy_share, minutes, said)
    }

    /// A peak level for `busy_share` of the time and an even base level for the rest, with
    /// the same average; when the peak cannot last that long, it lasts as long as the
    /// volume allows and the base is zero.
    fn two_level(
        peak: Decimal,
        average: Decimal,
        busy_share: Decimal,
        minutes: Decimal,
        said: String,
    ) -> LoadShape {
        if peak <= average || busy_share >= Decimal::ONE {
            return LoadShape {
                levels: vec![LoadLevel {
                    tokens_per_minute: average,
                    minutes,
                }],
                description: format!("{said}; the load is flat at the average"),
            };
        }
        let busy_volume = peak * busy_share;
        if busy_volume >= average {
            // The peak alone carries the whole volume: it lasts average/peak of the time.
            let share = average / peak;
            return LoadShape {
                levels: vec![
                    LoadLevel {
                        tokens_per_minute: peak,
                        minutes: minutes * share,
                    },
                    LoadLevel {
                        tokens_per_minute: Decimal::ZERO,
                        minutes: minutes * (Decimal::ONE - share),
                    },
                ],
                description: format!(
                    "{said}; the volume only fills the peak for part of that time, so the rest is idle"
                ),
            };
        }
        let base = (average - busy_volume) / (Decimal::ONE - busy_share);
        LoadShape {
            levels: vec![
                LoadLevel {
                    tokens_per_minute: peak,
                    minutes: minutes * busy_share,
                },
                LoadLevel {
                    tokens_per_minute: base,
                    minutes: minutes * (Decimal::ONE - busy_share),
                },
            ],
            description: said,
        }
    }

    /// The load of observed per-minute token counts.
    pub fn from_minutes(
        per_minute: impl IntoIterator<Item = u64>,
        description: String,
    ) -> LoadShape {
        LoadShape::from_runs(per_minute.into_iter().map(|t| (t, 1)), description)
    }

    /// The shape of runs of `(tokens per minute, minutes)`: work in proportion to the runs,
    /// never to the minutes they cover.
    pub fn from_runs(runs: impl IntoIterator<Item = (u64, u64)>, description: String) -> LoadShape {
        let mut counts: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
        for (tokens, minutes) in runs {
            let count = counts.entry(tokens).or_default();
            *count = count.saturating_add(minutes);
        }
        LoadShape {
            levels: counts
                .into_iter()
                .map(|(tpm, minutes)| LoadLevel {
                    tokens_per_minute: Decimal::from(tpm),
                    minutes: Decimal::from(minutes),
                })
                .collect(),
            description,
        }
    }

    /// A shape from a histogram: (tokens a minute, minutes at that level), any order.
    pub fn from_levels(
        levels: impl IntoIterator<Item = (u64, u64)>,
        description: String,
    ) -> LoadShape {
        LoadShape {
            levels: crate::usage::load::sum_sorted(levels.into_iter().collect())
                .map(|(tpm, minutes)| LoadLevel {
                    tokens_per_minute: Decimal::from(tpm),
                    minutes: Decimal::from(minutes),
                })
                .collect(),
            description,
        }
    }

    pub fn peak(&self) -> Decimal {
        self.levels
            .iter()
            .map(|l| l.tokens_per_minute)
            .max()
            .unwrap_or_default()
    }

    pub fn minutes(&self) -> Decimal {
        self.levels.iter().map(|l| l.minutes).sum()
    }

    pub fn total(&self) -> Decimal {
        self.levels
            .iter()
            .map(|l| l.tokens_per_minute * l.minutes)
            .sum()
    }

    /// Tokens served within `capacity` tokens a minute.
    pub fn served(&self, capacity: Decimal) -> Decimal {
        self.levels
            .iter()
            .map(|l| l.tokens_per_minute.min(capacity) * l.minutes)
            .sum()
    }
}

/// A warning when a traffic entry's declared peak is below its own average load (interactive
/// tokens over a month of [`super::DEFAULT_HOURS_PER_MONTH`]): such a peak cannot be right,
/// and sizing then treats the load as flat at the average.
pub fn peak_below_average(traffic: &Traffic) -> Option<String> {
    let peak = Decimal::from(traffic.peak_tokens_per_minute?.0);
    let tokens = Decimal::from(traffic.input_tokens_per_month.0)
        + Decimal::from(traffic.output_tokens_per_month.0);
    let interactive = tokens * (Decimal::ONE - traffic.batch_share.0);
    let average = interactive / (super::DEFAULT_HOURS_PER_MONTH * Decimal::from(60));
    (average > peak).then(|| {
        format!(
            "`{}`: the average load ({} tokens/min) exceeds the declared peak ({peak} tokens/min); provisioned sizing treats the load as flat at the average: raise peak_tokens_per_minute",
            traffic.name,
            average.round_dp(0)
        )
    })
}

/// One way to buy capacity, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizingOption {
    pub commitment: Option<Commitment>,
    pub units: u64,
    pub hourly_usd: Decimal,
    /// Units x hourly price x hours.
    pub provisioned_usd: Decimal,
    /// Share of interactive tokens above capacity, priced on demand.
    pub spill_share: Decimal,
    pub on_demand_usd: Decimal,
    pub total_usd: Decimal,
}

impl SizingOption {
    /// The option in words, such as `2 units on 6-month commitment`.
    pub fn describe(&self) -> String {
        match self.commitment {
            Some(c) => format!(
                "{} unit{} on {}",
                self.units,
                if self.units == 1 { "" } else { "s" },
                c.label()
            ),
            None => "all on demand (no units pay off)".to_string(),
        }
    }
}

/// Where one unit starts to pay off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakEven {
    pub commitment: Commitment,
    /// Monthly cost of one unit.
    pub unit_monthly_usd: Decimal,
    /// Interactive tokens a month above which one fully used unit is cheaper than on
    /// demand; absent when even a fully used unit costs more.
    pub tokens_per_month: Option<Decimal>,
    /// The same point as on-demand spend a month.
    pub on_demand_usd_per_month: Decimal,
}

/// The sizing of one traffic entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sizing {
    pub traffic: String,
    pub model: String,
    pub peak_tokens_per_minute: Decimal,
    pub capacity_per_unit: Decimal,
    /// True when the capacity per unit is an assumption, not a quote.
    pub capacity_assumed: bool,
    pub hours: Decimal,
    /// The cheapest option for this month taken alone. With a horizon plan the line items
    /// follow `held` instead.
    pub chosen: SizingOption,
    /// The units this month holds under the horizon plan (`routewise cost`); empty when the
    /// period is sized on its own.
    pub held: Vec<HeldUnits>,
    /// Served tokens / capacity bought, for the units held (absent with zero units).
    pub utilisation: Option<Decimal>,
    /// The cheapest option of each commitment, for comparison.
    pub best_per_commitment: Vec<SizingOption>,
    pub break_even: Vec<BreakEven>,
    pub load: String,
}

/// Finds the cheapest mix of provisioned units and on-demand spill-over.
///
/// `on_demand_usd` is what the interactive tokens (`tokens`) would cost fully on demand.
pub fn size(
    shape: &LoadShape,
    tokens: Decimal,
    on_demand_usd: Decimal,
    rate: &ProvisionedRate,
    capacity_per_unit: Decimal,
    hours: Decimal,
) -> Result<(SizingOption, Vec<SizingOption>, Option<Decimal>), Unpriceable> {
    if capacity_per_unit <= Decimal::ZERO {
        return Err("the capacity per unit must be more than zero tokens a minute".into());
    }
    let total = shape.total();
    let peak = shape.peak();
    let needed = (peak / capacity_per_unit).ceil();
    let max_units = u64::try_from(needed.mantissa())
        .ok()
        .filter(|_| needed.scale() == 0)
        .unwrap_or(u64::MAX);
    if max_units > MAX_UNITS {
        return Err(format!(
            "the peak needs {needed} units, more than the {MAX_UNITS} routewise sizes"
        )
        .into());
    }
    let all_on_demand = SizingOption {
        commitment: None,
        units: 0,
        hourly_usd: Decimal::ZERO,
        provisioned_usd: Decimal::ZERO,
        spill_share: Decimal::ONE,
        on_demand_usd,
        total_usd: on_demand_usd,
    };
    let mut best = all_on_demand.clone();
    let mut best_per_commitment: Vec<SizingOption> = Vec::new();
    let _ = tokens;
    for (commitment, hourly) in Commitment::priced(rate) {
        let mut best_here: Option<SizingOption> = None;
        for units in 1..=max_units.max(1) {
            let capacity = capacity_per_unit * Decimal::from(units);
            let spill_share = if total.is_zero() {
                Decimal::ZERO
            } else {
                (total - shape.served(capacity)) / total
            };
            let provisioned_usd = hourly * Decimal::from(units) * hours;
            let spill_usd = on_demand_usd * spill_share;
            let option = SizingOption {
                commitment: Some(commitment),
                units,
                hourly_usd: hourly,
                provisioned_usd,
                spill_share,
                on_demand_usd: spill_usd,
                total_usd: provisioned_usd + spill_usd,
            };
            if best_here
                .as_ref()
                .is_none_or(|b| option.total_usd < b.total_usd)
            {
                best_here = Some(option);
            }
        }
        if let Some(option) = best_here {
            if option.total_usd < best.total_usd {
                best = option.clone();
            }
            best_per_commitment.push(option);
        }
    }
    let utilisation = (best.units > 0).then(|| {
        let capacity = capacity_per_unit * Decimal::from(best.units);
        let bought = capacity * shape.minutes();
        if bought.is_zero() {
            Decimal::ZERO
        } else {
            shape.served(capacity) / bought
        }
    });
    Ok((best, best_per_commitment, utilisation))
}

/// Where one unit of each priced commitment breaks even against on demand.
pub fn break_even(
    rate: &ProvisionedRate,
    tokens: Decimal,
    on_demand_usd: Decimal,
    capacity_per_unit: Decimal,
    hours: Decimal,
    minutes: Decimal,
) -> Vec<BreakEven> {
    Commitment::priced(rate)
        .into_iter()
        .map(|(commitment, hourly)| {
            let unit_monthly_usd = hourly * hours;
            let per_token = if tokens.is_zero() {
                Decimal::ZERO
            } else {
                on_demand_usd / tokens
            };
            let volume = (!per_token.is_zero()).then(|| unit_monthly_usd / per_token);
            let unit_capacity = capacity_per_unit * minutes;
            BreakEven {
                commitment,
                unit_monthly_usd,
                tokens_per_month: volume
                    .filter(|v| *v <= unit_capacity)
                    .map(|v| v.round_dp(0)),
                on_demand_usd_per_month: unit_monthly_usd,
            }
        })
        .collect()
}

/// Units bought on one commitment, held from one month to another (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldUnits {
    pub commitment: Commitment,
    pub units: u64,
    pub hourly_usd: Decimal,
    pub from_month: u32,
    pub to_month: u32,
}

impl HeldUnits {
    /// Such as `3 units on 6-month commitment, months 1-6`.
    pub fn describe(&self) -> String {
        let months = if self.from_month == self.to_month {
            format!("month {}", self.from_month)
        } else {
            format!("months {}-{}", self.from_month, self.to_month)
        };
        let renewed = match self.commitment {
            Commitment::SixMonths => "",
            _ if self.from_month == self.to_month => "",
            Commitment::OneMonth => " (renewed monthly)",
            Commitment::NoCommitment => " (billed hourly)",
        };
        format!(
            "{} unit{} on {}, {months}{renewed}",
            self.units,
            if self.units == 1 { "" } else { "s" },
            self.commitment.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::number::Amount;

    fn rate(no: Option<i64>, one: Option<i64>, six: Option<i64>) -> ProvisionedRate {
        ProvisionedRate {
            hourly_no_commitment: no.map(|v| Amount(Decimal::from(v))),
            hourly_1_month: one.map(|v| Amount(Decimal::from(v))),
            hourly_6_months: six.map(|v| Amount(Decimal::from(v))),
            tokens_per_minute_per_unit: None,
            historical: false,
            note: None,
        }
    }

    fn flat(tpm: i64, minutes: i64) -> LoadShape {
        LoadShape {
            levels: vec![LoadLevel {
                tokens_per_minute: Decimal::from(tpm),
                minutes: Decimal::from(minutes),
            }],
            description: String::new(),
        }
    }

    #[test]
    fn small_traffic_stays_on_demand() {
        let shape = flat(100, 43_800);
        let (best, _, utilisation) = size(
            &shape,
            Decimal::from(4_380_000),
            Decimal::from(50),
            &rate(None, Some(63), None),
            Decimal::from(1_000_000),
            Decimal::from(730),
        )
        .unwrap();
        assert_eq!(best.units, 0);
        assert_eq!(best.total_usd, Decimal::from(50));
        assert_eq!(utilisation, None);
    }

    #[test]
    fn heavy_flat_traffic_buys_units_and_prefers_the_cheaper_commitment() {
        // 2.5 units' worth of flat load; on demand would cost $1,000,000.
        let shape = flat(2_500_000, 43_800);
        let tokens = Decimal::from(2_500_000i64 * 43_800);
        let (best, per_commitment, utilisation) = size(
            &shape,
            tokens,
            Decimal::from(1_000_000),
            &rate(Some(100), Some(63), Some(35)),
            Decimal::from(1_000_000),
            Decimal::from(730),
        )
        .unwrap();
        assert_eq!(best.commitment, Some(Commitment::SixMonths));
        assert_eq!(
            best.units, 3,
            "a third unit (25,550 USD) is cheaper than 20% spill (200,000 USD)"
        );
        assert_eq!(best.spill_share, Decimal::ZERO);
        assert_eq!(best.total_usd, Decimal::from(3 * 35 * 730));
        assert_eq!(per_commitment.len(), 3);
        assert_eq!(
            utilisation.map(|u| u.round_dp(4)),
            Some(Decimal::new(8333, 4))
        );
    }

    #[test]
    fn spill_over_is_the_share_of_tokens_above_capacity() {
        let shape = LoadShape {
            levels: vec![
                LoadLevel {
                    tokens_per_minute: Decimal::from(3_000_000),
                    minutes: Decimal::from(100),
                },
                LoadLevel {
                    tokens_per_minute: Decimal::from(500_000),
                    minutes: Decimal::from(900),
                },
            ],
            description: String::new(),
        };
        // One unit of 1M: served = 1M*100 + 0.5M*900 = 550M of 750M; spill = 200/750.
        let total = shape.total();
        assert_eq!(total, Decimal::from(750_000_000));
        assert_eq!(
            (total - shape.served(Decimal::from(1_000_000))) / total,
            Decimal::from(200) / Decimal::from(750)
        );
    }

    #[test]
    fn break_even_is_the_unit_cost_over_the_blended_price() {
        let r = rate(None, Some(63), None);
        // $3 per million tokens blended: one unit at 63 x 730 = 45,990 USD breaks even at 15.33 bn tokens.
        let be = break_even(
            &r,
            Decimal::from(1_000_000),
            Decimal::from(3),
            Decimal::from(1_000_000),
            Decimal::from(730),
            Decimal::from(43_800),
        );
        assert_eq!(be[0].unit_monthly_usd, Decimal::from(45_990));
        assert_eq!(
            be[0].tokens_per_month,
            Some(Decimal::from(15_330_000_000i64))
        );
        // At $0.0001 per million, even a fully used unit never pays off.
        let never = break_even(
            &r,
            Decimal::from(1_000_000),
            Decimal::new(1, 4),
            Decimal::from(1_000_000),
            Decimal::from(730),
            Decimal::from(43_800),
        );
        assert_eq!(never[0].tokens_per_month, None);
    }

    #[test]
    fn a_two_level_shape_keeps_the_average() {
        let shape = LoadShape::two_level(
            Decimal::from(300),
            Decimal::from(100),
            Decimal::ONE / Decimal::from(3),
            Decimal::from(3000),
            String::new(),
        );
        assert_eq!(shape.total(), Decimal::from(300_000));
        assert_eq!(shape.peak(), Decimal::from(300));
    }
}
