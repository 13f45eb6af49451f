"""Figures over the whole organisation, kept per server process for as long as what they count is
unchanged.

HR's counts per department and state, the people without a plan, the year's budget and the completion
per phase add up every plan of a period: at 10,000 employees some 7 ms on SQLite and 25 ms on
PostgreSQL for the dashboard, on every request, though between two looks at it often nothing changed.
The database keeps a count of the changes to what they count (m0025: every write of a plan's employee,
period, state, department, costs, form or progress, of a person's department or active, of a budget,
by triggers, whatever program writes); kept() reads that count (0.1 ms) and gives the figures kept with
the same count, or adds them up again.

The count is read before the figures are: a change committed between the two makes the next request
add them up again, so what is kept is never older than the count it is kept with. Per process and per
app, nothing shared between servers: each server reads the count from the one database. Only what is
added up from those three tables may be kept here (a department's name, for one, is read per request)."""
from __future__ import annotations

from flask import current_app

from .db import database
from .fragments import FragmentCache

MAX_KEPT = 64  # figures of a few periods and pages: small tuples and dicts


def count() -> int | None:
    """The database's count of changes (pop/migrations/m0025_change_count.py: the sum of its shards).
    None when its rows are gone (emptied by hand): the triggers would add to nothing, so nothing may
    be kept by it."""
    return database.execute_sql("SELECT SUM(n) FROM change_count").fetchone()[0]


def kept(name: str, args: tuple, add_up):
    """add_up()'s result, kept under (name, args) with the count of changes it was added up at: given
    again while the count is the same. The result is shared by every request: callers do not change it."""
    memo = current_app.extensions.get("pop_kept_figures")
    if memo is None:
        memo = current_app.extensions.setdefault("pop_kept_figures", FragmentCache(MAX_KEPT))
    now = count()
    if now is None:
        return add_up()
    key = (name, args)
    found = memo.get(key)
    if found is not None and found[0] == now:
        return found[1]
    value = add_up()
    memo.put(key, (now, value))
    return value
