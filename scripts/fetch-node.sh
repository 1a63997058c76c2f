#!/usr/bin/env bash
# Prints the path of the Node.js binary of the given exact version (npm test passes package.json's
# config.node24), taken from the npm registry's node-linux-<arch> package: nothing is downloaded from
# anywhere else. Cached in .tools/.
set -euo pipefail
version="${1:?usage: fetch-node.sh <exact version, e.g. 24.22.3>}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;; esac
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp" package/bin/node
  mkdir -p "$dir/bin"
  mv "$tmp/package/bin/node" "$dir/bin/node"
fi
echo "$dir/bin/node"
