"""HR's counts of a period (pop/todo.py department_counts: the to-do table and the dashboard) and the
people without a plan (pop/plans.py people_without_plan) in the shapes that keep them cheap at 10,000
employees (issue 18): one pass over the people with their plans of the period joined, and NOT EXISTS a
plan per person reached rather than NOT IN every plan of the period. The counts are those of the plain
definition (plans grouped, people without one grouped) on an organisation with the awkward cases."""
from collections import Counter

from peewee import fn

from conftest import Client, PASSWORD, make_person
from databases import on_postgres
from pop.db import database
from pop.models import Person, Plan
from pop.plans import people_without_plan, start_plan
from pop.todo import department_counts
from support import queries  # noqa: F401 (the fixture)

YEAR = "2026"


def organisation():
    """In A: two plans of the period for one person, one in the voorbereiding, one with a plan of another
    period only, one without; a person who left with a plan of the period, one who left without; in
    no department at all one with a plan and one without."""
    hr = make_person("hr@test.nl", "Hanna", "de Vries", role="hr", afdeling="HR")
    people = {key: make_person(f"{key}@test.nl", key.capitalize(), "de Vries", afdeling=afdeling)
              for key, afdeling in [("twee", "A"), ("prive", "A"), ("vorig", "A"), ("geen", "A"),
                                    ("weg", "B"), ("wegzonder", "B"), ("los", ""), ("loszonder", "")]}
    plans = [("twee", "pop-compact", "uitvoering"), ("twee", "pop-tabel", "evaluatie"),
             ("prive", "pop-compact", "voorbereiding"), ("weg", "pop-compact", "vastgesteld"),
             ("los", "pop-compact", "uitvoering")]
    for key, form, state in plans:
        plan = start_plan(people[key], form, YEAR)
        Plan.update(status=state).where(Plan.id == plan.id).execute()
    start_plan(people["vorig"], "pop-compact", "2025")
    for key in ("weg", "wegzonder"):
        Person.update(active=False).where(Person.id == people[key].id).execute()
    return hr


def test_the_counts_in_one_pass_are_those_of_the_plain_definition(app):
    with app.app_context():
        organisation()
        counted, without = department_counts(YEAR)
        plans = (Plan.select(Person.afdeling, Plan.status, fn.COUNT(Plan.id))
                 .join(Person, on=(Plan.employee == Person.id)).where(Plan.period == YEAR)
                 .group_by(Person.afdeling, Plan.status).tuples())
        absent = (Person.select(Person.afdeling, fn.COUNT(Person.id))
                  .where((Person.active == True)  # noqa: E712
                         & Person.id.not_in(Plan.select(Plan.employee).where(Plan.period == YEAR)))
                  .group_by(Person.afdeling).tuples())
        assert Counter({(a, s): n for a, s, n in counted}) == Counter({(a, s): n for a, s, n in plans})
        assert dict(without) == dict(absent) == {"A": 2, "": 1, "HR": 1}
        assert sorted((a, s, n) for a, s, n in counted) == [
            ("", "uitvoering", 1), ("A", "evaluatie", 1), ("A", "uitvoering", 1), ("A", "voorbereiding", 1),
            ("B", "vastgesteld", 1)]
        assert sorted(p.voornaam for p in people_without_plan(YEAR)) == ["Geen", "Hanna", "Loszonder", "Vorig"]
        assert [p.voornaam for p in people_without_plan(YEAR, "A")] == ["Geen", "Vorig"]


def explain(sql: str, params) -> str:
    if on_postgres():
        return "\n".join(r[0] for r in database.execute_sql("EXPLAIN " + sql, params).fetchall())
    return "\n".join(r[-1] for r in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_a_searched_first_page_looks_up_only_the_people_it_found(app, queries):
    """HR's first page, searched: the to-do table's counts read no join of people and plans, and the
    list of people without a plan asks per person found whether they have a plan of the period, by the
    index of the plans by period and employee, instead of reading every plan of the period (NOT IN) for
    its count and again for its page."""
    with app.app_context():
        organisation()
    client = Client(app)
    assert client.login("hr@test.nl", PASSWORD).status_code == 302
    queries.sql.clear()
    page = client.get(f"/?periode={YEAR}&zoek=vries")
    assert page.status_code == 200 and "Geen de Vries" in page.get_data(as_text=True)
    selects = [(sql, params) for sql, params in queries.sql if sql.lstrip().startswith("SELECT")]
    assert not any("NOT IN (SELECT" in sql for sql, _ in selects), selects
    # The counts per department: the plans per state and the active people from the tallies the database
    # keeps (pop/tallies.py); the people with a plan by the department each plan carries (m0024), and
    # those of them who left; no join of everyone.
    assert [sql.split(" FROM ")[1].split()[0] for sql, _ in selects if " FROM tally_" in sql] == [
        "tally_plan", "tally_people"]
    grouped = [sql for sql, _ in selects if 'GROUP BY "t1"."afdeling"' in sql]
    assert len(grouped) == 2 and not any("JOIN" in sql for sql in grouped), grouped
    assert sum(sql.startswith('SELECT "t1"."afdeling"') and 'FROM "plan" AS "t1" WHERE' in sql
               for sql in grouped) == 1, grouped
    absent = [(sql, params) for sql, params in selects if 'NOT EXISTS(SELECT 1 FROM "plan"' in sql]
    assert len(absent) == 2, absent  # the list's count and its page
    with app.app_context():
        for sql, params in absent:
            plan = explain(sql, params)
            if on_postgres():
                # Too small a table for PostgreSQL to prefer an index; the shape is what matters: an
                # anti-join or a subplan per person, not a hashed list of the period's plans.
                assert "hashed SubPlan" not in plan, plan
            else:
                assert "CORRELATED" in plan and "plan_period_totals (period=? AND employee_id=?)" in plan, plan
