//! `routewise routes`: the route catalogue as a table.

use crate::cli::{DataArgs, RoutesArgs};
use crate::commands::AppError;
use crate::data::catalogue::Catalogue;
use crate::data::prices::Prices;
use crate::outputs::evidence;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::suggest::closest;
use crate::support::table::text_table;

pub fn run(args: &RoutesArgs) -> Result<String, AppError> {
    let (catalogue, _) = load_catalogue(&args.data)?;
    if let Some(id) = &args.route {
        let Some(route) = catalogue.route(id) else {
            let ids: Vec<&str> = catalogue
                .routes
                .iter()
                .map(|r| r.item.id.as_str())
                .collect();
            let help = match closest(id, &ids) {
                Some(best) => format!("did you mean `{best}`? routes: {}", ids.join(", ")),
                None => format!("routes: {}", ids.join(", ")),
            };
            return Err(
                Diagnostic::plain(Code::ArgUnknownRoute, format!("unknown route `{id}`"))
                    .with_help(help)
                    .into(),
            );
        };
        let rows = evidence::evidence(&catalogue, route);
        return Ok(evidence::render(route, &rows));
    }
    let list = |items: &[String]| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items.join(",")
        }
    };
    // Items offered in some form: `*` marks a condition (configurable, on request or only
    // for some models or features), `?` an unknown.
    let offered = |items: &crate::model::capability::Items| -> Vec<String> {
        use crate::model::capability::State;
        items
            .items
            .iter()
            .filter_map(|(name, c)| {
                let states: Vec<State> = c.value.values().map(|v| v.state()).collect();
                let best = states.iter().copied().max()?;
                let mark = match best {
                    State::Yes if states.len() == 1 => "",
                    State::Yes | State::Configurable | State::OnRequest => "*",
                    State::Unknown => "?",
                    State::No => return None,
                };
                Some(format!("{name}{mark}"))
            })
            .collect()
    };
    let rows: Vec<Vec<String>> = catalogue
        .routes
        .iter()
        .map(|located| {
            let r = &located.item;
            let geographies = offered(&r.residency);
            let pinned = r.region_pinning.value.values().any(|v| v.state().met());
            let residency = match (geographies.is_empty(), pinned) {
                (true, _) => "global".to_string(),
                (false, true) => format!("{} (region)", list(&geographies)),
                (false, false) => list(&geographies),
            };
            vec![
                r.id.clone(),
                json_word(&r.platform),
                list(&offered(&r.auth)),
                residency,
                list(&offered(&r.compliance)),
                json_word(&r.billing),
                list(&catalogue.families_of(r)),
                list(&offered(&r.features)),
            ]
        })
        .collect();
    let mut out = text_table(
        &[
            "id",
            "platform",
            "auth",
            "residency",
            "compliance",
            "billing",
            "families",
            "features",
        ],
        &rows,
    );
    out.push_str("\n* with a condition (configurable, on request, or only for some models or features); ? unknown. `routewise routes ROUTE` shows the evidence.\n");
    Ok(out)
}

pub fn load_catalogue(args: &DataArgs) -> Result<(Catalogue, Prices), AppError> {
    let catalogue = Catalogue::load(args.rules.as_deref())?;
    let prices = Prices::load(
        args.pricing.as_deref(),
        &catalogue.vocabulary("model_families"),
    )?;
    let mut problems = crate::support::diagnostic::Diagnostics::default();
    catalogue.check_model_scopes(&prices.model_ids(), &mut problems);
    let catalogue = problems.into_result(catalogue)?;
    Ok((catalogue, prices))
}

/// A serde enum's wire name, such as `aws` or `days_to_weeks`.
fn json_word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
