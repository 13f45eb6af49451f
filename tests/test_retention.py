"""Leaving and erasure (AVG): left_at on every deactivation, who is due after the retention period, what
erasing removes and what stays, in one transaction; `flask retention`; HR's erasure on request through
the pages; HR's settings page for log-in and retention."""
import datetime as dt
import io
import json
import re
import zipfile

import pytest

from conftest import Client, make_person, text_of
from pop import audit, external_login, retention, security_log, settings
from pop.models import (MODELS, AccountToken, Answer, AuditEntry, Budget, Draft, FeedbackRequest,
                        LoginThrottle, Person, Placement, Plan, PlanVersion, Reminder, SecurityEvent, now)
from pop.plans import start_plan
from support import error_text, set_state
from test_people import edit_data
from test_people_import import confirm, csv_bytes, people, to_preview

# Ximena's particulars: strings found nowhere else, so a search of the whole database finds only her.
TRACES = ("Ximena", "Quaglio", "Vroeger", "xq@test.nl", "PN-7781", "Zeepbelblazer", "Zuidpool")


@pytest.fixture
def hr(org, login):
    return login(org["hr"])


def get(app, email) -> Person:
    with app.app_context():
        return Person.get(Person.email == email)


def moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + " 10:00")


# ---------------------------------------------------------------- left_at

def test_deactivating_on_the_people_page_sets_left_at_and_reactivating_clears_it(app, org, hr):
    anna = get(app, org["a"])
    assert anna.left_at is None
    before = now()
    response = hr.post(f"/mensen/{anna.id}", data=edit_data(app, org["a"], active=None))
    assert response.status_code == 302
    left = get(app, org["a"]).left_at
    assert left is not None and before <= left <= now()

    # Saving the inactive person again (another field) keeps when they left.
    response = hr.post(f"/mensen/{anna.id}", data=edit_data(app, org["a"], functie="Oud-adviseur"))
    assert response.status_code == 302 and get(app, org["a"]).left_at == left

    response = hr.post(f"/mensen/{anna.id}", data=edit_data(app, org["a"], active="y"))
    assert response.status_code == 302
    assert get(app, org["a"]).active and get(app, org["a"]).left_at is None


def test_the_import_sets_left_at_when_deactivating_and_clears_it_when_someone_returns(app, org, hr):
    data = csv_bytes(["8001;Anna;;Alfa;a@test.nl;Adviseur;A;m1@test.nl",
                      "8002;Marco;;Een;m1@test.nl;Manager A;A;",
                      "8003;Mira;;Twee;m2@test.nl;Manager B;B;"])
    before = now()
    confirm(hr, to_preview(hr, data, deactivate=True))
    found = people(app)
    assert not found["b@test.nl"].active and before <= found["b@test.nl"].left_at <= now()
    assert found["a@test.nl"].left_at is None  # in the file: stays

    data = csv_bytes(["8004;Bram;;Beta;b@test.nl;Planner;B;m2@test.nl"])
    confirm(hr, to_preview(hr, data))
    bram = people(app)["b@test.nl"]
    assert bram.active and bram.left_at is None


# ---------------------------------------------------------------- who is due

def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert retention.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert retention.add_months(dt.date(2023, 3, 15), 24) == dt.date(2025, 3, 15)
    assert retention.add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)


def test_due_counts_from_the_latest_known_moment(app, org):
    with app.app_context():
        def leaver(email, left=None, created="2020-01-01", plan=None, line=None):
            person = make_person(email, "Ver", email.split("@")[0])
            Person.update(active=False, created_at=moment(created),
                          left_at=moment(left) if left else None).where(Person.id == person.id).execute()
            if plan:
                made = start_plan(person, "pop-compact", "2022")
                Plan.update(updated_at=moment(plan)).where(Plan.id == made.id).execute()
            if line:
                event = security_log.record("gedeactiveerd", None, person)
                SecurityEvent.update(created_at=moment(line)).where(SecurityEvent.id == event.id).execute()
            return person.id

        # Left 1 March 2022, last plan earlier: due two years after leaving.
        left = leaver("left@test.nl", left="2022-03-01", plan="2021-06-01")
        # A plan changed after leaving (a manager's reaction): counts from that change.
        late_plan = leaver("lateplan@test.nl", left="2022-03-01", plan="2022-09-01")
        # Deactivated before m0014: no left_at; the security log's line, later than the plan.
        logged = leaver("logged@test.nl", plan="2021-01-01", line="2022-05-10")
        # Neither: the later of the last plan and the account's creation.
        old_plan = leaver("oldplan@test.nl", plan="2021-02-01")
        bare = leaver("bare@test.nl", created="2021-04-01")
        active = make_person("active@test.nl", "Nog", "Actief").id  # never due
        Person.update(created_at=moment("2015-01-01")).where(Person.id == active).execute()

        def due_on(day):
            return {leaver.person.id for leaver in retention.due(dt.date.fromisoformat(day))}

        assert due_on("2023-01-31") == set()
        assert due_on("2023-02-01") == {old_plan}
        assert due_on("2023-04-01") == {old_plan, bare}
        assert due_on("2024-02-29") == {old_plan, bare}
        assert due_on("2024-03-01") == {old_plan, bare, left}
        assert due_on("2024-05-10") == {old_plan, bare, left, logged}
        assert due_on("2024-08-31") == {old_plan, bare, left, logged}
        assert due_on("2024-09-01") == {old_plan, bare, left, logged, late_plan}

        # HR's period counts; a value outside 6..120 typed into the database counts as the default.
        settings.put(settings.RETENTION_MONTHS, 36, None)
        assert due_on("2024-09-01") == {old_plan, bare}
        settings.put(settings.RETENTION_MONTHS, 0, None)
        assert due_on("2024-09-01") == {old_plan, bare, left, logged, late_plan}
        settings.put(settings.RETENTION_MONTHS, 6, None)
        assert due_on("2022-08-31") == {old_plan, bare}
        assert due_on("2022-09-01") == {old_plan, bare, left}

        # Erased people are never due again.
        retention.erase(left, None, retention.BY_RETENTION)
        assert left not in due_on("2030-01-01")


# ---------------------------------------------------------------- what erasing removes

def build_leaver(app, org, hr_client) -> dict:
    """Ximena, a leaver with something in every table that can hold her data, and lines about her in
    the logs, partly under an earlier name; then deactivated by HR on the people page."""
    with app.app_context():
        m1, bram = Person.get(Person.email == org["m1"]), Person.get(Person.email == org["b"])
        hr = Person.get(Person.email == org["hr"])
        x = make_person("xq@test.nl", "Ximena", "Vroeger", manager=m1, functie="Zeepbelblazer",
                        afdeling="Afdeling Zuidpool", personeelsnummer="PN-7781")
        # Lines written under her earlier name, one naming her in another's detail.
        security_log.record("rol_gewijzigd", hr, x, "van ‘Medewerker’ naar ‘Leidinggevende’")
        security_log.record("leidinggevende_gewijzigd", hr, bram, "van ‘Ximena Vroeger’ naar ‘Mira Twee’")
        Person.update(achternaam="Quaglio").where(Person.id == x.id).execute()
        x = Person.get_by_id(x.id)
        security_log.record("uitnodiging_verstuurd", hr, x, "gemaild naar xq@test.nl")
        security_log.record("inloggen_mislukt", None, None, "onbekend e-mailadres: XQ@Test.nl")
        older = start_plan(x, "pop-uitgebreid", "2024", by=x)
        plan = start_plan(x, "pop-compact", "2025", previous=older, by=x)
        Answer.create(plan=plan, field="ambitie", value="Ximena blaast zeepbellen")
        PlanVersion.create(plan=older, number=1, cells=json.dumps([["medewerker_naam", 0, "", "Ximena"]]))
        audit.record(plan, hr, "bekeken")
        Reminder.create(plan=plan, kind="gesprek-7", day=dt.date(2025, 5, 1), recipients="xq@test.nl, m1@test.nl")
        Draft.create(token="d1", person=x, plan=plan, part_key="profiel", kind="onderdeel", data="[]")
        plan_b = Plan.get_by_id(org["plan_b"])
        Draft.create(token="d2", person=x, plan=plan_b, part_key="fase-1", kind="reactie", data="[]")
        later = now() + dt.timedelta(days=7)
        FeedbackRequest.create(plan=plan, colleague=bram, colleague_name="Bram Beta", email="b@test.nl",
                               expires_at=later, answered_at=now(), sterk="Ximena luistert goed")
        # Feedback she gave on Bram's plan (stays, his), and a request to her never answered (goes).
        given = FeedbackRequest.create(plan=plan_b, colleague=x, colleague_name="Ximena Quaglio",
                                       email="xq@test.nl", expires_at=later, answered_at=now(),
                                       sterk="Bram plant goed", token_hash="a" * 64,
                                       reminder_token_hash="e" * 64)
        FeedbackRequest.create(plan=Plan.get_by_id(org["plan_a"]), colleague=None,
                               colleague_name="Ximena Quaglio", email="XQ@test.nl", expires_at=later,
                               token_hash="b" * 64)
        # What she did on a report's plan, as it stands in that plan's log.
        audit.record(plan_b, x, "bekeken")
        Reminder.create(plan=plan_b, kind="akkoord", day=dt.date(2025, 5, 1),
                        recipients="b@test.nl, xq@test.nl")
        Placement.create(person=x, period="2025", prestaties="plus", potentie="min", placed_by=m1)
        Budget.create(person=x, year="2025", euro=500, set_by=hr)
        AccountToken.create(token_hash="c" * 64, purpose="herstel", person=x, expires_at=later)
        set_state(app, plan.id, "vastgesteld")  # in HR's exports
        ids = dict(id=x.id, plans=[older.id, plan.id], given=given.id)
    assert Client(app).login("xq@test.nl", "fout-wachtwoord").status_code == 200  # throttle rows
    response = hr_client.post(f"/mensen/{ids['id']}", data=edit_data(app, "xq@test.nl", active=None))
    assert response.status_code == 302
    return ids


def database_text(app) -> str:
    """Every value of every row of every table, one line per row, to search for what must be gone."""
    lines = []
    with app.app_context():
        for model in MODELS:
            for row in model.select().tuples():
                lines.append(f"{model.__name__}: " + " | ".join(
                    v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row))
    return "\n".join(lines)


def traces(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(t.lower() in line.lower() for t in TRACES)]


def rows_of(app, plan_ids) -> dict:
    with app.app_context():
        return {model.__name__: model.select().where(model.plan.in_(plan_ids)).count()
                for model in MODELS if "plan" in model._meta.fields
                and model._meta.fields["plan"].rel_model is Plan}


def test_erasing_removes_everything_of_theirs_and_keeps_only_what_is_documented(app, org, hr):
    x = build_leaver(app, org, hr)
    assert len(traces(database_text(app))) > 20  # the search finds her before
    with app.app_context():
        throttled = LoginThrottle.select().count()
        answers = Answer.select().where(Answer.plan.in_(x["plans"])).count()
        found = retention.erase(x["id"], None, retention.BY_RETENTION)
    assert [(p.period, p.form) for p in found.plans] == [("2024", "POP (uitgebreid)"), ("2025", "POP (compact)")]
    assert (found.versions, found.feedback_requests, found.placements, found.budgets, found.links,
            found.drafts, found.feedback_unanswered, found.feedback_given) == (1, 1, 1, 1, 1, 2, 1, 1)
    assert found.answers == answers and answers >= 5  # the prefilled headers and her answer

    # Nothing of her plans in any table that points to a plan (a new such table is checked too).
    assert set(rows_of(app, x["plans"]).values()) == {0}
    with app.app_context():
        assert not Plan.select().where(Plan.id.in_(x["plans"])).exists()
        for model in (Placement, Budget, AccountToken):
            assert not model.select().where(model.person == x["id"]).exists(), model
        assert not Draft.select().where(Draft.person == x["id"]).exists()
        # Her log-in counts went; the count of the network address is not hers and stays.
        assert LoginThrottle.select().count() == throttled - 2
        assert LoginThrottle.select().where(LoginThrottle.key.startswith("ip:")).count() == 1
        person = Person.get_by_id(x["id"])
        assert (person.naam, person.email, person.personeelsnummer, person.functie, person.afdeling,
                person.password_hash, person.manager_id, person.active) == (
            f"Gewiste persoon #{x['id']}", f"gewist-{x['id']}@invalid", None, "", "", "", None, False)
        assert person.erased_at is not None and person.left_at is not None

    # What of her is left in the whole database: exactly the feedback she gave Bram (his record).
    left = traces(database_text(app))
    assert len(left) == 1 and left[0].startswith("FeedbackRequest:") and "Bram plant goed" in left[0], left
    with app.app_context():
        given = FeedbackRequest.get_by_id(x["given"])
        assert (given.colleague_name, given.email, given.token_hash, given.reminder_token_hash) == (
            "Ximena Quaglio", f"gewist-{x['id']}@invalid", None, None)
        # The lines about her stay, under the pseudonym, and one line says what went, counts only.
        pseudonym = f"Gewiste persoon #{x['id']}"
        about = SecurityEvent.select().where(SecurityEvent.subject == x["id"]).order_by(SecurityEvent.id)
        assert {e.subject_name for e in about} == {pseudonym}
        assert [e.kind for e in about][-1] == "gegevens_gewist"
        erased = list(about)[-1]
        assert erased.detail == ("2 plannen, " + f"{found.answers} antwoorden, 1 versie, 1 feedbackverzoek, "
                                 "1 matrixplaatsing, 1 budget; bewaartermijn verstreken")
        assert erased.actor_id is None and erased.actor_name == ""
        assert SecurityEvent.select().where(SecurityEvent.kind == "gegevens_gewist").count() == 1
        details = [e.detail for e in SecurityEvent.select()]
        assert f"van ‘{pseudonym}’ naar ‘Mira Twee’" in details and f"gemaild naar {pseudonym}" in details
        assert f"onbekend e-mailadres: {pseudonym}" in details
        # Her line in a report's plan's log, and the reminder that went to her there.
        entry = AuditEntry.get((AuditEntry.plan == org["plan_b"]) & (AuditEntry.person == x["id"]))
        assert entry.person_name == pseudonym
        assert Reminder.get(Reminder.plan == org["plan_b"]).recipients == f"b@test.nl, gewist-{x['id']}@invalid"

    # Erased once: no second time, and nothing on her row can change any more.
    with app.app_context(), pytest.raises(retention.NotErasable, match="al gewist"):
        retention.erase(x["id"], None, retention.BY_RETENTION)


def test_an_erased_name_leaves_no_trigram_in_sqlites_search_index(app, org, hr):
    """m0023's search table on SQLite (contentless FTS5) forgets a row with a marker; the old trigrams
    stay in its segments, in the file, until merged: the erasure merges them."""
    from peewee import SqliteDatabase

    from pop.db import database

    x = build_leaver(app, org, hr)
    with app.app_context():
        if not isinstance(database.obj, SqliteDatabase):
            pytest.skip("the trigram table is SQLite's (PostgreSQL's index is of the person table itself)")

        def segments() -> bytes:
            return b"".join(bytes(row[0]) for row in database.execute_sql("SELECT block FROM person_search_data")
                            if row[0] is not None)

        # 'Ximena Quaglio': trigrams no one else of the test's organisation has.
        assert b"uag" in segments() and b"xim" in segments()
        retention.erase(x["id"], None, retention.BY_RETENTION)
        assert b"uag" not in segments() and b"xim" not in segments()
        assert Person.get_by_id(x["id"]).naam.startswith("Gewiste persoon")


def test_a_managers_reports_keep_their_plans(app, org, hr):
    marco = get(app, org["m1"])
    assert hr.post(f"/mensen/{marco.id}", data=edit_data(app, org["m1"], active=None)).status_code == 302
    with app.app_context():
        retention.erase(marco.id, Person.get(Person.email == org["hr"]), retention.ON_REQUEST)
        anna, plan = Person.get(Person.email == org["a"]), Plan.get_by_id(org["plan_a"])
        # Anna's plan and her manager link stay, pointing to the nameless row.
        assert plan.manager_id == marco.id and anna.manager_id == marco.id
        assert plan.manager.naam == f"Gewiste persoon #{marco.id}"
        answers = {a.field: a.value for a in Answer.select().where(Answer.plan == plan)}
    # The plan's own text is Anna's document and stays as written (README: what stays).
    assert answers["leidinggevende_naam"] == "Marco Een"
    page = hr.get(f"/plans/{org['plan_a']}")
    assert page.status_code == 200


def test_a_failure_midway_leaves_everything_as_it_was(app, org, hr, monkeypatch):
    x = build_leaver(app, org, hr)
    before = database_text(app)

    def broken(*args):
        raise RuntimeError("schijf vol")

    # After the plans are deleted and her row is scrubbed, before the logs get the pseudonym.
    monkeypatch.setattr(retention, "_pseudonymise", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        retention.erase(x["id"], None, retention.BY_RETENTION)
    assert database_text(app) == before


# ---------------------------------------------------------------- flask retention

def test_the_command_lists_then_erases_whoever_is_due(app, org, hr):
    x = build_leaver(app, org, hr)
    bram = get(app, org["b"])
    assert hr.post(f"/mensen/{bram.id}", data=edit_data(app, org["b"], active=None)).status_code == 302
    with app.app_context():
        # Ximena left on 1 March 2023 and her plans are older; Bram left on 1 June 2024.
        Person.update(left_at=moment("2023-03-01")).where(Person.id == x["id"]).execute()
        Plan.update(updated_at=moment("2023-01-01"), created_at=moment("2023-01-01")).execute()
        Person.update(left_at=moment("2024-06-01")).where(Person.id == bram.id).execute()
        Person.update(created_at=moment("2020-01-01")).execute()
        SecurityEvent.update(created_at=moment("2023-01-01")).execute()
    runner = app.test_cli_runner()

    shown = runner.invoke(args=["retention", "--dry-run", "--datum", "2025-03-01"])
    assert shown.exit_code == 0, shown.output
    assert f"Zou wissen: #{x['id']} Ximena Quaglio <xq@test.nl>" in shown.output
    assert "2 plannen" in shown.output and "Bram" not in shown.output
    assert "1 persoon te wissen (bewaartermijn 24 maanden); er is niets gewist" in shown.output
    assert get(app, "xq@test.nl").erased_at is None
    assert runner.invoke(args=["retention", "--toon", "--datum", "2025-02-28"]).output.startswith(
        "0 personen te wissen")

    done = runner.invoke(args=["retention", "--datum", "2025-03-01"])
    assert done.exit_code == 0, done.output
    # Its own output only (result.stdout): the log's lines go to standard error (pop/logs.py).
    assert done.stdout == (f"Gewist: #{x['id']} (2 plannen, {done.stdout.split(', ')[1].split(' ')[0]} "
                           "antwoorden, 1 versie, 1 feedbackverzoek, 1 matrixplaatsing, 1 budget).\n"
                           "1 persoon gewist (bewaartermijn 24 maanden).\n")
    assert not any(t in done.output for t in TRACES)  # its output may be kept: no names
    with app.app_context():
        assert Person.get_by_id(x["id"]).erased_at is not None
        assert Person.get_by_id(bram.id).erased_at is None and Plan.get_by_id(org["plan_b"])
        line = SecurityEvent.get(SecurityEvent.kind == "gegevens_gewist")
        assert line.detail.endswith("; bewaartermijn verstreken") and line.actor_id is None

    again = runner.invoke(args=["retention", "--datum", "2025-03-01"])
    assert again.exit_code == 0 and again.stdout == "0 personen gewist (bewaartermijn 24 maanden).\n"
    later = runner.invoke(args=["retention", "--datum", "2026-06-01"])
    assert later.exit_code == 0 and later.output.endswith("1 persoon gewist (bewaartermijn 24 maanden).\n")
    with app.app_context():
        assert Person.get_by_id(bram.id).erased_at is not None


def test_the_command_goes_on_after_one_failure_and_says_so(app, org, hr, monkeypatch):
    for email in (org["a"], org["b"]):
        assert hr.post(f"/mensen/{get(app, email).id}", data=edit_data(app, email, active=None)).status_code == 302
    anna, bram = get(app, org["a"]), get(app, org["b"])
    real = retention._remove

    def fails_for_anna(person):
        real(person)
        if person.id == anna.id:
            raise RuntimeError("verbinding verbroken")

    monkeypatch.setattr(retention, "_remove", fails_for_anna)
    result = app.test_cli_runner().invoke(args=["retention", "--datum", "2099-01-01"])
    assert result.exit_code == 1
    assert f"Mislukt: #{anna.id}: RuntimeError; er is niets van gewist." in result.output
    assert "1 persoon gewist" in result.output and "1 persoon is niet gewist" in result.output
    with app.app_context():
        assert Person.get_by_id(anna.id).erased_at is None and Person.get_by_id(bram.id).erased_at
        assert Plan.get_or_none(Plan.id == org["plan_a"]) is not None


# ---------------------------------------------------------------- HR erases on request

def exported_text(app, tmp_path) -> str:
    """The text of every document of `flask export --all` (the zip, and each Word/Excel package in it)."""
    target = tmp_path / "alle.zip"
    result = app.test_cli_runner().invoke(args=["export", "--all", "--output", str(target)])
    assert result.exit_code == 0, result.output
    texts = []
    with zipfile.ZipFile(target) as outer:
        for name in outer.namelist():
            texts.append(name)
            with zipfile.ZipFile(io.BytesIO(outer.read(name))) as package:
                texts += [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
    return re.sub(r"<[^>]+>", "", "\n".join(texts))


PAGES = ("/mensen/", "/", "/budget?periode=2025", "/matrix?periode=2025", "/beveiliging",
         "/beveiliging?persoon=Ximena", "/beveiliging?persoon=xq%40test.nl")


def test_hr_erases_on_request_after_a_confirmation_that_names_what_goes(app, org, hr, tmp_path):
    x = build_leaver(app, org, hr)
    page = hr.get(f"/mensen/{x['id']}")
    assert "Gegevens wissen" in text_of(page)
    # She shows on every page before (so the checks below can fail).
    shown = {url for url in PAGES if any(t.lower() in text_of(hr.get(url)).lower() for t in TRACES)}
    assert shown == set(PAGES)
    assert "Quaglio" in exported_text(app, tmp_path)

    with app.app_context():
        person = Person.get_by_id(x["id"])
        assert retention.confirms(person, " XQ@Test.nl") and retention.confirms(person, "ximena quaglio")
        assert not any(retention.confirms(person, typed) for typed in ("", "Ximena", "xq@test", "Quaglio"))
    page = hr.get(f"/mensen/{x['id']}/wissen")
    assert page.status_code == 200
    text = text_of(page)
    assert "2 plannen: 2024, POP (uitgebreid) (Voorbereiding) 2025, POP (compact) (Vastgesteld)" in text
    assert "1 vastgestelde versie" in text and "1 feedbackverzoek aan collega's" in text
    assert "1 plaatsing in de matrix en 1 budget" in text
    assert "1 nog niet beantwoord feedbackverzoek" in text
    assert "1 antwoord op feedbackverzoeken van collega's: die zijn van de collega" in text
    assert f"‘Gewiste persoon #{x['id']}’" in text
    assert re.search(r"\d+ antwoorden", text)

    # A wrong name: the message beside the box, what was typed kept, nothing erased.
    wrong = hr.post(f"/mensen/{x['id']}/wissen", data={"confirmation": "Ximena Q."})
    assert wrong.status_code == 422
    assert error_text(wrong, "confirmation") == ("Dit is niet de naam of het e-mailadres van deze persoon. "
                                                 "Er is niets gewist.")
    assert 'value="Ximena Q."' in wrong.get_data(as_text=True)
    empty = hr.post(f"/mensen/{x['id']}/wissen", data={"confirmation": " "})
    assert empty.status_code == 422 and "Typ de naam of het e-mailadres" in error_text(empty, "confirmation")
    # Without the CSRF token: refused before anything happens.
    forged = hr.post(f"/mensen/{x['id']}/wissen", data={"confirmation": "xq@test.nl"}, csrf=False)
    assert forged.status_code == 400
    assert get(app, "xq@test.nl").erased_at is None

    done = hr.post(f"/mensen/{x['id']}/wissen", data={"confirmation": " ximena   QUAGLIO "})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/mensen/{x['id']}")
    shown = hr.get(done.headers["Location"])
    assert shown.status_code == 200
    assert "De gegevens zijn gewist: 2 plannen" in text_of(shown)
    assert f"Gewiste persoon #{x['id']}" in text_of(shown)
    with app.app_context():
        line = SecurityEvent.get(SecurityEvent.kind == "gegevens_gewist")
        assert line.detail.endswith("; op verzoek") and line.actor_name == "Hanna HR"
        assert line.subject_name == f"Gewiste persoon #{x['id']}"

    for url in PAGES:
        response = hr.get(url)
        assert response.status_code == 200, url
        assert not [t for t in TRACES if t.lower() in text_of(response).lower()], url
    assert "gegevens gewist" in text_of(hr.get("/beveiliging"))
    assert not [t for t in TRACES if t in exported_text(app, tmp_path)]

    # The erased row cannot be changed or reactivated, and is not erased twice.
    edit = hr.post(f"/mensen/{x['id']}", data={"voornaam": "Ximena", "achternaam": "Quaglio",
                                               "email": "xq@test.nl", "role": "medewerker", "active": "y"})
    assert edit.status_code == 409 and "gewist" in text_of(edit)
    assert get(app, f"gewist-{x['id']}@invalid").active is False
    assert hr.get(f"/mensen/{x['id']}/wissen").status_code == 302
    # Whoever returns is someone new: the old address is free again, and unknown to the directory's
    # log-in unless HR allows creating people.
    assert Client(app).login("xq@test.nl", "fout-wachtwoord").status_code == 200
    with app.app_context():
        assert external_login.person_for(external_login.Identity("xq@test.nl")) == external_login.UNKNOWN


def test_an_active_person_yourself_or_not_hr_cannot_erase(app, org, hr, login):
    anna = get(app, org["a"])
    page = hr.get(f"/mensen/{anna.id}/wissen")
    assert page.status_code == 200 and "Deactiveer eerst het account" in text_of(page)
    assert "Definitief wissen" not in text_of(page)
    refused = hr.post(f"/mensen/{anna.id}/wissen", data={"confirmation": "Anna Alfa"})
    assert refused.status_code == 409 and "Deactiveer eerst" in text_of(refused)
    assert "deactiveer eerst het account" in text_of(hr.get(f"/mensen/{anna.id}"))

    me = get(app, org["hr"])
    refused = hr.post(f"/mensen/{me.id}/wissen", data={"confirmation": "Hanna HR"})
    assert refused.status_code == 409 and "uw eigen gegevens niet wissen" in text_of(refused)

    assert hr.post(f"/mensen/{anna.id}", data=edit_data(app, org["a"], active=None)).status_code == 302
    marco = login(org["m1"])
    assert marco.get(f"/mensen/{anna.id}/wissen").status_code == 403
    assert marco.post(f"/mensen/{anna.id}/wissen", data={"confirmation": "Anna Alfa"}).status_code == 403
    assert Client(app).get(f"/mensen/{anna.id}/wissen").status_code == 302  # to the log-in
    assert hr.get("/mensen/9999/wissen").status_code == 404
    with app.app_context():
        assert Person.get_by_id(anna.id).erased_at is None and Plan.get_by_id(org["plan_a"])
        assert not SecurityEvent.select().where(SecurityEvent.kind == "gegevens_gewist").exists()


# ---------------------------------------------------------------- HR's settings page

URL = "/instellingen/inloggen-en-bewaren"


def tag(response, name) -> str:
    """The <input> of that name, as the page has it."""
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', response.get_data(as_text=True)).group(0)


def settings_lines(app):
    with app.app_context():
        return [(e.actor_name, e.detail) for e in SecurityEvent.select()
                .where(SecurityEvent.kind == "instelling_gewijzigd").order_by(SecurityEvent.id)]


def test_hr_sets_log_in_and_retention_and_each_change_is_logged(app, org, hr):
    page = hr.get(URL)
    assert page.status_code == 200
    # HR's menu leads to the settings (their first page, the forms), whose own menu leads here.
    assert 'href="/instellingen/formulieren">Instellingen</a>' in hr.get("/").get_data(as_text=True)
    assert 'href="/instellingen/inloggen-en-bewaren"' in hr.get("/instellingen/formulieren").get_data(as_text=True)
    assert "checked" not in tag(page, "create_unknown") and 'value="24"' in tag(page, "retention_months")
    assert "Onbekende mensen aanmaken bij hun eerste log-in via de directory of single sign-on" in text_of(page)

    saved = hr.post(URL, data={"create_unknown": "y", "retention_months": " 36 "})
    assert saved.status_code == 302
    with app.app_context():
        assert settings.get(settings.CREATE_UNKNOWN_ON_LOGIN) is True
        assert settings.get(settings.RETENTION_MONTHS) == 36
    assert settings_lines(app) == [
        ("Hanna HR", "Onbekende mensen aanmaken bij hun eerste log-in: van ‘uit’ naar ‘aan’"),
        ("Hanna HR", "Bewaartermijn na vertrek (maanden): van ‘24’ naar ‘36’")]
    page = hr.get(URL)
    assert "checked" in tag(page, "create_unknown") and 'value="36"' in tag(page, "retention_months")
    with app.app_context():  # what the directory and single sign-on log-ins read
        created = external_login.person_for(external_login.Identity("nieuw@test.nl", "Nina", "Nieuw"))
        assert isinstance(created, Person) and created.naam == "Nina Nieuw" and created.role == "medewerker"

    # The same again changes nothing and logs nothing; switching one back logs that one.
    assert "Niets gewijzigd" in text_of(hr.get(hr.post(URL, data={"create_unknown": "y",
                                                                   "retention_months": "36"}).headers["Location"]))
    assert hr.post(URL, data={"retention_months": "36"}).status_code == 302
    assert settings_lines(app)[2:] == [
        ("Hanna HR", "Onbekende mensen aanmaken bij hun eerste log-in: van ‘aan’ naar ‘uit’")]


@pytest.mark.parametrize("typed", ["5", "121", "twee jaar", "24,5", "", "-12", "٣٦", "9" * 5000])
def test_a_bad_retention_gets_a_message_beside_the_box_and_stays(app, org, hr, typed):
    response = hr.post(URL, data={"create_unknown": "y", "retention_months": typed})
    assert response.status_code == 422
    assert error_text(response, "retention_months") == "Vul een heel aantal maanden in, van 6 tot en met 120."
    assert f'value="{typed}"' in tag(response, "retention_months")
    assert "checked" in tag(response, "create_unknown")
    with app.app_context():
        assert settings.get(settings.RETENTION_MONTHS) == 24
        assert settings.get(settings.CREATE_UNKNOWN_ON_LOGIN) is False
    assert settings_lines(app) == []


def test_the_settings_page_is_hr_only(app, org, login):
    for who in (org["m1"], org["a"]):
        user = login(who)
        assert user.get(URL).status_code == 403
        assert user.post(URL, data={"retention_months": "6"}).status_code == 403
    with app.app_context():
        assert settings.get(settings.RETENTION_MONTHS) == 24
    assert settings_lines(app) == []
