//! A large usage CSV is read in pieces on several threads; `routewise replay` prints byte
//! for byte what reading it in one go prints, in every format, for good files, files with
//! bad rows (skipped or not), quoted fields holding newlines, CRLF lines, unknown models
//! and rows out of time order. `ROUTEWISE_TEST_READ_PIECES` (test-only) sets the number of
//! pieces whatever the file's size; `1` reads in one go.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use rexpect::session::spawn_command;

const BIN: &str = env!("CARGO_BIN_EXE_routewise");
const PIECES: &str = common::READ_PIECES;

fn replay(dir: &Path, pieces: Option<&str>, args: &[&str]) -> Output {
    common::replay_in_pieces(dir, pieces, args)
}

/// `rows` rows over three days in a scrambled order; every `bad`-th row is bad (0: none),
/// some models unknown, some fields quoted (with newlines inside), some lines CRLF.
fn usage_csv(rows: u32, bad: u32) -> String {
    let models = [
        "claude-haiku-4-5-20251001",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "gpt-4o",
        "\"models/gemini-2.5-flash\"",
        "mystery-model",
    ];
    let mut text = String::from(
        "timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,batch,note\n",
    );
    for i in 0..rows {
        let minute = (i * 7919) % 4320;
        let time = format!(
            "2026-10-{:02}T{:02}:{:02}:05Z",
            1 + minute / 1440,
            minute / 60 % 24,
            minute % 60
        );
        let model = models[(i % 5) as usize];
        let input = if bad > 0 && i % bad == bad - 1 {
            "-5".to_owned()
        } else {
            (1000 + i % 97).to_string()
        };
        let note = match i % 11 {
            0 => "\"two\nlines, \"\"quoted\"\"\"",
            1 => "\"plain\"",
            _ => "",
        };
        let end = if i % 3 == 0 { "\r\n" } else { "\n" };
        let _ = write!(
            text,
            "{time},{model},{input},{},{},{},{note}{end}",
            100 + i % 13,
            i % 1000,
            i % 2 == 0
        );
    }
    text
}

#[test]
fn pieces_print_what_one_reading_prints_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.csv"), usage_csv(30_000, 0)).unwrap();
    std::fs::write(dir.path().join("bad.csv"), usage_csv(30_000, 2_500)).unwrap();
    for format in ["table", "json", "csv", "markdown", "html"] {
        let args = ["--usage", "good.csv", "--format", format];
        let one = replay(dir.path(), Some("1"), &args);
        assert!(
            one.status.success(),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        for pieces in ["2", "3", "4"] {
            let cut = replay(dir.path(), Some(pieces), &args);
            common::assert_same_run(&one, &cut, &format!("{format}, {pieces} pieces"));
        }
    }
    // Bad rows: the first one is the error, with its line; skipped, they are listed with theirs.
    for extra in [&[][..], &["--skip-bad-rows"][..]] {
        let mut args = vec!["--usage", "bad.csv", "--format", "json"];
        args.extend_from_slice(extra);
        let one = replay(dir.path(), Some("1"), &args);
        let stderr = String::from_utf8_lossy(&one.stderr);
        if extra.is_empty() {
            assert_eq!(one.status.code(), Some(2));
            assert!(stderr.contains("bad.csv:"), "{stderr}");
        } else {
            let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
            assert!(json.to_string().contains("skipped"), "{json}");
        }
        for pieces in ["2", "3"] {
            let cut = replay(dir.path(), Some(pieces), &args);
            common::assert_same_run(&one, &cut, &format!("bad rows {extra:?}, {pieces} pieces"));
        }
    }
}

#[test]
fn a_file_above_the_threshold_reads_in_pieces_with_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = usage_csv(400_000, 0);
    // Past 32 MB, where two cores read it in two pieces without being told to.
    while text.len() <= 33 << 20 {
        text.push_str("2026-10-03T23:59:00Z,claude-haiku-4-5,1,1,0,false,\n");
    }
    std::fs::write(dir.path().join("large.csv"), text).unwrap();
    let args = ["--usage", "large.csv", "--format", "json"];
    let one = replay(dir.path(), Some("1"), &args);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let automatic = replay(dir.path(), None, &args);
    common::assert_same_run(&one, &automatic, "automatic pieces");
}

#[test]
fn the_progress_bar_counts_lines_read_in_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = usage_csv(20_000, 0);
    while text.len() <= 5 << 20 {
        text.push_str("2026-10-03T23:59:00Z,claude-haiku-4-5,1,1,0,false,\n");
    }
    std::fs::write(dir.path().join("big.csv"), text).unwrap();
    let mut command = Command::new("sh");
    command.current_dir(dir.path()).arg("-c").arg(format!(
        "'{BIN}' replay --usage big.csv --format json > on_terminal.json"
    ));
    command
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env(PIECES, "2");
    let mut session = spawn_command(command, Some(60_000)).expect("start replay on a pty");
    session
        .exp_string("reading ")
        .expect("a progress bar on the terminal");
    session.exp_string("lines)").expect("the bar counts lines");
    session.exp_eof().expect("replay finishes");
    let piped = replay(
        dir.path(),
        Some("1"),
        &["--usage", "big.csv", "--format", "json"],
    );
    assert!(piped.status.success());
    let on_terminal = std::fs::read(dir.path().join("on_terminal.json")).unwrap();
    assert!(on_terminal == piped.stdout, "stdout differs on a terminal");
}
