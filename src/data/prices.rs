//! The loaded pricing tables and the lookup of one model's price on one table.

use std::path::Path;

use rust_decimal::Decimal;

use crate::data::load::{
    DataFile, DataKind, EMBEDDED_PRICING_JSON, Layer, data_files, embedded_json,
};
use crate::data::parse;
use crate::model::pricing::{ModelPrice, PricingTable};
use crate::support::date::Date;
use crate::support::diagnostic::{Diagnostics, SourceFile};

/// A pricing table with the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedTable {
    pub table: PricingTable,
    pub file: SourceFile,
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
            // A later file (a user's) with the same table name replaces an earlier one.
            tables.retain(|t| t.table.table != table.table);
            tables.push(LoadedTable {
                table,
                file: file.source,
            });
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

/// Finds the line of `key = ` or `[models.key]` in a TOML file, for diagnostics about values
/// that were read without spans.
fn line_of(file: &SourceFile, needle: &str) -> (u64, u64) {
    file.text
        .find(needle)
        .map_or((1, 1), |offset| file.line_column(offset))
}

fn validate_table(loaded: &LoadedTable, families: &[&str], problems: &mut Diagnostics) {
    let table = &loaded.table;
    let file = &loaded.file;
    let at = |needle: &str, key: &str, message: String| {
        let (line, column) = line_of(file, needle);
        file.error_at_line(line, column, Some(key), message)
    };
    if let Err(message) = Date::parse_checked(&table.as_of) {
        problems.push(at("as_of", "as_of", message));
    }
    if table.source.trim().is_empty() {
        problems.push(at(
            "source",
            "source",
            "every pricing table needs a source".into(),
        ));
    }
    if let Some(m) = table.regional_multiplier
        && (m.0 < Decimal::ONE || m.0 > Decimal::TEN)
    {
        problems.push(at(
            "regional_multiplier",
            "regional_multiplier",
            format!(
                "a regional multiplier of {} is out of range; expected 1 (no premium) to 10",
                m.0
            ),
        ));
    }
    for (model, price) in &table.models {
        let needle = [format!("[models.{model}]"), format!("[models.\"{model}\"]")]
            .into_iter()
            .find(|h| file.text.contains(h.as_str()))
            .unwrap_or_else(|| model.clone());
        let key = |field: &str| format!("models.{model}.{field}");
        if !families.contains(&price.family.as_str()) {
            problems.push(
                at(
                    &needle,
                    &key("family"),
                    format!("`{}` is not a known model family", price.family),
                )
                .with_help(format!("known families: {}", families.join(", "))),
            );
        }
        if price.regional_premium && table.regional_multiplier.is_none() {
            problems.push(at(
                &needle,
                &key("regional_premium"),
                format!(
                    "`{model}` carries the regional premium but table `{}` sets no regional_multiplier",
                    table.table
                ),
            ));
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
                let (line, column) = line_of(&loaded.file, &format!("provisioned.\"{model}\""));
                problems.push(loaded.file.error_at_line(
                    line,
                    column,
                    Some(&format!("provisioned.{model}")),
                    format!("no table prices `{model}` on demand, so its provisioned rate cannot be used; mark it historical = true or add the model"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
