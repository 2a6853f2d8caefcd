//! The decision for one set of inputs: every route priced (when there is a workload), then
//! eliminated, scored and ranked. Outputs build their models from this; they never decide.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::data::inputs::Inputs;
use crate::data::rule_set::RuleEvalError;
use crate::engine::cost::{self, CostContext, RouteCost};
use crate::engine::decide::{self, Decision};

/// The engine's result: each route's cost and the decision that used it.
#[derive(Debug, Clone)]
pub struct Advice {
    /// Monthly cost per route id; empty without a workload.
    pub costs: BTreeMap<String, RouteCost>,
    pub decision: Decision,
}

/// Prices every route, then decides. Costs come first because rules may compare them.
pub fn advise(inputs: &Inputs) -> Result<Advice, RuleEvalError> {
    let mut costs: BTreeMap<String, RouteCost> = BTreeMap::new();
    if let Some(workload) = &inputs.workload {
        for route in &inputs.catalogue.routes {
            costs.insert(
                route.item.id.clone(),
                cost::route_cost(&route.item, workload, Decimal::ONE, CostContext::of(inputs)),
            );
        }
    }
    let totals: BTreeMap<String, Option<Decimal>> = costs
        .iter()
        .map(|(id, c)| (id.clone(), c.monthly_usd))
        .collect();
    let decision = decide::decide(inputs, &totals)?;
    Ok(Advice { costs, decision })
}
