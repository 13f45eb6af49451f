"""The security log through HTTP: each event is written with its kind, who did it and whom it was
about, after the action a person takes on the site; never a password or a token; HR reads and filters
it on /beveiliging, nobody else; no route changes it."""
import datetime as dt
import re

import pytest

from conftest import PASSWORD, Client, csrf_from, text_of
from export_support import upload
from pop import passwords, security_log
from pop.models import ExportTemplate, Person, SecurityEvent
from test_blank_forms import blank_word_form, selects, proposal_page
from test_people import edit_data
from test_people_import import confirm, csv_bytes, to_preview


@pytest.fixture
def hr(org, login):
    return login(org["hr"])


def rows(app, kind=None):
    with app.app_context():
        query = SecurityEvent.select().order_by(SecurityEvent.id)
        if kind:
            query = query.where(SecurityEvent.kind == kind)
        return [dict(kind=e.kind, actor=e.actor_name, subject=e.subject_name, detail=e.detail,
                     actor_id=e.actor_id, subject_id=e.subject_id, address=e.address) for e in query]


def everything(app) -> str:
    """Every column of every row as one text, to search for what must never be there."""
    with app.app_context():
        return "\n".join(" | ".join(str(v) for v in row) for row in SecurityEvent.select().tuples())


def last(app, kind):
    found = rows(app, kind)
    assert found, f"no {kind!r} in {rows(app)}"
    return found[-1]


def person_id(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


def test_failed_log_in_unknown_address_logged_but_the_page_answers_the_same(app, org):
    known = Client(app).login(org["a"], "fout-wachtwoord-1")
    unknown = Client(app).login("niemand@test.nl", "fout-wachtwoord-2")
    # The page must not tell which address exists: same status and text but for the typed address.
    assert known.status_code == unknown.status_code == 200
    assert text_of(known).replace(org["a"], "X") == text_of(unknown).replace("niemand@test.nl", "X")
    failed = rows(app, "inloggen_mislukt")
    assert [(r["actor_id"], r["subject"]) for r in failed] == [(None, "Anna Alfa"), (None, "")]
    assert failed[1]["detail"] == "onbekend e-mailadres: niemand@test.nl"  # the address typed
    assert failed[0]["address"] == "127.0.0.1"
    text = everything(app)
    assert "fout-wachtwoord-1" not in text and "fout-wachtwoord-2" not in text


def test_throttled_log_in_then_log_in_and_out(app, org):
    guesser = Client(app)
    for n in range(6):  # five free attempts (pop.login.CLIENT_RULE), the sixth must wait
        guesser.login(org["a"], f"gok-{n}-wachtwoord")
    throttled = last(app, "inloggen_tegengehouden")
    assert throttled["subject"] == "Anna Alfa" and throttled["actor_id"] is None
    assert len(rows(app, "inloggen_mislukt")) == 5
    assert "gok-" not in everything(app)

    bram = Client(app)
    assert bram.login(org["b"]).status_code == 302
    assert last(app, "ingelogd")["subject"] == "Bram Beta"
    bram.post("/logout")
    out = last(app, "uitgelogd")
    assert out["actor"] == out["subject"] == "Bram Beta"
    assert PASSWORD not in everything(app)


def test_password_change_and_a_wrong_current_password(app, org, login):
    anna = login(org["a"])
    page = anna.get("/account")
    anna.http.post("/account", data={"current": "niet-het-huidige", "password": "nieuw-geheim-77",
                                     "password_again": "nieuw-geheim-77", "csrf_token": csrf_from(page)})
    assert last(app, "wachtwoord_wijzigen_mislukt")["subject"] == "Anna Alfa"
    assert not rows(app, "wachtwoord_gewijzigd")  # a wrong current password changes nothing
    page = anna.get("/account")
    response = anna.http.post("/account", data={"current": PASSWORD, "password": "nieuw-geheim-77",
                                                 "password_again": "nieuw-geheim-77",
                                                 "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    changed = last(app, "wachtwoord_gewijzigd")
    assert changed["actor"] == changed["subject"] == "Anna Alfa"
    text = everything(app)
    assert "nieuw-geheim-77" not in text and "niet-het-huidige" not in text and PASSWORD not in text


def forgot(client, email):
    page = client.get("/login/vergeten")
    return client.http.post("/login/vergeten", data={"email": email, "csrf_token": csrf_from(page)})


def test_reset_asked_for_known_and_unknown_and_used_no_token_in_the_log(app, org):
    known, unknown = forgot(Client(app), org["b"]), forgot(Client(app), "weg@test.nl")
    assert known.status_code == unknown.status_code == 200
    asked = rows(app, "herstel_gevraagd")
    assert [r["subject"] for r in asked] == ["Bram Beta", ""]
    assert asked[1]["detail"] == "onbekend e-mailadres: weg@test.nl"

    with app.app_context():
        token = passwords.issue(Person.get(Person.email == org["b"]), passwords.RESET, app.secret_key)
    client = Client(app)
    path = f"/wachtwoord/herstel/{token}"
    response = client.http.post(path, data={"password": "herstel-geheim-9", "password_again":
                                            "herstel-geheim-9", "csrf_token": csrf_from(client.get(path))})
    assert response.status_code == 302
    used = last(app, "herstel_gebruikt")
    assert used["actor"] == used["subject"] == "Bram Beta"
    text = everything(app)
    raw = token.split(".")[0]  # the random part inside the signed link
    assert token not in text and raw not in text and "herstel-geheim-9" not in text


def test_invitation_sent_and_used(app, org, hr):
    with app.app_context():
        nina = Person.create(voornaam="Nina", achternaam="Nieuw", email="nina@test.nl").id
    page = hr.post(f"/mensen/{nina}/uitnodigen")  # mail is off: HR gets the link on the page
    path = re.search(r"/wachtwoord/uitnodiging/[A-Za-z0-9_.\-]+", page.get_data(as_text=True)).group(0)
    sent = last(app, "uitnodiging_verstuurd")
    assert (sent["actor"], sent["subject"]) == ("Hanna HR", "Nina Nieuw")
    client = Client(app)
    client.http.post(path, data={"password": "uitnodiging-gekozen", "password_again": "uitnodiging-gekozen",
                                 "csrf_token": csrf_from(client.get(path))})
    assert last(app, "uitnodiging_gebruikt")["subject"] == "Nina Nieuw"
    text = everything(app)
    assert path.rsplit("/", 1)[1] not in text and "uitnodiging-gekozen" not in text


def test_role_manager_and_active_changes_old_to_new(app, org, hr):
    a = person_id(app, org["a"])
    m2 = person_id(app, org["m2"])
    assert hr.post(f"/mensen/{a}", data=edit_data(app, org["a"], role="leidinggevende",
                                                  manager=str(m2))).status_code == 302
    role = last(app, "rol_gewijzigd")
    assert (role["actor"], role["subject"]) == ("Hanna HR", "Anna Alfa")
    assert role["detail"] == "van ‘Medewerker’ naar ‘Leidinggevende’"
    assert last(app, "leidinggevende_gewijzigd")["detail"] == "van ‘Marco Een’ naar ‘Mira Twee’"
    hr.post(f"/mensen/{a}", data=edit_data(app, org["a"], active=None))
    hr.post(f"/mensen/{a}", data=edit_data(app, org["a"], active="y"))
    assert last(app, "gedeactiveerd")["subject"] == "Anna Alfa"
    assert last(app, "geactiveerd")["actor"] == "Hanna HR"
    # A change of anything else writes nothing more.
    count = len(rows(app))
    hr.post(f"/mensen/{a}", data=edit_data(app, org["a"], functie="Senior"))
    assert len(rows(app)) == count


def test_import_confirmed_with_counts_and_the_changes_it_made(app, org, hr):
    data = csv_bytes(["8001;Anna;;Alfa;a@test.nl;Adviseur;A;m2@test.nl",
                      "8002;Marco;;Een;m1@test.nl;Manager A;A;",
                      "8003;Mira;;Twee;m2@test.nl;Manager B;B;",
                      "8004;Nico;;Nieuw;nico@test.nl;Tester;B;m2@test.nl"])
    assert confirm(hr, to_preview(hr, data, deactivate=True)).status_code == 302
    done = last(app, "import_bevestigd")
    assert done["actor"] == "Hanna HR"
    assert done["detail"].startswith("1 nieuw, 3 gewijzigd, 1 gedeactiveerd")  # 3: their numbers are new
    assert last(app, "leidinggevende_gewijzigd")["subject"] == "Anna Alfa"
    assert last(app, "gedeactiveerd")["subject"] == "Bram Beta"


def test_templates_uploaded_activated_deactivated_deleted_and_switched_off(app, org, hr):
    from exports import templates as engine

    data = hr.get("/sjablonen/standaard/pop-uitgebreid.docx").data
    response = upload(hr, data, "eigen.docx", form_key="pop-uitgebreid")
    assert response.status_code == 302, text_of(response)[:500]
    with app.app_context():
        template = ExportTemplate.get()
    assert "‘eigen.docx’" in last(app, "sjabloon_geupload")["detail"]
    hr.post(f"/sjablonen/{template.id}/activeren")
    hr.post(f"/sjablonen/{template.id}/deactiveren")
    hr.post(f"/sjablonen/{template.id}/activeren")
    with app.app_context():  # three time-outs at download switch it off (exports.templates)
        for _ in range(engine.SWITCH_OFF_HITS):
            engine._count_limit_hit(template.id, "tijdlimiet")
    off = last(app, "sjabloon_uitgeschakeld")
    assert off["actor_id"] is None and "eigen.docx" in off["detail"]
    hr.post(f"/sjablonen/{template.id}/verwijderen")
    kinds = [r["kind"] for r in rows(app) if r["kind"].startswith("sjabloon")]
    assert kinds == ["sjabloon_geupload", "sjabloon_geactiveerd", "sjabloon_gedeactiveerd",
                     "sjabloon_geactiveerd", "sjabloon_uitgeschakeld", "sjabloon_verwijderd"]
    assert all(r["actor"] == "Hanna HR" for r in rows(app) if r["kind"] in kinds[:4] + ["sjabloon_verwijderd"])


def test_a_blank_form_confirmed_into_a_template(app, org, hr):
    response = upload(hr, blank_word_form(), "formulier.docx", form_key="pop-uitgebreid")
    url = response.headers["Location"]
    page = proposal_page(hr.get(url))
    posted = {f"plaats-{k}": v for k, v in selects(page).items()}
    assert hr.post(url, data=posted).status_code == 302
    confirmed = last(app, "blanco_formulier_bevestigd")
    assert confirmed["actor"] == "Hanna HR" and "formulier.docx" in confirmed["detail"]


def test_filters_pages_and_only_hr(app, org, hr, login):
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        for n in range(60):
            security_log.record("inloggen_mislukt", None, anna)
        security_log.record("rol_gewijzigd", Person.get(Person.email == org["hr"]),
                            Person.get(Person.email == org["b"]), "van ‘Medewerker’ naar ‘HR’")
        # One of Anna's lines in January 2025, to be left out by the period.
        first = SecurityEvent.select().where(SecurityEvent.kind == "inloggen_mislukt").order_by(
            SecurityEvent.id).first()
        SecurityEvent.update(created_at=dt.datetime(2025, 1, 15, 12, 0)).where(
            SecurityEvent.id == first.id).execute()
    everything_page = hr.get("/beveiliging")
    assert everything_page.status_code == 200 and "pagina 1 van 2" in text_of(everything_page)
    assert text_of(everything_page).count("inloggen mislukt") >= 49  # 50 a page (and the select)
    second = hr.get("/beveiliging?pagina=2")
    assert "pagina 2 van 2" in text_of(second)

    role = text_of(hr.get("/beveiliging?soort=rol_gewijzigd"))
    assert "Bram Beta" in role and "inloggen mislukt Anna" not in role and "1 regel" in role
    # By person: a name, or a current e-mail address.
    by_mail = text_of(hr.get("/beveiliging?persoon=b@test.nl"))
    assert "Bram Beta" in by_mail and "Anna Alfa" not in by_mail
    by_name = text_of(hr.get("/beveiliging?persoon=anna+alfa&soort=inloggen_mislukt"))
    assert "60 regels" in by_name
    # By period, in the organisation's days; the URL holds the filters for the next page too.
    this_year = hr.get("/beveiliging?van=2025-01-16&persoon=Alfa")  # not Anna: Hanna
    assert "59 regels" in text_of(this_year)
    old = hr.get("/beveiliging?van=2025-01-15&tot=2025-01-15")
    assert "1 regel" in text_of(old) and "15-01-2025 13:00" in text_of(old)  # Amsterdam, winter
    paged = hr.get("/beveiliging?persoon=Alfa").get_data(as_text=True)
    assert "persoon=Alfa" in paged and "pagina=2" in paged
    assert "niet-een-datum" in text_of(hr.get("/beveiliging?van=niet-een-datum"))

    for who in (org["a"], org["m1"]):
        assert login(who).get("/beveiliging").status_code == 403
    assert Client(app).get("/beveiliging").status_code == 302  # to the log-in
    assert "/beveiliging" in hr.get("/").get_data(as_text=True)  # in HR's navigation


def test_no_route_changes_the_log(app, org, hr):
    # Every route under /beveiliging answers GET only: nothing on the site posts to it.
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/beveiliging")]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    with app.app_context():
        security_log.record("rol_gewijzigd", None, None, "vast")
    before = rows(app)
    for method in ("post", "put", "delete", "patch"):
        response = getattr(hr.http, method)("/beveiliging", data={"csrf_token": csrf_from(hr.get("/"))})
        assert response.status_code == 405
    assert rows(app) == before
    with pytest.raises(ValueError):  # an unknown kind is refused, not written unreadably
        with app.app_context():
            security_log.record("iets_anders")
