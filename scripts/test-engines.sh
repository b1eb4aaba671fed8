#!/usr/bin/env bash
# Checks iamlocal on each supported Node.js LTS line (package.json engines): for every major given
# (default 20 22 24) a clean copy of the work tree runs `npm ci` with that Node (better-sqlite3 compiles
# against its headers), builds, starts the built server, and runs a smoke set of the suite.
# Not part of `npm test` (it installs and compiles once per line). Node binaries: scripts/node-lts.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
MAJORS=("${@:-20 22 24}")
[ "$#" -gt 0 ] || read -r -a MAJORS <<<"20 22 24"
SMOKE=(test/store test/package-exports.test.ts test/e2e/sdk-v3.test.ts test/e2e/cli.test.ts test/e2e/aws-cli.test.ts)
RESULTS=()
for m in "${MAJORS[@]}"; do
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$m" ]; then BIN=$(dirname "$(readlink -f "$(command -v node)")"); else BIN=$(bash scripts/node-lts.sh "$m"); fi
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/iamlocal-engine-$m-XXXXXX") && chmod 0755 "$WORK"   # (readable by the suite's other-UID test)
  echo "== Node $("$BIN/node" --version) in $WORK"
  git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$WORK"
  (
    cd "$WORK"
    export PATH="$BIN:$PATH" npm_config_nodedir="$(dirname "$BIN")"
    npm ci --no-audit --no-fund >npm-ci.log 2>&1 || { tail -20 npm-ci.log; exit 1; }
    node -e "const D=require('better-sqlite3'); const d=new D(':memory:'); console.log('better-sqlite3', require('better-sqlite3/package.json').version, 'on', process.version, d.prepare('select sqlite_version() v').get().v)"
    out=$(node dist/cli.js --help | head -1); [ "$out" = "Usage: iamlocal [options]" ] || { echo "dist/cli.js --help: $out"; exit 1; }
    npx vitest run "${SMOKE[@]}"
  ) && RESULTS+=("Node $m: ok") || RESULTS+=("Node $m: FAILED (see $WORK)")
  [[ "${RESULTS[-1]}" == *ok ]] && rm -rf "$WORK"
done
printf '%s\n' "${RESULTS[@]}"
! printf '%s\n' "${RESULTS[@]}" | grep -q FAILED
