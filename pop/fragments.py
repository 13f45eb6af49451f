"""Rendered parts of pages kept per server process, for the next request that would draw the same.

A part page's questions (templates/plans/_part_body.html) are most of its work: up to a hundred inputs,
each with its label, help, limits and stored answer, drawn through the field macros; Fase II took
three quarters of its 12 ms there. What they show follows from the plan, its form, the stored answers
of the part's questions (their fingerprint, from the very rows the page shows), which of them this
person may change and sign; so a key of exactly those gives the same HTML again. A page sent back with
what was typed (refused, in conflict, a row added) is drawn afresh, never kept.

The cache is bounded (MAX_ENTRIES, and MAX_BODY_BYTES for plans of many or wide characters; least
recently used out) and belongs to one process: nothing is shared between servers or workers, and a save
needs no invalidation, as a changed answer is a new key.
The print view's parts are kept the same way: they follow from the form and all stored answers.

Whole pages (page()): the plan overview, a part page as stored and the print view are kept per app
under what they are drawn from: the person logged in (their whole row but the password hash: name,
role, rights), the plan with its employee and manager (their rows), the plan's stored answers (Cells:
by their stamp, or the rows themselves, which the page is then drawn from), the day (a talk turns "verstreken")
and the time zone times are shown in, and what the view adds (the part, the agreed versions, the next
cycle's plan, the previous cycle's goals). The answers are in a key by their stamp (m0027: a random
number the database's triggers give the plan at every change of its answers), read with the plan: two
small queries (the person, the plan) decide whether the page kept is the page, and only a page drawn
reads the answers (Cells). Drawing it is the work they save. Never kept: a page with a
message to show once (flash), or one drawn from what was typed; a part that shows colleagues' feedback
is drawn per request. The CSRF token is this session's on every request: a page is drawn with a mark
where each token goes, and the mark is replaced per request.

The signed CSRF token (csrf_token()) is kept for up to KEEP_TOKEN_SECONDS per session token and key:
signing it (an HMAC over the token and the time, compressed and encoded) was a tenth of a kept page's
own work. What the signature proves stays proved: Flask-WTF checks a posted token against the key and
against the raw token in the poster's session, which is part of what it is kept under, so no session
ever gets another's token, and a key taken out of use signs anew at once. Its time only bounds its age
under WTF_CSRF_TIME_LIMIT (POP sets none: a token lives as long as the session): with a limit, a kept
token is at most a sixtieth of it older than a fresh one, so a form may be refused that much sooner,
never later. The token is no secret from the page it is in, and one page's token was valid for the
other pages of the session already: handing the same one out again shows nothing new.
"""
from __future__ import annotations

import collections
import secrets
import sys
import threading
import time

from flask import current_app, g, get_template_attribute, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from peewee import Table

from . import clock
from .db import Prepared, database
from .models import Answer

MAX_ENTRIES = 64  # a Fase II is about 100 kB: a few MB per process at most
MAX_PAGES = 256  # whole pages of 10 to 100 kB, each key with its plan's answers: some 30 MB per app ...
# ... and never more than this: a plan at its limit in characters of four bytes made each print view
# and its key some 1.2 MB, and 256 of them some 300 MB in every server process.
MAX_PAGE_BYTES = 32 * 2**20
# Where each CSRF token goes in a kept page: this, and 32 hex digits new for every page drawn, so that
# no answer or name drawn into the page can hold it (a fixed mark typed into an answer became the
# reader's token). Letters, digits and dashes only: autoescaping leaves it as it is.
CSRF_MARK = "csrf-token-van-dit-verzoek-"


class FragmentCache:
    def __init__(self, size: int = MAX_ENTRIES, max_bytes: int | None = None):
        """size: entries at most; max_bytes: what their keys and values may hold together (weight())."""
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._weights: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key, html) -> None:
        size = weight(key) + weight(html) if self.max_bytes is not None else 0
        if self.max_bytes is not None and size > self.max_bytes:
            return  # drawn each time: making room for it would put out every other entry
        with self._lock:
            self.bytes += size - self._weights.pop(key, 0)
            self._weights[key] = size
            self._entries[key] = html
            self._entries.move_to_end(key)
            # Oldest out first.
            while self._entries and (len(self._entries) > self.size
                                     or (self.max_bytes is not None and self.bytes > self.max_bytes)):
                old, _ = self._entries.popitem(last=False)
                self.bytes -= self._weights.pop(old, 0)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weights.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def weight(value) -> int:
    """About the bytes a key or a kept value holds: its texts (a page's answers in its key) and the
    containers around them, counted once more for each place they are in."""
    if isinstance(value, (tuple, frozenset, list)):
        return sys.getsizeof(value) + sum(weight(v) for v in value)
    return sys.getsizeof(value)


# A part's questions or a plan's print of 150.000 characters of four bytes is some 0.8 MB, and a plan
# stored before the limits (forms/limits.py) many times that: each cache holds to a number of bytes too.
MAX_BODY_BYTES = 16 * 2**20
part_bodies = FragmentCache(MAX_ENTRIES, MAX_BODY_BYTES)
# The print view's parts, under the plan, its form and its stored answers.
print_bodies = FragmentCache(MAX_ENTRIES, MAX_BODY_BYTES)


# HR's tables and charts per department, a row or bar at a time (drawn()): a few thousand rows of a few
# hundred bytes.
table_rows = FragmentCache(4096, 4 * 2**20)


def drawn(key: tuple, template: str, macro: str, *args) -> Markup:
    """A macro of template drawn with args, kept under key (everything the macro draws from): at 10,000
    employees HR's dashboard and to-do table have fifty departments' rows and bars, and after a change
    of a plan's state only its department's are drawn again, not the fifty (pop/dashboard.py)."""
    key = (request.script_root, template, macro, *key)
    html = table_rows.get(key)
    if html is None:
        html = Markup(get_template_attribute(template, macro)(*args))
        table_rows.put(key, html)
    return html


# ---------------------------------------------------------------- whole pages


def page(key, draw, holds=None) -> str | bytes:
    """The page for key (a tuple of everything the view draws it from), kept per app; draw() draws it.
    key None, or a message waiting to be shown once: drawn afresh and not kept. A kept page is kept
    as the bytes it is sent as (encoding 50 kB again took as long as finding it). holds: asked after
    draw(), whether what it drew from is still what key says (Cells.unchanged); if not, the page is
    sent but not kept."""
    if key is None or "_flashes" in session:
        return draw()
    pages = pages_of(current_app)
    # Times are shown in the zone, talks by the day; links and style sheets below the site's address.
    key = (viewer(), clock.zone_name(), clock.today(), request.script_root, *key)
    token = csrf_token()  # this session's token, kept in the session when new
    kept = pages.get(key)
    if kept is None:
        field = current_app.config["WTF_CSRF_FIELD_NAME"]
        mark = CSRF_MARK + secrets.token_hex(16)
        setattr(g, field, mark)  # what csrf_token() and every form's hidden_tag() give while drawing
        try:
            kept = (mark.encode("ascii"), str(draw()).encode("utf-8"))
        finally:
            setattr(g, field, token)
        if holds is None or holds():
            pages.put(key, kept)
    mark, html = kept
    return html.replace(mark, token.encode("ascii"))


def csrf_token() -> str:
    """This request's CSRF token, as Flask-WTF's generate_csrf() gives it and keeps it (in g, and the
    session's raw token it signs), with the serializer that signs it made once per key: making it anew
    on every request was half of generate_csrf()'s time. The signed token is kept a minute per raw
    token and key (the module says why that is safe). A session without a raw token (or an odd one)
    is left to generate_csrf(), which makes one."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return g.get(field)
    raw = session.get(field)
    if not isinstance(raw, str):
        return generate_csrf()
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    serializer = _CSRF_SERIALIZERS.get(secret)
    if serializer is None:
        if len(_CSRF_SERIALIZERS) >= 8:  # the tests make an app (and a key) per test
            _CSRF_SERIALIZERS.clear()
        serializer = _CSRF_SERIALIZERS[secret] = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
    key = (secret, raw)
    kept = _KEPT_TOKENS.get(key)
    now = time.time()
    if kept is not None and 0 <= now - kept[1] < keep_token_seconds(config.get("WTF_CSRF_TIME_LIMIT")):
        token = kept[0]
    else:
        token = serializer.dumps(raw)
        with _KEPT_TOKENS_LOCK:
            _KEPT_TOKENS[key] = (token, now)
            while len(_KEPT_TOKENS) > KEPT_TOKENS:
                _KEPT_TOKENS.popitem(last=False)
    setattr(g, field, token)
    return token


_CSRF_SERIALIZERS: dict = {}
KEEP_TOKEN_SECONDS = 60
KEPT_TOKENS = 2048  # sessions per process that asked within the last minute; an entry is some 300 bytes
_KEPT_TOKENS: collections.OrderedDict = collections.OrderedDict()  # (key, raw token): (signed, when)
_KEPT_TOKENS_LOCK = threading.Lock()


def keep_token_seconds(time_limit) -> float:
    """How long a signed token is handed out again: a minute, and under a time limit no more than a
    sixtieth of it (the age it adds is what a form loses of its time)."""
    return KEEP_TOKEN_SECONDS if not time_limit else min(KEEP_TOKEN_SECONDS, time_limit / 60)


def pages_of(app) -> FragmentCache:
    """The whole pages kept for this app (the tests make an app per test, each with its database)."""
    pages = app.extensions.get("pop_pages")
    if pages is None:
        pages = app.extensions.setdefault("pop_pages", FragmentCache(MAX_PAGES, MAX_PAGE_BYTES))
    return pages


def viewer() -> tuple:
    """The person logged in, as a page may show or decide by them: their row but the password hash."""
    return row(current_user._get_current_object(), leave_out="password_hash")


def row(model, leave_out: str = "") -> tuple | None:
    """A model's stored values, for a key: another value is another page."""
    if model is None:
        return None
    return tuple((name, value) for name, value in model.__data__.items() if name != leave_out)


def plan_rows(plan) -> tuple:
    """The plan with its employee and manager, as the plan pages show them (pop/views/plans.py reads
    them in one query)."""
    return row(plan), row(plan.employee, "password_hash"), row(plan.manager, "password_hash")


# The plan's stored answers, every cell: what the pages show of them follows from these rows.
_CELLS = Prepared(lambda plan: Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
                  .where(Answer.plan == plan).tuples(), 1)


def _read_cells(plan_id) -> list[tuple]:
    """Every answer cell stored for the plan, read now: (field, row, column, value), as the database
    gives them, which are the values a read of the answers holds. A page keyed by their digest is
    drawn from these very rows (answers.Snapshot(plan, rows)): one read, never one save's text under
    another's key."""
    cursor, _ = _CELLS.cursor(plan_id)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


# m0027: the stamp of each plan's answers, new at every change of them.
STAMPS = Table("answer_stamp", ("plan_id", "stamp")).bind(database)


def stamp_query(plan_id):
    """The stamp of a plan's answers, as a value of another query (the plan pages read it with the plan,
    as answers_stamp): None for a plan without one."""
    return STAMPS.select(STAMPS.stamp).where(STAMPS.plan_id == plan_id)


_STAMP = Prepared(lambda plan_id: stamp_query(plan_id).tuples(), 1)


class Cells:
    """A plan's stored answer cells as a kept page's key holds them, and the rows it is drawn from.

    By their stamp when the plan was read with one (plan.answers_stamp, m0027), and the rows are read
    only when the page is drawn: a stamp read before the rows is never newer than they are, and the
    page is kept only if the stamp is still the same after the rows were read (unchanged()), so a page
    under a stamp is drawn from exactly the answers of that stamp. A plan without a stamp (it never had
    answers, or its stamp row was deleted by hand) or read without one is keyed by the rows themselves,
    read now, as before the stamps: a missing stamp never stands for answers."""

    __slots__ = ("plan_id", "stamp", "key", "_rows")

    def __init__(self, plan):
        self.plan_id = plan.id
        self.stamp = getattr(plan, "answers_stamp", None)
        if self.stamp is None:
            self._rows = _read_cells(plan.id)
            self.key = ("rows", digest(self._rows))
        else:
            self._rows = None
            self.key = ("stamp", self.stamp)

    def rows(self) -> list[tuple]:
        if self._rows is None:
            self._rows = _read_cells(self.plan_id)
        return self._rows

    def unchanged(self) -> bool:
        """Whether the answers are still those of the key, asked after the page was drawn."""
        if self.stamp is None:
            return True  # keyed by the very rows it was drawn from
        found = _STAMP.first(self.plan_id)
        return found is not None and found[0] == self.stamp


def digest(rows) -> frozenset:
    """Answer rows (_read_cells) as a part of a key: the rows themselves, as a set (each is one field's
    row and column), so that the order the database returns them in does not matter. A key that holds
    them is equal only for equal answers (a hash alone could collide)."""
    return frozenset(rows)
