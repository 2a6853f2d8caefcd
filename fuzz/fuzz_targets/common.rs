//! What every target shares: the embedded catalogue and prices, loaded once.
#![allow(dead_code)] // each target uses some of these helpers

use std::sync::OnceLock;

use routewise::data::catalogue::Catalogue;
use routewise::data::prices::Prices;
use routewise::support::diagnostic::SourceFile;

pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::load(None).expect("the embedded catalogue loads"))
}

pub fn prices() -> &'static Prices {
    static PRICES: OnceLock<Prices> = OnceLock::new();
    PRICES.get_or_init(|| {
        let families = catalogue().vocabulary("model_families");
        Prices::load(None, &families).expect("the embedded prices load")
    })
}

/// The input as a named source, as the loaders read a user's file; `None` when the bytes
/// are refused before parsing (too large, not UTF-8), which is a clean error.
pub fn source(name: &str, data: &[u8]) -> Option<SourceFile> {
    routewise::data::parse::source_from_bytes(name, data.to_vec()).ok()
}

/// Renders every diagnostic (or load failure), as the binary does: rendering must not panic
/// either.
pub fn render(problems: &impl std::fmt::Display) {
    let _ = problems.to_string();
}

/// The inputs of the `aws-enterprise-eu` example (answers, workload, price book), loaded
/// once: a realistic context for rendering templates and evaluating rules.
pub fn inputs_with_workload() -> &'static routewise::data::inputs::Inputs {
    use routewise::data::inputs::{InputPaths, Inputs};
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/aws-enterprise-eu");
        let paths = InputPaths {
            answers: Some(example.join("answers.yaml")),
            workload: Some(example.join("workload.yaml")),
            price_book: Some(example.join("price-book.toml")),
            ..InputPaths::default()
        };
        Inputs::load(&paths).expect("the example inputs load")
    })
}
