//! `routewise schema KIND`: the JSON Schema of an input file, for editors.

use crate::cli::SchemaKind;
use crate::commands::AppError;
use crate::data::catalogue::Catalogue;
use crate::data::schema;

pub fn run(kind: SchemaKind) -> Result<String, AppError> {
    let value = match kind {
        SchemaKind::Answers => {
            let catalogue = Catalogue::load(None)?;
            schema::answers_schema(&catalogue.questions)
        }
        SchemaKind::Workload => schema::of::<crate::model::workload::Workload>(),
        SchemaKind::Rules => schema::of::<crate::data::catalogue::RulesDirFile>(),
        SchemaKind::Pricing => schema::of::<crate::model::pricing::PricingTable>(),
        SchemaKind::PriceBook => schema::of::<crate::data::price_book::PriceBookFile>(),
    };
    serde_json::to_string_pretty(&value)
        .map(|s| s + "\n")
        .map_err(|e| AppError::Failure(e.into()))
}
