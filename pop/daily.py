"""What the queue's worker does once a day (pop/tasks.py): the reminder mails (pop/reminders.py, and the
colleagues' feedback reminders of pop/feedback_mail.py) and the erasure of leavers whose retention
period passed (pop/retention.py).

Once a day across servers. Every server's worker wakes at each hour of a task's span (HOURS, in the
server's own time zone) and the first to come claims the day in the database: a DailyRun row, unique
per task and day, so with several servers (one Redis, or each its own SQLite queue) the work is done
once. The other wake-ups of that day find the row and do nothing.

Retries where a retry is safe, and nothing blindly: a run that failed as a whole (the mail server
could not be reached, a setting is missing) is run again at the next hour of its span, which is safe
because every mail is claimed just before it goes and given back when it did not (so a second run
sends only what the first did not), and every erasure is one transaction per person. A single mail the
server refused, or one erasure that failed, waits for the next day, as with the commands from cron. A
run that stopped without a word (its worker killed) is taken over after STALE.

The commands `flask reminders` and `flask retention` stay for whoever runs them from cron; they do the
same work without claiming the day, and their own claims per mail and per person keep the two from
doing anything twice. The detail of a run holds counts only: the names and addresses are in the worker's
log, and the mails' addresses in the Reminder table, where an erasure finds them."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from peewee import IntegrityError

from . import clock
from .db import database
from .models import DailyRun, now

log = logging.getLogger(__name__)

REMINDERS, RETENTION = "herinneringen", "bewaartermijn"
STALE = dt.timedelta(hours=1)
ALREADY = "al gedaan"  # what run() returns when the day was claimed before


@dataclass(frozen=True)
class Daily:
    key: str  # the periodic task's name: daily_<key>
    hours: str  # crontab hours: the first of them does the work, the others try again after a failure
    work: Callable[[dt.date], tuple[str, bool]]  # (detail, counts only; done, or to try again)


def _reminders(today: dt.date) -> tuple[str, bool]:
    from . import reminders

    settings = reminders.Settings.from_config(current_app.config)
    if not settings.enabled:
        return "e-mail staat uit (POP_SMTP_HOST)", True
    if settings.missing():
        log.error("Herinneringen niet verstuurd: stel ook %s in.", " en ".join(settings.missing()))
        return f"niet ingesteld: {', '.join(settings.missing())}", False
    items, asks = reminders.gather(current_app.config, today)
    try:
        sent, failed = reminders.send_all(current_app._get_current_object(), settings, items, asks, today, log.info)
    except reminders.MailFailed as exc:
        log.error("Herinneringen niet verstuurd: %s", exc)
        return f"mailserver niet bereikt: {exc}", False
    return f"{sent} verstuurd, {failed} niet verstuurd", True


def _retention(today: dt.date) -> tuple[str, bool]:
    from . import retention

    erased, failed = retention.erase_all_due(today, log.info)
    return f"{erased} gewist, {failed} mislukt", not failed


TASKS = {
    REMINDERS: Daily("reminders", "7-18", _reminders),  # a working day's morning, as cron did at 07:00
    RETENTION: Daily("retention", "3-6", _retention),  # at night, as the README's cron line
}


def claim(name: str, day: dt.date) -> bool:
    """True for the one caller that may run `name` for `day`: the first, or the first after a run that
    failed or went silent. The unique key, or the condition in the UPDATE, decides between servers."""
    try:
        with database.atomic():
            DailyRun.create(task=name, day=day, status="bezig", started_at=now())
        return True
    except IntegrityError:
        pass
    again = (DailyRun.update(status="bezig", started_at=now(), finished_at=None)
             .where((DailyRun.task == name) & (DailyRun.day == day)
                    & ((DailyRun.status == "mislukt")
                       | ((DailyRun.status == "bezig") & (DailyRun.started_at < now() - STALE))))
             .execute())
    return bool(again)


def run(name: str, today: dt.date | None = None) -> str:
    """Run the daily task `name` for today (the organisation's), unless it ran already; returns what it
    did (counts), or ALREADY."""
    today = today or clock.today()
    if not claim(name, today):
        return ALREADY
    try:
        detail, done = TASKS[name].work(today)
    except Exception as exc:  # noqa: BLE001 - recorded as failed, tried again at the next hour
        log.exception("Dagelijkse taak %s mislukt", name)
        detail, done = f"fout: {type(exc).__name__}", False
    (DailyRun.update(status="klaar" if done else "mislukt", finished_at=now(), detail=detail[:500])
     .where((DailyRun.task == name) & (DailyRun.day == today)).execute())
    log.info("Dagelijkse taak %s (%s): %s", name, today.isoformat(), detail)
    return detail
