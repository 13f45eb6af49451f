"""The stamp of a plan's answers (pop/migrations/m0027_answer_stamps.py), which the kept plan pages are
checked by instead of reading every answer (pop/fragments.py Cells): every change of a plan's answers,
by the app or by any other program, gives the plan a new stamp in the same transaction, so a kept page
never outlives the answers it shows; a plan without a stamp is read by its answers; and a page is kept
only under the stamp of the answers it was drawn from. On SQLite and PostgreSQL."""
import pytest

from databases import on_postgres
from pop import fragments
from pop.db import database
from pop.models import Answer, Plan
from support import as_post, part_url, shown_values
from test_overview_queries import queries  # noqa: F401 (a fixture)
from test_page_cache import body, drawn  # noqa: F401 (drawn: a fixture)


def stamps(app) -> dict[int, int]:
    with app.app_context(), database.connection_context():
        return dict(database.execute_sql("SELECT plan_id, stamp FROM answer_stamp").fetchall())


def sql(app, statement: str, *params) -> None:
    """A write as another program makes it: plain SQL, no updated_at, nothing of the app's."""
    with app.app_context(), database.connection_context():
        if on_postgres():
            statement = statement.replace("?", "%s")
        database.execute_sql(statement, params)


def save_meer_doen(client, plan_id: int, text: str) -> None:
    url = part_url(plan_id, "fase-1")
    data = {**as_post(shown_values(client.get(url))), "meer_doen": text, "go": "stay"}
    assert client.post(url, data=data).status_code == 302
    client.get(url)  # "Opgeslagen." shown here, once: the next page may be kept


def pages(plan_id: int) -> dict[str, str]:
    """The kept plan pages. Fase II, not Fase I (where the text is typed), whose colleagues' feedback
    is drawn per request; the print view shows every answer."""
    return {"plans/overview.html": f"/plans/{plan_id}", "plans/part.html": part_url(plan_id, "fase-2"),
            "plans/print.html": f"/plans/{plan_id}/afdrukken"}


def test_every_change_of_a_plans_answers_gives_it_a_new_stamp(app, org, login):
    a, b = org["plan_a"], org["plan_b"]
    started = stamps(app)  # a plan starts with some answers filled in (the employee's name)
    save_meer_doen(login(org["a"]), a, "Oud")  # through the app: a delete and an insert
    seen = [started[a], stamps(app)[a]]
    assert stamps(app)[b] == started[b] and seen[0] != seen[1]

    def changed(statement, *params, plans=(a,)):
        before = stamps(app)
        sql(app, statement, *params)
        after = stamps(app)
        assert {p for p in set(before) | set(after) if before.get(p) != after.get(p)} == set(plans), statement
        seen.append(after[a])

    changed("UPDATE answer SET value = ? WHERE plan_id = ? AND field = 'meer_doen'", "Nieuw", a)
    changed("INSERT INTO answer (plan_id, field, row, \"column\", value) VALUES (?, 'extra', 0, '', 'x')", a)
    changed("DELETE FROM answer WHERE plan_id = ? AND field = 'extra'", a)
    changed("UPDATE answer SET plan_id = ? WHERE plan_id = ? AND field = 'meer_doen'", b, a, plans=(a, b))
    changed("UPDATE answer SET plan_id = ? WHERE plan_id = ? AND field = 'meer_doen'", a, b, plans=(a, b))
    # Plan b's row put in the place of one of plan a's, by its id: plan a lost an answer too.
    with app.app_context(), database.connection_context():
        taken = Answer.select(Answer.id).where((Answer.plan == a) & (Answer.field == "meer_doen")).scalar()
        other = Answer.select(Answer.id).where(Answer.plan == b).order_by(Answer.id).scalar()
    if on_postgres():
        changed("INSERT INTO answer (id, plan_id, field, row, \"column\", value) VALUES (?, ?, 'extra', 0, '', 'x') "
                "ON CONFLICT (id) DO UPDATE SET plan_id = EXCLUDED.plan_id, field = EXCLUDED.field, "
                "value = EXCLUDED.value", taken, b, plans=(a, b))
    else:  # SQLite fires no delete trigger for the row a REPLACE removes
        changed("INSERT OR REPLACE INTO answer (id, plan_id, field, row, \"column\", value) "
                "VALUES (?, ?, 'extra', 0, '', 'x')", taken, b, plans=(a, b))
        with app.app_context(), database.connection_context():
            taken = Answer.select(Answer.id).where(Answer.plan == a).order_by(Answer.id).scalar()
        changed("UPDATE OR REPLACE answer SET id = ? WHERE id = ?", taken, other, plans=(a, b))
    assert len(set(seen)) == len(seen), "each a stamp not had before"
    assert None not in seen
    with app.app_context(), database.connection_context():
        assert Answer.select().where(Answer.plan == a).count() > 0
        Plan.delete().where(Plan.id == a).execute()  # its answers with it
        assert Answer.select().where(Answer.plan == a).count() == 0
    assert stamps(app)[a] not in seen, "a plan deleted keeps its stamp row, with the last stamp new"
    if on_postgres():
        sql(app, "TRUNCATE answer")
        assert stamps(app) == {}, "a truncate removes every stamp: the plans are read by their answers"


def test_an_answer_changed_outside_the_app_shows_on_every_kept_page_at_once(app, org, login, drawn):  # noqa: F811
    anna = login(org["a"])
    save_meer_doen(anna, org["plan_a"], "Tekst van gisteren")
    for template, url in pages(org["plan_a"]).items():
        body(anna.get(url))
        drawn.clear()
        body(anna.get(url))
        assert drawn == [], f"{template}: kept"
    # Another program changes the answer (the plan's updated_at stays as it was).
    sql(app, "UPDATE answer SET value = ? WHERE plan_id = ? AND field = 'meer_doen'", "Tekst van vandaag",
        org["plan_a"])
    for template, url in pages(org["plan_a"]).items():
        drawn.clear()
        page = body(anna.get(url))
        assert template in drawn, f"{template}: drawn again"
    assert "Tekst van vandaag" in page and "Tekst van gisteren" not in page  # the print view


def without_stamp_triggers(app):
    """The stamps' triggers taken away, as if the stamps were left behind (a table emptied by hand)."""
    from pop.migrations.m0027_answer_stamps import POSTGRES_TRIGGERS, SQLITE_TRIGGERS
    for name in (POSTGRES_TRIGGERS if on_postgres() else SQLITE_TRIGGERS):
        sql(app, f"ALTER TABLE answer DISABLE TRIGGER {name}" if on_postgres() else f"DROP TRIGGER {name}")


def test_a_plan_without_a_stamp_is_read_by_its_answers(app, org, login, drawn):  # noqa: F811
    anna = login(org["a"])
    save_meer_doen(anna, org["plan_a"], "Eerste")
    sql(app, "DELETE FROM answer_stamp")
    without_stamp_triggers(app)
    url = pages(org["plan_a"])["plans/print.html"]
    assert "Eerste" in body(anna.get(url))
    drawn.clear()
    assert "Eerste" in body(anna.get(url))
    assert drawn == [], "kept, by its answers"
    sql(app, "UPDATE answer SET value = 'Tweede' WHERE plan_id = ? AND field = 'meer_doen'", org["plan_a"])
    assert stamps(app) == {}
    page = body(anna.get(url))
    assert "Tweede" in page and "Eerste" not in page and "plans/print.html" in drawn


@pytest.mark.parametrize("stamp", ["renewed", "gone"])
@pytest.mark.parametrize("template", list(pages(0)))
def test_a_page_is_kept_only_under_the_stamp_of_the_answers_it_shows(app, org, login, monkeypatch, drawn,  # noqa: F811
                                                                      template, stamp):
    """A change committed after the page's stamp was read and before its answers were: the page shows
    the newer answers, so it is not kept under the older stamp. Were it kept, the older stamp coming
    back with its answers (a backup restored under a running server) would bring the newer text. The
    same when the stamp row went (deleted by hand) while a program without the triggers changed the
    answer: a stamp that is gone after drawing is not the stamp the page was drawn under."""
    anna = login(org["a"])
    plan_id = org["plan_a"]
    save_meer_doen(anna, plan_id, "Van voor de wijziging")
    url = pages(plan_id)[template]
    old = stamps(app)[plan_id]
    fragments.pages_of(app).clear()
    real = fragments._read_cells
    raced = []

    def read_after_a_change(read_id):
        if not raced:
            raced.append(read_id)
            if stamp == "gone":
                without_stamp_triggers(app)
                sql(app, "DELETE FROM answer_stamp WHERE plan_id = ?", plan_id)
            sql(app, "UPDATE answer SET value = 'Van na de wijziging' WHERE plan_id = ? AND field = 'meer_doen'", plan_id)
        return real(read_id)
    monkeypatch.setattr(fragments, "_read_cells", read_after_a_change)
    anna.get(url)
    assert raced == [plan_id] and stamps(app).get(plan_id) != old
    # The backup of before the change restored: the old answer under the old stamp.
    sql(app, "UPDATE answer SET value = 'Van voor de wijziging' WHERE plan_id = ? AND field = 'meer_doen'", plan_id)
    sql(app, "DELETE FROM answer_stamp WHERE plan_id = ?", plan_id)
    sql(app, "INSERT INTO answer_stamp (plan_id, stamp) VALUES (?, ?)", plan_id, old)
    drawn.clear()
    page = body(anna.get(url))
    assert template in drawn, "drawn: nothing was kept under the old stamp"
    if template == "plans/print.html":
        assert "Van voor de wijziging" in page and "Van na de wijziging" not in page


@pytest.mark.skipif(not on_postgres(), reason="SQLite writes one transaction at a time")
def test_a_save_and_another_programs_change_of_the_same_answer_both_commit(app, org):
    """A save of the app locks its plan, then deletes and inserts the part's cells (pop/saving.py);
    another program updates one of those cells in a statement of its own meanwhile. The stamp's
    trigger takes no plan lock, so the program's statement waits for nothing and the save then waits
    for its cell: both commit, the save last. With the plan locked in the trigger the program held the
    cell and waited for the plan, the save held the plan and waited for the cell: a deadlock."""
    import threading
    import time

    import psycopg2

    plan_id = org["plan_a"]
    cell = "plan_id = %s AND field = 'medewerker_naam'"
    save, other = (psycopg2.connect(app.config["DATABASE_URL"]) for _ in range(2))
    other.autocommit = True
    failures = []
    try:
        with save.cursor() as cursor:
            cursor.execute("SELECT id FROM plan WHERE id = %s FOR UPDATE", (plan_id,))

        def programme():
            try:
                with other.cursor() as cursor:
                    cursor.execute(f"UPDATE answer SET value = 'Van een ander programma' WHERE {cell}", (plan_id,))
            except psycopg2.Error as error:
                failures.append(error)
        writer = threading.Thread(target=programme)
        writer.start()
        deadline = time.monotonic() + 10
        with psycopg2.connect(app.config["DATABASE_URL"]) as watch, watch.cursor() as cursor:
            while writer.is_alive() and time.monotonic() < deadline:  # done, or waiting for a lock
                cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()")
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.02)
            watch.rollback()
        with save.cursor() as cursor:
            cursor.execute(f"DELETE FROM answer WHERE {cell}", (plan_id,))
            cursor.execute("INSERT INTO answer (plan_id, field, row, \"column\", value) "
                           "VALUES (%s, 'medewerker_naam', 0, '', 'Van de app')", (plan_id,))
            cursor.execute("UPDATE plan SET updated_at = now() WHERE id = %s", (plan_id,))
        save.commit()
        writer.join(30)
        assert not writer.is_alive() and failures == []
    finally:
        save.close()
        other.close()
    with app.app_context(), database.connection_context():
        assert [a.value for a in Answer.select().where((Answer.plan == plan_id)
                                                       & (Answer.field == "medewerker_naam"))] == ["Van de app"]


def with_a_previous_cycle(app, plan_id: int, learned: str) -> int:
    """A plan of 2025 (afgerond) before plan_id, with how its employee learned (its evaluation): its id."""
    from pop import answers

    with app.app_context(), database.connection_context():
        plan = Plan.get_by_id(plan_id)
        before = Plan.create(employee=plan.employee, form_key=plan.form_key, period="2025", status="afgerond")
        answers.save(before, {"hoe_geleerd": learned})
        Plan.update(previous=before).where(Plan.id == plan.id).execute()
        return before.id


def test_the_previous_cycle_beside_a_part_is_checked_by_its_stamp_too(app, org, login, drawn, queries):  # noqa: F811
    """A part page shows the previous cycle's goals and evaluation beside it: kept under that plan's row
    and the stamp of its answers, so a change of them (here by another program) shows at once, and a
    look at the kept page reads neither plan's answers."""
    anna = login(org["a"])
    before = with_a_previous_cycle(app, org["plan_a"], "Door te oefenen in 2025")
    url = pages(org["plan_a"])["plans/part.html"]
    assert "Door te oefenen in 2025" in body(anna.get(url))
    drawn.clear()
    del queries[:]
    assert "Door te oefenen in 2025" in body(anna.get(url))
    assert drawn == [], "kept"
    assert not [q for q in queries if 'FROM "answer"' in q], queries
    sql(app, "UPDATE answer SET value = 'Door te lezen in 2025' WHERE plan_id = ? AND field = 'hoe_geleerd'",
        before)
    page = body(anna.get(url))
    assert "Door te lezen in 2025" in page and "Door te oefenen" not in page and "plans/part.html" in drawn


def test_a_part_is_kept_only_under_the_stamp_of_the_previous_cycle_it_shows(app, org, login, monkeypatch,
                                                                           drawn):  # noqa: F811
    """As for the plan's own answers: the previous cycle's changing between the read of its stamp and of
    its answers leaves the page drawn from them unkept."""
    anna = login(org["a"])
    before = with_a_previous_cycle(app, org["plan_a"], "Van voor de wijziging")
    url = pages(org["plan_a"])["plans/part.html"]
    old = stamps(app)[before]
    fragments.pages_of(app).clear()
    real = fragments._read_cells
    raced = []

    def read_after_a_change(read_id):
        if read_id == before and not raced:
            raced.append(read_id)
            sql(app, "UPDATE answer SET value = 'Van na de wijziging' WHERE plan_id = ? AND field = 'hoe_geleerd'",
                before)
        return real(read_id)
    monkeypatch.setattr(fragments, "_read_cells", read_after_a_change)
    assert "Van na de wijziging" in body(anna.get(url))
    assert raced == [before]
    sql(app, "UPDATE answer SET value = 'Van voor de wijziging' WHERE plan_id = ? AND field = 'hoe_geleerd'", before)
    sql(app, "UPDATE answer_stamp SET stamp = ? WHERE plan_id = ?", old, before)
    drawn.clear()
    page = body(anna.get(url))
    assert "plans/part.html" in drawn, "drawn: nothing was kept under the old stamp"
    assert "Van voor de wijziging" in page and "Van na de wijziging" not in page
