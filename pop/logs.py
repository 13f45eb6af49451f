"""The application log: one configuration for the whole process, to standard output (systemd's journal,
docker logs), a line per request, and what never goes into it.

    2026-12-07 10:15:02,117 INFO pop.request [9f2c41d07a3be815] POST /plans/12/fase-1 302 14 ms

Every line written while a request is handled carries its id: the proxy's X-Request-ID when POP trusts
the proxy (POP_TRUSTED_PROXIES) and the id looks like one, else a new one. The response sends it back
in X-Request-ID, so a user's report, the web server's log and POP's lines meet. The security log's
lines (logger pop.security), the warnings and the errors with their tracebacks go the same way;
POP_LOG_LEVEL chooses how much (INFO: a line per request).

Never in the log: a password, an answer, a one-time link. The request line holds the address without
its query's values (a search holds a name; only the parameters' names are kept), and a route's token
(/wachtwoord/herstel/<token>, /feedback/link/<token>) is replaced by "[token]"; an address no route
knows has every long segment replaced, as a mistyped link is still a link. Werkzeug's own request
line (flask run) is switched off: it writes the whole address, token and all. The messages themselves
are the callers' care (pop/security_log.py: names, counts, file names only); tests/test_logging.py
searches a journey's whole log for the password, an answer and a link's token."""
from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import g, has_request_context, request

log = logging.getLogger("pop.request")

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
HANDLER_NAME = "pop-stdout"
SECRET_ARGUMENTS = frozenset({"token"})  # route arguments that are secrets, whatever the route
LONG_SEGMENT = 16  # characters: in an address no route knows, a segment this long may be a token
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


class _Stdout(logging.StreamHandler):
    """sys.stdout as it is when a line is written, not as it was when the handler was made: a test's
    capture, or a stream a server replaced after the app was created. Standard error instead inside a
    command that has output of its own (flask retention, version, db status): a script or cron mail
    reads that output, and log lines between its lines would break it."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr if _in_command_with_output() else sys.stdout

    @stream.setter
    def stream(self, value):
        pass


SERVING_COMMANDS = frozenset({"run", "worker"})  # their output is the log itself


def _in_command_with_output() -> bool:
    import click

    context = click.get_current_context(silent=True)
    if context is None:
        return False
    from flask.cli import ScriptInfo

    return context.find_object(ScriptInfo) is not None and context.command.name not in SERVING_COMMANDS


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure(level: str) -> None:
    """The process's logging: one handler on the root logger, added once however many apps a process
    makes (the tests make one per test)."""
    root = logging.getLogger()
    if not any(h.get_name() == HANDLER_NAME for h in root.handlers):
        handler = _Stdout()
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(_WithRequestId())
        root.addHandler(handler)
    root.setLevel(level)
    # Werkzeug's development server writes each request's whole address (query and tokens); ours
    # replaces it. Its warnings and errors still come through.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def request_id(offered: str | None) -> str:
    if offered and SANE_ID.fullmatch(offered):
        return offered
    return secrets.token_hex(8)


def _printable(text: str) -> str:
    # A %0A in an address must not start a line of its own in the log.
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def safe_path() -> str:
    """The request's address as the log may hold it (see the module's docstring)."""
    path = request.path
    if request.url_rule is not None:
        for name, value in (request.view_args or {}).items():
            if name in SECRET_ARGUMENTS and str(value):
                path = path.replace(str(value), "[token]")
    else:
        path = "/".join("[…]" if len(part) >= LONG_SEGMENT else part for part in path.split("/"))
    if request.args:
        path += "?" + "&".join(f"{_printable(name)}=…" for name in dict.fromkeys(request.args))
    return _printable(path)


def init_app(app) -> None:
    configure(app.config["POP_LOG_LEVEL"])
    trust_proxy = bool(app.config["POP_TRUSTED_PROXIES"])

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        g.request_id = request_id(request.headers.get("X-Request-ID") if trust_proxy else None)

    @app.after_request
    def _line(response):
        if "request_id" not in g:  # a hook before ours refused the request
            _start()
        response.headers["X-Request-ID"] = g.request_id
        if log.isEnabledFor(logging.INFO):  # the address made safe only for a line that is written
            took = (time.perf_counter() - g.request_started) * 1000
            log.info("%s %s %s %.0f ms", request.method, safe_path(), response.status_code, took)
        return response
