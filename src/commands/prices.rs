//! `routewise prices check --against FILE`: the tables compared with a third-party price list,
//! exit 1 when a price differs by more than `--tolerance`.

use crate::cli::{PricesArgs, PricesCommand};
use crate::commands::AppError;
use crate::commands::routes::load_catalogue;
use crate::data::price_feed::PriceFeed;
use crate::engine::price_drift::compare;
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
    }
}
