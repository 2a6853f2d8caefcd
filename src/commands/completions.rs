//! `routewise completions SHELL` and `routewise man`: generated from the clap definition, so
//! they never drift from `--help`.

use anyhow::Context;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, Shell};
use crate::commands::AppError;

/// The completion script for one shell.
pub fn completions(shell: Shell) -> Result<String, AppError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::from(shell),
        &mut command,
        "routewise",
        &mut out,
    );
    String::from_utf8(out)
        .context("completion script")
        .map_err(AppError::failure)
}

/// The man page on standard output, or one page per command written into `dir`.
pub fn man(dir: Option<&Path>) -> Result<String, AppError> {
    let command = Cli::command();
    let Some(dir) = dir else {
        return page(&command);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
        .map_err(AppError::failure)?;
    let mut written = Vec::new();
    let mut write = |name: String, text: String| -> Result<(), AppError> {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write {}", path.display()))
            .map_err(AppError::failure)?;
        written.push(path.display().to_string());
        Ok(())
    };
    write("routewise".into(), page(&command)?)?;
    for sub in command.get_subcommands() {
        let name = format!("routewise-{}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("routewise {}", sub.get_name()));
        write(name, page(&sub)?)?;
    }
    Ok(written.join("\n") + "\n")
}

fn page(command: &clap::Command) -> Result<String, AppError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .context("man page")
        .map_err(AppError::failure)?;
    String::from_utf8(out)
        .context("man page")
        .map_err(AppError::failure)
}
