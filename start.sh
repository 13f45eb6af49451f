#!/usr/bin/env bash
# Sets up everything on first use and runs POP with a demo organisation on http://127.0.0.1:5000
# Needs only python3 (3.11+). HOST and PORT may be set; DATABASE_URL selects another database.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
# An upgraded release first copies the database aside (instance/backups/) and then brings it up to
# date; nothing happens when it is current. README: how to restore such a copy.
.venv/bin/flask --app app db upgrade --backup
.venv/bin/flask --app app demo --if-empty
echo "POP draait op http://${HOST:-127.0.0.1}:${PORT:-5000}  (stoppen: Ctrl+C)"
# The queue's worker beside the web server (pop/queue.py): bulk exports, template previews, the daily
# reminders; the queue is a SQLite file in the instance folder. They stop together: Ctrl+C reaches both,
# and when either ends the other is stopped too, so a worker that could not start never leaves exports
# waiting unseen behind a running site.
.venv/bin/flask --app app worker &
worker=$!
trap 'kill -TERM ${web:-} "$worker" 2>/dev/null || true; wait' EXIT
trap 'exit 130' INT TERM
# gunicorn rather than Flask's development server: what the intranet will run, and no warning.
# gthread: a worker that is making a PDF (up to POP_PDF_WAIT + POP_PDF_TIMEOUT, 5 + 20 s) still answers
# other requests with its other threads; sync workers serve one request at a time. --timeout stays
# above those 25 s, so even a worker class that counts whole requests against it never kills a worker
# mid-PDF (exports/pdf/convert.py ends LibreOffice itself at its time limit).
# No --access-logfile: POP writes a line per request itself, without query values or link tokens
# (pop/logs.py); gunicorn's would hold whole addresses, one-time links included.
.venv/bin/gunicorn --bind "${HOST:-127.0.0.1}:${PORT:-5000}" --workers 2 --worker-class gthread \
  --threads 4 --timeout 60 --preload "app:serve()" &
web=$!
wait -n "$web" "$worker"
