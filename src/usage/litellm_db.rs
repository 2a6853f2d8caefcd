//! LiteLLM's spend logs straight from its PostgreSQL database (`--litellm-db postgres://…`).
//!
//! The database does the reading: one aggregate query ([`QUERY`]) over `LiteLLM_SpendLogs`
//! for a `startTime` range (served by LiteLLM's index on `startTime`) returns one row per
//! minute, model and route, so what crosses the network and what routewise holds grows with
//! minutes times models, never with requests. The per-request rules are those of the
//! export readers ([`super::litellm`]), applied in SQL before summing: cache tokens come
//! from `metadata.usage_object` and are subtracted from the OpenAI-style `prompt_tokens`; a
//! row whose `prompt_tokens` is smaller than its cache is a bad row, counted apart.
//!
//! Errors name the host and the cause; the password is never printed (it is masked even
//! if a server message were to repeat it). The connection is plain TCP or a Unix socket
//! without TLS.

use std::str::FromStr;

use postgres::config::Host;
use postgres::{Config, NoTls};
use rust_decimal::Decimal;

use super::accumulate::Accumulator;
use super::litellm::{Counts, finish};
use super::record::UsageRecord;
use super::routes::litellm_route;
use super::timestamp::parse_minute;
use super::tokens::{SOURCE_LONG_CONTEXT_TOKENS, Tier, TokenBreakdown};
use super::totals::UsageTotals;
use crate::support::diagnostic::{Code, Diagnostic};

/// The pushed-down aggregate: `$1` and `$2` bound the `startTime` range (text, either may
/// be null for an open end); `$3` is the sources' long-context boundary
/// ([`SOURCE_LONG_CONTEXT_TOKENS`]), passed in so the number is written once.
pub const QUERY: &str = r#"WITH spend AS (
  SELECT "startTime" AS t,
         COALESCE(model, '') AS model,
         COALESCE(custom_llm_provider, '') AS provider,
         COALESCE(api_base, '') AS api_base,
         prompt_tokens::bigint AS prompt,
         completion_tokens::bigint AS completion,
         spend,
         metadata -> 'usage_object' AS u
  FROM "LiteLLM_SpendLogs"
  WHERE ($1::text IS NULL OR "startTime" >= $1::text::timestamp)
    AND ($2::text IS NULL OR "startTime" < $2::text::timestamp)
), split AS (
  SELECT t, model, provider, api_base, prompt, completion, spend,
         (u IS NULL OR u::text = 'null') AS no_usage,
         COALESCE(NULLIF((u ->> 'cache_read_input_tokens')::bigint, 0),
                  (u -> 'prompt_tokens_details' ->> 'cached_tokens')::bigint, 0) AS cache_read,
         COALESCE((u ->> 'cache_creation_input_tokens')::bigint, 0) AS cache_write,
         COALESCE((u -> 'cache_creation_token_details' ->> 'ephemeral_1h_input_tokens')::bigint, 0) AS cache_write_1h
  FROM spend
), checked AS (
  SELECT *, (prompt < cache_read + cache_write OR cache_write < cache_write_1h) AS bad,
         (prompt > $3::bigint) AS long_context FROM split
)
SELECT (extract(epoch FROM date_trunc('minute', t)) / 60)::bigint AS minute,
       model, provider, api_base, long_context,
       count(*) FILTER (WHERE NOT bad)::bigint AS rows,
       COALESCE(sum(prompt - cache_read - cache_write) FILTER (WHERE NOT bad), 0)::text AS input,
       COALESCE(sum(completion) FILTER (WHERE NOT bad), 0)::text AS output,
       COALESCE(sum(cache_read) FILTER (WHERE NOT bad), 0)::text AS cache_read,
       COALESCE(sum(cache_write - cache_write_1h) FILTER (WHERE NOT bad), 0)::text AS cache_write_5m,
       COALESCE(sum(cache_write_1h) FILTER (WHERE NOT bad), 0)::text AS cache_write_1h,
       sum(spend::numeric) FILTER (WHERE NOT bad)::text AS spend,
       count(spend) FILTER (WHERE NOT bad)::bigint AS spend_rows,
       count(*) FILTER (WHERE no_usage AND NOT bad)::bigint AS no_usage_rows,
       count(*) FILTER (WHERE bad)::bigint AS bad_rows
FROM checked
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5"#;

/// Where the spend logs are, as printed: the URL without its password.
pub fn display_name(url: &str) -> String {
    match Config::from_str(url) {
        Ok(config) => describe(&config),
        Err(_) => "the --litellm-db URL".to_owned(),
    }
}

fn describe(config: &Config) -> String {
    let host = hosts(config);
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or("");
    format!("postgres://{user}{host}/{db}")
}

fn hosts(config: &Config) -> String {
    let ports = config.get_ports();
    config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            format!("{name}:{port}")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A range bound as the query takes it: `YYYY-MM-DD` or a timestamp, checked here so a
/// typo is an error that names the flag, not a server message.
fn bound(flag: &str, value: Option<&str>) -> Result<Option<String>, Diagnostic> {
    let Some(value) = value.map(str::trim) else {
        return Ok(None);
    };
    let text = if value.len() == 10 {
        format!("{value} 00:00:00")
    } else {
        value.to_owned()
    };
    parse_minute(text.as_bytes()).map_err(|why| {
        Diagnostic::plain(Code::ArgInvalidValue, format!("{flag} `{value}`: {why}"))
            .with_help("give a date (`2026-10-01`) or a timestamp (`2026-10-01 12:00:00`), in UTC")
    })?;
    Ok(Some(text.trim_end_matches('Z').replace('T', " ")))
}

/// Reads `LiteLLM_SpendLogs` rows with `since <= startTime < until` (either may be open).
pub fn read_litellm_db(
    url: &str,
    since: Option<&str>,
    until: Option<&str>,
    known_models: &[&str],
    skip_bad_rows: bool,
) -> Result<UsageTotals, Diagnostic> {
    let config = Config::from_str(url).map_err(|e| {
        Diagnostic::plain(
            Code::ArgInvalidValue,
            format!("--litellm-db is not a PostgreSQL connection URL: {e}"),
        )
        .with_help("for example postgres://user:password@localhost:5432/litellm")
    })?;
    let since = bound("--since", since)?;
    let until = bound("--until", until)?;
    let name = describe(&config);
    let password = config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let masked = |message: String| match &password {
        Some(p) if !p.is_empty() => message.replace(p.as_str(), "****"),
        _ => message,
    };
    let cause = |e: postgres::Error| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            let more = inner.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            source = inner.source();
        }
        masked(text)
    };
    let mut client = config.connect(NoTls).map_err(|e| {
        Diagnostic::plain(Code::UsageDbUnreachable, format!(
            "cannot connect to PostgreSQL at {}: {}",
            hosts(&config),
            cause(e)
        ))
        .with_help("check the host, port, user, password and database in --litellm-db, and that the server accepts connections from here")
    })?;
    let long_context_mark = i64::try_from(SOURCE_LONG_CONTEXT_TOKENS).unwrap_or(i64::MAX);
    let rows = client
        .query(QUERY, &[&since, &until, &long_context_mark])
        .map_err(|e| {
            Diagnostic::plain(
                Code::UsageDbQuery,
                format!(
                    "reading \"LiteLLM_SpendLogs\" on {}: {}",
                    hosts(&config),
                    cause(e)
                ),
            )
            .with_help("the database must hold LiteLLM's schema (the `LiteLLM_SpendLogs` table)")
        })?;
    let mut acc = Accumulator::new(&name, known_models, skip_bad_rows);
    let mut counts = Counts::default();
    let number = |text: &str, column: &str| -> Result<u64, Diagnostic> {
        text.parse::<u64>().map_err(|_| {
            Diagnostic::plain(Code::UsageOverflow, format!(
                "{name}: the sum of `{column}` ({text}) is not a token count that fits in 64 bits"
            ))
        })
    };
    for row in &rows {
        let minute: i64 = row.get("minute");
        let model: String = row.get("model");
        let provider: String = row.get("provider");
        let api_base: String = row.get("api_base");
        // LiteLLM's `prompt_tokens` is the whole prompt, cache included: above the sources'
        // 200K boundary the request is long-context (see `Tier::of_request`).
        let long_context: bool = row.get("long_context");
        let good: i64 = row.get("rows");
        let bad: i64 = row.get("bad_rows");
        let Ok(minute) = u64::try_from(minute) else {
            let mut d = Diagnostic::plain(
                Code::UsageInvalidValue,
                format!("{bad} rows of `{model}` have a startTime before 1970"),
            );
            d.file = name.clone();
            d.key = Some("startTime".to_owned());
            acc.bad_rows(d, (good + bad).unsigned_abs())?;
            continue;
        };
        if bad > 0 {
            let mut d = Diagnostic::plain(
                Code::UsageInvalidValue,
                format!(
                    "{bad} rows of `{model}` in the minute from {} have `prompt_tokens` smaller than the cache reads plus cache writes in `metadata.usage_object` it should include",
                    minute_text(minute)
                ),
            );
            d.file = name.clone();
            d.key = Some("prompt_tokens".to_owned());
            acc.bad_rows(d, bad.unsigned_abs())?;
        }
        if good == 0 {
            continue;
        }
        let spend: Option<String> = row.get("spend");
        let spend_rows: i64 = row.get("spend_rows");
        let no_usage: i64 = row.get("no_usage_rows");
        counts.without_usage_object += no_usage.unsigned_abs();
        let billed_usd = match spend {
            Some(text) => Some(Decimal::from_str(&text).map_err(|_| {
                Diagnostic::plain(
                    Code::UsageInvalidValue,
                    format!("{name}: the sum of `spend` ({text}) is not an amount"),
                )
            })?),
            None => None,
        };
        let record = UsageRecord {
            minute,
            bucket_minutes: 1,
            route: litellm_route(&provider, &model, &api_base),
            model,
            tier: Tier::new(false, long_context),
            tokens: TokenBreakdown {
                input: number(row.get("input"), "prompt_tokens")?,
                output: number(row.get("output"), "completion_tokens")?,
                cache_read: number(row.get("cache_read"), "cache_read_input_tokens")?,
                cache_write_5m: number(row.get("cache_write_5m"), "cache_creation_input_tokens")?,
                cache_write_1h: number(row.get("cache_write_1h"), "ephemeral_1h_input_tokens")?,
            },
            web_search_requests: 0,
            billed_usd,
            billed_rows: Some(spend_rows.unsigned_abs()),
        };
        if let Err(message) = acc.add_records(&record, good.unsigned_abs()) {
            let mut d = Diagnostic::plain(Code::UsageOverflow, message);
            d.file = name.clone();
            acc.bad_row(d)?;
        }
    }
    let mut totals = finish(acc, &counts);
    totals.notes.push(format!(
        "Read from LiteLLM's database {name}, table \"LiteLLM_SpendLogs\"{}{}: aggregated per minute, model and route in the database.",
        since.map(|s| format!(", from {s}")).unwrap_or_default(),
        until.map(|u| format!(" until (not including) {u}")).unwrap_or_default(),
    ));
    Ok(totals)
}

fn minute_text(minute: u64) -> String {
    let days = (minute / 1440) as i64;
    let (y, m, d) = crate::support::date::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}Z",
        (minute % 1440) / 60,
        minute % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_query_marks_long_prompts_at_the_boundary_it_is_given() {
        // The boundary is the third parameter, bound to SOURCE_LONG_CONTEXT_TOKENS; no
        // copy of the number is written into the query.
        assert!(super::QUERY.contains("(prompt > $3::bigint) AS long_context"));
        let mark = crate::usage::tokens::SOURCE_LONG_CONTEXT_TOKENS.to_string();
        assert!(!super::QUERY.contains(&mark));
    }

    use super::*;

    #[test]
    fn names_never_carry_the_password() {
        let url = "postgres://litellm:s3cret@db.internal:6543/litellm";
        assert_eq!(
            display_name(url),
            "postgres://litellm@db.internal:6543/litellm"
        );
    }

    #[test]
    fn range_bounds_are_checked() {
        assert_eq!(
            bound("--since", Some("2026-10-01")).unwrap().as_deref(),
            Some("2026-10-01 00:00:00")
        );
        assert_eq!(
            bound("--until", Some("2026-10-01T12:00:00Z"))
                .unwrap()
                .as_deref(),
            Some("2026-10-01 12:00:00")
        );
        assert!(
            bound("--since", Some("yesterday"))
                .unwrap_err()
                .message
                .contains("--since `yesterday`")
        );
        assert_eq!(bound("--since", None).unwrap(), None);
    }

    #[test]
    fn an_unreachable_server_names_the_host_and_hides_the_password() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let e = read_litellm_db(
            "postgres://u:hunter2@127.0.0.1:1/db",
            None,
            None,
            &[],
            false,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("cannot connect to PostgreSQL at 127.0.0.1:1"),
            "{}",
            e.message
        );
        assert!(!e.to_string().contains("hunter2"));
    }
}
