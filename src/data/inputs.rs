//! Everything a run needs, loaded and cross-checked in one place, with every problem in
//! every file collected before anything is decided.

use std::path::PathBuf;

use crate::data::catalogue::Catalogue;
use crate::data::load_error::{Collected, LoadError};
use crate::data::parse;
use crate::data::price_book::PriceBook;
use crate::data::prices::Prices;
use crate::data::rule_set::RuleSet;
use crate::model::answers::{Answer, Answers, RawAnswers};
use crate::model::workload::Workload;
use crate::support::diagnostic::{Code, Diagnostics, SourceFile};
use crate::support::internal::join;

/// The paths a run reads; `None` means "use the embedded default" or "not given".
#[derive(Debug, Clone, Default)]
pub struct InputPaths {
    pub answers: Option<PathBuf>,
    pub workload: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub pricing: Option<PathBuf>,
    pub price_book: Option<PathBuf>,
}

/// The validated inputs of a run.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub catalogue: Catalogue,
    pub rules: RuleSet,
    pub prices: Prices,
    pub answers: Answers,
    pub workload: Option<Workload>,
    /// Negotiated discounts and private prices, already laid over `prices`.
    pub price_book: Option<PriceBook>,
    /// Notes about how inputs were interpreted, printed as assumptions.
    pub notes: Vec<String>,
    /// For each of the answers' surfaces, the indices of the traffic entries it carries.
    pub surface_traffic: Vec<Vec<usize>>,
    /// The date dated prices are read on (`--today`); `None`: each table's `as_of` date.
    pub today: Option<crate::support::date::Date>,
}

impl Inputs {
    /// Loads and checks everything; on failure returns every problem found, or the internal
    /// failure that stopped the loading.
    pub fn load(paths: &InputPaths) -> Result<Inputs, LoadError> {
        // The three data directories are independent: read them side by side.
        let (catalogue, prices) = std::thread::scope(|scope| {
            let prices = scope.spawn(|| Prices::read(paths.pricing.as_deref()));
            let catalogue = Catalogue::load(paths.rules.as_deref());
            (catalogue, join(prices, "reading the pricing tables"))
        });
        let catalogue = catalogue?;
        let prices = prices?;
        // Compiling the rules is the longest step left; the small files load meanwhile.
        let (rules, prices, answers, workload) = std::thread::scope(|scope| {
            let rules = scope.spawn(|| RuleSet::compile(&catalogue));
            let families = catalogue.vocabulary("model_families");
            let prices = prices.and_then(|read| read.check(&families));
            let answers = match &paths.answers {
                Some(path) => load_answers(path, &catalogue),
                None => Ok(Answers::defaults(&catalogue.questions)),
            };
            let workload = paths.workload.as_ref().map(|path| load_workload(path));
            let rules = join(rules, "compiling the rules");
            (rules, prices, answers, workload)
        });
        let rules = rules?;
        let mut failed = Collected::default();
        let prices = failed.take(prices);
        let rules = failed.take(rules);
        let answers = failed.take(answers);
        let (Some(mut prices), Some(rules), Some(mut answers)) = (prices, rules, answers) else {
            if let Some(Err(d)) = workload {
                failed.push(d);
            }
            return Err(failed.into_error());
        };
        let mut problems = Diagnostics::default();
        let price_book = match &paths.price_book {
            Some(path) => match PriceBook::load(path, &catalogue, &mut prices) {
                Ok(book) => Some(book),
                Err(d) => {
                    problems.extend(d);
                    None
                }
            },
            None => None,
        };
        check_route_tables(&catalogue, &prices, &mut problems);
        let mut surface_traffic = Vec::new();
        let mut notes = Vec::new();
        let workload = match workload {
            Some(Ok((mut workload, file))) => {
                notes.extend(normalise_models(&mut workload, &prices));
                check_workload(&workload, &file, &prices, &mut problems);
                // Without answers, `surface:` only labels traffic; with them it must match.
                if paths.answers.is_some() {
                    surface_traffic = crate::data::surfaces::assign_traffic(
                        &answers.surfaces,
                        &workload,
                        &file,
                        &mut problems,
                    );
                }
                Some(workload)
            }
            Some(Err(d)) => {
                problems.extend(d);
                None
            }
            None => None,
        };
        if !problems.is_empty() {
            return Err(problems.into());
        }
        if let Some(book) = price_book.as_ref().filter(|b| b.is_empty()) {
            notes.push(format!(
                "warning: the price book {} holds no discount, override or quote, so nothing was applied: list prices are used",
                book.file
            ));
        }
        if let Some(workload) = &workload
            && paths.answers.is_some()
            && answers.surfaces.is_empty()
            && !answers.given.iter().any(|id| id == "model_families")
            && catalogue.question("model_families").is_some()
        {
            let families = workload_families(workload, &prices);
            if !families.is_empty() {
                notes.push(format!(
                    "model_families was not answered, so the families the workload uses are required: {}",
                    families.join(", ")
                ));
                answers
                    .values
                    .insert("model_families".into(), Answer::List(families));
            }
        }
        Ok(Inputs {
            catalogue,
            rules,
            prices,
            answers,
            workload,
            price_book,
            notes,
            surface_traffic,
            today: None,
        })
    }
}

/// The model families a workload uses, sorted.
pub fn workload_families(workload: &Workload, prices: &Prices) -> Vec<String> {
    let mut families: Vec<String> = workload
        .traffic
        .iter()
        .filter_map(|t| prices.family_of(&t.value.model.value).map(str::to_owned))
        .collect();
    families.sort();
    families.dedup();
    families
}

fn load_answers(path: &std::path::Path, catalogue: &Catalogue) -> Result<Answers, Diagnostics> {
    answers_from_source(&parse::read_file(path)?, catalogue)
}

/// Parses and resolves an answers file's text against the questionnaire.
pub fn answers_from_source(
    file: &SourceFile,
    catalogue: &Catalogue,
) -> Result<Answers, Diagnostics> {
    let raw: RawAnswers = parse::yaml(file)?;
    Answers::resolve(&raw, &catalogue.questions, file)
}

fn load_workload(path: &std::path::Path) -> Result<(Workload, SourceFile), Diagnostics> {
    let file = parse::read_file(path)?;
    let workload: Workload = parse::yaml(&file)?;
    Ok((workload, file))
}

/// Reads every model id form the usage readers accept (dated Anthropic ids, Bedrock ids with
/// inference profiles, Vertex `@` versions, LiteLLM and Gemini prefixes) as the catalogue
/// id, so a workload may name a model as the provider's console or logs do. Returns one
/// note per id read as another, printed with the assumptions; ids that map to nothing stay
/// as written, for `check_workload` to report.
pub fn normalise_models(workload: &mut Workload, prices: &Prices) -> Vec<String> {
    let known = prices.model_ids();
    let mut notes = Vec::new();
    for spanned in &mut workload.traffic {
        let traffic = &mut spanned.value;
        let given = traffic.model.value.clone();
        if known.contains(&given.as_str()) {
            continue;
        }
        if let Some(id) = crate::usage::model_id::catalogue_model(&given, &known) {
            notes.push(format!(
                "Workload traffic `{}`: model id `{given}` is read as `{id}`.",
                traffic.name
            ));
            traffic.model.value = id;
        }
    }
    notes
}

/// Parses a workload file's text and cross-checks it against the pricing tables.
pub fn workload_from_source(file: &SourceFile, prices: &Prices) -> Result<Workload, Diagnostics> {
    let workload: Workload = parse::yaml(file)?;
    let mut problems = Diagnostics::default();
    check_workload(&workload, file, prices, &mut problems);
    problems.into_result(workload)
}

/// Cross-checks a workload against the pricing tables (models, cache rates, names).
pub fn check_workload(
    workload: &Workload,
    file: &SourceFile,
    prices: &Prices,
    problems: &mut Diagnostics,
) {
    if workload.traffic.is_empty() {
        problems.push(
            file.error_whole(
                Code::WorkloadNoTraffic,
                "the workload has no traffic entries",
            )
            .with_help(
                "add at least one entry under `traffic:` with name, model and monthly token counts",
            ),
        );
    }
    let known = prices.model_ids();
    let mut names: Vec<&str> = Vec::new();
    for (i, spanned) in workload.traffic.iter().enumerate() {
        let traffic = &spanned.value;
        let model = &traffic.model;
        if !known.contains(&model.value.as_str()) {
            let d = file.error_at_line(
                Code::WorkloadUnknownModel,
                model.referenced.line(),
                model.referenced.column(),
                Some(&format!("traffic[{i}].model")),
                format!("unknown model `{}`", model.value),
            );
            let help = match crate::support::suggest::closest(&model.value, &known) {
                Some(best) => format!("did you mean `{best}`? known models: {}", known.join(", ")),
                None => format!("known models: {}", known.join(", ")),
            };
            problems.push(d.with_help(help));
        }
        let cache =
            traffic.cache_hit_rate.0 + traffic.cache_write_rate.0 + traffic.cache_write_1h_rate.0;
        if cache > rust_decimal::Decimal::ONE {
            problems.push(file.error_at_line(
                Code::WorkloadCacheRates,
                spanned.referenced.line(),
                spanned.referenced.column(),
                Some(&format!("traffic[{i}]")),
                format!(
                    "cache_hit_rate ({}), cache_write_rate ({}) and cache_write_1h_rate ({}) add up to {cache}, more than 1",
                    traffic.cache_hit_rate.0, traffic.cache_write_rate.0, traffic.cache_write_1h_rate.0
                ),
            ));
        }
        let tiers: rust_decimal::Decimal = traffic.service_tiers.values().map(|s| s.0).sum();
        if tiers > rust_decimal::Decimal::ONE {
            problems.push(
                file.error_at_line(
                    Code::WorkloadServiceTiers,
                    spanned.referenced.line(),
                    spanned.referenced.column(),
                    Some(&format!("traffic[{i}].service_tiers")),
                    format!(
                        "the service-tier shares ({}) add up to {tiers}, more than 1",
                        traffic
                            .service_tiers
                            .iter()
                            .map(|(t, s)| format!("{} {}", t.name(), s.0))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_help("the shares are of the interactive traffic; what is left is standard"),
            );
        }
        if let Some(message) = crate::support::limits::name_too_long("traffic name", &traffic.name)
        {
            problems.push(file.error_at_line(
                Code::LimitName,
                spanned.referenced.line(),
                spanned.referenced.column(),
                Some(&format!("traffic[{i}].name")),
                message,
            ));
        }
        if names.contains(&traffic.name.as_str()) {
            problems.push(file.error_at_line(
                Code::WorkloadDuplicateName,
                spanned.referenced.line(),
                spanned.referenced.column(),
                Some(&format!("traffic[{i}].name")),
                format!(
                    "traffic name `{}` is used twice; line items need distinct names",
                    traffic.name
                ),
            ));
        }
        names.push(&traffic.name);
    }
    let horizon = workload
        .horizon_months
        .map_or(crate::model::workload::DEFAULT_HORIZON_MONTHS, |m| m.0);
    check_start_months(workload, file, horizon, "horizon_months", problems);
}

/// Every `start_month` must fall within the horizon (`horizon`, set by `by`), or the
/// stream would never carry traffic.
pub fn check_start_months(
    workload: &Workload,
    file: &SourceFile,
    horizon: u32,
    by: &str,
    problems: &mut Diagnostics,
) {
    for (i, spanned) in workload.traffic.iter().enumerate() {
        let Some(start) = &spanned.value.start_month else {
            continue;
        };
        if start.value.0 > horizon {
            problems.push(
                file.error_at_line(
                    Code::WorkloadStartMonth,
                    start.referenced.line(),
                    start.referenced.column(),
                    Some(&format!("traffic[{i}].start_month")),
                    format!(
                        "traffic `{}` starts in month {}, after the {horizon}-month horizon ({by}); it would carry no traffic",
                        spanned.value.name, start.value.0
                    ),
                )
                .with_help(format!(
                    "use a start_month from 1 to {horizon}, or lengthen the horizon"
                )),
            );
        }
    }
}

fn check_route_tables(catalogue: &Catalogue, prices: &Prices, problems: &mut Diagnostics) {
    catalogue.check_model_scopes(&prices.model_ids(), problems);
    for route in &catalogue.routes {
        let tables =
            std::iter::once(&route.item.pricing.table).chain(route.item.models_from.iter());
        for table in tables.filter(|t| prices.table(t).is_none()) {
            let known: Vec<&str> = prices
                .tables
                .iter()
                .map(|t| t.table.table.as_str())
                .collect();
            problems.push(
                route
                    .error(
                        Code::RouteUnknownTable,
                        Some("pricing.table"),
                        format!(
                            "route `{}`: no pricing table named `{table}`",
                            route.item.id
                        ),
                    )
                    .with_help(format!("known tables: {}", known.join(", "))),
            );
        }
    }
}

impl Inputs {
    /// Replaces the answers and workload (already checked), keeping the loaded rules and
    /// prices: how `routewise test` runs many cases over one catalogue. As in `load`, a
    /// workload decides `model_families` when the answers leave it open.
    pub fn set_case(&mut self, mut answers: Answers, workload: Option<Workload>) {
        self.notes = Vec::new();
        if let Some(workload) = &workload
            && answers.surfaces.is_empty()
            && !answers.given.iter().any(|id| id == "model_families")
            && self.catalogue.question("model_families").is_some()
        {
            let families = workload_families(workload, &self.prices);
            if !families.is_empty() {
                self.notes.push(format!(
                    "model_families was not answered, so the families the workload uses are required: {}",
                    families.join(", ")
                ));
                answers
                    .values
                    .insert("model_families".into(), Answer::List(families));
            }
        }
        self.answers = answers;
        self.workload = workload;
    }
}

impl Inputs {
    /// Assigns a test case's traffic to its surfaces (after `set_case`), returning each
    /// problem as a sentence: a case has no file position of its own to report them at.
    pub fn assign_case_traffic(&mut self) -> Vec<String> {
        let Some(workload) = &self.workload else {
            self.surface_traffic = Vec::new();
            return Vec::new();
        };
        let mut problems = Diagnostics::default();
        let file = SourceFile::new("<case workload>", "");
        self.surface_traffic = crate::data::surfaces::assign_traffic(
            &self.answers.surfaces,
            workload,
            &file,
            &mut problems,
        );
        problems.0.into_iter().map(|d| d.message).collect()
    }

    /// The inputs of each surface: its own answers and its own traffic, with the catalogue,
    /// rules and prices shared. Empty when the answers have no surfaces.
    pub fn surface_inputs(&self) -> Vec<(String, Inputs)> {
        self.answers
            .surfaces
            .iter()
            .enumerate()
            .map(|(s, surface)| {
                let mut inputs = self.clone();
                let workload = self
                    .workload
                    .as_ref()
                    .map(|w| crate::model::workload::Workload {
                        traffic: self
                            .surface_traffic
                            .get(s)
                            .map(|indices| indices.iter().map(|i| w.traffic[*i].clone()).collect())
                            .unwrap_or_default(),
                        ..w.clone()
                    });
                inputs.set_case(surface.answers.clone(), workload);
                inputs.surface_traffic = Vec::new();
                (surface.name.clone(), inputs)
            })
            .collect()
    }
}
