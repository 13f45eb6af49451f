"""Issue 17's "done when", as one journey through the pages: an organisation of 400 imports its people from
its HR system's export, one of them logs in with her directory account (the directory is a real slapd the
tests start), collects a colleague's feedback and takes all her data home, and HR sees in the security log
who logged in and what was imported. Each part has its own tests in detail; this one checks that they fit
together."""
import io
import json
import zipfile

import pytest

from conftest import PASSWORD, Client, _database, make_person, text_of
from pop.models import Person, Plan
from pop.plans import start_plan
from slapd_server import GROUP_DN, SERVICE_DN, SERVICE_PASSWORD
from support import doc
from test_colleague_feedback import QUESTIONS, _token, answer_data
from test_directory_login import slapd  # noqa: F401 (the module's directory server)
from test_people_import import confirm, csv_bytes, to_preview

HEADER = "Personeelsnummer;Voornaam;Achternaam;E-mail;Functie;Afdeling;Leidinggevende;Rol\r\n"
MANAGERS = 20


@pytest.fixture
def app(tmp_path, slapd):  # noqa: F811
    from app import create_app

    config = {"POP_LDAP_URL": slapd.url, "POP_LDAP_BASE_DN": "dc=test,dc=nl",
              "POP_LDAP_BIND_DN": SERVICE_DN, "POP_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
              "POP_LDAP_LOGIN_ATTRIBUTES": "mail,uid", "POP_LDAP_GROUP_DN": GROUP_DN, "POP_LDAP_TIMEOUT": "2"}
    for url in _database(tmp_path, migrated=True):
        yield create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "DATABASE_URL": url, **config})


def export_of_400() -> bytes:
    """The HR system's export: 20 managers, 379 employees under them, and Nina (in the directory as uid
    nina, password nina-netwerk-1) under the first manager."""
    rows = []
    for i in range(1, MANAGERS + 1):
        rows.append(f"{5000 + i};Leida;Manager {i:02};manager{i}@test.nl;Teamleider;Afdeling {i % 7};;"
                    "Leidinggevende")
    for i in range(MANAGERS + 1, 400):
        rows.append(f"{5000 + i};Mede;Werker {i:03};werker{i}@test.nl;Adviseur;Afdeling {i % 7};"
                    f"{5000 + 1 + i % MANAGERS};Medewerker")
    rows.append("5400;Nina;Nieuwkomer;nieuw@test.nl;Adviseur;Afdeling 1;5001;Medewerker")
    return csv_bytes(rows, header=HEADER)


def test_an_organisation_moves_in_logs_in_with_its_directory_and_an_employee_takes_her_data_home(app):
    with app.app_context():
        make_person("hr@test.nl", "Hanna", "HR", role="hr", afdeling="HR")
    hr = Client(app)
    assert hr.login("hr@test.nl", PASSWORD).status_code == 302  # HR's own password: the emergency way in

    # The import: previewed, then written at once.
    preview = to_preview(hr, export_of_400())
    assert "400" in text_of(preview)
    assert confirm(hr, preview).status_code == 302
    with app.app_context():
        assert Person.select().count() == 401
        nina = Person.get(Person.email == "nieuw@test.nl")
        assert (nina.personeelsnummer, nina.manager.email, nina.password_hash) == (
            "5400", "manager1@test.nl", "")
        assert Person.select().where(Person.role == "leidinggevende").count() == MANAGERS
        plan_id = start_plan(nina, "pop-uitgebreid", "2026").id

    # Nina has no password in POP: she logs in with her user name and password of the directory.
    nina_browser = Client(app)
    assert nina_browser.login("nina", "wrong-password").status_code == 200
    response = nina_browser.login("nina", "nina-netwerk-1")
    assert response.status_code == 302
    assert "Nina Nieuwkomer" in text_of(nina_browser.get("/"))

    # She asks a colleague outside POP the form's two questions; mail is off, so she passes the link on.
    asked = nina_browser.post(f"/plans/{plan_id}/feedback/vragen",
                              data={"colleague": 0, "name": "Olga Buiten", "email": "olga@extern.nl"})
    assert asked.status_code == 200
    link = doc(asked).xpath('//input[@id="feedbacklink"]/@value')[0][len("http://localhost"):]
    olga = Client(app)
    page = olga.get(link)
    assert all(q in text_of(page) for q in QUESTIONS)
    answered = olga.post(link, data={**answer_data("Houdt overzicht in drukke weken", "Vaker nee zeggen"),
                                     "csrf_token": _token(page)})
    assert answered.status_code == 302
    assert "Houdt overzicht in drukke weken" in text_of(nina_browser.get(f"/plans/{plan_id}/fase-1"))

    # All her data, to take home: the plan and the feedback she received.
    page = nina_browser.get("/mijn-gegevens")
    download = nina_browser.post("/mijn-gegevens/download", data={"csrf_token": _token(page)})
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        data = json.loads(archive.read("gegevens.json"))
        names = archive.namelist()
    assert (data["persoon"]["email"], data["persoon"]["personeelsnummer"]) == ("nieuw@test.nl", "5400")
    (received,) = data["feedback"]
    assert [a["antwoord"] for a in received["antwoorden"]] == [
        "Houdt overzicht in drukke weken", "Vaker nee zeggen"]
    assert any(n.endswith(".docx") for n in names) and any(n.endswith(".xlsx") for n in names)

    # HR sees who logged in, how, who failed, and the import.
    log = text_of(hr.get("/beveiliging"))
    assert "import van mensen bevestigd" in log
    assert "Nina Nieuwkomer" in log and "via directory (LDAP)" in log
    assert "inloggen mislukt" in log
    with app.app_context():
        assert Plan.select().where(Plan.employee == nina.id).count() == 1
