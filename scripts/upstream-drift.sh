#!/usr/bin/env bash
# The maintainer loop, for a scheduler (e.g. .github/workflows/upstream-drift.yml):
# make spec/upstream/ anew from the spec SailPoint publishes, regenerate the
# client, and write the drift report as Markdown for a pull request's body.
#
# usage: scripts/upstream-drift.sh [SPEC|URL] [BODY_FILE]
#   SPEC|URL   the spec (default: $UPSTREAM_SPEC, else SailPoint's release
#              asset, the default of `cargo xtask refresh`)
#   BODY_FILE  where the Markdown report goes (default: target/upstream-drift.md)
# environment:
#   XTASK          how to run the xtask (default: `cargo xtask`)
#   GITHUB_OUTPUT  when set (GitHub Actions), gets `changed=true|false` (the
#                  tree was refreshed: open a pull request) and
#                  `breaking=true|false`
# exit status: 0 up to date, or only compatible changes; 1 breaking changes
# (the tree is refreshed all the same, for the pull request to show them);
# 2 an error (nothing written: spec/upstream/ is as it was).
set -uo pipefail
cd "$(dirname "$0")/.."
source="${1:-${UPSTREAM_SPEC:-}}"
body="${2:-target/upstream-drift.md}"
read -r -a xtask <<< "${XTASK:-cargo xtask}"
mkdir -p "$(dirname "$body")"
rm -f "$body"

# What the refresh may write: the upstream pages and the generated files.
state() {
  find spec crates/httpmock/src crates/httpmock/Cargo.toml Cargo.toml -type f 2>/dev/null |
    LC_ALL=C sort | xargs -r -d '\n' sha256sum
}
before="$(state)"
args=(refresh --root . --markdown "$body" --fail-on breaking)
[ -n "$source" ] && args+=("$source")
"${xtask[@]}" "${args[@]}"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "upstream-drift: the refresh failed (exit $status); nothing was written" >&2
  exit 2
fi
if [ ! -s "$body" ]; then
  echo "upstream-drift: the refresh wrote no report to $body" >&2
  exit 2
fi
breaking=false
[ "$status" -eq 1 ] && breaking=true
changed=false
[ "$(state)" != "$before" ] && changed=true
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "changed=$changed"; echo "breaking=$breaking"; } >> "$GITHUB_OUTPUT"
fi
echo "upstream-drift: changed=$changed breaking=$breaking; report in $body" >&2
exit "$status"
