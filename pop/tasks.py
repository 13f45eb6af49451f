"""The tasks of the queue (pop/queue.py), each a thin wrapper that runs a domain function inside the app
(its settings, its own database connection): the rules live in pop/jobs.py (bulk exports),
exports/pdf/preview.py (a template's preview pages) and pop/daily.py (what runs once a day).

Retries only where a retry is safe:
- a bulk export is safe to make again, as its zip replaces nothing and only the run that counts may
  finish the job: one interrupted by a stopping worker is queued again at once (jobs.requeue); one
  whose worker died shows as failed and HR starts it again;
- a preview that found LibreOffice busy is tried again by Huey, three times, 15 s apart;
- the daily runs are never retried blindly: a mail is marked sent only once it went (pop/reminders.py),
  so a run that failed is simply run again at the next hour of its span (pop/daily.py)."""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from flask import current_app, has_app_context
from huey import crontab
from huey.signals import SIGNAL_INTERRUPTED

from .db import database


@dataclass(frozen=True)
class Tasks:
    huey: object
    bulk_export: object  # (job_id, attempt)
    template_preview: object  # (template_id, sha256)
    daily: object  # (name): a daily run now, as the periodic ones start it; returns what it did
    daily_reminders: object  # periodic
    daily_retention: object  # periodic
    remove_expired: object  # periodic, hourly


@contextlib.contextmanager
def _inside(app):
    if has_app_context() and current_app._get_current_object() is app:
        yield  # immediate mode, in a request or command of this app: its context and connection
        return
    with app.app_context():  # the app context's end closes the connection (pop/db.py)
        database.connect(reuse_if_open=True)
        yield


def register(huey, app) -> Tasks:
    from exports.pdf import preview

    from . import daily, jobs, shared_files

    def in_app(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            with _inside(app):
                return func(*args, **kwargs)
        return run

    def every_day(name):
        def run():
            daily.run(name)
        run.__name__ = f"daily_{daily.TASKS[name].key}"
        return huey.periodic_task(crontab(minute="0", hour=daily.TASKS[name].hours),
                                  name=run.__name__)(in_app(run))

    @huey.signal(SIGNAL_INTERRUPTED)
    def interrupted(signal, task):
        # The worker is stopping (SIGTERM, Ctrl+C) in the middle of an export: queue it again now
        # rather than leave it for HR to find failed.
        if task.name == "bulk_export":
            in_app(jobs.requeue)(*task.args)

    def remove_expired():
        shared_files.remove_expired()

    return Tasks(
        huey=huey,
        bulk_export=huey.task(name="bulk_export")(in_app(jobs.run)),
        template_preview=huey.task(name="template_preview", retries=3, retry_delay=15)(
            in_app(preview.make_pages)),
        daily=huey.task(name="daily")(in_app(daily.run)),
        daily_reminders=every_day(daily.REMINDERS),
        daily_retention=every_day(daily.RETENTION),
        remove_expired=huey.periodic_task(crontab(minute="30"), name="remove_expired")(
            in_app(remove_expired)),
    )
