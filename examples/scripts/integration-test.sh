#!/usr/bin/env bash
# Runs the integration tests against a throwaway database (and a cache, when asked).
set -euo pipefail

: "${PG_IMAGE:=postgres:16}"
docker run -d --rm --name it-db -e POSTGRES_PASSWORD=test -p 5432:5432 "$PG_IMAGE"
trap 'docker stop it-db it-cache >/dev/null 2>&1 || true' EXIT

case "${1:-}" in
  --with-cache)
    docker run -d --rm --name it-cache -p 6379:6379 \
      redis:7-alpine
    ;;
esac

echo "docker pull is only text here" >/dev/null
npm run test:integration
