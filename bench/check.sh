#!/usr/bin/env bash
# `juni check` figures (docs/benchmarks.md): 20 one-file functions checked in the offline runtime
# image; a cold check, no-op `build` against no-op `build --check`, and one `invoke`, median of 5.
# Needs the engine and test/docker/provision.sh's images. Usage: bash bench/check.sh
set -euo pipefail
JUNI="node $(cd "$(dirname "$0")/.." && pwd)/packages/cli/bin/juni.js"
export JUNI_RUNTIME_IMAGE=${JUNI_RUNTIME_IMAGE:-juni-test/python:bookworm} JUNI_PULL=never
dir=$(mktemp -d /tmp/juni-bench-check-XXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
{ echo 'global:'; echo '  executor: local'; echo 'functions:'; } > manifest.yml
for i in $(seq -w 1 20); do
  mkdir -p "f$i"
  printf 'import json\ndef handler(e, c):\n    return {"n": "%s"}\n' "$i" > "f$i/app.py"
  printf '  f%s:\n    handler: app.handler\n    include: [./f%s/app.py]\n' "$i" "$i" >> manifest.yml
done
secs() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
median() { sort -n | sed -n 3p; }
$JUNI build >/dev/null
echo "cold check, 20 functions: $(secs $JUNI check) ms"
echo "no-op build:              $(for _ in 1 2 3 4 5; do secs $JUNI build; done | median) ms (median of 5)"
echo "no-op build --check:      $(for _ in 1 2 3 4 5; do secs $JUNI build --check; done | median) ms (median of 5)"
echo "invoke f01:               $(for _ in 1 2 3 4 5; do secs $JUNI invoke f01; done | median) ms (median of 5)"
