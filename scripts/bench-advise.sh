#!/usr/bin/env bash
# Times whole runs of the release binary: `routewise advise` on the embedded defaults (the
# README's example) against `routewise --version` (process start-up alone), and prints the
# mean wall time of each and their ratio. Target (BENCHMARKS.md): advise <= 3x --version.
#
# Usage: scripts/bench-advise.sh [RUNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cargo build --release --quiet
bin=target/release/routewise
advise=("$bin" advise --answers examples/aws-enterprise-eu/answers.yaml --workload examples/aws-enterprise-eu/workload.yaml)

mean_ns() {
  # Runs the command $runs times after 10 warm-up runs; prints the mean wall time in ns.
  for _ in $(seq 10); do "$@" >/dev/null; done
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / runs ))
}

version=$(mean_ns "$bin" --version)
advise_ns=$(mean_ns "${advise[@]}")
awk -v v="$version" -v a="$advise_ns" -v n="$runs" 'BEGIN {
  printf "runs: %d each\n", n
  printf "routewise --version: %.3f ms\n", v / 1e6
  printf "routewise advise:    %.3f ms\n", a / 1e6
  printf "ratio:               %.2fx (target <= 3x)\n", a / v
}'
