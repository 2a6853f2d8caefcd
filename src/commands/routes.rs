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
    let rows: Vec<Vec<String>> = catalogue
        .routes
        .iter()
        .map(|located| {
            let r = &located.item;
            let residency = match (r.residency.is_empty(), r.region_pinning) {
                (true, _) => "global".to_string(),
                (false, true) => format!("{} (region)", list(&r.residency)),
                (false, false) => list(&r.residency),
            };
            vec![
                r.id.clone(),
                json_word(&r.platform),
                list(&r.auth),
                residency,
                list(&r.compliance),
                json_word(&r.billing),
                list(&catalogue.families_of(r)),
                list(&r.features),
            ]
        })
        .collect();
    Ok(text_table(
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
    ))
}

pub fn load_catalogue(args: &DataArgs) -> Result<(Catalogue, Prices), AppError> {
    let catalogue = Catalogue::load(args.rules.as_deref())?;
    let prices = Prices::load(
        args.pricing.as_deref(),
        &catalogue.vocabulary("model_families"),
    )?;
    Ok((catalogue, prices))
}

/// A serde enum's wire name, such as `aws` or `days_to_weeks`.
fn json_word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
