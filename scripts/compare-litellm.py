#!/usr/bin/env python3
"""Compare `routewise replay` with LiteLLM's cost calculator on the same usage.

1. Writes a usage CSV of N rows (default 1,000,000) with scripts/gen_usage_csv.py (fixed
   seed, no batch rows and no unknown models, so both tools price the same tokens at the
   same standard rates).
2. Times `routewise replay --format json` on it (release build).
3. Times a Python loop over `litellm.cost_per_token` for every row, with the local cost map
   (LITELLM_LOCAL_MODEL_COST_MAP=True: no network).
4. Prints both times, the ratio, and per-model totals side by side.

Each catalogue model is compared on one route, priced by LiteLLM under that route's model
key (for example every Sonnet row as `eu.anthropic.claude-sonnet-4-5-20250929-v1:0`
against routewise's `bedrock-geo`, which checks the 10% regional premium too). Totals agree
to the cent where both tools hold the same prices; the script says why where they do not.

Usage: scripts/compare-litellm.py [--rows N] [--keep FILE]
Needs: pip install litellm (any recent version; its bundled cost map is used offline).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# catalogue model -> (routewise route, LiteLLM model key)
PAIRS = {
    "claude-sonnet-4-5": ("bedrock-geo", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    "claude-haiku-4-5": ("anthropic-api", "claude-haiku-4-5-20251001"),
    "claude-opus-4-5": ("anthropic-api", "claude-opus-4-5-20251101"),
    "claude-opus-4-1": ("bedrock-global", "anthropic.claude-opus-4-1-20250805-v1:0"),
    "gemini-2.5-pro": ("gemini-api-paid", "gemini/gemini-2.5-pro"),
    "gemini-2.5-flash": ("gemini-api-paid", "gemini/gemini-2.5-flash"),
    "gemini-2.5-flash-lite": ("gemini-api-paid", "gemini/gemini-2.5-flash-lite"),
    "llama-3.3-70b": ("bedrock-global", "meta.llama3-3-70b-instruct-v1:0"),
    "mistral-large-3": ("bedrock-global", "mistral.mistral-large-3-675b-instruct"),
}

# The raw ids the generator writes, mapped to catalogue models (routewise maps them itself).
RAW_TO_CATALOGUE = {
    "claude-sonnet-4-5-20250929": "claude-sonnet-4-5",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0": "claude-sonnet-4-5",
    "eu.anthropic.claude-sonnet-4-5-20250929-v1:0": "claude-sonnet-4-5",
    "claude-sonnet-4-5@20250929": "claude-sonnet-4-5",
    "claude-haiku-4-5-20251001": "claude-haiku-4-5",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0": "claude-haiku-4-5",
    "claude-opus-4-5-20251101": "claude-opus-4-5",
    "anthropic/claude-opus-4-1-20250805": "claude-opus-4-1",
    "vertex_ai/gemini-2.5-pro": "gemini-2.5-pro",
    "models/gemini-2.5-flash": "gemini-2.5-flash",
    "gemini/gemini-2.5-flash-lite": "gemini-2.5-flash-lite",
    "meta.llama3-3-70b-instruct-v1:0": "llama-3.3-70b",
    "mistral.mistral-large-3-675b-instruct": "mistral-large-3",
}

# Known differences, with the reason.
# (None at the moment: gemini-2.5-flash-lite's cache-read price, the last one, was added.)
EXPLAINED = {}


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="write the generated CSV here and keep it")
    args = parser.parse_args()

    import litellm  # imported after the environment is set, so it stays offline

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "routewise")
    usage = args.keep or os.path.join(tempfile.mkdtemp(), "usage.csv")
    subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "gen_usage_csv.py"), "--rows", str(args.rows),
         "--batch-share", "0", "--unknown-share", "0", "--output", usage],
        check=True,
    )

    start = time.perf_counter()
    out = subprocess.run([binary, "replay", "--usage", usage, "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    routewise_seconds = time.perf_counter() - start
    import json
    report = json.loads(out)
    routes = {r["id"]: r for r in report["routes"]}

    totals = {model: Decimal(0) for model in PAIRS}
    rows = 0
    start = time.perf_counter()
    with open(usage, newline="") as f:
        for row in csv.DictReader(f):
            model = RAW_TO_CATALOGUE[row["model"]]
            key = PAIRS[model][1]
            uncached = int(row["input_tokens"])
            read = int(row["cache_read_input_tokens"] or 0)
            write = int(row["cache_creation_input_tokens"] or 0)
            prompt_cost, completion_cost = litellm.cost_per_token(
                model=key,
                prompt_tokens=uncached + read + write,
                completion_tokens=int(row["output_tokens"]),
                cache_read_input_tokens=read,
                cache_creation_input_tokens=write,
            )
            totals[model] += Decimal(repr(prompt_cost)) + Decimal(repr(completion_cost))
            rows += 1
    litellm_seconds = time.perf_counter() - start

    print(f"rows: {rows:,} (routewise read {report['rows']:,}, skipped {report['skipped_rows']}, "
          f"unknown models {len(report['unknown_models'])})")
    print(f"routewise replay: {routewise_seconds:8.3f} s  ({rows / routewise_seconds:,.0f} rows/s, whole process)")
    print(f"litellm loop:     {litellm_seconds:8.3f} s  ({rows / litellm_seconds:,.0f} rows/s)")
    print(f"ratio:            {litellm_seconds / routewise_seconds:8.1f}x faster (target >= 100x)")
    print()
    # `routewise` is the sum of routewise's printed lines (each rounded once); `exact` is
    # the sum of its unrounded lines rounded once, which is what LiteLLM's total is compared
    # with: both then round the same exact amount once.
    print(f"{'model':24} {'route':16} {'routewise':>12} {'exact':>12} {'litellm':>12} {'diff':>8}  agree")
    disagreements = 0
    for model, (route, key) in PAIRS.items():
        entry = next((m for m in routes[route]["by_model"] if m["model"] == model), None)
        printed = Decimal(entry["usd"]) if entry and entry["usd"] is not None else None
        theirs = cents(totals[model])
        if printed is None:
            print(f"{model:24} {route:16} {'cannot price':>12} {'':>12} {theirs:>12}")
            disagreements += 1
            continue
        exact = cents(sum(Decimal(i["usd_exact"]) for i in routes[route]["items"] if i["model"] == model))
        diff = exact - theirs
        agree = "yes" if diff == 0 else "no"
        print(f"{model:24} {route:16} {printed:>12} {exact:>12} {theirs:>12} {diff:>8}  {agree}")
        if agree == "no":
            disagreements += 1
            if model in EXPLAINED:
                print(f"    explained: {EXPLAINED[model]}")
    return 0 if disagreements == len(EXPLAINED) or disagreements == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
