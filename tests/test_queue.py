"""Work off the request path (pop/queue.py, pop/jobs.py, pop/daily.py), through HTTP with the queue in
immediate mode where the queue itself is not under test, and on a real SQLite queue where it is:
- a bulk export whose worker went silent shows as failed, with "Opnieuw starten", which makes it again
  as a new run; a task of an older run changes nothing; a stopping worker's job is queued again;
- a zip lives in the database for a day, then the page says so and it can be made again; an erasure
  takes the zips that hold the person's plans;
- on a SQLite queue a job waits for the worker and is made by it; a job left waiting gets a word;
- the daily reminders run once a day however often the worker wakes, and a run that failed as a whole
  (mail server down) is run again, sending each mail once;
- the preview of a template is asked for once and shown while it is being made;
- the worker command and the queue setting.
The two servers on one database and one Redis: tests/test_two_servers.py."""
import datetime as dt
import io
import json
import re
import types
import zipfile

import pytest

from conftest import text_of
from pop import daily, jobs, queue, retention, shared_files
from pop.models import AuditEntry, DailyRun, ExportJob, Person, Plan, SharedFile, now
from support import set_state
from test_reminders import BASE, mail_on, smtp, world  # noqa: F401 - smtp, world: the fixtures

EXPORT = {"afdeling": "", "periode": "", "status": ""}


def moment(seconds_ago: float = 0.0) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=seconds_ago)


def job_of(app, job_id) -> ExportJob:
    with app.app_context():
        return ExportJob.get_by_id(job_id)


def started_export(app, org, hr) -> int:
    set_state(app, org["plan_a"], "uitvoering")  # shared: HR may file it
    set_state(app, org["plan_b"], "uitvoering")
    response = hr.post("/export", data=EXPORT)
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/export/(\d+)$", response.headers["Location"]).group(1))


def running_job(app, org, seconds_silent: float) -> int:
    """A job a worker claimed, whose last sign of life was so many seconds ago."""
    set_state(app, org["plan_a"], "uitvoering")
    with app.app_context():
        hr = Person.get(Person.email == org["hr"])
        job = ExportJob.create(requested_by=hr, description="Afdeling A", status="bezig", done=0, total=1,
                               plan_ids=json.dumps([org["plan_a"]]), worker="elders:123",
                               started_at=now(), heartbeat_at=moment(seconds_silent))
    return job.id


def restart_button(page) -> bool:
    return "Opnieuw starten" in page.get_data(as_text=True)


def zip_names(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/zip", response.status_code
    return sorted(zipfile.ZipFile(io.BytesIO(response.data)).namelist())


# ---------------------------------------------------------------- a job whose worker died

def test_a_job_whose_worker_went_silent_shows_failed_and_is_made_again_on_request(app, org, login):
    app.config["POP_JOB_HEARTBEAT"] = 1.0  # silent for 6 beats: lost
    hr = login(org["hr"])
    lost, alive = running_job(app, org, 6.5), running_job(app, org, 5.0)

    page = hr.get(f"/export/{alive}")
    assert "Bezig: 0 van 1 plannen verwerkt" in text_of(page) and not restart_button(page)
    assert job_of(app, alive).status == "bezig"
    page = hr.get(f"/export/{lost}")
    assert page.status_code == 200
    assert f"De export is mislukt: {jobs.DIED}" in text_of(page) and restart_button(page)
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True)
    assert job_of(app, lost).status == "mislukt"
    assert "Mislukt" in text_of(hr.get("/export"))
    assert hr.get(f"/export/{lost}/download").status_code == 404

    # Without its form's token the button does nothing; with it, a new run makes the zip.
    assert hr.post(f"/export/{lost}/opnieuw", csrf=False).status_code == 400
    assert job_of(app, lost).attempt == 1
    response = hr.post(f"/export/{lost}/opnieuw")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/export/{lost}")
    job = job_of(app, lost)
    assert (job.status, job.attempt, job.done, job.error) == ("klaar", 2, 1, "")
    assert zip_names(hr.get(f"/export/{lost}/download")) == ["Overzicht_POP.xlsx", "POP_Alfa_Anna_2026.docx"]
    with app.app_context():
        assert AuditEntry.select().where((AuditEntry.plan == org["plan_a"])
                                         & (AuditEntry.detail == "bulkexport")).count() == 1

    # A finished job is not started again (a second click, or an old page).
    again = hr.post(f"/export/{lost}/opnieuw")
    assert again.status_code == 302 and job_of(app, lost).attempt == 2
    assert "niet opnieuw gestart" in text_of(hr.get(again.headers["Location"]))


def test_another_hr_users_job_cannot_be_restarted(app, org, login):
    lost = running_job(app, org, 3600)
    with app.app_context():
        from conftest import make_person
        make_person("hr2@test.nl", "Henk", "Tweede", role="hr")
    other = login("hr2@test.nl")
    assert other.post(f"/export/{lost}/opnieuw").status_code == 404
    assert other.get(f"/export/{lost}").status_code == 404
    anna = login(org["a"])
    assert anna.post(f"/export/{lost}/opnieuw").status_code == 403
    assert job_of(app, lost).attempt == 1


def test_a_task_of_an_older_run_changes_nothing(app, org, login):
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)
    job = job_of(app, job_id)
    assert (job.status, job.attempt) == ("klaar", 1)
    with app.app_context():
        ExportJob.update(status="mislukt").where(ExportJob.id == job_id).execute()
        assert jobs.restart(ExportJob.get_by_id(job_id))
        made = ExportJob.get_by_id(job_id)
        # The first run's task, delivered late (queued twice, or its worker thought dead comes back).
        jobs.run(job_id, 1)
        assert ExportJob.get_by_id(job_id).__data__ == made.__data__
    assert (made.status, made.attempt) == ("klaar", 2)


def test_a_run_that_was_replaced_while_it_worked_leaves_no_zip_and_no_log_lines(app, org, login, monkeypatch):
    """A worker thought dead (a long stall) whose job HR started again meanwhile: when it finishes after
    all, the new run's zip is the one, and the plans' log says 'gedownload' once."""
    from exports import bulk

    real = bulk.write_zip
    replaced = []

    def stalls_then_goes_on(plans, target, render, progress=None, **kw):
        if not replaced:  # the first run, in the middle: declared lost, and HR starts it again
            replaced.append(True)
            job = ExportJob.get()
            ExportJob.update(status="mislukt", error=jobs.DIED).where(ExportJob.id == job.id).execute()
            assert jobs.restart(ExportJob.get_by_id(job.id))  # immediate mode: the new run is made now
        return real(plans, target, render, progress, **kw)

    monkeypatch.setattr(bulk, "write_zip", stalls_then_goes_on)
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)
    job = job_of(app, job_id)
    assert (job.status, job.attempt, job.path.startswith(f"export/{job_id}-2-")) == ("klaar", 2, True)
    with app.app_context():
        assert [n for n in shared_files.names_under("export/")] == [job.path]
        assert AuditEntry.select().where(AuditEntry.detail == "bulkexport").count() == 2  # two plans, once


def test_a_stopping_worker_queues_its_job_again(app, org, login):
    job_id = running_job(app, org, 0)
    with app.app_context():
        jobs.requeue(job_id, 2)  # not the run that counts: nothing
        assert ExportJob.get_by_id(job_id).status == "bezig"
        jobs.requeue(job_id, 1)
        job = ExportJob.get_by_id(job_id)
        assert (job.status, job.attempt) == ("klaar", 2)  # immediate mode: made at once
        jobs.requeue(job_id, 2)  # finished meanwhile: stays finished
        assert ExportJob.get_by_id(job_id).attempt == 2


# ---------------------------------------------------------------- the zip: a day in the database

def test_a_zip_is_kept_a_day_then_the_page_says_so_and_it_can_be_made_again(app, org, login):
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)
    first = hr.get(f"/export/{job_id}/download")
    assert len(zip_names(first)) == 3 and first.headers["Content-Length"] == str(len(first.data))
    assert 'filename=POP_export_' in first.headers["Content-Disposition"]
    with app.app_context():
        name = ExportJob.get_by_id(job_id).path
        expires = SharedFile.get(SharedFile.name == name).expires_at
        assert dt.timedelta(hours=23) < expires - now() <= jobs.KEEP_FOR
        shared_files.remove_expired(at=expires - dt.timedelta(seconds=1))
        assert shared_files.exists(name)
        shared_files.remove_expired(at=expires + dt.timedelta(seconds=1))
        assert not shared_files.exists(name)
    gone = hr.get(f"/export/{job_id}/download")
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/export/{job_id}")
    page = hr.get(f"/export/{job_id}")
    assert jobs.EXPIRED in text_of(page) and restart_button(page) and "Download zip" not in text_of(page)
    assert hr.post(f"/export/{job_id}/opnieuw").status_code == 302
    assert zip_names(hr.get(f"/export/{job_id}/download")) == zip_names(first)


def test_a_large_zip_is_stored_and_streamed_in_parts(app, monkeypatch):
    monkeypatch.setattr(shared_files, "PART", 1000)
    data = bytes(range(256)) * 10  # 2,560 bytes: three parts
    with app.app_context():
        assert shared_files.put("proef/groot.bin", io.BytesIO(data)) == len(data)
        assert SharedFile.select().where(SharedFile.name == "proef/groot.bin").count() == 3
        assert list(map(len, shared_files.parts("proef/groot.bin"))) == [1000, 1000, 560]
        assert shared_files.read("proef/groot.bin") == data and shared_files.size("proef/groot.bin") == 2560
        shared_files.put("proef/groot.bin", b"kort")  # replaced, not added to
        assert shared_files.read("proef/groot.bin") == b"kort"
        shared_files.put("proef/leeg.bin", b"")
        assert shared_files.exists("proef/leeg.bin") and shared_files.size("proef/leeg.bin") == 0
        assert shared_files.size("proef/niets.bin") is None and shared_files.read("proef/niets.bin") is None


def test_an_erasure_takes_the_zips_that_hold_the_persons_plans(app, org, login):
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)  # Anna's plan and Bram's
    with app.app_context():
        hr_person = Person.get(Person.email == org["hr"])
        other = jobs.start(hr_person, [org["plan_b"]], "alleen Bram")
        Person.update(active=False).where(Person.email == org["a"]).execute()
        anna = Person.get(Person.email == org["a"])
        retention.erase(anna.id, None, retention.BY_RETENTION)
        assert not shared_files.exists(ExportJob.get_by_id(job_id).path)  # held Anna's plan
        assert shared_files.exists(ExportJob.get_by_id(other.id).path)  # Bram's only: stays
    assert jobs.EXPIRED in text_of(hr.get(f"/export/{job_id}"))


# ---------------------------------------------------------------- a real queue (SQLite), its worker

def test_on_a_sqlite_queue_the_job_waits_for_the_worker_that_makes_it(app, org, login, tmp_path):
    app.config.update(POP_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}", EXPORT_WAIT_SECONDS=0)
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)
    page = hr.get(f"/export/{job_id}")
    assert "Wacht op de achtergrondverwerker: 2 plannen." in text_of(page)
    assert 'http-equiv="refresh"' in page.get_data(as_text=True) and not restart_button(page)
    # What the worker does (Huey's consumer, pop/queue.py): take the task from the file and run it.
    huey = queue.tasks_of(app).huey
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert (task.name, task.args) == ("bulk_export", (job_id, 1))
    huey.execute(task)
    job = job_of(app, job_id)
    assert (job.status, job.worker.rsplit(":", 1)[1].isdigit()) == ("klaar", True)
    assert "Klaar: 2 plannen." in text_of(hr.get(f"/export/{job_id}"))
    assert len(zip_names(hr.get(f"/export/{job_id}/download"))) == 3


def test_a_job_left_waiting_gets_a_word_and_may_be_queued_again(app, org, login, tmp_path):
    app.config.update(POP_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}", EXPORT_WAIT_SECONDS=0)
    hr = login(org["hr"])
    job_id = started_export(app, org, hr)
    assert jobs.WAITING_LONG not in text_of(hr.get(f"/export/{job_id}"))
    with app.app_context():
        ExportJob.update(heartbeat_at=moment(jobs.WAIT_NOTICE.total_seconds() + 1)).execute()
    page = hr.get(f"/export/{job_id}")
    assert jobs.WAITING_LONG in text_of(page) and restart_button(page)
    assert hr.post(f"/export/{job_id}/opnieuw").status_code == 302
    huey = queue.tasks_of(app).huey
    first, second = huey.dequeue(), huey.dequeue()
    huey.execute(first)  # the first run's task, still in the queue: no longer the one that counts
    assert job_of(app, job_id).status == "wacht"
    huey.execute(second)
    assert (job_of(app, job_id).status, job_of(app, job_id).attempt) == ("klaar", 2)


def test_the_worker_command_refuses_immediate_mode_and_a_bad_queue_setting_stops_the_start(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "POP_QUEUE_URL=immediate: er is geen wachtrij" in result.output
    from app import create_app
    from pop.config import ConfigError
    with pytest.raises(ConfigError, match=r"POP_QUEUE_URL \(test_config\): geen wachtrij"):
        create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x",
                    "POP_QUEUE_URL": "amqp://elders"})


def test_the_queue_setting_chooses_the_storage(app, tmp_path):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    cases = {"": (SqliteHuey, "instance"), f"sqlite:///{tmp_path / 'q.sqlite3'}": (SqliteHuey, "q.sqlite3"),
             "redis://127.0.0.1:1/3": (RedisHuey, "Redis op 127.0.0.1:1, database 3"),
             "redis://:geheim@redis.intern:6380/0": (RedisHuey, "Redis op redis.intern:6380, database 0"),
             "immediate": (MemoryHuey, "geen wachtrij")}
    app.testing = False  # not the tests' immediate default
    app.instance_path = str(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    for url, (kind, where) in cases.items():
        app.config["POP_QUEUE_URL"] = url
        huey = queue.make_huey(app)
        assert type(huey) is kind and huey.immediate == (url == "immediate") and not huey.utc, url
        assert where in queue.describe(app) and "geheim" not in queue.describe(app), url
    assert (tmp_path / "instance" / "queue.sqlite3").is_file()


# ---------------------------------------------------------------- the daily runs

def test_the_daily_reminders_run_once_a_day_however_often_the_worker_wakes(app, world, smtp):  # noqa: F811
    smtp.start()
    mail_on(app, smtp)
    tasks = queue.tasks_of(app)
    today = dt.date.today()
    first = tasks.daily(daily.REMINDERS, today).get()
    assert first == "8 verstuurd, 0 niet verstuurd" and len(smtp.inbox.mails) == 8
    assert [tasks.daily(daily.REMINDERS, today).get() for _ in range(2)] == [daily.ALREADY] * 2
    assert len(smtp.inbox.mails) == 8
    with app.app_context():
        run = DailyRun.get((DailyRun.task == daily.REMINDERS) & (DailyRun.day == today))
        assert (run.status, run.detail) == ("klaar", first) and run.finished_at is not None
    assert all(BASE in m.get_content() for _, m in smtp.inbox.mails)


def test_a_daily_run_that_failed_as_a_whole_is_run_again_and_sends_each_mail_once(app, world, smtp):  # noqa: F811
    mail_on(app, smtp)  # the mail server is not started yet: unreachable
    today = dt.date.today()
    with app.app_context():
        outcome = daily.run(daily.REMINDERS, today)
        assert outcome.startswith("mailserver niet bereikt: De mailserver 127.0.0.1:") and smtp.inbox.mails == []
        assert DailyRun.get(DailyRun.task == daily.REMINDERS).status == "mislukt"
        smtp.start()
        assert daily.run(daily.REMINDERS, today) == "8 verstuurd, 0 niet verstuurd"  # the next hour
        assert daily.run(daily.REMINDERS, today) == daily.ALREADY
        # A run whose worker died while it ran is taken over after an hour, and sends only what is left.
        DailyRun.update(status="bezig", started_at=now() - daily.STALE - dt.timedelta(seconds=1)).execute()
        assert daily.run(daily.REMINDERS, today) == "0 verstuurd, 0 niet verstuurd"
        DailyRun.update(status="bezig", started_at=now()).execute()
        assert daily.run(daily.REMINDERS, today) == daily.ALREADY  # still running elsewhere
    assert len(smtp.inbox.mails) == 8


def test_the_daily_erasure_runs_once_and_its_record_holds_no_names(app, org):
    with app.app_context():
        Person.update(active=False, left_at=dt.datetime(2020, 1, 1)).where(Person.email == org["a"]).execute()
        Plan.update(updated_at=dt.datetime(2020, 1, 1)).execute()
        Person.update(created_at=dt.datetime(2019, 1, 1)).execute()
        anna = Person.get(Person.email == org["a"])
        assert daily.run(daily.RETENTION) == "1 gewist, 0 mislukt"
        assert Person.get_by_id(anna.id).erased_at is not None
        assert daily.run(daily.RETENTION) == daily.ALREADY
        assert "Anna" not in DailyRun.get(DailyRun.task == daily.RETENTION).detail


def test_the_worker_wakes_for_the_daily_runs_within_their_hours(app):
    tasks = queue.tasks_of(app)
    hours = {name: [h for h in range(24) if getattr(tasks, name).task_class().validate_datetime(
        dt.datetime(2026, 3, 2, h, 0))] for name in ("daily_reminders", "daily_retention", "remove_expired")}
    assert hours["daily_reminders"] == list(range(7, 19))
    assert hours["daily_retention"] == [3, 4, 5, 6]
    assert hours["remove_expired"] == []  # on the half hour, every hour
    assert tasks.remove_expired.task_class().validate_datetime(dt.datetime(2026, 3, 2, 13, 30))


# ---------------------------------------------------------------- a template's preview

def test_the_report_page_shows_the_text_and_refreshes_while_the_preview_is_made(app, org, login, monkeypatch):
    from export_support import simple_docx
    from exports.pdf import preview as preview_pages
    from pop.models import ExportTemplate

    monkeypatch.setattr(preview_pages, "available", lambda: True)
    asked = []  # the worker is busy elsewhere: the task is only queued
    monkeypatch.setattr(preview_pages.queue, "tasks_of",
                        lambda app: types.SimpleNamespace(template_preview=lambda *args: asked.append(args)))
    hr = login(org["hr"])
    with app.app_context():
        template = ExportTemplate.create(form_key="pop-uitgebreid", format="docx", name="Huisstijl.docx",
                                         data=simple_docx("Naam: {{ medewerker.naam }}"), sha256="ab" * 32)
    page = hr.get(f"/sjablonen/{template.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and asked == [(template.id, "ab" * 32)]
    assert "worden gemaakt; deze pagina ververst vanzelf" in text_of(page)
    assert '<meta http-equiv="refresh" content="3">' in html and "Naam: Eva Visser" in text_of(page)
    assert hr.get(f"/sjablonen/{template.id}").status_code == 200 and len(asked) == 1  # asked once

    def stored():
        with app.app_context():
            return SharedFile.select().where(SharedFile.name.startswith(f"voorbeeld/{template.id}-")).count()
    assert stored() == 1
    # Deleting the template takes its preview with it.
    assert hr.post(f"/sjablonen/{template.id}/verwijderen").status_code == 302
    assert stored() == 0
