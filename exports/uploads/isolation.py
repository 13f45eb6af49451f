"""Uploaded templates are rendered in a child process with limits, never in the server itself.

A template is code written by whoever holds an HR account, and HR accounts get phished. The sandbox
(exports.word.engine.LimitedSandbox) keeps it out of Python and stops the obvious bombs with a clear message,
but loops in loops, or growth the sandbox does not see, can still take seconds or gigabytes. So the
child (exports/uploads/render_child.py) runs under an address-space limit (POP_TEMPLATE_MEMORY_MB) and a
CPU-seconds limit per job, and the parent waits at most POP_TEMPLATE_TIMEOUT seconds for each call
before it kills the child's whole process group.

The parent pickles the job TO the child (its own data), but never unpickles what comes back: the child
runs untrusted template code, so it answers with a JSON header and raw document bytes only.

Children are kept warm (starting one costs a few hundred milliseconds of imports) in a small pool per
server process: gunicorn's gthread worker serves several requests at once, and one slow template must
not make every other download wait behind it.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from exports.word.engine import TemplateProblem
from pop import config

log = logging.getLogger(__name__)

HEADER = struct.Struct("!I")
# A filled document is at most a few megabytes (the upload itself is at most 16 MB); a child that
# announces more is not believed, so it cannot make the server allocate at will.
MAX_FRAME = 64 * 1024 * 1024
MAX_MESSAGE = 2000
# document: one filled document follows; done: all are there; problem: the template failed on the
# next context (message says why); memory: a MemoryError; unknown: send the template's bytes.
# inspected: the upload check's reading of the template (see inspect_upload) comes first.
STATUSES = ("document", "done", "problem", "memory", "unknown", "inspected")
REPORT_LISTS = ("problems", "notes", "unused")
START_SECONDS = 30  # imports only, before any template code runs; generous for a loaded machine



class TemplateLimit(TemplateProblem):
    """The template was stopped at a limit (time or memory): costly each time it is tried, so a bulk
    export stops trying it after a few of these."""


class TemplateTimeout(TemplateLimit):
    """Stopped at the time limit."""


# ---------------------------------------------------------------- frames (both sides)

def encode_frame(payload: bytes) -> bytes:
    if not isinstance(payload, (bytes, bytearray)):
        raise TypeError("a frame holds bytes")
    return HEADER.pack(len(payload)) + bytes(payload)


def decode_reply(header: bytes) -> dict:
    """One header from the child: JSON with a known status, nothing else is believed. Never pickle:
    whatever the child sends may have been written by a template that escaped the sandbox."""
    try:
        reply = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _broken_child() from exc
    if not isinstance(reply, dict) or reply.get("status") not in STATUSES:
        raise _broken_child()
    if not isinstance(reply.get("message", ""), str):
        raise _broken_child()
    return reply


def _broken_child() -> TemplateProblem:
    return TemplateProblem("Het sjabloon kon niet worden ingevuld: het invulproces gaf een onleesbaar "
                           "antwoord en is gestopt.")


class _Timeout(Exception):
    pass


class _ChildGone(Exception):
    pass


class _NotSent(Exception):
    """The child was gone before it got the job: nothing of the template ran."""


# ---------------------------------------------------------------- limits: settings (pop/config.py)

def check_timeout() -> float:
    """Seconds for an upload check: reading the template and filling it for every trial plan. HR
    waits for it once per upload, so it may take longer than one plan's download, not minutes."""
    return config.current("POP_TEMPLATE_CHECK_TIMEOUT")


def limits() -> tuple[float, int, int]:
    """(seconds per call, megabytes of address space, children per server process)."""
    return (config.current("POP_TEMPLATE_TIMEOUT"), config.current("POP_TEMPLATE_MEMORY_MB"),
            config.current("POP_TEMPLATE_CHILDREN"))


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def timeout_message(seconds: float) -> str:
    return (f"Het sjabloon deed er langer dan {_seconds(seconds)} seconden over om een plan in te vullen "
            "en is gestopt. Kijk na of er lussen in lussen staan, of lussen over range() die bij echte "
            "plannen veel vaker rondgaan dan nodig.")


def memory_message(megabytes: int) -> str:
    return (f"Het sjabloon gebruikte te veel geheugen (meer dan {megabytes} MB) bij het invullen en is "
            "gestopt. Kijk na of het sjabloon teksten of lijsten steeds langer maakt, bijvoorbeeld met "
            "replace, join of ~ in een lus.")


# ---------------------------------------------------------------- one child

# What the child may know of the server's environment: nothing but where Python and our code are,
# its limit, and a locale. The secret key, the SMTP password and the database URL stay behind.
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"
_confinement: dict = {}
_confinement_lock = threading.Lock()


def child_environment(memory_mb: int, home: str) -> dict[str, str]:
    root = Path(__file__).resolve().parents[2]
    # The folders of our own code the server imports from, root first: the child unpickles a form's
    # definition, whose field kinds may be defined outside forms/ (a test's own kind, in tests/).
    python = Path(sys.prefix).resolve()  # a virtual environment in root: Python's, not ours
    ours = [str(root)] + [p for p in sys.path if p and Path(p).is_dir() and Path(p).resolve() != root
                          and Path(p).resolve().is_relative_to(root)
                          and not Path(p).resolve().is_relative_to(python)]
    return {"PATH": CHILD_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home,
            "PYTHONPATH": os.pathsep.join(p for p in (*dict.fromkeys(ours), os.environ.get("PYTHONPATH"))
                                          if p),
            "POP_TEMPLATE_MEMORY_MB": str(memory_mb)}


def confinement() -> dict:
    """What the first child reported: {"missing": [what the system did not allow], "uid": n}."""
    with _confinement_lock:
        return dict(_confinement)


def _note_confinement(report: dict) -> None:
    """Logged once per server process: every child is confined the same way."""
    with _confinement_lock:
        if _confinement:
            return
        _confinement.update(report)
    if report.get("missing"):
        log.warning("The child that renders uploaded templates is not fully confined: %s. It still "
                    "runs with limits and an empty environment.", "; ".join(report["missing"]))
    else:
        log.info("The child that renders uploaded templates runs as uid %s in a network namespace "
                 "of its own, with an empty environment.", report.get("uid"))


def _ready_report(ready: bytes) -> dict | None:
    """The child's first frame: b"ready" and what confinement it could not get (JSON). Sent before
    any template ran, so it is believed, in the shape it must have."""
    if not ready.startswith(b"ready"):
        return None
    try:
        report = json.loads(ready[len(b"ready"):] or b"{}")
    except ValueError:
        return None
    missing = report.get("missing", []) if isinstance(report, dict) else None
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return None
    return {"missing": [m[:MAX_MESSAGE] for m in missing[:20]], "uid": report.get("uid")}


class _Child:
    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.known: set[str] = set()  # templates the child has compiled: sent without their bytes
        # An empty folder to start in, which the child (as nobody) cannot write to: what a template
        # might find in its working directory is nothing.
        self.workdir = tempfile.mkdtemp(prefix="pop-template-child-")
        os.chmod(self.workdir, 0o555)
        # Its own session and so its own process group: a time-out kills everything it started.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exports.uploads.render_child"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=child_environment(memory_mb, self.workdir), cwd=self.workdir,
            start_new_session=True, close_fds=True)
        self.pid = self.process.pid
        self._buffer = bytearray()
        try:
            ready = self._read_frame(time.monotonic() + START_SECONDS)
        except (_Timeout, _ChildGone) as exc:
            self.kill()
            raise TemplateProblem("Het sjabloon kon niet worden ingevuld: het invulproces startte "
                                  "niet. Probeer het later opnieuw.") from exc
        report = _ready_report(ready)
        if report is None:
            self.kill()
            raise _broken_child()
        _note_confinement(report)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.process.wait()
        try:
            os.rmdir(self.workdir)
        except OSError:
            pass

    def run(self, job: dict, deadline: float, documents: list) -> dict:
        """Send the job; documents gets each filled document as it comes. Returns the last header."""
        try:
            self.process.stdin.write(encode_frame(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _NotSent() from exc
        while True:
            reply = decode_reply(self._read_frame(deadline))
            if reply["status"] == "inspected" and job.get("inspect"):
                self.inspection = _checked_report(reply.get("report"))
                continue
            if reply["status"] != "document":
                return reply
            documents.append(self._read_frame(deadline))
            if len(documents) > len(job["contexts"]):
                raise _broken_child()

    def _read_frame(self, deadline: float) -> bytes:
        size = HEADER.unpack(self._read_exact(HEADER.size, deadline))[0]
        if size > MAX_FRAME:
            raise _broken_child()
        return self._read_exact(size, deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while len(self._buffer) < size:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise _Timeout()
                chunk = os.read(fd, max(size - len(self._buffer), 1 << 16))
                if not chunk:
                    raise _ChildGone()
                self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


# ---------------------------------------------------------------- the pool of children

class _Pool:
    def __init__(self):
        self.condition = threading.Condition()
        self.idle: list[_Child] = []
        self.busy = 0
        self.owner = os.getpid()

    def _after_fork(self):
        # gunicorn --preload forks the workers from a master that may have made children: those pipes
        # belong to the master. Each worker starts its own.
        if self.owner != os.getpid():
            self.idle, self.busy, self.owner = [], 0, os.getpid()

    def take(self, memory_mb: int, size: int) -> _Child | None:
        """A warm child with these limits, or None: the caller starts one (outside the lock)."""
        with self.condition:
            self._after_fork()
            while True:
                for child in list(self.idle):
                    self.idle.remove(child)
                    if child.alive() and child.memory_mb == memory_mb:
                        self.busy += 1
                        return child
                    child.kill()
                if self.busy + len(self.idle) < size:
                    self.busy += 1
                    return None
                self.condition.wait()

    def give_back(self, child: _Child | None) -> None:
        with self.condition:
            if self.owner == os.getpid():
                self.busy -= 1
                if child is not None and child.alive():
                    self.idle.append(child)
            self.condition.notify()

    def close(self) -> None:
        with self.condition:
            idle, self.idle = self.idle, []
        if self.owner == os.getpid():
            for child in idle:
                child.kill()


_pool = _Pool()
atexit.register(_pool.close)


def child_pids() -> list[int]:
    """The children this process keeps warm (for tests: none may be left after a time-out)."""
    with _pool.condition:
        return [c.pid for c in _pool.idle]


def _checked_report(report) -> dict:
    """The child's reading of a template, believed only in the shape it must have: lists of texts
    (and of pairs of texts), each cut to a sensible length."""
    if not isinstance(report, dict):
        raise _broken_child()
    checked = {}
    for key in REPORT_LISTS:
        values = report.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _broken_child()
        checked[key] = [v[:MAX_MESSAGE] for v in values[:500]]
    found = report.get("found", [])
    if not isinstance(found, list) or not all(
            isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f) for f in found):
        raise _broken_child()
    checked["found"] = [(a[:300], b[:300]) for a, b in found[:5000]]
    return checked


def inspect_upload(data: bytes, fmt: str, form_key: str, contexts: list[dict]) -> tuple[dict, list[bytes]]:
    """The upload check in the child process: the template read (problems, notes, fields found and
    where, questions not used: template_check.inspect_template) and, when it has no problems, filled
    with each context and checked thoroughly; one time limit for all of it. Returns (the reading,
    the documents); raises TemplateProblem as render_upload does, context_index None when the file
    could not be read as a template at all."""
    inspection: dict = {}
    documents = _call(data, fmt, form_key, contexts, thorough=True, inspect=True, inspection=inspection,
                      timeout=check_timeout())
    if not inspection:
        raise _broken_child()
    return inspection, documents


def render_upload(data: bytes, fmt: str, form_key: str, contexts: list[dict], *,
                  thorough: bool = False) -> list[bytes]:
    """The uploaded template compiled and filled with each context in a child process, each result
    checked to be a well-formed document (thorough: opened by python-docx/openpyxl as well). One call
    may take at most POP_TEMPLATE_TIMEOUT seconds in all, whatever the number of contexts. Raises
    TemplateProblem with a Dutch message: a template error, a broken result, a time-out or too much
    memory (TemplateLimit for the last two); its context_index says which context it failed on
    (None when the template did not compile)."""
    return _call(data, fmt, form_key, contexts, thorough=thorough)


def _call(data, fmt, form_key, contexts, *, thorough, inspect=False, inspection=None,
          timeout=None) -> list[bytes]:
    per_call, memory_mb, size = limits()
    timeout = timeout or per_call
    sha256 = hashlib.sha256(data).hexdigest()
    from forms import FORMS
    # The definition goes along (the parent's own data, pickled to the child as the contexts are):
    # the child then needs no registry of forms of its own to agree with the server's.
    job = {"sha256": sha256, "fmt": fmt, "form_key": form_key, "definition": FORMS.get(form_key),
           "contexts": contexts, "thorough": thorough, "inspect": inspect,
           "cpu_seconds": max(1, int(timeout + 1))}
    documents: list[bytes] = []
    child = _pool.take(memory_mb, size)
    try:
        for attempt in (1, 2):
            if child is None or not child.alive():
                if child is not None:
                    child.kill()
                child = _Child(memory_mb)
            try:
                child.inspection = None
                reply = _run(child, job, data, sha256, timeout, memory_mb, documents)
                if inspect and child.inspection is not None:
                    inspection.update(child.inspection)
                break
            except _NotSent:
                # Gone while it waited in the pool (killed from outside, say): try a fresh one once.
                child.kill()
                if attempt == 2:
                    raise TemplateProblem("Het sjabloon kon niet worden ingevuld: het invulproces "
                                          "startte niet. Probeer het later opnieuw.") from None
        if reply["status"] == "problem":
            problem = TemplateProblem(reply.get("message", "")[:MAX_MESSAGE] or
                                      "Het sjabloon kon dit plan niet invullen.")
            problem.context_index = len(documents) if reply.get("compiled", True) else None
            raise problem
        refused = inspect and bool(inspection.get("problems"))  # then nothing is filled in
        if reply["status"] != "done" or len(documents) != (0 if refused else len(contexts)):
            child.kill()
            raise _broken_child()
        child.known.add(sha256)
        return documents
    except TemplateProblem as exc:
        if not hasattr(exc, "context_index"):
            exc.context_index = len(documents)
        raise
    finally:
        _pool.give_back(child if child is not None and child.alive() else None)


def _run(child: _Child, job: dict, data: bytes, sha256: str, timeout: float, memory_mb: int,
         documents: list) -> dict:
    deadline = time.monotonic() + timeout
    try:
        # The upload check reads the file itself, so it always goes with its bytes.
        known = sha256 in child.known and not job["inspect"]
        reply = child.run(dict(job, data=None if known else data), deadline, documents)
        if reply["status"] == "unknown":  # the child let its compiled copy go
            child.known.discard(sha256)
            reply = child.run(dict(job, data=data), deadline, documents)
    except _NotSent:
        raise
    except _Timeout:
        child.kill()
        raise TemplateTimeout(timeout_message(timeout)) from None
    except (_ChildGone, OSError):
        # Its pipe closes a moment before it can be reaped: poll() alone often saw no exit status
        # yet, and a child ended by its CPU limit (SIGXCPU) was reported as out of memory.
        try:
            returncode = child.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            returncode = None
        child.kill()
        if returncode == -signal.SIGXCPU:
            raise TemplateTimeout(timeout_message(timeout)) from None
        raise TemplateLimit(memory_message(memory_mb)) from None
    except TemplateProblem:
        child.kill()  # it said something that is not our protocol: not to be trusted again
        raise
    if reply["status"] == "memory":
        child.kill()  # the child exits after a MemoryError anyway; a fresh one for the next call
        raise TemplateLimit(memory_message(memory_mb))
    return reply
