#!/bin/bash
# A/B of the cold Docker build between commits (issue 16: copying files in and out instead of
# bind mounts must not cost more than 10%), alternating the binaries so drift hits both alike.
# usage: bash bench/ab-docker-cold.sh COMMIT...   (needs the engine and juni-test/python:bookworm)
# Each commit is built in its own worktree under /tmp/juni-ab-<commit>; the project (the heavy
# 40 MB wheel and two small ones, from a wheelhouse in the project, network none) under
# /tmp/juni-abd-<commit>. Prints each commit's 8 cold build times (ms), sorted.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export JUNI_PULL=never
for c in "$@"; do
  d=/tmp/juni-ab-$c
  if [ ! -d "$d" ]; then
    git -C "$repo" worktree add -q "$d" "$c"
    (cd "$d" && npm ci --no-audit --no-fund >/dev/null 2>&1 && TURBO_CACHE_DIR="$d/.tc" npm run build >/dev/null 2>&1)
  fi
  rm -rf "/tmp/juni-abd-$c" && node "$repo/bench/docker-cold.mjs" "/tmp/juni-abd-$c"
done
time_one() {
  local s
  rm -rf "/tmp/juni-abd-$1/.juni" "/tmp/juni-abd-$1/dist"
  s=$(date +%s%N)
  (cd "/tmp/juni-abd-$1" && node "/tmp/juni-ab-$1/packages/cli/bin/juni.js" build >/dev/null 2>&1) || echo "build failed: $1" >&2
  echo $((($(date +%s%N) - s) / 1000000))
}
for c in "$@"; do time_one "$c" >/dev/null; done
declare -A res
for _ in $(seq 1 8); do for c in "$@"; do res[$c]="${res[$c]:-} $(time_one "$c")"; done; done
for c in "$@"; do echo "$c: $(echo ${res[$c]} | tr ' ' '\n' | sort -n | tr '\n' ' ')"; done
