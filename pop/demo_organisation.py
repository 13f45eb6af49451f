"""A large demo organisation (`flask --app app demo --employees N`): the small demo (pop/demo.py, whose
accounts and password stay as they are) and around it generated people up to N in all, for trying HR's
lists and measuring them (bench/bench_hr_pages.py) at the size of a real organisation.

What it makes, deterministically for the same N and day:
- departments of about DEPARTMENT_SIZE people, teams of TEAM_SIZE with a leidinggevende each, Dutch
  names (some with a tussenvoegsel), e-mail addresses and personeelsnummers;
- for WITH_PLAN of the employees a plan of this year on one of the forms, in every state of the cycle
  and filled as far as that state goes, with the seeds' example answers (pop/demo.py) and planned
  costs that differ per plan; agreed plans keep their agreed version;
- HR's budget for most of them, and most teams placed in the matrix by their manager.

Everything goes through the app's own functions (pop.people.save_person, pop.plans.start_plan via the
demo's _demo_plan, pop.answers.save, pop.cycle.freeze, pop.budget.save_budgets, pop.matrix
.save_placements), in one transaction. The one shortcut: the password hash, which all generated people
share with the demo accounts (one scrypt hash takes over half a second; 10,000 would take hours), set in
one update. 10,000 people take well under a minute on the 2-core machine (see the README)."""
from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from peewee import PostgresqlDatabase, fn

from forms import DEFAULT_FORM

from . import audit, clock, progress
from .budget import save_budgets
from .departments import canonical
from .db import database
from .demo import (DOMAIN, PEOPLE, _signature, compact_answers, demo_answers, demo_start, load_demo,
                   tabel_answers, zes_stappen_answers)
from .matrix import save_placements
from .models import Answer, AuditEntry, Person, Plan, PlanVersion, now

TEAM_SIZE = 15
DEPARTMENT_SIZE = 200
WITH_PLAN = 0.85  # of the generated employees: the rest have none yet this year (HR's "nog geen POP")
BUDGETED = 0.9
PLACED = 0.7

FIRST_NAMES = [
    "Anna", "Bram", "Carmen", "Daan", "Emma", "Finn", "Gijs", "Hanna", "Iris", "Jasper", "Julia", "Koen",
    "Lara", "Lucas", "Maud", "Milan", "Noa", "Olaf", "Priya", "Quinten", "Rosa", "Sem", "Tess", "Thijs",
    "Umar", "Vera", "Wouter", "Yara", "Zoë", "Ahmed", "Bas", "Chantal", "Dirk", "Esther", "Fleur", "Gerrit",
    "Hatice", "Ilse", "Joost", "Kim", "Lieke", "Mohamed", "Nina", "Oscar", "Pieter", "Ruben", "Sanne",
    "Tim", "Ufuk", "Vincent", "Wendy", "Xander", "Youssef", "Zeynep",
]
PREFIXES = ["", "", "", "", "", "", "de", "van", "van der", "van den", "van de", "el", "ter", "den"]
LAST_NAMES = [
    "Jansen", "Vries", "Bakker", "Visser", "Smit", "Meijer", "Boer", "Mulder", "Groot", "Bos", "Vos",
    "Peters", "Hendriks", "Dekker", "Brouwer", "Dijk", "Wit", "Dijkstra", "Smits", "Graaf", "Meer", "Linden",
    "Kok", "Jacobs", "Haan", "Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn", "Beek", "Schouten", "Willems",
    "Hoekstra", "Koster", "Prins", "Leeuwen", "Postma", "Kuipers", "Amrani", "Yilmaz", "Bouzid", "Kaya",
    "Verhoeven", "Maas", "Vliet", "Wijk", "Molen", "Huisman", "Sanders", "Lammers", "Evers", "Wouters",
]
DEPARTMENTS = [
    "Financiën", "ICT", "Inkoop", "Juridische zaken", "Communicatie", "Facilitair", "Marketing", "Verkoop",
    "Logistiek", "Productie", "Kwaliteit", "Onderzoek", "Klantcontact", "Planning", "Beheer", "Advies",
    "Projectbureau", "Data en analyse", "Opleidingen", "Veiligheid",
]
REGIONS = ["", " Noord", " Zuid", " Oost", " West", " Midden"]
FUNCTIONS = ["Adviseur", "Senior adviseur", "Medewerker", "Coördinator", "Specialist", "Analist",
             "Projectmedewerker", "Consultant", "Beleidsmedewerker", "Planner"]
# (state, share of the plans); each state's content is filled as far as the cycle has gone.
STATES = [("voorbereiding", 0.15), ("ontwikkelgesprek", 0.2), ("vastgesteld", 0.15), ("uitvoering", 0.3),
          ("evaluatie", 0.1), ("afgerond", 0.1)]
# (form, share, its example answers in pop/demo.py)
FORM_MIX = [(DEFAULT_FORM, 0.7, demo_answers), ("pop-compact", 0.1, compact_answers),
            ("pop-tabel", 0.1, tabel_answers), ("pop-zes-stappen", 0.1, zes_stappen_answers)]
EVALUATION = {"doelen_gehaald": "Grotendeels; het vervolg staat in het volgende POP.",
              "hoe_geleerd": "Door het te doen, met een korte terugblik na elk overleg.",
              "pop_afsluiten": "Afgesloten."}


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _pick(rng: random.Random, shares):
    """One of (value, share, ...) tuples, by share."""
    roll, total = rng.random(), 0.0
    for item in shares:
        total += item[1]
        if roll < total:
            return item
    return shares[-1]


def _departments(count: int) -> list[str]:
    names = [d + r for r in REGIONS for d in DEPARTMENTS]
    names += [f"{d} {n}" for n in range(2, 1 + count // len(names) + 2) for d in names]
    return names[:count]


def _costs(rng: random.Random, form_key: str, values: dict) -> dict:
    """The example's planned costs, with amounts of this plan's own (the budget page then differs per
    person)."""
    from forms import FORMS

    key = FORMS[form_key].costs_field
    if not key or key not in values:
        return values
    costs = {}
    for row, cells in values[key].items():
        costs[row] = {"euro": None if cells.get("euro") is None else Decimal(rng.randrange(50, 2500, 5)),
                      "uren": None if cells.get("uren") is None else Decimal(rng.randrange(1, 40))}
    return {**values, key: costs}


def _content(state: str, values: dict, definition) -> dict:
    """What a plan in this state holds: in the voorbereiding the first part begun, in the
    ontwikkelgesprek the plan without the progress talks, the evaluation from the evaluatie on."""
    evaluation = {f.key for p in definition.parts_in("evaluatie") for f in p.fields}
    talks = {f.key for p in definition.parts_in("voortgang") for f in p.fields}
    prefilled = {f.key for f in definition.fields if f.prefill}
    values = {k: v for k, v in values.items() if k not in prefilled}
    if state == "voorbereiding":  # the self-analysis begun: the first part that is not the header
        first = next((p for p in definition.parts_in("plan")
                      if p.fields and not all(f.prefill or f.asks_date for f in p.fields)), None)
        keys = {f.key for f in first.fields} if first else set()
        return {k: v for k, v in values.items() if k in keys}
    if state in ("ontwikkelgesprek", "vastgesteld"):
        return {k: v for k, v in values.items() if k not in evaluation | talks}
    if state == "uitvoering":
        return {k: v for k, v in values.items() if k not in evaluation}
    return {**values, **(EVALUATION if definition.key == DEFAULT_FORM else {})}


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows (values in the order of columns, field names) into model's table in large batches, each value
    as its field stores it: executemany on SQLite, multi-row INSERTs on PostgreSQL (psycopg2's
    execute_values; one round trip per row would take minutes there)."""
    if not rows:
        return
    fields = [model._meta.fields[c] for c in columns]
    table = model._meta.table_name
    names = ", ".join(f'"{f.column_name}"' for f in fields)
    values = [tuple(f.db_value(v) for f, v in zip(fields, row)) for row in rows]
    cursor = database.cursor()
    if isinstance(database.obj, PostgresqlDatabase):
        from psycopg2.extras import execute_values

        execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', values, page_size=1000)
    else:
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(fields))})', values)


@dataclass
class _Planned:
    """A generated plan before it is written: its employee, form, state, answers and akkoord day."""

    employee: Person
    form_key: str
    state: str
    values: dict
    signed: dt.date | None


def _write_plans(planned: list[_Planned], year: str) -> None:
    """The plans as start_plan, answers.save, cycle.freeze and a change of state would leave them, in
    bulk: the plan row with its planned costs, its header filled from the people (the form's prefill),
    its answers as the form definition stores them (to_cells) and their progress per part, the agreed
    version of an agreed plan (the cells as cycle.freeze keeps them), the log's "aangemaakt" line."""
    from forms import get_form

    stamp = now()
    made = []
    for p in planned:
        definition = get_form(p.form_key)
        sources = {"employee": p.employee, "manager": p.employee.manager}
        values = {}
        for f in definition.fields:
            if f.prefill:
                who, attribute = f.prefill.split(".")
                if sources.get(who) is not None:
                    values[f.key] = getattr(sources[who], attribute) or ""
        values.update(p.values)
        if p.signed:
            values["akkoord_medewerker"] = _signature(p.employee, p.signed)
            values["akkoord_leidinggevende"] = _signature(p.employee.manager, p.signed)
        cells = sorted((key, row, column, text) for key, value in values.items()
                       for row, column, text in definition.field(key).to_cells(value))
        costs = definition.costs_field
        euros, hours = definition.field(costs).totals(values.get(costs)) if costs in values else (None, None)
        made.append((p, cells, euros, hours))
    first_new = (Plan.select(fn.MAX(Plan.id)).scalar() or 0) + 1
    _insert(Plan, ("employee", "manager", "form_key", "period", "status", "created_at", "updated_at", "version",
                   "costs_euro", "costs_uren", "progress"),
            [(p.employee.id, p.employee.manager_id, p.form_key, year, p.state, stamp, stamp, 1, euros, hours,
              _progress(get_form(p.form_key), cells)) for p, cells, euros, hours in made])
    ids = {employee: pid for pid, employee in Plan.select(Plan.id, Plan.employee)
           .where((Plan.id >= first_new) & (Plan.period == year)).tuples()}
    answer_rows, versions, log = [], [], []
    for p, cells, _, _ in made:
        plan_id = ids[p.employee.id]
        answer_rows += [(plan_id, *cell) for cell in cells]
        if p.signed:
            agreed = dt.datetime.combine(p.signed, dt.time(10, 0), tzinfo=clock.zone())
            versions.append((plan_id, 1, json.dumps([list(c) for c in cells]),
                             agreed.astimezone(dt.timezone.utc).replace(tzinfo=None)))
        log.append(audit._row(plan_id, p.employee, "aangemaakt", ""))
    _insert(Answer, ("plan", "field", "row", "column", "value"), answer_rows)
    _insert(PlanVersion, ("plan", "number", "cells", "agreed_at"), versions)
    _insert(AuditEntry, ("plan", "person", "person_name", "action", "detail", "created_at"),
            [(r["plan"], r["person"], r["person_name"], r["action"], r["detail"], r["created_at"]) for r in log])


def _progress(definition, cells) -> str:
    """The progress per part that answers.save keeps (pop/progress.py), from the answers as stored."""
    by_field = {}
    for key, row, column, text in cells:
        by_field.setdefault(key, {})[(row, column)] = text
    return progress.summary(definition, {f.key: f.from_cells(by_field.get(f.key, {})) for f in definition.fields})


def load_organisation(employees: int, today: dt.date | None = None, report=None) -> dict:
    """The demo and generated people up to `employees` in all. report(text): progress, for the command.
    Returns counts of what was made."""
    from forms import get_form

    report = report or (lambda text: None)
    today = today or clock.today()
    rng = random.Random(employees)
    generated = max(0, employees - len(PEOPLE))
    year = str(today.year)
    start = demo_start(today)
    with database.atomic():
        load_demo(today)
        hr = Person.get(Person.email == f"hr@{DOMAIN}")
        teams = max(1, -(-generated // (TEAM_SIZE + 1))) if generated else 0
        departments = [canonical(name, create=True)
                       for name in _departments(max(1, -(-generated // DEPARTMENT_SIZE)))]
        base = dict(password_hash=hr.password_hash, active=True, created_at=now(), session_version=0)

        def people(first: int, count: int, role: str, place) -> list[Person]:
            """count new people; place(k) -> (afdeling, manager id, functie) of the k-th."""
            rows = []
            for k in range(first, first + count):
                voornaam, tussen, achternaam = (rng.choice(FIRST_NAMES), rng.choice(PREFIXES),
                                                rng.choice(LAST_NAMES))
                afdeling, manager_id, functie = place(k)
                rows.append(dict(base, voornaam=voornaam, tussenvoegsel=tussen, achternaam=achternaam,
                                 email=f"{_ascii(voornaam)}.{_ascii(tussen + achternaam)}.{k}@{DOMAIN}",
                                 personeelsnummer=str(100001 + k), functie=functie, afdeling=afdeling,
                                 manager=manager_id, role=role))
            columns = tuple(rows[0]) if rows else ()
            _insert(Person, columns, [tuple(r[c] for c in columns) for r in rows])
            made = {p.email: p for p in Person.select().where(Person.email.in_([r["email"] for r in rows]))} \
                if len(rows) < 500 else {p.email: p for p in Person.select().where(Person.role == role)}
            return [made[r["email"]] for r in rows]

        managers = people(0, teams, "leidinggevende",
                          lambda t: (departments[t * len(departments) // teams], None, "Teamleider"))
        employees_ = people(teams, generated - teams, "medewerker",
                            lambda k: (managers[(k - teams) % teams].afdeling, managers[(k - teams) % teams].id,
                                       rng.choice(FUNCTIONS)))
        by_id = {m.id: m for m in managers}
        for e in employees_:
            e.manager = by_id[e.manager_id]
        report(f"{generated} mensen aangemaakt ({teams} leidinggevenden, {len(departments)} afdelingen)")

        planned = []
        for employee in employees_:
            if rng.random() >= WITH_PLAN:
                continue
            state = _pick(rng, STATES)[0]
            form_key, _, example = _pick(rng, FORM_MIX)
            values = _content(state, _costs(rng, form_key, example(start)), get_form(form_key))
            if state == "ontwikkelgesprek" and rng.random() < 0.5:  # the employee's akkoord given
                values["akkoord_medewerker"] = _signature(employee, today - dt.timedelta(days=2))
            signed = None if state in ("voorbereiding", "ontwikkelgesprek") else start + dt.timedelta(
                days=rng.randrange(7, 35))
            planned.append(_Planned(employee, form_key, state, values, signed))
        _write_plans(planned, year)
        report(f"{len(planned)} plannen aangemaakt")

        budgets = {e.id: (Decimal(rng.choice((500, 750, 1000, 1250, 1500, 2000))),
                          Decimal(rng.choice((16, 24, 32, 40))))
                   for e in employees_ if rng.random() < BUDGETED}
        save_budgets(budgets, year, by=hr)
        teams_of: dict[int, list[Person]] = {}
        for employee in employees_:
            teams_of.setdefault(employee.manager_id, []).append(employee)
        placed = 0
        for manager in managers:
            team = {e.id: (rng.choice(("plus", "min")), rng.choice(("plus", "min")))
                    for e in teams_of.get(manager.id, []) if rng.random() < PLACED}
            placed += save_placements(team, year, by=manager)
        report(f"{len(budgets)} budgetten en {placed} plaatsingen in de matrix")
    # Statistics for the query planner after a bulk load: SQLite has none until ANALYZE runs (and
    # PostgreSQL's autovacuum would gather them only later), and without them it may sort a whole
    # table where an index would give the first page at once.
    database.execute_sql("ANALYZE")
    return {"people": Person.select().count(), "plans": Plan.select().count(), "budgets": len(budgets),
            "placements": placed}
