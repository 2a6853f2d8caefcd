#!/bin/sh
# routewise in CI, for any CI system (the GitHub Actions workflow beside this file runs it).
#
# A repository keeps its decision inputs and outputs in git:
#   decision/answers.yaml            the questionnaire answers (with a `decision:` block)
#   decision/workload.yaml           monthly traffic to price (optional)
#   decision/rules/, decision/pricing/   the team's own rules, tests and prices (optional)
#   decision/report.json             the JSON report: the baseline the next change is diffed against
#   docs/decisions/0001-model-route.md   the MADR decision record
#
# The script
#   1. runs the rule tests (the shipped ones and decision/rules/tests/) and writes JUnit XML;
#   2. checks that the committed record and report match their inputs (`advise --check`);
#   3. regenerates the report and diffs it against the base branch's committed report, writing
#      a Markdown pull-request comment, and fails when a gate trips.
# Everything it writes goes to $ROUTEWISE_OUT; it never changes the working tree.
#
# Exit status: 0 all passed; 1 a gate tripped, a rule test failed or a committed file is out of
# date; 2 invalid input (a file routewise cannot read, a bad gate).
#
# Settings (environment variables, with defaults):
ROUTEWISE="${ROUTEWISE:-routewise}"
ROUTEWISE_DECISION_DIR="${ROUTEWISE_DECISION_DIR:-decision}"
ROUTEWISE_REPORT="${ROUTEWISE_REPORT:-$ROUTEWISE_DECISION_DIR/report.json}"
ROUTEWISE_RECORD="${ROUTEWISE_RECORD:-docs/decisions/0001-model-route.md}"
ROUTEWISE_BASE_REF="${ROUTEWISE_BASE_REF:-origin/main}"
ROUTEWISE_GATES="${ROUTEWISE_GATES:-route-change new-elimination cost-increase=10% stale-pricing}"
ROUTEWISE_MAX_PRICING_AGE="${ROUTEWISE_MAX_PRICING_AGE:-90}"
ROUTEWISE_OUT="${ROUTEWISE_OUT:-routewise-out}"
# true: report tripped gates in the comment but do not fail (an approved, intended change).
ROUTEWISE_ALLOW_GATES="${ROUTEWISE_ALLOW_GATES:-false}"

set -u
mkdir -p "$ROUTEWISE_OUT"
rm -f "$ROUTEWISE_OUT/diff.md"
status=0
notes="$ROUTEWISE_OUT/notes.md"
: > "$notes"

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

# Runs routewise with the answers, the workload when there is one, and the data directories.
with_inputs() {
  set -- "$@" --answers "$ROUTEWISE_DECISION_DIR/answers.yaml"
  if [ -f "$ROUTEWISE_DECISION_DIR/workload.yaml" ]; then set -- "$@" --workload "$ROUTEWISE_DECISION_DIR/workload.yaml"; fi
  with_data "$@"
}

echo "== rule tests"
with_data test --coverage
code=$?
with_data test --format junit --output "$ROUTEWISE_OUT/rule-tests.xml" 2>/dev/null
if [ "$code" -ne 0 ]; then
  record_status "$code"
  echo "- The rule tests failed: see \`rule-tests.xml\` or run \`routewise test\`." >> "$notes"
fi

echo "== committed record and report"
for spec in "madr $ROUTEWISE_RECORD" "json $ROUTEWISE_REPORT"; do
  format=${spec%% *}
  file=${spec#* }
  with_inputs advise --format "$format" --output "$file" --check
  code=$?
  if [ "$code" -ne 0 ]; then
    record_status "$code"
    echo "- \`$file\` does not match its inputs; regenerate it with \`routewise advise ... --format $format --output $file\` and commit it." >> "$notes"
  fi
done

echo "== diff against $ROUTEWISE_BASE_REF"
with_inputs advise --format json > "$ROUTEWISE_OUT/new.json"
code=$?
record_status "$code"
with_inputs advise --format madr > "$ROUTEWISE_OUT/record.md" || true
if [ "$code" -ne 0 ]; then
  printf '<!-- routewise-diff -->\n### routewise: the decision inputs do not load\n\nRun `routewise validate` on this branch to see every problem.\n' > "$ROUTEWISE_OUT/diff.md"
elif ! git show "$ROUTEWISE_BASE_REF:$ROUTEWISE_REPORT" > "$ROUTEWISE_OUT/base.json" 2>/dev/null; then
  printf '<!-- routewise-diff -->\n### routewise: no baseline yet\n\n`%s` does not exist on `%s`; once this change is merged, its report is the baseline.\n' "$ROUTEWISE_REPORT" "$ROUTEWISE_BASE_REF" > "$ROUTEWISE_OUT/diff.md"
else
  set --
  for gate in $ROUTEWISE_GATES; do set -- "$@" --fail-on "$gate"; done
  # Pricing ages are measured to the commit's date, so a rerun of the same commit agrees.
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
  export SOURCE_DATE_EPOCH
  "$ROUTEWISE" diff "$ROUTEWISE_OUT/base.json" "$ROUTEWISE_OUT/new.json" --max-pricing-age "$ROUTEWISE_MAX_PRICING_AGE" "$@" || true
  "$ROUTEWISE" diff "$ROUTEWISE_OUT/base.json" "$ROUTEWISE_OUT/new.json" --max-pricing-age "$ROUTEWISE_MAX_PRICING_AGE" "$@" \
    --format markdown --output "$ROUTEWISE_OUT/diff.md"
  code=$?
  unset SOURCE_DATE_EPOCH
  if [ "$code" -eq 1 ] && [ "$ROUTEWISE_ALLOW_GATES" = "true" ]; then
    echo "- Tripped gates were approved for this change, so they do not fail the build." >> "$notes"
  else
    record_status "$code"
  fi
fi

if [ ! -s "$ROUTEWISE_OUT/diff.md" ]; then
  printf '<!-- routewise-diff -->\n### routewise: the diff could not be made\n\nSee the CI log: `routewise diff` rejected a report.\n' > "$ROUTEWISE_OUT/diff.md"
fi
if [ -s "$notes" ]; then
  { echo; echo "**Checks**"; echo; cat "$notes"; } >> "$ROUTEWISE_OUT/diff.md"
fi
echo "== wrote $ROUTEWISE_OUT/diff.md; exit status $status"
exit "$status"
