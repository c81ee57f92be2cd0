#!/usr/bin/env bash
# The whole check, as `make test` and CI run it: system packages, PostgreSQL and Neo4j started
# on free loopback ports, ruff, then every pytest test (browser tests included); the services
# are stopped however the run ends. Under CI=true a service that cannot start fails the run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.venv/bin
ON_CI=false
[[ ${CI:-} == true ]] && ON_CI=true

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

service_failed() {
  if $ON_CI; then
    echo "test.sh: $1 could not start, and CI=true needs it." >&2
    exit 1
  fi
  echo "test.sh: $1 could not start; its tests will be skipped." >&2
}

tools/system-packages.sh || service_failed "system packages"

SERVICES=$(mktemp -d /tmp/almpo-services.XXXXXX)
chmod 755 "$SERVICES"
PG_PORT=$(free_port)
NEO4J_PORT=$(free_port)
cleanup() {
  tools/neo4j/stop.sh "$SERVICES/neo4j" >/dev/null 2>&1 || true
  tools/postgres.sh stop "$SERVICES/postgres" >/dev/null 2>&1 || true
  rm -rf "$SERVICES"
}
trap cleanup EXIT

started=$(date +%s)
if tools/postgres.sh start "$SERVICES/postgres" "$PG_PORT"; then
  export ALMPO_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/almpo_test"
else
  service_failed "PostgreSQL"
fi
if tools/neo4j/start.sh "$SERVICES/neo4j" "$NEO4J_PORT"; then
  export ALMPO_TEST_NEO4J_URI="bolt://127.0.0.1:$NEO4J_PORT"
else
  service_failed "Neo4j"
fi
echo "test.sh: services ready in $(( $(date +%s) - started )) s"

"$BIN/ruff" check .
"$BIN/pytest" "$@"
