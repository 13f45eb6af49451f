"""The child process uploaded templates are rendered in (started by exports/uploads/isolation.py).

It sets its own limits before any template code runs: an address-space limit for its whole life, and
before each job a CPU-seconds limit counted from what it has used so far. It reads pickled jobs from
its parent on stdin and answers on the stdout it was given: a JSON header, then each document as raw
bytes. Anything a template might print goes to stderr instead, so it cannot forge an answer.

It also confines itself before the first job (confine(), isolation.py gives it an empty environment
and an empty working directory): a network namespace of its own, whose only interface (loopback) is
down, and, when started as root, the user nobody. A template that escaped the sandbox then holds no
secret of the server and reaches neither the database nor anything on the network. What the system
does not allow is reported to the parent with "ready", which logs it once.
"""
from __future__ import annotations

import ctypes
import json
import os
import pickle
import re
import resource
import stat
import sys
from collections import OrderedDict

CACHE_SIZE = 8  # compiled templates kept: the active Word and Excel template of each form, and a few


# ---------------------------------------------------------------- confinement

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_NO_NEW_PRIVS = 38
NOBODY = 65534  # nobody and nogroup on Debian and most others; used when the names are not there


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> str | None:
    """None when done, else why not (the kernel's words)."""
    if _libc().unshare(flags) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def enter_namespaces(missing: list[str]) -> bool:
    """A network namespace of its own: its loopback is down and it has no other interface, so no
    address, not even the server's own 127.0.0.1, can be reached. Root makes it directly; another
    user needs a user namespace around it, where the kernel allows that. Done while the child is
    still one thread (unshare of a user namespace requires it) and before any template is read."""
    if os.geteuid() == 0:
        why = _unshare(CLONE_NEWNET)
    else:
        why = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    if why is None:
        return True
    missing.append(f"no network namespace of its own ({why})")
    return False


def _reachable_by_others(path: str) -> bool:
    """Whether a user that owns nothing here (nobody) can read this directory: every directory on
    the way must let others pass, the directory itself let them read as well."""
    try:
        path = os.path.realpath(path)
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        while True:
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
            if path == os.sep:
                return True
            path = os.path.dirname(path)
    except OSError:
        return False


def _keep_reachable() -> None:
    """Python imports modules lazily (a codec for a workbook in windows-1252, say) from directories
    that may lie where nobody cannot go: pyenv's Python under /root (0700). Each such directory is
    opened now, as root, and Python is told to look in it through /proc/self/fd/N, which the kernel
    lets a process follow into its own open directories without walking the path again."""
    opened: dict[str, str] = {}

    def through_fd(entry: str) -> str:
        if not entry or not os.path.isdir(entry) or _reachable_by_others(entry):
            return entry
        real = os.path.realpath(entry)
        if real not in opened:
            opened[real] = f"/proc/self/fd/{os.open(real, os.O_RDONLY | os.O_DIRECTORY)}"
        return opened[real]

    sys.path[:] = [through_fd(entry) for entry in sys.path]
    for module in list(sys.modules.values()):
        paths = getattr(module, "__path__", None)
        if isinstance(paths, list):
            paths[:] = [through_fd(entry) for entry in paths]
    sys.path_importer_cache.clear()
    import importlib
    importlib.invalidate_caches()


def drop_user(missing: list[str]) -> bool:
    """Root becomes nobody, for good (no supplementary groups, no way back through a setuid
    program). Another user stays who it is: it has nothing to drop to."""
    if os.geteuid() != 0:
        missing.append("runs as the server's own user (only a server started as root can hand the "
                       "child to another user)")
        return False
    try:
        import pwd
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    except (ImportError, KeyError):
        uid = gid = NOBODY
    try:
        _keep_reachable()
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    except OSError as exc:
        missing.append(f"runs as root: could not become nobody ({exc.strerror})")
        return False
    return True


def no_new_privileges(missing: list[str]) -> None:
    if _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        missing.append(f"no_new_privs not set ({os.strerror(ctypes.get_errno())})")


def confine_late(missing: list[str], network: bool) -> None:
    """After the imports: the user, then (for root whose own network namespace was refused, in a
    container without CAP_SYS_ADMIN say) a user namespace with one as nobody."""
    was_root = os.geteuid() == 0
    dropped = drop_user(missing)
    if not network and was_root and dropped and _unshare(CLONE_NEWUSER | CLONE_NEWNET) is None:
        missing[:] = [m for m in missing if not m.startswith("no network namespace")]
    no_new_privileges(missing)
    try:  # a module no job has needed yet: a lazy import must still work as the new user
        import encodings.mac_roman  # noqa: F401
    except ImportError as exc:
        missing.append(f"Python's own modules are not readable by the child ({exc})")


def _set_memory_limit() -> None:
    megabytes = int(os.environ.get("POP_TEMPLATE_MEMORY_MB") or 1024)
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _set_cpu_limit(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _read_exact(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def describe(exc: BaseException) -> str:
    """A Dutch sentence for what went wrong while filling in, never Jinja's or Python's English."""
    from jinja2 import TemplateError, UndefinedError
    from jinja2.exceptions import SecurityError

    from exports.word.engine import TemplateProblem

    if isinstance(exc, TemplateProblem):
        return str(exc)
    if isinstance(exc, SecurityError):
        return "Het sjabloon probeert iets te doen wat niet is toegestaan."
    if isinstance(exc, UndefinedError):
        text = str(exc)
        name = re.search(r"has no attribute '([^']{1,80})'|'([^']{1,80})' is undefined", text)
        if name:
            return (f"Het sjabloon noemt ‘{name.group(1) or name.group(2)}’, maar dat bestaat niet bij "
                    "dit plan.")
        if "no element" in text:
            return "Het sjabloon noemt een rij van een tabel die dit plan niet heeft."
        return "Het sjabloon noemt iets wat bij dit plan niet bestaat."
    if isinstance(exc, RecursionError):
        return "Het sjabloon roept zichzelf te vaak aan (te diep genest)."
    if isinstance(exc, (OverflowError,)) or (isinstance(exc, ValueError) and "digits" in str(exc)):
        return "Het sjabloon rekent met een te groot getal."
    if isinstance(exc, ZeroDivisionError):
        return "Het sjabloon deelt door nul."
    if isinstance(exc, TemplateError):
        return "De sjabloontekst klopt niet voor dit plan."
    return ("Een bewerking in het sjabloon past niet bij de antwoorden van dit plan (bijvoorbeeld "
            "rekenen met een tekst).")


def definition_of(job: dict):
    """The form the template is for: the parent sends its definition along (so a form the parent
    knows is known here, however it was registered), else the one forms/ lists under its key."""
    if job.get("definition") is not None:
        return job["definition"]
    from forms import get_form
    return get_form(job["form_key"])


class _Templates:
    def __init__(self):
        self.cache: OrderedDict[tuple, object] = OrderedDict()

    def get(self, job: dict):
        """(The compiled template, its part_stamps), or the TemplateProblem compiling gave (also cached:
        a bulk export asks for the same broken template once per plan). None: the parent must send
        its bytes."""
        key = (job["sha256"], job["fmt"], job["form_key"])
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        if job["data"] is None:
            return None
        from exports.word.engine import TemplateProblem
        from exports.uploads.rendered_check import part_stamps
        from exports.uploads.check import compile_template
        try:
            compiled = (compile_template(job["data"], job["fmt"], definition_of(job)),
                        part_stamps(job["data"]))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - any compile failure is a message for HR
            compiled = TemplateProblem(describe(exc))
        self.put(job, compiled)
        return compiled

    def put(self, job: dict, compiled) -> None:
        self.cache[(job["sha256"], job["fmt"], job["form_key"])] = compiled
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)


def _send(out, header: dict, document: bytes | None = None) -> None:
    from exports.uploads.isolation import encode_frame
    out.write(encode_frame(json.dumps(header).encode("utf-8")))
    if document is not None:
        out.write(encode_frame(document))
    out.flush()


def _inspect(job: dict, templates: _Templates, out) -> bool:
    """The upload check's reading of the template, sent as the first answer; whether it may be
    filled in (no problems found). The template it compiled is kept for the filling."""
    from exports.uploads.rendered_check import part_stamps
    from exports.uploads.check import inspect_template
    report = inspect_template(job["data"], job["fmt"], definition_of(job))
    if report.template is not None:
        templates.put(job, (report.template, part_stamps(job["data"])))
    _send(out, {"status": "inspected", "report": {
        "problems": report.problems, "notes": report.notes, "unused": report.unused,
        "found": [list(pair) for pair in report.found]}})
    return not report.problems


def handle(job: dict, templates: _Templates, out) -> None:
    """Each document is sent as soon as it is checked, so after a time-out the parent knows which
    context the template was stuck on."""
    from exports.word.engine import TemplateProblem
    from exports.uploads.rendered_check import check_rendered

    if job.get("inspect"):
        try:
            fill = _inspect(job, templates, out)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a file that cannot be read as a template at all
            return _send(out, {"status": "problem", "message": describe(exc), "compiled": False})
        if not fill:
            return _send(out, {"status": "done"})
    compiled = templates.get(job)
    if compiled is None:
        return _send(out, {"status": "unknown"})
    if isinstance(compiled, TemplateProblem):
        return _send(out, {"status": "problem", "message": str(compiled), "compiled": False})
    compiled, stamps = compiled
    for context in job["contexts"]:
        try:
            document = compiled.render(context)
            # The template's own parts are parsed once, by the upload check (thorough): a download
            # parses only what the template's placeholders changed.
            check_rendered(document, job["fmt"], job["thorough"], unchanged=stamps)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - untrusted template code: every failure is HR's
            return _send(out, {"status": "problem", "message": describe(exc)})
        _send(out, {"status": "document"}, document)
    _send(out, {"status": "done"})


def main() -> None:
    # The answers go to a private copy of stdout; fd 1 itself now points at stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    source = sys.stdin.buffer
    missing: list[str] = []
    network = enter_namespaces(missing)
    _set_memory_limit()
    # The libraries before the first job: their import is not the template's time.
    from exports.uploads.isolation import HEADER, encode_frame
    from exports.uploads import rendered_check  # noqa: F401
    from exports.uploads import check as template_check  # noqa: F401
    import docx  # noqa: F401
    import forms  # noqa: F401
    import openpyxl  # noqa: F401
    confine_late(missing, network)

    templates = _Templates()
    out.write(encode_frame(b"ready" + json.dumps({"missing": missing, "uid": os.getuid()}).encode()))
    out.flush()
    while True:
        try:
            size = HEADER.unpack(_read_exact(source, HEADER.size))[0]
            job = pickle.loads(_read_exact(source, size))  # from the parent: trusted
        except EOFError:
            return  # the server process closed the pipe or ended
        _set_cpu_limit(job["cpu_seconds"])
        try:
            handle(job, templates, out)
        except MemoryError:
            # Memory is fragmented and caches may be half-built: answer, then make way for a fresh one.
            templates = None
            try:
                _send(out, {"status": "memory"})
            finally:
                os._exit(0)


if __name__ == "__main__":
    main()
