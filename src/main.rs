//! The `routewise` binary: parse arguments, run the command, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use routewise::cli::Cli;
use routewise::commands;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version requests are successes; everything else is a usage error.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match commands::run(cli) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(output.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(error.output().as_bytes())
                .and_then(|()| stdout.flush());
            // Not `eprintln!`: it panics when standard error is a closed pipe (`2>&1 | head`).
            let _ = writeln!(std::io::stderr().lock(), "{error}");
            ExitCode::from(error.exit_code())
        }
    }
}
