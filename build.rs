//! Rebuild when the embedded data directories change, including files added to them:
//! rust-embed only tracks the files that existed at the last build.

fn main() {
    for dir in ["rules", "pricing", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
