use routewise::*;
use std::time::Instant;
fn main() {
    let paths = inputs::InputPaths {
        answers: Some("examples/aws-enterprise-eu/answers.yaml".into()),
        workload: Some("examples/aws-enterprise-eu/workload.yaml".into()),
        ..Default::default()
    };
    for _ in 0..3 {
        let t = Instant::now();
        let c = catalogue::Catalogue::load(None).unwrap();
        let a = t.elapsed();
        let t = Instant::now();
        let _r = rules::RuleSet::compile(&c).unwrap();
        let b = t.elapsed();
        let t = Instant::now();
        let _tp = templates::Templates::load(None).unwrap();
        let tt = t.elapsed();
        let t = Instant::now();
        let _p = prices::Prices::load(None, &c.vocabulary("model_families")).unwrap();
        let tpr = t.elapsed();
        let t = Instant::now();
        let i = inputs::Inputs::load(&paths).unwrap();
        let il = t.elapsed();
        let t = Instant::now();
        let rep = report::build(&i).unwrap();
        let bl = t.elapsed();
        let t = Instant::now();
        let _ = render::render(&rep, cli::Format::Markdown, &i.templates).unwrap();
        let rl = t.elapsed();
        eprintln!(
            "catalogue {a:?} compile {b:?} templates {tt:?} prices {tpr:?} | inputs {il:?} build {bl:?} render {rl:?}"
        );
    }
}
