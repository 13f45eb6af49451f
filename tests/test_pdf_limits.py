"""PDFs that cannot stall the server: at most N conversions at once across processes, a time limit
that ends LibreOffice's whole process group, the warm LibreOffice and its fall-back to one-shot, and
start.sh's gunicorn answering the log-in page while two large PDFs are being made.

Most tests put fake soffice and helper scripts in LibreOffice's place, so they run without it; those
that need the real one skip where it is missing (and fail under POP_REQUIRE_PDF=1, as in CI)."""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest

from conftest import CSRF_RE, PASSWORD, make_person, text_of
from export_support import EMPLOYEE_NAME, FORM, FORM_KEY, new_app, simple_docx
from export_support import _db, world  # noqa: F401 - the shared fixtures
from exports.pdf import convert as pdf
from exports.context import example_plan_context
from pop import answers, cpus
from pop.plans import start_plan
from test_exports_pdf import need_pdf, need_warm, pdf_text  # noqa: F401 - fixtures among them

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_pdf import huge_values  # noqa: E402 - the plan the benchmark measures

FAKE_PDF = b"%PDF-1.4 nep\n"


# ---------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def fresh_pdf():
    """No warm LibreOffice or counts carried from one test to the next."""
    pdf.stop_warm()
    pdf.counts.clear()
    yield
    pdf.stop_warm()


@pytest.fixture
def pdf_config(world, monkeypatch, tmp_path):
    """Set POP_PDF_* settings on the module's app for one test; slots in a folder of the test's own."""
    monkeypatch.setitem(world.app.config, "POP_PDF_SLOT_DIR", str(tmp_path / "slots"))

    def set_(**values):
        for key, value in values.items():
            monkeypatch.setitem(world.app.config, key, value)
    return set_


def script(path: Path, body: str) -> str:
    path.write_text(f"#!{sys.executable}\n" + body)
    path.chmod(0o755)
    return str(path)


def fake_soffice(tmp_path, behaviour="quick", record: Path | None = None) -> str:
    """A stand-in for soffice --convert-to: writes a small PDF ("quick"), writes it and leaves a
    child running in its process group ("leaves_child"), or hangs with such a child ("hangs").
    Writes its pid, process group and child's pid to `record`."""
    return script(tmp_path / f"soffice-{behaviour}", f"""
import json, os, subprocess, sys, time
from pathlib import Path
args = sys.argv[1:]
outdir, source = Path(args[args.index("--outdir") + 1]), Path(args[-1])
child = subprocess.Popen(["sleep", "300"]) if {behaviour!r} != "quick" else None
if {str(record) if record else ""!r}:
    Path({str(record)!r}).write_text(json.dumps(
        {{"pid": os.getpid(), "pgid": os.getpgid(0), "child": child.pid if child else None}}))
if {behaviour!r} == "hangs":
    time.sleep(300)
(outdir / (source.stem + ".pdf")).write_bytes({FAKE_PDF!r})
""")


def fake_helper(tmp_path, behaviour, record: Path | None = None) -> str:
    """A stand-in for the Python that runs exports/pdf/warm.py: "works" (writes a small PDF), "exits"
    at once, "error" answers the first document with an error, "dies" on it, "hangs" on it (with a
    child in its group) and, started again, works ("hangs" once only, as a stuck LibreOffice replaced
    by a fresh one)."""
    return script(tmp_path / f"helper-{behaviour}", f"""
import json, os, subprocess, sys, time
from pathlib import Path
record = Path({str(record) if record else ""!r})
if {behaviour!r} == "exits":
    sys.exit(1)
hang = {behaviour!r} == "hangs" and not record.exists()
child = subprocess.Popen(["sleep", "300"]) if hang else None
if hang:
    record.write_text(json.dumps({{"pid": os.getpid(), "pgid": os.getpgid(0), "child": child.pid}}))
print(json.dumps({{"ready": True}}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if {behaviour!r} == "error":
        print(json.dumps({{"ok": False, "error": "kapot"}}), flush=True)
    elif {behaviour!r} == "dies":
        sys.exit(0)
    elif hang:
        time.sleep(300)
    else:
        Path(request["target"]).write_bytes(b"%PDF-1.4 warm\\n")
        print(json.dumps({{"ok": True}}), flush=True)
""")


def live_members(pgid: int) -> list[int]:
    """The processes of a group that are still running (a zombie has ended: it only waits to be
    reaped by its parent or init)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def gone_after(pgid: int, seconds: float = 5) -> list[int]:
    """The group's running processes once they are all gone, or after `seconds` (then not empty)."""
    deadline = time.monotonic() + seconds
    while (members := live_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return members


def url(world) -> str:
    return f"/plans/{world.org['plan']}/download.pdf"


HOLDER = """
import fcntl, os, sys
fds = [os.open(path, os.O_RDWR | os.O_CREAT, 0o600) for path in sys.argv[1:]]
for fd in fds:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
sys.stdin.read()
"""


# ---------------------------------------------------------------- at most N at once


def test_settings_default_to_the_cpus_and_follow_the_apps_settings_or_outside_it_the_environment(
        world, monkeypatch):
    for name in ("MAX_PARALLEL", "TIMEOUT", "WAIT", "SLOT_DIR"):
        monkeypatch.delenv(f"POP_PDF_{name}", raising=False)
    with world.app.app_context():
        s = pdf.settings()
        # All CPUs this process may use but one, left for pages (pop/cpus.py; test_cpus.py).
        assert (s.max_parallel, s.timeout, s.wait) == (cpus.for_background(), 20, 5)
        assert s.slot_dir == Path(world.app.instance_path, "pdf-slots")
        monkeypatch.setenv("POP_PDF_MAX_PARALLEL", "3")
        monkeypatch.setenv("POP_PDF_TIMEOUT", "12,5")
        # The app read its settings when it started (pop/config.py): a later environment is not it.
        assert pdf.settings().max_parallel == cpus.for_background()
        monkeypatch.setitem(world.app.config, "POP_PDF_MAX_PARALLEL", 1)
        assert pdf.settings().max_parallel == 1
    # Outside an app (a bench, a script) the environment, read by the same rules.
    s = pdf.settings()
    assert (s.max_parallel, s.timeout) == (3, 12.5)


def test_beyond_n_conversions_a_download_waits_briefly_then_gets_the_dutch_busy_page(
        world, pdf_config, tmp_path):
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=False, POP_PDF_MAX_PARALLEL=2, POP_PDF_WAIT=0.6)
    zoe = world.client("zoe")
    with world.app.app_context():
        s = pdf.settings()
    s.slot_dir.mkdir()
    # One slot held by another process (as another gunicorn worker would), one by this one.
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(s.slot_dir / "slot-1")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pdf.slot(s) as mine:
            assert mine == 0
            start = time.monotonic()
            response = zoe.get(url(world))
            waited = time.monotonic() - start
        assert response.status_code == 503, response.status_code
        assert response.headers["Retry-After"] == "10"
        assert 0.6 <= waited < 5, waited  # the brief wait, not a hang
        page = text_of(response)
        assert ("De server maakt nu al het hoogste aantal PDF's tegelijk (2). Probeer het over 10 "
                "seconden opnieuw, of download het Word-document.") in page
        body = response.get_data(as_text=True)
        assert f'href="/plans/{world.org["plan"]}/download.docx">Download Word' in body
        assert f'href="{url(world)}">Opnieuw proberen' in body
        assert pdf.counts["one_shot"] == 0  # nothing was started

        # Killed, the other process frees its slot by itself: with slot 0 held here again, the
        # download gets slot 1.
        holder.kill()
        holder.wait()
        with pdf.slot(s) as mine:
            assert mine == 0
            response = zoe.get(url(world))
        assert response.status_code == 200, response.status_code
        assert response.mimetype == "application/pdf"
        assert response.data == FAKE_PDF
    finally:
        holder.kill()
        holder.wait()


def test_the_cli_gets_the_busy_message_too(world, pdf_config, tmp_path):
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=False, POP_PDF_MAX_PARALLEL=1, POP_PDF_WAIT=0.2)
    target = tmp_path / "plan.pdf"
    with world.app.app_context():
        s = pdf.settings()
    with pdf.slot(s):
        result = world.app.test_cli_runner().invoke(args=[
            "export", "--plan", str(world.org["plan"]), "--format", "pdf", "--output", str(target)])
    assert result.exit_code != 0
    assert "De server maakt nu al het hoogste aantal PDF's tegelijk (1)." in result.output
    assert not target.exists()


# ---------------------------------------------------------------- the time limit and process groups


def test_past_the_time_limit_the_whole_group_is_killed_and_word_is_offered(world, pdf_config, tmp_path):
    record = tmp_path / "ids.json"
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path, "hangs", record), POP_PDF_WARM=False, POP_PDF_TIMEOUT=1.5)
    zoe = world.client("zoe")
    start = time.monotonic()
    response = zoe.get(url(world))
    took = time.monotonic() - start
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].rstrip("/").endswith(f"/plans/{world.org['plan']}")
    assert 1.5 <= took < 6, took
    ids = json.loads(record.read_text())
    assert ids["pgid"] == ids["pid"]  # a group of its own, so it can be ended whole
    assert gone_after(ids["pgid"]) == []  # the child it started too
    assert pdf.counts["timeout"] == 1
    page = text_of(zoe.get(response.headers["Location"]))
    assert ("Het omzetten naar PDF duurde langer dan 1,5 seconden en is afgebroken. Download het "
            "Word-document en maak de PDF daaruit.") in page
    assert "Download Word" in page


def test_after_a_conversion_in_time_its_group_is_killed_too(world, pdf_config, tmp_path):
    record = tmp_path / "ids.json"
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path, "leaves_child", record), POP_PDF_WARM=False)
    response = world.client("zoe").get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data == FAKE_PDF
    ids = json.loads(record.read_text())
    assert ids["child"] is not None
    assert gone_after(ids["pgid"]) == []


# ---------------------------------------------------------------- the warm LibreOffice, faked


@pytest.mark.parametrize("failure", ["exits", "error", "dies"])
def test_a_failing_warm_path_falls_back_to_one_shot(world, pdf_config, tmp_path, failure, caplog):
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=True,
               POP_PDF_UNO_PYTHON=fake_helper(tmp_path, failure))
    with world.app.app_context():
        assert pdf.warm_up(timeout=10) is (failure != "exits")
    response = world.client("zoe").get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data == FAKE_PDF  # made by the one-shot soffice
    assert (pdf.counts["warm"], pdf.counts["one_shot"], pdf.counts["warm_failed"]) == (0, 1, 1)
    assert "Warme LibreOffice valt uit" in caplog.text


def test_without_uno_bindings_the_warm_path_is_not_tried_again(world, pdf_config, tmp_path, caplog):
    # The real helper, run by a Python whose `import uno` fails (a stand-in uno.py comes first).
    (tmp_path / "no_uno").mkdir()
    (tmp_path / "no_uno" / "uno.py").write_text("raise ImportError('geen uno hier')\n")
    python = tmp_path / "python-without-uno"
    python.write_text(f"#!/bin/sh\nPYTHONPATH={tmp_path / 'no_uno'} exec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=True, POP_PDF_UNO_PYTHON=str(python))
    with world.app.app_context():
        assert pdf.warm_up(timeout=10) is False
    assert "heeft geen UNO-bindingen (python3-uno)" in caplog.text
    assert pdf._warm.failed_at == float("inf")
    for _ in range(2):
        response = world.client("zoe").get(url(world))
        assert response.status_code == 200, response.status_code
        assert response.data == FAKE_PDF
    assert pdf.warm_process() is None  # not started again
    assert (pdf.counts["one_shot"], pdf.counts["warm_failed"]) == (2, 1)


def test_the_warm_path_takes_small_documents_and_leaves_large_ones_to_one_shot(
        world, pdf_config, tmp_path, monkeypatch):
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=True,
               POP_PDF_UNO_PYTHON=fake_helper(tmp_path, "works"))
    zoe = world.client("zoe")
    with world.app.app_context():
        assert pdf.warm_up(timeout=10)
    response = zoe.get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data == b"%PDF-1.4 warm\n"
    monkeypatch.setattr(pdf, "WARM_MAX_TEXT", 10_000)  # Zoë's plan: a document.xml of more than that
    response = zoe.get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data == FAKE_PDF
    assert (pdf.counts["warm"], pdf.counts["one_shot"], pdf.counts["warm_failed"]) == (1, 1, 0)


def test_a_hanging_warm_path_is_killed_at_the_time_limit_and_started_afresh(
        world, pdf_config, tmp_path):
    record = tmp_path / "ids.json"
    pdf_config(POP_PDF_SOFFICE=fake_soffice(tmp_path), POP_PDF_WARM=True, POP_PDF_TIMEOUT=1.5,
               POP_PDF_UNO_PYTHON=fake_helper(tmp_path, "hangs", record))
    zoe = world.client("zoe")
    with world.app.app_context():
        assert pdf.warm_up(timeout=10)
    first = pdf.warm_process().pid
    response = zoe.get(url(world))
    assert response.status_code == 302, response.status_code
    ids = json.loads(record.read_text())
    assert ids["pgid"] == first
    assert gone_after(first) == []  # helper and the child in its group
    assert pdf.warm_process() is None
    assert "duurde langer dan 1,5 seconden" in text_of(zoe.get(response.headers["Location"]))

    with world.app.app_context():
        assert pdf.warm_up(timeout=10)
    assert pdf.warm_process().pid != first
    response = zoe.get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data == b"%PDF-1.4 warm\n"
    assert pdf.counts["warm"] == 1


# ---------------------------------------------------------------- the warm LibreOffice, real


def test_the_warm_libreoffice_makes_the_pdf_and_is_replaced_when_it_dies(world, pdf_config, need_warm):
    pdf_config(POP_PDF_WARM=True)
    zoe = world.client("zoe")
    with world.app.app_context():
        assert pdf.warm_up()
    response = zoe.get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    if text is not None:
        assert EMPLOYEE_NAME in text and "Wat ga ik ontwikkelen?" in text
    assert (pdf.counts["warm"], pdf.counts["one_shot"]) == (1, 0)

    helper = pdf.warm_process()
    os.killpg(helper.pid, signal.SIGKILL)
    assert gone_after(helper.pid) == []
    response = zoe.get(url(world))
    assert response.status_code == 200, response.status_code
    assert response.data.startswith(b"%PDF")
    assert (pdf.counts["one_shot"], pdf.counts["warm_failed"]) == (1, 1)

    with world.app.app_context():
        assert pdf.warm_up()
    again = pdf.warm_process()
    assert again.pid != helper.pid
    assert zoe.get(url(world)).status_code == 200
    assert pdf.counts["warm"] == 2
    profile = Path(pdf._warm.profile)
    pipes = office_pipes(profile)
    assert all(p.is_socket() for p in pipes)  # the names are the ones LibreOffice uses
    pdf.stop_warm()
    assert gone_after(again.pid) == []  # LibreOffice with it
    assert not profile.exists()
    assert not any(p.exists() for p in pipes)  # killed, LibreOffice leaves them; we do not


def office_pipes(profile: Path) -> list[Path]:
    """The Unix sockets a warm LibreOffice with this profile listens on."""
    return [Path("/tmp", f"OSL_PIPE_{os.getuid()}_{name}")
            for name in (pdf._warm_pipe(str(profile)), pdf._office_pipe(profile.as_uri()))]


def test_a_one_shot_libreoffice_killed_at_the_time_limit_leaves_no_pipe(world, pdf_config, need_pdf,
                                                                        monkeypatch):
    made = []
    real = pdf._office_pipe

    def seen(profile_url):  # the profile's pipe, looked at just before it is removed
        pipe = Path("/tmp", f"OSL_PIPE_{os.getuid()}_{real(profile_url)}")
        made.append((pipe, pipe.is_socket()))
        return real(profile_url)

    monkeypatch.setattr(pdf, "_office_pipe", seen)
    # About 300 pages, several seconds of work: LibreOffice has made its pipe by the time-out.
    document = simple_docx(*[f"Alinea {i}. " + "Veel tekst in een heel groot plan. " * 30
                             for i in range(2000)])
    pdf_config(POP_PDF_WARM=False, POP_PDF_TIMEOUT=3)
    with world.app.app_context(), pytest.raises(pdf.PdfTimeout):
        pdf.to_pdf(document)
    [(pipe, existed)] = made
    assert existed, pipe  # LibreOffice had made it, under that name
    assert not pipe.exists()


WORKER = """
import sys, time
sys.path.insert(0, ".")
from exports.pdf import convert as pdf
assert pdf.warm_up()
print(pdf.warm_process().pid, flush=True)
time.sleep(300)
"""


def test_the_warm_libreoffice_does_not_outlive_its_server_process(need_warm):
    pdf.stop_warm()  # need_warm's own
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        pgid = int(worker.stdout.readline())
        assert len(live_members(pgid)) >= 2  # the helper and LibreOffice
        [profile] = Path(tempfile.gettempdir()).glob(f"{pdf.WARM_PREFIX}{worker.pid}-*")
        worker.kill()  # as gunicorn kills a worker: no clean-up of its own runs
        worker.wait()
        assert gone_after(pgid) == []
    finally:
        worker.kill()
        worker.wait()
    # What it could not clean up, the next warm LibreOffice to start does.
    assert profile.exists()
    assert pdf.warm_up()
    assert not profile.exists()
    assert not any(p.exists() for p in office_pipes(profile))


# ---------------------------------------------------------------- end to end: start.sh's gunicorn


def start_sh_gunicorn() -> str:
    """start.sh's gunicorn command, as it stands there (beside the queue's worker, which this test does
    not need), run in the foreground."""
    text = (ROOT / "start.sh").read_text()
    match = re.search(r'^(?:exec )?(\.venv/bin/gunicorn .*?"app:serve\(\)")', text, re.M | re.S)
    assert match, "start.sh no longer has its gunicorn command"
    return "exec " + match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked(mark: str, needle: str = "") -> list[tuple[int, str]]:
    """Running processes that carry the server's marker in their environment (so started by it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"POP_E2E_MARK={mark}".encode() in environ and state != "Z" and needle in cmdline:
            found.append((int(entry.name), cmdline))
    return found


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, timeout: float = 60):
        return self.opener.open(self.base + path, timeout=timeout)

    def login(self, email: str) -> None:
        page = self.get("/login").read().decode()
        data = urlencode({"email": email, "password": PASSWORD,
                          "csrf_token": CSRF_RE.search(page).group(1)}).encode()
        response = self.opener.open(self.base + "/login", data=data, timeout=30)
        assert "/login" not in response.url, response.url


def test_start_sh_gunicorn_answers_the_login_page_while_two_large_pdfs_are_made(need_pdf, tmp_path):
    app = new_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
    with app.app_context():
        manager = make_person("m@e2e.nl", "Marco", "Groot", role="leidinggevende")
        employee = make_person("e@e2e.nl", "Eva", "Groot", manager=manager)
        large = start_plan(employee, FORM_KEY, "2026")
        answers.save(large, huge_values(FORM))  # about 2,000 pages, 40 s or more one-shot
        typical = start_plan(employee, FORM_KEY, "2027")
        answers.save(typical, example_plan_context(FORM)[1])
        large_id, typical_id = large.id, typical.id

    # Far below the large plan's 40 s or more, well above the typical plan's second or two (a few on a
    # busy machine).
    port, mark, timeout = free_port(), secrets.token_hex(8), 10
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "POP_E2E_MARK": mark,
           "DATABASE_URL": app.config["DATABASE_URL"], "POP_SECRET_KEY": "e2e-secret",
           "POP_PDF_SLOT_DIR": str(tmp_path / "slots"), "POP_PDF_TIMEOUT": str(timeout),
           "POP_PDF_MAX_PARALLEL": "2"}
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(["bash", "-c", start_sh_gunicorn()], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                Browser(base).get("/login", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)

        results = {}

        def download(name):
            try:
                browser = Browser(base)
                browser.login("e@e2e.nl")
                start = time.monotonic()
                response = browser.get(f"/plans/{large_id}/download.pdf")
                results[name] = (response.status, response.url, response.read().decode(),
                                 time.monotonic() - start)
            except Exception as exc:  # noqa: BLE001 - reported by the assertions below
                results[name] = exc

        threads = [threading.Thread(target=download, args=(n,)) for n in ("een", "twee")]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10  # logging in and the two Word exports come first
        while not (converting := marked(mark, "--convert-to")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert converting, "no LibreOffice was converting"
        login_times = []
        while all(t.is_alive() for t in threads) and len(login_times) < 8:
            start = time.monotonic()
            page = Browser(base).get("/login", timeout=10).read().decode()
            login_times.append(time.monotonic() - start)
            assert "<h1>Inloggen</h1>" in page
            time.sleep(0.3)
        for t in threads:
            t.join(60)
        assert len(login_times) >= 3, login_times
        assert max(login_times) < 1, login_times

        assert set(results) == {"een", "twee"}, results
        for name, result in results.items():
            assert isinstance(result, tuple), (name, result)
            status, final_url, page, took = result
            assert status == 200, (name, status)
            assert final_url.rstrip("/").endswith(f"/plans/{large_id}"), (name, final_url)
            assert (f"Het omzetten naar PDF duurde langer dan {timeout} seconden en is afgebroken."
                    in re.sub(r"\s+", " ", page)), (name, page[:2000])
            assert timeout <= took < timeout + 10, (name, took)
        assert gone_after_marked(mark, "--convert-to") == []

        browser = Browser(base)
        browser.login("e@e2e.nl")
        response = browser.get(f"/plans/{typical_id}/download.pdf")
        body = response.read()
        assert response.status == 200
        assert response.headers.get_content_type() == "application/pdf", body[:3000]
        assert body.startswith(b"%PDF")
        assert gone_after_marked(mark, "--convert-to") == []
    finally:
        server.terminate()  # gunicorn's graceful stop; the warm LibreOffices must go with the workers
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    left = gone_after_marked(mark)
    for pid, _ in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], left


def gone_after_marked(mark: str, needle: str = "", seconds: float = 10) -> list[tuple[int, str]]:
    deadline = time.monotonic() + seconds
    while (found := marked(mark, needle)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
