//! Typed parsing of YAML and TOML files into diagnostics that name file, line, column and key.
//!
//! YAML goes through `serde-saphyr` (no unsafe code, budgets against alias bombs, line and
//! column on every error); TOML through `toml`. Both are wrapped in `serde_path_to_error` so
//! an error also names the key path (`traffic[0].batch_share`), not only the position.

use serde::de::DeserializeOwned;

use crate::support::diagnostic::{Diagnostic, SourceFile};

pub use crate::support::limits::MAX_FILE_BYTES;

/// Parses a YAML file into `T`, rejecting unknown keys (the types use `deny_unknown_fields`).
pub fn yaml<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() || only_comments(&file.text) {
        return Err(file.error_whole("the file is empty").with_help(
            "write at least one key; `routewise schema` prints what the file may contain",
        ));
    }
    // The fast path parses once; only a file with a problem is parsed again with key-path
    // tracking, so valid files (every embedded one) pay nothing for good error messages.
    let error = match serde_saphyr::from_str_with_options::<T>(&file.text, yaml_options()) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut path = None;
    let _ =
        serde_saphyr::with_deserializer_from_str_with_options(&file.text, yaml_options(), |de| {
            serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
                path = Some(e.path().to_string());
                e.into_inner()
            })
        });
    let key = path.and_then(|p| user_key_path(&p));
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    Err(file.error_at_line(line, column, key.as_deref(), yaml_message(&error)))
}

/// Parses several files at once, one thread each, keeping their order: start-up time is
/// dominated by parsing the data files, and files do not depend on each other.
pub fn all_in_parallel<I: Sync, T: Send>(
    files: &[I],
    parse: impl Fn(&I) -> Result<T, Diagnostic> + Sync,
) -> Vec<Result<T, Diagnostic>> {
    if files.len() < 2 {
        return files.iter().map(&parse).collect();
    }
    std::thread::scope(|scope| {
        let parse = &parse;
        let handles: Vec<_> = files
            .iter()
            .map(|file| scope.spawn(move || parse(file)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(Diagnostic::plain(
                        "internal error while parsing a data file",
                    ))
                })
            })
            .collect()
    })
}

/// Limits that keep hostile YAML (alias bombs, deep nesting) from exhausting memory.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 100_000,
            max_depth: 64,
        },
        strict_booleans: true,
    }
}

/// The key path as the user wrote it: without the `value` segments that `Spanned<T>`
/// wrappers add, and without paths through maps that have no named keys.
fn user_key_path(path: &str) -> Option<String> {
    if path == "." || path.contains('?') {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let wrapped = i > 0 && {
            let previous = segments[i - 1];
            let field = previous.split('[').next().unwrap_or_default();
            SPANNED_FIELDS.contains(&field)
        };
        if *segment == "value" && wrapped {
            continue;
        }
        // toml's `Spanned<T>` shows up in the path as its private field name; a user's key
        // never contains it.
        if segment.starts_with("$__serde_spanned_private") {
            continue;
        }
        out.push(segment);
    }
    Some(out.join("."))
}

/// Fields whose values (or list items) are wrapped in `Spanned<T>`.
const SPANNED_FIELDS: &[&str] = &[
    "traffic",
    "routes",
    "rules",
    "questions",
    "model",
    "when",
    "message",
    // rule test files
    "cases",
    "name",
    "recommended",
    "viable",
    "warnings",
];

fn only_comments(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---")
}

/// The error's own words, without the location suffix (the diagnostic prints that itself).
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let text = match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    if text == "expected mapping start" {
        return "expected a mapping of keys to values here (such as `cloud: aws`)".into();
    }
    if text.starts_with("budget breached") {
        return format!(
            "the document is too large or expands too far through aliases ({text}); \
             routewise refuses it to stay safe from alias bombs"
        );
    }
    text
}

/// Parses a TOML file into `T`, rejecting unknown keys.
pub fn toml<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(file.error_whole("the file is empty"));
    }
    let mut path = None;
    let result = toml::de::Deserializer::parse(&file.text).and_then(|de| {
        serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
            path = Some(e.path().to_string());
            e.into_inner()
        })
    });
    result.map_err(|error| {
        let key = path.and_then(|p| user_key_path(&p));
        let offset = error.span().map_or(0, |s| s.start);
        file.error_at(offset, key.as_deref(), error.message().trim().to_owned())
    })
}

/// Parses a TOML file into its top-level table with every value's position, so its parts
/// can be deserialized one at a time ([`toml_part`]) and each part's errors reported. A
/// syntax error stops here: nothing after it can be read reliably.
pub fn toml_document(file: &SourceFile) -> Result<toml::de::DeTable<'_>, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(file.error_whole("the file is empty"));
    }
    toml::de::DeTable::parse(&file.text)
        .map(toml::Spanned::into_inner)
        .map_err(|error| {
            let offset = error.span().map_or(0, |s| s.start);
            file.error_at(offset, None, error.message().trim().to_owned())
        })
}

/// Deserializes one part of a TOML document (such as one `[[discount]]` entry), naming
/// `key` (its place in the file, such as `discount[2]`) before the key path inside it.
pub fn toml_part<T: DeserializeOwned>(
    file: &SourceFile,
    value: toml::Spanned<toml::de::DeValue<'_>>,
    key: &str,
) -> Result<T, Diagnostic> {
    let start = value.span().start;
    let de = toml::de::ValueDeserializer::from(value);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let inner = user_key_path(&e.path().to_string()).filter(|p| !p.is_empty());
        let error = e.into_inner();
        let key = match inner {
            Some(inner) => format!("{key}.{inner}"),
            None => key.to_owned(),
        };
        let offset = error.span().map_or(start, |s| s.start);
        file.error_at(offset, Some(&key), error.message().trim().to_owned())
    })
}

/// Reads a user's file, turning I/O problems and oversized files into diagnostics.
///
/// The size limit is enforced on the bytes read, not on the size the file system reports,
/// so devices (`/dev/zero`) and FIFOs, which report no size, are bounded too.
pub fn read_file(path: &std::path::Path) -> Result<SourceFile, Diagnostic> {
    use std::io::Read;
    let name = path.display().to_string();
    let whole = |message: String| SourceFile::new(name.clone(), "").error_whole(message);
    let metadata = std::fs::metadata(path).map_err(|e| {
        whole(format!("cannot read the file: {}", io_reason(&e))).with_code("E-FILE-READ")
    })?;
    if metadata.is_dir() {
        return Err(whole("expected a file, found a directory".into()).with_code("E-FILE-READ"));
    }
    let too_large = |size: &str| {
        whole(format!(
            "the file is {size} bytes long; routewise reads files of at most {MAX_FILE_BYTES} bytes"
        ))
        .with_code("E-LIMIT-FILE-SIZE")
        .with_help("see docs/limits.md")
    };
    if metadata.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(&metadata.len().to_string()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        whole(format!("cannot read the file: {}", io_reason(&e))).with_code("E-FILE-READ")
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            whole(format!("cannot read the file: {}", io_reason(&e))).with_code("E-FILE-READ")
        })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(&format!("more than {MAX_FILE_BYTES}")));
    }
    source_from_bytes(name, bytes)
}

/// A named text from bytes, as [`read_file`] makes it: the entry point for text that does
/// not come from a file (tests, fuzzing), with the same size and UTF-8 checks.
pub fn source_from_bytes(
    name: impl Into<String>,
    bytes: Vec<u8>,
) -> Result<SourceFile, Diagnostic> {
    let name = name.into();
    if bytes.len() > MAX_FILE_BYTES {
        return Err(SourceFile::new(name, "")
            .error_whole(format!(
                "the file is {} bytes; routewise reads files of at most {MAX_FILE_BYTES} bytes",
                bytes.len()
            ))
            .with_code("E-LIMIT-FILE-SIZE"));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        SourceFile::new(name.clone(), "")
            .error_whole(format!(
                "the file is not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
            .with_code("E-FILE-UTF8")
    })?;
    // A byte-order mark is not content: without it, columns on the first line are right
    // and a file holding only a mark is empty.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(SourceFile::new(name, text))
}

pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[allow(dead_code)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        count: u64,
    }

    #[test]
    fn yaml_unknown_key_names_path_line_and_column() {
        let file = SourceFile::new("doc.yaml", "items:\n  - count: 1\n    extra: 2\n");
        let d = yaml::<Doc>(&file).unwrap_err();
        assert_eq!((d.line, d.column), (3, 5));
        assert_eq!(d.key.as_deref(), Some("items[0].extra"));
        assert!(d.message.contains("unknown field `extra`"), "{}", d.message);
    }

    #[test]
    fn yaml_negative_count_is_rejected_at_the_value() {
        let file = SourceFile::new("doc.yaml", "items:\n  - count: -1\n");
        let d = yaml::<Doc>(&file).unwrap_err();
        assert_eq!((d.line, d.column), (2, 12));
        assert_eq!(d.key.as_deref(), Some("items[0].count"));
    }

    #[test]
    fn key_paths_drop_wrapper_segments() {
        assert_eq!(
            user_key_path("traffic[1].value.model.value").as_deref(),
            Some("traffic[1].model")
        );
        assert_eq!(
            user_key_path("questions[0].value.choices[1].value").as_deref(),
            Some("questions[0].choices[1].value")
        );
        assert_eq!(user_key_path("?.value[3]"), None);
        assert_eq!(
            user_key_path("override[0].$__serde_spanned_private_value.input").as_deref(),
            Some("override[0].input")
        );
        assert_eq!(user_key_path("."), None);
    }

    #[test]
    fn yaml_empty_file_is_an_error() {
        let file = SourceFile::new("doc.yaml", "# nothing\n");
        assert!(yaml::<Doc>(&file).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn toml_error_names_key_and_position() {
        let file = SourceFile::new("p.toml", "[[items]]\ncount = \"x\"\n");
        let d = toml::<Doc>(&file).unwrap_err();
        assert_eq!(d.line, 2);
        assert_eq!(d.key.as_deref(), Some("items[0].count"));
    }
}
