"""Log-in with the directory (pop/directory.py) against a real OpenLDAP server the tests start (Debian's
slapd, tests/slapd_server.py) and remove; and POP_LOCAL_PASSWORDS=0, which switches POP's own passwords
off everywhere. Through HTTP, with the throttle's clock a fake one the tests move.

Without slapd these tests are skipped, unless POP_REQUIRE_LDAP=1 (CI) makes that a failure."""
import logging
import os
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ldap3
import pytest
from ldap3.strategy.sync import SyncStrategy

from app import create_app
from conftest import PASSWORD, Client, _database, csrf_from, text_of
from pop import directory, passwords, settings
from pop import login as rules
from pop.external_login import INACTIVE, UNKNOWN
from pop.models import AccountToken, LoginThrottle, Person, SecurityEvent
from slapd_server import BY_UID, GROUP_DN, SERVICE_DN, SERVICE_PASSWORD, Slapd, free_port, program
from support import doc
from test_login_throttling import Clock

WRONG_NAME = "Dit e-mailadres of deze gebruikersnaam hoort niet bij dit wachtwoord."
ANNA, NINA, MIRA, HANNA = BY_UID["anna"], BY_UID["nina"], BY_UID["mira"], BY_UID["hanna"]


@pytest.fixture(scope="module")
def slapd():
    if program("slapd") is None or program("slapadd") is None:
        if os.environ.get("POP_REQUIRE_LDAP") == "1":
            pytest.fail("POP_REQUIRE_LDAP=1 but slapd is not installed (apt-get install slapd ldap-utils)")
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils)")
    server = Slapd(Path(tempfile.mkdtemp(prefix="pop-slapd-")))
    yield server
    server.stop()


@pytest.fixture
def extra():
    """Settings a test adds or changes (parametrize "extra" to change them)."""
    return {}


@pytest.fixture
def app(tmp_path, slapd, extra):
    # The settings as the environment gives them: text.
    config = {"POP_LDAP_URL": slapd.url, "POP_LDAP_BASE_DN": "dc=test,dc=nl",
              "POP_LDAP_BIND_DN": SERVICE_DN, "POP_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
              "POP_LDAP_LOGIN_ATTRIBUTES": "mail,uid", "POP_LDAP_GROUP_DN": GROUP_DN,
              "POP_LDAP_TIMEOUT": "1"}
    config.update(extra)
    for url in _database(tmp_path, migrated=True):
        yield create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "DATABASE_URL": url, **config})


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(rules, "now", fake)
    return fake


@pytest.fixture
def contacts(monkeypatch):
    """Every connection opened to a directory and every bind, in order: ("open", None) or ("bind",
    the DN bound as, None for anonymous)."""
    seen = []
    real_open, real_bind = SyncStrategy.open, ldap3.Connection.bind

    def opening(self, *args, **kwargs):
        seen.append(("open", None))
        return real_open(self, *args, **kwargs)

    def binding(self, *args, **kwargs):
        seen.append(("bind", self.user))
        return real_bind(self, *args, **kwargs)

    monkeypatch.setattr(SyncStrategy, "open", opening)  # a Connection's open is its strategy's
    monkeypatch.setattr(ldap3.Connection, "bind", binding)
    return seen


def rows(app, kind=None):
    with app.app_context():
        query = SecurityEvent.select().order_by(SecurityEvent.id)
        if kind:
            query = query.where(SecurityEvent.kind == kind)
        return [(e.kind, e.subject_name, e.detail) for e in query]


def refusal(response) -> str:
    """The message under the password field."""
    found = doc(response).xpath('//*[@id="password-error"]//li')
    assert response.status_code == 200 and found, text_of(response)[:300]
    return " ".join(found[0].text_content().split())


def logged_in_as(client) -> str:
    page = client.get("/account")
    assert page.status_code == 200, page.status_code
    return doc(page).xpath("//main//p")[0].text_content()


# ---------------------------------------------------------------- logging in

def test_log_in_by_e_mail_address_and_by_user_name(app, org):
    page = Client(app).get("/login")
    field = doc(page).xpath('//input[@name="email"]')[0]
    assert field.get("type") == "text" and "E-mailadres of gebruikersnaam" in text_of(page)
    by_name = Client(app)
    response = by_name.login("anna", ANNA.password)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "a@test.nl" in logged_in_as(by_name)
    by_address = Client(app)
    assert by_address.login("A@Test.nl ", ANNA.password).status_code == 302
    assert "a@test.nl" in logged_in_as(by_address)
    assert rows(app, "ingelogd") == [("ingelogd", "Anna Alfa", "via directory (LDAP)")] * 2

    app.config["POP_LDAP_URL"] = ""  # without the directory: an e-mail field, as before
    page = Client(app).get("/login")
    assert doc(page).xpath('//input[@name="email"]')[0].get("type") == "email"
    assert "gebruikersnaam" not in text_of(page)


def test_wrong_password_and_unknown_name_get_the_same_answer(app, org):
    wrong = Client(app).login("anna", "fout-wachtwoord-1")
    unknown = Client(app).login("niemand", "fout-wachtwoord-2")
    assert refusal(wrong) == refusal(unknown) == WRONG_NAME
    assert text_of(wrong).replace("anna", "X") == text_of(unknown).replace("niemand", "X")
    # POP's own password of a@test.nl is not the directory's, and the other way round.
    assert refusal(Client(app).login("anna", PASSWORD)) == WRONG_NAME
    assert rows(app, "inloggen_mislukt") == [
        ("inloggen_mislukt", "Anna Alfa", "via directory (LDAP)"),
        ("inloggen_mislukt", "", "onbekende naam: niemand; via directory (LDAP)"),
        ("inloggen_mislukt", "Anna Alfa", "via directory (LDAP)")]
    assert "fout-wachtwoord" not in str(rows(app))


def test_an_empty_password_is_refused_before_the_directory_is_asked(app, org, contacts):
    # An empty password would be an unauthenticated bind, which many servers answer with success.
    with app.app_context():
        found = directory.authenticate(directory.Settings.from_config(app.config), "anna", "")
    assert found == directory.Outcome(problem=directory.WRONG)
    assert contacts == []
    # Through the page the form asks for it, and nothing is counted or asked either.
    response = Client(app).login("anna", "")
    assert "Dit veld is verplicht." in refusal(response) and contacts == []
    # A right password, for comparison: the service account searches, then binds as Anna.
    assert Client(app).login("anna", ANNA.password).status_code == 302
    assert contacts == [("open", None), ("bind", SERVICE_DN), ("bind", ANNA.dn)]


def test_unknown_in_pop_is_refused_unless_hr_allows_creating_them(app, org):
    response = Client(app).login("nina", NINA.password)
    assert refusal(response) == UNKNOWN
    with app.app_context():
        assert Person.get_or_none(Person.email == NINA.mail) is None
    assert rows(app, "inloggen_mislukt") == [
        ("inloggen_mislukt", "", "onbekend in POP: nieuw@test.nl (via directory (LDAP))")]

    with app.app_context():
        settings.put(settings.CREATE_UNKNOWN_ON_LOGIN, True, Person.get(Person.email == org["hr"]))
    nina = Client(app)
    assert nina.login("nina", NINA.password).status_code == 302
    assert "Nina Nieuwkomer · nieuw@test.nl" in logged_in_as(nina)
    with app.app_context():
        made = Person.get(Person.email == NINA.mail)
        assert (made.role, made.manager_id, made.password_hash, made.active) == ("medewerker", None, "", True)
    assert rows(app, "aangemaakt_bij_inloggen") == [
        ("aangemaakt_bij_inloggen", "Nina Nieuwkomer", "via directory (LDAP)")]
    # The second log-in finds her: no second person.
    assert Client(app).login("nieuw@test.nl", NINA.password).status_code == 302
    with app.app_context():
        assert Person.select().where(Person.email == NINA.mail).count() == 1


def test_an_inactive_person_is_refused_though_the_directory_knows_them(app, org):
    with app.app_context():
        Person.update(active=False).where(Person.email == org["b"]).execute()
    bram = Client(app)
    assert refusal(bram.login("bram", BY_UID["bram"].password)) == INACTIVE
    assert bram.get("/").status_code == 302  # not logged in
    assert rows(app, "inloggen_mislukt")[-1] == (
        "inloggen_mislukt", "Bram Beta", "account is niet actief (via directory (LDAP))")


def test_outside_the_group_refused_but_only_a_right_password_tells(app, org):
    mira = Client(app)
    assert refusal(mira.login("mira", "fout-wachtwoord")) == WRONG_NAME  # a guesser learns nothing
    assert refusal(mira.login("mira", MIRA.password)) == directory.NOT_IN_GROUP_TEXT
    assert mira.get("/").status_code == 302
    assert rows(app, "inloggen_mislukt")[-1] == (
        "inloggen_mislukt", "Mira Twee", "niet in de groep voor POP (POP_LDAP_GROUP_DN, via directory (LDAP))")
    app.config["POP_LDAP_GROUP_DN"] = ""  # without a group, everyone the directory knows may use POP
    assert mira.login("mira", MIRA.password).status_code == 302


NAMES = ["*", "a*", ")(uid=*", "*)(|(uid=*", "anna)(|(uid=*)", "\\2a", "dubbel@test.nl"]


def test_filter_characters_in_the_name_are_a_name_not_a_wildcard(app, org):
    # Anna's password with names that, unescaped, would match her (or everyone); and an address two
    # entries share (with a right password of one of them). One database for all: they log nobody in.
    for name in NAMES:
        for password in (ANNA.password, BY_UID["dubbel1"].password):
            client = Client(app)
            assert refusal(client.login(name, password)) == WRONG_NAME, name
            assert client.get("/").status_code == 302
    assert rows(app, "ingelogd") == []


# ---------------------------------------------------------------- the directory unreachable

def test_directory_down_says_so_quickly_and_hr_s_local_password_still_works(app, org, caplog, clock):
    client = Client(app)
    for _ in range(2):  # two real failures while the directory is up
        assert refusal(client.login("anna", "fout")) == WRONG_NAME
    app.config["POP_LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    response = client.login("anna", ANNA.password)
    assert time.monotonic() - started < 1
    assert refusal(response) == directory.UNAVAILABLE_TEXT
    assert any(r.levelno == logging.WARNING and "Inloggen via de directory" in r.getMessage()
               and "Connection refused" in r.getMessage() for r in caplog.records)
    assert rows(app, "inloggen_mislukt")[-1] == (
        "inloggen_mislukt", "", "ingetypte naam: anna; de directory was niet bereikbaar (via directory (LDAP))")
    # Nothing was checked: each such attempt is taken back (the two failures before stay), so people do
    # not wait once it is up again.
    for _ in range(6):
        assert refusal(client.login("anna", ANNA.password)) == directory.UNAVAILABLE_TEXT
    with app.app_context():
        assert LoginThrottle.get(LoginThrottle.key == f"{rules.CLIENT_RULE.prefix}"
                                 f"{rules._account('anna')}:ip:127.0.0.1").failures == 2
    # HR's own password of POP (local passwords are on) needs no directory.
    assert Client(app).login(org["hr"], PASSWORD).status_code == 302
    assert rows(app, "ingelogd") == [("ingelogd", "Hanna HR", "")]


def test_a_directory_that_never_answers_is_given_up_after_the_time_out(app, org):
    # The silent server is closed first (resetting the waiting connection), then the pool waits for its
    # thread: without a time-out the test fails instead of hanging.
    with ThreadPoolExecutor(1) as pool, socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts connections; nobody ever answers
        app.config["POP_LDAP_URL"] = f"ldap://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        response = pool.submit(Client(app).login, "anna", ANNA.password).result(timeout=5)
        took = time.monotonic() - started
    assert refusal(response) == directory.UNAVAILABLE_TEXT
    assert 0.9 < took < 2.5  # POP_LDAP_TIMEOUT=1 for one answer, not ldap3's unbounded wait


def test_a_refused_service_account_and_anonymous_search(app, org, caplog):
    app.config["POP_LDAP_BIND_PASSWORD"] = "fout-dienstwachtwoord-9"
    assert refusal(Client(app).login("anna", ANNA.password)) == directory.UNAVAILABLE_TEXT
    assert any("weigert het serviceaccount POP_LDAP_BIND_DN" in r.getMessage() for r in caplog.records)
    assert "fout-dienstwachtwoord-9" not in caplog.text and ANNA.password not in caplog.text
    app.config["POP_LDAP_BIND_DN"] = app.config["POP_LDAP_BIND_PASSWORD"] = ""  # anonymous search
    assert Client(app).login("anna", ANNA.password).status_code == 302


def test_encrypted_connections_check_the_certificate(app, org, slapd, caplog):
    app.config.update(POP_LDAP_STARTTLS="1", POP_LDAP_CA_FILE=str(slapd.ca_file))
    assert Client(app).login("anna", ANNA.password).status_code == 302
    app.config.update(POP_LDAP_URL=slapd.tls_url, POP_LDAP_STARTTLS="0")
    assert Client(app).login("anna", ANNA.password).status_code == 302
    # Not signed by a CA it trusts, or for another name: no connection (ldap3 alone would not check).
    for url, ca in ((slapd.tls_url, ""), (slapd.url, ""),
                    (slapd.tls_url.replace("127.0.0.1", "localhost"), str(slapd.ca_file))):
        app.config.update(POP_LDAP_URL=url, POP_LDAP_STARTTLS="1", POP_LDAP_CA_FILE=ca)
        assert refusal(Client(app).login("anna", ANNA.password)) == directory.UNAVAILABLE_TEXT
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text and "doesn't match" in caplog.text


# ---------------------------------------------------------------- throttling

def test_throttling_holds_for_directory_log_ins(app, org, clock, contacts):
    anna = Client(app)
    assert anna.login("anna", ANNA.password).status_code == 302  # her browser gets its device cookie
    anna.post("/logout")
    guesser = Client(app)  # from the same network address as Anna (one office, one NAT)
    for _ in range(5):
        assert refusal(guesser.login("anna", "fout")) == WRONG_NAME
    contacts.clear()
    response = guesser.login("anna", ANNA.password)
    assert refusal(response) == "Te veel mislukte pogingen. Probeer het over 15 seconden opnieuw."
    assert contacts == []  # a waiting attempt asks the directory nothing
    assert rows(app, "inloggen_tegengehouden") == [
        ("inloggen_tegengehouden", "", "ingetypte naam: anna")]
    # Anna's own browser, known by its cookie for "anna", is not held up by the stranger.
    assert anna.login("anna", ANNA.password).status_code == 302
    clock.move(seconds=15)
    assert guesser.login("anna", ANNA.password).status_code == 302  # and then the count starts again
    with app.app_context():
        assert LoginThrottle.get(LoginThrottle.key == f"{rules.CLIENT_RULE.prefix}"
                                 f"{rules._account('anna')}:ip:127.0.0.1").failures == 0


# ---------------------------------------------------------------- POP_LOCAL_PASSWORDS=0

LOCAL_OFF = {"POP_LOCAL_PASSWORDS": False}


@pytest.mark.parametrize("extra", [LOCAL_OFF])
def test_local_passwords_off_no_local_password_is_checked(app, org, hash_checks):
    assert refusal(Client(app).login(org["hr"], PASSWORD)) == WRONG_NAME
    assert hash_checks == []  # not even compared
    page = Client(app).get("/login")
    assert "Wachtwoord vergeten" not in text_of(page) and "/login/vergeten" not in page.get_data(as_text=True)
    assert Client(app).login(org["hr"], HANNA.password).status_code == 302


@pytest.mark.parametrize("extra", [LOCAL_OFF])
def test_local_passwords_off_no_own_password_pages(app, org):
    hr = Client(app)
    assert hr.login("hanna", HANNA.password).status_code == 302
    off = passwords.off_text(app.config)
    page = hr.get("/account")
    assert page.status_code == 200 and off in text_of(page) and 'type="password"' not in page.get_data(as_text=True)
    assert "uw netwerkaccount (de directory)" in off
    with app.app_context():
        before = Person.get(Person.email == org["hr"]).password_hash
    response = hr.post("/account", data={"current": PASSWORD, "password": "nieuw-wachtwoord-1",
                                         "password_again": "nieuw-wachtwoord-1"})
    assert response.status_code == 403 and off in text_of(response)
    with app.app_context():
        assert Person.get(Person.email == org["hr"]).password_hash == before

    stranger = Client(app)
    page = stranger.get("/login/vergeten")
    assert page.status_code == 200 and off in text_of(page) and 'name="email"' not in page.get_data(as_text=True)
    response = stranger.http.post("/login/vergeten", data={"email": org["a"], "csrf_token": csrf_from(
        stranger.get("/login"))})
    assert response.status_code == 403 and off in text_of(response)
    assert rows(app, "herstel_gevraagd") == []


@pytest.mark.parametrize("extra", [LOCAL_OFF])
def test_local_passwords_off_hr_invites_nobody_and_adds_people_without_a_password(app, org):
    with app.app_context():  # a link mailed before the passwords were switched off
        anna = Person.get(Person.email == org["a"])
        token = passwords.issue(anna, passwords.INVITATION, app.secret_key)
    hr = Client(app)
    assert hr.login("hanna", HANNA.password).status_code == 302
    index = hr.get("/mensen/")
    assert "/uitnodigen" not in index.get_data(as_text=True)
    assert passwords.off_text_hr(app.config) in text_of(index)
    assert "Anna Alfa a@test.nl Adviseur A Marco Een Medewerker via de directory" in text_of(index)
    response = hr.post(f"/mensen/{anna.id}/uitnodigen")
    assert response.status_code == 302 and response.headers["Location"] == "/mensen/"
    assert "Anna Alfa is dus niet uitgenodigd." in text_of(hr.get("/mensen/"))
    link = Client(app).get(f"/wachtwoord/uitnodiging/{token}")
    assert link.status_code == 410 and "Wachtwoorden van POP staan uit" in text_of(link)
    assert 'type="password"' not in link.get_data(as_text=True)

    form = hr.get("/mensen/nieuw")
    body = form.get_data(as_text=True)
    assert 'name="password"' not in body and 'name="invite"' not in body
    assert passwords.off_text_hr(app.config) in text_of(form)
    # A post with a password typed into the request sets none.
    response = hr.post("/mensen/nieuw", data={
        "voornaam": "Nina", "achternaam": "Nieuwkomer", "email": NINA.mail, "manager": "0",
        "role": "medewerker", "active": "y", "password": "gekozen-door-hr-1", "invite": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/mensen/"
    with app.app_context():
        assert Person.get(Person.email == NINA.mail).password_hash == ""
        assert AccountToken.select().count() == 1  # only the one made before
    assert Client(app).login("nina", NINA.password).status_code == 302


@pytest.mark.parametrize("extra", [LOCAL_OFF])
def test_local_passwords_off_without_a_directory_only_single_sign_on(app, org):
    client = Client(app)
    stale = client.get("/login")  # opened while the directory was still configured
    app.config["POP_LDAP_URL"] = ""
    page = Client(app).get("/login")
    assert page.status_code == 200 and doc(page).xpath("//main//form") == []
    assert "Inloggen is niet ingesteld" in text_of(page)  # nor single sign-on: nobody can log in
    app.config.update(POP_OIDC_ISSUER="https://sso.test.nl/realms/pop", POP_OIDC_NAME="Keycloak")
    page = Client(app).get("/login")
    assert doc(page).xpath("//main//form") == [] and doc(page).xpath("//input[@type='password']") == []
    assert [a.text_content() for a in doc(page).xpath("//main//a")] == ["Inloggen met Keycloak"]
    response = client.http.post("/login", data={"email": org["hr"], "password": PASSWORD,
                                                "csrf_token": csrf_from(stale)})
    assert response.status_code == 403 and doc(response).xpath("//input[@type='password']") == []
    assert client.get("/").status_code == 302  # nobody logged in
