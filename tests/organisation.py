"""A generated organisation for the to-do tests and bench/bench_todo.py: one HR account, a manager per
twenty people, each manager's team in their own department, and the employees' plans spread over every
state of the cycle with realistic answers (the demo plan), talks due, overdue and far off, akkoorden given
and missing, and people without a plan.

Bulk inserts, one password hash for everyone: 2,000 people take seconds, not minutes. Deterministic: the
same size gives the same organisation, and build() returns what it made, so a test can count on it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkzeug.security import generate_password_hash

from forms import DEFAULT_FORM, get_form
from pop.db import database
from pop.demo import demo_answers
from pop.departments import canonical
from pop.models import Answer, Person, Plan

PASSWORD = "wachtwoord-123"
TEAM = 20
# Situation of employee k: SITUATIONS[k % len(SITUATIONS)]: (state or None for no plan, what is filled).
SITUATIONS = [
    (None, ""),
    ("voorbereiding", ""),
    ("voorbereiding", "zelfanalyse"),
    ("ontwikkelgesprek", "plan"),
    ("ontwikkelgesprek", "akkoord medewerker"),
    ("vastgesteld", "akkoord"),
    ("uitvoering", "akkoord"),
    ("evaluatie", "evaluatie"),
    ("evaluatie", "akkoord"),
    ("afgerond", "evaluatie"),
]
EVALUATION = {"doelen_gehaald": "Grotendeels.", "hoe_geleerd": "Door te doen.", "pop_afsluiten": "Afgesloten."}


@dataclass(frozen=True)
class Member:
    id: int
    email: str
    naam: str
    afdeling: str
    manager_email: str
    state: str | None  # None: no plan this period
    plan_id: int | None
    talk: dt.date | None  # the next talk's date in the plan


def _rows_for(form, plan_id: int, values: dict) -> list[dict]:
    return [{"plan": plan_id, "field": key, "row": row, "column": col, "value": text}
            for key, value in values.items() for row, col, text in form.field(key).to_cells(value)]


def _insert(model, rows, size=200):
    for start in range(0, len(rows), size):  # SQLite limits the variables in one statement
        model.insert_many(rows[start:start + size]).execute()


def build(size: int, today: dt.date, period: str, hash_method: str = "pbkdf2:sha256:1000") -> list[Member]:
    """size people in all (HR included); returns the employees, managers and HR left out."""
    form = get_form(DEFAULT_FORM)
    password = generate_password_hash(PASSWORD, method=hash_method)
    managers = max(1, (size - 1) // (TEAM + 1))
    employees = size - 1 - managers
    base = dict(password_hash=password, tussenvoegsel="", functie="", active=True, session_version=0)
    with database.atomic():
        for name in ["HR"] + [f"Afdeling {m:03d}" for m in range(managers)]:
            canonical(name, create=True)
        Person.insert(email="hr@org.test", voornaam="Hanna", achternaam="HR", role="hr", afdeling="HR",
                      **base).execute()
        _insert(Person, [dict(email=f"manager{m}@org.test", voornaam=f"Manager{m}", achternaam="Leiding",
                              role="leidinggevende", afdeling=f"Afdeling {m:03d}", functie="Teamleider",
                              **{k: v for k, v in base.items() if k != "functie"})
                         for m in range(managers)])
        manager_ids = {p.email: p.id for p in Person.select(Person.id, Person.email)
                       .where(Person.role == "leidinggevende")}
        people = []
        for k in range(employees):
            m = k % managers
            people.append(dict(email=f"medewerker{k}@org.test", voornaam=f"Mede{k}", achternaam="Werker",
                               role="medewerker", afdeling=f"Afdeling {m:03d}",
                               manager=manager_ids[f"manager{m}@org.test"], **base))
        _insert(Person, people)
        ids = {p.email: p.id for p in Person.select(Person.id, Person.email).where(Person.role == "medewerker")}

        full = demo_answers(today - dt.timedelta(weeks=10))
        plans, members, values_by_email = [], [], {}
        for k in range(employees):
            email = f"medewerker{k}@org.test"
            state, filled = SITUATIONS[k % len(SITUATIONS)]
            talk = None
            if state is not None:
                values = _values(full, filled, ids[email], f"Mede{k} Werker", manager_ids[f"manager{k % managers}@org.test"],
                                 today)
                # Talks from three weeks ago to five weeks ahead: some overdue, some due, some far off.
                talk = today + dt.timedelta(days=(k * 7) % 57 - 21)
                values["volgend_gesprek_datum"] = talk
                values_by_email[email] = values
                plans.append(dict(employee=ids[email], manager=manager_ids[f"manager{k % managers}@org.test"],
                                  form_key=form.key, period=period, status=state, version=1))
            members.append((k, email, state, talk))
        _insert(Plan, plans)
        plan_ids = {employee: pid for pid, employee in Plan.select(Plan.id, Plan.employee).tuples()}
        rows = []
        for email, values in values_by_email.items():
            rows += _rows_for(form, plan_ids[ids[email]], values)
        _insert(Answer, rows)
    return [Member(ids[email], email, f"Mede{k} Werker", f"Afdeling {k % managers:03d}",
                   f"manager{k % managers}@org.test", state, plan_ids.get(ids[email]) if state else None, talk)
            for k, email, state, talk in members]


def _values(full: dict, filled: str, employee_id: int, employee_name: str, manager_id: int,
            today: dt.date) -> dict:
    signed = today - dt.timedelta(days=30)
    employee_sig = {"naam": employee_name, "datum": signed, "person_id": employee_id}
    manager_sig = {"naam": "Manager", "datum": signed, "person_id": manager_id}
    if filled == "":
        return {}
    if filled == "zelfanalyse":
        return {k: full[k] for k in ("kwaliteiten", "meer_doen", "werk_over_3_jaar")}
    plan = {k: v for k, v in full.items() if k != "voortgangsgesprekken"}
    if filled == "plan":
        return plan
    if filled == "akkoord medewerker":
        return {**plan, "akkoord_medewerker": employee_sig}
    agreed = {**full, "akkoord_medewerker": employee_sig, "akkoord_leidinggevende": manager_sig}
    if filled == "akkoord":
        return agreed
    return {**agreed, **EVALUATION}
