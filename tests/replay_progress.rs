//! The progress bar of a long `routewise replay`: drawn on stderr when stderr is a real
//! terminal (a pseudo-terminal here) and the input is large; absent when stderr is piped;
//! standard output byte-identical either way.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use rexpect::session::spawn_command;

const BIN: &str = env!("CARGO_BIN_EXE_routewise");

/// A usage CSV of about 5 MB (above the 4 MiB threshold).
fn big_csv(dir: &Path) {
    let mut text = String::from("timestamp,model,input_tokens,output_tokens\n");
    for i in 0..90_000u32 {
        let _ = writeln!(
            text,
            "2026-10-01T{:02}:{:02}:00Z,claude-haiku-4-5,{},{}",
            (i / 60) % 24,
            i % 60,
            1000 + i % 7,
            100 + i % 3
        );
    }
    assert!(text.len() > 4 << 20, "{}", text.len());
    std::fs::write(dir.join("big.csv"), text).unwrap();
}

#[test]
fn a_terminal_gets_a_progress_bar_and_stdout_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    big_csv(dir.path());
    // stderr on the pty, stdout redirected to a file, as `routewise replay … > out.json`.
    let mut command = Command::new("sh");
    command.current_dir(dir.path()).arg("-c").arg(format!(
        "'{BIN}' replay --usage big.csv --format json > on_terminal.json"
    ));
    command.env("TERM", "xterm").env("NO_COLOR", "1");
    let mut session = spawn_command(command, Some(60_000)).expect("start replay on a pty");
    session
        .exp_string("reading ")
        .expect("a progress bar on the terminal");
    session.exp_string("lines)").expect("the bar counts lines");
    session.exp_eof().expect("replay finishes");

    let piped = Command::new(BIN)
        .current_dir(dir.path())
        .args(["replay", "--usage", "big.csv", "--format", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(piped.status.success());
    // Piped: not one byte of progress on stderr.
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let on_terminal = std::fs::read(dir.path().join("on_terminal.json")).unwrap();
    assert!(on_terminal.len() > 100);
    assert_eq!(
        on_terminal, piped.stdout,
        "stdout differs with the bar shown"
    );
}

#[test]
fn a_small_input_on_a_terminal_gets_no_bar() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("small.csv"),
        "timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,claude-haiku-4-5,10,1\n",
    )
    .unwrap();
    let mut command = Command::new("sh");
    command.current_dir(dir.path()).arg("-c").arg(format!(
        "'{BIN}' replay --usage small.csv --format json > out.json; echo done"
    ));
    command.env("TERM", "xterm").env("NO_COLOR", "1");
    let mut session = spawn_command(command, Some(60_000)).expect("start replay on a pty");
    let before = session.exp_string("done").expect("replay finishes");
    assert!(!before.contains("reading"), "{before}");
}
