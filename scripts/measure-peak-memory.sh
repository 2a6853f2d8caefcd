#!/usr/bin/env bash
# Peak memory and wall time of routewise on the largest legitimate inputs: a 1 GB usage CSV
# replayed, and a rules directory of 10,000 rules validated and decided. Prints one line per
# run with GNU time's maximum resident set size; the figures in BENCHMARKS.md come from it.
#
# Usage: scripts/measure-peak-memory.sh [BINARY [usage|rules]]
#   BINARY defaults to target/release/routewise; the second argument runs one part only.
# Needs python3 and GNU time (/usr/bin/time). Writes about 1.1 GB under a scratch directory
# it removes on exit.
set -euo pipefail

bin=${1:-target/release/routewise}
part=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

measure() {
  local label=$1
  shift
  # A refused input is still measured, but its exit code is printed so that a refusal is never
  # read as a success. GNU time writes "Command exited with non-zero status N" before its
  # figures then, so the figures are its last line.
  local status=0
  /usr/bin/time -f "%e %M" -o "$scratch/time" "$@" > /dev/null 2>&1 || status=$?
  read -r wall rss < <(tail -n 1 "$scratch/time")
  printf '%-58s wall %6s s   peak RSS %7.1f MB   exit %d\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)" "$status"
}

if [ "$part" = all ] || [ "$part" = usage ]; then
  # A month of 1M rows, then the same rows 13 more times (out of time order): 14M rows, ~1 GB.
  python3 "$here/gen_usage_csv.py" --rows 1000000 --output "$scratch/month.csv"
  {
    cat "$scratch/month.csv"
    for _ in $(seq 13); do tail -n +2 "$scratch/month.csv"; done
  } > "$scratch/usage-1g.csv"
  rm "$scratch/month.csv"
  size=$(stat -c %s "$scratch/usage-1g.csv")
  rows=$(($(wc -l < "$scratch/usage-1g.csv") - 1))
  measure "replay, $rows rows, $((size / 1000000)) MB, table" \
    "$bin" replay --usage "$scratch/usage-1g.csv"
  measure "replay, $rows rows, $((size / 1000000)) MB, json" \
    "$bin" replay --usage "$scratch/usage-1g.csv" --format json
  rm "$scratch/usage-1g.csv"
fi

if [ "$part" = all ] || [ "$part" = rules ]; then
  # 10,000 rules in 20 files of 500, each with a condition and a message template, under a
  # team prefix: TEAM2xxxxx codes (2: warn) as docs/limits.md describes.
  mkdir "$scratch/rules"
  python3 - "$scratch/rules" <<'PY'
import sys, pathlib
out = pathlib.Path(sys.argv[1])
for f in range(20):
    lines = ["rules:"]
    for i in range(500):
        n = f * 500 + i
        lines += [
            f"  - code: TEAM2{n:05d}",
            f"    name: team-rule-{n}",
            "    effect: warn",
            f"    when: answers.residency != \"none\" and route.id | length > {n % 7}",
            f"    message: team rule {n} applies to {{{{ route.id }}}}",
            "    why: A generated rule for measuring how routewise scales with a team's rules.",
            "    source: scripts/measure-peak-memory.sh",
        ]
    (out / f"team-{f:02d}.yaml").write_text("\n".join(lines) + "\n")
PY
  example="$here/../examples/aws-enterprise-eu"
  measure "validate --rules (10,000 rules)" "$bin" validate --rules "$scratch/rules"
  measure "advise --rules (10,000 rules), markdown" "$bin" advise --rules "$scratch/rules" \
    --answers "$example/answers.yaml" --workload "$example/workload.yaml"
  measure "advise --rules (10,000 rules), json" "$bin" advise --rules "$scratch/rules" \
    --answers "$example/answers.yaml" --workload "$example/workload.yaml" --format json
fi
