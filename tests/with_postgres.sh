#!/usr/bin/env bash
# The test suite against a throwaway PostgreSQL server: ./test.sh --postgres [pytest arguments]
# (or, after --, any command: it finds the server's admin URL in POP_TEST_POSTGRES).
# Starts Debian's PostgreSQL (installed here when missing and run as root) as an unprivileged user,
# listening on 127.0.0.1 and a socket in a temporary folder only, runs the suite with a fresh database
# per test, and removes the server again, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL installeren voor de tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL ontbreekt: installeer het pakket postgresql." >&2
    exit 1
  fi
fi
BIN="$(pg_bin)"
DIR="$(mktemp -d /tmp/pop-pg.XXXXXX)"
RUN=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the package's own system user runs the throwaway server.
  chown postgres "$DIR"
  RUN=(runuser -u postgres --)
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop() {
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# fsync off: a throwaway server; speed matters, durability does not.
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DIR -F -c max_connections=200" start >/dev/null
echo "PostgreSQL draait tijdelijk op 127.0.0.1:$PORT"
export POP_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$PORT/postgres"
status=0
if [ "${1:-}" = "--" ]; then
  # tests/with_postgres.sh -- COMMAND...: another command on the server (bench/load_test.py).
  shift
  "$@" || status=$?
else
  ./test.sh "$@" || status=$?
fi
exit $status
