"""A plan's audit log: who created, changed, shared, signed, adjusted, viewed and downloaded it, and
when. HR reads it per plan (/plans/<id>/logboek). The log is append-only: this module adds and reads,
and nothing in the app updates or deletes an entry, but for an erasure (pop/retention.py, AVG): an erased
person's plans go with their log, and on others' plans their name becomes "Gewiste persoon #<id>".

Call record() where the thing happens, inside its transaction when there is one: the change and its
line in the log are then stored together or not at all."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from peewee import fn

from .db import Prepared
from .models import STATUSES, AuditEntry, Person, Plan, now

# The words HR reads, in one place. record() refuses a key that is not here, so a mistyped action
# fails in the tests instead of writing a line nobody can read.
ACTIONS = {
    "aangemaakt": "aangemaakt",
    "gewijzigd": "gewijzigd",
    "gedeeld": "gedeeld",
    "akkoord_gegeven": "akkoord gegeven",
    "akkoord_ingetrokken": "akkoord ingetrokken",
    # Not withdrawn by its signer: the plan changed after it was given. The line's person is who
    # changed the plan, so it must not read as if they withdrew the other's akkoord.
    "akkoord_vervallen": "akkoord vervallen",
    "bijgesteld": "bijgesteld",
    "status_gewijzigd": "status gewijzigd",
    "bekeken": "bekeken",
    "gedownload": "gedownload",
}

# Reading a plan means opening many pages of it (every phase, the page after every save): one
# "bekeken" per person per hour says who read it without burying the changes under page views.
VIEW_INTERVAL = dt.timedelta(hours=1)

DETAIL_LENGTH = AuditEntry.detail.max_length
INSERT_BATCH = 100  # rows per INSERT: 6 values each, well under SQLite's limit on variables


def _row(plan: Plan | int, person: Person | None, action: str, detail: str) -> dict:
    if action not in ACTIONS:
        raise ValueError(f"Onbekende actie voor het logboek: {action!r}")
    return {"plan": plan, "person": person.id if person else None,
            "person_name": person.naam if person else "", "action": action,
            "detail": detail[:DETAIL_LENGTH], "created_at": now()}


def record(plan: Plan | int, person: Person | None, action: str, detail: str = "") -> AuditEntry:
    """Add a line to the plan's log. person is who did it (None for the system, such as a migration);
    action a key of ACTIONS; detail the Dutch particulars HR reads beside it (a part's title, a file
    format, "van ‘Concept’ naar ‘Lopend’")."""
    return AuditEntry.create(**_row(plan, person, action, detail))


def record_status(plan: Plan | int, person: Person | None, old: str, new: str) -> AuditEntry | None:
    """Log a change of the plan's status (keys of STATUSES), "van ‘Concept’ naar ‘Lopend’"; nothing
    when it stayed the same."""
    if old == new:
        return None
    return record(plan, person, "status_gewijzigd",
                  f"van ‘{STATUSES.get(old, old)}’ naar ‘{STATUSES.get(new, new)}’")


def record_many(plans: Iterable[Plan | int], person: Person | None, action: str,
                detail: str = "") -> int:
    """The same line in the log of many plans (a bulk export), in a few statements."""
    rows = [_row(plan, person, action, detail) for plan in plans]
    for start in range(0, len(rows), INSERT_BATCH):
        AuditEntry.insert_many(rows[start:start + INSERT_BATCH]).execute()
    return len(rows)


def _views_since(plan, person, since):
    return AuditEntry.select(AuditEntry.id).where(
        (AuditEntry.plan == plan) & (AuditEntry.person == person) & (AuditEntry.action == "bekeken")
        & (AuditEntry.created_at > since))


def viewed_since(plan, person, since):
    """Whether person has a "bekeken" line in the plan's log after since, as an expression (EXISTS):
    a page that reads the plan anyway asks it in that query (pop/views/plans.py) and hands the answer
    to record_view(), one query fewer than asking it apart."""
    return fn.EXISTS(_views_since(plan, person, since))


# Asked on the plan pages that do not ask viewed_since() in their own query: its SQL built once
# (pop/db.py Prepared). The time is compared as the database stores it (naive UTC, to the second), as
# created_at's own conversion would give it.
_SEEN = Prepared(lambda plan, person, since: _views_since(plan, person, since).limit(1).tuples(), 3)


def view_window_start():
    """The moment after which a "bekeken" line stands for this view too (viewed_since())."""
    return now() - VIEW_INTERVAL


def record_view(plan: Plan, person: Person, seen: bool | None = None) -> bool:
    """Log that person looked at the plan, unless they did within VIEW_INTERVAL. Returns whether a line
    was added. seen: viewed_since(plan, person, view_window_start()) asked earlier in this request, or
    None to ask it now. Two requests at the same moment may both add one; that is two lines, not a
    flood, and not worth a lock on every page view."""
    if seen is None:
        seen = _SEEN.first(plan.id, person.id, view_window_start()) is not None
    if seen:
        return False
    record(plan, person, "bekeken")
    return True


def entries(plan: Plan | int):
    """The plan's log, newest first (the id orders lines written within the same second)."""
    return (AuditEntry.select().where(AuditEntry.plan == plan)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))


def label(action: str) -> str:
    return ACTIONS.get(action, action)
