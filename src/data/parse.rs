//! Typed parsing of YAML and TOML files into diagnostics that name file, line, column and key.
//!
//! YAML goes through `serde-saphyr` (no unsafe code, budgets against alias bombs, line and
//! column on every error); TOML through `toml`. Both are wrapped in `serde_path_to_error` so
//! an error also names the key path (`traffic[0].batch_share`), not only the position.

use serde::de::DeserializeOwned;

use crate::support::diagnostic::{Code, Diagnostic, SourceFile};
use crate::support::internal::{Internal, join};

pub use crate::support::limits::MAX_FILE_BYTES;

/// Parses a YAML file into `T`, rejecting unknown keys (the types use `deny_unknown_fields`).
pub fn yaml<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() || only_comments(&file.text) {
        return Err(file
            .error_whole(Code::FileEmpty, "the file is empty")
            .with_help(
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
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    let message = yaml_message(&error);
    let document = yaml_document(&file.text);
    let code = if message.starts_with("the document is too large") {
        Code::ParseTooComplex
    } else if document.is_none() {
        // Text that does not read even as plain data is not well-formed.
        Code::ParseSyntax
    } else {
        serde_code(&message)
    };
    let key = path.and_then(|p| user_key_path(&p, document.as_ref()));
    Err(file.error_at_line(code, line, column, key.as_deref(), message))
}

/// The code of an error serde reports while reading well-formed text into a type: its
/// standard messages name an unknown or missing key; anything else is a bad value.
pub fn serde_code(message: &str) -> Code {
    if message.starts_with("unknown field") {
        Code::ParseUnknownKey
    } else if message.starts_with("missing field") {
        Code::ParseMissingKey
    } else {
        Code::ParseInvalidValue
    }
}

/// Parses a YAML file without the key-path tracking of [`yaml`], for second reads of a
/// file already known to parse (to find positions).
pub fn yaml_lenient<T: DeserializeOwned>(file: &SourceFile) -> Option<T> {
    serde_saphyr::from_str_with_options::<T>(&file.text, yaml_options()).ok()
}

/// Parses several files at once, one thread each, keeping their order: start-up time is
/// dominated by parsing the data files, and files do not depend on each other. A parser
/// that panics is an internal failure, not a problem of the file.
pub fn all_in_parallel<I: Sync, T: Send>(
    files: &[I],
    parse: impl Fn(&I) -> Result<T, Diagnostic> + Sync,
) -> Result<Vec<Result<T, Diagnostic>>, Internal> {
    if files.len() < 2 {
        return Ok(files.iter().map(&parse).collect());
    }
    std::thread::scope(|scope| {
        let parse = &parse;
        let handles: Vec<_> = files
            .iter()
            .map(|file| scope.spawn(move || parse(file)))
            .collect();
        handles
            .into_iter()
            .map(|handle| join(handle, "parsing a data file"))
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

/// The key path as the user wrote it: only the segments that are keys or indices of the
/// document, so the `value` segments that `Spanned<T>` wrappers (and flattened fields) add
/// are dropped, whatever the types call them. `None` for paths through maps whose keys are
/// not named. Without a document (the text does not parse as plain data) the path stays.
fn user_key_path(path: &str, document: Option<&serde_json::Value>) -> Option<String> {
    if path == "." || path.contains('?') {
        return None;
    }
    // `Some(node)` while the path is still inside the document.
    let mut node = document;
    let mut out = String::new();
    for segment in path.split('.') {
        // toml's `Spanned<T>` shows up in the path as its private field name; a user's key
        // never contains it, even past the end of the document.
        if segment.starts_with("$__serde_spanned_private") {
            continue;
        }
        let (name, indices) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        if !name.is_empty() {
            match node {
                Some(serde_json::Value::Object(map)) if map.contains_key(name) => {
                    node = map.get(name);
                }
                // A segment the document does not have is a wrapper's, not the user's.
                Some(_) if indices.is_empty() => continue,
                _ => node = None,
            }
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(name);
        }
        for index in indices.split_terminator(']') {
            let index = index.trim_start_matches('[');
            node = node.and_then(|n| n.get(index.parse::<usize>().ok()?));
            out.push('[');
            out.push_str(index);
            out.push(']');
        }
    }
    Some(out)
}

/// A YAML text as plain data, for [`user_key_path`]; `None` if it does not read as such.
fn yaml_document(text: &str) -> Option<serde_json::Value> {
    serde_saphyr::from_str_with_options(text, yaml_options()).ok()
}

/// A TOML text as plain data, for [`user_key_path`].
fn toml_plain(text: &str) -> Option<serde_json::Value> {
    serde_json::to_value(text.parse::<toml::Table>().ok()?).ok()
}

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
        return Err(file.error_whole(Code::FileEmpty, "the file is empty"));
    }
    let mut path = None;
    let mut code = Code::ParseSyntax;
    let result = toml::de::Deserializer::parse(&file.text).and_then(|de| {
        serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
            path = Some(e.path().to_string());
            let error = e.into_inner();
            code = serde_code(error.message().trim());
            error
        })
    });
    result.map_err(|error| {
        let key = path.and_then(|p| user_key_path(&p, toml_plain(&file.text).as_ref()));
        let offset = error.span().map_or(0, |s| s.start);
        file.error_at(
            code,
            offset,
            key.as_deref(),
            error.message().trim().to_owned(),
        )
    })
}

/// The byte offset of a key in a TOML text, found by parsing it with spans: `["models",
/// "claude-x", "family"]` is the `family` key of the `[models.claude-x]` table. Diagnostics
/// about values that were read without spans (embedded tables come from build-time JSON)
/// use it, on the error path only.
pub fn toml_key_offset(text: &str, path: &[&str]) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let (last, parents) = path.split_last()?;
    let mut table = root.get_ref();
    for key in parents {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref() == key)?;
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => table = inner,
            _ => return None,
        }
    }
    let (key, _) = table.iter().find(|(k, _)| k.get_ref() == last)?;
    Some(key.span().start)
}

/// Parses a TOML file into its top-level table with every value's position, so its parts
/// can be deserialized one at a time ([`toml_part`]) and each part's errors reported. A
/// syntax error stops here: nothing after it can be read reliably.
pub fn toml_document(file: &SourceFile) -> Result<toml::de::DeTable<'_>, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(file.error_whole(Code::FileEmpty, "the file is empty"));
    }
    toml::de::DeTable::parse(&file.text)
        .map(toml::Spanned::into_inner)
        .map_err(|error| {
            let offset = error.span().map_or(0, |s| s.start);
            file.error_at(
                Code::ParseSyntax,
                offset,
                None,
                error.message().trim().to_owned(),
            )
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
        let inner = user_key_path(&e.path().to_string(), None).filter(|p| !p.is_empty());
        let error = e.into_inner();
        let key = match inner {
            Some(inner) => format!("{key}.{inner}"),
            None => key.to_owned(),
        };
        let offset = error.span().map_or(start, |s| s.start);
        let message = error.message().trim().to_owned();
        file.error_at(serde_code(&message), offset, Some(&key), message)
    })
}

/// Reads a user's file, turning I/O problems and oversized files into diagnostics.
///
/// The size limit is enforced on the bytes read, not on the size the file system reports,
/// so devices (`/dev/zero`) and FIFOs, which report no size, are bounded too.
pub fn read_file(path: &std::path::Path) -> Result<SourceFile, Diagnostic> {
    use std::io::Read;
    let name = path.display().to_string();
    let whole =
        |code: Code, message: String| SourceFile::new(name.clone(), "").error_whole(code, message);
    let metadata = std::fs::metadata(path).map_err(|e| {
        whole(
            Code::FileRead,
            format!("cannot read the file: {}", io_reason(&e)),
        )
    })?;
    if metadata.is_dir() {
        return Err(whole(
            Code::FileRead,
            "expected a file, found a directory".into(),
        ));
    }
    let too_large = |size: &str| {
        whole(
            Code::LimitFileSize,
            format!(
                "the file is {size} bytes long; routewise reads files of at most {MAX_FILE_BYTES} bytes"
            ),
        )
        .with_help("see docs/limits.md")
    };
    if metadata.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(&metadata.len().to_string()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        whole(
            Code::FileRead,
            format!("cannot read the file: {}", io_reason(&e)),
        )
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            whole(
                Code::FileRead,
                format!("cannot read the file: {}", io_reason(&e)),
            )
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
        return Err(SourceFile::new(name, "").error_whole(
            Code::LimitFileSize,
            format!(
                "the file is {} bytes; routewise reads files of at most {MAX_FILE_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        SourceFile::new(name.clone(), "").error_whole(
            Code::FileUtf8,
            format!(
                "the file is not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
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
    fn key_paths_keep_only_what_the_document_has() {
        let document = yaml_document(
            "traffic:\n  - model: a\n  - model: b\nquestions:\n  - id: q\n    \
             choices:\n      - value: x\n      - value: y\n",
        );
        let path = |p: &str| user_key_path(p, document.as_ref());
        assert_eq!(
            path("traffic[1].value.model.value").as_deref(),
            Some("traffic[1].model")
        );
        // A real `value` key stays; the wrapper's goes.
        assert_eq!(
            path("questions[0].value.choices[1].value").as_deref(),
            Some("questions[0].choices[1].value")
        );
        // Past the document, the path stays as it is.
        assert_eq!(
            path("traffic[5].value.model").as_deref(),
            Some("traffic[5].value.model")
        );
        assert_eq!(path("?.value[3]"), None);
        assert_eq!(path("."), None);
        assert_eq!(
            user_key_path("a.value.b", None).as_deref(),
            Some("a.value.b")
        );
        assert_eq!(
            user_key_path("override[0].$__serde_spanned_private_value.input", None).as_deref(),
            Some("override[0].input")
        );
    }

    #[test]
    fn yaml_key_paths_need_no_list_of_wrapped_fields() {
        use serde_saphyr::Spanned;
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wrapped {
            #[allow(dead_code)]
            entries: Vec<Spanned<Item>>,
        }
        let file = SourceFile::new("doc.yaml", "entries:\n  - count: 1\n  - count: x\n");
        let d = yaml::<Wrapped>(&file).unwrap_err();
        assert_eq!(d.key.as_deref(), Some("entries[1].count"));
    }

    #[test]
    fn yaml_errors_carry_the_code_of_their_kind() {
        let code = |text: &str| {
            yaml::<Doc>(&SourceFile::new("doc.yaml", text))
                .unwrap_err()
                .code
        };
        assert_eq!(
            code("items:\n  - count: 1\n  bad: : :\n"),
            Code::ParseSyntax
        );
        assert_eq!(
            code("items:\n  - count: 1\n    extra: 2\n"),
            Code::ParseUnknownKey
        );
        assert_eq!(code("items:\n  - {}\n"), Code::ParseMissingKey);
        assert_eq!(code("items:\n  - count: -1\n"), Code::ParseInvalidValue);
        assert_eq!(code("items: 3\n"), Code::ParseInvalidValue);
        assert_eq!(code("# only a comment\n"), Code::FileEmpty);
    }

    #[test]
    fn toml_errors_carry_the_code_of_their_kind() {
        let code = |text: &str| {
            toml::<Doc>(&SourceFile::new("doc.toml", text))
                .unwrap_err()
                .code
        };
        assert_eq!(code("[[items]]\ncount = \"x\n"), Code::ParseSyntax);
        assert_eq!(
            code("[[items]]\ncount = 1\nextra = 2\n"),
            Code::ParseUnknownKey
        );
        assert_eq!(code("[[items]]\n"), Code::ParseMissingKey);
        assert_eq!(code("[[items]]\ncount = \"x\"\n"), Code::ParseInvalidValue);
    }

    #[test]
    fn a_parser_that_panics_is_an_internal_failure_not_a_bad_file() {
        let files = ["a", "b", "c"];
        let result = all_in_parallel(&files, |file| {
            if *file == "b" {
                panic!("a bug in a parser");
            }
            Ok(file.len())
        });
        let error = result.expect_err("a panic is not a diagnostic");
        assert_eq!(error.what, "parsing a data file");
        let fine = all_in_parallel(&files, |file| Ok(file.len())).expect("no panic");
        assert_eq!(fine.len(), 3);
    }

    #[test]
    fn yaml_empty_file_is_an_error() {
        let file = SourceFile::new("doc.yaml", "# nothing\n");
        assert!(yaml::<Doc>(&file).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn toml_keys_are_found_by_their_parsed_span_not_by_text() {
        let text = "# the as_of date and the source are below\ntable = \"t\"\n\
                    [models.\"m-1\"]\nfamily = \"x\" # not as_of\nas_of = 1\n\nas_of2 = 2\n";
        let offset = |path: &[&str]| toml_key_offset(text, path).map(|o| &text[o..o + 6]);
        assert_eq!(offset(&["table"]), Some("table "));
        assert_eq!(offset(&["models", "m-1", "family"]), Some("family"));
        assert_eq!(offset(&["models", "m-1", "as_of"]), Some("as_of "));
        assert_eq!(offset(&["as_of"]), None);
        assert_eq!(offset(&["models", "m-2"]), None);
    }

    #[test]
    fn toml_error_names_key_and_position() {
        let file = SourceFile::new("p.toml", "[[items]]\ncount = \"x\"\n");
        let d = toml::<Doc>(&file).unwrap_err();
        assert_eq!(d.line, 2);
        assert_eq!(d.key.as_deref(), Some("items[0].count"));
    }
}
