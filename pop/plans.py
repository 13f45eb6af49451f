"""The life of a plan: starting one, what a save of a part may store (the save itself, in its order, is
pop/saving.py), a part's version and progress, signing, and HR's filters."""
import datetime as dt

from peewee import SQL, fn

from forms import get_form
from forms.kinds import AUTHOR, Signature, Table

from . import answers, audit, cycle, organisation
from .access import may_sign
from .db import database, lock_row, write_lock
from .models import Person, Plan


def current_period(today: dt.date | None = None) -> str:
    return str((today or dt.date.today()).year)


def existing_plan(employee: Person, form_key: str, period: str) -> Plan | None:
    """The plan this person already has on this form for this period: a second one is a mistake
    (a double click, or not knowing the first exists), and would be filed twice."""
    return Plan.get_or_none((Plan.employee == employee) & (Plan.form_key == form_key)
                            & (Plan.period == period.strip()))


def start_plan(employee: Person, form_key: str, period: str, previous: Plan | None = None, *,
               by: Person | None = None) -> Plan:
    """A new plan, its header filled from the people it is about, as far as they are known. by: who
    made it, for the plan's log (None when no person did, as in a script)."""
    form = get_form(form_key)
    with database.atomic():
        plan = Plan.create(employee=employee, manager=employee.manager, form_key=form_key,
                           period=period.strip(), previous=previous)
        sources = {"employee": employee, "manager": employee.manager}
        prefilled = {}
        for field in form.fields:
            if field.prefill:
                who, attribute = field.prefill.split(".")
                if sources.get(who) is not None:
                    prefilled[field.key] = getattr(sources[who], attribute) or ""
        answers.save(plan, prefilled)
        audit.record(plan, by, "aangemaakt")
    return plan


class SavedMeanwhile(Exception):
    """Someone else saved this part after the page was opened: this save would overwrite it (the akkoord
    step, pop/akkoord.py; a save of a part returns a Conflict instead, pop/saving.py)."""


def next_period(period: str) -> str:
    """2026 -> 2027, 2026-2027 -> 2027-2028; anything else: the current year."""
    parts = period.split("-")
    if all(p.strip().isdigit() and len(p.strip()) == 4 for p in parts) and len(parts) <= 2:
        return "-".join(str(int(p) + 1) for p in parts)
    return current_period()


def start_next_cycle(plan: Plan, user: Person) -> Plan:
    """"Nieuw POP" on an afgerond plan: the next period's plan, with this one alongside for reference."""
    if not cycle.may(user, plan, "nieuw"):
        raise cycle.Refused("Een nieuw POP start vanuit een afgerond POP.")
    period = next_period(plan.period)
    # The next cycle of this plan exists already, perhaps on another form (HR switched its form off
    # since): a second click makes no second plan beside it.
    existing = Plan.get_or_none(Plan.previous == plan)
    if existing is not None:
        raise PlanExists(existing)
    return start_plan_once(plan.employee, next_cycle_form(plan), period, previous=plan, by=user)


def next_cycle_form(plan: Plan) -> str:
    """The next cycle continues on the plan's own form while the organisation uses it. Once HR has
    switched that form off, the next plan is a new plan like any other: on the organisation's default."""
    if organisation.is_enabled(plan.form_key):
        return plan.form_key
    return organisation.default_form()


class PlanExists(cycle.Refused):
    def __init__(self, plan: Plan):
        super().__init__(f"{plan.employee.naam} heeft al een POP voor {plan.period}.")
        self.plan = plan


def start_plan_once(employee: Person, form_key: str, period: str, previous: Plan | None = None, *,
                    by: Person | None = None) -> Plan:
    """start_plan, unless this person already has a plan on this form for this period (PlanExists).
    The check and the creation share one lock: a double click, or employee and manager clicking at the
    same moment, makes one plan."""
    with write_lock():
        # On PostgreSQL the employee's row is the lock (SQLite's write lock covers it already): the
        # second click waits here until the first plan is committed, then finds it.
        lock_row(Person.select(Person.id).where(Person.id == employee.id)).execute()
        existing = existing_plan(employee, form_key, period)
        if existing is not None:
            raise PlanExists(existing)
        return start_plan(employee, form_key, period, previous=previous, by=by)


def _values_to_store(plan, part, submitted, user, current, editable) -> dict:
    """What of a post of one part is stored: the answers this person may change now (editable), a
    signature only when its own signer ticks or unticks it, a table row with its author (a save of a
    part, pop/saving.py; the akkoord step, pop/akkoord.py)."""
    values = {}
    for field in part.fields:
        if field.key not in editable:
            continue
        if isinstance(field, Signature):
            if not may_sign(user, plan, field.signer):
                continue
            wants = submitted.get(field.key, False)
            existing = current.get(field.key)
            if wants and not existing:
                values[field.key] = {"naam": user.naam, "datum": dt.date.today(), "person_id": user.id}
            elif not wants and existing:
                values[field.key] = None
            continue
        values[field.key] = submitted.get(field.key)
        if isinstance(field, Table) and field.records_author:
            values[field.key] = _with_authors(field, values[field.key], current.get(field.key), user)
    return values


def _with_authors(table, rows, stored_rows, user) -> list[dict]:
    """Each row keeps its author while unchanged; a new or changed row is the saver's."""
    def content(row):  # as stored: a column may take several cells (SMART, a checklist)
        return tuple(tuple(c.to_cells(row.get(c.key))) for c in table.columns)

    authors = {content(r): r.get(AUTHOR, "") for r in stored_rows or []}
    result = []
    for row in rows or []:
        key = content(row)
        result.append({**row, AUTHOR: authors[key] if key in authors else user.naam})
    return result


def part_name(plan: Plan, part) -> str:
    """The part as the plan overview names it: the first part's title is the whole form's title, so
    there its short name says which part is meant."""
    return part.nav_title if part.title == get_form(plan.form_key).title else part.title


def part_version(plan: Plan, part, snapshot: "answers.Snapshot | None" = None) -> str:
    """The version of a part's answers that a save may overwrite. Signatures are left out: a save
    never changes someone else's akkoord, so a co-signature in the meantime is no conflict. The part
    with the akkoorden also covers the agreed content itself: an akkoord given on a page opened before
    the plan changed would fix content its giver never saw. snapshot: the read whose answers the
    page shows; the version must come from those very rows."""
    keys = [f.key for f in part.fields if not isinstance(f, Signature)]
    if part.cycle == "afronding":
        definition = answers.form_of(plan)
        keys += [f.key for p in definition.parts_in("plan") for f in p.fields]
    return (snapshot or answers.read(plan)).fingerprint(keys)


def part_progress(part, values: dict) -> tuple[int, int]:
    """(answered, to answer) of a part: a question that applies only to an option not chosen does not
    count, so a fully answered part reaches its total."""
    fields = [f for f in part.fields
              if not f.applies_if or values.get(f.applies_if[0]) == f.applies_if[1]
              or f.is_filled(values.get(f.key))]
    return sum(1 for f in fields if f.is_filled(values.get(f.key))), len(fields)


# Filter values the dashboard's links use (pop/dashboard.py) besides a state and a department's name:
# every state but the voorbereiding (whose plans count nowhere for HR), and the people without a department.
SHARED = "gedeeld"
NO_DEPARTMENT = "(geen afdeling)"


def _department_is(afdeling: str):
    return Person.afdeling == ("" if afdeling == NO_DEPARTMENT else afdeling)


def filter_plans(query, afdeling: str = "", periode: str = "", status: str = "", formulier: str = ""):
    """Narrow a visible_plans() query (plans joined with their employee) by HR's filters."""
    if formulier:
        query = query.where(Plan.form_key == formulier)
    if afdeling:
        query = query.where(_department_is(afdeling))
    if periode:
        query = query.where(Plan.period == periode)
    if status == SHARED:
        query = query.where(Plan.status != "voorbereiding")
    elif status:
        query = query.where(Plan.status == status)
    return query


def people_without_plan(period: str, afdeling: str = ""):
    """Active people with no plan for this period: who HR still has to remind. NOT EXISTS, not NOT IN
    the period's plans: NOT IN read every plan of the period for each query (about 2 ms at 10,000
    employees, twice for a searched page), NOT EXISTS looks up only the people the query reaches (by the
    index of the plans by period and employee)."""
    has_plan = Plan.select(SQL("1")).where((Plan.employee == Person.id) & (Plan.period == period))
    query = Person.select().where((Person.active == True) & ~fn.EXISTS(has_plan))  # noqa: E712
    if afdeling:
        query = query.where(_department_is(afdeling))
    return query.order_by(Person.afdeling, Person.achternaam, Person.voornaam)


def periods() -> list[str]:
    """Every period a plan exists for, newest first."""
    return sorted((p.period for p in Plan.select(Plan.period).distinct()), reverse=True)
