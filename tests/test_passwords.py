"""Passwords people manage themselves, through HTTP: HR's invitation (a mailed one-time link, or shown to
HR when mail is off), changing one's own password, a forgotten password (the same answer for every
address, throttled like the log-in), and hashes redone with the current parameters at log-in. Mail
goes to a real SMTP server on loopback (aiosmtpd, as in test_reminders); the clock of the links'
expiry is models.now as pop.passwords reads it, moved by the tests."""
import re

import pytest

from conftest import PASSWORD, Client, csrf_from, text_of
from pop import login as rules
from pop import models, passwords
from pop.models import AccountToken, Person
from test_login_throttling import Clock
from test_reminders import BASE, mail_on, smtp  # noqa: F401 - the fixture

ASKED = passwords.ASKED
LINK = re.compile(re.escape(BASE) + r"(/wachtwoord/[a-z]+/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(passwords, "now", fake)
    monkeypatch.setattr(rules, "now", fake)
    return fake


@pytest.fixture
def hr(app, org, login):
    return login(org["hr"])


def mails(smtp):
    passwords.wait_for_mail()
    return smtp.inbox.mails


def link_in(mail) -> str:
    body = mail.get_body(("plain",)).get_content()
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def new_person(app, email="nieuw@test.nl"):
    with app.app_context():
        person = Person.create(voornaam="Nina", achternaam="Nieuw", email=email)
        return person.id


def choose(client, path, password="eigen-gekozen-1", again=None):
    page = client.get(path)
    return client.http.post(path, data={"password": password, "password_again": again or password,
                                        "csrf_token": csrf_from(page)})


def stored_hash(app, email):
    with app.app_context():
        return Person.get(Person.email == email).password_hash


def test_invitation_by_mail_then_the_person_chooses_a_password_and_logs_in(app, org, hr, smtp):
    smtp.start()
    mail_on(app, smtp)
    nina = new_person(app)
    index = hr.get("/mensen/")
    assert f'/mensen/{nina}/uitnodigen' in index.get_data(as_text=True)  # the button, for her alone
    assert index.get_data(as_text=True).count("/uitnodigen") == 1  # the others have a password
    response = hr.post(f"/mensen/{nina}/uitnodigen")
    assert response.status_code == 302
    assert "Uitnodiging gemaild naar nieuw@test.nl" in text_of(hr.get("/mensen/"))
    (to, mail), = mails(smtp)
    assert to == ["nieuw@test.nl"] and "Uitnodiging" in str(mail["Subject"])
    path = link_in(mail)
    with app.app_context():
        token = AccountToken.get()
        # Only a hash is stored, never the token of the link.
        assert token.purpose == "uitnodiging" and token.token_hash not in path and token.used_at is None
        assert path.rsplit("/", 1)[1] not in token.token_hash

    nina_browser = Client(app)
    page = nina_browser.get(path)
    assert page.status_code == 200 and "nieuw@test.nl" in text_of(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert nina_browser.get("/").status_code == 302  # the link logs nobody in
    response = choose(nina_browser, path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert nina_browser.get("/").status_code == 302  # nor does choosing the password
    assert nina_browser.login("nieuw@test.nl", "eigen-gekozen-1").status_code == 302
    assert nina_browser.get("/").status_code == 200


def test_a_link_works_once(app, org, hr):
    nina = new_person(app)
    page = hr.post(f"/mensen/{nina}/uitnodigen")  # mail off: HR sees the link
    path = LINK_ON_PAGE.search(page.get_data(as_text=True)).group(1)
    assert choose(Client(app), path, "eerste-keuze-1").status_code == 302
    again = Client(app)
    refused = again.get(path)
    assert refused.status_code == 410 and "Deze link is al gebruikt" in text_of(refused)
    assert "/login/vergeten" in refused.get_data(as_text=True)  # a way to ask for a new one
    # Posted with a valid CSRF token of this browser (the refused page has no form to take it from).
    refused = again.http.post(path, data={"password": "tweede-keuze-2", "password_again": "tweede-keuze-2",
                                          "csrf_token": csrf_from(again.get("/login"))})
    assert refused.status_code == 410
    assert Client(app).login("nieuw@test.nl", "eerste-keuze-1").status_code == 302
    assert Client(app).login("nieuw@test.nl", "tweede-keuze-2").status_code == 200


LINK_ON_PAGE = re.compile(r'value="https?://[^/"]+(/wachtwoord/[a-z]+/[A-Za-z0-9_.\-]+)"')


def test_with_mail_off_hr_sees_the_link_and_why(app, org, hr):
    nina = new_person(app)
    page = hr.post(f"/mensen/{nina}/uitnodigen")
    assert page.status_code == 200
    assert "E-mail is niet ingesteld (POP_SMTP_HOST, POP_SMTP_FROM, POP_BASE_URL ontbreekt)" in text_of(page)
    assert LINK_ON_PAGE.search(page.get_data(as_text=True))


def test_creating_a_person_with_invite_needs_no_password(app, org, hr, smtp):
    smtp.start()
    mail_on(app, smtp)
    form = hr.get("/mensen/nieuw")
    assert 'name="invite"' in form.get_data(as_text=True)
    response = hr.post("/mensen/nieuw", data={
        "voornaam": "Ilse", "achternaam": "Idee", "email": "Ilse@Test.nl", "manager": "0",
        "role": "medewerker", "active": "y", "invite": "y", "password": ""})
    assert response.status_code == 302
    (to, mail), = mails(smtp)
    assert to == ["ilse@test.nl"]
    assert choose(Client(app), link_in(mail)).status_code == 302
    assert Client(app).login("ilse@test.nl", "eigen-gekozen-1").status_code == 302


def test_an_expired_link_is_refused_with_a_way_to_a_new_one(app, org, hr, clock):
    nina = new_person(app)
    page = hr.post(f"/mensen/{nina}/uitnodigen")
    path = LINK_ON_PAGE.search(page.get_data(as_text=True)).group(1)
    clock.move(days=7, seconds=-1)
    assert Client(app).get(path).status_code == 200  # still valid a second before
    clock.move(seconds=1)
    browser = Client(app)
    refused = browser.get(path)
    assert refused.status_code == 410 and "Deze link is verlopen" in text_of(refused)
    assert "Een nieuwe link aanvragen" in text_of(refused) and "vraag HR" in text_of(refused)
    refused = browser.http.post(path, data={"password": "te-laat-gekozen", "password_again": "te-laat-gekozen",
                                            "csrf_token": csrf_from(browser.get("/login"))})
    assert refused.status_code == 410
    assert stored_hash(app, "nieuw@test.nl") == ""


def test_a_refused_new_password_keeps_the_link_and_says_why(app, org, hr):
    nina = new_person(app)
    path = LINK_ON_PAGE.search(hr.post(f"/mensen/{nina}/uitnodigen").get_data(as_text=True)).group(1)
    browser = Client(app)
    response = choose(browser, path, "kort")
    assert response.status_code == 422 and "Een wachtwoord heeft minstens 8 tekens." in text_of(response)
    response = choose(browser, path, "lang-genoeg-1", again="lang-genoeg-2")
    assert response.status_code == 422 and "De twee wachtwoorden zijn niet gelijk." in text_of(response)
    assert choose(browser, path, "lang-genoeg-1").status_code == 302  # not used up by the refusals


def test_a_tampered_link_is_refused(app, org, hr):
    nina = new_person(app)
    path = LINK_ON_PAGE.search(hr.post(f"/mensen/{nina}/uitnodigen").get_data(as_text=True)).group(1)
    token = path.rsplit("/", 1)[1]
    forged = path[:-len(token)] + ("A" if token[0] != "A" else "B") + token[1:]
    assert "Deze link werkt niet" in text_of(Client(app).get(forged))
    # An invitation is no reset link: the purpose is part of the signature and of the row.
    assert Client(app).get(path.replace("/uitnodiging/", "/herstel/")).status_code == 410


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, org, login):
    here, elsewhere = login(org["a"]), login(org["a"])
    page = here.get("/account")
    assert page.status_code == 200 and "/account" in here.get("/").get_data(as_text=True)  # header link
    wrong = here.post("/account", data={"current": "niet-mijn-wachtwoord", "password": "nieuw-wachtwoord",
                                        "password_again": "nieuw-wachtwoord"})
    assert wrong.status_code == 422 and "Dit is niet uw huidige wachtwoord." in text_of(wrong)
    assert elsewhere.get("/").status_code == 200  # a refused change ends nothing
    response = here.post("/account", data={"current": PASSWORD, "password": "nieuw-wachtwoord",
                                           "password_again": "nieuw-wachtwoord"})
    assert response.status_code == 302
    assert "Uw wachtwoord is gewijzigd" in text_of(here.get("/account"))
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one has ended
    assert Client(app).login(org["a"], PASSWORD).status_code == 200
    assert Client(app).login(org["a"], "nieuw-wachtwoord").status_code == 302


def forgot(client, email):
    page = client.get("/login/vergeten")
    return client.http.post("/login/vergeten", data={"email": email, "csrf_token": csrf_from(page)})


def test_forgot_answers_an_unknown_address_the_same_and_sends_nothing(app, org, smtp):
    smtp.start()
    mail_on(app, smtp)
    assert "/login/vergeten" in Client(app).get("/login").get_data(as_text=True)
    unknown = forgot(Client(app), "niemand@test.nl")
    passwords.wait_for_mail()
    assert smtp.inbox.mails == []
    known = forgot(Client(app), org["a"])
    assert (unknown.status_code, text_of(unknown)) == (known.status_code, text_of(known))
    assert known.status_code == 200 and ASKED in text_of(known)
    (to, mail), = mails(smtp)
    assert to == [org["a"]]
    with app.app_context():
        assert AccountToken.select().count() == 1  # none for the unknown address


def test_a_reset_ends_every_session_and_the_old_password(app, org, login, smtp, clock):
    smtp.start()
    mail_on(app, smtp)
    session = login(org["a"])
    forgot(Client(app), org["a"])
    (_, mail), = mails(smtp)
    path = link_in(mail)
    assert "/wachtwoord/herstel/" in path
    clock.move(minutes=59)
    assert choose(Client(app), path, "na-het-vergeten").status_code == 302
    assert session.get("/").status_code == 302
    assert Client(app).login(org["a"], PASSWORD).status_code == 200
    assert Client(app).login(org["a"], "na-het-vergeten").status_code == 302


def test_a_reset_link_lasts_an_hour(app, org, smtp, clock):
    smtp.start()
    mail_on(app, smtp)
    forgot(Client(app), org["a"])
    (_, mail), = mails(smtp)
    clock.move(hours=1)
    assert "Deze link is verlopen" in text_of(Client(app).get(link_in(mail)))


def test_asking_for_resets_is_throttled_like_log_in_for_known_and_unknown_alike(app, org, smtp, clock):
    smtp.start()
    mail_on(app, smtp)
    answers = {}
    for email in (org["a"], "niemand@test.nl"):
        asker = Client(app)
        asker.http.environ_base["REMOTE_ADDR"] = "10.9.9.9"
        for _ in range(rules.CLIENT_RULE.free):
            assert forgot(asker, email).status_code == 200
        refused = forgot(asker, email)
        answers[email] = (refused.status_code, text_of(refused).replace(email, "…"))
        assert refused.status_code == 429 and "Probeer het over 15 seconden opnieuw" in text_of(refused)
        assert email in text_of(refused) or 'value="' + email in refused.get_data(as_text=True)
    assert answers[org["a"]] == answers["niemand@test.nl"]
    assert len(mails(smtp)) == rules.CLIENT_RULE.free  # only the free ones for the real address
    # Counted apart from log-ins: asking for mails did not cost a log-in attempt from that machine.
    owner = Client(app)
    owner.http.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert owner.login(org["a"]).status_code == 302
    clock.move(seconds=15)
    asker = Client(app)
    asker.http.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert forgot(asker, org["a"]).status_code == 200


def test_an_old_hash_is_redone_at_log_in_and_a_current_one_is_not(app, org, monkeypatch):
    old = "pbkdf2:sha256:600"
    with app.app_context():
        person = Person.get(Person.email == org["a"])
        from werkzeug.security import generate_password_hash
        Person.update(password_hash=generate_password_hash(PASSWORD, method=old)).where(
            Person.id == person.id).execute()
        version = person.session_version
    elsewhere = Client(app)
    assert Client(app).login(org["a"], "fout-wachtwoord").status_code == 200
    assert stored_hash(app, org["a"]).startswith(old + "$")  # a wrong password changes nothing
    assert elsewhere.login(org["a"]).status_code == 302
    rehashed = stored_hash(app, org["a"])
    assert rehashed.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    with app.app_context():
        assert Person.get(Person.email == org["a"]).session_version == version  # same password: no log-out
    assert elsewhere.get("/").status_code == 200
    assert Client(app).login(org["a"]).status_code == 302
    assert stored_hash(app, org["a"]) == rehashed  # current: left alone (a new salt would differ)


def test_the_default_method_is_owasps_scrypt(app):
    assert models.HASH_METHOD == "scrypt:131072:8:1"
    app.config.pop("PASSWORD_HASH_METHOD")
    with app.app_context():
        assert passwords.current_method() == "scrypt:131072:8:1"
        assert passwords.needs_rehash("scrypt:32768:8:1$salt$hash")
        assert not passwords.needs_rehash("scrypt:131072:8:1$salt$hash")
