#!/usr/bin/env bash
# Cold build time of a crate that depends on this client, against a baseline
# crate with the same reqwest, rustls, serde and tokio, measured in the same
# run (the machine is shared: the ratios are what counts, not the seconds).
#
#   bash benches/consumer_build.sh            # baseline, one area, all areas
#   WITH_CODEGEN=1 bash benches/consumer_build.sh   # also: build.rs running progenitor
#
# Each variant builds from nothing in a target directory of its own (debug
# profile, as `cargo build` does). Needs network or a warm cargo registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/sailpoint-consumer-XXXXXX")"
trap 'rm -rf "$work"' EXIT

reqwest='reqwest = { version = "0.13", default-features = false, features = ["json", "rustls-no-provider", "http2", "form", "query"] }'
common='serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "time", "sync", "net"] }'

make_crate() { # name, dependencies, main.rs
  mkdir -p "$work/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\n' "$1" "$2" > "$work/$1/Cargo.toml"
  printf '%s\n' "$3" > "$work/$1/src/main.rs"
}

make_crate baseline "$reqwest
rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }
$common" '#[tokio::main]
async fn main() {
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions().unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder().tls_backend_preconfigured(tls).build().unwrap();
    let body = serde_json::json!({"key": "k", "medium": "EMAIL"});
    let _ = http.post("http://127.0.0.1:9/send-test-notification/v1").bearer_auth("t").json(&body).send().await;
}'

client_main='#[tokio::main]
async fn main() {
    let client = sailpoint::Client::from_builder(
        sailpoint::ClientBuilder::new().base_url("http://127.0.0.1:9").access_token("t"),
    )
    .unwrap();
    let _ = client.send_test_notification().body(sailpoint::types::SendTestNotificationRequestDto::default()).send().await;
}'
make_crate one_area "sailpoint = { path = \"$root\", default-features = false, features = [\"send-test-notification\"] }
$common" "$client_main"
make_crate all_areas "sailpoint = { path = \"$root\" }
$common" "$client_main"
variants=(baseline one_area all_areas)
if [ -n "${WITH_CODEGEN:-}" ]; then
  make_crate one_area_codegen "sailpoint = { path = \"$root\", default-features = false, features = [\"send-test-notification\", \"codegen\"] }
$common" "$client_main"
  variants+=(one_area_codegen)
fi

# Fetch everything first, so that download time is not build time.
for v in "${variants[@]}"; do (cd "$work/$v" && cargo fetch --quiet); done

# Peak memory: the largest resident set of any one process of the build
# (rustc on the client crate, for the areas), from GNU time when present.
timed() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/rss" "$@"
  else
    echo 0 > "$work/rss"
    "$@"
  fi
}
declare -A secs
for v in "${variants[@]}"; do
  start=$(date +%s.%N)
  (cd "$work/$v" && CARGO_TARGET_DIR="$work/target-$v" timed cargo build --quiet)
  end=$(date +%s.%N)
  secs[$v]=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  crates=$(ls "$work/target-$v/debug/deps" | grep -c '\.rlib$' || true)
  peak=$(awk '{ printf "%.2f", $1 / 1048576 }' "$work/rss")
  printf '%-18s %7.1f s  %4d crates  peak %5s GiB\n' "$v" "${secs[$v]}" "$crates" "$peak"
done
for v in "${variants[@]}"; do
  [ "$v" = baseline ] && continue
  awk -v v="$v" -v a="${secs[$v]}" -v b="${secs[baseline]}" 'BEGIN { printf "%-18s %.2fx the baseline\n", v, a / b }'
done
