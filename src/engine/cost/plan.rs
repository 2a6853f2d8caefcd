//! A provisioned purchase plan over a horizon: which commitments to buy, for which months,
//! so that the plan is one a buyer can actually sign.
//!
//! A commitment holds its units for every month it spans: a 6-month term bought in month 1
//! holds the same units through month 6 and can only be re-sized when it ends. Sizing each
//! month on its own (3, 3, 3, 4, 4, 4, 5 ... units) would re-size a 6-month term every
//! month, which nobody can buy.
//!
//! The plan is found by dynamic programming over the months. Each month is either covered by
//! a 6-month term of `u` units (starting then or earlier) or by none; on top of that, every
//! month may add units for that month only, on the cheapest short commitment (1 month or
//! none), and everything above capacity spills over to on-demand prices. At most one 6-month
//! term is held at a time, and a term must end within the horizon. Ties go to fewer units
//! and shorter commitments.

use crate::engine::cost::Unpriceable;
use rust_decimal::Decimal;
use serde::Serialize;

use super::provisioned::{Commitment, HeldUnits, LoadShape, MAX_UNITS};
use crate::model::pricing::ProvisionedRate;

/// What one month of one traffic entry asks of provisioned capacity.
#[derive(Debug, Clone)]
pub struct MonthDemand {
    /// Interactive load over the month (batch never uses provisioned capacity).
    pub shape: LoadShape,
    /// What the month's interactive tokens cost fully on demand (exact).
    pub on_demand_usd: Decimal,
    /// Billed hours in the month.
    pub hours: Decimal,
}

impl MonthDemand {
    /// A month with no traffic (before a stream starts).
    pub fn idle(hours: Decimal) -> MonthDemand {
        MonthDemand {
            shape: LoadShape {
                levels: Vec::new(),
                description: "no traffic yet".into(),
            },
            on_demand_usd: Decimal::ZERO,
            hours,
        }
    }
}

/// One month of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanMonth {
    pub month: u32,
    /// The units this month holds, by commitment.
    pub held: Vec<HeldUnits>,
    pub units: u64,
    /// Share of the month's interactive tokens above capacity, priced on demand.
    pub spill_share: Decimal,
    /// Units x hourly price x hours (exact).
    pub provisioned_usd: Decimal,
    /// Spill-over at on-demand prices (exact).
    pub spill_usd: Decimal,
    /// What the month would cost fully on demand (exact), for comparison.
    pub all_on_demand_usd: Decimal,
    /// Served tokens / capacity held; absent with no units.
    pub utilisation: Option<Decimal>,
}

/// A purchase plan for one traffic entry over the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HorizonPlan {
    /// The purchases, in the order they start.
    pub purchases: Vec<HeldUnits>,
    pub months: Vec<PlanMonth>,
    /// The first month from which the plan's cumulative cost stays below all on demand;
    /// absent when it never does (then the plan buys nothing).
    pub pays_off_from_month: Option<u32>,
    /// Interactive cost of the plan over the horizon (exact).
    pub plan_usd: Decimal,
    /// Interactive cost fully on demand over the horizon (exact).
    pub all_on_demand_usd: Decimal,
}

/// The cheapest plan for the months of `demands` (month 1 first).
pub fn plan(
    demands: &[MonthDemand],
    rate: &ProvisionedRate,
    capacity_per_unit: Decimal,
) -> Result<HorizonPlan, Unpriceable> {
    if capacity_per_unit <= Decimal::ZERO {
        return Err("the capacity per unit must be more than zero tokens a minute".into());
    }
    let max_units = demands
        .iter()
        .map(|d| units_for(d.shape.peak(), capacity_per_unit))
        .try_fold(0u64, |max, n| n.map(|n| max.max(n)))
        .ok_or_else(|| format!("the peak needs more than the {MAX_UNITS} units routewise sizes"))?;
    let priced = Commitment::priced(rate);
    let six = priced
        .iter()
        .find(|(c, _)| *c == Commitment::SixMonths)
        .map(|(_, p)| *p);
    // The cheapest commitment bought a month at a time; ties go to no commitment.
    let short = priced
        .iter()
        .filter(|(c, _)| *c != Commitment::SixMonths)
        .fold(None::<(Commitment, Decimal)>, |best, &(c, p)| match best {
            Some((_, bp)) if bp <= p => best,
            _ => Some((c, p)),
        });

    // For each month and each base of `u` units held: the cheapest top-up and its cost.
    let top_ups: Vec<Vec<(u64, Decimal)>> = demands
        .iter()
        .map(|d| top_up_table(d, short.map(|(_, p)| p), capacity_per_unit, max_units))
        .collect();

    let months = demands.len();
    let mut best = vec![Decimal::ZERO; months + 1];
    let mut six_units = vec![0u64; months];
    for m in (0..months).rev() {
        best[m] = top_ups[m][0].1 + best[m + 1];
        let Some(hourly) = six.filter(|_| m + 6 <= months) else {
            continue;
        };
        for u in 1..=max_units {
            let units = Decimal::from(u);
            let term: Decimal = (m..m + 6)
                .map(|k| units * hourly * demands[k].hours + top_ups[k][u as usize].1)
                .sum();
            let cost = term + best[m + 6];
            if cost < best[m] {
                best[m] = cost;
                six_units[m] = u;
            }
        }
    }

    // Walk the choices forward.
    let mut plan_months = Vec::with_capacity(months);
    let mut m = 0;
    while m < months {
        let (base, span) = match six_units[m] {
            0 => (None, 1),
            u => (Some(u), 6),
        };
        for k in m..m + span {
            let d = &demands[k];
            let mut held = Vec::new();
            let base_units = base.unwrap_or(0);
            if let (Some(u), Some(hourly)) = (base, six) {
                held.push(HeldUnits {
                    commitment: Commitment::SixMonths,
                    units: u,
                    hourly_usd: hourly,
                    from_month: m as u32 + 1,
                    to_month: (m + span) as u32,
                });
            }
            let total_units = top_ups[k][base_units as usize].0;
            if let (true, Some((commitment, hourly))) = (total_units > base_units, short) {
                held.push(HeldUnits {
                    commitment,
                    units: total_units - base_units,
                    hourly_usd: hourly,
                    from_month: k as u32 + 1,
                    to_month: k as u32 + 1,
                });
            }
            let capacity = capacity_per_unit * Decimal::from(total_units);
            let spill_share = spill_share(&d.shape, capacity);
            let provisioned_usd: Decimal = held
                .iter()
                .map(|h| Decimal::from(h.units) * h.hourly_usd * d.hours)
                .sum();
            let bought = capacity * d.shape.minutes();
            plan_months.push(PlanMonth {
                month: k as u32 + 1,
                held,
                units: total_units,
                spill_share,
                provisioned_usd,
                spill_usd: d.on_demand_usd * spill_share,
                all_on_demand_usd: d.on_demand_usd,
                utilisation: (total_units > 0).then(|| {
                    if bought.is_zero() {
                        Decimal::ZERO
                    } else {
                        (d.shape.served(capacity) / bought).round_dp(4)
                    }
                }),
            });
        }
        m += span;
    }

    let plan_usd: Decimal = plan_months
        .iter()
        .map(|p| p.provisioned_usd + p.spill_usd)
        .sum();
    let all_on_demand_usd: Decimal = plan_months.iter().map(|p| p.all_on_demand_usd).sum();
    Ok(HorizonPlan {
        purchases: purchases(&plan_months),
        pays_off_from_month: pays_off_from(&plan_months),
        months: plan_months,
        plan_usd,
        all_on_demand_usd,
    })
}

/// Units needed to serve `peak` in full; `None` above [`MAX_UNITS`].
fn units_for(peak: Decimal, capacity_per_unit: Decimal) -> Option<u64> {
    let needed = (peak / capacity_per_unit).ceil();
    u64::try_from(needed.mantissa())
        .ok()
        .filter(|n| needed.scale() == 0 && *n <= MAX_UNITS)
}

fn spill_share(shape: &LoadShape, capacity: Decimal) -> Decimal {
    let total = shape.total();
    if total.is_zero() {
        Decimal::ZERO
    } else {
        (total - shape.served(capacity)) / total
    }
}

/// For each base `u` (0..=max): the total units to hold this month and the month's cost
/// beyond the base (short-term units plus spill-over), choosing the cheapest total `n >= u`.
fn top_up_table(
    d: &MonthDemand,
    short_hourly: Option<Decimal>,
    capacity_per_unit: Decimal,
    max_units: u64,
) -> Vec<(u64, Decimal)> {
    let spill: Vec<Decimal> = (0..=max_units)
        .map(|n| d.on_demand_usd * spill_share(&d.shape, capacity_per_unit * Decimal::from(n)))
        .collect();
    let Some(hourly) = short_hourly else {
        return spill
            .into_iter()
            .enumerate()
            .map(|(n, c)| (n as u64, c))
            .collect();
    };
    let unit_month = hourly * d.hours;
    // g(n) = n x unit price + spill(n); the best n >= u by a suffix minimum (ties: fewer).
    let mut table = vec![(0u64, Decimal::ZERO); spill.len()];
    let mut best: Option<(u64, Decimal)> = None;
    for n in (0..spill.len()).rev() {
        let g = Decimal::from(n as u64) * unit_month + spill[n];
        if best.is_none_or(|(_, b)| g <= b) {
            best = Some((n as u64, g));
        }
        let (at, g_best) = best.unwrap_or((n as u64, g));
        table[n] = (at, g_best - Decimal::from(n as u64) * unit_month);
    }
    table
}

/// The plan's purchases: each 6-month term once, and runs of identical short-term units
/// in consecutive months merged.
fn purchases(months: &[PlanMonth]) -> Vec<HeldUnits> {
    let mut out: Vec<HeldUnits> = Vec::new();
    for h in months.iter().flat_map(|m| &m.held) {
        if let Some(same) = out.iter_mut().rev().find(|p| {
            p.commitment == h.commitment
                && p.units == h.units
                && (p.from_month, p.to_month) == (h.from_month, h.to_month)
        }) {
            let _ = same;
            continue;
        }
        if let Some(last) = out.iter_mut().rev().find(|p| {
            h.commitment != Commitment::SixMonths
                && p.commitment == h.commitment
                && p.units == h.units
                && p.to_month + 1 == h.from_month
        }) {
            last.to_month = h.to_month;
            continue;
        }
        out.push(h.clone());
    }
    out.sort_by_key(|p| (p.from_month, std::cmp::Reverse(p.commitment)));
    out
}

/// The first month from which the cumulative cost of the plan stays below all on demand.
fn pays_off_from(months: &[PlanMonth]) -> Option<u32> {
    if months.iter().all(|m| m.units == 0) {
        return None;
    }
    let mut plan = Decimal::ZERO;
    let mut on_demand = Decimal::ZERO;
    let mut from = None;
    for m in months {
        plan += m.provisioned_usd + m.spill_usd;
        on_demand += m.all_on_demand_usd;
        if plan < on_demand {
            from.get_or_insert(m.month);
        } else {
            from = None;
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cost::provisioned::LoadLevel;
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

    /// A flat month at `tpm` tokens a minute, priced $1 per million tokens on demand.
    fn month(tpm: i64) -> MonthDemand {
        let minutes = Decimal::from(43_800);
        MonthDemand {
            shape: LoadShape {
                levels: vec![LoadLevel {
                    tokens_per_minute: Decimal::from(tpm),
                    minutes,
                }],
                description: String::new(),
            },
            on_demand_usd: Decimal::from(tpm) * minutes / Decimal::from(1_000_000),
            hours: Decimal::from(730),
        }
    }

    fn growing(start: i64, months: usize) -> Vec<MonthDemand> {
        (0..months)
            .map(|i| month(start + start * i as i64 / 4))
            .collect()
    }

    #[test]
    fn a_six_month_term_holds_its_units_and_never_shrinks() {
        // Units of 1M tokens/min at $20/h on 6 months (14,600 USD a month) against
        // 43,800 USD per full unit-month on demand; a short term costs $50/h.
        let demands = growing(2_500_000, 12);
        let p = plan(
            &demands,
            &rate(None, Some(50), Some(20)),
            Decimal::from(1_000_000),
        )
        .unwrap();
        for h in p.months.iter().flat_map(|m| &m.held) {
            if h.commitment == Commitment::SixMonths {
                let units: Vec<u64> = p.months[(h.from_month - 1) as usize..h.to_month as usize]
                    .iter()
                    .map(|m| {
                        m.held
                            .iter()
                            .filter(|x| x.commitment == Commitment::SixMonths)
                            .map(|x| x.units)
                            .sum()
                    })
                    .collect();
                assert!(units.iter().all(|u| *u == h.units), "{units:?}");
                assert_eq!(h.to_month - h.from_month, 5);
            }
        }
        let terms: Vec<_> = p
            .purchases
            .iter()
            .filter(|h| h.commitment == Commitment::SixMonths)
            .map(|h| (h.from_month, h.to_month))
            .collect();
        assert_eq!(terms, vec![(1, 6), (7, 12)]);
        assert!(p.plan_usd < p.all_on_demand_usd);
        assert_eq!(p.pays_off_from_month, Some(1));
    }

    #[test]
    fn the_plan_is_no_dearer_than_any_constant_plan_or_all_on_demand() {
        let demands = growing(1_300_000, 12);
        let r = rate(Some(90), Some(60), Some(25));
        let p = plan(&demands, &r, Decimal::from(1_000_000)).unwrap();
        assert!(p.plan_usd <= p.all_on_demand_usd);
        for u in 1..=5u64 {
            let constant: Decimal = demands
                .iter()
                .map(|d| {
                    let cap = Decimal::from(u * 1_000_000);
                    Decimal::from(u) * Decimal::from(25) * d.hours
                        + d.on_demand_usd * spill_share(&d.shape, cap)
                })
                .sum();
            assert!(
                p.plan_usd <= constant,
                "{u} units: {constant} < {}",
                p.plan_usd
            );
        }
        let sum: Decimal = p
            .months
            .iter()
            .map(|m| m.provisioned_usd + m.spill_usd)
            .sum();
        assert_eq!(sum, p.plan_usd);
    }

    #[test]
    fn small_traffic_buys_nothing_and_never_pays_off() {
        let demands = growing(1_000, 12);
        let p = plan(
            &demands,
            &rate(None, Some(60), Some(40)),
            Decimal::from(1_000_000),
        )
        .unwrap();
        assert!(p.purchases.is_empty());
        assert_eq!(p.pays_off_from_month, None);
        assert_eq!(p.plan_usd, p.all_on_demand_usd);
    }

    #[test]
    fn pay_off_comes_later_when_traffic_grows_into_a_unit() {
        // Month 1 carries 200k tokens/min; one unit (1M/min at $20/h = 14,600 USD a
        // month) pays off once traffic passes 333k/min at $1 per million.
        let demands: Vec<_> = (0..12).map(|i| month(200_000 + 100_000 * i)).collect();
        let p = plan(
            &demands,
            &rate(None, Some(20), None),
            Decimal::from(1_000_000),
        )
        .unwrap();
        assert_eq!(p.months[0].units, 0);
        assert_eq!(p.pays_off_from_month, Some(3));
        assert_eq!(p.purchases[0].from_month, 3);
        assert_eq!(p.purchases[0].to_month, 12);
        assert_eq!(
            p.purchases[0].describe(),
            "1 unit on 1-month commitment, months 3-12 (renewed monthly)"
        );
    }

    #[test]
    fn six_month_terms_do_not_run_past_the_horizon() {
        let demands = growing(2_000_000, 4);
        let p = plan(
            &demands,
            &rate(None, Some(50), Some(20)),
            Decimal::from(1_000_000),
        )
        .unwrap();
        assert!(
            p.purchases
                .iter()
                .all(|h| h.commitment != Commitment::SixMonths)
        );
        assert!(p.purchases.iter().all(|h| h.to_month <= 4));
    }
}
