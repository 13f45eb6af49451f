"""PDF through LibreOffice, where the server has it, made so that it cannot stall the server:

- at most PDF_MAX_PARALLEL conversions at once across all server processes (gunicorn's workers are
  separate processes): one slot file each under the instance folder, held with flock(), which the
  kernel releases by itself when a holder dies, so a killed worker never leaves a slot taken. A request
  that finds every slot taken waits PDF_WAIT seconds at most, then gets PdfBusy;
- a time limit, PDF_TIMEOUT, below gunicorn's worker time-out (start.sh): LibreOffice runs in a process
  group of its own, and that whole group is killed after every run, in time or not. `soffice` is a
  shell script that starts oosplash, which starts soffice.bin: killing the child alone leaves those;
- a warm LibreOffice per server process (exports/pdf/warm.py, needs LibreOffice's Python UNO bindings),
  started on the first PDF, used for the next ones; when it is missing, busy with another request of
  the same process, broken or still starting, the one-shot `soffice --convert-to pdf` does the work,
  and it does large documents too (WARM_MAX_TEXT), which the warm one makes more slowly.

LibreOffice runs niced (pop/cpus.py): pages come first while it lays out a long plan.

Settings (pop/config.py, the README's table): POP_PDF_MAX_PARALLEL (the CPUs this process may use but
one, at least 1: pop/cpus.py), POP_PDF_TIMEOUT (20 s), POP_PDF_WAIT (5 s), POP_PDF_WARM (1; 0 = one-shot
only), POP_PDF_SOFFICE (soffice on PATH), POP_PDF_UNO_PYTHON (a Python with UNO), POP_PDF_SLOT_DIR
(instance/pdf-slots).
"""
from __future__ import annotations

import atexit
import collections
import fcntl
import hashlib
import io
import json
import logging
import os
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

from pop import config, cpus

log = logging.getLogger(__name__)

RETRY_AFTER = 10  # seconds, told to a request that found every slot taken
WARM_RETRY = 60  # seconds before a warm LibreOffice that failed to start is tried again
WARM_START = 60  # seconds a warm LibreOffice may take to start before it counts as failed
WARM_USES = 200  # documents per warm LibreOffice: a long-running office grows, a fresh one does not
# A document whose text (word/document.xml; a workbook's sheets and strings) is larger than this goes
# one-shot: the warm LibreOffice lays out a large document with about 1.5 times the CPU time
# (bench/bench_pdf.py, README), which its saved start-up (about 1.3 s) makes up for only in small ones.
# A typical plan's document.xml is 60 KB; 1 MB is about 140 pages.
WARM_MAX_TEXT = 1_000_000
WARM_HELPER = Path(__file__).with_name("warm.py")
NO_UNO = 3  # warm.py's exit status when its Python has no UNO bindings

# How each conversion was done, for the tests and the benchmark: warm, one_shot, warm_failed, timeout.
counts: collections.Counter = collections.Counter()


class PdfFailed(Exception):
    pass


class PdfBusy(PdfFailed):
    retry_after = RETRY_AFTER


class PdfTimeout(PdfFailed):
    pass


@dataclass(frozen=True)
class Settings:
    soffice: str | None
    max_parallel: int
    timeout: float
    wait: float
    warm: bool
    uno_python: str | None
    slot_dir: Path


SOFFICE_LOOK_AGAIN = 60.0  # seconds: LibreOffice installed (or removed) while POP runs counts within a minute
_soffice_found: tuple[float, str | None] = (float("-inf"), None)  # (when looked, what was found)


def soffice_path() -> str | None:
    """LibreOffice on the PATH. Asked on every plan page (its PDF links), where searching the PATH
    took about 40 µs: the answer is kept and looked for again after SOFFICE_LOOK_AGAIN seconds."""
    global _soffice_found
    looked, found = _soffice_found
    if time.monotonic() - looked >= SOFFICE_LOOK_AGAIN:
        found = shutil.which("soffice") or shutil.which("libreoffice")
        _soffice_found = (time.monotonic(), found)
    return found


@lru_cache(maxsize=4)
def _uno_python(soffice: str | None) -> str | None:
    if soffice:
        # LibreOffice's own builds bring a Python with UNO; Debian's packages use the system's.
        bundled = Path(os.path.realpath(soffice)).with_name("python")
        if os.access(bundled, os.X_OK):
            return str(bundled)
    return shutil.which("python3", path="/usr/bin:/usr/local/bin")


def settings() -> Settings:
    soffice = config.current("POP_PDF_SOFFICE") or soffice_path()
    if has_app_context():
        default_slots = Path(current_app.instance_path, "pdf-slots")
    else:
        default_slots = Path(tempfile.gettempdir(), f"pop-pdf-slots-{os.getuid()}")
    return Settings(
        soffice=soffice,
        max_parallel=config.current("POP_PDF_MAX_PARALLEL") or cpus.for_background(),
        timeout=config.current("POP_PDF_TIMEOUT"),
        wait=config.current("POP_PDF_WAIT"),
        warm=config.current("POP_PDF_WARM"),
        uno_python=config.current("POP_PDF_UNO_PYTHON") or _uno_python(soffice),
        slot_dir=Path(config.current("POP_PDF_SLOT_DIR") or default_slots),
    )


def available() -> bool:
    # Asked on every page (its download links): the soffice setting alone, not all of settings().
    return (config.current("POP_PDF_SOFFICE") or soffice_path()) is not None


def to_pdf(document: bytes, suffix: str = ".docx") -> bytes:
    s = settings()
    if s.soffice is None:
        raise PdfFailed("LibreOffice is niet geïnstalleerd op de server.")
    with slot(s), tempfile.TemporaryDirectory(prefix="pop-pdf-") as tmp:
        deadline = time.monotonic() + s.timeout
        source = Path(tmp, "document" + suffix)
        source.write_bytes(document)
        target = source.with_suffix(".pdf")
        if s.warm and _small(document) and _warm_convert(s, source, target, deadline):
            counts["warm"] += 1
        else:
            _one_shot(s, source, tmp, deadline)
            counts["one_shot"] += 1
        if not target.exists() or target.stat().st_size == 0:
            raise PdfFailed("Het omzetten naar PDF is mislukt.")
        return target.read_bytes()


def _small(document: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(document)) as archive:
            text = sum(i.file_size for i in archive.infolist()
                       if i.filename in ("word/document.xml", "xl/sharedStrings.xml")
                       or i.filename.startswith("xl/worksheets/"))
    except zipfile.BadZipFile:
        return True  # not ours to judge: LibreOffice says whether it can read it
    return text <= WARM_MAX_TEXT


def _too_slow(s: Settings) -> PdfTimeout:
    counts["timeout"] += 1
    seconds = f"{s.timeout:g}".replace(".", ",") + (" seconde" if s.timeout == 1 else " seconden")
    return PdfTimeout(f"Het omzetten naar PDF duurde langer dan {seconds} en is afgebroken.")


# ---------------------------------------------------------------- slots shared by all processes


@contextmanager
def slot(s: Settings):
    s.slot_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + s.wait
    while True:
        for i in range(s.max_parallel):
            fd = os.open(s.slot_dir / f"slot-{i}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                # Each open() is its own lock owner, so threads of one process exclude each other too.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield i
            finally:
                os.close(fd)  # releases the lock
            return
        if time.monotonic() >= deadline:
            raise PdfBusy("De server maakt nu al het hoogste aantal PDF's tegelijk "
                          f"({s.max_parallel}). "
                          f"Probeer het over {RETRY_AFTER} seconden opnieuw, of download het "
                          "Word-document.")
        time.sleep(0.05)


# ---------------------------------------------------------------- processes and their groups


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _exited(proc: subprocess.Popen, deadline: float) -> bool:
    """Wait for the process to end, without reaping it: while it is an unreaped zombie its number,
    which is also its group's, cannot be given to another process, so killing the group afterwards can
    never hit a stranger."""
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def _office_pipe(profile_url: str) -> str:
    """The name of the pipe by which a second start of LibreOffice finds a running one with the same
    profile: an MD5 of the profile's URL in UTF-16, each byte in hex without its leading zero."""
    digest = hashlib.md5(profile_url.encode("utf-16-le")).digest()
    return "SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)


def _remove_pipes(*names: str) -> None:
    """A LibreOffice that is killed leaves its pipes, Unix sockets in /tmp: empty files, but one or two
    for every time-out and every warm restart, for as long as the server runs."""
    for name in names:
        path = Path("/tmp", f"OSL_PIPE_{os.getuid()}_{name}")
        try:
            if stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()
        except FileNotFoundError:
            pass


@lru_cache(maxsize=1)
def _nice_command() -> str | None:
    return shutil.which("nice", path="/usr/bin:/bin")


def _niced(command: list[str]) -> list[str]:
    """The command run by nice(1) at background priority; LibreOffice and everything it starts inherit
    it. nice execs the command, so the process (and its group) stays the one Popen started. Not a
    preexec_fn: that is unsafe in a server process with threads."""
    nice = _nice_command()
    return [nice, "-n", str(cpus.BACKGROUND_NICE), *command] if nice else command


def _one_shot(s: Settings, source: Path, outdir: str, deadline: float) -> None:
    profile = Path(outdir, "profile").as_uri()  # its own profile: parallel runs block each other
    proc = subprocess.Popen(
        _niced([s.soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                "--nolockcheck", "--convert-to", "pdf", "--outdir", outdir, str(source)]),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        in_time = _exited(proc, deadline)
    finally:
        _kill_group(proc)
        _remove_pipes(_office_pipe(profile))
    if not in_time:
        raise _too_slow(s)


# ---------------------------------------------------------------- the warm LibreOffice


class _Warm:
    """One helper process (exports/pdf/warm.py) with its LibreOffice, in a process group of their own.
    Used by one request at a time; the others of this process take the one-shot path meanwhile."""

    def __init__(self, python: str, soffice: str):
        self.key = (python, soffice)
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.profile: str | None = None
        self.ready = False
        self.started = 0.0
        self.failed_at: float | None = None
        self.uses = 0
        self.buffer = b""

    def start(self) -> None:
        _remove_stale_profiles()
        # Named after this process: a profile whose process is gone can be told apart and removed.
        self.profile = tempfile.mkdtemp(prefix=f"{WARM_PREFIX}{os.getpid()}-")
        self.proc = subprocess.Popen(
            _niced([self.key[0], str(WARM_HELPER), self.key[1], self.profile, _warm_pipe(self.profile)]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        self.ready, self.uses, self.buffer = False, 0, b""
        self.started = time.monotonic()

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
            for pipe in (self.proc.stdin, self.proc.stdout):
                pipe.close()
            self.proc = None
        if self.profile:
            _remove_profile(self.profile)
            self.profile = None
        self.ready = False

    def fail(self, why: str, starting: bool = False) -> None:
        log.warning("Warme LibreOffice valt uit (%s); de PDF wordt eenmalig gemaakt.", why)
        counts["warm_failed"] += 1
        self.stop()
        if starting:  # then it would most likely fail again: not on every request
            self.failed_at = time.monotonic()

    def read_line(self, deadline: float) -> bytes | None:
        """One line from the helper; None when it closed its end; b"" at the deadline."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return b""
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def usable(self, deadline: float) -> bool:
        """Whether the helper can take a document now; starts it when there is none (or it died)."""
        # Asked without reaping it (not poll()): what it started may still run in its group.
        if self.proc is not None and _exited(self.proc, time.monotonic()):
            self.fail("het hulpproces is gestopt")
        if self.proc is None:
            if self.failed_at is not None and time.monotonic() - self.failed_at < WARM_RETRY:
                return False
            self.start()
        if not self.ready:
            line = self.read_line(deadline)
            if line is None:
                proc = self.proc
                self.fail("het hulpproces stopte bij het starten", starting=True)
                if proc.returncode == NO_UNO:
                    # No later start can work without them: not tried again until a restart.
                    log.warning("Geen warme LibreOffice: %s heeft geen UNO-bindingen (python3-uno); "
                                "elke PDF wordt eenmalig gemaakt.", self.key[0])
                    self.failed_at = float("inf")
                return False
            if line == b"":
                if time.monotonic() - self.started > WARM_START:
                    self.fail("het starten duurde te lang", starting=True)
                return False
            try:
                self.ready = json.loads(line).get("ready") is True
            except (ValueError, AttributeError):
                self.ready = False
            if not self.ready:
                self.fail(f"onverwacht antwoord bij het starten: {line[:100]!r}", starting=True)
        return self.ready

    def convert(self, s: Settings, source: Path, target: Path, deadline: float) -> bool:
        """True when done warm; False when the one-shot path must do it (the helper is then restarted
        on demand). Raises PdfTimeout after killing the helper when the deadline passes."""
        try:
            self.proc.stdin.write(json.dumps({"source": str(source), "target": str(target)}).encode()
                                  + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self.fail("het hulpproces neemt niets meer aan")
            return False
        line = self.read_line(deadline)
        if line == b"":
            self.stop()  # hung or too slow: the next PDF starts a fresh one
            raise _too_slow(s)
        answer = json.loads(line) if line else {"error": "het hulpproces stopte halverwege"}
        if not answer.get("ok"):
            self.fail(answer.get("error", "onbekende fout"))
            return False
        self.uses += 1
        if self.uses >= WARM_USES:
            self.stop()
        return True


WARM_PREFIX = "pop-pdf-warm-"  # + the server process's pid + "-" + a random part


def _warm_pipe(profile: str) -> str:
    return "pop-pdf-" + Path(profile).name.rpartition("-")[2]


def _remove_profile(profile: str) -> None:
    shutil.rmtree(profile, ignore_errors=True)
    _remove_pipes(_warm_pipe(profile), _office_pipe(Path(profile).as_uri()))


def _remove_stale_profiles() -> None:
    """The profiles and pipes of warm LibreOffices whose server process was killed (by SIGKILL, as
    gunicorn ends a stuck worker, nothing of its own runs to clean up)."""
    for path in Path(tempfile.gettempdir()).glob(WARM_PREFIX + "*-*"):
        pid = path.name[len(WARM_PREFIX):].partition("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still there
        except ProcessLookupError:
            _remove_profile(str(path))
        except PermissionError:
            continue  # another user's process


_warm: _Warm | None = None
_warm_guard = threading.Lock()


def _warm_helper(s: Settings) -> _Warm | None:
    global _warm
    if not s.uno_python:
        return None
    with _warm_guard:
        if _warm is None or _warm.key != (s.uno_python, s.soffice):
            if _warm is not None:
                _warm.stop()
            _warm = _Warm(s.uno_python, s.soffice)
        return _warm


def _warm_convert(s: Settings, source: Path, target: Path, deadline: float) -> bool:
    helper = _warm_helper(s)
    if helper is None or not helper.lock.acquire(blocking=False):
        return False
    try:
        # Not ready at once: this document goes one-shot while the helper finishes starting.
        return helper.usable(time.monotonic()) and helper.convert(s, source, target, deadline)
    except PdfTimeout:
        raise
    except Exception as exc:  # noqa: BLE001 - the warm path is an optimisation: never let it fail a PDF
        helper.fail(f"{type(exc).__name__}: {exc}")
        return False
    finally:
        helper.lock.release()


def warm_up(timeout: float = WARM_START) -> bool:
    """Start the warm LibreOffice now and wait until it is ready (tests, the benchmark)."""
    s = settings()
    helper = _warm_helper(s) if s.warm and s.soffice else None
    if helper is None:
        return False
    deadline = time.monotonic() + timeout
    with helper.lock:
        helper.failed_at = None
        while time.monotonic() < deadline:
            if helper.usable(min(deadline, time.monotonic() + 0.5)):
                return True
            if helper.proc is None:
                return False
    return False


def warm_process() -> subprocess.Popen | None:
    """The running helper process of this server process, if any (tests)."""
    return _warm.proc if _warm is not None else None


@atexit.register
def stop_warm() -> None:
    global _warm
    with _warm_guard:
        if _warm is not None:
            _warm.stop()
            _warm = None
