"""The department each plan carries for HR's counts (plan.afdeling, kept by the database's triggers,
pop/migrations/m0024_plan_department.py): whatever moves a person moves their plans in the same write,
and HR's dashboard, drawn once and kept while its figures stay the same (pop/views/dashboard.py), shows
the move on the next request."""
from peewee import fn

from conftest import make_person
from databases import on_postgres
from pop.db import database
from pop.models import PLAN_AFDELING, Department, Person, Plan
from pop.plans import start_plan
from support import doc, set_state
from test_people import edit_data


def carried(app) -> dict:
    """{plan id: (the department the plan carries, its employee's)}."""
    with app.app_context():
        return {plan_id: (kept, own) for plan_id, kept, own in
                Plan.select(Plan.id, PLAN_AFDELING, Person.afdeling)
                .join(Person, on=(Plan.employee == Person.id)).tuples()}


def assert_carried(app, expected: dict) -> None:
    found = carried(app)
    assert {plan_id: kept for plan_id, (kept, _) in found.items()} == expected
    assert all(kept == own for kept, own in found.values()), found


def department_rows(client) -> dict:
    """The dashboard's table per department: {name: (plans, without a plan)}."""
    page = client.get("/dashboard?periode=2026")
    assert page.status_code == 200
    rows = doc(page).xpath('//table[@id="tabel-afdeling"]/tbody/tr')
    return {r.xpath("string(th)").strip(): tuple(int(c.text_content()) for c in r.xpath("td")[-2:]) for r in rows}


def test_every_way_of_moving_someone_moves_their_plans_and_the_kept_dashboard_shows_it(app, org, login):
    hr = login(org["hr"])
    a, b = org["plan_a"], org["plan_b"]
    set_state(app, a, "ontwikkelgesprek")
    set_state(app, b, "ontwikkelgesprek")
    assert_carried(app, {a: "A", b: "B"})
    # Drawn and kept: the same figures give the same page.
    assert department_rows(hr) == {"A": (1, 1), "B": (1, 1), "HR": (0, 1)} == department_rows(hr)

    # HR edits a person's department.
    assert hr.post(f"/mensen/{person_id(app, org['a'])}",
                   data=edit_data(app, org["a"], afdeling="B")).status_code == 302
    assert_carried(app, {a: "B", b: "B"})
    assert department_rows(hr) == {"A": (0, 1), "B": (2, 1), "HR": (0, 1)}

    # HR renames a department: everyone in it, and their plans, follow.
    with app.app_context():
        b_id = Department.get(Department.name == "B").id
    assert hr.post(f"/afdelingen/{b_id}", data={"name": "Klantenservice"}).status_code == 302
    assert_carried(app, {a: "Klantenservice", b: "Klantenservice"})
    assert department_rows(hr) == {"A": (0, 1), "Klantenservice": (2, 1), "HR": (0, 1)}

    # HR merges it into A (asked first, then confirmed with the number that moves).
    with app.app_context():
        a_id = Department.get(Department.name == "A").id
        moving = Person.select().where(Person.afdeling == "Klantenservice").count()
    merged = hr.post(f"/afdelingen/{b_id}/samenvoegen", data={"target": str(a_id), "confirmed": f"{a_id}:{moving}"})
    assert merged.status_code == 302
    assert_carried(app, {a: "A", b: "A"})
    assert department_rows(hr) == {"A": (2, 2), "HR": (0, 1)}

    # Any other writer (an import, the directory, a script) goes through the same triggers; a plan made
    # for someone, or given to someone else, takes their department.
    with app.app_context():
        newcomer = make_person("n@test.nl", "Nina", "Nieuw", afdeling="HR")
        plan_n = start_plan(newcomer, "pop-compact", "2026").id
        Person.update(afdeling="").where(Person.email == org["b"]).execute()
        Plan.update(employee=person_id(app, org["hr"])).where(Plan.id == a).execute()
    assert_carried(app, {a: "HR", b: "", plan_n: "HR"})


def person_id(app, email) -> int:
    with app.app_context():
        return Person.get(Person.email == email).id


def test_an_unchanged_department_writes_no_plan(app, org):
    """The person's trigger fires only for a changed department: saving someone's name rewrites none of
    their plans (on SQLite and PostgreSQL alike)."""
    with app.app_context():
        database.execute_sql("CREATE TABLE plan_writes (n INTEGER)")
        database.execute_sql("INSERT INTO plan_writes VALUES (0)")
        if on_postgres():
            database.execute_sql("CREATE FUNCTION count_plan_write() RETURNS trigger LANGUAGE plpgsql AS $$ "
                                 "BEGIN UPDATE plan_writes SET n = n + 1; RETURN NEW; END $$")
            database.execute_sql("CREATE TRIGGER count_plan_write AFTER UPDATE ON plan FOR EACH ROW "
                                 "EXECUTE FUNCTION count_plan_write()")
        else:
            database.execute_sql("CREATE TRIGGER count_plan_write AFTER UPDATE ON plan "
                                 "BEGIN UPDATE plan_writes SET n = n + 1; END")
        Person.update(voornaam="Anneke").where(Person.email == org["a"]).execute()
        Person.update(afdeling="A").where(Person.email == org["a"]).execute()  # the same department
        assert database.execute_sql("SELECT n FROM plan_writes").fetchone()[0] == 0
        Person.update(afdeling="B").where(Person.email == org["a"]).execute()
        assert database.execute_sql("SELECT n FROM plan_writes").fetchone()[0] == 1
        assert Plan.select(fn.COUNT(Plan.id)).where(PLAN_AFDELING == "B").scalar() == 2
