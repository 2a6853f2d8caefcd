//! Where data comes from: the defaults embedded in the binary, overridden or extended by
//! the user's directories.
//!
//! A user file with the same name as an embedded one replaces it; any other file adds to
//! the defaults. Inside the merged data, an item (question, route, rule, pricing table)
//! whose id matches an embedded one replaces it; new ids extend the catalogue.

use std::path::Path;

use crate::data::parse;
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};

include!(concat!(env!("OUT_DIR"), "/embedded_json.rs"));

/// The build-time JSON twin of an embedded data file, when there is one and it reads.
pub fn embedded_json<T: serde::de::DeserializeOwned>(
    table: &[(&str, &str)],
    file_name: &str,
) -> Option<T> {
    let (_, json) = table.iter().find(|(name, _)| *name == file_name)?;
    serde_json::from_str(json).ok()
}

/// Which layer a file comes from; a later layer wins over an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    Embedded,
    User,
}

/// One data file, ready to parse.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub layer: Layer,
    /// The file name without directory, used to match user files with embedded ones.
    pub file_name: String,
    pub source: SourceFile,
}

/// The kinds of data directory routewise reads.
#[derive(Debug, Clone, Copy)]
pub enum DataKind {
    Rules,
    Pricing,
    Templates,
}

impl DataKind {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            DataKind::Rules => &["yaml", "yml"],
            DataKind::Pricing => &["toml"],
            DataKind::Templates => &["j2"],
        }
    }

    /// The embedded files of this kind, from the tables `build.rs` writes.
    fn embedded(self) -> &'static [(&'static str, &'static str)] {
        match self {
            DataKind::Rules => EMBEDDED_RULES_TEXT,
            DataKind::Pricing => EMBEDDED_PRICING_TEXT,
            DataKind::Templates => EMBEDDED_TEMPLATES_TEXT,
        }
    }

    fn folder(self) -> &'static str {
        match self {
            DataKind::Rules => "rules",
            DataKind::Pricing => "pricing",
            DataKind::Templates => "templates",
        }
    }
}

/// The embedded files of a kind, then the user's directory over them, sorted by name.
pub fn data_files(kind: DataKind, user_dir: Option<&Path>) -> Result<Vec<DataFile>, Diagnostics> {
    let Some(dir) = user_dir else {
        return Ok(embedded_files(kind));
    };
    let user = user_files(kind, dir)?;
    Ok(with_user_files(kind, user))
}

/// The embedded files of a kind, sorted by name.
pub fn embedded_files(kind: DataKind) -> Vec<DataFile> {
    kind.embedded()
        .iter()
        .map(|(name, text)| DataFile {
            layer: Layer::Embedded,
            source: SourceFile::new(format!("<embedded>/{}/{name}", kind.folder()), *text),
            file_name: (*name).to_owned(),
        })
        .collect()
}

/// The embedded files of a kind with `user` files laid over them: a user file replaces the
/// embedded file of the same name. This is how text that does not come from a directory
/// (a test, a fuzzer) is read exactly as a user's directory would be.
pub fn with_user_files(kind: DataKind, user: Vec<DataFile>) -> Vec<DataFile> {
    let mut files = embedded_files(kind);
    for file in user {
        files.retain(|f| f.file_name != file.file_name);
        files.push(file);
    }
    files
}

/// A user's file as a [`DataFile`], for [`with_user_files`].
pub fn user_file(file_name: impl Into<String>, source: SourceFile) -> DataFile {
    DataFile {
        layer: Layer::User,
        file_name: file_name.into(),
        source,
    }
}

/// The files of a kind in a user's directory, sorted by name. A symlink that dangles or
/// loops is an error naming it, never skipped: skipping it would silently fall back to the
/// embedded defaults.
fn user_files(kind: DataKind, dir: &Path) -> Result<Vec<DataFile>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::plain(
            Code::DataDir,
            format!(
                "cannot read the {} directory {}: {}",
                kind.folder(),
                dir.display(),
                if e.kind() == std::io::ErrorKind::NotFound {
                    "no such directory".to_string()
                } else {
                    e.to_string()
                }
            ),
        )
    })?;
    let mut user_paths = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                problems.push(Diagnostic::plain(
                    Code::DataDir,
                    format!(
                        "cannot list the {} directory {}: {e}",
                        kind.folder(),
                        dir.display()
                    ),
                ));
                continue;
            }
        };
        if !has_extension(&path.to_string_lossy(), kind.extensions()) {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => user_paths.push(path),
            Ok(_) => {}
            Err(e) => {
                let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                let what = if is_link {
                    "a symbolic link that dangles or loops"
                } else {
                    "an entry that cannot be read"
                };
                problems.push(
                    SourceFile::new(path.display().to_string(), "")
                        .error_whole(
                            Code::DataSymlink,
                            format!("{what}: {}", parse::io_reason(&e)),
                        )
                        .with_help("remove the link or point it at a file; routewise never skips a file it cannot read"),
                );
            }
        }
    }
    user_paths.sort();
    if user_paths.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::plain(
            Code::DataDirEmpty,
            format!(
                "the {} directory {} holds no .{} files",
                kind.folder(),
                dir.display(),
                kind.extensions().join(" or .")
            ),
        ));
    }
    let mut files = Vec::new();
    for path in user_paths {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match parse::read_file(&path) {
            Ok(source) => files.push(user_file(file_name, source)),
            Err(d) => problems.push(d),
        }
    }
    problems.into_result(files)
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}
