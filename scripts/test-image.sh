#!/usr/bin/env bash
# Builds the iamlocal image and checks it as a user would run it: the default credentials (test/test =
# IAM user admin) and the root key answer, a wrong secret is refused, the HEALTHCHECK is kept and passes,
# it runs as 10001:0, as an arbitrary UID (--user 4242), and on a bind-mounted data dir (refused with one
# clear line when unwritable, working once writable). Reports the image size and the layers iamlocal adds
# on top of node:<LTS>-bookworm-slim (at most 40 MB), and leaves no container or volume behind.
# Uses podman where there is no docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v podman >/dev/null 2>&1; then ENGINE=podman; BUILD_FLAGS=(--network host --pull=never --format docker)
elif docker info >/dev/null 2>&1; then ENGINE=docker; BUILD_FLAGS=()
else echo "test-image: neither podman nor a docker engine is available" >&2; exit 1; fi

# The newest LTS line whose base images are here (docker pulls the Dockerfile's default).
NODE_MAJOR=${NODE_MAJOR:-}
if [ -z "$NODE_MAJOR" ] && [ "$ENGINE" = podman ]; then
  for m in 24 22 20; do
    if podman image exists "docker.io/library/node:$m-bookworm" && podman image exists "docker.io/library/node:$m-bookworm-slim"; then NODE_MAJOR=$m; break; fi
  done
  [ -n "$NODE_MAJOR" ] || { echo "test-image: no node:*-bookworm base images (run container-images.sh)" >&2; exit 1; }
fi
[ -n "$NODE_MAJOR" ] && BUILD_FLAGS+=(--build-arg "NODE_MAJOR=$NODE_MAJOR")
MAX_ADDED_MB=${MAX_ADDED_MB:-40}

TAG=${IAMLOCAL_IMAGE:-iamlocal:test}
NAME=iamlocal-test-$$
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
TMP=$(mktemp -d)
CONTAINERS=()
volumes() { $ENGINE volume ls -q | sort; }
cleanup() {
  for c in "${CONTAINERS[@]}"; do $ENGINE rm -f -v "$c" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "test-image: $*" >&2; for c in "${CONTAINERS[@]}"; do $ENGINE logs "$c" 2>&1 | tail -5 >&2 || true; done; exit 1; }

echo "test-image: building $TAG with $ENGINE (node ${NODE_MAJOR:-default})"
$ENGINE build "${BUILD_FLAGS[@]}" -f docker/Dockerfile -t "$TAG" .
VOLUMES_BEFORE=$(volumes)

# start NAME [run options…]: runs the image detached on a free port; sets PORT.
start() {
  local name=$1; shift
  PORT=$(free_port)
  CONTAINERS+=("$name")
  # (podman without systemd logs that it cannot schedule healthchecks; harmless: we run the check below.)
  # Run options, then (optionally) the image and its arguments.
  local args=("$@")
  [[ " ${args[*]} " == *" $TAG "* ]] || args+=("$TAG")
  $ENGINE run -d --name "$name" -p "127.0.0.1:$PORT:4599" "${args[@]}" >/dev/null 2>"$TMP/run-err" || { cat "$TMP/run-err"; exit 1; }
  for i in $(seq 1 50); do
    if curl -fsS "http://127.0.0.1:$PORT/_iamlocal/health" >/dev/null 2>&1; then return 0; fi
    if [ "$($ENGINE inspect --format '{{.State.Running}}' "$name")" != true ]; then return 1; fi
    sleep 0.2
  done
  return 1
}
cli() { AWS_ENDPOINT_URL_STS="http://127.0.0.1:$PORT" AWS_ENDPOINT_URL_IAM="http://127.0.0.1:$PORT" aws "$@" --output json; }
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1

# 1. Defaults: test/test is the IAM user admin; root has its own key; a wrong secret is refused.
start "$NAME" || fail "no health answer"
out=$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test cli sts get-caller-identity)
grep -q '"Arn": "arn:aws:iam::000000000000:user/admin"' <<<"$out" || fail "test/test is not user/admin: $out"
out=$(AWS_ACCESS_KEY_ID=AKIAIAMLOCALROOTUSER AWS_SECRET_ACCESS_KEY=root cli sts get-caller-identity)
grep -q '"Arn": "arn:aws:iam::000000000000:root"' <<<"$out" || fail "root key is not root: $out"
if AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=wrong cli sts get-caller-identity >/dev/null 2>"$TMP/err"; then fail "a wrong secret was accepted"; fi
grep -q SignatureDoesNotMatch "$TMP/err" || { cat "$TMP/err"; fail "wrong secret: unexpected error"; }
logs=$($ENGINE logs "$NAME" 2>&1)
grep -q '^iamlocal credentials: test/test = IAM user admin' <<<"$logs" || fail "no credentials line at start-up"

# 2. The HEALTHCHECK is in the image and passes; the user is numeric 10001:0.
# (podman shows it at the top of `image inspect`, docker under Config.)
image_field() { $ENGINE image inspect "$TAG" | node -e "const j=JSON.parse(require('fs').readFileSync(0,'utf8'))[0]; console.log($1)"; }
[ "$(image_field "JSON.stringify((j.Healthcheck ?? j.Config?.Healthcheck)?.Test)")" = '["CMD","node","/app/dist/cli.js","health"]' ] || fail "the image has no HEALTHCHECK"
if [ "$ENGINE" = podman ]; then podman healthcheck run "$NAME" || fail "HEALTHCHECK failed"; fi
[ "$(image_field "j.Config.User")" = "10001:0" ] || fail "image user is not 10001:0"

# 3. An arbitrary UID (OpenShift-style, group 0) writes its data to /data; the shipped seeds load.
start "$NAME-uid" --user 4242 "$TAG" --seed /app/seed || fail "--user 4242: no health answer"
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test cli iam create-user --user-name written-by-4242 >/dev/null || fail "--user 4242 cannot write"
out=$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test cli iam get-role --role-name payments-api --query Role.Arn)
grep -q 'role/payments-api' <<<"$out" || fail "shipped seeds not loaded: $out"
echo "test-image: --user 4242 with --seed /app/seed ok"

# 4. A bind-mounted data dir it cannot write: one clear line; once writable, the data file lands there.
mkdir "$TMP/data" && chmod 0755 "$TMP/data"
if start "$NAME-ro" -v "$TMP/data:/data"; then fail "an unwritable bind mount was accepted"; fi
logs=$($ENGINE logs "$NAME-ro" 2>&1)
grep -q "^iamlocal: data directory /data is not writable by UID 10001 (GID 0)" <<<"$logs" || { echo "$logs"; fail "no clear line for an unwritable data dir"; }
echo "test-image: unwritable bind mount refused: $(grep '^iamlocal: data directory' <<<"$logs")"
chown 10001:0 "$TMP/data"
start "$NAME-rw" -v "$TMP/data:/data" || fail "writable bind mount: no health answer"
[ -f "$TMP/data/iamlocal.db" ] || fail "no iamlocal.db in the bind-mounted dir"
echo "test-image: bind-mounted data dir ok"

# 5. Nothing left behind, and the size.
for c in "${CONTAINERS[@]}"; do $ENGINE rm -f -v "$c" >/dev/null; done
CONTAINERS=()
[ "$(volumes)" = "$VOLUMES_BEFORE" ] || fail "volumes left behind: $(comm -13 <(echo "$VOLUMES_BEFORE") <(volumes) | tr '\n' ' ')"
size() { $ENGINE image inspect --format '{{.Size}}' "$1"; }
BASE=docker.io/library/node:${NODE_MAJOR:-24}-bookworm-slim
total=$(size "$TAG"); base=$(size "$BASE")
added=$(( (total - base) / 1000000 ))
echo "test-image: image $TAG $(( total / 1000000 )) MB = $BASE $(( base / 1000000 )) MB + iamlocal $added MB (limit $MAX_ADDED_MB MB)"
[ "$added" -le "$MAX_ADDED_MB" ] || fail "iamlocal adds $added MB, more than $MAX_ADDED_MB MB"
echo "test-image: ok (defaults, root key, wrong secret refused, HEALTHCHECK kept and passing, 10001:0, --user 4242, bind mount, no volume left)"
