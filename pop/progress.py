"""Each plan's progress per part of its form, kept on the plan beside its answers (plan.progress, m0020):
whether a part is complete (every question to answer answered), begun (some) or empty, by the rule of the
plan's own page (pop/plans.py part_progress; there is no second one). HR's dashboard counts per part the
plans that have it complete, begun or empty (pop/dashboard.py) from this one column, grouped by the
database: reading the answers of 8,000 plans for that takes seconds, and even a row per plan and part
(tried first) took over 100 ms to group at 10,000 employees, where this takes a few.

The column holds the parts that are not empty, by key, sorted: "fase-1=b,gegevens=c". A part not named
is empty; a key its form no longer has is ignored where it is read.

Kept by answers.save, in the save's own transaction, for the parts holding a field it saved: computed
from those parts' cells as they are stored once written, so the state is the one the plan's page shows
when it reads them back, and never behind the answers. The plan's row is read locked for it (two saves of
different parts of one plan at once each keep the other's part). m0020 fills it for the plans there
were; the demo organisation, which writes its plans in bulk, writes it with summary()."""
from __future__ import annotations

from collections import defaultdict

from .db import lock_row
from .models import Answer, Plan

COMPLETE, STARTED, EMPTY = "compleet", "begonnen", "leeg"
STATES = {COMPLETE: "Compleet", STARTED: "Begonnen", EMPTY: "Leeg"}
_CODES = {COMPLETE: "c", STARTED: "b"}
_STATES = {code: state for state, code in _CODES.items()}


def state(answered: int, total: int) -> str:
    """A part is complete when every question to answer is answered, begun when some are."""
    if total and answered >= total:
        return COMPLETE
    return STARTED if answered else EMPTY


def part_states(definition, values: dict, parts=None) -> dict[str, str]:
    """{part key: state} of a plan's parts (all, or those given) for its typed answers."""
    from .plans import part_progress  # pop.plans imports pop.answers, which keeps the progress

    return {part.key: state(*part_progress(part, values))
            for part in (parts if parts is not None else definition.parts)}


def encode(states: dict[str, str]) -> str:
    return ",".join(f"{key}={_CODES[s]}" for key, s in sorted(states.items()) if s in _CODES)


def decode(text: str | None) -> dict[str, str]:
    """{part key: complete or begun} of a stored column; the parts not named are empty."""
    found = {}
    for item in (text or "").split(","):
        key, _, code = item.partition("=")
        if key and code in _STATES:
            found[key] = _STATES[code]
    return found


def summary(definition, values: dict) -> str:
    """The column for a plan with these typed answers."""
    return encode(part_states(definition, values))


def keep(plan_id: int, definition, values: dict) -> None:
    """After a save of values ({field key: typed value}): the state of the parts that hold one of them,
    as they are stored now, on the plan. Called inside the save's transaction (pop/answers.py save). A
    saved value counts as read back from its cells (to_cells, then from_cells: what a page would read);
    only the parts' other fields are read, in one query, and none when a save holds whole parts."""
    parts = [p for p in definition.parts if any(f.key in values for f in p.fields)]
    if not parts:
        return
    keys = [f.key for p in parts for f in p.fields]
    cells: dict[str, dict] = defaultdict(dict)
    for key in keys:
        if key in values:
            field = definition.field(key)
            cells[key] = {(row, column): text for row, column, text in field.to_cells(values[key])}
    unsaved = [key for key in keys if key not in values]
    if unsaved:
        for key, row, column, text in (Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
                                       .where((Answer.plan == plan_id) & Answer.field.in_(unsaved)).tuples()):
            cells[key][(row, column)] = text
    stored = {key: definition.field(key).from_cells(cells.get(key, {})) for key in keys}
    current = lock_row(Plan.select(Plan.progress).where(Plan.id == plan_id)).scalar()
    states = {**decode(current), **part_states(definition, stored, parts)}
    Plan.update(progress=encode(states)).where(Plan.id == plan_id).execute()
