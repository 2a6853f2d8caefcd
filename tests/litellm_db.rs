//! `routewise replay --litellm-db`: a real PostgreSQL server holding LiteLLM's
//! `LiteLLM_SpendLogs` table, read through the pushed-down aggregate, must price exactly
//! like the CSV export of the same rows, to the cent. The SQL of `--emit-sql postgres`, for
//! LiteLLM's table, for Bedrock records and for OpenTelemetry GenAI spans (OTLP JSON lines)
//! in `jsonb` tables, must price like the direct replay. The rows include prompts above the
//! 200K long-context mark and two either side of it.
//!
//! The server: `ROUTEWISE_TEST_POSTGRES_URL` when set (a role allowed to create
//! databases), else a throwaway cluster this test starts with the local `initdb` and
//! `pg_ctl` on a free loopback port and stops when done. With neither, the test says why
//! and skips, unless `ROUTEWISE_REQUIRE_POSTGRES=1` (set by `.ci/run`), where it fails.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Run;
use postgres::{Client, NoTls};

const PASSWORD: &str = "rw-test-secret";

/// A PostgreSQL server for the test, and a fresh database on it.
struct Server {
    /// postgres://… of the test database.
    url: String,
    host_port: String,
    /// The cluster this test started, stopped on drop.
    cluster: Option<Cluster>,
    admin_url: String,
    database: String,
    password: String,
}

struct Cluster {
    pg_ctl: PathBuf,
    data: PathBuf,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.admin_url, NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\"", self.database));
        }
        if let Some(cluster) = &self.cluster {
            let mut stop = command(&cluster.pg_ctl, cluster.as_postgres);
            stop.arg("-D")
                .arg(&cluster.data)
                .args(["-m", "immediate", "stop"]);
            let _ = stop.output();
        }
    }
}

/// Runs a server binary, as the `postgres` user when this process is root (initdb refuses
/// to run as root).
fn command(binary: &Path, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(binary);
        c
    } else {
        Command::new(binary)
    }
}

fn find_binary(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
            .filter(|p| p.is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

fn run_ok(mut command: Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn start_cluster() -> Option<(String, String, Cluster)> {
    let initdb = find_binary("initdb")?;
    let pg_ctl = find_binary("pg_ctl")?;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let password_file = dir.path().join("password");
    std::fs::write(&password_file, PASSWORD).unwrap();
    if root {
        run_ok(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:"]).arg(dir.path());
                c
            },
            "chown",
        );
    }
    let mut init = command(&initdb, root);
    init.arg("-D")
        .arg(&data)
        .args([
            "-U",
            "routewise",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        ])
        .arg(format!("--pwfile={}", password_file.display()));
    run_ok(init, "initdb");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut start = command(&pg_ctl, root);
    start
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.path().join("log"))
        .arg("-o")
        .arg(format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.path().display()
        ))
        .args(["-w", "start"]);
    run_ok(start, "pg_ctl start");
    let admin = format!("postgres://routewise:{PASSWORD}@127.0.0.1:{port}/postgres");
    Some((
        admin,
        format!("127.0.0.1:{port}"),
        Cluster {
            pg_ctl,
            data,
            as_postgres: root,
            _dir: dir,
        },
    ))
}

/// The server, or `None` (with the reason printed) when the test cannot run here.
fn server() -> Option<Server> {
    let required = std::env::var("ROUTEWISE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let (admin_url, host_port, cluster) = match std::env::var("ROUTEWISE_TEST_POSTGRES_URL") {
        Ok(url) => {
            let config: postgres::Config = url.parse().expect("ROUTEWISE_TEST_POSTGRES_URL");
            let host = match &config.get_hosts()[0] {
                postgres::config::Host::Tcp(h) => h.clone(),
                postgres::config::Host::Unix(p) => p.display().to_string(),
            };
            let port = config.get_ports().first().copied().unwrap_or(5432);
            (url, format!("{host}:{port}"), None)
        }
        Err(_) => match start_cluster() {
            Some((url, host_port, cluster)) => (url, host_port, Some(cluster)),
            None => {
                assert!(
                    !required,
                    "ROUTEWISE_REQUIRE_POSTGRES=1 but no PostgreSQL server binaries (initdb, pg_ctl) were found"
                );
                println!(
                    "skipping: no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql, and no ROUTEWISE_TEST_POSTGRES_URL"
                );
                return None;
            }
        },
    };
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let database = format!("routewise_test_{}_{n}", std::process::id());
    let password = admin_url
        .parse::<postgres::Config>()
        .ok()
        .and_then(|c| {
            c.get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        })
        .unwrap_or_default();
    let mut admin = Client::connect(&admin_url, NoTls).expect("connect to the test server");
    for statement in [
        format!("DROP DATABASE IF EXISTS \"{database}\""),
        format!("CREATE DATABASE \"{database}\""),
    ] {
        admin
            .batch_execute(&statement)
            .expect("create the test database");
    }
    let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
    Some(Server {
        url: format!("{base}/{database}"),
        host_port,
        cluster,
        admin_url,
        database,
        password,
    })
}

/// LiteLLM's `LiteLLM_SpendLogs` columns, as its Prisma schema publishes them.
const SCHEMA: &str = r#"
CREATE TABLE "LiteLLM_SpendLogs" (
    request_id TEXT PRIMARY KEY,
    call_type TEXT NOT NULL,
    api_key TEXT NOT NULL DEFAULT '',
    spend DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3) NOT NULL,
    "completionStartTime" TIMESTAMP(3),
    request_duration_ms INTEGER,
    model TEXT NOT NULL DEFAULT '',
    model_id TEXT DEFAULT '',
    model_group TEXT DEFAULT '',
    custom_llm_provider TEXT DEFAULT '',
    api_base TEXT DEFAULT '',
    "user" TEXT DEFAULT '',
    metadata JSONB DEFAULT '{}',
    cache_hit TEXT DEFAULT '',
    cache_key TEXT DEFAULT '',
    request_tags JSONB DEFAULT '[]',
    team_id TEXT,
    organization_id TEXT,
    end_user TEXT,
    requester_ip_address TEXT,
    session_id TEXT,
    status TEXT,
    messages JSONB DEFAULT '{}',
    response JSONB DEFAULT '{}',
    proxy_server_request JSONB DEFAULT '{}',
    agent_id TEXT,
    mcp_namespaced_tool_name TEXT
);
CREATE INDEX "LiteLLM_SpendLogs_startTime_idx" ON "LiteLLM_SpendLogs"("startTime");
"#;

/// One generated spend-log row.
struct Row {
    id: u64,
    start: String,
    model: &'static str,
    provider: &'static str,
    prompt: u64,
    completion: u64,
    spend: String,
    metadata: String,
}

/// Deterministic rows over three days (the first and last outside the replayed range),
/// mixing routes, cache reads and writes, rows without a usage object, and prompts above
/// the 200K long-context mark, with two requests right at it.
fn rows() -> Vec<Row> {
    let models = [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock"),
        ("global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock"),
        ("claude-haiku-4-5-20251001", "anthropic"),
        ("claude-sonnet-4-5-20250929", "anthropic"),
        ("gpt-4o-mini", "openai"),
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut rows: Vec<Row> = (0..3000)
        .map(|id| {
            let (model, provider) = models[next(models.len() as u64) as usize];
            let cache_read = if next(3) == 0 { 0 } else { next(50_000) };
            let cache_write = if next(4) == 0 { next(20_000) } else { 0 };
            // One request in eight is a long prompt, most of them above 200K tokens.
            let uncached = if next(8) == 0 {
                120_000 + next(150_000)
            } else {
                next(30_000)
            };
            let prompt = uncached + cache_read + cache_write;
            let metadata = match next(10) {
                0 => "{}".to_owned(),
                _ => format!(
                    r#"{{"usage_object":{{"prompt_tokens":{prompt},"cache_read_input_tokens":{cache_read},"cache_creation_input_tokens":{cache_write}}}}}"#
                ),
            };
            let minute = id * 2 + next(2);
            let (day, rest) = (minute / 1440, minute % 1440);
            Row {
                id,
                start: format!(
                    "2026-10-{:02} {:02}:{:02}:{:02}.{:03}",
                    1 + day,
                    rest / 60,
                    rest % 60,
                    next(60),
                    next(1000)
                ),
                model,
                provider,
                prompt,
                completion: next(4000),
                spend: format!("{}.{:06}", next(3), next(1_000_000)),
                metadata,
            }
        })
        .collect();
    // In the replayed day, one minute, one model: a prompt of exactly 200,000 tokens
    // (standard) and one of 200,001 (long-context). LiteLLM's `prompt_tokens` includes the
    // cache reads, so adding them again would put the first one above the mark too.
    for (id, prompt) in [(3000, 200_000u64), (3001, 200_001)] {
        rows.push(Row {
            id,
            start: format!("2026-10-02 12:00:{:02}.000", id - 2990),
            model: "claude-sonnet-4-5-20250929",
            provider: "anthropic",
            prompt,
            completion: 1000,
            spend: "1.000000".to_owned(),
            metadata: format!(
                r#"{{"usage_object":{{"prompt_tokens":{prompt},"cache_read_input_tokens":150000,"cache_creation_input_tokens":0}}}}"#
            ),
        });
    }
    rows
}

fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Loads the generated rows into a fresh LiteLLM schema; returns the CSV export of every
/// row and of the second day only.
fn load(client: &mut Client) -> (String, String) {
    client
        .batch_execute(SCHEMA)
        .expect("create LiteLLM's schema");
    let rows = rows();
    let header = "request_id,call_type,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,api_base,metadata\n";
    let (mut all, mut day) = (String::from(header), String::from(header));
    for chunk in rows.chunks(500) {
        let mut insert = String::from(
            "INSERT INTO \"LiteLLM_SpendLogs\" (request_id, call_type, spend, prompt_tokens, completion_tokens, total_tokens, \"startTime\", \"endTime\", model, custom_llm_provider, metadata) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                insert.push(',');
            }
            write!(
                insert,
                "('r{}', 'acompletion', {}, {}, {}, {}, '{}', '{}', '{}', '{}', '{}'::jsonb)",
                r.id,
                r.spend,
                r.prompt,
                r.completion,
                r.prompt + r.completion,
                r.start,
                r.start,
                r.model,
                r.provider,
                r.metadata
            )
            .unwrap();
        }
        client.batch_execute(&insert).expect("load the rows");
    }
    for r in &rows {
        let line = format!(
            "r{},acompletion,{},{},{},{},{},{},,{}\n",
            r.id,
            r.spend,
            r.prompt,
            r.completion,
            r.start,
            r.model,
            r.provider,
            csv_field(&r.metadata)
        );
        all.push_str(&line);
        // The replayed range: the second day.
        if r.start.starts_with("2026-10-02") {
            day.push_str(&line);
        }
    }
    assert!(rows.iter().any(|r| r.start.starts_with("2026-10-01")));
    assert!(rows.iter().any(|r| r.start.starts_with("2026-10-03")));
    (all, day)
}

#[test]
fn the_database_path_equals_the_csv_export_to_the_cent() {
    let Some(server) = server() else { return };
    let mut client = Client::connect(&server.url, NoTls).expect("connect to the test database");
    let (_, csv) = load(&mut client);

    let from_csv = Run::new()
        .file("spend.csv", &csv)
        .args(&["replay", "--usage", "spend.csv", "--format", "json"])
        .run();
    assert_eq!(from_csv.code, 0, "{}", from_csv.stderr);
    let from_db = Run::new()
        .args(&[
            "replay",
            "--litellm-db",
            &server.url,
            "--since",
            "2026-10-02",
            "--until",
            "2026-10-03",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(from_db.code, 0, "{}", from_db.stderr);
    let (csv, db) = (from_csv.json(), from_db.json());
    assert_eq!(db["format"], "litellm_db");
    assert!(!db["file"].to_string().contains(&server.password));
    assert!(csv["rows"].as_u64().unwrap() > 500);
    for key in [
        "rows",
        "unknown_models",
        "observed",
        "routes",
        "observed_routes",
    ] {
        assert_eq!(
            csv[key], db[key],
            "`{key}` differs between the CSV and the database"
        );
    }
    // The totals are real money, not zeros that happen to agree.
    let direct = common::route(&db, "anthropic-api");
    assert!(direct["total_usd"].as_str().is_some_and(|t| t != "0.00"));
}

#[test]
fn a_wrong_password_names_the_host_and_never_echoes_it() {
    let Some(server) = server() else { return };
    let wrong = "not-the-password-42";
    let url = server
        .url
        .replacen(&format!(":{}@", server.password), &format!(":{wrong}@"), 1);
    assert_ne!(url, server.url, "the test URL carries a password");
    let outcome = Run::new().args(&["replay", "--litellm-db", &url]).run();
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains(&server.host_port),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("password"), "{}", outcome.stderr);
    assert!(!outcome.stderr.contains(wrong), "{}", outcome.stderr);
}

#[test]
fn the_emitted_postgres_sql_prices_like_the_export() {
    let Some(server) = server() else { return };
    let mut client = Client::connect(&server.url, NoTls).expect("connect to the test database");
    let (all, _) = load(&mut client);
    let sql = Run::new()
        .args(&[
            "replay",
            "--emit-sql",
            "postgres",
            "--source",
            "litellm-spendlogs",
        ])
        .run();
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let usage = usage_csv(&mut client, &sql.stdout);
    let direct = priced_alike("spend.csv", &all, &usage, false);
    assert!(common::route(&direct, "anthropic-api")["total_usd"] != "0.00");
    assert_has_long_prompts(&direct);
}

/// Replays the logs (`name` holding `logs`) and the usage CSV the SQL made of them, and
/// requires the same priced routes (and, with `peaks`, the same observed peak minute);
/// returns the direct replay's report.
fn priced_alike(name: &str, logs: &str, usage: &str, peaks: bool) -> serde_json::Value {
    let direct = Run::new()
        .file(name, logs)
        .args(&["replay", "--usage", name, "--format", "json"])
        .run();
    let via_sql = Run::new()
        .file("usage.csv", usage)
        .args(&["replay", "--usage", "usage.csv", "--format", "json"])
        .run();
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    assert_eq!(via_sql.code, 0, "{}", via_sql.stderr);
    let (direct, via_sql) = (direct.json(), via_sql.json());
    assert_eq!(direct["routes"], via_sql["routes"]);
    if peaks {
        assert_eq!(
            direct["observed"]["peak_tokens_per_minute"],
            via_sql["observed"]["peak_tokens_per_minute"]
        );
    }
    direct
}

/// The replay priced long-context lines, so the comparison covered them.
fn assert_has_long_prompts(replay: &serde_json::Value) {
    let items = common::route(replay, "anthropic-api")["items"].clone();
    assert!(
        items.as_array().unwrap().iter().any(|i| i["name"]
            .as_str()
            .is_some_and(|n| n.contains("long prompts"))),
        "no long-context lines: {items}"
    );
}

/// Creates `table` with one `jsonb` column, `record`, holding each JSON text of `records`.
fn load_jsonb(client: &mut Client, table: &str, records: &[String]) {
    client
        .batch_execute(&format!("CREATE TABLE {table} (record jsonb NOT NULL)"))
        .expect("create the table");
    for chunk in records.chunks(200) {
        let values: Vec<String> = chunk
            .iter()
            .map(|r| format!("('{}'::jsonb)", r.replace('\'', "''")))
            .collect();
        client
            .batch_execute(&format!(
                "INSERT INTO {table} (record) VALUES {}",
                values.join(",")
            ))
            .expect("load the records");
    }
}

/// Runs emitted SQL and writes its rows as the usage CSV (its nine columns, in order).
fn usage_csv(client: &mut Client, sql: &str) -> String {
    let rows = client.query(sql, &[]).expect("the emitted SQL runs");
    let mut usage = String::from(
        "timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,cache_creation_input_tokens,cache_creation_1h_input_tokens,context_window,bucket_width\n",
    );
    for row in &rows {
        let mut fields: Vec<String> = vec![row.get(0), row.get(1)];
        fields.extend((2..7).map(|i| row.get::<_, i64>(i).to_string()));
        fields.push(row.get(7));
        fields.push(row.get(8));
        writeln!(usage, "{}", fields.join(",")).unwrap();
    }
    usage
}

/// Generated Bedrock invocation records over two hours, a sixth of them long prompts
/// (input plus cache above 200K tokens), one failed invocation in fifty, and two requests
/// of one minute either side of the mark: 100,000 input with 100,000 or 100,001 cache reads.
fn bedrock_records() -> Vec<String> {
    let models = [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    ];
    let mut state: u64 = 0x1234_5678_9abc_def1;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut records: Vec<String> = (0..1500u64)
        .map(|i| {
            let model = models[next(models.len() as u64) as usize];
            let time = format!("2026-10-01T{:02}:{:02}:{:02}Z", i / 750, next(60), next(60));
            if next(50) == 0 {
                return format!(
                    r#"{{"timestamp":"{time}","requestId":"b{i}","modelId":"{model}","errorCode":"ThrottlingException"}}"#
                );
            }
            let input = if next(6) == 0 {
                120_000 + next(150_000)
            } else {
                next(20_000)
            };
            format!(
                r#"{{"timestamp":"{time}","requestId":"b{i}","modelId":"{model}","input":{{"inputTokenCount":{input},"cacheReadInputTokenCount":{},"cacheWriteInputTokenCount":{}}},"output":{{"outputTokenCount":{}}}}}"#,
                next(2) * next(60_000),
                next(4) / 3 * next(10_000),
                next(3_000)
            )
        })
        .collect();
    for (i, cache_read) in [100_000u64, 100_001].iter().enumerate() {
        records.push(format!(
            r#"{{"timestamp":"2026-10-01T05:00:1{i}Z","requestId":"mark-{i}","modelId":"us.anthropic.claude-sonnet-4-5-20250929-v1:0","input":{{"inputTokenCount":100000,"cacheReadInputTokenCount":{cache_read},"cacheWriteInputTokenCount":0}},"output":{{"outputTokenCount":1000}}}}"#
        ));
    }
    records
}

#[test]
fn the_emitted_postgres_sql_for_bedrock_logs_prices_like_the_logs() {
    let Some(server) = server() else { return };
    let mut client = Client::connect(&server.url, NoTls).expect("connect to the test database");
    let records = bedrock_records();
    load_jsonb(&mut client, "bedrock_invocation_logs", &records);
    let sql = Run::new()
        .args(&[
            "replay",
            "--emit-sql",
            "postgres",
            "--source",
            "bedrock-invocation",
        ])
        .run();
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let usage = usage_csv(&mut client, &sql.stdout);
    // The two requests either side of the mark: one row each, in their own window.
    let mark: Vec<&str> = usage
        .lines()
        .filter(|l| l.starts_with("2026-10-01T05:00:00Z,us.anthropic.claude-sonnet-4-5"))
        .collect();
    assert_eq!(
        mark,
        [
            "2026-10-01T05:00:00Z,us.anthropic.claude-sonnet-4-5-20250929-v1:0,100000,1000,100000,0,0,0-200k,1m",
            "2026-10-01T05:00:00Z,us.anthropic.claude-sonnet-4-5-20250929-v1:0,100000,1000,100001,0,0,200k-1M,1m",
        ]
    );
    let direct = priced_alike("logs.jsonl", &(records.join("\n") + "\n"), &usage, true);
    assert_eq!(direct["format"], "bedrock");
    assert_has_long_prompts(&direct);
}

/// OTLP JSON export lines (`ExportTraceServiceRequest`), each with a GenAI span whose
/// `gen_ai.usage.input_tokens` includes its cache (OpenAI-style), an HTTP span without
/// usage, and two spans either side of the 200K mark at 05:00.
fn otel_lines() -> Vec<String> {
    let models = [
        "claude-sonnet-4-5-20250929",
        "claude-haiku-4-5-20251001",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    // 2026-10-01T00:00:00Z in nanoseconds.
    let start = 1_790_812_800u64 * 1_000_000_000;
    let span = |nanos: u64, model: &str, input: u64, output: u64, read: u64, write: u64| {
        format!(
            r#"{{"name":"chat","startTimeUnixNano":"{nanos}","attributes":[{{"key":"gen_ai.response.model","value":{{"stringValue":"{model}"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}},{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":{output}}}}},{{"key":"gen_ai.usage.cache_read.input_tokens","value":{{"intValue":"{read}"}}}},{{"key":"gen_ai.usage.cache_creation.input_tokens","value":{{"intValue":"{write}"}}}}]}}"#
        )
    };
    let line = |spans: Vec<String>| {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
            spans.join(",")
        )
    };
    let mut lines: Vec<String> = (0..600u64)
        .map(|_| {
            // Five hours, to the nanosecond; 05:00 is left to the two spans at the mark.
            let nanos = start + next(5 * 3600) * 1_000_000_000 + next(1_000_000_000);
            let model = models[next(3) as usize];
            let read = next(2) * next(60_000);
            let write = next(4) / 3 * next(10_000);
            let uncached = if next(8) == 0 {
                150_000 + next(100_000)
            } else {
                next(20_000)
            };
            line(vec![
                span(nanos, model, uncached + read + write, next(3_000), read, write),
                format!(
                    r#"{{"name":"POST /v1/messages","startTimeUnixNano":"{nanos}","attributes":[]}}"#
                ),
            ])
        })
        .collect();
    let five = start + 5 * 3600 * 1_000_000_000;
    lines.push(line(vec![
        span(five + 10_000_000_000, models[0], 200_000, 1000, 150_000, 0),
        span(five + 11_000_000_000, models[0], 200_001, 1000, 150_000, 0),
    ]));
    lines
}

#[test]
fn the_emitted_postgres_sql_for_otel_spans_prices_like_the_spans() {
    let Some(server) = server() else { return };
    let mut client = Client::connect(&server.url, NoTls).expect("connect to the test database");
    let lines = otel_lines();
    load_jsonb(&mut client, "otel_spans", &lines);
    let sql = Run::new()
        .args(&["replay", "--emit-sql", "postgres", "--source", "otel-genai"])
        .run();
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let usage = usage_csv(&mut client, &sql.stdout);
    // The two spans either side of the mark: one row each, in their own window, with
    // the cache taken out of the input.
    let mark: Vec<&str> = usage
        .lines()
        .filter(|l| l.starts_with("2026-10-01T05:00:00Z,claude-sonnet-4-5-20250929,"))
        .collect();
    assert_eq!(
        mark,
        [
            "2026-10-01T05:00:00Z,claude-sonnet-4-5-20250929,50000,1000,150000,0,0,0-200k,1m",
            "2026-10-01T05:00:00Z,claude-sonnet-4-5-20250929,50001,1000,150000,0,0,200k-1M,1m",
        ]
    );
    let direct = priced_alike("spans.json", &(lines.join("\n") + "\n"), &usage, true);
    assert_eq!(direct["format"], "otel");
    assert_has_long_prompts(&direct);
}

/// CUR 2.0 lines as the PostgreSQL SQL reads them (a `cur_export` table, each row with the
/// path of the export file it came from): the same lines `tests/replay_sql.rs` runs through
/// DuckDB, two snapshots of October 2026.
const CUR_ROWS: &[[&str; 8]] = &[
    [
        "20261103T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-input-tokens",
        "1000000",
        "tokens",
        "3.30",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-output-tokens",
        "200",
        "1K tokens",
        "3.30",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-cache-read-input-token-count-cross-region-global",
        "3000000",
        "tokens",
        "0.90",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-cache-write-input-token-count-cross-region",
        "400000",
        "tokens",
        "1.65",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-cache-write-input-token-count-1-hour-cross-region",
        "100000",
        "tokens",
        "0.66",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 06:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet_InputTokenCount_Global",
        "500000",
        "tokens",
        "1.50",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 06:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-input-tokens-batch",
        "2000000",
        "tokens",
        "3.30",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 06:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-output-tokens-batch",
        "100000",
        "tokens",
        "0.825",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 06:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-input-tokens-priority",
        "700000",
        "tokens",
        "3.675",
        "us-east-1",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 07:00:00",
        "AmazonBedrock",
        "USW2-anthropic.claude-haiku-4-5-mantle-output-tokens-standard",
        "0.05",
        "1M tokens",
        "0.275",
        "us-west-2",
    ],
    [
        "20261103T000000Z",
        "2026-10-01 07:00:00",
        "AmazonEC2",
        "USE1-BoxUsage:t3.micro",
        "24",
        "Hrs",
        "0.25",
        "us-east-1",
    ],
    // The earlier snapshot: a full copy of the period then, never summed with the latest.
    [
        "20261102T000000Z",
        "2026-10-01 05:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-input-tokens",
        "9000000",
        "tokens",
        "29.70",
        "us-east-1",
    ],
    [
        "20261102T000000Z",
        "2026-10-01 08:00:00",
        "AmazonBedrock",
        "USE1-Claude4.5Sonnet-output-tokens",
        "9000000",
        "tokens",
        "148.50",
        "us-east-1",
    ],
];

#[test]
fn the_emitted_postgres_sql_for_a_cur_export_prices_like_the_hand_totals() {
    let Some(server) = server() else { return };
    let mut client = Client::connect(&server.url, NoTls).expect("connect to the test database");
    client
        .batch_execute(
            "CREATE TABLE cur_export (file_path text, line_item_usage_start_date timestamp, \
             line_item_product_code text, line_item_line_item_type text, \
             line_item_usage_type text, line_item_usage_amount numeric, pricing_unit text, \
             line_item_unblended_cost numeric, product_region_code text)",
        )
        .expect("create the export table");
    for [
        snapshot,
        start,
        product,
        usage_type,
        amount,
        unit,
        cost,
        region,
    ] in CUR_ROWS
    {
        client
            .batch_execute(&format!(
                "INSERT INTO cur_export VALUES ('s3://bucket/cur/data/BILLING_PERIOD=2026-10/{snapshot}/part-0.parquet', \
                 '{start}', '{product}', 'Usage', '{usage_type}', {amount}, '{unit}', {cost}, '{region}')"
            ))
            .expect("load a line");
    }
    let sql = Run::new()
        .args(&["replay", "--emit-sql", "postgres", "--source", "cur"])
        .run();
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let rows = client
        .query(&sql.stdout, &[])
        .expect("the emitted SQL runs");
    let mut usage = String::from(
        "timestamp,model,route,input_tokens,output_tokens,cache_read_input_tokens,cache_creation_input_tokens,cache_creation_1h_input_tokens,batch,context_window,bucket_width,usage_source\n",
    );
    for row in &rows {
        let mut fields: Vec<String> = vec![row.get(0), row.get(1), row.get(2)];
        fields.extend((3..8).map(|i| row.get::<_, i64>(i).to_string()));
        fields.extend((8..12).map(|i| row.get::<_, String>(i)));
        writeln!(usage, "{}", fields.join(",")).unwrap();
    }
    // Per hour, model, route and batch tier; the priority line, the EC2 line and the
    // earlier snapshot are left out (as DuckDB leaves them out in tests/replay_sql.rs).
    assert_eq!(rows.len(), 6, "{usage}");
    assert!(
        usage.contains(
            "2026-10-01T05:00:00Z,claude4.5sonnet,bedrock-geo,0,0,0,500000,100000,false,0-200k,1h,aws-cur"
        ),
        "{usage}"
    );
    let replay = Run::new()
        .file("usage.csv", &usage)
        .args(&["replay", "--usage", "usage.csv", "--format", "json"])
        .run();
    assert_eq!(replay.code, 0, "{}", replay.stderr);
    // The hand total of tests/replay_sql.rs, at the Anthropic API's list prices.
    assert_eq!(
        common::route(&replay.json(), "anthropic-api")["total_usd"],
        "14.50"
    );
}
