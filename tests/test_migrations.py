"""Upgrades keep every answer: a database of release 0.1 (before migrations) is upgraded at start and
every person, plan, answer, template and export job is found intact; the migrated schema is the
models' schema; concurrent starts, a failing migration, status and backup."""
import os
import subprocess
import sys
import sqlite3
import types
from pathlib import Path

import pytest

from app import create_app
from conftest import Client, text_of
from databases import on_postgres
from old_schema import TABLES, make_release_0_1, rows_of
from pop import schema
from pop.db import database
from pop.models import MODELS

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "demo-pop-2026"
# Gone on purpose in m0002 (throttling moved to its own table); everything else must survive.
# Columns added since 0.1, with what the upgrade gives the rows that were there.
ADDED = {"exporttemplate": {"report": None, "preview": None},  # m0006: made when HR opens the report
         # m0011: given by the first import from the HR system; m0014: set when someone leaves, is erased
         "person": {"personeelsnummer": None, "left_at": None, "erased_at": None},
         # m0018: a job of before kept no plans, and never ran on the queue
         "exportjob": {"plan_ids": "", "attempt": 1, "worker": "", "started_at": None, "heartbeat_at": None},
         # m0017: a plan's planned costs (none in 0.1's plans, whose form had no Costs field)
         "plan": {"costs_euro": None, "costs_uren": None}}
DROPPED = {"person": {"failed_logins", "locked_until"}}


def new_status(plan_row, before):
    """m0003: concept was open to the manager already (ontwikkelgesprek); lopend with both akkoorden is
    uitvoering, without them ontwikkelgesprek."""
    signed = {a["field"] for a in before["answer"] if a["plan_id"] == plan_row["id"] and a["column"] == "naam"}
    both = {"akkoord_medewerker", "akkoord_leidinggevende"} <= signed
    return {"concept": "ontwikkelgesprek", "afgerond": "afgerond"}.get(
        plan_row["status"], "uitvoering" if both else "ontwikkelgesprek")


def progress_of(plan_id):
    """m0020: the plan's progress per part by the plan page's rule over its answers (pop/progress.py)."""
    from pop import answers, progress
    from pop.models import Plan

    plan = Plan.get_by_id(plan_id)
    return progress.summary(answers.form_of(plan), answers.load(plan))


def start(url, tmp_path):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})


def current_rows(table):
    cursor = database.execute_sql(f'SELECT * FROM "{table}" ORDER BY id')
    return rows_of_cursor(cursor)


def rows_of_cursor(cursor):
    from old_schema import _plain
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, r)} for r in cursor.fetchall()]


def test_a_release_0_1_database_upgrades_on_start_with_nothing_lost(database_url, tmp_path):
    before = make_release_0_1(database_url)
    assert len(before["answer"]) > 50 and before["exporttemplate"] and before["exportjob"]
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert schema.pending(database) == []
        for table in TABLES:
            after = current_rows(table)
            expected = [{**{k: v for k, v in r.items() if k not in DROPPED.get(table, ())},
                         **ADDED.get(table, {})} for r in before[table]]
            if table == "plan":
                people = {p["id"]: p for p in before["person"]}
                expected = [{**r, "status": new_status(r, before), "version": 1, "previous_id": None,
                             "progress": progress_of(r["id"]),
                             "afdeling": people[r["employee_id"]]["afdeling"]} for r in expected]  # m0024
            assert after == expected, table
        assert [r["status"] for r in current_rows("plan")] == [
            "uitvoering", "ontwikkelgesprek", "ontwikkelgesprek", "afgerond"]  # lopend x2, concept, afgerond
        # The signed plans (Eva's, running, and Lotte's, afgerond): their agreed content is version 1,
        # every cell of it.
        versions = current_rows("planversion")
        assert [(v["plan_id"], v["number"]) for v in versions] == [(1, 1), (4, 1)]
        import json
        for v in versions:
            cells = {tuple(c) for c in json.loads(v["cells"])}
            assert cells == {(a["field"], a["row"], a["column"], a["value"]) for a in before["answer"]
                             if a["plan_id"] == v["plan_id"]}

    # And the app works on it: the people log in with their old passwords, the answers show.
    daan = Client(app)
    assert daan.login("daan.smit@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    plan_id = next(r["plan_id"] for r in before["answer"] if "😀" in r["value"])
    page = daan.get(f"/plans/{plan_id}/fase-1")
    assert page.status_code == 200
    assert "Tekst met ‘quotes’, é, 😀, <b>html</b> & =1+1" in text_of(page)
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    assert "Eigen sjabloon.docx" in text_of(hr.get("/sjablonen"))
    download = hr.get(f"/plans/{plan_id}/download.docx")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "alle plannen" in text_of(hr.get("/export"))  # the export job of 0.1 is listed


def test_upgrading_twice_changes_nothing(database_url, tmp_path):
    make_release_0_1(database_url)
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        first = schema.applied(database)
        assert schema.upgrade(database) == []
        assert schema.applied(database) == first
        assert set(first) == {m.name for m in schema.known()}


def _columns(table):
    return {c.name: c.null for c in database.get_columns(table)}


# Columns the database's triggers keep and no model writes (m0024: each plan's department).
KEPT_BY_DATABASE = {"plan": {"afdeling": False}}


def test_the_migrated_schema_is_the_models_schema(app):
    """A model changed without its migration fails here (a column the database lacks, or one left
    over, or a changed NULL rule)."""
    with app.app_context(), database.connection_context():
        for model in MODELS:
            table = model._meta.table_name
            expected = {f.column_name: f.null for f in model._meta.sorted_fields} | KEPT_BY_DATABASE.get(table, {})
            assert _columns(table) == expected, table
            indexed = {tuple(i.columns) for i in database.get_indexes(table)}
            for fields, _unique in model._meta.indexes:
                columns = tuple(model._meta.fields[f].column_name for f in fields)
                assert columns in indexed, (table, columns)


def test_a_failing_migration_leaves_the_database_as_it_was(database_url, tmp_path, monkeypatch):
    make_release_0_1(database_url)
    broken = types.ModuleType("pop.migrations.m9999_broken")

    def upgrade(db, migrator):
        db.execute_sql('CREATE TABLE "half_done" (id INTEGER)')
        raise RuntimeError("kapot")

    broken.upgrade = upgrade
    monkeypatch.setitem(sys.modules, broken.__name__, broken)
    real_known = schema.known
    monkeypatch.setattr(schema, "known", lambda: real_known() + [schema.Migration("m9999_broken", "")])
    with pytest.raises(RuntimeError, match="kapot"):
        start(database_url, tmp_path)
    db = database.obj
    db.connect(reuse_if_open=True)
    try:
        assert not db.table_exists("half_done")
        assert not db.table_exists("loginthrottle")  # m0002 went back too: one transaction
        assert schema.applied(db) == {}
        assert "failed_logins" in {c.name for c in db.get_columns("person")}
    finally:
        db.close()


UPGRADE_IN_CHILD = """
import sys
sys.path.insert(0, {root!r})
from app import create_app
create_app({{"SECRET_KEY": "x", "DATABASE_URL": {url!r}}})
print("ok")
"""


def test_two_workers_starting_at_once_upgrade_once(database_url, tmp_path):
    make_release_0_1(database_url)
    code = UPGRADE_IN_CHILD.format(root=str(ROOT), url=database_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
    results = [c.communicate(timeout=120) for c in children]
    for child, (out, err) in zip(children, results):
        # The last line: the application log (pop/logs.py) writes to standard output too.
        assert child.returncode == 0 and out.strip().splitlines()[-1] == "ok", err
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        cursor = database.execute_sql('SELECT name, COUNT(*) FROM "schema_migrations" GROUP BY name')
        assert dict(cursor.fetchall()) == {m.name: 1 for m in schema.known()}


def flask_cli(url, *args, cwd):
    env = {**os.environ, "DATABASE_URL": url, "POP_SECRET_KEY": "x"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", str(ROOT / "app.py"), *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_status_backup_and_upgrade_by_hand(database_url, tmp_path):
    before = make_release_0_1(database_url)
    status = flask_cli(database_url, "db", "status", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "m0001_release_0_1" in status.stdout and "NOG NIET TOEGEPAST" in status.stdout
    assert f"{len(schema.known())} migratie(s) wachten." in status.stdout

    target = tmp_path / ("kopie.sqlite3" if not on_postgres() else "kopie.dump")
    backup = flask_cli(database_url, "db", "backup", "--output", str(target), cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert f"Reservekopie gemaakt: {target}" in backup.stdout
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    if on_postgres():
        assert target.read_bytes()[:5] == b"PGDMP"
    else:
        # The copy is the database as it was before the upgrade: restoring it is copying it back.
        con = sqlite3.connect(target)
        assert rows_of(con.cursor(), "answer") == before["answer"]
        assert "failed_logins" in {r[1] for r in con.execute("PRAGMA table_info(person)")}
        con.close()

    upgrade = flask_cli(database_url, "db", "upgrade", cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Toegepast: " + ", ".join(m.name for m in schema.known()) in upgrade.stdout
    status = flask_cli(database_url, "db", "status", cwd=tmp_path)
    assert "NOG NIET TOEGEPAST" not in status.stdout and "De database is bijgewerkt." in status.stdout
    again = flask_cli(database_url, "db", "upgrade", cwd=tmp_path)
    assert "De database was al bijgewerkt." in again.stdout


def test_other_commands_upgrade_first(database_url, tmp_path):
    make_release_0_1(database_url)
    result = flask_cli(database_url, "export", "--plan", "1", "--format", "xlsx", "--output",
                       str(tmp_path / "p.xlsx"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.xlsx").read_bytes()[:2] == b"PK"
    status = flask_cli(database_url, "db", "status", cwd=tmp_path)
    assert "De database is bijgewerkt." in status.stdout


def after_a_rebuild(table, database_url, tmp_path, monkeypatch):
    """(the rows of release 0.1, the app) after the migrations and one more that adds a column `extra`
    to table: on SQLite a rebuild of the table (add, fill, NOT NULL)."""
    from peewee import IntegerField

    before = make_release_0_1(database_url)
    rebuild = types.ModuleType(f"pop.migrations.m9998_rebuild_{table}")

    def upgrade(db, migrator):
        migrator.add_column(table, "extra", IntegerField(default=7)).run()

    rebuild.upgrade = upgrade
    monkeypatch.setitem(sys.modules, rebuild.__name__, rebuild)
    real_known = schema.known
    monkeypatch.setattr(schema, "known",
                        lambda: real_known() + [schema.Migration(rebuild.__name__.rsplit(".", 1)[1], "")])
    return before, start(database_url, tmp_path)


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_refer_to_it(database_url, tmp_path,
                                                                            monkeypatch):
    """SQLite makes a column NOT NULL by rebuilding its table; with foreign keys on, dropping the old
    plan table ran ON DELETE CASCADE and every answer was gone (found writing m0003)."""
    before, app = after_a_rebuild("plan", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert len(current_rows("answer")) == len(before["answer"])
        assert {r["extra"] for r in current_rows("plan")} == {7}
        if not on_postgres():
            assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1  # on again
        # m0024's triggers on the rebuilt plan table are back (pop/schema.py restore()), and the one on
        # person, which writes plan, did not stop the rebuild.
        from pop.migrations.m0024_plan_department import TRIGGERS
        from pop.models import PLAN_AFDELING, Person, Plan
        assert set(TRIGGERS) <= triggers()
        plan = Plan.select().order_by(Plan.id).first()
        Person.update(afdeling="Na de verbouwing").where(Person.id == plan.employee_id).execute()
        assert Plan.select(PLAN_AFDELING).where(Plan.id == plan.id).scalar() == "Na de verbouwing"
        other = Person.select().where(Person.id != plan.employee_id).order_by(Person.id).first()
        Plan.update(employee=other.id).where(Plan.id == plan.id).execute()
        assert Plan.select(PLAN_AFDELING).where(Plan.id == plan.id).scalar() == other.afdeling != "Na de verbouwing"
        # And m0026's, which keep HR's tallies: these moves are in them.
        from pop.migrations import m0026_tallies
        from test_tallies import tallied, truth
        assert set(m0026_tallies.POSTGRES_TRIGGERS if on_postgres() else m0026_tallies.SQLITE_TRIGGERS) <= triggers()
        assert tallied() == truth()


def all_rows(table):
    return rows_of_cursor(database.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1'))


def rows_as_before(table, before):
    """The table's rows in the columns it had before (a later step may add one, e.g. m0011's
    person.personeelsnummer; that step's own test checks what the new column holds)."""
    columns = set(before[0]) if before else set()
    return [{k: v for k, v in r.items() if k in columns} for r in all_rows(table)]


ALL_MIGRATIONS = schema.known  # as the app has them, before a test narrows them down


def before_migration(name, database_url, tmp_path, monkeypatch):
    """The app on a database of release 0.1 brought up to just before migration `name`."""
    make_release_0_1(database_url)
    monkeypatch.setattr(schema, "known", lambda: [m for m in ALL_MIGRATIONS() if m.name < name])
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert name not in schema.applied(database)
    return app


def every_row() -> dict:
    """Each table's rows (but the migrations' own record), to compare after an upgrade."""
    return {t: all_rows(t) for t in sorted(database.get_tables()) if t != schema.TABLE}


def after_migration(name, before, database_url, tmp_path, monkeypatch, strict=False):
    """The app after upgrading the rest of the way. Checked first with `name` as the last step applied:
    every row of `before` as it was (in the columns it had then; strict: with no column added either),
    which later steps adding columns of their own do not change."""
    monkeypatch.setattr(schema, "known", lambda: [m for m in ALL_MIGRATIONS() if m.name <= name])
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert name in schema.applied(database) and schema.pending(database) == []
        for table, rows in before.items():
            assert (all_rows(table) if strict else rows_as_before(table, rows)) == rows, table
    monkeypatch.setattr(schema, "known", ALL_MIGRATIONS)
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert schema.pending(database) == []
    return app


def test_m0007_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0007 adds the organisation's tables (formsetting, placement, budget) to a database that m0006
    left, with data in every table of that schema (audit log, reminders, a template's report): every
    row is found as it was, the new tables start empty, and the app works on it with every form in use."""
    import datetime as dt

    from pop.models import AuditEntry, Plan, Reminder

    app = before_migration("m0007_organisation", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("placement")
        plan = Plan.select(Plan.id, Plan.employee).order_by(Plan.id).first()  # columns of later steps: not yet
        # plan.employee would select every column of today's Person, some of which come later (m0011).
        AuditEntry.create(plan=plan, person=plan.employee_id, person_name="Oude naam", action="bekeken")
        Reminder.create(plan=plan, kind="gesprek-7", day=dt.date(2026, 3, 1), recipients="a@b.nl")
        database.execute_sql('UPDATE "exporttemplate" SET "report" = \'{"notes": []}\'')
        before = every_row()
        assert before["auditentry"] and before["reminder"] and before["answer"]

    app = after_migration("m0007_organisation", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        for table in ("formsetting", "placement", "budget"):
            assert current_rows(table) == [], table
        from forms import DEFAULT_FORM, FORMS
        from pop import organisation
        assert [f.key for f in organisation.enabled_forms()] == list(FORMS)
        assert organisation.default_form() == DEFAULT_FORM
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    page = hr.get("/plans/nieuw")
    assert page.status_code == 200
    for definition in FORMS.values():
        assert definition.title in text_of(page)
    assert hr.get("/matrix").status_code == 200 and hr.get("/budget").status_code == 200


def test_m0008_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0008 adds the drafts of saves made after a session ended to a database that m0007 left, with
    data in its tables (a budget, a placement): every row is as it was, drafts start empty, and a
    save after a session ended is kept and given back on it."""
    from decimal import Decimal

    from pop.models import Budget, Person, Placement

    app = before_migration("m0008_drafts", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("draft")
        person = Person.select(Person.id).order_by(Person.id).first()  # columns of later steps: not yet
        Budget.create(person=person, year="2026", euro=Decimal("1250.50"))
        Placement.create(person=person, period="2026", prestaties="plus", potentie="min")
        before = every_row()
        assert before["budget"] and before["placement"] and before["answer"]

    app = after_migration("m0008_drafts", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert current_rows("draft") == []


def test_m0010_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0010 adds the blank uploads (HR's own blank form while HR looks at the proposal) to a database
    the migrations before it left, with data in it (a draft, an uploaded template): every row is as it
    was, and a blank upload can be kept and read back."""
    from pop.models import BlankUpload, Draft, ExportTemplate, Person, Plan

    app = before_migration("m0010_blank_uploads", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("blankupload")
        person = Person.select(Person.id).order_by(Person.id).first()  # columns of later steps: not yet
        Draft.create(token="t" * 64, person=person, plan=Plan.select(Plan.id).first(), part_key="fase-1",
                     kind="onderdeel", data='[["meer_doen", "bewaard"]]')
        ExportTemplate.create(form_key="pop-uitgebreid", format="docx", name="eigen.docx", data=b"PK..",
                              sha256="0" * 64)
        before = every_row()
        assert before["draft"] and before["exporttemplate"] and before["answer"]

    app = after_migration("m0010_blank_uploads", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert current_rows("blankupload") == []
        kept = BlankUpload.create(form_key="pop-uitgebreid", format="docx", name="blanco.docx",
                                  data=b"\x00PK\xff", uploaded_by=person)
        assert bytes(BlankUpload.get_by_id(kept.id).data) == b"\x00PK\xff"


def test_m0012_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0012 adds the one-time password links (invitations, resets) to a database the migrations before
    it left, with data in it (a draft, a blank upload, a password): every row is as it was, the old
    password still logs in, and a token can be stored and read back."""
    import datetime as dt

    from pop.models import AccountToken, BlankUpload, Draft, Person, Plan

    app = before_migration("m0012_account_tokens", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("accounttoken")
        person = Person.select(Person.id).order_by(Person.id).first()  # columns of later steps: not yet
        Draft.create(token="u" * 64, person=person, plan=Plan.select(Plan.id).first(), part_key="fase-1",
                     kind="onderdeel", data='[["meer_doen", "bewaard"]]')
        BlankUpload.create(form_key="pop-uitgebreid", format="docx", name="blanco.docx", data=b"PK..",
                           uploaded_by=person)
        before = every_row()
        assert before["draft"] and before["blankupload"] and before["answer"] and before["person"]

    app = after_migration("m0012_account_tokens", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert current_rows("accounttoken") == []
        until = dt.datetime(2030, 1, 1, 12, 0)
        kept = AccountToken.create(token_hash="a" * 64, purpose="uitnodiging", person=person,
                                   expires_at=until)
        again = AccountToken.get_by_id(kept.id)
        assert (again.token_hash, again.person_id, again.expires_at, again.used_at) == (
            "a" * 64, person.id, until, None)
        assert Person.get(Person.email == "hr@voorbeeld.nl").password_hash.startswith("scrypt:32768:8:1$")
    # The release's hash (Werkzeug's scrypt default, N=2^15) still logs in, and is redone with the app's
    # own parameters (this app has no cheap test method set): the real upgrade path of every account.
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    with app.app_context(), database.connection_context():
        assert Person.get(Person.email == "hr@voorbeeld.nl").password_hash.startswith("scrypt:131072:8:1$")
    assert Client(app).login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302


def test_m0011_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0011 adds the personeelsnummer to person and the peopleimport table to a database that m0010
    left, with data in it (a blank upload, people with plans): every row is as it was with an empty
    personeelsnummer, people log in as before, and numbers are unique but may be empty for many."""
    from peewee import IntegrityError

    from pop.models import BlankUpload, PeopleImport, Person

    app = before_migration("m0011_personeelsnummer", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert "personeelsnummer" not in {c.name for c in database.get_columns("person")}
        assert not database.table_exists("peopleimport")
        person = Person.select(Person.id).order_by(Person.id).first()
        BlankUpload.create(form_key="pop-uitgebreid", format="docx", name="blanco.docx", data=b"PK",
                           uploaded_by=person)
        before = every_row()
        assert before["blankupload"] and before["answer"] and len(before["person"]) > 3

    monkeypatch.setattr(schema, "known", ALL_MIGRATIONS)
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert "m0011_personeelsnummer" in schema.applied(database)
        for table in before:
            expected = before[table]
            # Later steps add columns of their own (m0018 to exportjob): the columns it had before.
            rows = all_rows(table) if table == "person" else rows_as_before(table, expected)
            if table == "person":  # in the columns it has after m0011 (later steps add their own)
                expected = [{**r, "personeelsnummer": None} for r in expected]
                rows = [{k: r[k] for k in expected[0]} for r in rows]
            assert rows == expected, table
        assert current_rows("peopleimport") == []
        first, second = Person.select().order_by(Person.id)[:2]
        Person.update(personeelsnummer="1001").where(Person.id == first.id).execute()
        with pytest.raises(IntegrityError), database.atomic():
            Person.update(personeelsnummer="1001").where(Person.id == second.id).execute()
        kept = PeopleImport.create(name="export.csv", data=b"a;b\r\n", mapping="[]", uploaded_by=first)
        assert bytes(PeopleImport.get_by_id(kept.id).data) == b"a;b\r\n"
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    assert "Daan" in text_of(hr.get("/mensen/"))


def test_m0013_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0013 adds the security log to a database the migrations before it left, with data in it (an
    account token, a people import, a personeelsnummer): every row is as it was, the log starts empty,
    and a failed log-in is written to it with the person's name."""
    import datetime as dt

    from pop.models import AccountToken, PeopleImport, Person, SecurityEvent

    app = before_migration("m0013_security_log", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("securityevent")
        person = Person.select(Person.id).order_by(Person.id).first()  # without m0014's columns
        Person.update(personeelsnummer="1001").where(Person.id == person.id).execute()
        AccountToken.create(token_hash="b" * 64, purpose="herstel", person=person,
                            expires_at=dt.datetime(2030, 1, 1))
        PeopleImport.create(name="export.csv", data=b"a;b\r\n", mapping="[]", uploaded_by=person)
        before = every_row()
        assert before["accounttoken"] and before["peopleimport"] and before["answer"]

    app = after_migration("m0013_security_log", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        assert current_rows("securityevent") == []
    assert Client(app).login("hr@voorbeeld.nl", "niet-het-wachtwoord").status_code == 200
    with app.app_context(), database.connection_context():
        line = SecurityEvent.get()
        hr = Person.get(Person.email == "hr@voorbeeld.nl")
        assert (line.kind, line.subject_id, line.subject_name, line.actor_id) == (
            "inloggen_mislukt", hr.id, hr.naam, None)


def test_m0014_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0014 adds when a person left and was erased, and HR's settings, to a database that m0013 left
    with data in it (an inactive person, a security log line): every row is as it was with both dates
    empty (an inactive person's leaving date was never recorded, so none is invented), the settings
    start empty so their defaults hold, and a setting HR saves is read back."""
    from pop import settings
    from pop.models import Person, SecurityEvent

    app = before_migration("m0014_leavers_and_settings", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert "left_at" not in {c.name for c in database.get_columns("person")}
        person = Person.select(Person.id).order_by(Person.id.desc()).first()
        Person.update(active=False).where(Person.id == person.id).execute()
        SecurityEvent.create(kind="inloggen_mislukt", subject=person, subject_name="Iemand")
        before = every_row()
        assert before["securityevent"] and before["answer"]

    monkeypatch.setattr(schema, "known", ALL_MIGRATIONS)
    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert "m0014_leavers_and_settings" in schema.applied(database)
        for table, rows in before.items():
            now = all_rows(table) if table == "person" else rows_as_before(table, rows)
            if table == "person":  # in the columns it has after m0014 (later steps add their own)
                rows = [{**r, "left_at": None, "erased_at": None} for r in rows]
                now = [{k: r[k] for k in rows[0]} for r in now]
            assert now == rows, table
        assert current_rows("setting") == []
        assert settings.get(settings.RETENTION_MONTHS) == 24
        assert settings.get(settings.CREATE_UNKNOWN_ON_LOGIN) is False
        settings.put(settings.RETENTION_MONTHS, 36, Person.get_by_id(person.id))
        settings.put(settings.RETENTION_MONTHS, 30, None)
        assert settings.get(settings.RETENTION_MONTHS) == 30
        assert len(current_rows("setting")) == 1
    assert Client(app).login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302


def test_m0015_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0015 adds the colleagues' feedback to a database that m0014 left with data in it (a setting, a
    leaving date): every row is as it was, with no column added, and the table starts empty."""
    import datetime as dt

    from pop import settings
    from pop.models import FeedbackRequest, Person, Plan

    app = before_migration("m0015_colleague_feedback", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not database.table_exists("feedbackrequest")
        settings.put(settings.CREATE_UNKNOWN_ON_LOGIN, True, None)
        Person.update(left_at=dt.datetime(2026, 1, 31)).where(
            Person.id == Person.select(Person.id).order_by(Person.id.desc()).first().id).execute()
        before = every_row()
        assert before["setting"] and before["answer"]

    app = after_migration("m0015_colleague_feedback", before, database_url, tmp_path, monkeypatch,
                          strict=True)
    with app.app_context(), database.connection_context():
        assert current_rows("feedbackrequest") == []
        plan = Plan.select().order_by(Plan.id).first()
        request = FeedbackRequest.create(plan=plan, colleague_name="Collega", email="c@voorbeeld.nl",
                                         expires_at=dt.datetime(2030, 1, 1), sterk="Goed in overzicht")
        assert FeedbackRequest.get_by_id(request.id).sterk == "Goed in overzicht"
    assert Client(app).login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302


def test_m0016_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0016 gives a feedback request the hash of its reminder's link, on a database that m0015 left with
    a request in it: every row is as it was, the new column is empty, and it holds a hash once, like the
    first link's."""
    import datetime as dt

    from peewee import IntegrityError

    from pop.models import FeedbackRequest, Plan

    app = before_migration("m0016_feedback_reminder_link", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        plan_id = Plan.select(Plan.id).order_by(Plan.id).scalar()
        database.execute_sql(
            'INSERT INTO "feedbackrequest" (plan_id, colleague_name, email, token_hash, created_at, '
            'expires_at, sterk, verbeteren) VALUES (%s)' % ", ".join([database.param] * 8),
            (plan_id, "Collega", "c@voorbeeld.nl", "a" * 64, dt.datetime(2026, 1, 1),
             dt.datetime(2026, 1, 31), "Goed in overzicht", ""))
        before = every_row()
        assert len(before["feedbackrequest"]) == 1

    app = after_migration("m0016_feedback_reminder_link", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        row = FeedbackRequest.get()
        assert row.reminder_token_hash is None and row.sterk == "Goed in overzicht"
        FeedbackRequest.update(reminder_token_hash="b" * 64).execute()
        with pytest.raises(IntegrityError), database.atomic():
            FeedbackRequest.create(plan=plan_id, colleague_name="Ander", email="d@voorbeeld.nl",
                                   expires_at=dt.datetime(2030, 1, 1), reminder_token_hash="b" * 64)
    assert Client(app).login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302


def test_m0017_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0017 adds the lists' indexes (pop/listing.py) and each plan's planned costs to a database that
    m0016 left with data in it: every row is as it was, the costs are the totals of each plan's Costs
    field (a cell that is no amount counts as nothing), each index is there afterwards, HR's lists work
    on it, and saving the costs keeps the totals from then on."""
    from decimal import Decimal

    from pop import answers
    from pop.migrations.m0017_lists import INDEXES
    from pop.models import Plan

    def indexed(table):
        return {tuple(i.columns) for i in database.get_indexes(table)}

    app = before_migration("m0017_lists", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert all(columns not in indexed(table) for table, columns in INDEXES)
        first, second = [i for (i,) in database.execute_sql('SELECT "id" FROM "plan" ORDER BY "id"').fetchall()[:2]]
        cells = [(first, "opleiding__euro", "950.00"), (first, "reis__euro", "49.95"),
                 (first, "opleiding__uren", "14.00"), (first, "werktijd__uren", "geen getal"),
                 (second, "werktijd__uren", "2.50")]
        for plan_id, column, value in cells:
            database.execute_sql('INSERT INTO "answer" ("plan_id", "field", "row", "column", "value") VALUES '
                                 f'({", ".join([database.param] * 5)})', (plan_id, "kosten_pob", 0, column, value))
        before = every_row()
        assert before["person"] and before["plan"] and before["answer"]

    app = after_migration("m0017_lists", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert all(columns in indexed(table) for table, columns in INDEXES)
        costs = {p.id: (p.costs_euro, p.costs_uren) for p in Plan.select()}
        assert costs.pop(first) == (Decimal("999.95"), Decimal("14.00"))
        assert costs.pop(second) == (Decimal("0.00"), Decimal("2.50"))
        assert set(costs.values()) == {(None, None)}
        plan = Plan.get_by_id(second)
        field = answers.form_of(plan).field("kosten_pob")
        value = field.empty()
        value[field.rows[0].key] = {"euro": Decimal("10.50"), "uren": None}
        answers.save(plan, {"kosten_pob": value})
        assert (Plan.get_by_id(second).costs_euro, Plan.get_by_id(second).costs_uren) == (Decimal("10.50"), 0)
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    for url in ("/?sorteer=status", "/mensen/?zoek=vries", "/budget?sorteer=gepland-euro", "/matrix?sorteer=groep"):
        assert hr.get(url).status_code == 200, url


def test_m0018_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0018 (the task queue) on a database that m0017 left with export jobs in it: a finished one whose
    zip lay in an instance folder, and one a stopped server left 'bezig'. Every row is as it was; the
    new columns hold their defaults and the new tables start empty. Then HR sees the finished one as no
    longer there and the other as failed, neither with a restart button (they kept no plans), and the
    next export goes through the queue."""
    import datetime as dt

    from pop.models import DailyRun, ExportJob, SharedFile

    app = before_migration("m0018_task_queue", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        hr_id = database.execute_sql("SELECT id FROM person WHERE email = 'hr@voorbeeld.nl'").fetchone()[0]
        database.execute_sql(
            'INSERT INTO "exportjob" (requested_by_id, description, status, done, total, path, error, '
            'created_at) VALUES (%s)' % ", ".join([database.param] * 8),
            (hr_id, "Afdeling Zuid", "bezig", 1, 4, "", "", dt.datetime(2026, 3, 1, 9, 0)))
        before = every_row()
        assert [r["status"] for r in before["exportjob"]] == ["klaar", "bezig"]
        assert "sharedfile" not in before and "dailyrun" not in before

    app = after_migration("m0018_task_queue", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        rows = current_rows("exportjob")
        assert [{k: r[k] for k in ("plan_ids", "attempt", "worker", "started_at", "heartbeat_at")}
                for r in rows] == [ADDED["exportjob"]] * 2
        assert SharedFile.select().count() == 0 and DailyRun.select().count() == 0
        finished, left = (ExportJob.get_by_id(r["id"]) for r in rows)
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    page = text_of(hr.get(f"/export/{finished.id}"))
    assert "niet meer te downloaden" in page and "Opnieuw starten" not in page
    download = hr.get(f"/export/{finished.id}/download")
    assert download.status_code == 302 and download.headers["Location"].endswith(f"/export/{finished.id}")
    page = text_of(hr.get(f"/export/{left.id}"))
    assert "De export is mislukt: De achtergrondverwerker die deze export maakte, is gestopt" in page
    assert "Opnieuw starten" not in page
    started = hr.post("/export", data={"afdeling": "", "periode": "", "status": ""})
    assert started.status_code == 302
    assert "Klaar:" in text_of(hr.get(started.headers["Location"]))


def test_m0019_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0019 (departments as a list HR keeps) on a database that m0018 left, with people whose
    departments were typed as free text in several spellings: "Klantenservice", "klantenservice ",
    "KLANTENSERVICE" become one department, spelled as most people had it, and each of them keeps it;
    a name of spaces only becomes none. Every other column of every row is as it was; HR's filter offers
    the one department and finds all of them."""
    from pop.models import Department

    app = before_migration("m0019_departments", database_url, tmp_path, monkeypatch)
    typed = {"ks1@x.nl": "Klantenservice", "ks2@x.nl": "klantenservice ", "ks3@x.nl": "KLANTENSERVICE",
             "ks4@x.nl": "Klantenservice", "ict@x.nl": " ICT  en   data", "niets@x.nl": "   "}
    with app.app_context(), database.connection_context():
        for email, afdeling in typed.items():
            database.execute_sql(
                'INSERT INTO "person" ("voornaam", "tussenvoegsel", "achternaam", "email", "password_hash", '
                '"functie", "afdeling", "role", "active", "created_at", "session_version") VALUES '
                f'({", ".join([database.param] * 11)})',
                ("Kim", "", email.split("@")[0], email, "", "", afdeling, "medewerker", True,
                 "2026-01-05 09:00:00", 0))
        before = every_row()
        assert "department" not in before
        demo = {r["email"]: r["afdeling"] for r in before["person"] if r["email"] not in typed}

    with_afdeling = {t: [{k: v for k, v in r.items() if k != "afdeling"} for r in rows] if t == "person" else rows
                     for t, rows in before.items()}
    app = after_migration("m0019_departments", with_afdeling, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        people = {r["email"]: r["afdeling"] for r in current_rows("person")}
        assert {e: people[e] for e in typed} == {
            "ks1@x.nl": "Klantenservice", "ks2@x.nl": "Klantenservice", "ks3@x.nl": "Klantenservice",
            "ks4@x.nl": "Klantenservice", "ict@x.nl": "ICT en data", "niets@x.nl": ""}
        assert {e: people[e] for e in demo} == demo  # the demo's departments were one spelling each
        assert sorted((d.name, d.key) for d in Department.select()) == sorted(
            [("ICT en data", "ict en data")] + [(n, n.casefold()) for n in set(demo.values()) if n])
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    page = hr.get("/afdelingen/")
    assert page.status_code == 200
    assert text_of(page).count("Klantenservice") == 2  # the row's name and its link, once
    assert text_of(hr.get("/mensen/?zoek=ks")).count("Klantenservice") == 4


def test_m0020_on_a_database_of_the_previous_schema_with_data_keeps_everything(database_url, tmp_path,
                                                                                monkeypatch):
    """m0020 (each plan's progress per part, pop/progress.py) on a database that m0019 left with plans
    filled in every degree and one on a form this release does not know: every row is as it was, each
    known plan's progress is the plan page's count over its stored answers (pop/plans.py part_progress),
    the unknown one's is NULL; HR's dashboard counts them, and a save keeps them from then on."""
    from pop import answers, progress
    from pop.models import Plan
    from pop.plans import part_progress

    app = before_migration("m0020_plan_progress", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        first = database.execute_sql('SELECT "employee_id" FROM "plan" ORDER BY "id"').fetchone()[0]
        database.execute_sql(
            'INSERT INTO "plan" ("employee_id", "form_key", "period", "status", "created_at", "updated_at", '
            f'"version") VALUES ({", ".join([database.param] * 7)})',
            (first, "verdwenen-formulier", "2026", "uitvoering", "2026-01-05 09:00:00", "2026-01-05 09:00:00", 1))
        before = every_row()
        unknown = max(r["id"] for r in before["plan"])
        assert "progress" not in before["plan"][0] and len({r["plan_id"] for r in before["answer"]}) >= 3

    app = after_migration("m0020_plan_progress", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        kept = {p.id: p.progress for p in Plan.select()}
        assert kept.pop(unknown) is None
        for plan in Plan.select().where(Plan.id != unknown):
            values = answers.load(plan)
            rule = {p.key: progress.state(*part_progress(p, values)) for p in answers.form_of(plan).parts}
            assert progress.decode(kept[plan.id]) == {k: s for k, s in rule.items() if s != progress.EMPTY}
        states = {s for text in kept.values() for s in progress.decode(text).values()}
        assert progress.STARTED in states
        plan = Plan.select().where(Plan.id != unknown).order_by(Plan.id).first()
        answers.save(plan, {"meer_doen": "Meer plannen."})
        assert progress.decode(Plan.get_by_id(plan.id).progress)["fase-1"] == progress.state(
            *part_progress(answers.form_of(plan).part("fase-1"), answers.load(plan)))
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    period = before["plan"][0]["period"]
    page = hr.get(f"/dashboard?periode={period}").get_data(as_text=True)
    assert 'id="tabel-fase-pop-uitgebreid"' in page and "Voortgang per fase" in page


def test_m0021_indexes_the_search_on_postgresql_and_does_without_when_the_extension_is_refused(
        database_url, tmp_path, caplog):
    """m0021: on PostgreSQL a trigram index on the text the search reads (pop/listing.py), made by the
    test server's superuser here; for a role that may not create pg_trgm the upgrade says so in the log,
    adds no index and completes, and the search works without. On SQLite it changes nothing."""
    from databases import ADMIN_URL, _admin, _url_of, drop_database_url
    from pop.listing import person_matches
    from pop.migrations.m0021_search_trigrams import INDEX
    from pop.models import Person

    def trigram_indexes():
        return {i.name for i in database.get_indexes("person")} & {INDEX}

    app = start(database_url, tmp_path)
    with app.app_context(), database.connection_context():
        assert "m0021_search_trigrams" in schema.applied(database)
        assert trigram_indexes() == ({INDEX} if on_postgres() else set())
    if not on_postgres():
        return
    database.close()
    name, role = f"pop_weak_{os.getpid()}", f"pop_weak_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'DROP ROLE IF EXISTS "{role}"')
    _admin(f'CREATE ROLE "{role}" LOGIN')
    _admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')  # owned by the superuser
    weak_admin = _url_of(name)
    import psycopg2
    connection = psycopg2.connect(weak_admin)
    connection.autocommit = True
    with connection.cursor() as cursor:  # tables in the public schema, nothing on the database itself
        cursor.execute(f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"')
    connection.close()
    weak = weak_admin.replace("postgresql://postgres@", f"postgresql://{role}@", 1)
    assert weak != weak_admin and ADMIN_URL
    try:
        with caplog.at_level("WARNING", logger="pop.schema"):
            app = start(weak, tmp_path)
            with app.app_context(), database.connection_context():
                assert schema.pending(database) == [] and "m0021_search_trigrams" in schema.applied(database)
                assert trigram_indexes() == set()
                assert list(Person.select().where(person_matches("vries"))) == []
        assert any("pg_trgm" in r.getMessage() and "Zoeken zonder index" in r.getMessage() for r in caplog.records)
    finally:
        if not database.is_closed():
            database.close()
        drop_database_url(weak_admin)
        _admin(f'DROP ROLE IF EXISTS "{role}"')


def test_m0022_on_a_database_of_the_previous_schema_with_data_adds_the_period_totals_indexes(
        database_url, tmp_path, monkeypatch):
    """m0022 (the indexes HR's period totals read, pop/migrations/m0022_period_totals.py) on a database
    that m0021 left with plans: every row is as it was (strict: no column added), both indexes are there
    afterwards under their names and on their columns, and the pages that read them (the dashboard, the
    budget sorted by remaining euros, HR's first page with its counts per department) count as before;
    the partial index of the next talks' dates too."""
    from pop.migrations.m0022_period_totals import INDEXES, PARTIAL

    def indexes():
        return {i.name: (table, tuple(i.columns)) for table in ("plan", "person", "answer")
                for i in database.get_indexes(table)}

    app = before_migration("m0022_period_totals", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not (set(INDEXES) | set(PARTIAL)) & set(indexes())
        before = every_row()
        period = before["plan"][0]["period"]
        shared = sum(1 for r in before["plan"] if r["period"] == period and r["status"] != "voorbereiding")
        assert shared

    app = after_migration("m0022_period_totals", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        found = indexes()
        assert {name: found.get(name) for name in INDEXES} == INDEXES
        assert {name: found.get(name) for name in PARTIAL} == PARTIAL
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    dashboard = hr.get(f"/dashboard?periode={period}")
    assert dashboard.status_code == 200
    assert f"{shared} gedeelde plan" in dashboard.get_data(as_text=True)
    remaining = hr.get(f"/budget?periode={period}&sorteer=resterend-euro")
    assert remaining.status_code == 200 and 'aria-sort="ascending"' in remaining.get_data(as_text=True)


def test_m0023_indexes_the_search_on_sqlite_and_does_without_where_sqlite_cannot(database_url, tmp_path,
                                                                                  monkeypatch, caplog):
    """m0023 (SQLite's trigram table of the searched text, pop/migrations/m0023_person_search.py) on a
    database that m0022 left with people: every row is as it was, and on SQLite the people there were
    are found by the index (filled by the migration), on PostgreSQL nothing is added (m0021 serves it).
    An SQLite without the trigram tokenizer gets a warning in the log and no table, and the search reads
    the people as before."""
    from peewee import SqliteDatabase

    from pop.listing import person_matches
    from pop.migrations import m0023_person_search as m0023
    from pop.models import Person

    app = before_migration("m0023_person_search", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        before = every_row()
        someone = next(r for r in before["person"] if len(r["achternaam"]) >= 3 and r["role"] != "hr")
    app = after_migration("m0023_person_search", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        assert (m0023.TABLE in database.get_tables()) == (not on_postgres())
        found = {p.id for p in Person.select().where(person_matches(someone["achternaam"].upper()))}
        assert someone["id"] in found
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    page = hr.get(f"/mensen/?zoek={someone['achternaam']}")
    assert page.status_code == 200 and someone["email"] in page.get_data(as_text=True)
    if on_postgres():
        return
    # Without the tokenizer: a real refusal of SQLite's, a warning, no table; the search by LIKE.
    monkeypatch.setattr(m0023, "CREATE", m0023.CREATE.replace("trigram", "no_such_tokenizer"))
    weak = SqliteDatabase(str(tmp_path / "weak.sqlite3"))
    weak.execute_sql('CREATE TABLE person (id INTEGER PRIMARY KEY, voornaam TEXT, tussenvoegsel TEXT, '
                     'achternaam TEXT, email TEXT, personeelsnummer TEXT)')
    with caplog.at_level("WARNING", logger="pop.schema"), weak.atomic():
        m0023.upgrade(weak, None)
    assert m0023.TABLE not in weak.get_tables()
    assert any("Zoeken zonder index" in r.getMessage() for r in caplog.records)
    weak.close()
    with app.app_context(), database.connection_context():
        database.execute_sql(f"DROP TABLE {m0023.TABLE}")
        assert "LIKE" in str(Person.select().where(person_matches(someone["achternaam"])).sql())
        assert someone["id"] in {p.id for p in Person.select().where(person_matches(someone["achternaam"]))}


def triggers() -> set[str]:
    if on_postgres():
        return {r[0] for r in database.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    return {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_m0024_gives_each_plan_its_employees_department_and_keeps_it(database_url, tmp_path, monkeypatch):
    """m0024 (plan.afdeling, kept by triggers, pop/migrations/m0024_plan_department.py) on a database
    that m0023 left with people in departments and plans: every row is as it was in the columns it had,
    each plan carries its employee's department, the triggers and indexes are there after the whole
    upgrade (a later migration rebuilding a table would lose its triggers), a person moved afterwards
    takes their plans along, and HR's counts per department are those of the join they replace."""
    from peewee import fn

    from pop.migrations.m0024_plan_department import INDEXES, TRIGGERS
    from pop.models import PLAN_AFDELING, Person, Plan
    from pop.todo import department_counts

    app = before_migration("m0024_plan_department", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not set(TRIGGERS) & triggers()
        before = every_row()
        departments = {r["id"]: r["afdeling"] for r in before["person"]}
        assert len({departments[r["employee_id"]] for r in before["plan"]}) > 1
        shared = next(r for r in before["plan"] if r["status"] != "voorbereiding")  # on the dashboard
        period, mover = shared["period"], shared["employee_id"]
    app = after_migration("m0024_plan_department", before, database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert set(TRIGGERS) <= triggers()
        found = {i.name: (table, tuple(i.columns)) for table in ("plan", "budget")
                 for i in database.get_indexes(table)}
        # m0026 took these three away again: the sums they served are read from its tallies.
        from pop.migrations.m0026_tallies import DROPPED_INDEXES
        assert set(INDEXES) == set(DROPPED_INDEXES) and not set(INDEXES) & set(found)
        carried = dict(Plan.select(Plan.id, PLAN_AFDELING).tuples())
        assert carried == {r["id"]: departments[r["employee_id"]] for r in before["plan"]}
        Person.update(afdeling="Verhuisd").where(Person.id == mover).execute()
        assert {carried for (carried,) in Plan.select(PLAN_AFDELING).where(Plan.employee == mover).tuples()} == {
            "Verhuisd"}
        counted, _ = department_counts(period)
        joined = (Plan.select(Person.afdeling, Plan.status, fn.COUNT(Plan.id))
                  .join(Person, on=(Plan.employee == Person.id))
                  .where(Plan.period == period).group_by(Person.afdeling, Plan.status).tuples())
        assert sorted(counted) == sorted(joined) and ("Verhuisd" in {a for a, _, _ in counted})
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    page = hr.get(f"/dashboard?periode={period}")
    assert page.status_code == 200 and "Verhuisd" in page.get_data(as_text=True)


def test_m0025_counts_the_changes_of_what_hrs_figures_count(database_url, tmp_path, monkeypatch):
    """m0025 (the count of changes HR's kept figures are checked against, pop/migrations/
    m0025_change_count.py) on a database that m0024 left with plans: every row as it was (strict: no
    column added), the count starts at 0 in its rows (one on SQLite, 16 on PostgreSQL), its triggers are
    there after the whole upgrade, a plan's state changed moves it and a name changed does not."""
    from pop import changes
    from pop.migrations.m0025_change_count import POSTGRES_TRIGGERS, SHARDS, TABLE, TRIGGERS
    from pop.models import Person, Plan

    app = before_migration("m0025_change_count", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert TABLE not in database.get_tables()
        before = every_row()
    app = after_migration("m0025_change_count", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        assert set(POSTGRES_TRIGGERS if on_postgres() else TRIGGERS) <= triggers()
        assert all_rows(TABLE) == [{"shard": s, "n": 0} for s in range(SHARDS if on_postgres() else 1)]
        Person.update(voornaam="Anders").where(Person.id == before["person"][0]["id"]).execute()
        assert changes.count() == 0
        Plan.update(status="afgerond").where(Plan.id == before["plan"][0]["id"]).execute()
        assert changes.count() == 1
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    assert hr.get("/dashboard").status_code == 200


def test_m0026_fills_hrs_tallies_from_the_rows_and_its_triggers_keep_them(database_url, tmp_path, monkeypatch):
    """m0026 (the running totals of HR's figures, pop/migrations/m0026_tallies.py) on a database that m0025
    left with plans in several states with costs, and budgets: every row as it was (strict: no column
    added), each tally adds up to what the rows add up to, its triggers are there after the whole
    upgrade, and a plan, a person and a budget changed afterwards are in them."""
    from decimal import Decimal

    from pop.migrations.m0026_tallies import DROPPED_INDEXES, INDEXES, POSTGRES_TRIGGERS, SQLITE_TRIGGERS, TALLIES
    from pop.models import Budget, Person, Plan
    from test_tallies import tallied, truth

    app = before_migration("m0026_tallies", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert not {t.table for t in TALLIES} & set(database.get_tables())
        people = [r[0] for r in Person.select(Person.id).order_by(Person.id).tuples()]
        plans = [r[0] for r in Plan.select(Plan.id).order_by(Plan.id).tuples()]
        assert len(plans) >= 2 and len(people) >= 2
        Plan.update(status="vastgesteld", costs_euro=Decimal("1234.56"), costs_uren=Decimal("7.25")).where(
            Plan.id == plans[0]).execute()
        Plan.update(costs_euro=Decimal("99.99")).where(Plan.id == plans[1]).execute()  # voorbereiding or not
        Budget.insert(person=people[0], year="2026", euro=Decimal("2500.00"), uren=None).execute()
        Budget.insert(person=people[1], year="2026", euro=None, uren=Decimal("40")).execute()
        Person.update(active=False).where(Person.id == people[-1]).execute()
        before = every_row()
        expected = truth()
        assert expected["tally_budget"] and len(expected["tally_plan"]) > 1
    app = after_migration("m0026_tallies", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        assert set(POSTGRES_TRIGGERS if on_postgres() else SQLITE_TRIGGERS) <= triggers()
        assert tallied() == expected
        found = {i.name: (table, tuple(i.columns)) for table in ("plan", "budget") for i in database.get_indexes(table)}
        assert {name: found.get(name) for name in [*INDEXES, *DROPPED_INDEXES]} == {**INDEXES, **dict.fromkeys(DROPPED_INDEXES)}
        Plan.update(status="evaluatie", costs_euro=Decimal("0.01")).where(Plan.id == plans[0]).execute()
        Person.update(afdeling="Elders", active=True).where(Person.id == people[0]).execute()
        Budget.update(euro=Decimal("10.10")).where(Budget.person == people[1]).execute()
        assert tallied() == truth() != expected
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", DEMO_PASSWORD).status_code == 302
    assert hr.get("/dashboard").status_code == 200 and hr.get("/budget").status_code == 200


def stamps() -> dict[int, int]:
    return dict(database.execute_sql("SELECT plan_id, stamp FROM answer_stamp").fetchall())


def test_m0027_stamps_every_plan_with_answers_and_its_triggers_stamp_each_change(database_url, tmp_path,
                                                                                 monkeypatch):
    """m0027 (the stamp of each plan's answers that the kept plan pages are checked by, pop/migrations/
    m0027_answer_stamps.py) on a database that m0026 left with plans, one of them without answers: every
    row as it was (strict: no column added), a stamp for each plan with answers and none for the other,
    its triggers there after the whole upgrade, and an answer changed afterwards gives its plan a new
    stamp. Then the overview, drawn and kept, shows an answer changed outside the app."""
    from pop.migrations.m0027_answer_stamps import POSTGRES_TRIGGERS, SQLITE_TRIGGERS, TABLE
    from pop.models import Answer, Plan

    app = before_migration("m0027_answer_stamps", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert TABLE not in database.get_tables()
        answered = {r[0] for r in Answer.select(Answer.plan).distinct().tuples()}
        plans = {r[0] for r in Plan.select(Plan.id).tuples()}
        Answer.delete().where(Answer.plan == min(answered)).execute()  # a plan without answers
        answered.discard(min(answered))
        assert answered and plans - answered
        before = every_row()
    app = after_migration("m0027_answer_stamps", before, database_url, tmp_path, monkeypatch, strict=True)
    with app.app_context(), database.connection_context():
        assert set(POSTGRES_TRIGGERS if on_postgres() else SQLITE_TRIGGERS) <= triggers()
        first = stamps()
        assert set(first) == answered and None not in first.values()
        assert len(set(first.values())) == len(first), "a stamp of its own for each plan"
        plan_id = min(answered)
        Answer.update(value="Na de upgrade").where(Answer.plan == plan_id).execute()
        after = stamps()
        assert after[plan_id] != first[plan_id] and {**after, plan_id: first[plan_id]} == first


@pytest.mark.skipif(on_postgres(), reason="PostgreSQL adds a column in place: nothing is rebuilt")
def test_a_rebuilt_answer_table_gets_its_stamp_triggers_back(database_url, tmp_path, monkeypatch):
    """A later migration that rebuilds the answer table (SQLite, a column made NOT NULL) drops its
    triggers with the old table: m0027's restore() makes them again (pop/schema.py)."""
    from pop.migrations.m0027_answer_stamps import POSTGRES_TRIGGERS, SQLITE_TRIGGERS
    from pop.models import Answer

    _, app = after_a_rebuild("answer", database_url, tmp_path, monkeypatch)
    with app.app_context(), database.connection_context():
        assert {r["extra"] for r in current_rows("answer")} == {7}
        assert set(POSTGRES_TRIGGERS if on_postgres() else SQLITE_TRIGGERS) <= triggers()
        plan_id = Answer.select(Answer.plan).order_by(Answer.id).scalar()
        before = stamps()
        Answer.update(value="Na de verbouwing").where(Answer.plan == plan_id).execute()
        assert stamps()[plan_id] != before[plan_id]


@pytest.mark.skipif(on_postgres(), reason="restore() is for SQLite's rebuilt tables")
def test_m0027_restore_renews_every_stamp_and_leaves_a_table_taken_away_alone(app, org):
    """restore() after a later migration: every plan a new stamp (that migration may have written answers
    while the triggers were gone); and when a later migration dropped answer_stamp, no triggers that
    would make every save fail for want of it."""
    from pop.migrations import m0027_answer_stamps
    from pop.models import Answer

    with app.app_context(), database.connection_context():
        before = stamps()
        assert len(before) == 2
        m0027_answer_stamps.restore(database)
        after = stamps()
        assert set(after) == set(before) and not set(after.values()) & set(before.values())
        database.execute_sql("DROP TABLE answer_stamp")
        for name in m0027_answer_stamps.SQLITE_TRIGGERS:
            database.execute_sql(f"DROP TRIGGER {name}")
        m0027_answer_stamps.restore(database)
        assert not set(m0027_answer_stamps.SQLITE_TRIGGERS) & triggers()
        Answer.update(value="Zonder stempels").where(Answer.plan == org["plan_a"]).execute()
