//! `routewise ask` driven through a real pseudo-terminal: the built binary is started on a
//! pty and keys are typed into it, as a user would.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rexpect::session::{PtySession, spawn_command};

mod common;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

fn start(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_routewise"));
    command.current_dir(dir).arg("ask").args(args);
    command.env("TERM", "xterm").env("NO_COLOR", "1");
    spawn_command(command, Some(20_000)).expect("start routewise ask on a pty")
}

/// The shipped questions, in order, as the binary will ask them.
fn questions() -> Vec<routewise::model::question::Question> {
    routewise::data::catalogue::Catalogue::load(None)
        .expect("the shipped questions load")
        .questions
}

fn send(session: &mut PtySession, keys: &str) {
    session.send(keys).expect("type into the pty");
    session.flush().expect("flush the pty");
    // crossterm reads keys in batches; a lone ESC needs a moment to be seen as a key.
    std::thread::sleep(Duration::from_millis(60));
}

/// Waits for question `n` (1-based) of `total` to be on the screen.
fn expect_question(session: &mut PtySession, n: usize, total: usize) {
    session
        .exp_string(&format!("[{n}/{total}]"))
        .unwrap_or_else(|e| panic!("question {n} was not asked: {e}"));
}

#[test]
fn every_question_is_answered_with_the_keyboard_and_a_commented_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let questions = questions();
    let total = questions.len();
    let mut session = start(dir.path(), &[]);
    for (i, q) in questions.iter().enumerate() {
        expect_question(&mut session, i + 1, total);
        match q.id.as_str() {
            // cloud: none -> aws (one down from the default).
            "cloud" => send(&mut session, &format!("{DOWN}{ENTER}")),
            // residency: type to filter, case-insensitively.
            "residency" => send(&mut session, &format!("EU{ENTER}")),
            // compliance: tick the first item (hipaa) and the third (soc2).
            "compliance" => send(&mut session, &format!(" {DOWN}{DOWN} {ENTER}")),
            // A boolean: a mistyped answer is refused and asked again, then yes.
            "audit_logging" => {
                send(&mut session, &format!("maybe{ENTER}"));
                session
                    .exp_string("type y or n")
                    .expect("the typo is refused");
                // Clear the typed text, then answer.
                send(&mut session, &"\x7f".repeat(5));
                send(&mut session, &format!("YES{ENTER}"));
            }
            // Skipped: stays unanswered.
            "sla" => send(&mut session, ESC),
            _ => send(&mut session, ENTER),
        }
    }
    session
        .exp_string("Recommended route:")
        .expect("the recommendation is printed");
    session.exp_eof().expect("ask finishes");

    let written = std::fs::read_to_string(dir.path().join("answers.yaml")).unwrap();
    assert!(written.contains("\ncloud: aws\n"), "{written}");
    assert!(written.contains("\nresidency: eu\n"), "{written}");
    assert!(
        written.contains("\ncompliance: [hipaa, soc2]\n"),
        "{written}"
    );
    assert!(written.contains("\naudit_logging: true\n"), "{written}");
    // Skipped with esc: listed as a comment with its choices, not answered.
    assert!(written.contains("\n# sla: false\n"), "{written}");
    // Every key is commented by its question.
    for q in &questions {
        assert!(written.contains(&format!(
            "# {}",
            q.prompt.split_whitespace().next().unwrap()
        )));
    }
    // The written file is a valid answers file.
    let check = common::Run::new()
        .args(&[
            "validate",
            "--answers",
            dir.path().join("answers.yaml").to_str().unwrap(),
        ])
        .run();
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn ctrl_c_writes_nothing_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let total = questions().len();
    let mut session = start(dir.path(), &[]);
    expect_question(&mut session, 1, total);
    send(&mut session, ENTER);
    expect_question(&mut session, 2, total);
    send(&mut session, "\x03");
    session.exp_eof().expect("ask stops");
    let status = session.process().wait().expect("exit status");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 130)),
        "{status:?}"
    );
    assert!(!dir.path().join("answers.yaml").exists());
}

#[test]
fn answers_prefill_the_prompts_and_an_existing_file_is_not_replaced_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answers.yaml"),
        "cloud: GCP\nresidency: eu\nzero_data_retention: true\n",
    )
    .unwrap();
    let questions = questions();
    let total = questions.len();
    let mut session = start(dir.path(), &["--answers", "answers.yaml"]);
    for i in 0..total {
        expect_question(&mut session, i + 1, total);
        send(&mut session, ENTER);
    }
    session
        .exp_string("answers.yaml exists. Overwrite it?")
        .expect("asked before overwriting");
    send(&mut session, &format!("n{ENTER}"));
    session
        .exp_string("which file instead")
        .expect("offered another name");
    send(&mut session, &format!("mine.yaml{ENTER}"));
    session.exp_eof().expect("ask finishes");
    let original = std::fs::read_to_string(dir.path().join("answers.yaml")).unwrap();
    assert_eq!(
        original,
        "cloud: GCP\nresidency: eu\nzero_data_retention: true\n"
    );
    let written = std::fs::read_to_string(dir.path().join("mine.yaml")).unwrap();
    // Pre-filled answers were the starting choices; GCP was read as gcp.
    assert!(written.contains("\ncloud: gcp\n"), "{written}");
    assert!(
        written.contains("\nzero_data_retention: true\n"),
        "{written}"
    );
}

#[test]
fn a_teams_own_questions_are_asked_too() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("team-rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("team.yaml"),
        "questions:\n  - id: on_call\n    prompt: Is there a team on call for the model route?\n    \
         help: Without one, a provider outage waits until morning.\n    kind: bool\n    default: false\n",
    )
    .unwrap();
    let total = questions().len() + 1;
    let mut session = start(dir.path(), &["--rules", "team-rules"]);
    for i in 0..total {
        expect_question(&mut session, i + 1, total);
        if i + 1 == total {
            session
                .exp_string("Is there a team on call")
                .expect("the team's question is asked");
            session
                .exp_string("a provider outage waits")
                .expect("with its help text");
            send(&mut session, &format!("y{ENTER}"));
        } else {
            send(&mut session, ENTER);
        }
    }
    session.exp_eof().expect("ask finishes");
    let written = std::fs::read_to_string(dir.path().join("answers.yaml")).unwrap();
    assert!(written.contains("\non_call: true\n"), "{written}");
}

#[test]
fn without_a_terminal_it_fails_at_once_and_points_at_the_template() {
    let outcome = common::Run::new().args(&["ask"]).run();
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stderr.contains("routewise questions --format yaml"),
        "{}",
        outcome.stderr
    );
}
