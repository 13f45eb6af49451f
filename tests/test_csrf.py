"""CSRF protection stays on: a POST without a valid token changes nothing."""
import urllib.parse

import pytest

from conftest import csrf_from, text_of
from pop.models import Person, Plan
from support import doc, part_url, plan_count, shown_values, stored


def people_count(app):
    with app.app_context():
        return Person.select().count()


def status_of(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


@pytest.mark.parametrize("token", [None, "", "niet-een-token"], ids=["missing", "empty", "bad"])
def test_part_post_without_valid_token_stores_nothing(app, org, login, token):
    anna = login(org["a"])
    before = stored(app, org["plan_a"])
    data = {"meer_doen": "Zonder token", "go": "stay"}
    if token is not None:
        data["csrf_token"] = token
    response = anna.post(part_url(org["plan_a"], "fase-1"), data=data, csrf=False)
    assert response.status_code == 400
    assert stored(app, org["plan_a"]) == before


def test_part_post_with_bad_token_keeps_what_was_typed(app, org, login):
    anna = login(org["a"])
    before = stored(app, org["plan_a"])
    typed = {"meer_doen": "Een lang antwoord\nover twee regels", "nieuwe_eisen": "Ook dit",
             "kwaliteiten-0-sterk": "Geduld", "ontwikkeldoelen-0-doel": "Presenteren",
             "ontwikkeldoelen-0-belang": "1"}
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={**typed, "go": "stay", "csrf_token": "verlopen-token"}, csrf=False)
    assert response.status_code == 400
    notice = doc(response).xpath("//*[@class='notice']")
    assert notice and "Niet opgeslagen: het formulier was verlopen." in notice[0].text_content()
    shown = shown_values(response)
    for name, value in typed.items():
        assert shown[name] == value, name
    assert stored(app, org["plan_a"]) == before

    # The page carries a fresh token: saving it again, as is, works.
    again = {name: value for name, value in shown.items() if value}
    again["csrf_token"] = csrf_from(response)
    response = anna.post(part_url(org["plan_a"], "fase-1"), data={**again, "go": "stay"}, csrf=False)
    assert response.status_code == 302
    assert stored(app, org["plan_a"])["meer_doen"] == typed["meer_doen"]


def test_bad_token_on_someone_elses_plan_reveals_nothing(app, org, login):
    """The kind page that keeps typed text must not show another person's plan."""
    bram = login(org["b"])
    bram.post(part_url(org["plan_b"], "fase-1"), data={"meer_doen": "Geheim van Bram", "go": "stay"})
    anna = login(org["a"])
    for part_key in ("fase-1", "bestaat-niet"):
        response = anna.post(part_url(org["plan_b"], part_key),
                             data={"meer_doen": "Van Anna", "csrf_token": "fout"}, csrf=False)
        assert response.status_code == 404, (part_key, response.status_code)
        body = response.get_data(as_text=True)
        assert "Geheim van Bram" not in body and "Bram" not in body
    assert stored(app, org["plan_b"])["meer_doen"] == "Geheim van Bram"


def test_bad_token_for_an_unknown_part_is_not_a_server_error(org, login):
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "bestaat-niet"), data={"csrf_token": "fout"},
                         csrf=False)
    assert response.status_code == 404


def test_visitor_without_session_is_sent_to_log_in_with_a_dutch_message(org, client):
    """No session cookie (expired, removed): to the log-in page and back to the part afterwards. A
    post that did not come from our own page (no Origin) keeps nothing: tests/test_nothing_lost.py."""
    url = part_url(org["plan_a"], "fase-1")
    response = client.post(url, data={"meer_doen": "x"}, csrf=False)
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert urllib.parse.parse_qs(location.query)["next"] == [url]
    assert "Log in om verder te gaan." in text_of(client.get(response.headers["Location"]))


def test_logout_without_token_keeps_the_session(org, login):
    anna = login(org["a"])
    response = anna.post("/logout", csrf=False)
    assert response.status_code == 400
    assert "Het formulier is verlopen of ongeldig." in text_of(response)
    assert anna.get("/").status_code == 200, "logged out by a forged request"


def test_new_plan_without_token_is_refused(app, org, login):
    anna = login(org["a"])
    with app.app_context():
        anna_id = Person.get(Person.email == org["a"]).id
    before = plan_count(app)
    response = anna.post("/plans/nieuw", data={"employee": anna_id, "form_key": "pop-uitgebreid",
                                               "period": "2030"}, csrf=False)
    assert response.status_code == 400
    assert plan_count(app) == before


def test_new_person_without_token_is_refused(app, org, login):
    hr = login(org["hr"])
    before = people_count(app)
    response = hr.post("/mensen/nieuw", data={
        "voornaam": "Piet", "achternaam": "Post", "email": "piet@test.nl", "role": "medewerker",
        "manager": "0", "active": "y", "password": "wachtwoord-123"}, csrf=False)
    assert response.status_code == 400
    assert people_count(app) == before
    # the same with a token works (so the test above is about the token)
    response = hr.post("/mensen/nieuw", data={
        "voornaam": "Piet", "achternaam": "Post", "email": "piet@test.nl", "role": "medewerker",
        "manager": "0", "active": "y", "password": "wachtwoord-123"})
    assert response.status_code == 302
    assert people_count(app) == before + 1


def test_a_step_of_the_cycle_without_token_is_refused(app, org, login):
    anna = login(org["a"])
    response = anna.post(f"/plans/{org['plan_a']}/stap/delen", data={}, csrf=False)
    assert response.status_code == 400
    assert status_of(app, org["plan_a"]) == "voorbereiding"
    assert anna.post(f"/plans/{org['plan_a']}/stap/delen", data={}).status_code == 302  # with: works
    assert status_of(app, org["plan_a"]) == "ontwikkelgesprek"


def test_login_without_token_is_refused(org, client):
    response = client.http.post("/login", data={"email": org["a"], "password": "wachtwoord-123"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302, "logged in without a token"


def test_token_of_another_session_is_refused(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    before = stored(app, org["plan_a"])
    response = anna.post(part_url(org["plan_a"], "fase-1"),
                         data={"meer_doen": "Overgenomen", "csrf_token": csrf_from(marco.get("/"))},
                         csrf=False)
    assert response.status_code == 400
    assert stored(app, org["plan_a"]) == before
