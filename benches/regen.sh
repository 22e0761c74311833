#!/usr/bin/env bash
# How long `cargo xtask regen --check` takes on the vendored v1 upstream
# (917 pages), warm (the xtask built), and where the time goes: extraction
# (pages → spec) and generation (spec → client and mock layer), as the
# command itself measures them, then the rest (comparing and diffing the
# generated files, process start). The target: at most 15 s warm.
#
#   bash benches/regen.sh            # 5 rounds
#   BENCH_ROUNDS=9 bash benches/regen.sh
#
# The machine is shared: the figure is the median of the rounds, with the
# fastest and slowest beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${BENCH_ROUNDS:-5}

cargo build --quiet -p xtask
xtask=target/debug/xtask
"$xtask" regen --check >/dev/null 2>&1 || { echo "regen --check fails: run cargo xtask regen first"; exit 1; }

walls=()
for _ in $(seq "$rounds"); do
  start=$(date +%s.%N)
  SAILPOINT_REGEN_TIMINGS=1 "$xtask" regen --check >/dev/null 2>target/regen-bench.err
  end=$(date +%s.%N)
  walls+=("$(echo "$end - $start" | bc)")
  grep -F 'regen timings:' target/regen-bench.err || true
done
printf '%s\n' "${walls[@]}" | sort -n | awk '
  { v[NR] = $1 }
  END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "regen --check, warm: median %.2f s (min %.2f, max %.2f) over %d rounds; target <= 15 s\n", m, v[1], v[NR], NR
  }'
