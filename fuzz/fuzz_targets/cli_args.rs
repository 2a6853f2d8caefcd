//! The command line: the input split at NUL bytes into arguments after `routewise`, parsed
//! with every value parser (dates, tolerances, percentages, gates, ranges). Only parsing
//! runs: a parsed command could name files to read or write. Rendering the parse error must
//! not panic either.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use routewise::cli::Cli;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let args = std::iter::once("routewise").chain(text.split('\0'));
    match Cli::try_parse_from(args) {
        Ok(cli) => {
            let _ = format!("{cli:?}");
        }
        Err(e) => {
            let _ = e.render().to_string();
        }
    }
});
