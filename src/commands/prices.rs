//! `routewise prices check --against FILE`: the tables compared with a third-party price list,
//! exit 1 when a price differs by more than `--tolerance`.

use crate::cli::{PricesArgs, PricesCommand};
use crate::commands::AppError;
use crate::commands::routes::load_catalogue;
use crate::data::price_feed::PriceFeed;
use crate::engine::price_drift::compare;
use crate::engine::price_import::import_table;
use crate::outputs::price_check::render;
use crate::support::diagnostic::{Code, Diagnostic, SourceFile};

pub fn run(args: PricesArgs) -> Result<String, AppError> {
    match args.command {
        PricesCommand::Check {
            against,
            tolerance,
            data,
        } => {
            let (_, prices) = load_catalogue(&data)?;
            let name = against.display().to_string();
            let text = std::fs::read_to_string(&against).map_err(|e| {
                Diagnostic::plain(
                    Code::FileRead,
                    format!("cannot read the price list `{name}`: {e}"),
                )
            })?;
            let feed = PriceFeed::parse(&SourceFile::new(name.clone(), text))?;
            let report = compare(&prices, &feed, tolerance);
            if report.agreements.is_empty() && report.differences.is_empty() {
                return Err(Diagnostic::plain(Code::PriceFeedNoMatch, format!(
                    "no price in `{name}` matches a model of the routewise tables; nothing was compared"
                ))
                .into());
            }
            let output = render(&report, feed.format, &name);
            if report.differences.is_empty() {
                Ok(output)
            } else {
                Err(AppError::Checks {
                    message: format!(
                        "error: {} prices differ from `{name}` by more than the tolerance",
                        report.differences.len()
                    ),
                    output,
                })
            }
        }
        PricesCommand::Import {
            from,
            table,
            output,
            as_of,
            data,
        } => {
            let (_, prices) = load_catalogue(&data)?;
            let Some(loaded) = prices.table(&table) else {
                let names: Vec<&str> = prices
                    .tables
                    .iter()
                    .map(|t| t.table.table.as_str())
                    .collect();
                return Err(Diagnostic::plain(
                    Code::ArgInvalidValue,
                    format!("--table: no pricing table `{table}`"),
                )
                .with_help(format!("known tables: {}", names.join(", ")))
                .into());
            };
            let name = from.display().to_string();
            let text = std::fs::read_to_string(&from).map_err(|e| {
                Diagnostic::plain(
                    Code::FileRead,
                    format!("cannot read the price list `{name}`: {e}"),
                )
            })?;
            let feed = PriceFeed::parse(&SourceFile::new(name.clone(), text))?;
            let file_name = from
                .file_name()
                .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
            let (imported, summary) = import_table(&loaded.table, &feed, &file_name, as_of)
                .map_err(|m| {
                    AppError::Input(Diagnostic::plain(Code::PriceFeedNoMatch, m).into())
                })?;
            if summary.imported.is_empty() {
                return Err(Diagnostic::plain(
                    Code::PriceFeedNoMatch,
                    format!(
                    "`{name}` has no price for any model of table `{table}`; nothing was imported"
                ),
                )
                .into());
            }
            let body = toml::to_string(&imported).map_err(|e| {
                AppError::Failure(anyhow::anyhow!("cannot write the table as TOML: {e}"))
            })?;
            std::fs::create_dir_all(&output).map_err(|e| {
                AppError::Failure(anyhow::anyhow!("cannot create `{}`: {e}", output.display()))
            })?;
            let path = output.join(format!("{table}.toml"));
            let header = format!(
                "# Pricing table `{table}` imported by `routewise prices import` from {file_name} ({}),\n# prices as of {as_of}. Use it with --pricing {}.\n",
                feed.format.name(),
                output.display()
            );
            std::fs::write(&path, format!("{header}{body}")).map_err(|e| {
                AppError::Failure(anyhow::anyhow!("cannot write `{}`: {e}", path.display()))
            })?;
            let mut out = format!(
                "wrote {} ({} models imported from {file_name}, {} kept from routewise's table)\n",
                path.display(),
                summary.imported.len(),
                summary.kept.len()
            );
            for (model, key) in &summary.imported {
                out.push_str(&format!("  imported  {model} <- {key}\n"));
            }
            for model in &summary.kept {
                out.push_str(&format!("  kept      {model} (not in the list)\n"));
            }
            Ok(out)
        }
    }
}
