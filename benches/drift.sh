#!/usr/bin/env bash
# Drift and migration reports on the real pairs of ../shared/corpus, timed
# as a maintainer runs them (`cargo xtask diff` / `migrate`, release build),
# each against a baseline in the same run: `cargo xtask extract` of the same
# sites (what any report must do first), so that the ratio holds on a busy
# machine. Prints per report: wall time (median of BENCH_ROUNDS, default 5),
# CPU time, the ratio to the baseline, and the report's figures (lines,
# summary lines, breaking entries; successors).
#
# The goals (issue #22): every diff of two whole sites under 5 s, the
# migration report for a whole legacy site under 10 s, on these machines.
#
# V1_OLD_PAGES=DIR adds the v1 site's own history: pages of an older v1 spec
# (make them with ../shared/tools/gen-pages/gen-pages.sh SPEC DIR
# --sailpoint-template from idn/sailpoint-api.yaml of an older commit of
# github.com/sailpoint-oss/api-specs) against ../shared/corpus/isc-v1-2026-08.
#
# BEFORE=REV also builds the xtask of git revision REV (in a temporary
# worktree) and prints its report's lines and breaking count on the beta
# pair, for the before/after figures.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${BENCH_ROUNDS:-5}
corpus=../shared/corpus
cargo build --quiet --release -p xtask
x=target/release/xtask
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# seconds (wall and cpu) of one run of "$@", output to $out/last
timed() {
  /usr/bin/time -f "%e %U %S" -o "$out/time" "$@" >"$out/last" 2>"$out/err" || {
    cat "$out/err" >&2
    return 1
  }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out/time"
}

# median wall, median cpu of $rounds runs of "$@"
median() {
  for _ in $(seq "$rounds"); do timed "$@"; done | sort -n | awk -v n="$rounds" '
    { wall[NR] = $1; cpu[NR] = $2 }
    END { m = int((n + 1) / 2); printf "%.2f %.2f\n", wall[m], cpu[m] }'
}

row() { # name, command...
  local name=$1
  shift
  read -r wall cpu < <(median "$@")
  printf '%-44s %6.2f s wall %6.2f s cpu' "$name" "$wall" "$cpu"
}

baseline() { # sides...
  local args=()
  for side in "$@"; do args+=("$side"); done
  read -r wall _ < <(median "$x" extract "${args[@]}" --accept-quarantined -o "$out/extracted.json")
  echo "$wall"
}

diff_pair() { # name old new
  local name=$1 old=$2 new=$3
  local base_old base_new base
  base_old=$(baseline "$old")
  base_new=$(baseline "$new")
  base=$(awk -v a="$base_old" -v b="$base_new" 'BEGIN { print a + b }')
  row "diff $name" "$x" diff "$old" "$new"
  local wall
  wall=$(awk '{ print $1 }' "$out/time")
  "$x" diff "$old" "$new" >"$out/report" 2>/dev/null
  local lines summary first
  lines=$(wc -l <"$out/report")
  summary=$(awk '$0 == "Document" { exit } { n++ } END { print n }' "$out/report")
  first=$(head -1 "$out/report")
  printf '  (%.2fx extracting both sides) %s lines, summary %s lines\n' \
    "$(awk -v a="$wall" -v b="$base" 'BEGIN { print a / b }')" "$lines" "$summary"
  printf '  %s\n' "$first"
}

migrate() { # name legacy target
  local name=$1 legacy=$2 target=$3
  local base
  base=$(awk -v a="$(baseline "$legacy")" -v b="$(baseline "$target")" 'BEGIN { print a + b }')
  row "migrate $name" "$x" migrate "$legacy" "$target"
  local wall
  wall=$(awk '{ print $1 }' "$out/time")
  printf '  (%.2fx extracting both sides)\n' "$(awk -v a="$wall" -v b="$base" 'BEGIN { print a / b }')"
  "$x" migrate "$legacy" "$target" >"$out/report"
  sed -n '1s/^/  /p' "$out/report"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds, medians"
diff_pair "beta 2022-08 → 2024-03" "$corpus/sailpoint-beta-2022-08" "$corpus/sailpoint-beta-2024-03"
diff_pair "NERM 2023-05 → 2023-10" "$corpus/nerm-2023-05" "$corpus/nerm-ids-2023-10"
diff_pair "seed → its 2024 page" ../shared/seed/send-test-notification.api.mdx \
  "$corpus/sailpoint-beta-2024-03/send-test-notification.api.mdx"
diff_pair "v1 2026-08 against itself" "$corpus/isc-v1-2026-08" "$corpus/isc-v1-2026-08"
if [ -n "${V1_OLD_PAGES:-}" ]; then
  diff_pair "v1 older → 2026-08-22" "$V1_OLD_PAGES" "$corpus/isc-v1-2026-08"
fi
migrate "beta 2024-03 → v1" "$corpus/sailpoint-beta-2024-03" "$corpus/isc-v1-2026-08"
migrate "v3 2024-03 → v1" "$corpus/sailpoint-v3-2024-03" "$corpus/isc-v1-2026-08"

if [ -n "${BEFORE:-}" ]; then
  tree="$out/before"
  git worktree add --quiet --detach "$tree" "$BEFORE"
  (cd "$tree" && CARGO_TARGET_DIR="$PWD/../target-before" cargo build --quiet --release -p xtask)
  "$out/target-before/release/xtask" diff "$corpus/sailpoint-beta-2022-08" "$corpus/sailpoint-beta-2024-03" \
    >"$out/before-report" 2>/dev/null || true
  git worktree remove --force "$tree"
  printf 'before (%s) on the beta pair: %s lines; %s\n' "$BEFORE" \
    "$(wc -l <"$out/before-report")" "$(head -1 "$out/before-report")"
fi
