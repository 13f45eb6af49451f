#!/usr/bin/env bash
# Sets up everything the tests need and runs them: ./test.sh [pytest arguments]
# ./test.sh --postgres [pytest arguments] runs them on a throwaway PostgreSQL server instead of SQLite.
# The browser tests use Debian's Chromium, the directory tests Debian's slapd, the two-servers test
# Debian's redis-server; as root this script installs them when they are missing.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--postgres" ]; then
  shift
  exec tests/with_postgres.sh "$@"
fi
# POP_TEST_SET_UP=1: the set-up below is done already (CI runs two suites at once on one venv, and two
# pip installs into the same venv at the same moment can break it).
if [ "${POP_TEST_SET_UP:-}" != 1 ]; then
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium installeren voor de browsertests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  # The directory tests start their own OpenLDAP server (Debian's slapd); without it they are skipped.
  if [ ! -x /usr/sbin/slapd ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "OpenLDAP (slapd) installeren voor de directorytests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slapd ldap-utils >/dev/null
    # Only the tests' own server is wanted, not the package's service (where systemd started it).
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet slapd 2>/dev/null; then
      systemctl disable --now slapd >/dev/null 2>&1 || true
    fi
  fi
  # The two-servers test starts its own Redis (Debian's redis-server); without it it is skipped.
  if [ ! -x /usr/bin/redis-server ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Redis installeren voor de test met twee servers..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      redis-server >/dev/null
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
      systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
  fi
  # tests/test_deploy.py checks deploy/nginx-pop.conf with nginx -t; without nginx it is skipped.
  if [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "nginx installeren voor de test van het voorbeeld van de webserver..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      nginx >/dev/null
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
      systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
  fi
fi
exec .venv/bin/python -m pytest "$@"
