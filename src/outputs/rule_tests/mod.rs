//! Rule test cases (`routewise test`), like `opa test` for routewise's rules: each case
//! gives answers (and optionally a workload) and what the decision must contain.
//!
//! ```yaml
//! cases:
//!   - name: AWS enterprise that must keep data in the EU
//!     source: seed 001 (question 1)          # where the expectation comes from (optional)
//!     answers: { cloud: aws, residency: eu, auth: iam }
//!     workload: { traffic: [...] }            # optional, as in a workload file
//!     expect:
//!       recommended: bedrock-geo              # or null: no route may survive
//!       eliminated: { anthropic-api: [RW001, RW004] }   # routes and codes that must eliminate them
//!       viable: [bedrock-region]              # routes that must stay viable
//!       scored: { bedrock-geo: [RW101, RW120] }          # score rules that must apply
//!       warnings: [RW201]                     # warning codes that must appear
//! ```
//!
//! Cases are checked when read, with positions in the test file: unknown questions, route
//! ids and rule codes, a code of the wrong kind (a warning code under `eliminated`), and a
//! case that expects nothing are errors. A rule is *exercised* when a case asserts its code
//! and the assertion holds; `--coverage` lists the rules no case exercised.

pub mod docs;
pub mod junit;

use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use crate::data::load::EMBEDDED_RULE_TESTS_TEXT;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::data::inputs::{Inputs, check_workload, normalise_models};
use crate::data::parse;
use crate::engine::decide::Status;
use crate::engine::error::CaseError;
use crate::model::answers::{Answers, RawAnswers};
use crate::model::rule::Effect;
use crate::model::workload::Workload;
use crate::outputs::advice::report::Report;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::support::suggest::closest;

/// A rule test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub cases: Vec<Spanned<Case>>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: Spanned<String>,
    /// Where the expectation comes from: a document, a regulation, a seed.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub answers: RawAnswers,
    #[serde(default)]
    pub workload: Option<Workload>,
    pub expect: Expect,
}

/// What the decision must contain; every part is optional, but a case checks something.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Absent: not checked; null: no route may be recommended.
    #[serde(default, deserialize_with = "present")]
    pub recommended: Option<Option<Spanned<String>>>,
    #[serde(default)]
    pub eliminated: SpannedMap<Vec<Spanned<String>>>,
    #[serde(default)]
    pub viable: Vec<Spanned<String>>,
    #[serde(default)]
    pub scored: SpannedMap<Vec<Spanned<String>>>,
    #[serde(default)]
    pub warnings: Vec<Spanned<String>>,
    /// With `surfaces:` in the answers: what each named surface's own decision must contain.
    #[serde(default)]
    pub surfaces: SpannedMap<Expect>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Spanned<String>>>, D::Error> {
    Option::<Spanned<String>>::deserialize(d).map(Some)
}

/// A mapping read in file order, each key with its position.
#[derive(Debug)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of route ids to lists of rule codes, such as `bedrock-global: [RW001]`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedMap<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(SpannedMap(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// A case ready to run: its answers and workload checked against the catalogue.
#[derive(Debug)]
pub struct ReadyCase {
    pub file: String,
    pub line: u64,
    pub name: String,
    pub answers: Answers,
    pub workload: Option<Workload>,
    pub expect: Expect,
}

/// The outcome of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub file: String,
    pub line: u64,
    pub name: String,
    /// One line per expectation that did not hold, saying what differed.
    pub failures: Vec<String>,
    /// A shipped case that fails with the team's rules or prices but passes with the shipped
    /// ones: the team's data changed the decision it checks, which is not a failure.
    pub changed_by_rules: bool,
}

impl CaseResult {
    /// Every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// An expectation did not hold, and not because the team's data changed it.
    pub fn failed(&self) -> bool {
        !self.passed() && !self.changed_by_rules
    }

    /// One of the cases shipped with routewise (rather than the team's own).
    pub fn shipped(&self) -> bool {
        self.file.starts_with(SHIPPED_PREFIX)
    }
}

/// The name prefix of the shipped test files.
pub const SHIPPED_PREFIX: &str = "<embedded>/rules/tests/";

/// Every case's outcome and the rule coverage.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    pub cases: Vec<CaseResult>,
    /// Every rule code of the loaded rules, sorted.
    pub rules: Vec<(String, String)>,
    /// The codes some case asserted and saw hold.
    pub exercised: BTreeSet<String>,
}

impl TestRun {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| c.failed()).count()
    }

    /// Shipped cases whose decision the team's rules or prices changed.
    pub fn changed_by_rules(&self) -> usize {
        self.cases.iter().filter(|c| c.changed_by_rules).count()
    }

    /// The shipped cases that did not pass, which a run over the shipped data alone may
    /// show to be changed by the team's data rather than broken.
    pub fn shipped_not_passing(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.shipped() && !c.passed())
    }

    /// Marks the cases that pass in `shipped` (the same cases run over the shipped data
    /// alone) as changed by the team's rules.
    pub fn mark_changed_by_rules(&mut self, shipped: &TestRun) {
        for case in self.cases.iter_mut().filter(|c| c.shipped() && !c.passed()) {
            case.changed_by_rules = shipped
                .cases
                .iter()
                .any(|s| s.file == case.file && s.name == case.name && s.passed());
        }
    }

    /// The rules (code, name) no case exercised.
    pub fn unexercised(&self) -> Vec<&(String, String)> {
        self.rules
            .iter()
            .filter(|(code, _)| !self.exercised.contains(code))
            .collect()
    }

    /// Share of rule codes exercised, in percent; 100 when there are no rules.
    pub fn coverage(&self) -> rust_decimal::Decimal {
        let total = self.rules.len();
        if total == 0 {
            return rust_decimal::Decimal::ONE_HUNDRED;
        }
        let covered = total - self.unexercised().len();
        rust_decimal::Decimal::from(covered) * rust_decimal::Decimal::ONE_HUNDRED
            / rust_decimal::Decimal::from(total)
    }
}

/// The shipped test files.
pub fn shipped_files() -> Vec<SourceFile> {
    EMBEDDED_RULE_TESTS_TEXT
        .iter()
        .map(|(name, text)| SourceFile::new(format!("{SHIPPED_PREFIX}{name}"), *text))
        .collect()
}

/// The test files to run: the given paths (files, or directories searched for `*.yaml`
/// and `*.yml`), sorted; with none, the shipped cases (unless `shipped` is false) and those
/// in `<rules dir>/tests/`. Problems reading some files do not stop the others from being
/// read and checked.
pub fn test_files(
    paths: &[PathBuf],
    rules_dir: Option<&Path>,
    shipped: bool,
) -> (Vec<SourceFile>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut files = Vec::new();
    if paths.is_empty() {
        if shipped {
            files.extend(shipped_files());
        }
        if let Some(dir) = rules_dir.map(|d| d.join("tests")).filter(|d| d.is_dir()) {
            collect(&dir, &mut files, &mut problems);
        }
    }
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            collect(path, &mut files, &mut problems);
            if files.len() == before {
                problems.push(Diagnostic::plain(
                    Code::TestNoFiles,
                    format!("{} holds no .yaml or .yml test files", path.display()),
                ));
            }
        } else {
            match parse::read_file(path) {
                Ok(file) => files.push(file),
                Err(d) => problems.push(d),
            }
        }
    }
    (files, problems)
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Reads every YAML file under a directory, recursively, in path order. Each directory is
/// read once: a symbolic link back to a directory above it (a loop) is an error naming the
/// link, and a second way into a directory already read is not followed, so two loops
/// cannot make the walk exponential.
fn collect(dir: &Path, files: &mut Vec<SourceFile>, problems: &mut Diagnostics) {
    let mut paths = Vec::new();
    let mut visited = std::collections::HashSet::new();
    // Each directory with the real paths of the directories above it.
    let mut stack = vec![(dir.to_path_buf(), Vec::new())];
    while let Some((dir, above)) = stack.pop() {
        let Ok(real) = std::fs::canonicalize(&dir) else {
            problems.push(Diagnostic::plain(
                Code::DataSymlink,
                format!(
                    "cannot read the directory {}: a symbolic link that dangles or loops",
                    dir.display()
                ),
            ));
            continue;
        };
        if above.contains(&real) {
            problems.push(Diagnostic::plain(
                Code::DataSymlink,
                format!(
                    "{} is a symbolic link to a directory above it (a loop)",
                    dir.display()
                ),
            ));
            continue;
        }
        if !visited.insert(real.clone()) {
            continue;
        }
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                let mut below = above.clone();
                below.push(real);
                for path in entries.flatten().map(|e| e.path()) {
                    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                    match std::fs::metadata(&path) {
                        Ok(meta) if meta.is_dir() => stack.push((path, below.clone())),
                        Ok(_) if is_yaml(&path) => paths.push(path),
                        Ok(_) => {}
                        Err(_) if is_link => problems.push(Diagnostic::plain(
                            Code::DataSymlink,
                            format!(
                                "{} is a symbolic link that dangles or loops",
                                path.display()
                            ),
                        )),
                        Err(e) => problems.push(Diagnostic::plain(
                            Code::FileRead,
                            format!("cannot read {}: {e}", path.display()),
                        )),
                    }
                }
            }
            Err(e) => problems.push(Diagnostic::plain(
                Code::DataDir,
                format!("cannot read the directory {}: {e}", dir.display()),
            )),
        }
    }
    paths.sort();
    for path in paths {
        match parse::read_file(&path) {
            Ok(file) => files.push(file),
            Err(d) => problems.push(d),
        }
    }
}

/// Parses and checks every case of every file, collecting every problem.
pub fn read_cases(files: &[SourceFile], inputs: &Inputs) -> Result<Vec<ReadyCase>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut cases = Vec::new();
    for file in files {
        let parsed: TestFile = match parse::yaml(file) {
            Ok(parsed) => parsed,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let mut found = Diagnostics::default();
        if parsed.cases.is_empty() {
            found.push(file.error_whole(
                Code::TestNoCases,
                "the file has no test cases under `cases:`",
            ));
        }
        let mut names: Vec<(String, u64)> = Vec::new();
        for (i, spanned) in parsed.cases.into_iter().enumerate() {
            let line = spanned.referenced.line().max(1);
            let mut case = spanned.value;
            let prefix = format!("cases[{i}]");
            let name = case.name.value.trim().to_owned();
            let at = |s: &Spanned<String>, message: String| {
                let key = format!("{prefix}.name");
                file.error_at_line(
                    Code::TestCaseName,
                    s.referenced.line(),
                    s.referenced.column(),
                    Some(&key),
                    message,
                )
            };
            if name.is_empty() {
                found.push(at(&case.name, "a case needs a name".into()));
            } else if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                found.push(
                    at(&case.name, format!("the case name `{name}` is used twice")).with_help(
                        format!("the first is at line {first}; names identify failures"),
                    ),
                );
            }
            names.push((name.clone(), line));
            check_expect(&case.expect, file, inputs, &mut found, line, &prefix);
            let answers = Answers::resolve(&case.answers, &inputs.catalogue.questions, file)
                .map_err(|d| under(d, &format!("{prefix}.answers")));
            if let Some(workload) = &mut case.workload {
                normalise_models(workload, &inputs.prices);
                let mut checked = Diagnostics::default();
                check_workload(workload, file, &inputs.prices, &mut checked);
                found.extend(under(checked, &format!("{prefix}.workload")));
            }
            match answers {
                Ok(answers) => cases.push(ReadyCase {
                    file: file.name.clone(),
                    line,
                    name,
                    answers,
                    workload: case.workload,
                    expect: case.expect,
                }),
                Err(d) => found.extend(d),
            }
        }
        found.0.sort_by_key(|d| (d.line, d.column));
        problems.extend(found);
    }
    problems.into_result(cases)
}

/// Places diagnostics' key paths under the case they belong to.
fn under(mut diagnostics: Diagnostics, prefix: &str) -> Diagnostics {
    for d in &mut diagnostics.0 {
        d.key = Some(match &d.key {
            Some(key) => format!("{prefix}.{key}"),
            None => prefix.to_owned(),
        });
    }
    diagnostics
}

/// The effect's rules in words, with their article.
fn kind(effect: Effect) -> &'static str {
    match effect {
        Effect::Eliminate => "an elimination rule",
        Effect::Score => "a score rule",
        Effect::Warn => "a warning rule",
    }
}

/// The effect as an adjective for "... rules".
fn adjective(effect: Effect) -> &'static str {
    match effect {
        Effect::Eliminate => "elimination",
        Effect::Score => "score",
        Effect::Warn => "warning",
    }
}

/// Route ids and rule codes must exist, codes must have the effect their section implies,
/// and a case must expect something.
fn check_expect(
    expect: &Expect,
    file: &SourceFile,
    inputs: &Inputs,
    problems: &mut Diagnostics,
    line: u64,
    prefix: &str,
) {
    let routes: Vec<&str> = inputs
        .catalogue
        .routes
        .iter()
        .map(|r| r.item.id.as_str())
        .collect();
    let check_route = |id: &Spanned<String>, key: &str, problems: &mut Diagnostics| {
        let key = format!("{prefix}.{key}");
        if !routes.contains(&id.value.as_str()) {
            let help = match closest(&id.value, &routes) {
                Some(best) => format!("did you mean `{best}`? routes: {}", routes.join(", ")),
                None => format!("routes: {}", routes.join(", ")),
            };
            problems.push(
                file.error_at_line(
                    Code::TestUnknownRoute,
                    id.referenced.line(),
                    id.referenced.column(),
                    Some(&key),
                    format!("unknown route `{}`", id.value),
                )
                .with_help(help),
            );
        }
    };
    let check_code = |code: &Spanned<String>,
                      key: &str,
                      effect: Effect,
                      problems: &mut Diagnostics| {
        let rule = inputs
            .rules
            .rules
            .iter()
            .find(|r| r.rule.code == code.value);
        let key = format!("{prefix}.{key}");
        let at = |code_: Code, message: String| {
            file.error_at_line(
                code_,
                code.referenced.line(),
                code.referenced.column(),
                Some(&key),
                message,
            )
        };
        match rule {
            None => {
                let codes: Vec<&str> = inputs
                    .rules
                    .rules
                    .iter()
                    .filter(|r| r.rule.effect == effect)
                    .map(|r| r.rule.code.as_str())
                    .collect();
                problems.push(
                    at(
                        Code::TestUnknownRule,
                        format!("unknown rule code `{}`", code.value),
                    )
                    .with_help(unknown_code_help(&code.value, effect, &codes)),
                );
            }
            Some(r) if r.rule.effect != effect => problems.push(at(
                Code::TestWrongEffect,
                format!(
                    "`{}` is {}, but this list takes {} rules",
                    code.value,
                    kind(r.rule.effect),
                    adjective(effect)
                ),
            )),
            Some(_) => {}
        }
    };
    if let Some(Some(id)) = &expect.recommended {
        check_route(id, "expect.recommended", problems);
    }
    for (id, codes) in &expect.eliminated.0 {
        let key = format!("expect.eliminated.{}", id.value);
        check_route(id, &key, problems);
        for code in codes {
            check_code(code, &key, Effect::Eliminate, problems);
        }
    }
    for id in &expect.viable {
        check_route(id, "expect.viable", problems);
    }
    for (id, codes) in &expect.scored.0 {
        let key = format!("expect.scored.{}", id.value);
        check_route(id, &key, problems);
        for code in codes {
            check_code(code, &key, Effect::Score, problems);
        }
    }
    for code in &expect.warnings {
        check_code(code, "expect.warnings", Effect::Warn, problems);
    }
    for (name, sub) in &expect.surfaces.0 {
        check_expect(
            sub,
            file,
            inputs,
            problems,
            name.referenced.line(),
            &format!("{prefix}.surfaces.{}", name.value),
        );
    }
    let empty = expect.recommended.is_none()
        && expect.surfaces.0.is_empty()
        && expect.eliminated.0.is_empty()
        && expect.viable.is_empty()
        && expect.scored.0.is_empty()
        && expect.warnings.is_empty();
    if empty {
        problems.push(
            file.error_at_line(
                Code::TestExpectsNothing,
                line,
                1,
                Some(&format!("{prefix}.expect")),
                "the case expects nothing, so it cannot fail",
            )
            .with_help(
                "expect a recommended route, eliminated or viable routes, scores or warnings",
            ),
        );
    }
}

/// Runs every case over the loaded rules and prices.
pub fn run(cases: Vec<ReadyCase>, inputs: &mut Inputs) -> Result<TestRun, CaseError> {
    let mut results = Vec::new();
    let mut exercised = BTreeSet::new();
    for case in cases {
        inputs.set_case(case.answers, case.workload);
        let unassigned = inputs.assign_case_traffic();
        let report = crate::outputs::advice::advise(inputs).map_err(|e| CaseError {
            file: case.file.clone(),
            line: case.line,
            source: e,
        })?;
        let mut failures = check(&case.expect, &report, &mut exercised);
        failures.extend(unassigned);
        results.push(CaseResult {
            file: case.file,
            line: case.line,
            name: case.name,
            failures,
            changed_by_rules: false,
        });
    }
    let rules = inputs
        .rules
        .rules
        .iter()
        .map(|r| (r.rule.code.to_string(), r.rule.name.clone()))
        .collect();
    Ok(TestRun {
        cases: results,
        rules,
        exercised,
    })
}

/// What to say about an unknown code: the closest one of the right effect, and the codes
/// themselves when there are few enough to read (a team may have thousands).
fn unknown_code_help(wanted: &str, effect: Effect, codes: &[&str]) -> String {
    const LISTED: usize = 40;
    if codes.len() <= LISTED {
        format!("{} rules: {}", adjective(effect), codes.join(", "))
    } else {
        let guess = crate::support::suggest::closest(&wanted.to_uppercase(), codes)
            .map(|best| format!("did you mean `{best}`? "))
            .unwrap_or_default();
        format!(
            "{guess}there are {} {} rules; `routewise rules` lists them",
            codes.len(),
            adjective(effect)
        )
    }
}

/// Checks one case's expectations against its report; records the codes that held.
fn check(expect: &Expect, report: &Report, exercised: &mut BTreeSet<String>) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, sub) in &expect.surfaces.0 {
        // A surface split by model family is still checked whole under its own name.
        let split = report
            .portfolio
            .iter()
            .flat_map(|p| &p.splits)
            .find(|s| s.surface == name.value)
            .map(|s| s.whole.as_ref());
        match report
            .surfaces
            .iter()
            .flatten()
            .find(|s| s.name == name.value)
            .map(|s| &s.report)
            .or(split)
        {
            Some(surface) => failures.extend(
                check(sub, surface, exercised)
                    .into_iter()
                    .map(|f| format!("surface `{}`: {f}", name.value)),
            ),
            None => failures.push(format!("no surface named `{}`", name.value)),
        }
    }
    let shown = |r: &Option<String>| r.clone().unwrap_or_else(|| "no route".into());
    if let Some(expected) = &expect.recommended {
        let expected = expected.as_ref().map(|s| s.value.clone());
        if report.recommendation.route != expected {
            failures.push(format!(
                "recommended {}, expected {}",
                shown(&report.recommendation.route),
                shown(&expected)
            ));
        }
    }
    let route = |id: &str| report.routes.iter().find(|r| r.id == id);
    let codes_of = |r: &crate::outputs::advice::report::RouteReport| -> Vec<String> {
        r.reasons.iter().map(|x| x.code.clone()).collect()
    };
    let standing = |r: &crate::outputs::advice::report::RouteReport| match r.status {
        Status::Eliminated => format!("eliminated by {}", codes_of(r).join(", ")),
        Status::Recommended => "recommended".into(),
        Status::Viable => format!("viable (rank {})", r.rank.unwrap_or_default()),
    };
    for (id, codes) in &expect.eliminated.0 {
        let Some(r) = route(&id.value) else { continue };
        if r.status != Status::Eliminated {
            failures.push(format!(
                "{} is {}, expected eliminated",
                id.value,
                standing(r)
            ));
            continue;
        }
        let actual = codes_of(r);
        for code in codes {
            if actual.contains(&code.value) {
                exercised.insert(code.value.clone());
            } else {
                failures.push(format!(
                    "{} is eliminated by {}, not by {}",
                    id.value,
                    actual.join(", "),
                    code.value
                ));
            }
        }
    }
    for id in &expect.viable {
        if let Some(r) = route(&id.value).filter(|r| r.status == Status::Eliminated) {
            failures.push(format!("{} is {}, expected viable", id.value, standing(r)));
        }
    }
    for (id, codes) in &expect.scored.0 {
        let Some(r) = route(&id.value) else { continue };
        if r.status == Status::Eliminated {
            failures.push(format!(
                "{} is {}, so no score rule applies; expected {}",
                id.value,
                standing(r),
                codes
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        }
        let actual = codes_of(r);
        for code in codes {
            if actual.contains(&code.value) {
                exercised.insert(code.value.clone());
            } else {
                failures.push(format!(
                    "{} is not scored by {} (scored by: {})",
                    id.value,
                    code.value,
                    if actual.is_empty() {
                        "nothing".into()
                    } else {
                        actual.join(", ")
                    }
                ));
            }
        }
    }
    let warnings: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
    for code in &expect.warnings {
        if warnings.contains(&code.value.as_str()) {
            exercised.insert(code.value.clone());
        } else {
            failures.push(format!(
                "warning {} is missing (warnings: {})",
                code.value,
                if warnings.is_empty() {
                    "none".into()
                } else {
                    warnings.join(", ")
                }
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(file: &str, name: &str, failures: &[&str]) -> CaseResult {
        CaseResult {
            file: file.into(),
            line: 1,
            name: name.into(),
            failures: failures.iter().map(|f| (*f).to_owned()).collect(),
            changed_by_rules: false,
        }
    }

    fn run(cases: Vec<CaseResult>) -> TestRun {
        TestRun {
            cases,
            rules: Vec::new(),
            exercised: BTreeSet::new(),
        }
    }

    /// Only a shipped case that passes over the shipped data is "changed by your rules";
    /// one that fails there too, or a team's own case, stays a failure.
    #[test]
    fn only_shipped_cases_that_pass_without_the_teams_data_are_changed() {
        let shipped = format!("{SHIPPED_PREFIX}a.yaml");
        let mut with_team = run(vec![
            case(&shipped, "changed", &["recommended x, expected y"]),
            case(&shipped, "broken", &["recommended x, expected z"]),
            case("decision/rules/tests/own.yaml", "own", &["viable x"]),
            case(&shipped, "fine", &[]),
        ]);
        let alone = run(vec![
            case(&shipped, "changed", &[]),
            case(&shipped, "broken", &["recommended x, expected z"]),
            case(&shipped, "fine", &[]),
        ]);
        with_team.mark_changed_by_rules(&alone);
        let changed: Vec<&str> = with_team
            .cases
            .iter()
            .filter(|c| c.changed_by_rules)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(changed, ["changed"]);
        assert_eq!(
            (
                with_team.passed(),
                with_team.failed(),
                with_team.changed_by_rules()
            ),
            (1, 2, 1)
        );
    }
}
