//! # routewise
//!
//! routewise answers one question for teams that call foundation models: *which door?*
//! The same Claude or Gemini model sits behind several routes (the Anthropic API, Amazon
//! Bedrock, Google Vertex AI, the Gemini Developer API, Microsoft Foundry, a gateway); what
//! differs is auth, billing, residency, compliance, networking, retention, feature lag and
//! price. routewise is driven by data files and works offline.
//!
//! ## The flow
//!
//! 1. [`inputs::Inputs::load`] reads the questionnaire answers, the workload, the rules
//!    directory ([`catalogue`]: questions, routes, rules) and the pricing tables
//!    ([`prices`]), embedded defaults first and the user's directories over them
//!    ([`load`]). Every problem in every file becomes a [`diagnostic::Diagnostic`] naming
//!    file, line, column and key.
//! 2. [`rules::RuleSet`] compiles each rule's condition (a minijinja expression over
//!    `answers`, `route` and `workload`) once, and rejects references to unknown questions or
//!    route attributes.
//! 3. [`decide::decide`] eliminates routes that break a hard constraint (rules `RW0xx`),
//!    scores the rest (`RW1xx`), collects warnings (`RW2xx`) and ranks.
//! 4. [`cost::route_cost`] prices the workload on each route in exact decimals.
//! 5. [`report::build`] assembles the one [`report::Report`] model that
//!    [`render::render`] turns into Markdown (a template) or JSON.
//!
//! 6. [`record`] adds what a decision record needs (metadata from the answers file's
//!    `decision:` block, the drivers in words, the regenerate command, pricing ages), and the
//!    `madr.md.j2` template renders the MADR record. Nothing reads the clock ([`date`]).
//!
//! ## In CI
//!
//! - [`diff`] compares two JSON reports and [`gates`] decides which changes fail a build.
//! - [`rule_tests`] runs test cases of answers and expected decisions, with rule coverage;
//!   [`junit`] writes their results for CI systems.
//! - [`explain`] shows every rule's verdict on one route; [`rule_docs`] documents a rule with
//!   an example run from the test cases.
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
