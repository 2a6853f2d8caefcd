//! Keeps the layers importing in one direction: a module may use its own layer and the
//! layers before it, never a later one. Every `crate::` path in every source file is
//! checked, in `use` lines and inline, test code included. Inside a layer, two modules may
//! not name each other (`crate::` and `super::` paths, doc links included): one of them
//! comes first.

use std::path::{Path, PathBuf};

/// The layers, in the order they may import each other.
const LAYERS: &[&str] = &[
    "support", "model", "usage", "data", "engine", "outputs", "cli", "commands",
];

/// Files at the crate root that wire the layers together rather than belong to one.
const ROOT_FILES: &[&str] = &["lib.rs", "main.rs", "layering.rs"];

/// One import of a later layer.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation {
    pub file: String,
    pub line: usize,
    pub path: String,
    pub from: String,
    pub to: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = layer_index(&self.from).unwrap_or(0);
        write!(
            f,
            "{}:{}: `{}` imports layer `{}` from layer `{}`, which may import only: {}",
            self.file,
            self.line,
            self.path,
            self.to,
            self.from,
            LAYERS[..=from].join(", ")
        )
    }
}

fn layer_index(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

/// The layer a source file belongs to: its first folder under `src/`, or its file stem.
fn layer_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// Every `crate::first` reference in a source text, with its line and the path as written.
/// A grouped `use crate::{a::x, b}` yields `a` and `b`.
fn crate_references(text: &str) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find("crate::") {
        let start = at + offset;
        at = start + "crate::".len();
        // `routewise_crate::` or `foo_crate::` are other names; require a boundary.
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let line = text[..start].matches('\n').count() + 1;
        let rest = &text[at..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item = item.trim();
                let first: String = item
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !first.is_empty() {
                    found.push((line, first, format!("crate::{item}")));
                }
            }
            continue;
        }
        let first: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let written: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        if !first.is_empty() {
            found.push((line, first, format!("crate::{written}")));
        }
    }
    found
}

/// The imports of later layers in one file's text.
pub fn violations_in(file: &str, layer: &str, text: &str) -> Vec<Violation> {
    let Some(from) = layer_index(layer) else {
        return Vec::new();
    };
    crate_references(text)
        .into_iter()
        .filter_map(|(line, to, path)| {
            let index = layer_index(&to)?;
            (index > from).then(|| Violation {
                file: file.to_owned(),
                line,
                path,
                from: layer.to_owned(),
                to,
            })
        })
        .collect()
}

/// The module a source file under `src/` defines: `usage/report_json.rs` is
/// `usage::report_json`, `outputs/advice/mod.rs` is `outputs::advice`.
fn module_of(relative: &str) -> String {
    relative
        .trim_end_matches(".rs")
        .trim_end_matches("/mod")
        .replace('/', "::")
}

/// Every module path a source text names through `crate::` or `super::` (a group
/// `super::{a::X, b}` names each item), resolved against `module`. `super::` is the
/// module's parent, whether the file is `name.rs` or `name/mod.rs`.
fn named_paths(module: &str, text: &str) -> Vec<Vec<String>> {
    let own: Vec<&str> = module.split("::").collect();
    let parent: Vec<String> = own[..own.len().saturating_sub(1)]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut found = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut at = 0;
        while let Some(offset) = text[at..].find(prefix) {
            let start = at + offset;
            at = start + prefix.len();
            let boundary = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
            if !boundary {
                continue;
            }
            let rest = &text[at..];
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let items: Vec<String> = match rest[head.len()..].strip_prefix('{') {
                Some(group) => {
                    let inner = &group[..group.find('}').unwrap_or(group.len())];
                    inner
                        .split(',')
                        .map(|item| format!("{head}{}", item.trim()))
                        .collect()
                }
                None => vec![head],
            };
            for item in items {
                let mut path = base.clone();
                path.extend(
                    item.split("::")
                        .map(|s| s.split_whitespace().next().unwrap_or(""))
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
                found.push(path);
            }
        }
    }
    found
}

/// Pairs of modules (given as module path and text) that name each other, neither being
/// the other's ancestor: each pair once, in module order.
pub fn module_loops(modules: &[(String, String)]) -> Vec<(String, String)> {
    let known: std::collections::BTreeSet<&str> = modules.iter().map(|(m, _)| m.as_str()).collect();
    let mut edges = std::collections::BTreeSet::new();
    for (module, text) in modules {
        for path in named_paths(module, text) {
            // The longest prefix of the path that is a module of the tree.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| known.contains(m.as_str()));
            let Some(target) = target else { continue };
            let related = target == *module
                || target.starts_with(&format!("{module}::"))
                || module.starts_with(&format!("{target}::"));
            if !related {
                edges.insert((module.clone(), target));
            }
        }
    }
    edges
        .iter()
        .filter(|(a, b)| a < b && edges.contains(&(b.clone(), a.clone())))
        .cloned()
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_import_only_earlier_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut problems = Vec::new();
        for path in &files {
            let relative = path.strip_prefix(&src).expect("under src");
            let name = relative.to_string_lossy().replace('\\', "/");
            if ROOT_FILES.contains(&name.as_str()) {
                continue;
            }
            let layer = layer_of(relative).expect("a file name");
            if layer_index(&layer).is_none() {
                problems.push(format!(
                    "src/{name}: belongs to no layer; put it under one of: {}",
                    LAYERS.join(", ")
                ));
                continue;
            }
            let text = std::fs::read_to_string(path).expect("readable source");
            for v in violations_in(&format!("src/{name}"), &layer, &text) {
                problems.push(v.to_string());
            }
        }
        assert!(
            problems.is_empty(),
            "imports against the layer order:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn no_two_modules_name_each_other() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let modules: Vec<(String, String)> = files
            .iter()
            .map(|path| {
                let relative = path.strip_prefix(&src).expect("under src");
                let name = relative.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(path).expect("readable source");
                (module_of(&name), text)
            })
            .collect();
        let loops: Vec<String> = module_loops(&modules)
            .into_iter()
            .map(|(a, b)| format!("{a} <-> {b}"))
            .collect();
        assert!(
            loops.is_empty(),
            "modules that import each other:\n{}",
            loops.join("\n")
        );
    }

    #[test]
    fn two_sibling_modules_naming_each_other_are_a_loop_a_doc_link_included() {
        let modules = vec![
            (
                "usage::a".to_owned(),
                "use super::b::Thing;\nuse super::{c, d::X};\n".to_owned(),
            ),
            (
                "usage::b".to_owned(),
                "//! The fast path of [`super::a`].\n".to_owned(),
            ),
            (
                "usage::c".to_owned(),
                "use crate::usage::d;\nuse super::*;\n".to_owned(),
            ),
            ("usage::d".to_owned(), String::new()),
            ("usage".to_owned(), "use crate::usage::a;\n".to_owned()),
        ];
        assert_eq!(
            module_loops(&modules),
            [("usage::a".to_owned(), "usage::b".to_owned())]
        );
    }

    #[test]
    fn a_later_layer_import_is_caught_with_its_file_and_line() {
        let text = "use crate::support::money;\nuse crate::{model::route::Route, outputs::advice};\nfn f() { crate::commands::run(); }\n";
        let found = violations_in("src/data/prices.rs", "data", text);
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "src/data/prices.rs:2: `crate::outputs::advice` imports layer `outputs` from layer `data`, which may import only: support, model, usage, data",
                "src/data/prices.rs:3: `crate::commands::run` imports layer `commands` from layer `data`, which may import only: support, model, usage, data",
            ]
        );
    }

    #[test]
    fn earlier_and_same_layer_imports_pass() {
        let text =
            "use crate::support::date::Date;\nuse crate::engine::cost;\nuse routewise_crate::x;\n";
        assert!(violations_in("src/engine/decide.rs", "engine", text).is_empty());
    }
}
