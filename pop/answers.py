"""Reading and writing a plan's answers through its form definition."""
import hashlib
from collections import defaultdict

from forms import FormDefinition, get_form

from .db import database
from .models import Answer, Plan, now


def form_of(plan: Plan) -> FormDefinition:
    return get_form(plan.form_key)


def load(plan: Plan) -> dict:
    """All answers of a plan as typed values, one entry for every field of its form."""
    cells: dict[str, dict] = defaultdict(dict)
    for a in Answer.select().where(Answer.plan == plan):
        cells[a.field][(a.row, a.column)] = a.value
    return {f.key: f.from_cells(cells.get(f.key, {})) for f in form_of(plan).fields}


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
        Plan.update(updated_at=now()).where(Plan.id == plan.id).execute()


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


def fingerprint(plan: Plan, field_keys: list[str]) -> str:
    """A short digest of what is stored for these fields: a page carries the one it was built from,
    so a save can tell that someone else changed the same answers in the meantime."""
    digest = hashlib.sha256()
    query = (Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
             .where((Answer.plan == plan) & (Answer.field.in_(field_keys)))
             .order_by(Answer.field, Answer.row, Answer.column).tuples())
    for cell in query:
        digest.update(repr(cell).encode("utf-8"))
    return digest.hexdigest()[:16]
