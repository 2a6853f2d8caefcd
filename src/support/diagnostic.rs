//! Problems found in input files, each pointing at `file:line:column` and the key involved.
//!
//! Every loader collects diagnostics instead of stopping at the first problem, so
//! `routewise validate` can show all of them at once.

use std::fmt;

pub use crate::support::codes::Code;

/// A named piece of input text: a user's file or an embedded default.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in messages: a path as the user gave it, or `<embedded>/rules/routes.yaml`.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The 1-based line and column of a byte offset (columns count characters, not bytes).
    pub fn line_column(&self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() as u64 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() as u64 + 1;
        (line, column)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u64) -> Option<&str> {
        let index = usize::try_from(line.checked_sub(1)?).ok()?;
        self.text
            .lines()
            .nth(index)
            .map(|l| l.trim_end_matches('\r'))
    }

    /// A diagnostic at a byte offset of this file.
    pub fn error_at(
        &self,
        code: Code,
        offset: usize,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_column(offset);
        self.error_at_line(code, line, column, key, message)
    }

    /// A diagnostic at a line and column of this file.
    pub fn error_at_line(
        &self,
        code: Code,
        line: u64,
        column: u64,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            file: self.name.clone(),
            line,
            column,
            key: key.map(str::to_owned),
            message: message.into(),
            help: None,
            source_line: self.line_text(line).map(clip_source_line),
        }
    }

    /// A diagnostic about the whole file (missing, empty, unreadable).
    pub fn error_whole(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            file: self.name.clone(),
            line: 1,
            column: 1,
            key: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }
}

/// The longest source line echoed under a diagnostic, in characters: a 5 MB line must not
/// become 5 MB on stderr.
pub const MAX_ECHOED_CHARS: usize = 200;

/// The longest message or help shown, in characters: messages quote the user's values.
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// A source line as echoed under a diagnostic, cut to [`MAX_ECHOED_CHARS`].
fn clip_source_line(line: &str) -> String {
    clip(line.trim_end_matches('\r'), MAX_ECHOED_CHARS)
}

/// `text` cut to at most `max` characters, marked with how much was left out, so that a
/// huge value never echoes in full.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}… ({} more bytes)", &text[..end], text.len() - end),
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem this is, stable across releases (`docs/diagnostics.md`).
    pub code: Code,
    pub file: String,
    pub line: u64,
    pub column: u64,
    /// The key path involved, such as `traffic[0].batch_share`.
    pub key: Option<String>,
    pub message: String,
    pub help: Option<String>,
    source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with no file behind it (a command-line argument, for example).
    pub fn plain(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            file: String::new(),
            line: 0,
            column: 0,
            key: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    /// The same diagnostic with its message rewritten.
    #[must_use]
    pub fn map_message(mut self, f: impl FnOnce(String) -> String) -> Self {
        self.message = f(self.message);
        self
    }

    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// Renders like a compiler error: message, location, the source line and a caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "error[{}]: {}",
            self.code,
            clip(&self.message, MAX_MESSAGE_CHARS)
        )?;
        if !self.file.is_empty() && self.line == 0 {
            // A problem with the file as a whole (what it is, not one of its lines): it
            // points at the start of the file and says so.
            write!(f, "  --> {}:1:1 (the whole file)", self.file)?;
            if let Some(key) = &self.key {
                write!(f, " (key `{key}`)")?;
            }
            writeln!(f)?;
        } else if !self.file.is_empty() {
            write!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
            if let Some(key) = &self.key {
                write!(f, " (key `{key}`)")?;
            }
            writeln!(f)?;
        }
        if let Some(source) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret_pad: String = source
                .chars()
                .take(self.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {source}")?;
            writeln!(f, "{pad} | {caret_pad}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", clip(help, MAX_MESSAGE_CHARS))?;
        }
        Ok(())
    }
}

/// Every problem found while loading; empty means the inputs are valid.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(value)` when nothing was found, otherwise every diagnostic.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_and_in_characters() {
        let file = SourceFile::new("f.yaml", "a: 1\nbé: x\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(5), (2, 1));
        // "bé: " is 5 bytes but 4 characters.
        assert_eq!(file.line_column(10), (2, 5));
    }

    #[test]
    fn display_shows_location_key_source_and_caret() {
        let file = SourceFile::new("answers.yaml", "cloud: aws\nclod: gcp\n");
        let d = file
            .error_at_line(
                Code::AnswersUnknownKey,
                2,
                1,
                Some("clod"),
                "unknown question `clod`",
            )
            .with_help("did you mean `cloud`?");
        let text = d.to_string();
        assert!(
            text.starts_with("error[E-ANSWERS-UNKNOWN-KEY]: unknown question `clod`\n"),
            "{text}"
        );
        assert!(text.contains("--> answers.yaml:2:1 (key `clod`)"), "{text}");
        assert!(text.contains("2 | clod: gcp"), "{text}");
        assert!(text.contains("  | ^"), "{text}");
        assert!(text.contains("help: did you mean `cloud`?"), "{text}");
    }

    #[test]
    fn a_problem_with_the_whole_file_points_at_its_start_and_says_so() {
        let mut d = Diagnostic::plain(Code::FileRead, "this is a bill, not usage");
        d.file = "cur.csv".into();
        let text = d.to_string();
        assert!(
            text.contains("--> cur.csv:1:1 (the whole file)\n"),
            "{text}"
        );
        assert!(!text.contains(":0:0"), "{text}");
    }
}
