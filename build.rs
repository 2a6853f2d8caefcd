//! Build-time preparation of the embedded data:
//!
//! - embed the data directories' files (`rules/`, `rules/tests/`, `pricing/`, `templates/`)
//!   as `(file name, text)` tables, rebuilt when a file is added, changed or removed;
//! - convert each embedded `rules/*.yaml` and `pricing/*.toml` to JSON, so start-up reads
//!   the defaults with a JSON parser (several times faster than YAML or TOML). The original
//!   text is still embedded for messages; a file that does not convert here is simply read
//!   in its own format at run time, where its problems are reported with file, line and
//!   column.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    for dir in ["rules", "pricing", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut table = String::new();
    convert(
        &out,
        "rules",
        &["yaml", "yml"],
        "EMBEDDED_RULES_JSON",
        &mut table,
        |text| serde_saphyr::from_str::<serde_json::Value>(text).ok(),
    );
    convert(
        &out,
        "pricing",
        &["toml"],
        "EMBEDDED_PRICING_JSON",
        &mut table,
        |text| toml::from_str::<serde_json::Value>(text).ok(),
    );
    for (dir, extensions, constant) in [
        ("rules", &["yaml", "yml"][..], "EMBEDDED_RULES_TEXT"),
        (
            "rules/tests",
            &["yaml", "yml"][..],
            "EMBEDDED_RULE_TESTS_TEXT",
        ),
        ("pricing", &["toml"][..], "EMBEDDED_PRICING_TEXT"),
        ("templates", &["j2"][..], "EMBEDDED_TEMPLATES_TEXT"),
    ] {
        embed_texts(dir, extensions, constant, &mut table);
    }
    std::fs::write(Path::new(&out).join("embedded_json.rs"), table).expect("write the cache table");
}

/// The file names of `dir` with one of `extensions`, sorted.
fn file_names(dir: &str, extensions: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the data directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| extensions.iter().any(|x| n.ends_with(&format!(".{x}"))))
        .collect();
    names.sort();
    names
}

/// Adds a `(file name, text)` table of `dir`'s files named `constant` to `table`.
fn embed_texts(dir: &str, extensions: &[&str], constant: &str, table: &mut String) {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    writeln!(table, "/// The embedded `{dir}/` files: (file name, text).").expect("write");
    writeln!(table, "pub const {constant}: &[(&str, &str)] = &[").expect("write");
    for name in file_names(dir, extensions) {
        let path = Path::new(&root).join(dir).join(&name);
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write");
    }
    table.push_str("];\n");
}

/// Converts every file of `dir` with one of `extensions` to JSON in OUT_DIR and adds a
/// `(file name, JSON)` table named `constant` to `table`.
fn convert(
    out: &str,
    dir: &str,
    extensions: &[&str],
    constant: &str,
    table: &mut String,
    to_json: impl Fn(&str) -> Option<serde_json::Value>,
) {
    let cache_dir = Path::new(out).join(format!("embedded-{dir}-json"));
    std::fs::create_dir_all(&cache_dir).expect("create the cache directory");
    let names = file_names(dir, extensions);
    writeln!(
        table,
        "/// Embedded `{dir}/` files converted to JSON at build time: (file name, JSON)."
    )
    .expect("write");
    writeln!(table, "pub const {constant}: &[(&str, &str)] = &[").expect("write");
    for name in names {
        let text = std::fs::read_to_string(Path::new(dir).join(&name)).expect("readable data file");
        let Some(value) = to_json(&text) else {
            continue;
        };
        let json_path = cache_dir.join(format!("{name}.json"));
        std::fs::write(&json_path, value.to_string()).expect("write the JSON cache");
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            json_path.display().to_string()
        )
        .expect("write");
    }
    table.push_str("];\n");
}
