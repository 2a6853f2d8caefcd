#!/usr/bin/env python3
"""Time `routewise replay` beside its peers on the same files, in the same run.

Inputs (written under --workdir, deleted at the end unless --keep):

- sorted1m:   1M usage CSV rows in time order: the first 1M rows (3.4 days) of
              scripts/gen_usage_csv.py's fixed-seed 10M-row month;
- rows10m:    10M rows in time order: sorted1m moved into each month 2026-01 to 2026-10;
- shuffled1m: sorted1m's rows shuffled (fixed seed);
- hourly:     a year (2025) of hourly buckets, 13 model ids x standard/batch (227,760 rows);
- report_min: the Anthropic usage-report JSON with 1-minute buckets (30 days, 9 models);
- report_hr:  the same report shape with hourly buckets over a year (13 models).

Tools, run in interleaved rounds (each round runs every tool once on each input), the median
of the rounds reported, every run timed by /usr/bin/time (wall, user+sys CPU, peak RSS):

- routewise:  `routewise replay --usage FILE --format json` (read, aggregate, price 13+ routes);
- duckdb:     SUM of the token columns GROUP BY model over read_csv (all threads);
- polars:     the same aggregation with scan_csv;
- python:     Python merely reading the file (csv.reader loop, or json.load);
- bare:       the csv crate's bare parse (the `parse_only` criterion bench's loop), when
              --bare names a binary that takes the file as its argument.

Usage: scripts/bench_peers.py [--runs 3] [--binary target/release/routewise]
                              [--workdir /tmp/rw-bench] [--only NAME,...] [--keep]
Needs: pip install duckdb polars.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CSV_COLUMNS = "input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens"

RAW_MODELS = [
    "claude-sonnet-4-5-20250929",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-sonnet-4-5@20250929",
    "claude-haiku-4-5-20251001",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-opus-4-5-20251101",
    "anthropic/claude-opus-4-1-20250805",
    "vertex_ai/gemini-2.5-pro",
    "models/gemini-2.5-flash",
    "gemini/gemini-2.5-flash-lite",
    "meta.llama3-3-70b-instruct-v1:0",
    "mistral.mistral-large-3-675b-instruct",
]


def gen_sorted1m(path, seed=7):
    """The first 1,000,000 rows (about 3.4 days) of gen_usage_csv.py's 10M-row month."""
    gen = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "gen_usage_csv.py"), "--rows", "10000000",
         "--seed", str(seed)],
        stdout=subprocess.PIPE, text=True,
    )
    with open(path, "w") as f:
        for i, line in enumerate(gen.stdout):
            f.write(line)
            if i == 1_000_000:
                break
    gen.kill()
    gen.wait()


def gen_rows10m(path, sorted1m):
    """sorted1m's rows ten times, moved into the months 2026-01 to 2026-10: time order kept."""
    with open(sorted1m) as src:
        header = src.readline()
        body = src.readlines()
    with open(path, "w") as f:
        f.write(header)
        for month in range(1, 11):
            prefix = f"2026-{month:02d}-"
            f.writelines(prefix + line[len(prefix):] for line in body)


def shuffle(src, dst, seed=11):
    with open(src) as f:
        header = f.readline()
        body = f.readlines()
    random.Random(seed).shuffle(body)
    with open(dst, "w") as f:
        f.write(header)
        f.writelines(body)


def gen_hourly(path, seed=3):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,"
                "cache_creation_input_tokens,batch,bucket_width\n")
        for day in range(365):
            for hour in range(24):
                ts = day_time(day, hour, 0)
                for model in RAW_MODELS:
                    for batch in ("false", "true"):
                        f.write(f"{ts},{model},{rng.randrange(1, 5_000_000)},"
                                f"{rng.randrange(1, 500_000)},{rng.randrange(0, 9_000_000)},"
                                f"{rng.randrange(0, 400_000)},{batch},1h\n")


def day_time(day, hour, minute):
    import datetime
    t = datetime.datetime(2025, 1, 1) + datetime.timedelta(days=day, hours=hour, minutes=minute)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def gen_report(path, minutes_per_bucket, buckets, models, seed=5):
    """The Admin API usage report: pages of 1,440 buckets, one after another."""
    import datetime
    rng = random.Random(seed)
    start = datetime.datetime(2025, 1, 1)
    with open(path, "w") as f:
        for page_start in range(0, buckets, 1440):
            data = []
            for b in range(page_start, min(buckets, page_start + 1440)):
                s = start + datetime.timedelta(minutes=b * minutes_per_bucket)
                e = s + datetime.timedelta(minutes=minutes_per_bucket)
                results = [{
                    "uncached_input_tokens": rng.randrange(1, 200_000),
                    "cache_creation": {"ephemeral_5m_input_tokens": rng.randrange(0, 20_000),
                                       "ephemeral_1h_input_tokens": 0},
                    "cache_read_input_tokens": rng.randrange(0, 400_000),
                    "output_tokens": rng.randrange(1, 40_000),
                    "server_tool_use": {"web_search_requests": 0},
                    "api_key_id": None, "workspace_id": None, "model": m,
                    "service_tier": "standard", "context_window": "0-200k",
                } for m in models]
                data.append({"starting_at": s.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "ending_at": e.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "results": results})
            more = page_start + 1440 < buckets
            json.dump({"data": data, "has_more": more, "next_page": "p" if more else None}, f)
            f.write("\n")


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak RSS MB)."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M"] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    wall, user, system, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss) / 1024


def tools_for(path, kind, binary, bare):
    py = sys.executable
    tools = [("routewise", [binary, "replay", "--usage", path, "--format", "json"])]
    if kind == "csv":
        tools.append(("duckdb", [py, "-c",
            "import duckdb,sys; duckdb.sql(\"SELECT model, " + ", ".join(
                f"sum({c.strip()})" for c in CSV_COLUMNS.split(",")) +
            " FROM read_csv('" + path + "') GROUP BY model\").fetchall()"]))
        tools.append(("polars", [py, "-c",
            "import polars as pl; pl.scan_csv('" + path + "').group_by('model').agg(" +
            ", ".join(f"pl.col('{c.strip()}').sum()" for c in CSV_COLUMNS.split(",")) +
            ").collect()"]))
        tools.append(("python csv read", [py, "-c",
            "import csv\nwith open('" + path + "', newline='') as f:\n    for r in csv.reader(f): pass"]))
        if bare:
            tools.append(("bare csv parse", [bare, path]))
    else:
        tools.append(("python json.load", [py, "-c",
            "import json\nwith open('" + path + "') as f:\n"
            "    for line in f: json.loads(line)"]))
    return tools


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--binary", default="target/release/routewise")
    p.add_argument("--bare", default=None)
    p.add_argument("--workdir", default="/tmp/rw-bench")
    p.add_argument("--only", default=None)
    p.add_argument("--keep", action="store_true")
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    w = lambda n: os.path.join(a.workdir, n)
    inputs = {
        "sorted1m": (w("sorted1m.csv"), "csv", gen_sorted1m),
        "rows10m": (w("rows10m.csv"), "csv", lambda f: gen_rows10m(f, w("sorted1m.csv"))),
        "shuffled1m": (w("shuffled1m.csv"), "csv",
                       lambda f: shuffle(w("sorted1m.csv"), f)),
        "hourly": (w("hourly.csv"), "csv", gen_hourly),
        "report_min": (w("report_min.json"), "json",
                       lambda f: gen_report(f, 1, 30 * 1440, RAW_MODELS[:9])),
        "report_hr": (w("report_hr.json"), "json",
                      lambda f: gen_report(f, 60, 8760, RAW_MODELS)),
    }
    names = a.only.split(",") if a.only else list(inputs)
    for needs in ("shuffled1m", "rows10m"):
        if needs in names and "sorted1m" not in names:
            names.insert(names.index(needs), "sorted1m")
    for name in names:
        path, _, make = inputs[name]
        if not os.path.exists(path):
            make(path)
    if a.runs == 0:
        return  # inputs only (kept for a later run)
    results = {}
    for r in range(a.runs):
        for name in names:
            path, kind, _ = inputs[name]
            for tool, cmd in tools_for(path, kind, a.binary, a.bare):
                results.setdefault((name, tool), []).append(timed(cmd))
    print(f"| input | size | tool | wall (median of {a.runs}) | CPU user+sys | peak RSS |")
    print("|---|---|---|---|---|---|")
    for name in names:
        path, kind, _ = inputs[name]
        size = os.path.getsize(path) / 1e6
        for tool, _ in tools_for(path, kind, a.binary, a.bare):
            runs = results[(name, tool)]
            wall = statistics.median(x[0] for x in runs)
            cpu = statistics.median(x[1] for x in runs)
            rss = statistics.median(x[2] for x in runs)
            print(f"| {name} | {size:.0f} MB | {tool} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MB |")
    if not a.keep:
        shutil.rmtree(a.workdir)


if __name__ == "__main__":
    main()
