#!/usr/bin/env python3
"""Write a usage CSV for `routewise replay` benchmarks and comparisons.

The file looks like a month of real traffic exported from several doors at once: the same
catalogue models under each provider's id format (Anthropic API dated ids, Bedrock
inference profiles, Vertex `@` ids, LiteLLM and Gemini prefixes, Bedrock Llama and Mistral
ids), busier in working hours than at night, with prompt-cache reads and writes on the
Claude models and a share of batch traffic. A fixed seed makes every run write the same
bytes, so timings and totals can be compared across tools and machines.

Columns: timestamp, model, input_tokens (uncached), output_tokens,
cache_read_input_tokens, cache_creation_input_tokens (5-minute writes), batch.

Usage: scripts/gen_usage_csv.py [--rows N] [--seed S] [--batch-share F]
                                [--unknown-share F] [--days D] [--output FILE]
Standard library only.
"""

import argparse
import datetime
import math
import random
import sys

# (raw model id as a provider writes it, catalogue id, weight, token profile)
MODELS = [
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", 22, "sonnet"),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", 10, "sonnet"),
    ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", 5, "sonnet"),
    ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5", 6, "sonnet"),
    ("claude-haiku-4-5-20251001", "claude-haiku-4-5", 12, "haiku"),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", 6, "haiku"),
    ("claude-opus-4-5-20251101", "claude-opus-4-5", 4, "opus"),
    ("anthropic/claude-opus-4-1-20250805", "claude-opus-4-1", 3, "opus"),
    ("vertex_ai/gemini-2.5-pro", "gemini-2.5-pro", 4, "gemini"),
    ("models/gemini-2.5-flash", "gemini-2.5-flash", 6, "gemini"),
    ("gemini/gemini-2.5-flash-lite", "gemini-2.5-flash-lite", 4, "gemini"),
    ("meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b", 3, "open"),
    ("mistral.mistral-large-3-675b-instruct", "mistral-large-3", 2, "open"),
]

UNKNOWN_MODEL = "gpt-4o-2024-08-06"

# Median uncached input, median output, share of requests reading the cache, median cache
# read, share of the other requests writing the cache, median cache write.
PROFILES = {
    "sonnet": (3000, 450, 0.60, 24000, 0.30, 9000),
    "haiku": (1500, 250, 0.55, 12000, 0.30, 5000),
    "opus": (5000, 700, 0.65, 30000, 0.25, 12000),
    "gemini": (2500, 400, 0.30, 8000, 0.0, 0),
    "open": (1200, 300, 0.0, 0, 0.0, 0),
}

# Inputs stay below 200K tokens of context, so no row is long-context.
MAX_CONTEXT = 180_000

HEADER = (
    "timestamp,model,input_tokens,output_tokens,cache_read_input_tokens,"
    "cache_creation_input_tokens,batch\n"
)


def hour_weight(hour_of_week):
    """Relative traffic in an hour of the week: busy weekdays 08-19 UTC, quiet nights."""
    day, hour = divmod(hour_of_week, 24)
    daytime = 0.25
    if 6 <= hour <= 20:
        daytime += 0.75 * max(0.0, math.sin(math.pi * (hour - 6) / 14))
    return daytime * (0.4 if day >= 5 else 1.0)


def lognormal(rng, median, sigma=0.9):
    return max(1, int(rng.lognormvariate(math.log(median), sigma)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261001)
    parser.add_argument("--batch-share", type=float, default=0.15)
    parser.add_argument("--unknown-share", type=float, default=0.0,
                        help="share of rows naming a model the catalogue does not price")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--start", default="2026-10-01", help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--output", default="-", help="file to write, - for standard output")
    args = parser.parse_args()
    for name in ("batch_share", "unknown_share"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    if args.rows < 0 or args.days < 1:
        parser.error("--rows must be at least 0 and --days at least 1")

    rng = random.Random(args.seed)
    start = datetime.datetime.strptime(args.start, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
    hours = args.days * 24
    weights = [hour_weight(((start.weekday() * 24) + h) % 168) for h in range(hours)]
    per_hour = [0] * hours
    for h in rng.choices(range(hours), weights=weights, k=args.rows):
        per_hour[h] += 1
    names = [m[0] for m in MODELS]
    model_weights = [m[2] for m in MODELS]

    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    try:
        out.write(HEADER)
        lines = []
        for h, count in enumerate(per_hour):
            hour_start = start + datetime.timedelta(hours=h)
            prefix = hour_start.strftime("%Y-%m-%dT%H:")
            seconds = sorted(rng.randrange(3600) for _ in range(count))
            picks = rng.choices(range(len(MODELS)), weights=model_weights, k=count)
            for second, pick in zip(seconds, picks):
                name, _, _, profile = MODELS[pick]
                if args.unknown_share and rng.random() < args.unknown_share:
                    name, profile = UNKNOWN_MODEL, "open"
                median_in, median_out, read_share, median_read, write_share, median_write = PROFILES[profile]
                input_tokens = lognormal(rng, median_in)
                output_tokens = lognormal(rng, median_out, 0.8)
                cache_read = cache_write = 0
                if rng.random() < read_share:
                    cache_read = lognormal(rng, median_read, 0.6)
                elif rng.random() < write_share:
                    cache_write = lognormal(rng, median_write, 0.6)
                overflow = input_tokens + cache_read + cache_write - MAX_CONTEXT
                if overflow > 0:
                    input_tokens = max(1, input_tokens - overflow)
                    cache_read = min(cache_read, MAX_CONTEXT - input_tokens)
                    cache_write = min(cache_write, MAX_CONTEXT - input_tokens - cache_read)
                batch = "true" if rng.random() < args.batch_share else "false"
                lines.append(
                    f"{prefix}{second // 60:02d}:{second % 60:02d}Z,{name},{input_tokens},"
                    f"{output_tokens},{cache_read},{cache_write},{batch}\n"
                )
            if len(lines) >= 50_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
