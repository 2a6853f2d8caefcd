//! A small fluent builder for running the `routewise` binary in a scratch directory, so
//! tests read like the command a user types and paths in messages are stable.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The repository root, where `examples/` lives.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Run {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// What a run produced.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Writes a file into the scratch directory (creating parent directories).
    pub fn file(self, name: &str, contents: &str) -> Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directory");
        }
        std::fs::write(path, contents).expect("write test file");
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Sets an environment variable for the run (the runs start without SOURCE_DATE_EPOCH).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(self) -> Outcome {
        self.execute()
    }

    /// Runs and hands back the scratch directory, for tests that read files written there.
    pub fn run_in(self) -> (Outcome, tempfile::TempDir) {
        let outcome = self.execute();
        (outcome, self.dir)
    }

    fn execute(&self) -> Outcome {
        let output: Output = Command::cargo_bin("routewise")
            .expect("the routewise binary")
            .current_dir(self.dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .args(&self.args)
            .output()
            .expect("routewise runs");
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Outcome {
    /// Parses standard output as JSON, failing the test with stderr when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{}", self.stderr))
    }
}

/// Runs `advise --format json` on an answers text (and optional workload text).
pub fn advise_json(answers: &str, workload: Option<&str>) -> serde_json::Value {
    let mut run = Run::new().file("answers.yaml", answers);
    let mut args = vec!["advise", "--answers", "answers.yaml", "--format", "json"];
    if let Some(w) = workload {
        run = run.file("workload.yaml", w);
        args.extend(["--workload", "workload.yaml"]);
    }
    let outcome = run.args(&args).run();
    assert_eq!(outcome.code, 0, "advise failed:\n{}", outcome.stderr);
    outcome.json()
}

/// The route entry of a JSON report.
pub fn route<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["routes"]
        .as_array()
        .and_then(|routes| routes.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("route {id} missing from the report"))
}

/// The YAML blocks of docs/ci.md that name their file on the first line
/// (`# decision/rules/policy.yaml`), as (path, text): the docs' examples, checked as written.
pub fn ci_doc_files() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    doc.split("```yaml\n")
        .skip(1)
        .filter_map(|block| {
            let block = block.split("```").next()?;
            let first = block.lines().next()?;
            let path = first.strip_prefix("# ")?.trim();
            path.starts_with("decision/")
                .then(|| (path.to_owned(), block.to_owned()))
        })
        .collect()
}

/// How many items the embedded data holds in one section (`questions`, `routes`, `rules`)
/// across every `rules/*.yaml`, so tests derive counts from the data and adding a route or a
/// rule touches data only.
pub fn embedded_count(section: &str) -> usize {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable");
            let value: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
            value[section].as_array().map_or(0, Vec::len)
        })
        .sum()
}

/// The example directories that hold an `answers.yaml` and a `workload.yaml`, sorted, so
/// tests that run every example pick up a new one without a list to keep.
pub fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("answers.yaml").is_file() && p.join("workload.yaml").is_file())
        .map(|p| {
            p.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The examples that decide one route for the whole workload (no `surfaces:` in their
/// answers), for tests of the single-route report.
pub fn single_route_examples() -> Vec<String> {
    examples()
        .into_iter()
        .filter(|name| {
            let answers =
                std::fs::read_to_string(root().join("examples").join(name).join("answers.yaml"))
                    .expect("answers.yaml");
            !answers.lines().any(|l| l.starts_with("surfaces:"))
        })
        .collect()
}

/// The test-only variable that sets how many pieces a large usage file is read in.
pub const READ_PIECES: &str = "ROUTEWISE_TEST_READ_PIECES";

/// Runs `routewise replay ARGS` in `dir`, read in `pieces` pieces (`None`: as the file's size
/// decides), for tests that compare reading in pieces with reading in one go.
pub fn replay_in_pieces(dir: &Path, pieces: Option<&str>, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_routewise"));
    command
        .current_dir(dir)
        .arg("replay")
        .args(args)
        .stdin(std::process::Stdio::null())
        .env_remove(READ_PIECES);
    if let Some(pieces) = pieces {
        command.env(READ_PIECES, pieces);
    }
    command.output().unwrap()
}

/// Whether the Python `duckdb` package is installed, for tests that run emitted SQL on it.
/// Without it they skip, unless `ROUTEWISE_REQUIRE_DUCKDB=1` (CI) makes that a failure.
pub fn duckdb_available() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("ROUTEWISE_REQUIRE_DUCKDB").as_deref() != Ok("1"),
            "ROUTEWISE_REQUIRE_DUCKDB=1 but the Python duckdb package is not installed"
        );
        println!("skipping: the Python duckdb package is not installed (pip install duckdb)");
    }
    ok
}

/// Two runs printed the same: exit code, stdout and stderr, byte for byte.
pub fn assert_same_run(one: &Output, other: &Output, what: &str) {
    assert_eq!(one.status.code(), other.status.code(), "{what}");
    assert!(
        one.stdout == other.stdout,
        "{what}: stdout differs\n{}\n---\n{}",
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&other.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&one.stderr),
        String::from_utf8_lossy(&other.stderr),
        "{what}"
    );
}
