//! The JUnit XML form of a rule test run, for CI systems that show test results: one
//! `<testsuite>` per test file, one `<testcase>` per case, a `<failure>` holding every
//! difference; a shipped case changed by the team's rules is `<skipped>`, with what changed.
//! No timestamps or durations, so the same run gives the same bytes.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::outputs::rule_tests::{CaseResult, TestRun};

/// A minimum coverage to report as its own test case.
#[derive(Debug, Clone, Copy)]
pub struct CoverageCheck {
    pub min_percent: rust_decimal::Decimal,
}

/// Renders the run as JUnit XML ending with a newline.
pub fn render(run: &TestRun, coverage: Option<CoverageCheck>) -> std::io::Result<String> {
    let mut suites: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for case in &run.cases {
        if !suites.contains_key(case.file.as_str()) {
            order.push(&case.file);
        }
        suites.entry(&case.file).or_default().push(case);
    }
    let coverage_failed = coverage.is_some_and(|c| run.coverage() < c.min_percent);
    let tests = run.cases.len() + usize::from(coverage.is_some());
    let failures = run.failed() + usize::from(coverage_failed);

    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", "routewise rule tests"))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .write_inner_content(|w| {
            for file in &order {
                let cases = &suites[file];
                let failed = cases.iter().filter(|c| c.failed()).count();
                let skipped = cases.iter().filter(|c| c.changed_by_rules).count();
                w.create_element("testsuite")
                    .with_attribute(("name", clean(file).as_str()))
                    .with_attribute(("tests", cases.len().to_string().as_str()))
                    .with_attribute(("failures", failed.to_string().as_str()))
                    .with_attribute(("errors", "0"))
                    .with_attributes(
                        (skipped > 0).then(|| ("skipped", skipped.to_string())).iter().map(|(k, v)| (*k, v.as_str())),
                    )
                    .write_inner_content(|w| {
                        for case in cases {
                            let element = w
                                .create_element("testcase")
                                .with_attribute(("name", clean(&case.name).as_str()))
                                .with_attribute(("classname", clean(file).as_str()))
                                .with_attribute(("file", clean(file).as_str()))
                                .with_attribute(("line", case.line.to_string().as_str()));
                            if case.passed() {
                                element.write_empty()?;
                            } else if case.changed_by_rules {
                                element.write_inner_content(|w| {
                                    w.create_element("skipped")
                                        .with_attribute((
                                            "message",
                                            "changed by your rules: passes with the shipped rules and prices",
                                        ))
                                        .write_text_content(BytesText::new(&clean(
                                            &case.failures.join("\n"),
                                        )))?;
                                    Ok(())
                                })?;
                            } else {
                                element.write_inner_content(|w| {
                                    w.create_element("failure")
                                        .with_attribute((
                                            "message",
                                            clean(&case.failures[0]).as_str(),
                                        ))
                                        .with_attribute(("type", "expectation"))
                                        .write_text_content(BytesText::new(&clean(
                                            &case.failures.join("\n"),
                                        )))?;
                                    Ok(())
                                })?;
                            }
                        }
                        Ok(())
                    })?;
            }
            if let Some(check) = coverage {
                let missing: Vec<String> = run
                    .unexercised()
                    .iter()
                    .map(|(code, name)| format!("{code} {name}"))
                    .collect();
                w.create_element("testsuite")
                    .with_attribute(("name", "rule coverage"))
                    .with_attribute(("tests", "1"))
                    .with_attribute((
                        "failures",
                        usize::from(coverage_failed).to_string().as_str(),
                    ))
                    .with_attribute(("errors", "0"))
                    .write_inner_content(|w| {
                        let name = format!(
                            "at least {}% of rule codes exercised",
                            check.min_percent.normalize()
                        );
                        let element = w
                            .create_element("testcase")
                            .with_attribute(("name", name.as_str()))
                            .with_attribute(("classname", "rule coverage"));
                        if coverage_failed {
                            element.write_inner_content(|w| {
                                w.create_element("failure")
                                    .with_attribute((
                                        "message",
                                        format!("coverage {}", percent(run)).as_str(),
                                    ))
                                    .with_attribute(("type", "coverage"))
                                    .write_text_content(BytesText::new(&format!(
                                        "not exercised by any case:\n{}",
                                        missing.join("\n")
                                    )))?;
                                Ok(())
                            })?;
                        } else {
                            element.write_empty()?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut text = String::from_utf8(writer.into_inner())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    text.push('\n');
    Ok(text)
}

/// Coverage as `97.4%`, one decimal.
pub fn percent(run: &TestRun) -> String {
    let mut p = run
        .coverage()
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero);
    p.rescale(1);
    format!("{p}%")
}

/// XML 1.0 cannot carry most control characters, even escaped.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}
