#!/usr/bin/env bash
# Installs other Node versions for the determinism tests (zips from Node 20, 22, 24, 26), from the
# npm registry's node-linux-<arch> packages (no other download). Idempotent: an installed version
# is kept. Prints the folder that holds them (one subfolder per major: 22/bin/node, ...).
set -euo pipefail
root="${JUNI_TEST_NODES:-${XDG_CACHE_HOME:-$HOME/.cache}/juni-test/node}"
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "provision-node: no Node packages for $(uname -m)" >&2; exit 1 ;; esac
# Pinned, so every run compares the same builds of zlib.
versions=(22.12.0 24.9.0 26.10.0)
mkdir -p "$root"
for version in "${versions[@]}"; do
  major="${version%%.*}"
  if [ -x "$root/$major/bin/node" ] && [ "$("$root/$major/bin/node" --version)" = "v$version" ]; then continue; fi
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "node-$(uname -s | tr A-Z a-z)-$arch@$version" >/dev/null)
  rm -rf "$root/$major.tmp" && mkdir -p "$root/$major.tmp"
  tar -xzf "$work"/*.tgz -C "$root/$major.tmp" --strip-components=1
  rm -rf "$work" "$root/$major" && mv "$root/$major.tmp" "$root/$major"
  "$root/$major/bin/node" --version >/dev/null
done
echo "$root"
