"""The child that renders uploaded templates holds no secret of the server and reaches no network: it
starts with an empty environment, in an empty working directory, in a network namespace of its own,
and (when the server runs as root) as nobody. Checked from outside, through /proc, on a real child."""
import io
import logging
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from docx import Document

from export_support import FORM, FORM_KEY, body_texts, simple_docx
from exports.context import example_plan_context
from exports.uploads import isolation, render_child

SECRETS = {
    "POP_SECRET_KEY": "geheime-sleutel-123",
    "POP_SMTP_PASSWORD": "smtp-wachtwoord-456",
    "DATABASE_URL": "postgresql://pop:db-wachtwoord-789@db.intern/pop",
    "AWS_SECRET_ACCESS_KEY": "nog-een-geheim",
}
ALLOWED_KEYS = {"PATH", "LANG", "LC_ALL", "HOME", "PYTHONPATH", "POP_TEMPLATE_MEMORY_MB"}
ROOT = os.geteuid() == 0


def kernel_allows_network_namespace() -> str | None:
    """None when this system lets a process make a network namespace of its own; else why not. Asked
    of the kernel the way the child does it (with a user namespace unless root)."""
    if not shutil.which("unshare"):
        return "util-linux' unshare is not installed to ask the kernel"
    command = ["unshare", "--net", "true"] if ROOT else ["unshare", "--user", "--net", "true"]
    done = subprocess.run(command, capture_output=True, text=True)
    return None if done.returncode == 0 else f"the kernel refuses {' '.join(command)}: {done.stderr}"


REFUSED = kernel_allows_network_namespace()
needs_namespaces = pytest.mark.skipif(REFUSED is not None, reason=f"no network namespaces: {REFUSED}")


@pytest.fixture
def child(monkeypatch):
    """A fresh child, started while the server's environment holds secrets."""
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    started = isolation._Child(400)
    yield started
    started.kill()


def proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text()


def test_the_child_inherits_no_secret_of_the_server(child):
    environ = Path(f"/proc/{child.pid}/environ").read_bytes().decode()
    for key, value in SECRETS.items():
        assert key not in environ and value not in environ
    keys = {entry.split("=", 1)[0] for entry in environ.split("\0") if entry}
    assert keys <= ALLOWED_KEYS, keys - ALLOWED_KEYS
    assert "POP_TEMPLATE_MEMORY_MB=400" in environ.split("\0")


def test_the_child_starts_in_an_empty_folder_it_cannot_write_and_that_is_removed(child):
    cwd = os.readlink(f"/proc/{child.pid}/cwd")
    assert Path(cwd).is_dir() and os.listdir(cwd) == []
    assert Path(cwd) != Path(isolation.__file__).resolve().parents[2]
    assert not os.stat(cwd).st_mode & 0o222
    child.kill()
    assert not Path(cwd).exists()


@needs_namespaces
def test_the_child_has_a_network_namespace_with_only_loopback_down(child):
    assert os.readlink(f"/proc/{child.pid}/ns/net") != os.readlink("/proc/self/ns/net")
    interfaces = [line.split(":")[0].strip() for line in proc(child.pid, "net/dev").splitlines()[2:]]
    assert interfaces == ["lo"]
    assert isolation.confinement().get("missing") == []


@needs_namespaces
@pytest.mark.skipif(not ROOT or not shutil.which("nsenter"), reason="entering another process's "
                    "network namespace needs root and nsenter")
def test_from_the_childs_network_not_even_the_servers_own_port_is_reachable(child):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        probe = [sys.executable, "-c", f"import socket; socket.create_connection(('127.0.0.1', {port}), 2)"]
        # The same probe from the server's own namespace connects: the port is really listening.
        assert subprocess.run(probe, capture_output=True).returncode == 0
        inside = subprocess.run(["nsenter", f"--target={child.pid}", "--net", "--", *probe],
                                capture_output=True, text=True)
    assert inside.returncode != 0
    assert "unreachable" in inside.stderr.lower() or "refused" in inside.stderr.lower(), inside.stderr


@pytest.mark.skipif(not ROOT, reason="only a server started as root can hand the child to another user")
def test_a_child_of_root_runs_as_nobody_without_a_way_back(child):
    status = dict(line.split(":", 1) for line in proc(child.pid, "status").splitlines())
    assert all(uid != "0" for uid in status["Uid"].split()), status["Uid"]
    assert all(gid != "0" for gid in status["Gid"].split()), status["Gid"]
    assert status["Groups"].split() == []
    assert status["NoNewPrivs"].strip() == "1"


def test_a_confined_child_still_fills_templates_with_modules_it_imports_late(monkeypatch):
    """As nobody, Python must still find what it imports while filling in (pyenv's Python lives
    under /root, which nobody may not enter): a template fills in, and the child's own check of a
    late import reported nothing missing."""
    monkeypatch.setenv("POP_TEMPLATE_CHILDREN", "1")
    isolation._pool.close()
    context = example_plan_context(FORM)[0]
    (document,) = isolation.render_upload(simple_docx("Naam: {{ medewerker.naam }}"), "docx", FORM_KEY,
                                          [context])
    assert "Naam: Eva Visser" in body_texts(Document(io.BytesIO(document)))
    if REFUSED is None:
        assert not [m for m in isolation.confinement()["missing"] if "modules" in m]


def test_what_the_system_refuses_is_logged_once_and_the_child_still_works(monkeypatch, caplog):
    monkeypatch.setattr(isolation, "_confinement", {})
    report = {"missing": ["no network namespace of its own (Operation not permitted)"], "uid": 0}
    with caplog.at_level(logging.INFO, logger="exports.uploads.isolation"):
        isolation._note_confinement(report)
        isolation._note_confinement(report)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "no network namespace of its own" in warnings[0].getMessage()
    assert isolation.confinement() == report


def test_a_refused_namespace_is_reported_not_fatal(monkeypatch):
    monkeypatch.setattr(render_child, "_unshare", lambda flags: "Operation not permitted")
    missing = []
    assert render_child.enter_namespaces(missing) is False
    assert missing == ["no network namespace of its own (Operation not permitted)"]


@pytest.mark.parametrize("ready, report", [
    (b"ready", {"missing": [], "uid": None}),
    (b'ready{"missing": ["x"], "uid": 65534}', {"missing": ["x"], "uid": 65534}),
    (b"readz", None),
    (b'ready{"missing": "x"}', None),
    (b"ready{", None),
])
def test_the_ready_frame_is_believed_only_in_its_shape(ready, report):
    assert isolation._ready_report(ready) == report
