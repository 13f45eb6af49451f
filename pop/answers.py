"""Reading and writing a plan's answers through its form definition."""
import copy
import hashlib
from collections import defaultdict

from forms import FormDefinition, get_form

from . import progress
from .db import database
from .models import Answer, Plan, now


def form_of(plan: Plan) -> FormDefinition:
    return get_form(plan.form_key)


class Snapshot:
    """A plan's stored cells as one query read them: its answers, and the version of any group of
    them, taken from the very same rows. A page built from a snapshot can never show one save's text
    with another save's version (two reads with a commit in between did: the older text then passed
    the version check and overwrote the newer one)."""

    def __init__(self, plan: Plan, rows=None):
        """rows: the plan's answer rows (field, row, column, value) when read already: a kept page is
        kept under the very rows it is drawn from (pop/fragments.py). Else they are read here."""
        self.form = form_of(plan)
        self.cells: dict[str, dict] = defaultdict(dict)
        if rows is None:
            rows = (Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
                    .where(Answer.plan == plan).tuples())
        for field, row, column, value in rows:
            self.cells[field][(row, column)] = value
        self.values = {f.key: f.from_cells(self.cells.get(f.key, {})) for f in self.form.fields}

    def saved(self, values: dict) -> "Snapshot":
        """The snapshot as a read right after save(plan, values) would give it, without that read: the
        given answers' cells replaced, every other cell as read. The read stays the save's only one
        (pop/saving.py): the log, the cycle and a frozen version take what was stored from here."""
        after = copy.copy(self)
        after.cells = defaultdict(dict, {key: cells for key, cells in self.cells.items() if key not in values})
        after.values = dict(self.values)
        for key, value in values.items():
            field = self.form.field(key)
            cells = cells_of(field, value)
            if cells:
                after.cells[key] = cells
            after.values[key] = field.from_cells(cells)
        return after

    def fingerprint(self, field_keys) -> str:
        return digest({key: self.cells[key] for key in field_keys if key in self.cells})

    def cell_digests(self, field_keys) -> dict[str, list]:
        """Per answer, a digest of each stored cell: the page carries them (its "basis"), so that
        after a conflict what this person did not touch can take the other's text, cell by cell."""
        return {key: [[row, column, cell_digest(text)] for (row, column), text in sorted(self.cells[key].items())]
                for key in field_keys if self.cells.get(key)}

    def text(self, key: str) -> str:
        """A stored cell outside the form's fields (the manager's reactions), "" when there is none."""
        return self.cells.get(key, {}).get((0, ""), "")


def read(plan: Plan) -> Snapshot:
    return Snapshot(plan)


def load(plan: Plan) -> dict:
    """All answers of a plan as typed values, one entry for every field of its form."""
    return read(plan).values


def save(plan: Plan, values: dict) -> None:
    """Replace the answers of the given fields in one transaction; other fields stay as they are."""
    form = form_of(plan)
    with database.atomic():
        if values:
            Answer.delete().where((Answer.plan == plan) & (Answer.field.in_(list(values)))).execute()
        rows = [{"plan": plan.id, "field": key, "row": row, "column": col, "value": text}
                for key, value in values.items()
                for row, col, text in form.field(key).to_cells(value)]
        for start in range(0, len(rows), 200):  # SQLite limits the variables in one statement
            Answer.insert_many(rows[start:start + 200]).execute()
        Plan.update(updated_at=now(), **_costs(form, values)).where(Plan.id == plan.id).execute()
        progress.keep(plan.id, form, values)  # the dashboard's completion per part (pop/progress.py)


def _costs(form, values: dict) -> dict:
    """The plan's planned costs when its Costs field is among the values saved: kept on the plan, so HR's
    budget page sums an organisation's plans without reading their answers (pop/budget.py, m0017)."""
    key = getattr(form, "costs_field", "")
    if not key or key not in values:
        return {}
    euros, hours = form.field(key).totals(values[key])
    return {"costs_euro": euros, "costs_uren": hours}


def load_many(plans, fields=None) -> dict[int, dict]:
    """Answers of many plans in one query: for bulk exports and overviews. With fields (keys), only
    those are read and returned: an overview that needs a date and the akkoorden of many plans then
    skips decoding every long answer."""
    plans = list(plans)
    wanted = set(fields) if fields is not None else None
    cells: dict[int, dict] = {p.id: defaultdict(dict) for p in plans}
    for start in range(0, len(plans), 500):
        ids = [p.id for p in plans[start:start + 500]]
        query = Answer.select(Answer.plan, Answer.field, Answer.row, Answer.column, Answer.value) \
            .where(Answer.plan.in_(ids))
        if wanted is not None:
            query = query.where(Answer.field.in_(sorted(wanted)))
        for plan_id, field, row, column, value in query.tuples():
            cells[plan_id][field][(row, column)] = value
    return {p.id: {f.key: f.from_cells(cells[p.id].get(f.key, {})) for f in form_of(p).fields
                   if wanted is None or f.key in wanted}
            for p in plans}


def cell_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def cells_of(field, value) -> dict[tuple, str]:
    """A value as the cells it would be stored in: {(row, column): text}."""
    return {(row, column): text for row, column, text in field.to_cells(value)}


def digest(cells: dict[str, dict]) -> str:
    """A short digest of what is stored for some fields ({field: {(row, column): text}}): a page
    carries the one it was built from, so a save can tell that someone else changed the same answers
    in the meantime. Ordered here, not by the database, so every database gives the same digest."""
    sha = hashlib.sha256()
    for field in sorted(cells):
        for (row, column), value in sorted(cells[field].items()):
            sha.update(repr((field, row, column, value)).encode("utf-8"))
    return sha.hexdigest()[:16]
