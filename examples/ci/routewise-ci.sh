#!/bin/sh
# routewise in CI, for any CI system (the GitHub Actions workflow beside this file runs it).
#
# A repository keeps its decision inputs and outputs in git:
#   decision/answers.yaml            the questionnaire answers (with a `decision:` block)
#   decision/workload.yaml           monthly traffic to price (optional)
#   decision/rules/, decision/pricing/   the team's own rules, tests and prices (optional)
#   decision/price-book.toml         negotiated discounts (optional; or ROUTEWISE_PRICE_BOOK)
#   decision/report.json             the JSON report: the baseline the next change is diffed against
#   docs/decisions/                  the MADR decision records, 0001-model-route.md, ...,
#                                    and their index README.md (`advise --supersede`)
#
# The script
#   1. runs the rule tests (the shipped ones and decision/rules/tests/) and writes JUnit XML;
#      shipped cases your rules change are listed as "changed by your rules", not failures;
#   2. checks that the newest record and the report match their inputs (`advise --check`);
#   3. regenerates the report and diffs it against the base branch's committed report, writing
#      a Markdown pull-request comment, and fails when a gate trips.
# Everything it writes goes to $ROUTEWISE_OUT; it never changes the working tree.
#
# Exit status: 0 all passed; 1 a gate tripped, a rule test failed or a committed file is out of
# date; 2 invalid input (a file routewise cannot read, an unknown gate).
#
# Settings (environment variables, with defaults):
ROUTEWISE="${ROUTEWISE:-routewise}"
ROUTEWISE_DECISION_DIR="${ROUTEWISE_DECISION_DIR:-decision}"
ROUTEWISE_REPORT="${ROUTEWISE_REPORT:-$ROUTEWISE_DECISION_DIR/report.json}"
ROUTEWISE_RECORDS="${ROUTEWISE_RECORDS:-docs/decisions}"
ROUTEWISE_BASE_REF="${ROUTEWISE_BASE_REF:-origin/main}"
ROUTEWISE_GATES="${ROUTEWISE_GATES:-route-change new-elimination cost-increase=10% stale-pricing}"
ROUTEWISE_MAX_PRICING_AGE="${ROUTEWISE_MAX_PRICING_AGE:-90}"
ROUTEWISE_OUT="${ROUTEWISE_OUT:-routewise-out}"
# Negotiated discounts (a price book); decision/price-book.toml when that file exists.
ROUTEWISE_PRICE_BOOK="${ROUTEWISE_PRICE_BOOK:-}"
if [ -z "$ROUTEWISE_PRICE_BOOK" ] && [ -f "$ROUTEWISE_DECISION_DIR/price-book.toml" ]; then
  ROUTEWISE_PRICE_BOOK="$ROUTEWISE_DECISION_DIR/price-book.toml"
fi
# false: run only your own rule tests (decision/rules/tests/), not the shipped ones.
ROUTEWISE_SHIPPED_TESTS="${ROUTEWISE_SHIPPED_TESTS:-true}"
# The date pricing ages are measured to (YYYY-MM-DD); empty: the commit's date, so a rerun of
# the same commit agrees. The weekly scheduled run sets it to the day of the run.
ROUTEWISE_TODAY="${ROUTEWISE_TODAY:-}"
# true: report tripped gates in the comment but do not fail (an approved, intended change).
ROUTEWISE_ALLOW_GATES="${ROUTEWISE_ALLOW_GATES:-false}"

set -u
mkdir -p "$ROUTEWISE_OUT"
rm -f "$ROUTEWISE_OUT/diff.md"
status=0
notes="$ROUTEWISE_OUT/notes.md"
: > "$notes"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git check-ignore -q "$ROUTEWISE_OUT/"; then
  echo "note: $ROUTEWISE_OUT/ is scratch output; add \`$ROUTEWISE_OUT/\` to .gitignore so it is never committed"
fi

# Keeps the worst exit status seen: 2 (bad input) over 1 (a check failed) over 0.
record_status() {
  if [ "$1" -gt "$status" ]; then status=$1; fi
}

# Runs routewise with the team's rules and pricing directories when they exist.
with_data() {
  if [ -d "$ROUTEWISE_DECISION_DIR/rules" ]; then set -- "$@" --rules "$ROUTEWISE_DECISION_DIR/rules"; fi
  if [ -d "$ROUTEWISE_DECISION_DIR/pricing" ]; then set -- "$@" --pricing "$ROUTEWISE_DECISION_DIR/pricing"; fi
  "$ROUTEWISE" "$@"
}

# Runs routewise with the answers, the workload and price book when there are, and the data.
with_inputs() {
  set -- "$@" --answers "$ROUTEWISE_DECISION_DIR/answers.yaml"
  if [ -f "$ROUTEWISE_DECISION_DIR/workload.yaml" ]; then set -- "$@" --workload "$ROUTEWISE_DECISION_DIR/workload.yaml"; fi
  if [ -n "$ROUTEWISE_PRICE_BOOK" ]; then set -- "$@" --price-book "$ROUTEWISE_PRICE_BOOK"; fi
  with_data "$@"
}

# The command lines routewise printed after "with:" in a --check message, as a shell block.
commands_in() {
  sed -n '/with:$/{n;s/^    //p;}' "$1"
}

# Runs diff with the gates (measured to ROUTEWISE_TODAY or the commit's date).
run_diff() {
  for gate in $ROUTEWISE_GATES; do set -- "$@" --fail-on "$gate"; done
  set -- "$@" --max-pricing-age "$ROUTEWISE_MAX_PRICING_AGE"
  if [ -n "$ROUTEWISE_TODAY" ]; then
    "$ROUTEWISE" diff "$@" --today "$ROUTEWISE_TODAY"
  else
    SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" "$ROUTEWISE" diff "$@"
  fi
}

echo "== rule tests"
if [ "$ROUTEWISE_SHIPPED_TESTS" = "false" ]; then shipped=--no-shipped; else shipped=; fi
# shellcheck disable=SC2086
with_data test $shipped --coverage --format junit --output "$ROUTEWISE_OUT/rule-tests.xml" 2>/dev/null
# shellcheck disable=SC2086
with_data test $shipped --coverage
code=$?
if [ "$code" -ne 0 ]; then
  record_status "$code"
  echo "- The rule tests failed: see \`rule-tests.xml\` or run \`routewise test\`." >> "$notes"
fi

echo "== committed record and report"
# Checks one committed output: check_current FORMAT --supersede DIR, or FORMAT --output FILE.
check_current() {
  with_inputs advise --format "$1" "$2" "$3" --check 2> "$ROUTEWISE_OUT/check.err"
  code=$?
  cat "$ROUTEWISE_OUT/check.err" >&2
  if [ "$code" -ne 0 ]; then
    record_status "$code"
    fix=$(commands_in "$ROUTEWISE_OUT/check.err")
    if [ -n "$fix" ]; then
      printf -- '- `%s` does not match its inputs; run this and commit the result:\n\n  ```sh\n  %s\n  ```\n' "$3" "$fix" >> "$notes"
    else
      echo "- \`$3\` could not be checked: see the CI log." >> "$notes"
    fi
  fi
  rm -f "$ROUTEWISE_OUT/check.err"
}
check_current madr --supersede "$ROUTEWISE_RECORDS"
check_current json --output "$ROUTEWISE_REPORT"

echo "== diff against $ROUTEWISE_BASE_REF"
with_inputs advise --format json > "$ROUTEWISE_OUT/new.json"
code=$?
record_status "$code"
if [ "$code" -eq 0 ]; then
  # The record this change would write, for reviewers (errors were printed just above).
  with_inputs advise --format madr > "$ROUTEWISE_OUT/record.md" 2>/dev/null
  # The gates, checked on the new report alone, so an unknown gate is reported as one.
  run_diff "$ROUTEWISE_OUT/new.json" "$ROUTEWISE_OUT/new.json" > /dev/null 2> "$ROUTEWISE_OUT/gates.err"
  if [ "$?" -eq 2 ]; then
    record_status 2
    cat "$ROUTEWISE_OUT/gates.err" >&2
    { printf '<!-- routewise-diff -->\n### routewise: ROUTEWISE_GATES has a gate routewise does not accept\n\n`ROUTEWISE_GATES` is `%s`.\n\n```\n' "$ROUTEWISE_GATES"
      cat "$ROUTEWISE_OUT/gates.err"
      printf '```\n'; } > "$ROUTEWISE_OUT/diff.md"
  fi
  rm -f "$ROUTEWISE_OUT/gates.err"
fi
if [ -s "$ROUTEWISE_OUT/diff.md" ]; then
  :
elif [ "$code" -ne 0 ]; then
  printf '<!-- routewise-diff -->\n### routewise: the decision inputs do not load\n\nRun `routewise validate` on this branch to see every problem.\n' > "$ROUTEWISE_OUT/diff.md"
elif ! git show "$ROUTEWISE_BASE_REF:$ROUTEWISE_REPORT" > "$ROUTEWISE_OUT/base.json" 2>/dev/null; then
  printf '<!-- routewise-diff -->\n### routewise: no baseline yet\n\n`%s` does not exist on `%s`; once this change is merged, its report is the baseline.\n' "$ROUTEWISE_REPORT" "$ROUTEWISE_BASE_REF" > "$ROUTEWISE_OUT/diff.md"
else
  run_diff "$ROUTEWISE_OUT/base.json" "$ROUTEWISE_OUT/new.json" --format markdown --output "$ROUTEWISE_OUT/diff.md" 2> "$ROUTEWISE_OUT/diff.err"
  code=$?
  # The text form for the log; its messages are the markdown run's, so they print once.
  run_diff "$ROUTEWISE_OUT/base.json" "$ROUTEWISE_OUT/new.json" 2>/dev/null
  cat "$ROUTEWISE_OUT/diff.err" >&2
  if [ "$code" -eq 1 ] && [ "$ROUTEWISE_ALLOW_GATES" = "true" ]; then
    echo "- Tripped gates were approved for this change, so they do not fail the build." >> "$notes"
  else
    record_status "$code"
  fi
  if [ "$code" -eq 2 ] || [ ! -s "$ROUTEWISE_OUT/diff.md" ]; then
    { printf '<!-- routewise-diff -->\n### routewise: the diff could not be made\n\n`routewise diff` rejected a report:\n\n```\n'
      cat "$ROUTEWISE_OUT/diff.err"
      printf '```\n'; } > "$ROUTEWISE_OUT/diff.md"
  fi
  rm -f "$ROUTEWISE_OUT/diff.err"
fi

if [ -s "$notes" ]; then
  { echo; echo "**Checks**"; echo; cat "$notes"; } >> "$ROUTEWISE_OUT/diff.md"
fi
echo "== wrote $ROUTEWISE_OUT/diff.md; exit status $status"
exit "$status"
