//! `routewise models [--route ID]`: every model of the pricing tables, its family, and per
//! route that serves it the table and unit prices (USD per million tokens).

use crate::cli::ModelsArgs;
use crate::commands::AppError;
use crate::commands::routes::load_catalogue;
use crate::engine::cost::unit_prices;
use crate::support::diagnostic::{Code, Diagnostic};
use crate::support::suggest::closest;
use crate::support::table::text_table;

/// The id forms a workload or usage file may use for a catalogue id, said once under the
/// table: the catalogue names each model once, whatever the route.
const ID_FORMS: &str = "Ids: the catalogue names each model once, on every route. Workloads and usage files may also name it as the provider does: dated (claude-sonnet-4-5-20250929), Bedrock with or without an inference profile (eu.anthropic.claude-sonnet-4-5-20250929-v1:0), Vertex (claude-sonnet-4-5@20250929), LiteLLM or Gemini prefixes (anthropic/claude-sonnet-4-5, models/gemini-2.5-pro); each is read as the catalogue id.";

pub fn run(args: &ModelsArgs) -> Result<String, AppError> {
    let (catalogue, prices) = load_catalogue(&args.data)?;
    let ids: Vec<&str> = catalogue
        .routes
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    if let Some(id) = &args.route
        && !ids.contains(&id.as_str())
    {
        let help = match closest(id, &ids) {
            Some(best) => format!("did you mean `{best}`? routes: {}", ids.join(", ")),
            None => format!("routes: {}", ids.join(", ")),
        };
        return Err(Diagnostic::plain(
            Code::ArgUnknownRoute,
            format!("--route: unknown route `{id}`"),
        )
        .with_help(help)
        .into());
    }
    let routes: Vec<_> = catalogue
        .routes
        .iter()
        .map(|r| &r.item)
        .filter(|r| args.route.as_ref().is_none_or(|id| *id == r.id))
        .map(|r| (r, unit_prices(r, &catalogue, &prices)))
        .collect();
    let usd = |d: Option<rust_decimal::Decimal>| d.map_or("-".to_string(), |d| d.to_string());
    let mut rows = Vec::new();
    for model in prices.model_ids() {
        let family = prices.family_of(model).unwrap_or("-");
        let served: Vec<_> = routes
            .iter()
            .filter_map(|(route, units)| {
                units
                    .iter()
                    .find(|u| u.model == model)
                    .map(|unit| (route, unit))
            })
            .collect();
        if served.is_empty() {
            if args.route.is_none() {
                rows.push(vec![
                    model.to_owned(),
                    family.to_owned(),
                    "(no route serves it)".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ]);
            }
            continue;
        }
        for (route, unit) in served {
            rows.push(vec![
                model.to_owned(),
                family.to_owned(),
                route.id.clone(),
                unit.table.clone(),
                usd(Some(unit.input)),
                usd(Some(unit.output)),
                usd(unit.cache_read),
                usd(unit.batch_input),
            ]);
        }
    }
    let mut out = text_table(
        &[
            "model",
            "family",
            "route",
            "table",
            "input",
            "output",
            "cache read",
            "batch input",
        ],
        &rows,
    );
    out.push_str("\nPrices: list USD per million tokens on the route (regional premiums included), from the table shown; `routewise routes ID` cites the sources.\n");
    out.push_str(ID_FORMS);
    out.push('\n');
    Ok(out)
}
