//! The README's layout block is the map a newcomer reads first: it must list every source
//! file in the tree, and nothing that is gone.

use std::collections::BTreeSet;
use std::path::Path;

/// Source files as `folder/file.rs` paths relative to `src/`, `mod.rs` files left out.
fn tree_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            tree_files(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".rs") && name != "mod.rs" {
            out.insert(format!("{prefix}{name}"));
        }
    }
}

/// The files the README's layout block names: `src/x.rs` lines, and indented entries
/// under a `src/folder/` line, two spaces per level.
fn readme_files(readme: &str) -> BTreeSet<String> {
    let start = readme.find("## Layout").expect("a Layout section");
    let block_start = readme[start..].find("```\n").expect("a code block") + start + 4;
    let block_end = readme[block_start..].find("```").expect("block end") + block_start;
    let mut out = BTreeSet::new();
    let mut folders: Vec<String> = Vec::new();
    for line in readme[block_start..block_end].lines() {
        let indent = line.len() - line.trim_start().len();
        let word = line.split_whitespace().next().unwrap_or("");
        if indent == 0 {
            folders.clear();
            if let Some(rest) = word.strip_prefix("src/") {
                if let Some(folder) = rest.strip_suffix('/') {
                    folders.push(folder.to_owned());
                } else {
                    out.insert(rest.to_owned());
                }
            }
            continue;
        }
        if folders.is_empty() {
            continue;
        }
        folders.truncate(indent / 2);
        let base = folders.join("/");
        if let Some(folder) = word.strip_suffix('/') {
            folders.push(folder.to_owned());
        } else {
            out.insert(format!("{base}/{word}"));
        }
    }
    out
}

#[test]
fn the_layout_block_lists_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tree = BTreeSet::new();
    tree_files(&root.join("src"), "", &mut tree);
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let listed = readme_files(&readme);
    let missing: Vec<&String> = tree.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&tree).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "README.md's layout block is out of date.\n  in src/ but not listed: {missing:?}\n  listed but not in src/: {gone:?}"
    );
}

#[test]
fn the_parser_reads_nested_folders() {
    let readme = "## Layout\n\n```\nsrc/main.rs  x\nsrc/engine/  y\n  decide.rs  z\n  cost/  c\n    lines.rs  l\n  advice.rs  a\nrules/\n```\n";
    let files: Vec<String> = readme_files(readme).into_iter().collect();
    assert_eq!(
        files,
        [
            "engine/advice.rs",
            "engine/cost/lines.rs",
            "engine/decide.rs",
            "main.rs"
        ]
    );
}
