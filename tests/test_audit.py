"""The audit log of a plan: every action through the web gives exactly its line (who, what, details),
views are logged at most once an hour per person, only HR reads the log, nothing changes it, and a line
survives its person's rename or removal.

The fixture's plans start in the voorbereiding, the employee's alone; tests that need the manager or HR
to read or sign put the plan in the ontwikkelgesprek (shared) first."""
import datetime as dt
import re
from pathlib import Path

import pytest

from app import create_app
from conftest import Client, text_of
from old_schema import make_release_0_1
from pop import audit
from pop.models import STATUSES, AuditEntry, Person, Plan, now
from support import FORM, doc, part_url, set_state

ROOT = Path(__file__).resolve().parents[1]
FASE_1 = FORM.part("fase-1").title  # "Fase I: Zelfanalyse"
AFRONDING = FORM.part("afronding").title


def person_id(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


def last_id(app) -> int:
    with app.app_context():
        return AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).scalar() or 0


def lines(app, plan_id, after=0):
    """The plan's entries after entry id `after`, oldest first, as (action, person id, name, detail)."""
    with app.app_context():
        query = (AuditEntry.select().where((AuditEntry.plan == plan_id) & (AuditEntry.id > after))
                 .order_by(AuditEntry.id))
        return [(e.action, e.person_id, e.person_name, e.detail) for e in query]


def count(app) -> int:
    with app.app_context():
        return AuditEntry.select().count()


@pytest.fixture
def ids(app, org):
    return {k: person_id(app, org[k]) for k in ("hr", "m1", "m2", "a", "b")}


# ---------------------------------------------------------------- each action, exactly its line


def test_a_new_plan_is_logged_as_made_by_who_made_it_not_by_its_employee(app, org, login, ids):
    hr = login(org["hr"])
    response = hr.post("/plans/nieuw", data={"employee": ids["a"], "form_key": FORM.key,
                                             "period": "2027"})
    assert response.status_code == 302
    plan_id = int(re.search(r"/plans/(\d+)", response.headers["Location"])[1])  # HR: its overview
    assert lines(app, plan_id) == [("aangemaakt", ids["hr"], "Hanna HR", "")]


def test_a_refused_second_plan_logs_nothing(app, org, login):
    before = count(app)
    anna = login(org["a"])
    response = anna.post("/plans/nieuw", data={"employee": person_id(app, org["a"]),
                                               "form_key": FORM.key, "period": "2026"})
    assert response.status_code == 422  # Anna has a 2026 plan already
    assert count(app) == before


def test_saving_a_changed_part_logs_gewijzigd_with_the_parts_name(app, org, login, ids):
    anna, plan = login(org["a"]), org["plan_a"]
    mark = last_id(app)
    response = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Meer plannen", "go": "stay"})
    assert response.status_code == 302
    assert lines(app, plan, mark) == [("gewijzigd", ids["a"], "Anna Alfa", FASE_1)]

    # The first part's title is the whole form's: the log names it by its short name.
    mark = last_id(app)
    anna.post(part_url(plan, "gegevens"), data={"medewerker_naam": "Anna Alfa-Beta", "go": "stay"})
    assert lines(app, plan, mark) == [("gewijzigd", ids["a"], "Anna Alfa", "Gegevens")]

    # The manager's change is the manager's line (the next talk is his to set once it is shared).
    set_state(app, plan, "ontwikkelgesprek")
    mark = last_id(app)
    marco = login(org["m1"])
    response = marco.post(part_url(plan, "afronding"), data={"volgend_gesprek": "voortgangsgesprek",
                                                             "go": "stay"})
    assert response.status_code == 302
    assert lines(app, plan, mark) == [("gewijzigd", ids["m1"], "Marco Een", AFRONDING)]


def test_saving_without_a_change_logs_nothing(app, org, login):
    anna, plan = login(org["a"]), org["plan_a"]
    anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Meer plannen", "go": "stay"})
    mark = last_id(app)
    response = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Meer plannen", "go": "next"})
    assert response.status_code == 302
    assert lines(app, plan, mark) == []


def test_a_save_that_is_not_stored_logs_nothing(app, org, login):
    anna, hr, plan = login(org["a"]), login(org["hr"]), org["plan_a"]
    mark = last_id(app)
    invalid = anna.post(part_url(plan, "gegevens"), data={"datum_pop_gesprek": "31-02-2027",
                                                          "go": "stay"})
    assert invalid.status_code == 422
    stale = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Oud", "versie": "0" * 16,
                                                      "go": "stay"})
    assert stale.status_code == 409
    refused = hr.post(part_url(plan, "fase-1"), data={"meer_doen": "HR schrijft", "go": "stay"})
    assert refused.status_code == 403
    set_state(app, plan, "vastgesteld")  # agreed: a change goes through bijstellen
    frozen = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Stiekem", "go": "stay"})
    assert frozen.status_code == 403
    assert lines(app, plan, mark) == []


def sign(client, plan_id, **data):
    response = client.post(part_url(plan_id, "afronding"), data={"go": "stay", **data})
    assert response.status_code == 302, response.status_code


def test_akkoord_given_and_withdrawn_are_logged_by_their_signer(app, org, login, ids):
    anna, marco, plan = login(org["a"]), login(org["m1"]), org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")  # where akkoorden are given
    mark = last_id(app)
    sign(anna, plan, akkoord_medewerker="y")
    assert lines(app, plan, mark) == [("akkoord_gegeven", ids["a"], "Anna Alfa", "Akkoord medewerker")]

    mark = last_id(app)
    sign(anna, plan)  # box unticked
    assert lines(app, plan, mark) == [("akkoord_ingetrokken", ids["a"], "Anna Alfa",
                                       "Akkoord medewerker")]

    # Marco cannot tick Anna's box: only his own akkoord is his line.
    mark = last_id(app)
    sign(marco, plan, akkoord_medewerker="y", akkoord_leidinggevende="y")
    assert lines(app, plan, mark) == [("akkoord_gegeven", ids["m1"], "Marco Een",
                                       "Akkoord leidinggevende")]

    # A change and an akkoord in one save: a line for each, and the second akkoord fixes the plan.
    mark = last_id(app)
    sign(anna, plan, akkoord_medewerker="y", volgend_gesprek="voortgangsgesprek")
    assert lines(app, plan, mark) == [("gewijzigd", ids["a"], "Anna Alfa", AFRONDING),
                                      ("akkoord_gegeven", ids["a"], "Anna Alfa", "Akkoord medewerker"),
                                      ("status_gewijzigd", ids["a"], "Anna Alfa",
                                       "van ‘Ontwikkelgesprek’ naar ‘Vastgesteld’")]


def test_a_status_change_is_logged_from_and_to(app, org, ids):
    """record_status is what the cycle's steps call (pop/cycle.py); no route changes a status itself."""
    with app.app_context():
        marco = Person.get_by_id(ids["m1"])
        mark = last_id(app)
        assert audit.record_status(org["plan_a"], marco, "evaluatie", "evaluatie") is None
        audit.record_status(org["plan_a"], marco, "evaluatie", "afgerond")
    assert lines(app, org["plan_a"], mark) == [
        ("status_gewijzigd", ids["m1"], "Marco Een",
         f"van ‘{STATUSES['evaluatie']}’ naar ‘{STATUSES['afgerond']}’")]


def test_downloads_are_logged_with_their_format(app, org, login, ids, monkeypatch):
    from exports.pdf import convert as pdf

    anna, plan = login(org["a"]), org["plan_a"]
    mark = last_id(app)
    assert anna.get(f"/plans/{plan}/download.docx").status_code == 200
    assert anna.get(f"/plans/{plan}/download.xlsx").status_code == 200
    monkeypatch.setattr(pdf, "available", lambda: True)
    monkeypatch.setattr(pdf, "to_pdf", lambda document: b"%PDF-1.7 test")
    assert anna.get(f"/plans/{plan}/download.pdf").status_code == 200
    assert lines(app, plan, mark) == [("gedownload", ids["a"], "Anna Alfa", "Word (.docx)"),
                                      ("gedownload", ids["a"], "Anna Alfa", "Excel (.xlsx)"),
                                      ("gedownload", ids["a"], "Anna Alfa", "PDF (.pdf)")]


def test_a_pdf_that_failed_is_not_logged_as_downloaded(app, org, login, monkeypatch):
    from exports.pdf import convert as pdf

    def fail(document):
        raise pdf.PdfFailed("De PDF kon niet worden gemaakt.")

    monkeypatch.setattr(pdf, "available", lambda: True)
    monkeypatch.setattr(pdf, "to_pdf", fail)
    anna, plan = login(org["a"]), org["plan_a"]
    mark = last_id(app)
    assert anna.get(f"/plans/{plan}/download.pdf").status_code == 302
    assert lines(app, plan, mark) == []


def test_a_bulk_export_logs_each_plan_in_the_zip_once(app, org, login, ids):
    for plan in (org["plan_a"], org["plan_b"]):
        set_state(app, plan, "uitvoering")  # shared: HR may file them
    hr = login(org["hr"])
    mark = last_id(app)
    response = hr.post("/export", data={"afdeling": "A", "periode": "", "status": ""})
    assert response.status_code == 302
    assert "Klaar" in text_of(hr.get(response.headers["Location"]))
    assert lines(app, org["plan_a"], mark) == [("gedownload", ids["hr"], "Hanna HR", "bulkexport")]
    assert lines(app, org["plan_b"], mark) == []  # Afdeling B was not in the export


def test_a_failed_bulk_export_logs_nothing(app, org, login, monkeypatch):
    import exports.bulk

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(exports.bulk, "write_zip", broken)
    set_state(app, org["plan_a"], "uitvoering")
    hr = login(org["hr"])
    before = count(app)
    response = hr.post("/export", data={"afdeling": "", "periode": "", "status": ""})
    assert "schijf vol" in text_of(hr.get(response.headers["Location"]))
    assert count(app) == before


def test_actions_are_known_by_their_dutch_labels_and_unknown_ones_refused(app, org):
    assert list(audit.ACTIONS.values()) == [
        "aangemaakt", "gewijzigd", "gedeeld", "akkoord gegeven", "akkoord ingetrokken", "akkoord vervallen",
        "bijgesteld",
        "status gewijzigd", "bekeken", "gedownload"]
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        entry = audit.record(org["plan_a"], anna, "gedeeld", "met Marco Een")  # for pop/cycle.py
        assert (entry.person_name, audit.label(entry.action)) == ("Anna Alfa", "gedeeld")
        with pytest.raises(ValueError, match="gedeelt"):
            audit.record(org["plan_a"], anna, "gedeelt")
        assert AuditEntry.select().where(AuditEntry.action == "gedeelt").count() == 0


# ---------------------------------------------------------------- views, at most once an hour


def views(app, plan_id, person):
    with app.app_context():
        return list(AuditEntry.select().where((AuditEntry.plan == plan_id) & (AuditEntry.person == person)
                                              & (AuditEntry.action == "bekeken")).order_by(AuditEntry.id))


def age_views(app, plan_id, person, minutes):
    with app.app_context():
        for entry in views(app, plan_id, person):
            entry.created_at = now() - dt.timedelta(minutes=minutes)
            entry.save()


def test_views_are_logged_once_an_hour_per_person_and_plan(app, org, login, ids):
    anna, plan = login(org["a"]), org["plan_a"]
    assert anna.get(f"/plans/{plan}").status_code == 200
    assert anna.get(f"/plans/{plan}").status_code == 200
    assert anna.get(part_url(plan, "fase-2")).status_code == 200
    assert anna.get(f"/plans/{plan}/afdrukken").status_code == 200
    assert [(e.person_name, e.detail) for e in views(app, plan, ids["a"])] == [("Anna Alfa", "")]

    age_views(app, plan, ids["a"], 59)
    anna.get(part_url(plan, "fase-1"))
    assert len(views(app, plan, ids["a"])) == 1, "within the hour: no second line"

    age_views(app, plan, ids["a"], 61)
    anna.get(part_url(plan, "fase-1"))
    assert len(views(app, plan, ids["a"])) == 2, "after an hour: a new line"

    # Anna's views do not hide Marco's, nor HR's view of another plan.
    set_state(app, plan, "ontwikkelgesprek")
    set_state(app, org["plan_b"], "ontwikkelgesprek")
    login(org["m1"]).get(f"/plans/{plan}")
    hr = login(org["hr"])
    hr.get(f"/plans/{plan}")
    hr.get(f"/plans/{org['plan_b']}")
    assert len(views(app, plan, ids["m1"])) == 1
    assert len(views(app, plan, ids["hr"])) == 1 and len(views(app, org["plan_b"], ids["hr"])) == 1


def test_a_change_does_not_stand_in_for_a_view(app, org, login, ids):
    anna = login(org["a"])
    anna.post(part_url(org["plan_a"], "fase-1"), data={"meer_doen": "Meer plannen", "go": "stay"})
    anna.get(part_url(org["plan_a"], "fase-1"))
    assert len(views(app, org["plan_a"], ids["a"])) == 1


def test_the_print_view_counts_as_a_view(app, org, login, ids):
    login(org["a"]).get(f"/plans/{org['plan_a']}/afdrukken")
    assert len(views(app, org["plan_a"], ids["a"])) == 1


def test_a_refused_look_is_not_logged_as_bekeken(app, org, login, ids):
    mark = last_id(app)
    outsider = login(org["m2"])
    assert outsider.get(f"/plans/{org['plan_a']}").status_code == 404
    assert outsider.get(part_url(org["plan_a"], "fase-1")).status_code == 404
    # In the voorbereiding Marco sees that the plan exists, but none of its content.
    marco = login(org["m1"])
    assert "nog in voorbereiding" in text_of(marco.get(f"/plans/{org['plan_a']}"))
    assert marco.get(part_url(org["plan_a"], "fase-1")).status_code == 403
    assert lines(app, org["plan_a"], mark) == []


# ---------------------------------------------------------------- HR reads it, nobody changes it


def log_rows(response):
    return [[" ".join(td.text_content().split()) for td in tr.xpath("./td")]
            for tr in doc(response).xpath('//table[contains(@class, "audit-log")]/tbody/tr')]


def test_hr_reads_the_log_newest_first(app, org, login, ids):
    anna, plan = login(org["a"]), org["plan_a"]
    anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Meer plannen", "go": "stay"})
    anna.get(f"/plans/{plan}/download.xlsx")
    with app.app_context():
        # Distinct times, against the order of the ids: the log is sorted by time.
        made, changed, downloaded = AuditEntry.select().where(AuditEntry.plan == plan).order_by(AuditEntry.id)
        for entry, when in ((made, dt.datetime(2026, 3, 2, 9, 5)), (changed, dt.datetime(2026, 3, 4, 16, 30)),
                            (downloaded, dt.datetime(2026, 3, 3, 11, 0))):
            entry.created_at = when
            entry.save()
    hr = login(org["hr"])
    page = hr.get(f"/plans/{plan}/logboek")
    assert page.status_code == 200
    # Stored in UTC, shown in Amsterdam time: in March one hour later (pop/clock.py).
    assert log_rows(page) == [
        ["04-03-2026 17:30", "Anna Alfa", "gewijzigd", FASE_1],
        ["03-03-2026 12:00", "Anna Alfa", "gedownload", "Excel (.xlsx)"],
        ["02-03-2026 10:05", "—", "aangemaakt", ""],  # the fixture's plan was made by no person
    ]
    assert "Logboek POP van Anna Alfa, 2026" in text_of(page)
    assert views(app, plan, ids["hr"]) == [], "reading the log is not a view of the plan"


def test_the_overview_links_to_the_log_for_hr_only(app, org, login):
    # Also while the plan is in the voorbereiding, when HR may not read its content: the log is
    # HR's to read in every state.
    link = f'href="/plans/{org["plan_a"]}/logboek"'
    assert link in login(org["hr"]).get(f"/plans/{org['plan_a']}").get_data(as_text=True)
    for who in ("a", "m1"):
        assert link not in login(org[who]).get(f"/plans/{org['plan_a']}").get_data(as_text=True)


@pytest.mark.parametrize("who", ["a", "m1", "m2", "b"])
def test_only_hr_reads_the_log_even_the_plans_own_people_get_404(app, org, login, who):
    login(org["a"]).post(part_url(org["plan_a"], "fase-1"), data={"meer_doen": "Geheim", "go": "stay"})
    page = login(org[who]).get(f"/plans/{org['plan_a']}/logboek")
    assert page.status_code == 404
    assert "Logboek" not in text_of(page) and "gewijzigd" not in text_of(page)


def test_the_log_of_a_plan_that_does_not_exist_is_404_for_hr_too(app, org, login):
    assert login(org["hr"]).get("/plans/999999/logboek").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(app, org, client):
    response = client.get(f"/plans/{org['plan_a']}/logboek")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_request_changes_the_log(app, org, login):
    hr, anna = login(org["hr"]), login(org["a"])
    anna.get(f"/plans/{org['plan_a']}")
    url = f"/plans/{org['plan_a']}/logboek"
    before = lines(app, org["plan_a"])
    for client in (hr, anna):
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          client.get("/").get_data(as_text=True))[1]
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = client.http.open(url, method=method, data={"csrf_token": token},
                                        headers={"X-CSRFToken": token})
            assert response.status_code in (404, 405), (method, response.status_code)
    assert lines(app, org["plan_a"]) == before
    # The only route of the log reads.
    rules = [r for r in app.url_map.iter_rules() if "logboek" in r.rule]
    assert [(r.rule, sorted(r.methods)) for r in rules] == [
        ("/plans/<int:plan_id>/logboek", ["GET", "HEAD", "OPTIONS"])]


def test_no_code_updates_or_deletes_entries():
    """The app's own code only adds and reads; an update or delete of entries is a design change that
    has to start by changing this test."""
    sources = [p for folder in ("pop", "exports", "forms") for p in (ROOT / folder).rglob("*.py")]
    sources.append(ROOT / "app.py")
    pattern = re.compile(r"AuditEntry\s*\.\s*(update|delete|replace|insert_from)\b|"
                         r"audit_entries\s*\.\s*delete|auditentry\"?\s+SET|DELETE\s+FROM\s+\"?auditentry",
                         re.I)
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sources if "migrations" not in p.parts
             for m in pattern.finditer(p.read_text(encoding="utf-8"))]
    # The one design change so far: erasing a person (AVG, pop/retention.py) deletes the log of their
    # own plans with the plans, and puts a pseudonym for their name in the lines of others' plans that
    # name them (tests/test_retention.py checks both). Any other update or delete must start here.
    assert sorted(found) == ["pop/retention.py: AuditEntry.update"]


# ---------------------------------------------------------------- the record outlives names and people


def test_a_line_keeps_the_name_after_a_rename_and_a_removal(app, org, login, ids):
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    login(org["m1"]).get(f"/plans/{plan}")
    hr = login(org["hr"])

    def shown():
        return [row[1:] for row in log_rows(hr.get(f"/plans/{plan}/logboek"))]

    with app.app_context():
        Person.update(voornaam="Mark").where(Person.id == ids["m1"]).execute()
    assert ["Marco Een", "bekeken", ""] in shown()
    with app.app_context():
        Person.delete().where(Person.id == ids["m1"]).execute()
        assert Plan.get_by_id(plan).manager_id is None  # he is really gone
    assert lines(app, plan)[-1] == ("bekeken", None, "Marco Een", "")
    assert ["Marco Een", "bekeken", ""] in shown()


def test_removing_the_employee_removes_the_log_of_their_plan(app, org, login, ids):
    login(org["a"]).get(f"/plans/{org['plan_a']}")
    assert len(lines(app, org["plan_a"])) == 2  # made, seen
    with app.app_context():
        Person.delete().where(Person.id == ids["a"]).execute()
        assert AuditEntry.select().where(AuditEntry.plan == org["plan_a"]).count() == 0
        assert AuditEntry.select().where(AuditEntry.plan == org["plan_b"]).count() == 1  # Bram's stays


# ---------------------------------------------------------------- an upgraded database


def test_a_release_0_1_database_gets_an_empty_log_that_works(database_url, tmp_path):
    before = make_release_0_1(database_url)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url})
    plan_id = before["plan"][0]["id"]
    assert count(app) == 0  # nothing that happened before the log is made up
    hr = Client(app)
    assert hr.login("hr@voorbeeld.nl", "demo-pop-2026").status_code == 302
    assert hr.get(f"/plans/{plan_id}").status_code == 200
    assert [r[1:] for r in log_rows(hr.get(f"/plans/{plan_id}/logboek"))] == [
        ["Hanna de Vries", "bekeken", ""]]
