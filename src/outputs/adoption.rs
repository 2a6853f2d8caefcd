//! How to switch: a route's adoption guide rendered for the workload's models and the
//! answers' residency, from the data in `rules/adoption.yaml`. For a gateway, a LiteLLM proxy
//! `config.yaml` whose `model_list` sends each model to the route behind it.

use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;

use crate::data::inputs::Inputs;
use crate::engine::error::EngineError;
use crate::model::adoption::Adoption;
use crate::model::answers::Answers;

/// One route's guide, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionGuide {
    pub route: String,
    pub name: String,
    pub endpoint: String,
    /// Null when the route has no region to choose.
    pub region: Option<String>,
    pub auth: String,
    /// The exact model id on this route for each of the workload's models.
    pub models: Vec<ModelId>,
    pub python: String,
    pub typescript: String,
    pub claude_code: Vec<String>,
    /// Features that break on this route; `needed` when the answers list the feature.
    pub breaks: Vec<BrokenFeature>,
    /// For a gateway: a LiteLLM proxy `config.yaml` for the routes behind it.
    pub litellm_config: Option<String>,
    pub source: String,
    /// What the guide could not give (an id routewise has no record of).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelId {
    pub model: String,
    /// Null when routewise has no record of the id on this route.
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenFeature {
    pub feature: String,
    pub alternative: String,
    pub needed: bool,
}

/// A deployment behind a gateway: which route serves which model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployment {
    pub model_name: String,
    pub model: String,
    pub route: String,
    /// The `litellm_params` key and value of the region, when the route takes one.
    pub region: Option<(String, String)>,
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

fn render(env: &Environment, template: &str, ctx: &minijinja::Value) -> Result<String, String> {
    env.render_str(template, ctx.clone())
        .map(|s| s.trim_end().to_owned())
        .map_err(|e| e.to_string())
}

/// The region and profile a route's guide uses for the answers' residency.
fn placement(guide: &Adoption, answers: &Answers) -> (Option<String>, Option<String>) {
    let residency = match answers.choice("residency") {
        "" => "none",
        r => r,
    };
    let pick = |map: &std::collections::BTreeMap<String, String>| {
        map.get(residency).or_else(|| map.get("none")).cloned()
    };
    (pick(&guide.regions), pick(&guide.profiles))
}

/// The model id of `model` on the route, or `None` when there is no record of it.
fn model_id(
    env: &Environment,
    inputs: &Inputs,
    guide: &Adoption,
    model: &str,
    region: &Option<String>,
    profile: &Option<String>,
) -> Option<String> {
    let ids = inputs
        .catalogue
        .model_ids
        .get(model)
        .cloned()
        .unwrap_or_default();
    let ctx = context! { model => model, ids => ids, region => region, profile => profile };
    render(env, &guide.model_id, &ctx)
        .ok()
        .filter(|s| !s.is_empty())
}

/// The guide for `route_id` and `models` (the workload's), or why there is none.
pub fn guide(inputs: &Inputs, route_id: &str, models: &[String]) -> Result<AdoptionGuide, String> {
    guide_with(inputs, route_id, models, &inputs.answers, &[])
}

/// As [`guide`], with the answers to place the route by and, for a gateway, what is behind it.
pub fn guide_with(
    inputs: &Inputs,
    route_id: &str,
    models: &[String],
    answers: &Answers,
    behind: &[Deployment],
) -> Result<AdoptionGuide, String> {
    let route = inputs
        .catalogue
        .route_or_gateway(route_id)
        .ok_or_else(|| format!("unknown route `{route_id}`"))?;
    let guide = inputs
        .catalogue
        .adoption
        .iter()
        .map(|a| &a.item)
        .find(|a| a.route == route_id)
        .ok_or_else(|| {
            format!("routewise has no adoption guide for `{route_id}` yet; see the route's notes and sources in `routewise routes {route_id}`")
        })?;
    let env = env();
    let (region, profile) = placement(guide, answers);
    let endpoint = render(
        &env,
        &guide.endpoint,
        &context! { region => region.clone() },
    )?;
    let mut notes = Vec::new();
    let ids: Vec<ModelId> = models
        .iter()
        .map(|m| {
            let id = model_id(&env, inputs, guide, m, &region, &profile);
            if id.is_none() {
                notes.push(format!(
                    "no record of `{m}`'s id on `{route_id}`: look it up in the provider's model list before switching"
                ));
            }
            ModelId { model: m.clone(), id }
        })
        .collect();
    // One client per model family: a Gemini model on Vertex takes Google's SDK, a Claude
    // model Anthropic's. Claude Code's environment names a Claude model when there is one.
    let family = |m: &str| inputs.prices.family_of(m).unwrap_or_default().to_owned();
    let mut per_family: Vec<(String, String)> = Vec::new();
    for m in &ids {
        if let Some(id) = &m.id
            && !per_family.iter().any(|(f, _)| *f == family(&m.model))
        {
            per_family.push((family(&m.model), id.clone()));
        }
    }
    if per_family.is_empty() {
        let fallback = models.first().map(|m| family(m)).unwrap_or_default();
        per_family.push((fallback, "<model id>".into()));
    }
    let ctx_of = |(family, id): &(String, String)| {
        context! { model_id => id, family => family, region => region.clone(), endpoint => endpoint.clone() }
    };
    // A template that does not read `family` is rendered once, for the first model.
    let each = |template: &str| -> Result<String, String> {
        let reads_family = env
            .template_from_str(template)
            .map_err(|e| e.to_string())?
            .undeclared_variables(false)
            .contains("family");
        let families = if reads_family {
            &per_family[..]
        } else {
            &per_family[..1]
        };
        let parts: Vec<String> = families
            .iter()
            .map(|p| render(&env, template, &ctx_of(p)))
            .collect::<Result<_, _>>()?;
        Ok(parts.join("\n"))
    };
    // Claude Code runs Claude models only: a route carrying none gets no environment.
    let no_claude =
        (!models.is_empty() && models.iter().all(|m| family(m) != "claude")).then_some(());
    let ctx = ctx_of(
        per_family
            .iter()
            .find(|(f, _)| f == "claude")
            .unwrap_or(&per_family[0]),
    );
    let features = answers.list("features");
    let litellm_config = (!behind.is_empty()).then(|| litellm_config(behind));
    Ok(AdoptionGuide {
        route: route_id.to_owned(),
        name: route.name.clone(),
        endpoint: endpoint.clone(),
        region: region.clone(),
        auth: guide.auth.clone(),
        models: ids,
        python: each(&guide.python)?,
        typescript: each(&guide.typescript)?,
        claude_code: guide
            .claude_code
            .iter()
            .filter(|_| no_claude.is_none())
            .map(|line| render(&env, line, &ctx))
            .collect::<Result<_, _>>()?,
        breaks: guide
            .breaks
            .iter()
            .map(|b| BrokenFeature {
                feature: b.feature.clone(),
                alternative: b.alternative.clone(),
                needed: features.contains(&b.feature),
            })
            .collect(),
        litellm_config,
        source: guide.source.clone(),
        notes,
    })
}

/// The deployments a gateway needs: each model sent to the route that carries it, with the
/// route's LiteLLM model string. Models without a known id are left out (and noted).
pub fn deployments(
    inputs: &Inputs,
    routes: &[(String, Vec<String>, Answers)],
) -> (Vec<Deployment>, Vec<String>) {
    let env = env();
    let mut out: Vec<Deployment> = Vec::new();
    let mut notes = Vec::new();
    for (route_id, models, answers) in routes {
        let Some(guide) = inputs
            .catalogue
            .adoption
            .iter()
            .map(|a| &a.item)
            .find(|a| &a.route == route_id)
        else {
            notes.push(format!(
                "no adoption data for `{route_id}`: add its deployments to the gateway by hand"
            ));
            continue;
        };
        let (region, profile) = placement(guide, answers);
        for model in models {
            let Some(template) = &guide.litellm else {
                continue;
            };
            let Some(id) = model_id(&env, inputs, guide, model, &region, &profile) else {
                notes.push(format!("no record of `{model}`'s id on `{route_id}`"));
                continue;
            };
            let Ok(litellm) = render(&env, template, &context! { model_id => id }) else {
                continue;
            };
            if out
                .iter()
                .any(|d| d.model_name == *model && d.model == litellm)
            {
                continue;
            }
            out.push(Deployment {
                model_name: model.clone(),
                model: litellm,
                route: route_id.clone(),
                region: guide.litellm_region_key.clone().zip(region.clone()),
            });
        }
    }
    (out, notes)
}

/// A LiteLLM proxy `config.yaml` with one `model_list` entry per deployment. Values are
/// written as JSON strings, which YAML reads as the same strings.
pub fn litellm_config(deployments: &[Deployment]) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut text = String::from("model_list:\n");
    for d in deployments {
        text.push_str(&format!("  - model_name: {}\n", q(&d.model_name)));
        text.push_str("    litellm_params:\n");
        text.push_str(&format!("      model: {}\n", q(&d.model)));
        if let Some((key, region)) = &d.region {
            text.push_str(&format!("      {key}: {}\n", q(region)));
        }
    }
    text
}

/// The guide for one route and the run's workload: its models (or, without a workload, every
/// model the route serves); a gateway sends each model to the first route behind it that
/// serves it.
pub fn for_route(inputs: &Inputs, route_id: &str) -> Result<AdoptionGuide, EngineError> {
    let route = inputs
        .catalogue
        .route(route_id)
        .ok_or_else(|| EngineError::UnknownRoute(route_id.to_string()))?;
    let models: Vec<String> = match &inputs.workload {
        Some(w) => {
            let mut m: Vec<String> = w
                .traffic
                .iter()
                .map(|t| t.value.model.value.clone())
                .collect();
            m.sort();
            m.dedup();
            m
        }
        None => inputs.catalogue.models_of(route, &inputs.prices),
    };
    let mut behind: Vec<(String, Vec<String>, Answers)> = Vec::new();
    for model in &models {
        let serving = route.behind.iter().find(|b| {
            inputs.catalogue.route(b).is_some_and(|r| {
                inputs
                    .catalogue
                    .models_of(r, &inputs.prices)
                    .contains(model)
            })
        });
        if let Some(b) = serving {
            match behind.iter_mut().find(|(id, _, _)| id == b) {
                Some(entry) => entry.1.push(model.clone()),
                None => behind.push((b.clone(), vec![model.clone()], inputs.answers.clone())),
            }
        }
    }
    let (deployments, notes) = deployments(inputs, &behind);
    let mut guide = guide_with(inputs, route_id, &models, &inputs.answers, &deployments)
        .map_err(EngineError::Adoption)?;
    guide.notes.extend(notes);
    Ok(guide)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::inputs::{InputPaths, Inputs};
    use crate::usage::model_id::catalogue_model;

    fn inputs() -> Inputs {
        Inputs::load(&InputPaths::default()).expect("embedded data loads")
    }

    /// Every id a guide can print reads back, through the usage reader's id mapping, as the
    /// model it was generated for: the two directions agree.
    #[test]
    fn every_generated_model_id_reads_back_as_its_model() {
        let inputs = inputs();
        let known = inputs.prices.model_ids();
        let mut checked = 0;
        for guide in inputs.catalogue.adoption.iter().map(|a| &a.item) {
            let Some(route) = inputs.catalogue.route(&guide.route) else {
                // A gateway product: its ids are the catalogue's, checked through its routes.
                assert!(inputs.catalogue.route_or_gateway(&guide.route).is_some());
                continue;
            };
            let models = inputs.catalogue.models_of(route, &inputs.prices);
            for residency in ["none", "us", "eu", "jp", "au", "apac"] {
                let mut answers = inputs.answers.clone();
                answers.values.insert(
                    "residency".into(),
                    crate::model::answers::Answer::Choice(residency.into()),
                );
                let g = guide_with(&inputs, &guide.route, &models, &answers, &[]).expect("renders");
                for m in &g.models {
                    let Some(id) = &m.id else { continue };
                    assert_eq!(
                        catalogue_model(id, &known).as_deref(),
                        Some(m.model.as_str()),
                        "`{id}` on `{}` does not read back as `{}`",
                        guide.route,
                        m.model
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} ids checked");
    }

    /// A gateway's LiteLLM config is YAML, and its models read back as the models served.
    #[test]
    fn litellm_configs_parse_as_yaml_with_known_models() {
        let inputs = inputs();
        let known = inputs.prices.model_ids();
        let routes: Vec<(String, Vec<String>, Answers)> = [
            "anthropic-api",
            "bedrock-geo",
            "vertex-regional",
            "gemini-api-paid",
        ]
        .iter()
        .map(|r| {
            let route = inputs.catalogue.route(r).expect("route");
            (
                r.to_string(),
                inputs.catalogue.models_of(route, &inputs.prices),
                inputs.answers.clone(),
            )
        })
        .collect();
        let (deployments, _) = deployments(&inputs, &routes);
        assert!(deployments.len() > 10);
        let text = litellm_config(&deployments);
        let parsed: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
        let list = parsed["model_list"].as_array().expect("model_list");
        assert_eq!(list.len(), deployments.len());
        for entry in list {
            let name = entry["model_name"].as_str().expect("model_name");
            let model = entry["litellm_params"]["model"].as_str().expect("model");
            assert_eq!(
                catalogue_model(model, &known).as_deref(),
                Some(name),
                "{model}"
            );
        }
        let gateway = for_route(&inputs, "gateway").expect("gateway guide");
        let config = gateway
            .litellm_config
            .expect("a config for the routes behind");
        let _: serde_json::Value = serde_saphyr::from_str(&config).expect("YAML");
    }
}
