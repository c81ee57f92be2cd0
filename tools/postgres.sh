#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and local runs.
#
#   tools/postgres.sh start DIR PORT   # initdb if needed, start, create database almpo_test
#   tools/postgres.sh stop  DIR [PORT] # fast shutdown; not running is not an error
#
# Listens on 127.0.0.1:PORT and a Unix socket in DIR, trust auth, fsync off: for data
# nobody needs to keep. Exit codes: 0 ok, 1 failure, 2 usage, 3 PostgreSQL not installed.
set -euo pipefail

DB_NAME=almpo_test

die() { local code=$1; shift; echo "postgres.sh: $*" >&2; exit "$code"; }
usage() { die 2 "usage: $0 start DIR PORT | stop DIR [PORT]"; }

[[ $# -ge 2 ]] || usage
ACTION=$1
case $ACTION in
  start) [[ $# -eq 3 ]] || usage ;;
  stop)  [[ $# -eq 2 || $# -eq 3 ]] || usage ;;
  *) usage ;;
esac
PORT=${3:-}
if [[ $ACTION == start ]]; then
  [[ $PORT =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT <= 65535 )) || die 2 "PORT must be 1-65535, got '$PORT'"
fi

# Debian installs server binaries outside PATH, per major version. Prefer 15 (what the
# project is tested on); otherwise take the newest installed major.
PG_BIN=/usr/lib/postgresql/15/bin
if [[ ! -x $PG_BIN/pg_ctl ]]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
fi
[[ -n $PG_BIN && -x $PG_BIN/pg_ctl && -x $PG_BIN/initdb ]] \
  || die 3 "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin;" \
           "install them with 'apt-get install postgresql' (as root or with sudo)."

# PostgreSQL refuses to run as root, so as root everything runs as the 'postgres' system user
# (created by the Debian package); a normal user simply owns its own cluster.
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die 3 "no 'postgres' user; install PostgreSQL with 'apt-get install postgresql'"
  if command -v runuser >/dev/null 2>&1; then
    as_pg() { runuser -u postgres -- "$@"; }
  else
    as_pg() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
  fi
else
  as_pg() { "$@"; }
fi

# DIR is made absolute: the socket directory and log path are handed to a server whose
# working directory is the data folder, so relative paths would point elsewhere.
[[ $2 != *"'"* ]] || die 2 "DIR must not contain a single quote"
if [[ $ACTION == start ]]; then
  mkdir -p -- "$2"
  if [[ $(id -u) -eq 0 && $(stat -c %U -- "$2") != postgres ]]; then
    # Only take over an empty folder: chowning an arbitrary existing tree would be a surprise.
    [[ -z $(ls -A -- "$2") ]] || die 1 "DIR $2 is not empty and not owned by 'postgres'; use a fresh folder"
    chown postgres:postgres -- "$2"
  fi
fi
[[ -d $2 ]] || { echo "postgres not running (no $2)"; exit 0; }
DIR=$(cd -- "$2" && pwd -P)
DATA="$DIR/data"
LOG="$DIR/log"

running() { [[ -f $DATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [[ $ACTION == stop ]]; then
  if ! running; then
    echo "postgres not running"
    exit 0
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  echo "postgres stopped"
  exit 0
fi

# --- start ---------------------------------------------------------------------------------

# As root, the postgres user must also be able to reach DIR (e.g. not under /root).
as_pg test -w "$DIR" || die 1 "the 'postgres' user cannot write to $DIR (check its parent folders' permissions)"

# Unix socket paths are limited to 107 bytes; fail clearly instead of with a server error.
sock="$DIR/.s.PGSQL.$PORT"
(( ${#sock} <= 107 )) || die 1 "socket path $sock is too long (max 107 bytes); use a shorter DIR"

running && die 1 "already running in $DATA; run '$0 stop $DIR' first"

if [[ ! -f $DATA/PG_VERSION ]]; then
  # Encoding and locale are fixed so the cluster does not depend on the caller's LANG
  # (an unset LANG would give SQL_ASCII). --no-sync: nothing here needs to survive a crash.
  as_pg "$PG_BIN/initdb" -D "$DATA" -A trust -U postgres \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 \
    || { tail -n 30 -- "$DIR/initdb.log" >&2; die 1 "initdb failed (log: $DIR/initdb.log)"; }
fi

if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-k '$DIR' -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
  tail -n 30 -- "$LOG" >&2 || true
  die 1 "server did not start (log: $LOG)"
fi

# Connect over the socket in DIR: works even if TCP is firewalled, and needs no password.
psql_pg() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres "$@"; }
if [[ -z $(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
  psql_pg -c "CREATE DATABASE $DB_NAME" >/dev/null
fi

echo "postgres ready on postgresql://postgres@127.0.0.1:$PORT/$DB_NAME"
