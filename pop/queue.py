"""The task queue: work that must not hold up a request (bulk exports, a template's preview pages) and
the daily work (reminders, erasure after the retention period) is done by a worker beside the web
server, `flask --app app worker` (start.sh starts it with the app).

Huey, by Peewee's author: a small queue made for this, with the storage we want in both cases below
and a consumer that runs tasks in threads and periodic tasks by crontab. POP_QUEUE_URL says where the
queue lives:

    (empty)             a SQLite file in the instance folder (queue.sqlite3): one server, nothing more to
                        install; its web processes and its worker share the file
    redis://host:6379/0 Redis: several app servers, each with its worker, take from one queue
    sqlite:///path      another SQLite file
    immediate           no queue: a task runs at once in the process that asks for it (the tests; a
                        development server without a worker)

The tests run in immediate mode unless they set POP_QUEUE_URL themselves (a Flask app with TESTING and
no queue named): there a bulk export is ready when the request that started it returns, as before.

What a task makes is stored in the database (pop/shared_files.py), never in the queue or an instance
folder, so any server hands it out. A task is safe to run late or twice: each claims its work in the
database first (pop/jobs.py, pop/daily.py, exports/pdf/preview.py)."""
from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit

from huey import MemoryHuey, RedisHuey, SqliteHuey

NAME = "pop"  # the queue's name: Redis keys huey.redis.pop, ...; one POP per Redis database
REDIS = ("redis://", "rediss://", "unix://")
SQLITE = "sqlite:///"
IMMEDIATE = "immediate"
HEARTBEAT = 10.0  # seconds between a running job's signs of life (POP_JOB_HEARTBEAT)
_making = threading.Lock()


class QueueSettingError(ValueError):
    """POP_QUEUE_URL names no queue POP knows; the message says which ones it does, in Dutch."""


def queue_url(app) -> str:
    url = (app.config.get("POP_QUEUE_URL") or "").strip()
    if not url and app.testing:
        return IMMEDIATE
    return url


def make_huey(app):
    url = queue_url(app)
    # utc=False: the daily tasks' crontab is read in the server's own time (07:00 is seven in the
    # morning where the server is), as cron does.
    if url == IMMEDIATE:
        return MemoryHuey(NAME, immediate=True, utc=False)
    if url.startswith(REDIS):
        return RedisHuey(NAME, url=url, utc=False)
    if not url or url.startswith(SQLITE):
        path = url[len(SQLITE):] if url else os.path.join(app.instance_path, "queue.sqlite3")
        huey = SqliteHuey(NAME, filename=path, utc=False)
        # Made (and its tables created) here, possibly in gunicorn's master before it forks: no
        # process may use another's SQLite connection, so each opens its own when first used.
        huey.storage.close()
        return huey
    raise QueueSettingError(
        f"POP_QUEUE_URL={url!r} is geen wachtrij die POP kent: laat het leeg (SQLite in de "
        "instance-map), of geef redis://server:6379/0, sqlite:///pad/queue.sqlite3 of immediate.")


def tasks_of(app):
    """The app's tasks (pop/tasks.py), made on first use: tasks_of(app).bulk_export(job_id, attempt)
    queues one. Not at start: a web process that never queues anything never opens the queue."""
    app = app._get_current_object() if hasattr(app, "_get_current_object") else app  # current_app
    tasks = app.extensions.get("pop_queue")
    if tasks is None:
        with _making:
            tasks = app.extensions.get("pop_queue")
            if tasks is None:
                from . import tasks as registry

                tasks = app.extensions["pop_queue"] = registry.register(make_huey(app), app)
    return tasks


def describe(app) -> str:
    """Where the queue is, for the worker's first line: never a password from the URL."""
    url = queue_url(app)
    if url == IMMEDIATE:
        return "geen wachtrij (immediate)"
    if url.startswith(REDIS):
        parts = urlsplit(url)
        if parts.scheme == "unix":
            return f"Redis via {parts.path}"
        return f"Redis op {parts.hostname}:{parts.port or 6379}, database {parts.path.strip('/') or '0'}"
    return f"SQLite {url[len(SQLITE):] if url else os.path.join(app.instance_path, 'queue.sqlite3')}"


def heartbeat(app) -> float:
    return float(app.config.get("POP_JOB_HEARTBEAT") or HEARTBEAT)


def worker_name() -> str:
    """Who runs a job, for the job's row and the log: this machine and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(app, threads: int, periodic: bool = True) -> None:
    """Huey's consumer, until it is stopped (Ctrl+C, SIGTERM). Threads, not processes: the heavy work
    happens in child processes already (LibreOffice, a template's confined render)."""
    huey = tasks_of(app).huey
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=periodic,
        # A SQLite queue is polled: at most a second between looks, so a small export still feels
        # immediate. Redis waits for the next task without polling.
        initial_delay=0.1, backoff=1.15, max_delay=1.0)
    consumer.run()
