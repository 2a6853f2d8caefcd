//! Shell completions and man pages, generated from the command-line definition and checked
//! the way a user meets them: a shell loads the script, the pages name every command.

mod common;

use common::Run;

const COMMANDS: &[&str] = &[
    "advise",
    "cost",
    "replay",
    "validate",
    "routes",
    "questions",
    "schema",
    "diff",
    "test",
    "explain",
    "rules",
    "completions",
    "man",
];

#[test]
fn bash_completion_loads_and_completes_subcommands() {
    let outcome = Run::new().args(&["completions", "bash"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let (script_run, dir) = Run::new().run_in();
    drop(script_run);
    let script = dir.path().join("routewise.bash");
    std::fs::write(&script, &outcome.stdout).unwrap();
    // Load the script in a real bash and ask it to complete `routewise ad`.
    let probe = format!(
        "source {}; COMP_WORDS=(routewise ad); COMP_CWORD=1; COMP_LINE='routewise ad'; COMP_POINT=12; _routewise routewise ad routewise; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .output()
        .expect("bash runs");
    let replies = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && replies.lines().any(|l| l == "advise"),
        "bash completion of `routewise ad` gave {replies:?}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let outcome = Run::new().args(&["completions", shell]).run();
        assert_eq!(outcome.code, 0, "{shell}: {}", outcome.stderr);
        for command in COMMANDS {
            assert!(
                outcome.stdout.contains(command),
                "{shell} completions do not mention `{command}`"
            );
        }
    }
    let bad = Run::new().args(&["completions", "tcsh"]).run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
}

#[test]
fn man_page_documents_every_command_and_option_help() {
    let outcome = Run::new().args(&["man"]).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.starts_with(".ie"),
        "{}",
        &outcome.stdout[..80]
    );
    assert!(outcome.stdout.contains(".TH routewise 1"));
    for command in COMMANDS {
        assert!(
            outcome.stdout.contains(&format!("routewise\\-{command}")),
            "the man page does not list `{command}`"
        );
    }
}

#[test]
fn man_pages_are_written_one_per_command() {
    let (outcome, dir) = Run::new().args(&["man", "--output-dir", "man"]).run_in();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let cost = std::fs::read_to_string(dir.path().join("man/routewise-cost.1")).unwrap();
    assert!(cost.contains(".TH routewise-cost 1"), "{cost}");
    // The option help text reaches the page, value help included.
    assert!(cost.contains("Months to project"), "{cost}");
    assert!(cost.contains("One row per route"), "{cost}");
    for command in COMMANDS {
        assert!(
            dir.path()
                .join(format!("man/routewise-{command}.1"))
                .exists()
        );
    }
}
