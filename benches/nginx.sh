#!/usr/bin/env bash
# The client's cost per call against a server in another process: nginx on
# 127.0.0.1 with one worker, `POST /oauth/token` → a JSON token and
# `POST /beta/send-test-notification` → 204, then
# `cargo bench --bench client_overhead` against it (20,000 calls per round,
# 15 paired rounds unless BENCH_CALLS / BENCH_ROUNDS say otherwise). The
# bench calls one operation: the client is built with its area only, which
# costs the same per call and compiles in a fraction of the time.
# Installs nginx from the distribution's packages when it is missing.
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
    location = /beta/send-test-notification { return 204; }
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
BENCH_BASE_URL="http://127.0.0.1:$port" \
  BENCH_CALLS="${BENCH_CALLS:-20000}" BENCH_ROUNDS="${BENCH_ROUNDS:-15}" \
  cargo bench --bench client_overhead --no-default-features --features notifications
