"""Bulk exports run in a background thread; their progress lives in the database, so whichever server
process answers the next request can show it, and a long export never hits a request time-out."""
from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from pathlib import Path

from flask import current_app

from . import audit
from .db import database
from .models import ExportJob, Person, now

KEEP_FOR = dt.timedelta(days=1)


def export_dir(app) -> Path:
    path = Path(app.instance_path, "exports")
    path.mkdir(exist_ok=True)
    return path


def start_bulk_export(user: Person, plan_ids: list[int], description: str) -> ExportJob:
    app = current_app._get_current_object()
    _remove_old_exports(app)
    job = ExportJob.create(requested_by=user, description=description[:300], total=len(plan_ids))
    thread = threading.Thread(target=_run, args=(app, job.id, plan_ids), daemon=True,
                              name=f"export-{job.id}")
    thread.start()
    # A small export is done within a moment: wait that long, so the page says "klaar" at once.
    # Tests wait for the end.
    thread.join(None if app.config.get("EXPORT_JOBS_WAIT") else app.config.get("EXPORT_WAIT_SECONDS", 2))
    return job


def _run(app, job_id: int, plan_ids: list[int]) -> None:
    from exports.bulk import write_zip
    from exports.templates import BulkRenderer

    from .models import Plan

    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            # A random name, kept on the job: job numbers restart with a new database, and the
            # folder may be shared by several copies of the app.
            target = export_dir(app) / f"export-{job_id}-{secrets.token_hex(8)}.zip"
            ExportJob.update(status="bezig", path=str(target)).where(ExportJob.id == job_id).execute()
            plans = list(Plan.select().where(Plan.id.in_(plan_ids)).order_by(Plan.id)) if plan_ids else []

            def progress(done, total):
                ExportJob.update(done=done, total=total).where(ExportJob.id == job_id).execute()

            partial = target.with_suffix(".part")
            # Each plan within the same time and memory limits as a single download.
            render = BulkRenderer()
            write_zip(plans, partial, render, progress)
            partial.rename(target)
            requester = ExportJob.get_by_id(job_id).requested_by
            # Logged when the zip is there for HR to take; in the transaction that makes it
            # downloadable, so no zip is handed out that the plans' logs do not mention.
            with database.atomic():
                audit.record_many(plans, requester, "gedownload", "bulkexport")
                # error holds what HR should know of a finished export: plans in the default layout.
                ExportJob.update(status="klaar", done=len(plans), finished_at=now(),
                                 error=render.notes()[:4000]).where(ExportJob.id == job_id).execute()
        except Exception as exc:  # noqa: BLE001 - the job page must say it failed, not spin forever
            app.logger.exception("export %s failed", job_id)
            ExportJob.update(status="mislukt", error=str(exc)[:1000], finished_at=now()) \
                .where(ExportJob.id == job_id).execute()
        finally:
            database.close()


def _remove_old_exports(app) -> None:
    limit = time.time() - KEEP_FOR.total_seconds()
    for path in export_dir(app).glob("export-*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
