//! The loaded pricing tables and the lookup of one model's price on one table.

use std::path::Path;

use rust_decimal::Decimal;

use crate::data::load::{
    DataFile, DataKind, EMBEDDED_PRICING_JSON, Layer, data_files, embedded_json,
};
use crate::data::parse;
use crate::model::pricing::{ModelPrice, PricingTable, PromptTier};
use crate::support::date::Date;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};

/// A pricing table with the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedTable {
    pub table: PricingTable,
    pub file: SourceFile,
}

impl LoadedTable {
    /// A diagnostic at a key of this table's file, such as `["models", id, "family"]`; at
    /// the start of the file when the key is not written in it.
    fn error(&self, code: Code, path: &[&str], key: &str, message: String) -> Diagnostic {
        let offset = parse::toml_key_offset(&self.file.text, path).unwrap_or(0);
        self.file.error_at(code, offset, Some(key), message)
    }
}

/// Every pricing table, sorted by table name.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    pub tables: Vec<LoadedTable>,
}

impl Prices {
    /// Loads the embedded tables with an optional user directory over them. `families` are
    /// the allowed `family` values (the questionnaire's model families).
    pub fn load(user_dir: Option<&Path>, families: &[&str]) -> Result<Prices, Diagnostics> {
        Prices::read(user_dir).and_then(|read| read.check(families))
    }

    /// Reads and merges the tables without checking them against the questionnaire, so
    /// reading can run while the rules load.
    pub fn read(user_dir: Option<&Path>) -> Result<ReadPrices, Diagnostics> {
        Prices::read_files(data_files(DataKind::Pricing, user_dir)?)
    }

    /// Reads and merges pricing files already read (embedded and user layers, see
    /// [`crate::data::load::with_user_files`]).
    pub fn read_files(files: Vec<DataFile>) -> Result<ReadPrices, Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut tables: Vec<LoadedTable> = Vec::new();
        let mut layers: Vec<Layer> = Vec::new();
        for file in files {
            let cached = (file.layer == Layer::Embedded)
                .then(|| embedded_json::<PricingTable>(EMBEDDED_PRICING_JSON, &file.file_name))
                .flatten();
            let parsed = match cached {
                Some(table) => Ok(table),
                None => parse::toml(&file.source),
            };
            let table: PricingTable = match parsed {
                Ok(table) => table,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            };
            let loaded = LoadedTable {
                table,
                file: file.source,
            };
            match tables
                .iter()
                .position(|t| t.table.table == loaded.table.table)
            {
                // Two files of one layer naming one table: neither may silently win.
                Some(i) if layers[i] == file.layer => {
                    let first = &tables[i];
                    let offset = parse::toml_key_offset(&first.file.text, &["table"]).unwrap_or(0);
                    let (line, column) = first.file.line_column(offset);
                    problems.push(
                        loaded
                            .error(
                                Code::PricingDuplicateTable,
                                &["table"],
                                "table",
                                format!("pricing table `{}` is defined twice", loaded.table.table),
                            )
                            .with_help(format!(
                                "the first definition is at {}:{line}:{column}",
                                first.file.name
                            )),
                    );
                }
                // A user's table replaces the embedded one of the same name.
                Some(i) => {
                    tables[i] = loaded;
                    layers[i] = file.layer;
                }
                None => {
                    tables.push(loaded);
                    layers.push(file.layer);
                }
            }
        }
        tables.sort_by(|a, b| a.table.table.cmp(&b.table.table));
        problems.into_result(ReadPrices(Prices { tables }))
    }
    pub fn table(&self, name: &str) -> Option<&LoadedTable> {
        self.tables.iter().find(|t| t.table.table == name)
    }

    /// Every model id priced in any table, sorted.
    pub fn model_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .tables
            .iter()
            .flat_map(|t| t.table.models.keys().map(String::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The family of a model id, from the first table that prices it.
    pub fn family_of(&self, model: &str) -> Option<&str> {
        self.tables
            .iter()
            .find_map(|t| t.table.models.get(model))
            .map(|p| p.family.as_str())
    }

    pub fn price(&self, table: &str, model: &str) -> Option<&ModelPrice> {
        self.table(table)?.table.models.get(model)
    }
}

/// Pricing tables read but not yet checked against the questionnaire.
#[derive(Debug, Clone)]
pub struct ReadPrices(Prices);

impl ReadPrices {
    /// Checks every table; `families` are the allowed `family` values.
    pub fn check(self, families: &[&str]) -> Result<Prices, Diagnostics> {
        let mut problems = Diagnostics::default();
        for loaded in &self.0.tables {
            validate_table(loaded, families, &mut problems);
        }
        check_provisioned_models(&self.0, &mut problems);
        problems.into_result(self.0)
    }
}

fn validate_table(loaded: &LoadedTable, families: &[&str], problems: &mut Diagnostics) {
    let table = &loaded.table;
    let at = |code: Code, path: &[&str], key: &str, message: String| {
        loaded.error(code, path, key, message)
    };
    if let Err(message) = Date::parse_checked(&table.as_of) {
        problems.push(at(Code::PricingInvalidDate, &["as_of"], "as_of", message.0));
    }
    if table.source.trim().is_empty() {
        problems.push(at(
            Code::PricingNoSource,
            &["source"],
            "source",
            "every pricing table needs a source".into(),
        ));
    }
    if let Some(m) = table.regional_multiplier
        && (m.0 < Decimal::ONE || m.0 > Decimal::TEN)
    {
        problems.push(at(
            Code::PricingMultiplierRange,
            &["regional_multiplier"],
            "regional_multiplier",
            format!(
                "a regional multiplier of {} is out of range; expected 1 (no premium) to 10",
                m.0
            ),
        ));
    }
    for (model, price) in &table.models {
        let key = |field: &str| format!("models.{model}.{field}");
        let path = |field: &'static str| ["models", model.as_str(), field];
        if !families.contains(&price.family.as_str()) {
            problems.push(
                at(
                    Code::PricingUnknownFamily,
                    &path("family"),
                    &key("family"),
                    format!("`{}` is not a known model family", price.family),
                )
                .with_help(format!("known families: {}", families.join(", "))),
            );
        }
        check_rates(loaded, model, price, problems);
        if price.regional_premium && table.regional_multiplier.is_none() {
            problems.push(at(
                Code::PricingNoMultiplier,
                &path("regional_premium"),
                &key("regional_premium"),
                format!(
                    "`{model}` carries the regional premium but table `{}` sets no regional_multiplier",
                    table.table
                ),
            ));
        }
    }
}

/// The offset of `key = ` inside the `n`-th `[[models.<model>.<list>]]` block (or of the
/// block's header when the key is not written there), for diagnostics.
fn block_key_offset(file: &SourceFile, model: &str, list: &str, n: usize, key: &str) -> usize {
    let headers = [
        format!("[[models.{model}.{list}]]"),
        format!("[[models.\"{model}\".{list}]]"),
        format!("[models.{model}.{list}]"),
        format!("[models.\"{model}\".{list}]"),
    ];
    let text = &file.text;
    let mut starts: Vec<usize> = headers
        .iter()
        .flat_map(|h| text.match_indices(h.as_str()).map(|(i, _)| i))
        // `[models.x.list]` also matches inside `[[models.x.list]]`, one byte later.
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] != b'[')
        .collect();
    starts.sort_unstable();
    let Some(&start) = starts.get(n) else {
        return text
            .find(&format!("models.{model}"))
            .or_else(|| text.find(&format!("models.\"{model}\"")))
            .unwrap_or(0);
    };
    let body_start = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let body_end = text[body_start..]
        .find("\n[")
        .map_or(text.len(), |i| body_start + i);
    text[body_start..body_end]
        .match_indices(key)
        .find(|(i, _)| {
            let at = body_start + i;
            (at == 0 || text.as_bytes()[at - 1] == b'\n')
                && text[at + key.len()..].trim_start().starts_with('=')
        })
        .map_or(start, |(i, _)| body_start + i)
}

/// The categories a set of rates gives, by name.
fn categories(
    input: bool,
    output: bool,
    cache_write_5m: bool,
    cache_write_1h: bool,
    cache_read: bool,
) -> Vec<&'static str> {
    [
        ("input", input),
        ("output", output),
        ("cache_write_5m", cache_write_5m),
        ("cache_write_1h", cache_write_1h),
        ("cache_read", cache_read),
    ]
    .into_iter()
    .filter_map(|(n, has)| has.then_some(n))
    .collect()
}

/// Checks prompt-length tiers, dated periods and service tiers of one model: every set of
/// rates gives exactly the categories the base price gives; thresholds are distinct and
/// above zero; periods have valid dates and neither overlap nor leave a gap.
fn check_rates(loaded: &LoadedTable, model: &str, price: &ModelPrice, problems: &mut Diagnostics) {
    let file = &loaded.file;
    let base = categories(
        true,
        true,
        price.cache_write_5m.is_some(),
        price.cache_write_1h.is_some(),
        price.cache_read.is_some(),
    );
    let error = |list: &str, n: usize, field: &str, key: String, message: String, code| {
        let offset = block_key_offset(file, model, list, n, field);
        let (line, column) = file.line_column(offset);
        file.error_at_line(code, line, column, Some(&key), message)
    };
    let same_categories = |list: &str,
                           n: usize,
                           key: String,
                           given: Vec<&'static str>,
                           problems: &mut Diagnostics| {
        for missing in base.iter().filter(|c| !given.contains(c)) {
            problems.push(
                error(
                    list,
                    n,
                    "",
                    format!("{key}.{missing}"),
                    format!(
                        "`{model}` has a base {missing} price, so this {} must give {missing} too",
                        if list == "periods" { "period" } else { "tier" }
                    ),
                    Code::PriceTierCategory,
                )
                .with_help(
                    "every category the base price has must be priced in each tier and period",
                ),
            );
        }
        for extra in given.iter().filter(|c| !base.contains(c)) {
            problems.push(error(
                list,
                n,
                extra,
                format!("{key}.{extra}"),
                format!("`{model}` has no base {extra} price, so a tier or period cannot give one"),
                Code::PriceTierCategory,
            ));
        }
    };
    let check_tiers = |tiers: &[PromptTier],
                       list: &str,
                       n0: usize,
                       prefix: String,
                       problems: &mut Diagnostics| {
        let mut seen: Vec<u64> = Vec::new();
        for (i, tier) in tiers.iter().enumerate() {
            let key = format!("{prefix}tiers[{i}]");
            same_categories(
                list,
                n0 + i,
                key.clone(),
                categories(
                    tier.input.is_some(),
                    tier.output.is_some(),
                    tier.cache_write_5m.is_some(),
                    tier.cache_write_1h.is_some(),
                    tier.cache_read.is_some(),
                ),
                problems,
            );
            let threshold = tier.above_input_tokens.0;
            if threshold == 0 || seen.contains(&threshold) {
                problems.push(error(
                    list,
                    n0 + i,
                    "above_input_tokens",
                    format!("{key}.above_input_tokens"),
                    if threshold == 0 {
                        "a prompt-length tier starts above 0 tokens; put those rates in the base price".into()
                    } else {
                        format!("two tiers start above {threshold} tokens")
                    },
                    Code::PriceTierThreshold,
                ));
            }
            seen.push(threshold);
        }
    };
    check_tiers(
        &price.tiers,
        "tiers",
        0,
        format!("models.{model}."),
        problems,
    );
    for (tier, rates) in &price.service_tiers {
        let list = format!("service_tiers.{}", tier.name());
        same_categories(
            &list,
            0,
            format!("models.{model}.{list}"),
            categories(
                rates.input.is_some(),
                rates.output.is_some(),
                rates.cache_write_5m.is_some(),
                rates.cache_write_1h.is_some(),
                rates.cache_read.is_some(),
            ),
            problems,
        );
    }
    // Periods: dates, categories, then order, overlap and gaps.
    let mut spans: Vec<(usize, Option<Date>, Option<Date>)> = Vec::new();
    let mut period_tiers = 0;
    for (i, period) in price.periods.iter().enumerate() {
        let key = format!("models.{model}.periods[{i}]");
        same_categories(
            "periods",
            i,
            key.clone(),
            categories(
                period.input.is_some(),
                period.output.is_some(),
                period.cache_write_5m.is_some(),
                period.cache_write_1h.is_some(),
                period.cache_read.is_some(),
            ),
            problems,
        );
        check_tiers(
            &period.tiers,
            "periods.tiers",
            period_tiers,
            format!("{key}."),
            problems,
        );
        period_tiers += period.tiers.len();
        let mut date = |field: &str, text: &Option<String>| -> Result<Option<Date>, ()> {
            match text {
                None => Ok(None),
                Some(t) => Date::parse_checked(t).map(Some).map_err(|message| {
                    problems.push(error(
                        "periods",
                        i,
                        field,
                        format!("{key}.{field}"),
                        message.into(),
                        Code::PricePeriodDate,
                    ));
                }),
            }
        };
        let (Ok(from), Ok(until)) = (date("from", &period.from), date("until", &period.until))
        else {
            continue;
        };
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            problems.push(error(
                "periods",
                i,
                "until",
                format!("{key}.until"),
                format!("the period ends ({u}) before it starts ({f})"),
                Code::PricePeriodDate,
            ));
            continue;
        }
        if from.is_none() && until.is_none() {
            problems.push(error(
                "periods",
                i,
                "",
                key.clone(),
                "a period needs `from`, `until` or both; an undated price belongs in the base price".into(),
                Code::PricePeriodDate,
            ));
            continue;
        }
        spans.push((i, from, until));
    }
    // Sorted by start (an open start first); each next period starts the day after the last ends.
    spans.sort_by_key(|(_, from, _)| *from);
    for pair in spans.windows(2) {
        let (a, _, a_until) = pair[0];
        let (b, b_from, _) = pair[1];
        let key = format!("models.{model}.periods[{b}].from");
        let Some(a_until) = a_until else {
            problems.push(error(
                "periods",
                b,
                "from",
                key,
                format!("period {b} overlaps period {a}, which has no end date"),
                Code::PricePeriodOverlap,
            ));
            continue;
        };
        let Some(b_from) = b_from else {
            problems.push(error(
                "periods",
                b,
                "until",
                format!("models.{model}.periods[{b}].until"),
                format!("period {b} has no start date and overlaps period {a}"),
                Code::PricePeriodOverlap,
            ));
            continue;
        };
        let step = b_from.days_since(a_until);
        if step < 1 {
            problems.push(error("periods", b, "from", key, format!("period {b} starts on {b_from}, before period {a} ends on {a_until}: the periods overlap"), Code::PricePeriodOverlap));
        } else if step > 1 {
            problems.push(
                error("periods", b, "from", key, format!("period {b} starts on {b_from}, but period {a} ends on {a_until}: the days between have no price"), Code::PricePeriodGap)
                .with_help(format!("start period {b} the day after {a_until}")),
            );
        }
    }
}

/// A provisioned rate for a model nobody prices on demand can only be a historical figure:
/// its spill-over could not be priced.
fn check_provisioned_models(prices: &Prices, problems: &mut Diagnostics) {
    let known = prices.model_ids();
    for loaded in &prices.tables {
        for (model, rate) in &loaded.table.provisioned {
            if !rate.historical && !known.contains(&model.as_str()) {
                problems.push(loaded.error(
                    Code::PricingProvisionedUnpriced,
                    &["provisioned", model],
                    &format!("provisioned.{model}"),
                    format!("no table prices `{model}` on demand, so its provisioned rate cannot be used; mark it historical = true or add the model"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(name: &str, text: &str) -> LoadedTable {
        let file = SourceFile::new(name, text);
        let table = parse::toml(&file).expect("the table parses");
        LoadedTable { table, file }
    }

    #[test]
    fn a_comment_mentioning_a_key_does_not_move_its_diagnostic() {
        let table = loaded(
            "p.toml",
            "# the source and the as_of date are checked below\n\
             table = \"t\"\nprovider = \"p\"\nsource = \" \"\nas_of = \"2026-13-01\"\n\
             \n[models.m]\nfamily = \"gpt\" # as_of, source, family\ninput = \"1\"\noutput = \"2\"\n",
        );
        let mut problems = Diagnostics::default();
        validate_table(&table, &["claude"], &mut problems);
        let at: Vec<(Code, u64, u64)> = problems
            .0
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        assert_eq!(
            at,
            [
                (Code::PricingInvalidDate, 5, 1),
                (Code::PricingNoSource, 4, 1),
                (Code::PricingUnknownFamily, 8, 1),
            ]
        );
    }

    #[test]
    fn two_user_files_with_one_table_name_are_an_error_naming_both() {
        let dir = tempfile::tempdir().expect("temp dir");
        let table = "table = \"mine\"\nprovider = \"p\"\nsource = \"s\"\nas_of = \"2026-01-01\"\n";
        std::fs::write(dir.path().join("a.toml"), table).expect("write");
        std::fs::write(dir.path().join("b.toml"), format!("# b\n{table}")).expect("write");
        let problems = Prices::read(Some(dir.path())).expect_err("a duplicate table");
        assert_eq!(problems.len(), 1, "{problems}");
        let d = &problems.0[0];
        assert_eq!(d.code, Code::PricingDuplicateTable);
        assert!(d.file.ends_with("b.toml"), "{d}");
        assert_eq!((d.line, d.column), (2, 1));
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("a.toml:1:1"), "{help}");
    }

    #[test]
    fn a_user_table_replaces_the_embedded_one_of_the_same_name() {
        let embedded = Prices::read(None).expect("embedded prices");
        let name = &embedded.0.tables[0].table.table;
        let dir = tempfile::tempdir().expect("temp dir");
        let text = format!(
            "table = \"{name}\"\nprovider = \"p\"\nsource = \"mine\"\nas_of = \"2026-01-01\"\n"
        );
        std::fs::write(dir.path().join("override.toml"), text).expect("write");
        let read = Prices::read(Some(dir.path())).expect("an override is not a duplicate");
        let table = read.0.table(name).expect("the table");
        assert_eq!(table.table.source, "mine");
        assert_eq!(read.0.tables.len(), embedded.0.tables.len());
    }

    #[test]
    fn every_embedded_pricing_table_has_a_json_twin_that_reads_the_same() {
        let files = data_files(DataKind::Pricing, None).expect("embedded files");
        assert!(!files.is_empty());
        for file in files {
            let from_json: PricingTable = embedded_json(EMBEDDED_PRICING_JSON, &file.file_name)
                .unwrap_or_else(|| panic!("{} has no JSON twin", file.file_name));
            let from_toml: PricingTable = parse::toml(&file.source).expect("embedded TOML reads");
            assert_eq!(from_json, from_toml, "{}", file.file_name);
        }
    }
}
