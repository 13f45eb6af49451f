"""Two app servers, each with its own instance folder and its own worker, on one PostgreSQL database and
one Redis, all started here as separate processes (tests/pop_process.py), as an organisation with
several servers runs POP (README, Operations):
- a bulk export started through one server downloads through the other, and no instance folder holds it;
- a reminder run on both servers at once sends each mail once;
- a worker stopped in the middle of an export hands it back to the queue; a worker killed (SIGKILL)
  in the middle leaves it marked failed, not 'bezig', and HR starts it again through the other server.
Debian's redis-server on a free port with a temporary folder; skipped without it, unless
POP_REQUIRE_REDIS=1 (CI). Only on PostgreSQL (./test.sh --postgres): several servers need a database
server, and SQLite is one server's file."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from conftest import PASSWORD, make_person
from databases import drop_database_url, new_database_url, on_postgres
from test_reminders import Inbox, free_port, signature, talk

ROOT = Path(__file__).resolve().parents[1]
PROCESS = Path(__file__).with_name("pop_process.py")
HEARTBEAT = 0.2  # POP_JOB_HEARTBEAT: a silent worker counts as lost after 6 beats, 1.2 s
PATIENCE = 30.0  # seconds any single wait may take before the test gives up (and shows the logs)


def redis_server() -> str | None:
    return shutil.which("redis-server", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/bin",
                                                              "/usr/sbin"]))


def until(what: str, check, seconds: float = PATIENCE):
    """check() until it gives something true; its value. Polls: these are other processes."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"na {seconds} s nog niet: {what}")
        time.sleep(0.05)


class Process:
    """A child process with its output in a file, stopped with the signal a test chooses."""

    def __init__(self, name: str, args: list[str], env: dict, folder: Path):
        self.name = name
        self.log_path = folder / f"{name}.log"
        self.log = self.log_path.open("w")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.alive():
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


class Cluster:
    def __init__(self, folder: Path, env: dict, app, org: dict):
        self.folder, self.env, self.app, self.org = folder, env, app, org
        self.ports = {"a": free_port(), "b": free_port()}
        self.processes: dict[str, Process] = {}
        self.browser: Browser | None = None

    # ------------------------------------------------------------ processes

    def start(self, name: str, *args: str) -> Process:
        instance = self.folder / f"instance-{name}"
        instance.mkdir(exist_ok=True)
        process = Process(name, [sys.executable, str(PROCESS), args[0], str(instance), *args[1:]],
                          self.env, self.folder)
        self.processes[name] = process
        return process

    def start_servers(self) -> None:
        for name in ("a", "b"):
            self.start(name, "serve", str(self.ports[name]))

    def start_worker(self, name: str, *extra: str) -> Process:
        return self.start(name, "worker", *extra)

    def ready_worker(self, process: Process) -> Process:
        until(f"{process.name} neemt taken aan", lambda: self._alive_or_fail(process)
              and "Huey consumer started" in process.output())
        return process

    def ready_server(self, name: str) -> None:
        def up():
            self._alive_or_fail(self.processes[name])
            try:
                return requests.get(self.url(name, "/login"), timeout=2).status_code == 200
            except requests.ConnectionError:
                return False
        until(f"server {name} antwoordt", up)

    def _alive_or_fail(self, process: Process) -> bool:
        assert process.alive(), f"{process.name} stopte:\n{process.output()[-3000:]}"
        return True

    def workers(self) -> None:
        """Both servers' own workers running (a test may have stopped them)."""
        started = [self.start_worker(name) for name in ("worker-a", "worker-b")
                   if name not in self.processes or not self.processes[name].alive()]
        for process in started:
            self.ready_worker(process)

    def stop_workers(self) -> None:
        for name in ("worker-a", "worker-b"):
            if name in self.processes:
                self.processes[name].stop()

    def logs(self) -> str:
        return "\n".join(f"==== {p.name}\n{p.output()[-4000:]}" for p in self.processes.values())

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    # ------------------------------------------------------------ HTTP

    def url(self, server: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    def hr(self) -> "Browser":
        """HR in one browser, whose requests a load balancer may send to either server: one session
        cookie (signed with the servers' shared POP_SECRET_KEY) for both. Logged in once."""
        if self.browser is None:
            self.browser = Browser(self)
            response = self.browser.post("a", "/login", {"email": self.org["hr"], "password": PASSWORD},
                                         token_from="/login")
            assert response.status_code == 302, response.text[:2000]
        return self.browser

    # ------------------------------------------------------------ the database, as the servers see it

    def job(self, job_id: int):
        from pop.models import ExportJob

        with self.app.app_context():
            return ExportJob.get_by_id(job_id)


class Browser:
    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.session = requests.Session()

    def get(self, server: str, path: str) -> requests.Response:
        return self.session.get(self.cluster.url(server, path), allow_redirects=False, timeout=20)

    def post(self, server: str, path: str, data: dict, token_from: str) -> requests.Response:
        page = self.get(server, token_from)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        return self.session.post(self.cluster.url(server, path), data={**data, "csrf_token": token},
                                 allow_redirects=False, timeout=20)

    def export(self, server: str) -> int:
        response = self.post(server, "/export", {"afdeling": "", "periode": "", "status": "", "formulier": ""},
                             token_from="/export")
        assert response.status_code == 302, response.text[:2000]
        return int(re.search(r"/export/(\d+)$", response.headers["Location"]).group(1))

    def job_page(self, server: str, job_id: int, showing: str) -> str:
        def shows():
            page = self.get(server, f"/export/{job_id}")
            assert page.status_code == 200, page.status_code
            return page.text if showing in page.text else None
        return until(f"server {server} toont ‘{showing}’ voor export {job_id}", shows)


@pytest.fixture(scope="module")
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    if not on_postgres():
        pytest.skip("two servers share one PostgreSQL database: run ./test.sh --postgres")
    program = redis_server()
    if program is None:
        if os.environ.get("POP_REQUIRE_REDIS") == "1":
            pytest.fail("POP_REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    log = (folder / "redis.log").open("w")
    process = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                                "--save", "", "--appendonly", "no", "--daemonize", "no"],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    import redis as client

    def pong():
        assert process.poll() is None, (folder / "redis.log").read_text()
        try:
            return client.Redis(port=port).ping()
        except client.ConnectionError:
            return False
    until("redis antwoordt", pong)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis, inbox):
    from app import create_app
    from pop import answers
    from pop.models import Person, Plan
    from pop.plans import start_plan

    folder = tmp_path_factory.mktemp("twee_servers")
    url = new_database_url(folder, "twee_servers")
    secret = "gedeeld-geheim-van-beide-servers"
    # The test's own app on the same database and queue: it makes the organisation and asks the queue.
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": secret, "POP_QUEUE_URL": redis,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        hr = make_person("hr@test.nl", "Hanna", "HR", role="hr", afdeling="HR")
        manager = make_person("m1@test.nl", "Marco", "Een", role="leidinggevende", afdeling="A")
        anna = make_person("a@test.nl", "Anna", "Alfa", manager=manager, afdeling="A")
        bram = make_person("b@test.nl", "Bram", "Beta", manager=manager, afdeling="A")
        # Anna's talk is a week away; Bram agreed eight days ago and waits for his manager.
        plan_a, plan_b = start_plan(anna, "pop-uitgebreid", "2026"), start_plan(bram, "pop-uitgebreid", "2026")
        answers.save(plan_a, talk(7))
        answers.save(plan_b, {"akkoord_medewerker": signature(bram, dt.date.today() - dt.timedelta(days=8))})
        Plan.update(status="uitvoering").where(Plan.id == plan_a.id).execute()
        Plan.update(status="ontwikkelgesprek").where(Plan.id == plan_b.id).execute()
        org = {"hr": hr.email, "plans": [plan_a.id, plan_b.id], "hr_id": hr.id,
               "manager": manager.email, "anna": anna.email, "bram": bram.email}
        assert Person.select().count() == 4
    env = {**os.environ, "DATABASE_URL": url, "POP_QUEUE_URL": redis, "POP_SECRET_KEY": secret,
           "POP_JOB_HEARTBEAT": str(HEARTBEAT), "POP_SMTP_HOST": "127.0.0.1",
           "POP_SMTP_PORT": str(inbox.port), "POP_SMTP_STARTTLS": "0", "POP_SMTP_FROM": "pop@org.test",
           "POP_BASE_URL": "https://pop.test", "POP_LOG_LEVEL": "INFO"}
    servers = Cluster(folder, env, app, org)
    try:
        servers.start_servers()
        servers.workers()
        for name in ("a", "b"):
            servers.ready_server(name)
        yield servers
    except Exception:
        print(servers.logs())
        raise
    finally:
        servers.stop()
        from pop.db import database
        if not database.is_closed():
            database.close()
        drop_database_url(url)


@pytest.fixture
def both(cluster):
    """Both workers up; the processes' output shown when the test fails."""
    cluster.workers()
    yield cluster
    if any(not p.alive() for name, p in cluster.processes.items() if name in ("a", "b")):
        print(cluster.logs())


def zip_names(response) -> list[str]:
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip", response.status_code
    return sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())


EXPECTED_ZIP = ["Overzicht_POP.xlsx", "POP_Alfa_Anna_2026.docx", "POP_Beta_Bram_2026.docx"]


def test_an_export_started_through_one_server_downloads_through_the_other(both):
    hr = both.hr()
    job_id = hr.export("a")
    hr.job_page("b", job_id, "Klaar: 2 plannen.")
    assert zip_names(hr.get("b", f"/export/{job_id}/download")) == EXPECTED_ZIP
    job = both.job(job_id)
    workers = {f"{p.popen.pid}" for name, p in both.processes.items() if name.startswith("worker")}
    assert job.worker.rsplit(":", 1)[1] in workers, (job.worker, workers)
    assert not list(both.folder.rglob("*.zip")), "a zip in an instance folder"


def test_a_reminder_run_on_both_servers_sends_each_mail_once(both, inbox):
    from pop import daily, queue

    today = dt.date.today()
    tasks = queue.tasks_of(both.app)
    # As both servers' workers wake for the daily run at the same hour: two runs queued at once.
    runs = [tasks.daily(daily.REMINDERS, today) for _ in range(2)]
    outcomes = sorted(run.get(blocking=True, timeout=PATIENCE) for run in runs)
    assert outcomes == ["2 verstuurd, 0 niet verstuurd", daily.ALREADY], outcomes
    mails = sorted((tuple(to), mail["Subject"]) for to, mail in inbox.handler.mails)
    assert [to for to, _ in mails] == [("a@test.nl", "m1@test.nl"), ("m1@test.nl",)], mails
    assert "(POP Anna Alfa)" in mails[0][1] and mails[1][1] == "Uw akkoord op het POP van Bram Beta ontbreekt nog"
    from pop.models import DailyRun
    with both.app.app_context():
        assert [(r.status, r.detail) for r in DailyRun.select()] == [("klaar", outcomes[0])]


def test_a_worker_stopped_or_killed_during_an_export_leaves_no_job_bezig(both):
    hr = both.hr()
    both.stop_workers()  # only the workers that stop in the middle take tasks now
    first = both.ready_worker(both.start_worker("vast-1", "stuck"))
    job_id = hr.export("a")
    until("de eerste verwerker is bezig", lambda: both.job(job_id).status == "bezig"
          and both.job(job_id).worker.endswith(f":{first.popen.pid}"))

    # Stopped (SIGTERM, as systemd stops it): the export goes back to the queue as a new run, which
    # the next worker takes.
    second = both.start_worker("vast-2", "stuck")
    first.stop(signal.SIGTERM)
    job = both.job(job_id)
    assert (job.status, job.attempt, job.worker) == ("wacht", 2, ""), job.__data__
    until("de tweede verwerker is bezig", lambda: both.job(job_id).worker.endswith(f":{second.popen.pid}"))

    # Killed (SIGKILL: out of memory, the machine gone): nobody says a word; the silence does.
    own = [both.start_worker(name) for name in ("worker-a", "worker-b")]  # back, but the job is taken
    second.stop(signal.SIGKILL)
    assert both.job(job_id).status == "bezig"
    page = hr.job_page("b", job_id, "De export is mislukt")
    assert "Opnieuw starten" in page and "gestopt voordat hij klaar was" in page
    job = both.job(job_id)
    assert (job.status, job.attempt) == ("mislukt", 2)

    # Started again through the other server, made by the servers' own workers.
    for process in own:
        both.ready_worker(process)
    response = hr.post("b", f"/export/{job_id}/opnieuw", {}, token_from=f"/export/{job_id}")
    assert response.status_code == 302
    hr.job_page("a", job_id, "Klaar: 2 plannen.")
    assert zip_names(hr.get("a", f"/export/{job_id}/download")) == EXPECTED_ZIP
    assert both.job(job_id).attempt == 3
