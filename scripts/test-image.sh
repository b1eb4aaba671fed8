#!/usr/bin/env bash
# Builds the iamlocal image, runs it, asks it `aws sts get-caller-identity` (and an IAM call) with the
# bootstrap root credentials, checks the answers, and stops it. Uses podman where there is no docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v podman >/dev/null 2>&1; then ENGINE=podman; BUILD_FLAGS=(--network host --pull=never --format docker)
elif docker info >/dev/null 2>&1; then ENGINE=docker; BUILD_FLAGS=()
else echo "test-image: neither podman nor a docker engine is available" >&2; exit 1; fi

TAG=${IAMLOCAL_IMAGE:-iamlocal:test}
NAME=iamlocal-test-$$
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

echo "test-image: building $TAG with $ENGINE"
$ENGINE build "${BUILD_FLAGS[@]}" -f docker/Dockerfile -t "$TAG" .

cleanup() { $ENGINE rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
echo "test-image: starting $NAME on 127.0.0.1:$PORT"
# (podman without systemd logs that it cannot schedule healthchecks; harmless: we run the check below.)
$ENGINE run -d --name "$NAME" -p "127.0.0.1:$PORT:4599" "$TAG" >/dev/null 2>/tmp/iamlocal-run-err.$$ || { cat /tmp/iamlocal-run-err.$$; exit 1; }
rm -f /tmp/iamlocal-run-err.$$

for i in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$PORT/_iamlocal/health" >/dev/null 2>&1; then break; fi
  if [ "$i" = 50 ]; then echo "test-image: no health answer"; $ENGINE logs "$NAME"; exit 1; fi
  sleep 0.2
done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$PORT" AWS_ENDPOINT_URL_IAM="http://127.0.0.1:$PORT"
out=$(aws sts get-caller-identity --output json)
echo "$out"
echo "$out" | grep -q '"Account": "000000000000"' || { echo "test-image: unexpected identity"; exit 1; }
echo "$out" | grep -q '"Arn": "arn:aws:iam::000000000000:root"' || { echo "test-image: unexpected ARN"; exit 1; }

# A wrong secret must be refused by the image too.
if AWS_SECRET_ACCESS_KEY=wrong aws sts get-caller-identity >/dev/null 2>/tmp/iamlocal-image-err.$$; then
  echo "test-image: a wrong secret was accepted"; exit 1
fi
grep -q SignatureDoesNotMatch /tmp/iamlocal-image-err.$$ || { cat /tmp/iamlocal-image-err.$$; exit 1; }
rm -f /tmp/iamlocal-image-err.$$

# The image's own HEALTHCHECK must pass (podman can run it on demand; docker runs it on its schedule).
if [ "$ENGINE" = podman ]; then
  podman healthcheck run "$NAME" || { echo "test-image: HEALTHCHECK failed"; exit 1; }
fi

status=$($ENGINE inspect --format '{{.Config.User}}' "$NAME")
[ "$status" = "iamlocal" ] || { echo "test-image: container runs as '$status', expected iamlocal"; exit 1; }
echo "test-image: ok (image $TAG answered get-caller-identity as root of 000000000000, refused a wrong secret, runs as non-root)"
