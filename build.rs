//! Build-time preparation of the embedded data:
//!
//! - rebuild when the embedded data directories change, including files added to them
//!   (rust-embed only tracks the files that existed at the last build);
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
    std::fs::write(Path::new(&out).join("embedded_json.rs"), table).expect("write the cache table");
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
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the data directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| extensions.iter().any(|x| n.ends_with(&format!(".{x}"))))
        .collect();
    names.sort();
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
