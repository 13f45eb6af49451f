"""Nothing typed is lost when a session ends: a save that arrives after the person logged out on
another device, got a new password from HR, or lost their session cookie is kept here briefly, and
after logging in they find their text back in the form, marked as not saved yet.

A draft is found only through the draft cookie of the browser that sent it, and shown only to the
person whose session it was (when the ended session still said who that was), or otherwise to someone
who may change that part now. Only a post of our own pages is kept (same origin): a form on another
site, posted in someone's browser, must not plant text in their plan for them to save unawares."""
from __future__ import annotations

import datetime as dt
import json
import secrets
from urllib.parse import urlsplit

from flask import current_app, request, session
from werkzeug.datastructures import MultiDict

from .db import database
from .models import Draft, Person, Plan, now

COOKIE = "pop_concept"
KEEP = dt.timedelta(hours=24)  # long enough for a night's sleep, short enough to be "briefly"
# Posts without a session are anyone's: a flood of them cannot fill the database. At most this many
# per plan, this many from no known session in all, and none larger than a page of ours ever sends.
PER_PLAN = 20
UNKNOWN_WRITERS = 500
LARGEST = 1_000_000  # characters of the kept form; a whole plan holds a few hundred thousand at most
PART, REACTION = "onderdeel", "reactie"


def _from_our_page() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    host = urlsplit(source).netloc
    if not host:
        return False
    ours = {request.host, urlsplit(current_app.config.get("POP_BASE_URL", "")).netloc}
    return host in ours


def _session_person() -> int | None:
    """Whose session it was: Flask-Login's "id:version" outlives a log-out elsewhere in the cookie."""
    person_id = str(session.get("_user_id", "")).partition(":")[0]
    if not person_id.isdigit() or int(person_id) > 2**62:
        return None
    return Person.select(Person.id).where(Person.id == int(person_id)).scalar()


def keep_posted(plan_id: int, part_key: str, kind: str) -> str | None:
    """Keep what this request posted for the part (or its reaction); the token for the draft cookie,
    or None when nothing was kept (not our page, no such plan or part)."""
    if not _from_our_page():
        return None
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        return None
    from .answers import form_of
    if form_of(plan).part(part_key) is None:
        return None
    return keep(plan, part_key, kind)


def keep(plan: Plan, key: str, kind: str) -> str | None:
    """Keep what this request posted under the plan and a key of the caller's (a part's key; a
    colleague's feedback, pop/views/feedback.py); the token for the draft cookie, or None."""
    if not _from_our_page():
        return None
    data = json.dumps([[name, value] for name, value in request.form.items(multi=True)
                       if name != "csrf_token"])
    if len(data) > LARGEST:
        return None
    token = secrets.token_urlsafe(32)
    person = _session_person()
    with database.atomic():
        _forget_old(Draft.plan == plan)
        if person is None:
            _forget_old(Draft.person.is_null(), UNKNOWN_WRITERS)
        Draft.create(token=token, person=person, plan=plan, part_key=key, kind=kind, data=data)
    return token


def _forget_old(which, keep: int = PER_PLAN) -> None:
    """Expired drafts go, and of the drafts `which` selects only the newest keep - 1 stay (room for one)."""
    Draft.delete().where(Draft.created_at < now() - KEEP).execute()
    crowd = (Draft.select(Draft.id).where(which).order_by(Draft.created_at.desc(), Draft.id.desc())
             .offset(keep - 1))
    Draft.delete().where(Draft.id.in_([d.id for d in crowd])).execute()


def take(token: str | None, plan: Plan, part_key: str, user: Person, may_write) -> Draft | None:
    """The draft of this browser for this part, if it is this person's to see: removed as it is
    taken, since from now on the text is in the page. may_write(kind): whether the person may change
    what the draft holds now (their part's answers, or the reaction)."""
    if not token:
        return None
    draft = Draft.get_or_none((Draft.token == token) & (Draft.plan == plan) & (Draft.part_key == part_key)
                              & (Draft.created_at >= now() - KEEP))
    if draft is None:
        return None
    if draft.person_id is not None and draft.person_id != user.id:
        return None  # someone else's: stays theirs until it expires
    if draft.person_id is None and not may_write(draft.kind):
        return None
    Draft.delete().where(Draft.id == draft.id).execute()
    return draft


def formdata(draft: Draft) -> MultiDict:
    return MultiDict([tuple(pair) for pair in json.loads(draft.data)])
