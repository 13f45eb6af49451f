"""A refusal gives the right reason: first who may take a step at all (HR asking to bijstellen is told it
is for the employee and the manager), then what the plan's state waits for. And every error page is
Dutch, also those Werkzeug would answer in English (405, 416). The expected messages are written out
here by hand, from the README's table of the cycle, not taken from pop.cycle."""
import pytest

from conftest import text_of
from pop.models import Plan
from support import set_state

BY_ROLE = "Bijstellen kan alleen de medewerker of de leidinggevende."
SHARE_BY_ROLE = "Het plan delen kan alleen de medewerker."
EVALUATE_BY_ROLE = "De evaluatie starten kan alleen de medewerker of de leidinggevende."
CLOSE_BY_ROLE = "Het POP afronden kan alleen de leidinggevende, nadat de evaluatie (Fase IV) is ingevuld."


@pytest.mark.parametrize("who, state, step, message", [
    # A role that never takes this step is told who does, whatever the state.
    ("hr", "vastgesteld", "bijstellen", BY_ROLE),
    ("hr", "uitvoering", "bijstellen", BY_ROLE),
    ("hr", "ontwikkelgesprek", "bijstellen", BY_ROLE),
    ("hr", "voorbereiding", "delen", SHARE_BY_ROLE),
    ("m1", "voorbereiding", "delen", SHARE_BY_ROLE),
    ("m1", "ontwikkelgesprek", "delen", SHARE_BY_ROLE),
    ("hr", "uitvoering", "evalueren", EVALUATE_BY_ROLE),
    ("hr", "evaluatie", "afronden", CLOSE_BY_ROLE),
    ("a", "evaluatie", "afronden", CLOSE_BY_ROLE),
    # A role that may take it, at the wrong moment, is told about the state.
    ("a", "voorbereiding", "bijstellen", "Bijstellen kan alleen een vastgesteld POP; dit plan staat op voorbereiding."),
    ("m1", "ontwikkelgesprek", "bijstellen",
     "Bijstellen kan alleen een vastgesteld POP; dit plan staat op ontwikkelgesprek."),
    ("a", "ontwikkelgesprek", "delen", "Dit plan is al gedeeld (het staat op ontwikkelgesprek)."),
    ("m1", "uitvoering", "afronden", "Afronden kan pas in de evaluatie; dit plan staat op uitvoering."),
    ("a", "ontwikkelgesprek", "evalueren",
     "De evaluatie start na het vaststellen van het POP; dit plan staat op ontwikkelgesprek."),
])
def test_a_refused_step_says_who_may_before_when(app, org, login, who, state, step, message):
    set_state(app, org["plan_a"], state)
    user = login(org[who])
    response = user.post(f"/plans/{org['plan_a']}/stap/{step}", data={})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{org['plan_a']}"
    page = text_of(user.get(response.headers["Location"]))
    assert f"Niet gelukt: {message}" in page
    assert "staat op" not in message or who != "hr"  # HR never hears about the stage
    with app.app_context():
        plan = Plan.get_by_id(org["plan_a"])
        assert (plan.status, plan.version) == (state, 1)


def test_hr_asking_to_bijstellen_hears_nothing_about_the_stage(app, org, login):
    """The issue's case: HR on an agreed plan used to read 'Bijstellen kan alleen een vastgesteld POP;
    dit plan staat op vastgesteld', which contradicts itself."""
    set_state(app, org["plan_a"], "vastgesteld")
    hr = login(org["hr"])
    page = text_of(hr.get(hr.post(f"/plans/{org['plan_a']}/stap/bijstellen", data={}).headers["Location"]))
    assert "Niet gelukt: Bijstellen kan alleen de medewerker of de leidinggevende." in page
    assert "vastgesteld POP" not in page


@pytest.mark.parametrize("url", ["/logout", "/plans/{plan}/stap/bijstellen", "/plans/{plan}/stap/delen"])
def test_opening_a_buttons_address_gives_a_dutch_405(org, login, url):
    response = login(org["a"]).get(url.format(plan=org["plan_a"]))
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    text = text_of(response)
    assert "Niet op deze manier" in text and "Er is niets opgeslagen." in text
    assert "Method Not Allowed" not in text and "not allowed" not in text.lower()


def test_a_405_without_a_log_in_is_dutch_too(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "Niet op deze manier" in text_of(response)


def test_an_odd_range_gives_a_dutch_416(client):
    response = client.get("/static/style.css", headers={"Range": "bytes=99999999-"})
    assert response.status_code == 416
    text = text_of(response)
    assert "Niet beschikbaar" in text and "Range Not Satisfiable" not in text


def test_an_unknown_page_and_a_broken_post_are_dutch(client):
    missing = client.get("/bestaat-niet")
    assert missing.status_code == 404
    assert "Niet gevonden" in text_of(missing) and "Not Found" not in text_of(missing)
    broken = client.http.post("/login", data=b"--x\r\n", headers={"Content-Type": "multipart/form-data"})
    assert broken.status_code == 400
    assert "Het formulier is verlopen of ongeldig." in text_of(broken) and "Bad Request" not in text_of(broken)


def test_a_server_error_is_dutch(app, org, login, monkeypatch):
    from pop.views import organisation

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(organisation.pob, "own", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the traceback
    response = login(org["a"]).get("/budget/mijn")
    assert response.status_code == 500
    text = text_of(response)
    assert "Er ging iets mis" in text and "Internal Server Error" not in text and "kapot" not in text
