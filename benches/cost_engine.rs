//! Benchmarks of the decision and cost engine on the embedded data:
//! - `advise_pipeline`: load everything (embedded rules, prices, templates, the example's
//!   answers and workload), decide, price and render the Markdown report;
//! - `route_cost`: price the AWS example's workload on every route for one month;
//! - `projection_12_months`: the 12-month projection of `routewise cost`.
//!
//! Run: `cargo bench --bench cost_engine`. Results are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use routewise::data::inputs::{InputPaths, Inputs};
use routewise::engine::cost::route_cost;
use routewise::outputs::formats::ReportFormat;
use routewise::outputs::projection::{ProjectionOptions, project};
use routewise::outputs::templates::Templates;
use rust_decimal::Decimal;

fn example_paths() -> InputPaths {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/aws-enterprise-eu");
    InputPaths {
        answers: Some(dir.join("answers.yaml")),
        workload: Some(dir.join("workload.yaml")),
        ..InputPaths::default()
    }
}

fn benches(c: &mut Criterion) {
    let paths = example_paths();
    c.bench_function("advise_pipeline", |b| {
        b.iter(|| {
            let inputs = Inputs::load(black_box(&paths)).expect("valid inputs");
            let templates = Templates::load(None).expect("embedded templates");
            let report = routewise::outputs::advice::advise(&inputs).expect("decides");
            routewise::outputs::advice::render::render(&report, ReportFormat::Markdown, &templates)
                .expect("renders")
        })
    });

    let inputs = Inputs::load(&paths).expect("valid inputs");
    let workload = inputs.workload.clone().expect("workload");
    c.bench_function("route_cost_all_routes", |b| {
        b.iter(|| {
            for route in &inputs.catalogue.routes {
                black_box(route_cost(
                    &route.item,
                    &workload,
                    Decimal::ONE,
                    routewise::engine::cost::CostContext::of(&inputs),
                ));
            }
        })
    });
    let options = ProjectionOptions {
        months: Some(12),
        growth: Some(Decimal::new(5, 2)),
        ..ProjectionOptions::default()
    };
    c.bench_function("projection_12_months", |b| {
        b.iter(|| project(black_box(&inputs), &options).expect("projects"))
    });
}

criterion_group!(engine, benches);
criterion_main!(engine);
