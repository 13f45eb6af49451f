"""HR's organisation-wide figures kept per process while the database's count of changes stays the same
(pop/changes.py, m0025's triggers): every write of what they count shows on the next request, whoever
wrote it; a write of anything else keeps them; on PostgreSQL the count moves at COMMIT, not before."""
import decimal

import pytest
from lxml import etree

from conftest import Client, make_person
from databases import on_postgres
from pop import changes, dashboard, fragments
from pop.db import database
from pop.models import STATUSES, Budget, Person, Plan
from pop.plans import start_plan
from pop.views import plans as plans_views
from support import doc, set_state

YEAR = "2026"


@pytest.fixture
def people(app, org):
    with app.app_context():
        set_state(app, org["plan_a"], "ontwikkelgesprek")
        Budget.create(person=Person.get(Person.email == org["a"]), year=YEAR, euro=decimal.Decimal("1000"))
        return {key: Person.get(Person.email == org[key]).id for key in ("a", "b", "hr")}


def figures() -> tuple:
    """The dashboard's figures as the page has them (kept or added up), and added up afresh."""
    kept = dashboard.figures(YEAR).key()
    database_count = changes.count()
    from flask import current_app
    current_app.extensions["pop_kept_figures"].clear()
    fresh = dashboard.figures(YEAR).key()
    assert changes.count() == database_count
    return kept, fresh


CHANGES = {
    "a plan's state": lambda p: Plan.update(status="vastgesteld").where(Plan.employee == p["b"]).execute(),
    "a plan's costs": lambda p: Plan.update(costs_euro=250).where(Plan.employee == p["a"]).execute(),
    "a plan's progress": lambda p: Plan.update(progress="fase-1=b").where(Plan.employee == p["a"]).execute(),
    "a plan's period": lambda p: Plan.update(period="2027").where(Plan.employee == p["b"]).execute(),
    "a plan made": lambda p: start_plan(Person.get_by_id(p["hr"]), "pop-compact", YEAR),
    "a plan removed": lambda p: Plan.delete().where(Plan.employee == p["b"]).execute(),
    "someone leaves": lambda p: Person.update(active=False).where(Person.id == p["hr"]).execute(),
    "someone moves": lambda p: Person.update(afdeling="B").where(Person.id == p["a"]).execute(),
    "someone new": lambda p: make_person("nieuw@test.nl", "Nina", "Nieuw", afdeling="A"),
    "a budget given": lambda p: Budget.create(person=p["b"], year=YEAR, euro=decimal.Decimal("500")),
    "a budget changed": lambda p: Budget.update(euro=decimal.Decimal("1200")).where(Budget.person == p["a"]).execute(),
    "a budget removed": lambda p: Budget.delete().where(Budget.person == p["a"]).execute(),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_of_what_the_figures_count_shows_on_the_next_request(app, people, change):
    with app.test_request_context():
        before, fresh = figures()
        assert before == fresh
        CHANGES[change](people)
        after, fresh = figures()
        assert after == fresh and after != before, change


def test_a_change_of_anything_else_keeps_the_figures(app, people):
    with app.test_request_context():
        dashboard.figures(YEAR)
        count = changes.count()
        Person.update(voornaam="Anneke", session_version=5).where(Person.id == people["a"]).execute()
        Plan.update(version=2).where(Plan.employee == people["a"]).execute()
        assert changes.count() == count
        kept = app.extensions["pop_kept_figures"].get(("dashboard", (YEAR,)))
        assert dashboard.figures(YEAR).budget is kept[1][1]  # the very figures kept, not added up


def test_another_server_sees_a_change_made_through_this_one(app, people, login, org):
    """Two apps on one database, as two servers: each keeps its own figures, the count is the
    database's. A plan's state changed through one is counted on the other's next request."""
    from app import create_app

    other = create_app(dict(app.config))
    hr, other_hr = login(org["hr"]), Client(other)
    assert other_hr.login(org["hr"]).status_code == 302

    def awaiting(client) -> str:
        page = client.get(f"/dashboard?periode={YEAR}")
        assert page.status_code == 200
        return doc(page).xpath('string(//a[@id="cijfer-akkoord"]/strong)')

    assert awaiting(hr) == awaiting(other_hr) == "1"
    set_state(app, org["plan_b"], "ontwikkelgesprek")  # written by neither app's requests
    assert awaiting(other_hr) == "2"
    assert awaiting(hr) == "2"


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's deferred triggers")
def test_on_postgresql_the_count_moves_at_commit_and_not_before(app, people):
    with app.app_context():
        database.execute_sql("UPDATE change_count SET n = 0")
        count = changes.count()
        with database.atomic():
            Plan.update(status="vastgesteld").where(Plan.employee == people["b"]).execute()
            Person.update(afdeling="B").where(Person.id == people["a"]).execute()
            assert changes.count() == count  # nothing of the count locked until the very end
        assert changes.count() == count + 3  # a plan's state, a person's department and their plan's
        shards = database.execute_sql("SELECT COUNT(*) FROM change_count WHERE n > 0").fetchone()[0]
        assert shards == 1  # one transaction, one row of the count


def test_without_the_rows_of_the_count_nothing_is_kept(app, people):
    """Should someone empty the count's table, the triggers add to no row: the figures are then added
    up on every request rather than kept for ever."""
    with app.test_request_context():
        database.execute_sql("DELETE FROM change_count")
        assert changes.count() is None
        before = dashboard.figures(YEAR).key()
        Plan.update(status="vastgesteld").where(Plan.employee == people["b"]).execute()
        assert dashboard.figures(YEAR).key() != before
        assert app.extensions["pop_kept_figures"].get(("dashboard", (YEAR,))) is None


def test_hrs_first_page_counts_what_changed_since_the_last_look(app, people, login, org):
    """HR's to-do table (kept figures, and the table drawn once per figures, pop/views/plans.py): a
    plan's state changed between two looks moves its number to the other column."""
    hr = login(org["hr"])

    def table() -> dict:
        page = hr.get(f"/?periode={YEAR}")
        assert page.status_code == 200
        rows = doc(page).xpath('//table[contains(@class, "counts")]/tbody/tr')
        return {r.xpath("string(th)").strip(): [c.text_content().strip() for c in r.xpath("td")] for r in rows}

    first = table()
    assert first == table()  # kept: the same
    set_state(app, org["plan_b"], "vastgesteld")
    second = table()
    assert second["A"] == first["A"] and second["B"] != first["B"]
    assert second["B"][list(STATUSES).index("vastgesteld")] == "1"
    assert first["B"][list(STATUSES).index("vastgesteld")] == "0"


def test_the_departments_page_counts_whoever_moved_since_the_last_look(app, people, login, org):
    """/afdelingen: the people per department, kept (pop/departments.py listed()), follow a move and a
    newcomer on the next request; the departments' names are read each time."""
    hr = login(org["hr"])

    def counted() -> dict:
        page = hr.get("/afdelingen/")
        assert page.status_code == 200
        return {r.xpath("string(th)").strip(): r.xpath("string(td[1])").strip()
                for r in doc(page).xpath("//tbody/tr")}

    assert counted() == {"A": "2", "B": "2", "HR": "1"} == counted()
    with app.app_context():
        Person.update(afdeling="B").where(Person.id == people["a"]).execute()
    assert counted() == {"A": "1", "B": "3", "HR": "1"}
    with app.app_context():
        make_person("nieuw@test.nl", "Nina", "Nieuw", afdeling="HR")
    assert counted() == {"A": "1", "B": "3", "HR": "2"}


def drawn_sections(client) -> tuple[str, str]:
    """The dashboard's departments (chart and table) and HR's to-do table, as drawn."""
    dash = client.get(f"/dashboard?periode={YEAR}")
    first = client.get(f"/?periode={YEAR}")
    assert dash.status_code == first.status_code == 200
    return (etree.tostring(doc(dash).xpath('//section[@aria-labelledby="per-afdeling"]')[0], encoding="unicode"),
            etree.tostring(doc(first).xpath('//table[contains(@class, "counts")]')[0], encoding="unicode"))


# Each change of CHANGES, but HR's own leaving (they could no longer look): a manager leaves instead.
PAGE_CHANGES = {**CHANGES, "someone leaves": lambda p: Person.update(active=False).where(
    Person.email == "m1@test.nl").execute()}


@pytest.mark.parametrize("change", list(PAGE_CHANGES))
def test_the_rows_drawn_after_a_change_are_those_drawn_afresh(app, people, login, org, change):
    """The dashboard's and HR's tables are drawn a row or bar at a time and kept by what each row shows
    (pop/fragments.py drawn()): after each kind of counted change the page, with the rows that stayed
    kept, is the page drawn with nothing kept at all."""
    hr = login(org["hr"])
    before = drawn_sections(hr)
    assert before == drawn_sections(hr)
    with app.app_context():
        PAGE_CHANGES[change](people)
    kept = drawn_sections(hr)
    app.extensions["pop_kept_figures"].clear()
    fragments.table_rows.clear()
    fragments.pages_of(app).clear()
    plans_views._hr_tables.clear()
    assert kept == drawn_sections(hr)
    if change in ("a plan's state", "someone leaves", "someone moves", "a plan removed"):
        assert kept != before
