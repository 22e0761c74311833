#!/usr/bin/env bash
# The client's cost per call against a server in another process: nginx on
# 127.0.0.1 with one worker, `POST /oauth/token` → a JSON token and
# `POST /send-test-notification/v1` → 204, then
# `cargo bench --bench client_overhead` against it (20,000 calls per round,
# 31 paired rounds unless BENCH_CALLS / BENCH_ROUNDS say otherwise: on this
# noisy host the median of 15 still moved by three points from run to run).
# BENCH_LIMITER=off measures the client without its rate limiter. The bench
# calls one operation: the client is built with its area only, which costs
# the same per call and compiles in a fraction of the time.
# Installs nginx from the distribution's packages when it is missing.
#
# BENCH_PROFILE=1 profiles instead: the bench is built with line tables, run
# with `perf record` for each side alone (8 in flight unless BENCH_IN_FLIGHT
# says otherwise; 3 rounds unless BENCH_ROUNDS does), and the top costs of
# each (self time by function) are printed, the client's first. Needs
# `perf` (linux-perf, or linux-tools for the running kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null
fi
dir=$(mktemp -d)
port=${BENCH_PORT:-18089}
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location = /oauth/token {
      default_type application/json;
      return 200 '{"access_token":"tok-1","token_type":"bearer","expires_in":86400}';
    }
    location = /send-test-notification/v1 { return 204; }
  }
}
CONF
nginx -c "$dir/nginx.conf" -p "$dir" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
if [ -z "${BENCH_PROFILE:-}" ]; then
  BENCH_BASE_URL="http://127.0.0.1:$port" \
    BENCH_CALLS="${BENCH_CALLS:-20000}" BENCH_ROUNDS="${BENCH_ROUNDS:-31}" \
    cargo bench --bench client_overhead --no-default-features --features send-test-notification
  exit
fi
command -v perf >/dev/null 2>&1 || {
  echo "BENCH_PROFILE needs perf: apt-get install linux-perf (or linux-tools-\$(uname -r))" >&2
  exit 1
}
# A target directory of its own: line tables change every crate's build.
bench=$(CARGO_PROFILE_BENCH_DEBUG=line-tables-only CARGO_TARGET_DIR=target/profile \
  cargo bench --bench client_overhead --no-default-features --features send-test-notification \
  --no-run 2>&1 | grep -o 'target/profile/[^ )]*client_overhead-[0-9a-f]*' | tail -1)
# Both sides make the same number of calls: their samples compare.
for side in ours plain; do
  BENCH_BASE_URL="http://127.0.0.1:$port" BENCH_ONLY=$side \
    BENCH_IN_FLIGHT="${BENCH_IN_FLIGHT:-8}" BENCH_ROUNDS="${BENCH_ROUNDS:-3}" \
    BENCH_CALLS="${BENCH_CALLS:-20000}" \
    perf record -q -F 999 -g --call-graph dwarf,16384 -o "$dir/$side.data" "$bench" --bench >/dev/null
  perf report -i "$dir/$side.data" --no-children --sort symbol -g none -F sample,sym --stdio 2>/dev/null |
    awk '!/^#/ && NF > 1 { n = $1; $1 = ""; sub(/^ +/, ""); sub(/[ -]+$/, ""); total[$0] += n }
         END { for (f in total) print total[f] "\t" f }' | sort -t"$(printf '\t')" -k1,1nr >"$dir/$side.tsv"
done
top=${BENCH_TOP:-20}
for side in ours plain; do
  echo "== $([ $side = ours ] && echo 'the client' || echo 'plain reqwest'): top costs (samples of self time, by function)"
  head -"$top" "$dir/$side.tsv"
done
echo "== where the client spends more than plain reqwest (samples: more, the client's, plain reqwest's)"
awk -F'\t' 'NR == FNR { plain[$2] = $1; next } $1 > plain[$2] { print $1 - plain[$2] "\t" $1 "\t" plain[$2] + 0 "\t" $2 }' \
  "$dir/plain.tsv" "$dir/ours.tsv" | sort -rn | head -"$top"
