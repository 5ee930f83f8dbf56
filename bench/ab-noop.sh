#!/bin/bash
# A/B of no-op build time between commits, alternating the binaries so drift hits both alike.
# usage: bash bench/ab-noop.sh COMMIT... (run `npm run bench` once first: it makes bench/out/repo-200)
# Each commit is built in its own worktree under /tmp/juni-ab-<commit>; its project copy under
# /tmp/juni-abp-<commit>. Prints each commit's 12 timings (ms), sorted.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
[ -d "$repo/bench/out/repo-200" ] || { echo "run npm run bench first (bench/out/repo-200)" >&2; exit 2; }
for c in "$@"; do
  d=/tmp/juni-ab-$c
  if [ ! -d "$d" ]; then
    git -C "$repo" worktree add -q "$d" "$c"
    (cd "$d" && npm ci --no-audit --no-fund >/dev/null 2>&1 && TURBO_CACHE_DIR="$d/.tc" npm run build >/dev/null 2>&1)
  fi
  rm -rf "/tmp/juni-abp-$c" && cp -r "$repo/bench/out/repo-200" "/tmp/juni-abp-$c"
  rm -rf "/tmp/juni-abp-$c/.juni" "/tmp/juni-abp-$c/dist"
  (cd "/tmp/juni-abp-$c" && node "$d/packages/cli/bin/juni.js" build >/dev/null 2>&1)
done
time_one() {
  local s; s=$(date +%s%N)
  (cd "/tmp/juni-abp-$1" && node "/tmp/juni-ab-$1/packages/cli/bin/juni.js" build >/dev/null 2>&1)
  echo $((($(date +%s%N) - s) / 1000000))
}
declare -A res
for _ in $(seq 1 12); do for c in "$@"; do res[$c]="${res[$c]:-} $(time_one "$c")"; done; done
for c in "$@"; do echo "$c: $(echo ${res[$c]} | tr ' ' '\n' | sort -n | tr '\n' ' ')"; done
