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
    let mut files: Vec<DataFile> = kind
        .embedded()
        .iter()
        .map(|(name, text)| DataFile {
            layer: Layer::Embedded,
            source: SourceFile::new(format!("<embedded>/{}/{name}", kind.folder()), *text),
            file_name: (*name).to_owned(),
        })
        .collect();
    let Some(dir) = user_dir else {
        return Ok(files);
    };
    let mut problems = Diagnostics::default();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::plain(
            Code::DirUnreadable,
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
    let mut user_paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .filter(|path| has_extension(&path.to_string_lossy(), kind.extensions()))
        .collect();
    user_paths.sort();
    if user_paths.is_empty() {
        problems.push(Diagnostic::plain(
            Code::DirEmpty,
            format!(
                "the {} directory {} holds no .{} files",
                kind.folder(),
                dir.display(),
                kind.extensions().join(" or .")
            ),
        ));
    }
    for path in user_paths {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match parse::read_file(&path) {
            Ok(source) => {
                files.retain(|f| f.file_name != file_name);
                files.push(DataFile {
                    layer: Layer::User,
                    file_name,
                    source,
                });
            }
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
