#!/usr/bin/env bash
# Stop a server started by tools/neo4j/start.sh.
#
#   tools/neo4j/stop.sh RUN_DIR
#
# TERM is Neo4j's clean shutdown (it checkpoints the store); KILL is only the fallback so a
# hung server can never block the caller. Not running is not an error, so this is safe to
# call from cleanup traps.
set -euo pipefail

STOP_TIMEOUT=30

[[ $# -eq 1 ]] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
PID_FILE="$1/neo4j.pid"

if [[ ! -f $PID_FILE ]]; then
  echo "neo4j not running (no $PID_FILE)"
  exit 0
fi
pid=$(cat -- "$PID_FILE")

# Only signal the process if it is still ours: after a reboot or crash the pid may have been
# reused by something unrelated.
is_ours() {
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.neo4j.server.CommunityEntryPoint'
}

if ! is_ours; then
  echo "neo4j not running (stale pid file removed)"
  rm -f -- "$PID_FILE"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$(( SECONDS + STOP_TIMEOUT ))
while is_ours && (( SECONDS < deadline )); do sleep 0.5; done

if is_ours; then
  echo "neo4j pid $pid still running after ${STOP_TIMEOUT}s; sending KILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  # KILL cannot be ignored, but the kernel may need a moment to reap it.
  for _ in $(seq 1 20); do is_ours || break; sleep 0.25; done
fi

rm -f -- "$PID_FILE"
echo "neo4j stopped"
