"""The running totals the database keeps for HR's figures (pop/migrations/m0026_tallies.py, read by
pop/tallies.py): after every kind of write, by the app or by any other program, each tally adds up to what
the rows themselves add up to, counted here in Python from the rows; folding changes no sum."""
from collections import Counter
from decimal import Decimal

import pytest
from peewee import fn

from conftest import make_person
from databases import on_postgres
from pop import tallies
from pop.db import database
from pop.models import PLAN_AFDELING, Budget, Department, Person, Plan
from pop.plans import start_plan


def cents(value) -> int:
    return int((Decimal(value or 0) * 100).to_integral_value())


def truth() -> dict:
    """What each tally must add up to, from the rows as they are (nothing summed by the database)."""
    plans, progress, people, budgets = Counter(), Counter(), Counter(), Counter()
    afdeling = {p.id: p.afdeling or "" for p in Person.select()}
    for (period, dept, status, form_key, kept, euro, uren) in Plan.select(
            Plan.period, PLAN_AFDELING, Plan.status, Plan.form_key, Plan.progress, Plan.costs_euro,
            Plan.costs_uren).tuples():
        key = (period, dept, status)
        plans[key + ("n",)] += 1
        plans[key + ("euro",)] += cents(euro)
        plans[key + ("uren",)] += cents(uren)
        progress[(period, status, form_key, kept or "")] += 1
    for person in Person.select():
        people[(person.afdeling or "", 1 if person.active else 0)] += 1
    for b in Budget.select():
        key = (b.year, afdeling[b.person_id])
        budgets[key] = tuple(a + c for a, c in zip(budgets.get(key, (0,) * 5), (
            1, cents(b.euro), b.euro is not None, cents(b.uren), b.uren is not None)))
    shaped = {
        "tally_plan": sorted((*k, plans[k + ("n",)], plans[k + ("euro",)], plans[k + ("uren",)])
                             for k in {k[:3] for k in plans}),
        "tally_progress": sorted((*k, n) for k, n in progress.items()),
        "tally_people": sorted((*k, n) for k, n in people.items()),
        "tally_budget": sorted((*k, *v) for k, v in budgets.items()),
    }
    return {name: [r for r in rows if any(r[-len(tallies.BY_TABLE[name].values):])] for name, rows in shaped.items()}


def tallied() -> dict:
    return {name: sorted(tallies.sums(name)) for name in tallies.BY_TABLE}


def assert_tallies_hold():
    expected = truth()
    assert tallied() == expected
    return expected


@pytest.fixture
def world(app):
    with app.app_context():
        hr = make_person("hr@t.nl", "Hanna", "HR", role="hr", afdeling="HR")
        a = make_person("a@t.nl", "Anna", "Aa", afdeling="A")
        b = make_person("b@t.nl", "Bert", "Bee", afdeling="B")
        yield {"hr": hr, "a": a, "b": b}


def test_every_kind_of_write_keeps_every_tally_equal_to_the_rows(world):
    a, b, hr = world["a"], world["b"], world["hr"]
    expected = assert_tallies_hold()
    assert ("A", 1, 1) in expected["tally_people"] and ("HR", 1, 1) in expected["tally_people"]

    plan_a = start_plan(a, "pop-compact", "2026")
    plan_b = start_plan(b, "pop-compact", "2026")
    second = start_plan(b, "pop-uitgebreid", "2026")
    expected = assert_tallies_hold()
    assert ("2026", "A", "voorbereiding", 1, 0, 0) in expected["tally_plan"]
    # A state, costs (with cents that a float would not hold exactly), progress, form and period.
    Plan.update(status="ontwikkelgesprek").where(Plan.id == plan_a.id).execute()
    Plan.update(costs_euro=Decimal("1250.10"), costs_uren=Decimal("12.5")).where(Plan.id == plan_a.id).execute()
    Plan.update(costs_euro=Decimal("0.30")).where(Plan.id == plan_b.id).execute()
    Plan.update(costs_euro=Decimal("0.10")).where(Plan.id == plan_b.id).execute()
    Plan.update(progress="fase-1=c,gegevens=b").where(Plan.id == second.id).execute()
    Plan.update(form_key="pop-uitgebreid", period="2027").where(Plan.id == plan_b.id).execute()
    expected = assert_tallies_hold()
    assert ("2026", "A", "ontwikkelgesprek", 1, 125010, 1250) in expected["tally_plan"]
    # A plan given to someone else takes their department (m0024's triggers), in the tally too.
    Plan.update(employee=hr).where(Plan.id == second.id).execute()
    assert ("2026", "HR", "voorbereiding", 1, 0, 0) in assert_tallies_hold()["tally_plan"]
    Plan.update(employee=b).where(Plan.id == second.id).execute()
    assert_tallies_hold()
    # A write of the same values moves nothing (and adds no rows).
    rows = database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0]
    Plan.update(status="ontwikkelgesprek", costs_euro=Decimal("1250.10")).where(Plan.id == plan_a.id).execute()
    assert database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0] == rows

    # Budgets: given, changed, an amount taken away, given to someone else.
    Budget.create(person=a, year="2026", euro=Decimal("2000.00"), uren=None)
    given = Budget.create(person=b, year="2026", euro=Decimal("500.55"), uren=Decimal("8"))
    Budget.update(uren=None, euro=Decimal("600.01")).where(Budget.id == given.id).execute()
    Budget.update(person=hr).where(Budget.id == given.id).execute()
    expected = assert_tallies_hold()
    assert ("2026", "HR", 1, 60001, 1, 0, 0) in expected["tally_budget"]

    # A person moved (their plans through m0024, their budgets with them), leaving, back, a new name
    # for a whole department at once (as HR's rename does).
    Person.update(afdeling="B").where(Person.id == a.id).execute()
    Person.update(active=False).where(Person.id == b.id).execute()
    assert_tallies_hold()
    Person.update(afdeling="Klantenservice").where(Person.afdeling == "B").execute()
    Department.update(name="Klantenservice").where(Department.name == "B").execute()
    expected = assert_tallies_hold()
    assert ("2026", "Klantenservice", 1, 200000, 1, 0, 0) in expected["tally_budget"]

    # A plan deleted; a person deleted with their plans and budget (the database's cascade).
    Plan.delete().where(Plan.id == second.id).execute()
    assert_tallies_hold()
    Person.delete().where(Person.id == a.id).execute()
    expected = assert_tallies_hold()
    assert not any(r[1] == "Klantenservice" for r in expected["tally_budget"])
    assert Plan.select().where(Plan.employee == a.id).count() == 0


def test_folding_keeps_the_sums_and_leaves_a_row_per_key(world, monkeypatch):
    a = world["a"]
    plan = start_plan(a, "pop-compact", "2026")
    for i in range(30):
        Plan.update(costs_euro=Decimal(i) / 7).where(Plan.id == plan.id).execute()
        Plan.update(status=("ontwikkelgesprek", "vastgesteld")[i % 2]).where(Plan.id == plan.id).execute()
    rows = database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0]
    assert rows > 100
    expected = truth()
    assert tallies.fold(tallies.BY_TABLE["tally_plan"]) is True
    assert tallied() == expected
    # One row per key that adds up to something: the states it left add up to nothing and went.
    assert database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0] == len(expected["tally_plan"]) == 1
    # A reader folds once the rows have grown past FOLD_AFTER beyond one per key.
    monkeypatch.setattr(tallies, "FOLD_AFTER", 10)
    for i in range(12):
        Plan.update(costs_uren=i).where(Plan.id == plan.id).execute()
    assert database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0] == 1 + 2 * 12
    assert sorted(tallies.sums("tally_plan")) == truth()["tally_plan"]
    assert database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0] == 1


def test_a_fold_that_cannot_have_the_lock_changes_nothing(world):
    """Another writer holds the lock: the fold gives up (False) and every row stays, the sums too."""
    plan = start_plan(world["a"], "pop-compact", "2026")
    Plan.update(status="ontwikkelgesprek").where(Plan.id == plan.id).execute()
    before = database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0]
    tally = tallies.BY_TABLE["tally_plan"]
    if on_postgres():
        import zlib

        import psycopg2
        other = psycopg2.connect(database.obj.connect_params.get("dsn") or _dsn())
        cursor = other.cursor()
        cursor.execute("SELECT pg_advisory_lock(%s)", (zlib.crc32(tally.table.encode()),))
        try:
            assert tallies.fold(tally) is False
        finally:
            other.close()
    else:
        import sqlite3
        other = sqlite3.connect(database.obj.database, timeout=0.1)
        other.execute("BEGIN IMMEDIATE")
        database.obj.execute_sql("PRAGMA busy_timeout = 100")
        try:
            assert tallies.fold(tally) is False
        finally:
            other.rollback()
            other.close()
    assert database.execute_sql("SELECT COUNT(*) FROM tally_plan").fetchone()[0] == before
    assert tallied() == truth()


def _dsn() -> str:
    params = database.obj.connect_params
    return " ".join(f"{k}={v}" for k, v in {"dbname": database.obj.database, **params}.items() if v is not None)


def test_the_budget_and_hr_counts_from_the_tallies_are_those_of_the_rows(world):
    """The budget's departments and the year's total, HR's counts per department and state, from the
    tallies, against the same figures added up from the rows (budget._departments, which a search still
    uses; the counts joined person by person): with someone who left with a budget, someone who left
    with only a shared plan, someone without a department, a plan in the voorbereiding with costs."""
    from pop import budget, todo
    a, b, hr = world["a"], world["b"], world["hr"]
    loose = make_person("c@t.nl", "Cor", "Zonder", afdeling="")
    gone = make_person("d@t.nl", "Dirk", "Weg", afdeling="A")
    also_gone = make_person("e@t.nl", "Eva", "Weg", afdeling="B")
    for person, state, euro in ((a, "ontwikkelgesprek", "100.10"), (b, "voorbereiding", "999.99"),
                                (loose, "vastgesteld", "5.05"), (also_gone, "evaluatie", "7.77")):
        plan = start_plan(person, "pop-compact", "2026")
        Plan.update(status=state, costs_euro=Decimal(euro), costs_uren=Decimal("1.5")).where(Plan.id == plan.id).execute()
    Budget.create(person=a, year="2026", euro=Decimal("1000.00"), uren=Decimal("16"))
    Budget.create(person=gone, year="2026", euro=None, uren=Decimal("8"))
    Budget.create(person=hr, year="2025", euro=Decimal("300.00"))
    Person.update(active=False).where(Person.id.in_([gone.id, also_gone.id])).execute()

    for afdeling in ("", "A", "B", "HR", budget.NO_DEPARTMENT, "Nergens"):
        assert budget._tallied_departments("2026", afdeling) == budget._departments("2026", afdeling, ""), afdeling
    everyone = budget._departments("2026", "", "")
    assert [(d.name, d.people) for d in everyone] == [("A", 2), ("B", 2), ("HR", 1), (budget.NO_DEPARTMENT, 1)]
    whole = budget.year_total("2026")
    summed = budget.total(everyone)
    assert (whole.with_budget, whole.budget_euro, whole.budget_uren, whole.planned_euro, whole.planned_uren) == (
        summed.with_budget, summed.budget_euro, summed.budget_uren, summed.planned_euro, summed.planned_uren) == (
        2, Decimal("1000.00"), Decimal("24.00"), Decimal("112.92"), Decimal("4.50"))

    counted, without = todo.department_counts("2026")
    joined = (Plan.select(Person.afdeling, Plan.status, fn.COUNT(Plan.id)).join(Person, on=(Plan.employee == Person.id))
              .where(Plan.period == "2026").group_by(Person.afdeling, Plan.status).tuples())
    assert sorted(counted) == sorted(joined)
    assert sorted(without) == [("HR", 1)]


def test_folds_while_others_write_lose_no_change(app, world):
    """Two writers move plans between states, committing each move, while a third folds the tally over
    and over: every change is in the sums at the end (a fold that deleted a row it had not summed, or
    summed one twice, would be off). On PostgreSQL the writers' rows come and go during each fold."""
    import threading
    import time

    plans = [start_plan(p, form, "2026").id for p in (world["a"], world["b"], world["hr"])
             for form in ("pop-compact", "pop-uitgebreid")]
    tally = tallies.BY_TABLE["tally_plan"]
    done, failures, folds = threading.Event(), [], []

    def write(ids):
        try:
            with app.app_context(), database.connection_context():
                for turn in range(20):
                    for plan_id in ids:
                        Plan.update(status=("ontwikkelgesprek", "vastgesteld", "evaluatie")[(turn + plan_id) % 3],
                                    costs_euro=Decimal(turn) / 3).where(Plan.id == plan_id).execute()
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)

    def fold():
        try:
            with app.app_context(), database.connection_context():
                while not done.is_set():
                    folds.append(tallies.fold(tally))
                    time.sleep(0.002)  # the writers' turn (on SQLite a fold holds the one write lock)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)

    writers = [threading.Thread(target=write, args=(plans[i::2],)) for i in range(2)]
    folder = threading.Thread(target=fold)
    folder.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    folder.join()
    assert failures == [] and folds.count(True) >= 2
    assert tallied() == truth()
