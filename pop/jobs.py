"""Bulk exports, made by the queue's worker (pop/queue.py, pop/tasks.py) and read by any server.

A job goes wacht (queued) → bezig (a worker claimed it) → klaar (its zip stored in the database,
pop/shared_files.py, for a day) or mislukt (an error, or its worker went silent). The rules:

- One run counts. `attempt` numbers the job's runs; the task carries its number and every write
  checks it, so a task of an older run (queued twice, or a worker thought dead that comes back after a
  restart) changes nothing.
- A sign of life. While it works, the worker writes the time into `heartbeat_at` every
  POP_JOB_HEARTBEAT seconds (a thread beside the export, as one plan through an organisation's
  template may take seconds). A job 'bezig' silent for DEAD_AFTER beats has lost its worker (killed,
  out of memory, machine gone); whichever server reads it first marks it mislukt, and HR starts it
  again (restart(): a new run with the same plans). Servers' clocks must agree within a few seconds
  (NTP), as one writes the time and another compares.
- A worker that is being stopped (SIGTERM, a second Ctrl+C) queues its job again as a new run
  (requeue()), for another worker or its own next start: an export is safe to make twice.
- The plans are the ones HR's filters found when HR asked (plan_ids), so a restart gives the same
  export; the zip names every plan's file as the single download does (exports/bulk.py)."""
from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from . import audit, queue, shared_files
from .db import database
from .models import ExportJob, Person, Plan, SharedFile, now

log = logging.getLogger(__name__)

KEEP_FOR = dt.timedelta(days=1)
DEAD_AFTER = 6  # heartbeats missed before a running job counts as lost
REQUEUE_DELAY = 3  # seconds; a stopping worker's idle threads wait for a task at most 1 s (Redis)
WAIT_NOTICE = dt.timedelta(minutes=5)  # a job not started after this gets a word, and may be restarted

DIED = ("De achtergrondverwerker die deze export maakte, is gestopt voordat hij klaar was (de server is "
        "herstart of de verwerker is afgebroken). Start de export opnieuw.")
EXPIRED = "Deze export is niet meer te downloaden: een export wordt een dag bewaard. Start hem opnieuw."
WAITING_LONG = ("Deze export is nog niet begonnen: de achtergrondverwerker is met ander werk bezig, of "
                "draait niet. Blijft dit zo, vraag dan de beheerder om de verwerker van POP te controleren, "
                "of start de export opnieuw.")


def _moment() -> dt.datetime:
    # Heartbeats to the microsecond: with beats a fraction of a second apart (the tests) whole seconds
    # would make a live job look a second older than it is.
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------- starting, restarting

def start(user: Person, plan_ids: list[int], description: str) -> ExportJob:
    """Queue an export of these plans for HR. Waits a moment (EXPORT_WAIT_SECONDS, 2 s) for a small
    one to finish, so the page says 'klaar' at once."""
    job = ExportJob.create(requested_by=user, description=description[:300], total=len(plan_ids),
                           plan_ids=json.dumps(plan_ids), heartbeat_at=_moment())
    _queue(job.id, job.attempt)
    return _waited(job.id, float(current_app.config.get("EXPORT_WAIT_SECONDS", 2)))


def _queue(job_id: int, attempt: int, delay: float = 0) -> None:
    task = queue.tasks_of(current_app).bulk_export
    if delay and not task.huey.immediate:
        task.schedule((job_id, attempt), delay=delay)
    else:
        task(job_id, attempt)


def _waited(job_id: int, seconds: float) -> ExportJob:
    deadline = time.monotonic() + seconds
    while True:
        job = ExportJob.get_by_id(job_id)
        if job.status in ("klaar", "mislukt") or time.monotonic() >= deadline:
            return job
        time.sleep(0.1)


def _next_run(job: ExportJob, *conditions, delay: float = 0) -> bool:
    """Make the job a new run, queued; False when someone else did (or it finished) meanwhile."""
    renewed = (ExportJob.update(attempt=ExportJob.attempt + 1, status="wacht", done=0, error="",
                                worker="", started_at=None, finished_at=None, heartbeat_at=_moment())
               .where((ExportJob.id == job.id) & (ExportJob.attempt == job.attempt), *conditions)
               .execute())
    if renewed:
        _queue(job.id, job.attempt + 1, delay)
    return bool(renewed)


def restart(job: ExportJob) -> bool:
    """HR's "Opnieuw starten": the same plans again, as a new run. Only for a job that failed, whose
    zip is gone, or that waited too long; False otherwise (or when another click came first)."""
    if not describe(job).may_restart:
        return False
    return _next_run(job)


def requeue(job_id: int, attempt: int) -> None:
    """The worker running this job is stopping: queue the job again as a new run. In REQUEUE_DELAY
    seconds, through the queue's schedule: this worker's idle threads may still be waiting for a task
    (Redis hands it to a waiting one at once) and would take it with them as the process ends."""
    job = ExportJob.get_or_none(ExportJob.id == job_id)
    if job is not None and job.attempt == attempt and _next_run(job, ExportJob.status == "bezig",
                                                                delay=REQUEUE_DELAY):
        log.warning("export %s onderbroken door het stoppen van de verwerker; opnieuw in de wachtrij", job_id)


# ---------------------------------------------------------------- what HR sees

@dataclass(frozen=True)
class Shown:
    state: str  # wacht | bezig | klaar | verlopen | mislukt
    message: str  # besides the progress: why it failed, that it expired, that it waits long
    may_restart: bool


def fail_lost(at: dt.datetime | None = None) -> int:
    """Mark every running job whose worker went silent as failed; returns how many. Any server may do
    it: the condition is in the statement, so a beat that came meanwhile keeps its job alive."""
    limit = (at or _moment()) - dt.timedelta(seconds=DEAD_AFTER * queue.heartbeat(current_app))
    lost = (ExportJob.update(status="mislukt", error=DIED, finished_at=now())
            .where((ExportJob.status == "bezig")
                   & (ExportJob.heartbeat_at.is_null() | (ExportJob.heartbeat_at < limit)))
            .execute())
    if lost:
        log.warning("%d export(s) zonder teken van leven als mislukt gemarkeerd", lost)
    return lost


def describe(job: ExportJob) -> Shown:
    # A job from before m0018 kept no plans: HR makes it again with the form, not with the button.
    again = bool(job.plan_ids)
    if job.status == "klaar":
        if shared_files.exists(job.path):
            return Shown("klaar", job.error, False)  # error: the plans made in the default layout
        return Shown("verlopen", EXPIRED, again)
    if job.status == "mislukt":
        return Shown("mislukt", job.error, again)
    if job.status == "wacht" and (job.heartbeat_at or job.created_at) < _moment() - WAIT_NOTICE:
        return Shown("wacht", WAITING_LONG, again)
    return Shown(job.status, "", False)


def forget_plans(plan_ids: list[int]) -> int:
    """Remove the stored zips that hold any of these plans (an erasure, pop/retention.py); their jobs
    then show as expired, and a restart exports what is left. Returns how many went."""
    ids, removed = set(plan_ids), 0
    stored = SharedFile.select(SharedFile.name).where(SharedFile.part == 0)
    for job in (ExportJob.select(ExportJob.id, ExportJob.plan_ids, ExportJob.path)
                .where((ExportJob.status == "klaar") & ExportJob.path.in_(stored))):
        if ids & set(json.loads(job.plan_ids or "[]")):
            shared_files.remove(job.path)
            removed += 1
    return removed


# ---------------------------------------------------------------- the worker's side

def run(job_id: int, attempt: int) -> None:
    """The task: claim the run, make the zip beside a heartbeat, store it and mark the job klaar, in
    one transaction with the plans' log lines."""
    claimed = (ExportJob.update(status="bezig", worker=queue.worker_name(), started_at=now(),
                                heartbeat_at=_moment(), done=0, error="")
               .where((ExportJob.id == job_id) & (ExportJob.attempt == attempt)
                      & (ExportJob.status == "wacht"))
               .execute())
    if not claimed:
        log.info("export %s run %s: niet meer aan de beurt (opnieuw gestart of al gedaan)", job_id, attempt)
        return
    app = current_app._get_current_object()
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(app, job_id, attempt, stop), daemon=True,
                            name=f"export-{job_id}-hartslag")
    beat.start()
    try:
        _make(ExportJob.get_by_id(job_id))
    except Exception as exc:  # noqa: BLE001 - the job page must say it failed, not spin forever
        log.exception("export %s mislukt", job_id)
        (ExportJob.update(status="mislukt", error=str(exc)[:1000], finished_at=now())
         .where((ExportJob.id == job_id) & (ExportJob.attempt == attempt)).execute())
    finally:
        stop.set()
        beat.join()


def _this_run(job: ExportJob):
    return (ExportJob.id == job.id) & (ExportJob.attempt == job.attempt)


def _make(job: ExportJob) -> None:
    from exports import bulk
    from exports.templates import BulkRenderer

    ids = json.loads(job.plan_ids or "[]")
    plans = list(Plan.select().where(Plan.id.in_(ids)).order_by(Plan.id)) if ids else []

    def progress(done, total):
        ExportJob.update(done=done, total=total).where(_this_run(job)).execute()

    with tempfile.TemporaryDirectory(prefix="pop-export-") as folder:
        target = Path(folder, "export.zip")
        # Each plan within the same time and memory limits as a single download.
        render = BulkRenderer()
        bulk.write_zip(plans, target, render, progress)
        name = f"export/{job.id}-{job.attempt}-{secrets.token_hex(8)}.zip"
        requester = Person.get_by_id(job.requested_by_id)
        with database.atomic() as transaction, target.open("rb") as zipped:
            shared_files.put(name, zipped, expires_at=now() + KEEP_FOR)
            # error holds what HR should know of a finished export: plans in the default layout.
            finished = (ExportJob.update(status="klaar", path=name, done=len(plans), finished_at=now(),
                                         error=render.notes()[:4000])
                        .where(_this_run(job) & ExportJob.status.in_(("bezig", "mislukt"))).execute())
            if not finished:  # restarted meanwhile: the new run makes the zip HR gets
                transaction.rollback()
                return
            # Logged when the zip is there for HR to take, in the transaction that makes it
            # downloadable, so no zip is handed out that the plans' logs do not mention.
            audit.record_many(plans, requester, "gedownload", "bulkexport")
    shared_files.remove_expired()


def _beat(app, job_id: int, attempt: int, stop: threading.Event) -> None:
    every = queue.heartbeat(app)
    with app.app_context():
        database.connect(reuse_if_open=True)
        while not stop.wait(every):
            try:
                (ExportJob.update(heartbeat_at=_moment())
                 .where((ExportJob.id == job_id) & (ExportJob.attempt == attempt)
                        & (ExportJob.status == "bezig")).execute())
            except Exception:  # noqa: BLE001 - a database hiccup: the next beat tries again
                log.warning("hartslag van export %s niet geschreven", job_id, exc_info=True)
