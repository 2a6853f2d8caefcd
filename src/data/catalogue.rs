//! The merged and validated contents of the rules directories: questions, routes with
//! their sources, and the rules (not yet compiled).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::data::load::{DataFile, DataKind, Layer, data_files};
use crate::data::load_error::LoadError;
use crate::data::parse;
use crate::model::capability::{Capability, State};
use crate::model::question::{Question, QuestionKind};
use crate::model::route::{CLAIMS, ITEM_CAPABILITIES, Platform, Route, SINGLE_CAPABILITIES};
use crate::model::rule::Rule;
use crate::model::source::{Source, is_url};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};

/// One file of a rules directory. Any file may hold any of the sections.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesDirFile {
    /// The questionnaire.
    #[serde(default)]
    #[schemars(with = "Vec<Question>")]
    pub questions: Vec<Spanned<Question>>,
    /// Public sources by short key, cited by routes' `sources` and capability values.
    #[serde(default)]
    pub sources: BTreeMap<String, Source>,
    /// The route catalogue.
    #[serde(default)]
    #[schemars(with = "Vec<Route>")]
    pub routes: Vec<Spanned<Route>>,
    /// Decision rules.
    #[serde(default)]
    #[schemars(with = "Vec<Rule>")]
    pub rules: Vec<Spanned<Rule>>,
    /// Each model's id per provider id scheme (`anthropic`, `bedrock`, `vertex`, `gemini`).
    #[serde(default)]
    pub model_ids: BTreeMap<String, BTreeMap<String, String>>,
    /// Gateway products (LiteLLM, Portkey...): not peer routes, but composed in front of the
    /// routes a portfolio chooses, each with its own sourced values.
    #[serde(default)]
    #[schemars(with = "Vec<Route>")]
    pub gateways: Vec<Spanned<Route>>,
    /// How to switch to each route.
    #[serde(default)]
    #[schemars(with = "Vec<crate::model::adoption::Adoption>")]
    pub adoption: Vec<Spanned<crate::model::adoption::Adoption>>,
}

/// An item together with the file and position it was read from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub item: T,
    pub file: Arc<SourceFile>,
    position: Position,
    layer: Layer,
}

/// Where an item starts: known from the YAML parser, or (for embedded files read from their
/// build-time JSON) taken from a parse of the YAML text with spans the first time it is
/// asked for, which only error messages do.
#[derive(Debug, Clone)]
enum Position {
    Known(u64, u64),
    Unparsed {
        section: Section,
        index: usize,
        found: std::sync::OnceLock<(u64, u64)>,
    },
}

/// The lists of a rules file whose items are located.
#[derive(Debug, Clone, Copy)]
enum Section {
    Questions,
    Routes,
    Rules,
    Gateways,
    Adoption,
}

/// The positions of a rules file's items and source keys, from a parse with spans.
#[derive(Debug, Default, Deserialize)]
struct Spans {
    #[serde(default)]
    questions: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    routes: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    rules: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    gateways: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    adoption: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    sources: std::collections::HashMap<Spanned<String>, serde::de::IgnoredAny>,
}

impl Spans {
    /// Parses the file again, keeping only positions: for the error path only.
    fn of(file: &SourceFile) -> Spans {
        parse::yaml_lenient::<Spans>(file).unwrap_or_default()
    }

    fn item(&self, section: Section, index: usize) -> Option<(u64, u64)> {
        let list = match section {
            Section::Questions => &self.questions,
            Section::Routes => &self.routes,
            Section::Rules => &self.rules,
            Section::Gateways => &self.gateways,
            Section::Adoption => &self.adoption,
        };
        let at = &list.get(index)?.referenced;
        (at.line() > 0).then(|| (at.line(), at.column().max(1)))
    }

    fn source(&self, key: &str) -> Option<(u64, u64)> {
        let (spanned, _) = self.sources.iter().find(|(k, _)| k.value == key)?;
        let at = &spanned.referenced;
        (at.line() > 0).then(|| (at.line(), at.column().max(1)))
    }
}

impl<T> Located<T> {
    /// The 1-based line and column where the item starts.
    pub fn position(&self) -> (u64, u64) {
        match &self.position {
            Position::Known(line, column) => (*line, *column),
            Position::Unparsed {
                section,
                index,
                found,
            } => *found.get_or_init(|| {
                Spans::of(&self.file)
                    .item(*section, *index)
                    .unwrap_or((1, 1))
            }),
        }
    }

    pub fn line(&self) -> u64 {
        self.position().0
    }

    /// Where the item is, without it: for a place that is printed only if something goes
    /// wrong, so an embedded file is not parsed again for positions nobody reads.
    pub fn place(&self) -> Located<()> {
        Located {
            item: (),
            file: Arc::clone(&self.file),
            position: self.position.clone(),
            layer: self.layer,
        }
    }

    /// `file:line:column` of the item.
    pub fn at(&self) -> String {
        let (line, column) = self.position();
        format!("{}:{line}:{column}", self.file.name)
    }

    /// A diagnostic pointing at this item.
    pub fn error(&self, code: Code, key: Option<&str>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.position();
        self.file.error_at_line(code, line, column, key, message)
    }

    /// A diagnostic pointing at a spanned field of this item.
    pub fn error_at<V>(
        &self,
        code: Code,
        field: &Spanned<V>,
        key: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let loc = &field.referenced;
        if loc.line() == 0 {
            return self.error(code, Some(key), message);
        }
        self.file
            .error_at_line(code, loc.line(), loc.column(), Some(key), message)
    }
}

/// Questions, routes and rules after merging every layer and checking every reference.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub questions: Vec<Question>,
    pub sources: BTreeMap<String, Source>,
    /// Where each source was defined, for errors about it.
    source_files: BTreeMap<String, Arc<SourceFile>>,
    pub routes: Vec<Located<Route>>,
    pub rules: Vec<Located<Rule>>,
    /// Each model's provider ids, for adoption guides.
    pub model_ids: BTreeMap<String, BTreeMap<String, String>>,
    /// Gateway products, composed in front of a portfolio's routes.
    pub gateways: Vec<Located<Route>>,
    /// Adoption guides by route.
    pub adoption: Vec<Located<crate::model::adoption::Adoption>>,
    /// True when some file came from a user's directory.
    user_data: bool,
}

impl Catalogue {
    /// True when nothing came from a user's directory: the data is exactly what the test
    /// suite checked.
    pub fn embedded_only(&self) -> bool {
        !self.user_data
    }

    /// Loads the embedded catalogue with an optional user directory over it.
    pub fn load(user_dir: Option<&Path>) -> Result<Catalogue, LoadError> {
        Catalogue::from_files(data_files(DataKind::Rules, user_dir)?)
    }

    /// Merges and checks rules-directory files already read (embedded and user layers, see
    /// [`crate::data::load::with_user_files`]).
    pub fn from_files(files: Vec<DataFile>) -> Result<Catalogue, LoadError> {
        let mut problems = Diagnostics::default();
        let mut catalogue = Catalogue {
            user_data: files.iter().any(|f| f.layer == Layer::User),
            ..Catalogue::default()
        };
        let mut questions: Vec<Located<Question>> = Vec::new();
        // Each section's ids and where they are in its list (see `merge`).
        let mut indexes: [HashMap<String, usize>; 5] = Default::default();
        let [question_ids, route_ids, gateway_ids, adoption_ids, rule_ids] = &mut indexes;
        // Each source key with the file and layer that defined it.
        let mut sources: BTreeMap<String, (Source, Arc<SourceFile>, Layer)> = BTreeMap::new();
        let parsed_files = parse::all_in_parallel(&files, |file| {
            let cached = (file.layer == Layer::Embedded)
                .then(|| cached_json(&file.file_name))
                .flatten();
            match cached {
                Some(parsed) => Ok(parsed),
                None => parse::yaml::<RulesDirFile>(&file.source),
            }
        })?;
        for (file, parsed) in files.iter().zip(parsed_files) {
            let parsed = match parsed {
                Ok(parsed) => parsed,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            };
            let source = Arc::new(file.source.clone());
            for (index, q) in parsed.questions.into_iter().enumerate() {
                let located = locate(q, &source, file.layer, (Section::Questions, index));
                merge(
                    &mut questions,
                    question_ids,
                    located,
                    |q| q.id.clone(),
                    &mut problems,
                );
            }
            for (key, text) in parsed.sources {
                merge_source(&mut sources, key, text, &source, file.layer, &mut problems);
            }
            for (index, r) in parsed.routes.into_iter().enumerate() {
                let located = locate(r, &source, file.layer, (Section::Routes, index));
                merge(
                    &mut catalogue.routes,
                    route_ids,
                    located,
                    |r| r.id.clone(),
                    &mut problems,
                );
            }
            for (model, ids) in parsed.model_ids {
                catalogue.model_ids.insert(model, ids);
            }
            for (index, g) in parsed.gateways.into_iter().enumerate() {
                let located = locate(g, &source, file.layer, (Section::Gateways, index));
                merge(
                    &mut catalogue.gateways,
                    gateway_ids,
                    located,
                    |g| g.id.clone(),
                    &mut problems,
                );
            }
            for (index, a) in parsed.adoption.into_iter().enumerate() {
                let located = locate(a, &source, file.layer, (Section::Adoption, index));
                merge(
                    &mut catalogue.adoption,
                    adoption_ids,
                    located,
                    |a| a.route.clone(),
                    &mut problems,
                );
            }
            for (index, r) in parsed.rules.into_iter().enumerate() {
                let located = locate(r, &source, file.layer, (Section::Rules, index));
                merge(
                    &mut catalogue.rules,
                    rule_ids,
                    located,
                    |r| r.code.to_string(),
                    &mut problems,
                );
            }
        }
        // Checked before any rule is compiled, which is where a rule's memory goes.
        if let Some(d) = too_many_rules(&catalogue.rules, crate::support::limits::MAX_RULES) {
            problems.push(d);
        }
        for (key, (source, file, _)) in sources {
            catalogue.source_files.insert(key.clone(), file);
            catalogue.sources.insert(key, source);
        }
        if !problems.is_empty() {
            // A file that did not parse leaves the vocabulary incomplete; checking routes
            // against it would bury the real problem under a cascade of false ones.
            return Err(problems.into());
        }
        for q in &questions {
            validate_question(q, &mut problems);
        }
        catalogue.questions = questions.into_iter().map(|q| q.item).collect();
        for (key, source) in &catalogue.sources {
            validate_source(key, source, &catalogue, &mut problems);
        }
        for route in &catalogue.routes {
            validate_route(route, &catalogue, &mut problems);
        }
        for gateway in &catalogue.gateways {
            let g = &gateway.item;
            if g.platform != Platform::Gateway || !g.behind.is_empty() {
                problems.push(gateway.error(
                    Code::GatewayProductShape,
                    Some("platform"),
                    format!("gateway product `{}` must have platform `gateway` and no `behind`: the portfolio puts routes behind it", g.id),
                ));
            }
            let unsourced: Vec<&str> = crate::model::route::CLAIMS
                .iter()
                .copied()
                .filter(|c| match g.sources.get(*c) {
                    Some(key) => !catalogue.sources.contains_key(key),
                    None => true,
                })
                .collect();
            if !unsourced.is_empty() {
                problems.push(gateway.error(
                    Code::GatewayProductUnsourced,
                    Some("sources"),
                    format!(
                        "gateway product `{}`: no known source for {}",
                        g.id,
                        unsourced.join(", ")
                    ),
                ));
            }
        }
        for guide in &catalogue.adoption {
            if catalogue.route_or_gateway(&guide.item.route).is_none() {
                let known: Vec<&str> = catalogue
                    .routes
                    .iter()
                    .map(|r| r.item.id.as_str())
                    .collect();
                problems.push(
                    guide
                        .error(
                            Code::AdoptionUnknownRoute,
                            Some("route"),
                            format!("adoption guide for unknown route `{}`", guide.item.route),
                        )
                        .with_help(format!("known routes: {}", known.join(", "))),
                );
            }
        }
        // A gateway serves the model families of the routes behind it, once and for all.
        let unions: Vec<Vec<String>> = catalogue
            .routes
            .iter()
            .map(|r| catalogue.families_of(&r.item))
            .collect();
        for (route, families) in catalogue.routes.iter_mut().zip(unions) {
            route.item.model_families = families;
        }
        if catalogue.routes.is_empty() {
            // Name the files that were read: an empty `routes:` in one of them is the usual
            // cause, and "no routes" alone does not say where to look.
            let names: Vec<&str> = files.iter().map(|f| f.source.name.as_str()).collect();
            problems.push(
                Diagnostic::plain(
                    Code::CatalogueNoRoutes,
                    format!(
                        "the catalogue has no routes (read from {})",
                        names.join(", ")
                    ),
                )
                .with_help("a rules directory needs at least one entry under `routes:`"),
            );
        }
        Ok(problems.into_result(catalogue)?)
    }

    /// Checks that every model a capability value is scoped to is a model some pricing
    /// table knows (the catalogue alone does not know the models).
    pub fn check_model_scopes(&self, known: &[&str], problems: &mut Diagnostics) {
        for located in &self.routes {
            let route = &located.item;
            let mut capabilities: Vec<(String, &serde_saphyr::Spanned<Capability>)> =
                SINGLE_CAPABILITIES
                    .iter()
                    .filter_map(|&n| route.spanned_capability(n).map(|c| (n.to_owned(), c)))
                    .collect();
            for &name in ITEM_CAPABILITIES {
                if let Some(items) = route.items(name) {
                    capabilities
                        .extend(items.items.iter().map(|(i, c)| (format!("{name}.{i}"), c)));
                }
            }
            for (key, capability) in capabilities {
                for value in &capability.value.values {
                    for model in &value.value.0.models {
                        if known.contains(&model.as_str()) {
                            continue;
                        }
                        let message = format!(
                            "route `{}`: the scope names an unknown model `{model}`",
                            route.id
                        );
                        let code = Code::RouteCapabilityScope;
                        let diagnostic = if value.referenced.line() > 0 {
                            located.error_at(code, value, &key, message)
                        } else {
                            located.error_at(code, capability, &key, message)
                        };
                        let help = match crate::support::suggest::closest(model, known) {
                            Some(best) => format!(
                                "did you mean `{best}`? models are those of the pricing tables"
                            ),
                            None => "models are those of the pricing tables".to_owned(),
                        };
                        problems.push(diagnostic.with_help(help));
                    }
                }
            }
        }
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn route(&self, id: &str) -> Option<&Route> {
        self.routes.iter().map(|r| &r.item).find(|r| r.id == id)
    }

    /// A route, or else a gateway product, by id.
    pub fn route_or_gateway(&self, id: &str) -> Option<&Route> {
        self.route(id)
            .or_else(|| self.gateways.iter().map(|g| &g.item).find(|g| g.id == id))
    }

    /// The choices of a question, or nothing if the question is missing.
    pub fn vocabulary(&self, question_id: &str) -> Vec<&str> {
        self.question(question_id)
            .map(Question::choice_values)
            .unwrap_or_default()
    }

    /// The model ids a route serves: those of its table (or `models_from`) whose family it
    /// serves; a gateway serves those of the routes behind it.
    pub fn models_of(&self, route: &Route, prices: &crate::data::prices::Prices) -> Vec<String> {
        let mut models: Vec<String> = Vec::new();
        let mut add = |r: &Route| {
            let table = r.models_from.as_deref().unwrap_or(&r.pricing.table);
            if let Some(t) = prices.table(table) {
                for (id, price) in &t.table.models {
                    if r.model_families.contains(&price.family) {
                        models.push(id.clone());
                    }
                }
            }
        };
        add(route);
        for id in &route.behind {
            if let Some(behind) = self.route(id) {
                add(behind);
            }
        }
        models.sort();
        models.dedup();
        models
    }

    /// The model families a route serves; a gateway serves those of the routes behind it too.
    pub fn families_of(&self, route: &Route) -> Vec<String> {
        let mut families = route.model_families.clone();
        for id in &route.behind {
            if let Some(behind) = self.route(id) {
                families.extend(behind.model_families.iter().cloned());
            }
        }
        families.sort();
        families.dedup();
        families
    }
}

/// An item with its position: from the YAML parser, or for an embedded file read from its
/// build-time JSON, from its index in its list, looked up in a parse with spans when needed.
fn locate<T>(
    spanned: Spanned<T>,
    file: &Arc<SourceFile>,
    layer: Layer,
    (section, index): (Section, usize),
) -> Located<T> {
    let position = if spanned.referenced.line() > 0 {
        Position::Known(
            spanned.referenced.line(),
            spanned.referenced.column().max(1),
        )
    } else {
        Position::Unparsed {
            section,
            index,
            found: std::sync::OnceLock::new(),
        }
    };
    Located {
        position,
        item: spanned.value,
        file: file.clone(),
        layer,
    }
}

/// Adds a source key; a user's file may redefine an embedded key, but two files of one
/// layer defining the same key are an error naming both places.
fn merge_source(
    sources: &mut BTreeMap<String, (Source, Arc<SourceFile>, Layer)>,
    key: String,
    text: Source,
    file: &Arc<SourceFile>,
    layer: Layer,
    problems: &mut Diagnostics,
) {
    match sources.get(&key) {
        Some((_, first, first_layer)) if *first_layer == layer => {
            let (line, column) = Spans::of(file).source(&key).unwrap_or((1, 1));
            let (first_line, first_column) = Spans::of(first).source(&key).unwrap_or((1, 1));
            problems.push(
                file.error_at_line(
                    Code::SourcesDuplicateKey,
                    line,
                    column,
                    Some(&format!("sources.{key}")),
                    format!("source `{key}` is defined twice"),
                )
                .with_help(format!(
                    "the first definition is at {}:{first_line}:{first_column}",
                    first.name
                )),
            );
        }
        _ => {
            sources.insert(key, (text, file.clone(), layer));
        }
    }
}

/// The build-time JSON of an embedded rules file, when there is one and it reads.
fn cached_json(file_name: &str) -> Option<RulesDirFile> {
    crate::data::load::embedded_json(crate::data::load::EMBEDDED_RULES_JSON, file_name)
}

/// The error of a catalogue with more than `max` rules, pointing at the first rule beyond.
fn too_many_rules(rules: &[Located<Rule>], max: usize) -> Option<Diagnostic> {
    let beyond = rules.get(max)?;
    Some(
        beyond
            .error(
                Code::LimitRuleCount,
                Some("code"),
                format!(
                    "{} rules: a catalogue holds at most {max} rules (see docs/limits.md); this is the first beyond it",
                    rules.len()
                ),
            )
            .with_help("split the rules between teams, or merge rules that share a condition"),
    )
}

/// Adds an item, replacing one of a lower layer with the same id; two of the same layer
/// with the same id are an error. `index` maps each id to its place in `items`, so a merge
/// is one lookup: comparing every new item with every earlier one made a team's 10,000
/// rules cost 50 million comparisons.
fn merge<T>(
    items: &mut Vec<Located<T>>,
    index: &mut HashMap<String, usize>,
    item: Located<T>,
    id: impl Fn(&T) -> String,
    problems: &mut Diagnostics,
) {
    let key = id(&item.item);
    match index.get(&key) {
        Some(&i) if items[i].layer == item.layer => {
            let first = &items[i];
            problems.push(
                item.error(
                    Code::CatalogueDuplicateId,
                    None,
                    format!("`{key}` is defined twice"),
                )
                .with_help(format!(
                    "the first definition is at {}:{}:{}",
                    first.file.name,
                    first.position().0,
                    first.position().1
                )),
            );
        }
        Some(&i) => items[i] = item,
        None => {
            index.insert(key, items.len());
            items.push(item);
        }
    }
}

fn validate_question(q: &Located<Question>, problems: &mut Diagnostics) {
    let question = &q.item;
    if let Some(message) = crate::support::limits::name_too_long("question id", &question.id) {
        problems.push(q.error(Code::LimitName, Some("id"), message));
    }
    if question.id == crate::model::decision::KEY {
        problems.push(q.error(
            Code::QuestionReservedId,
            Some("id"),
            "`decision` is reserved for decision-record metadata in answers files; choose another question id",
        ));
    }
    if let Some(driver) = &question.driver
        && let Err(problem) = crate::data::driver::check_driver(driver)
    {
        problems.push(q.error(
            Code::QuestionInvalidDriver,
            Some("driver"),
            format!("question `{}`: {problem}", question.id),
        ));
    }
    let needs_choices = question.kind != QuestionKind::Bool;
    if needs_choices && question.choices.is_empty() {
        problems.push(q.error(
            Code::QuestionChoices,
            Some("choices"),
            format!("question `{}` needs choices", question.id),
        ));
    }
    if !needs_choices && !question.choices.is_empty() {
        problems.push(q.error(
            Code::QuestionChoices,
            Some("choices"),
            format!("bool question `{}` takes no choices", question.id),
        ));
    }
    let default_ok = match question.kind {
        QuestionKind::Bool => question.default.is_boolean(),
        QuestionKind::Choice => question
            .default
            .as_str()
            .is_some_and(|d| question.allows(d)),
        QuestionKind::List => question.default.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|i| i.as_str().is_some_and(|d| question.allows(d)))
        }),
    };
    if !default_ok {
        problems.push(q.error(
            Code::QuestionInvalidDefault,
            Some("default"),
            format!(
                "the default of `{}` is not a valid answer to it",
                question.id
            ),
        ));
    }
}

/// A source names a public page and the date it was checked.
fn validate_source(key: &str, source: &Source, catalogue: &Catalogue, problems: &mut Diagnostics) {
    let Some(file) = catalogue.source_files.get(key) else {
        return;
    };
    let (line, column) = find_key(&file.text, key).unwrap_or((1, 1));
    // The field's own line, when it is written on a line of its own under the key.
    let field_at = |field: &str| -> (u64, u64) {
        let below = file
            .text
            .lines()
            .skip(line as usize)
            .take_while(|l| {
                l.trim().is_empty() || l.len() - l.trim_start().len() >= column as usize
            })
            .position(|l| l.trim_start().starts_with(&format!("{field}:")));
        match below {
            Some(i) => {
                let at = line + 1 + i as u64;
                let text = file.line_text(at).unwrap_or_default();
                let indent = text.len() - text.trim_start().len();
                (at, indent as u64 + field.len() as u64 + 3)
            }
            None => (line, column),
        }
    };
    let at = |code: Code, field: &str, message: String| {
        let (line, column) = field_at(field);
        file.error_at_line(
            code,
            line,
            column,
            Some(&format!("sources.{key}.{field}")),
            message,
        )
    };
    for url in source.urls() {
        if !is_url(url) {
            problems.push(
                at(
                    Code::SourceNotUrl,
                    "url",
                    format!("source `{key}`: `{url}` is not a URL"),
                )
                .with_help("cite a public page as https://host/path; seed articles and summaries are context, not evidence"),
            );
        }
    }
    if crate::support::date::Date::parse(&source.checked).is_none() {
        problems.push(at(
            Code::SourceCheckedDate,
            "checked",
            format!(
                "source `{key}`: `{}` is not a date (YYYY-MM-DD)",
                source.checked
            ),
        ));
    }
}

/// The 1-based line and column of `key:` as a mapping key in a YAML text.
fn find_key(text: &str, key: &str) -> Option<(u64, u64)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.starts_with(':')
            .then(|| (i as u64 + 1, (line.len() - trimmed.len()) as u64 + 1))
    })
}

/// Checks every value of one capability: a state among the five, a condition where one is
/// needed, a known feature in its scope and a defined source. (Model scopes are checked
/// against the pricing tables in `Inputs`.)
fn validate_capability(
    located: &Located<Route>,
    key: &str,
    capability: &serde_saphyr::Spanned<Capability>,
    catalogue: &Catalogue,
    problems: &mut Diagnostics,
) {
    let id = &located.item.id;
    let features = catalogue.vocabulary("features");
    for value in &capability.value.values {
        let at = |code: Code, message: String| {
            if value.referenced.line() > 0 {
                located.error_at(code, value, key, message)
            } else {
                located.error_at(code, capability, key, message)
            }
        };
        let v = &value.value.0;
        match v.state.state() {
            None => problems.push(
                at(
                    Code::RouteCapabilityState,
                    format!("route `{id}`: `{}` is not a capability state", v.state.0),
                )
                .with_help("write one of: yes, configurable, on_request, no, unknown"),
            ),
            Some(state)
                if state.needs_condition()
                    && v.condition.as_deref().is_none_or(|c| c.trim().is_empty()) =>
            {
                problems.push(
                    at(
                        Code::RouteCapabilityCondition,
                        format!(
                            "route `{id}`: `{}` needs a `condition` saying what it takes",
                            state.word()
                        ),
                    )
                    .with_help(
                        "for example condition: \"set `data_retention_mode: none` on the account\"",
                    ),
                );
            }
            Some(State::Yes | State::No | State::Unknown) if v.condition.is_some() => {
                problems.push(
                    at(
                        Code::RouteCapabilityCondition,
                        format!(
                            "route `{id}`: a condition applies only to `configurable` or `on_request`, not `{}`",
                            v.state.0
                        ),
                    ),
                );
            }
            Some(_) => {}
        }
        for feature in &v.features {
            if !features.contains(&feature.as_str()) {
                let help = match crate::support::suggest::closest(feature, &features) {
                    Some(best) => {
                        format!("did you mean `{best}`? features: {}", features.join(", "))
                    }
                    None => format!("features: {}", features.join(", ")),
                };
                problems.push(
                    at(
                        Code::RouteCapabilityScope,
                        format!("route `{id}`: the scope names an unknown feature `{feature}`"),
                    )
                    .with_help(help),
                );
            }
        }
        if let Some(source) = &v.source
            && !catalogue.sources.contains_key(source)
        {
            problems.push(at(
                Code::RouteCapabilitySource,
                format!("route `{id}`: source `{source}` is not defined under `sources`"),
            ));
        }
    }
}

fn validate_route(located: &Located<Route>, catalogue: &Catalogue, problems: &mut Diagnostics) {
    let route = &located.item;
    for &name in SINGLE_CAPABILITIES {
        if let Some(capability) = route.spanned_capability(name) {
            validate_capability(located, name, capability, catalogue, problems);
        }
    }
    for &name in ITEM_CAPABILITIES {
        if let Some(items) = route.items(name) {
            for (item, capability) in &items.items {
                validate_capability(
                    located,
                    &format!("{name}.{item}"),
                    capability,
                    catalogue,
                    problems,
                );
            }
        }
    }
    let id = &route.id;
    if let Some(message) = crate::support::limits::name_too_long("route id", id) {
        problems.push(located.error(Code::LimitName, Some("id"), message));
    }
    let mut check_vocab = |attribute: &str, values: &[String], question: &str| {
        let allowed = catalogue.vocabulary(question);
        for value in values {
            if !allowed.contains(&value.as_str()) {
                problems.push(
                    located
                        .error(
                            Code::RouteUnknownValue,
                            Some(attribute),
                            format!("route `{id}`: `{value}` is not a known {attribute} value"),
                        )
                        .with_help(format!(
                            "known values (from question `{question}`): {}",
                            allowed.join(", ")
                        )),
                );
            }
        }
    };
    for &name in ITEM_CAPABILITIES {
        if let Some(items) = route.items(name) {
            let names: Vec<String> = items.names().map(str::to_owned).collect();
            check_vocab(name, &names, name);
        }
    }
    check_vocab("model_families", &route.model_families, "model_families");
    check_vocab("cloud", std::slice::from_ref(&route.cloud), "cloud");
    if route.residency.names().any(|r| r == "none") {
        problems.push(located.error(
            Code::RouteResidencyNone,
            Some("residency"),
            format!("route `{id}`: list the geographies it keeps data in; leave the list empty for global only"),
        ));
    }
    for (attribute, source) in &route.sources {
        if !CLAIMS.contains(&attribute.as_str()) {
            problems.push(
                located
                    .error(
                        Code::RouteUnknownClaim,
                        Some("sources"),
                        format!("route `{id}`: `{attribute}` is not a claim that takes a source"),
                    )
                    .with_help(format!("claims: {}", CLAIMS.join(", "))),
            );
        }
        if !catalogue.sources.contains_key(source) {
            problems.push(located.error(
                Code::RouteUnknownSource,
                Some("sources"),
                format!("route `{id}`: source `{source}` is not defined under `sources`"),
            ));
        }
    }
    let unsourced: Vec<&str> = CLAIMS
        .iter()
        .copied()
        .filter(|claim| !route.sources.contains_key(*claim))
        .collect();
    if !unsourced.is_empty() {
        problems.push(
            located
                .error(
                    Code::RouteUnsourcedClaim,
                    Some("sources"),
                    format!(
                        "route `{id}`: no source for the claims {}",
                        unsourced.join(", ")
                    ),
                )
                .with_help(
                    "cite a key of `sources` for every claim; where no public source says either way, cite the page you checked and write the value as `unknown`",
                ),
        );
    }
    for behind in &route.behind {
        if behind == id || catalogue.route(behind).is_none() {
            problems.push(located.error(
                Code::RouteUnknownBehind,
                Some("behind"),
                format!("route `{id}`: `{behind}` is not another route of the catalogue"),
            ));
        }
    }
    let behind: Vec<&Route> = route
        .behind
        .iter()
        .filter_map(|b| catalogue.route(b))
        .collect();
    for (claim, weaker) in crate::model::compose::overclaims(route, &behind) {
        problems.push(
            located
                .error(
                    Code::RouteGatewayOverclaims,
                    Some("behind"),
                    format!(
                        "gateway `{id}` claims `{claim}`, but `{weaker}` behind it does not give it"
                    ),
                )
                .with_help("a gateway's guarantees are at most those of every route behind it: drop the claim or the weaker route"),
        );
    }
    if route.platform == Platform::Gateway && route.behind.is_empty() {
        problems.push(located.error(
            Code::RouteGatewayEmpty,
            Some("behind"),
            format!("gateway route `{id}` must list the routes behind it"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_beyond_the_rule_limit_points_at_the_first_rule_too_many() {
        let rules = Catalogue::load(None).expect("embedded").rules;
        assert!(too_many_rules(&rules, rules.len()).is_none());
        let d = too_many_rules(&rules, rules.len() - 1).expect("one too many");
        assert_eq!(d.code, Code::LimitRuleCount);
        assert_eq!(d.key.as_deref(), Some("code"));
        assert!(
            d.message.starts_with(&format!(
                "{} rules: a catalogue holds at most {} rules",
                rules.len(),
                rules.len() - 1
            )),
            "{}",
            d.message
        );
        assert_eq!(d.line, rules[rules.len() - 1].line());
    }

    #[test]
    fn items_are_found_by_their_parsed_span() {
        // The second route's id is written in flow style, which no `- id:` line search finds.
        let text = "routes:\n  - id: a\n    name: A\n  - {name: B, id: b}\n\
                    sources:\n  # docs: a comment\n  docs: https://example.com\n";
        let spans = Spans::of(&SourceFile::new("f.yaml", text));
        assert_eq!(spans.item(Section::Routes, 0), Some((2, 5)));
        assert_eq!(spans.item(Section::Routes, 1), Some((4, 5)));
        assert_eq!(spans.item(Section::Routes, 2), None);
        assert_eq!(spans.source("docs"), Some((7, 3)));
    }

    #[test]
    fn two_files_defining_one_source_key_are_an_error_naming_both() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("a.yaml"),
            "sources:\n  mine: { title: T, url: https://example.com/a, checked: 2026-11-29 }\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("b.yaml"),
            "# b\nsources:\n  other: { title: T, url: https://example.com/o, checked: 2026-11-29 }\n  mine: { title: T, url: https://example.com/b, checked: 2026-11-29 }\n",
        )
        .expect("write");
        let error = Catalogue::load(Some(dir.path())).expect_err("a duplicate source");
        let problems = error.diagnostics().expect("input problems");
        let d = problems
            .0
            .iter()
            .find(|d| d.code == Code::SourcesDuplicateKey)
            .unwrap_or_else(|| panic!("no duplicate-source error in {problems}"));
        assert!(d.file.ends_with("b.yaml"), "{d}");
        assert_eq!((d.line, d.column), (4, 3));
        assert_eq!(d.key.as_deref(), Some("sources.mine"));
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("a.yaml:2:3"), "{help}");
    }

    #[test]
    fn a_user_file_may_redefine_an_embedded_source_key() {
        let embedded = Catalogue::load(None).expect("embedded catalogue");
        let (key, _) = embedded.sources.iter().next().expect("a source");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("mine.yaml"),
            format!("sources:\n  {key}: {{ title: T, url: https://example.com/mine, checked: 2026-11-29 }}\n"),
        )
        .expect("write");
        let catalogue = Catalogue::load(Some(dir.path())).expect("an override is not a duplicate");
        assert_eq!(catalogue.sources[key].url, "https://example.com/mine");
    }

    #[test]
    fn every_embedded_rules_file_has_a_json_twin_that_reads_the_same() {
        let files = crate::data::load::data_files(DataKind::Rules, None).expect("embedded files");
        assert!(!files.is_empty());
        for file in files {
            let from_json = cached_json(&file.file_name)
                .unwrap_or_else(|| panic!("{} has no JSON twin", file.file_name));
            let from_yaml: RulesDirFile = parse::yaml(&file.source).expect("embedded YAML reads");
            let json = |f: &RulesDirFile| {
                serde_json::json!({
                    "questions": f.questions.iter().map(|q| &q.value).collect::<Vec<_>>(),
                    "sources": f.sources,
                    "routes": f.routes.iter().map(|r| &r.value).collect::<Vec<_>>(),
                    "rules": f.rules.iter().map(|r| &r.value).collect::<Vec<_>>(),
                })
            };
            assert_eq!(json(&from_json), json(&from_yaml), "{}", file.file_name);
        }
    }

    #[test]
    fn embedded_items_keep_their_yaml_positions() {
        let catalogue = Catalogue::load(None).expect("embedded catalogue");
        let route = catalogue
            .routes
            .iter()
            .find(|r| r.item.id == "bedrock-geo")
            .expect("route");
        let line = route.file.line_text(route.line()).expect("line");
        assert!(line.trim_start().starts_with("- id: bedrock-geo"), "{line}");
        let rule = catalogue
            .rules
            .iter()
            .find(|r| r.item.code == "RW003")
            .expect("rule");
        assert!(
            rule.file
                .line_text(rule.line())
                .expect("line")
                .contains("code: RW003")
        );
    }
}
