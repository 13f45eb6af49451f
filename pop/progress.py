"""Each plan's progress per part of its form, kept beside its answers (PlanProgress, m0020): how many of
a part's questions are answered of those to answer, by the rule of the plan's own page (pop/plans.py
part_progress; there is no second one). HR's dashboard counts per part the plans that have it complete,
started or empty (pop/dashboard.py) from these rows: reading the answers of 8,000 plans for that takes
seconds, these rows a few milliseconds.

Kept by answers.save, in the save's own transaction, for the parts holding a field it saved: computed
from those parts' cells as they are stored once written, so the figure is the one the plan's page shows
when it reads them back, and never behind the answers. A part without a row was never saved:
nothing in it is answered. m0020 fills the rows of the plans there were; the demo organisation, which
writes its plans in bulk, writes their rows with rows()."""
from __future__ import annotations

from collections import defaultdict

from .models import Answer, PlanProgress

COMPLETE, STARTED, EMPTY = "compleet", "begonnen", "leeg"
STATES = {COMPLETE: "Compleet", STARTED: "Begonnen", EMPTY: "Leeg"}


def state(answered: int, total: int) -> str:
    """A part is complete when every question to answer is answered, started when some are."""
    if total and answered >= total:
        return COMPLETE
    return STARTED if answered else EMPTY


def rows(plan_id: int, definition, values: dict, parts=None) -> list[dict]:
    """The PlanProgress rows of a plan's parts (all, or those given) for its typed answers."""
    from .plans import part_progress  # pop.plans imports pop.answers, which keeps the progress

    found = []
    for part in parts if parts is not None else definition.parts:
        answered, total = part_progress(part, values)
        found.append({"plan": plan_id, "part": part.key, "answered": answered, "total": total})
    return found


def keep(plan_id: int, definition, values: dict) -> None:
    """After a save of values ({field key: typed value}): the progress of the parts that hold one of
    them, as they are stored now. Called inside the save's transaction (pop/answers.py save). A saved
    value counts as read back from its cells (to_cells, then from_cells: what a page would read); only
    the parts' other fields are read, in one query, and none when a save holds whole parts."""
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
    _write(plan_id, definition, {key: definition.field(key).from_cells(cells.get(key, {})) for key in keys}, parts)


def _write(plan_id: int, definition, values: dict, parts) -> None:
    # One upsert: two saves of one plan at once each leave a row per part, never a duplicate.
    (PlanProgress.insert_many(rows(plan_id, definition, values, parts))
     .on_conflict(conflict_target=[PlanProgress.plan, PlanProgress.part],
                  preserve=[PlanProgress.answered, PlanProgress.total]).execute())
