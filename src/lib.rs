//! # routewise
//!
//! routewise answers one question for teams that call foundation models: *which door?*
//! The same Claude or Gemini model sits behind several routes (the Anthropic API, Amazon
//! Bedrock, Google Vertex AI, the Gemini Developer API, Microsoft Foundry, a gateway); what
//! differs is auth, billing, residency, compliance, networking, retention, feature lag and
//! price. routewise is driven by data files and works offline.
//!
//! ## The layers, in the order they may import each other
//!
//! 1. [`support`]: leaf helpers (diagnostics, dates, money, "did you mean", tables, CSV).
//! 2. [`model`]: the serde types of the input files.
//! 3. [`usage`]: streaming readers of real usage, for replay.
//! 4. [`data`]: load, parse and validate. [`data::inputs::Inputs::load`] reads the answers,
//!    the workload, the rules directory (questions, routes, rules), the pricing tables and a
//!    price book, embedded defaults first and the user's directories over them; every
//!    problem in every file becomes a [`support::diagnostic::Diagnostic`] naming file, line,
//!    column and key. Rule conditions are compiled and checked here ([`data::rule_set`]).
//! 5. [`engine`]: [`engine::advice::advise`] prices every route ([`engine::cost`]) and
//!    decides ([`engine::decide`]: eliminate `RW0xx`, score `RW1xx`, warn `RW2xx`, rank).
//! 6. [`outputs`]: one folder per product, each a model built from engine results and pure
//!    renderers over it: the advice report and decision record, the cost projection and
//!    sweeps, replay, explain, diff with its gates, rule tests with JUnit and rule docs.
//! 7. [`cli`]: the clap definition only.
//! 8. [`commands`]: one file per subcommand, the only code that touches files named on the
//!    command line, the environment or standard output.
//!
//! `src/layering.rs` is a test that fails when a module imports a later layer.
//!
//! ```no_run
//! use routewise::data::inputs::{InputPaths, Inputs};
//!
//! let inputs = Inputs::load(&InputPaths {
//!     answers: Some("examples/aws-enterprise-eu/answers.yaml".into()),
//!     ..InputPaths::default()
//! })
//! .expect("valid inputs");
//! let report = routewise::outputs::advice::advise(&inputs).expect("rules evaluate");
//! println!("{:?}", report.recommendation.route);
//! ```

// Diagnostics are returned on the cold error path only; boxing them would add noise, not speed.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod commands;
pub mod data;
pub mod engine;
#[cfg(test)]
mod layering;
pub mod model;
pub mod outputs;
pub mod support;
pub mod usage;
