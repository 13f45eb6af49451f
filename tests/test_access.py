"""Who may see and change what, tried route by route for every role, and logging in."""
from urllib.parse import urlsplit

import pytest

from conftest import csrf_from, text_of
from pop.models import Person, Plan
from pop.cycle import STEPS
from support import PART_KEYS, doc, error_text, part_url, plan_count, set_state, stored

SECRET = "Geheim antwoord van Bram over zijn conflict met de directie"


def plan_routes(plan_id):
    """(method, url, data) for every route of one plan."""
    routes = [("GET", f"/plans/{plan_id}", None), ("GET", f"/plans/{plan_id}/afdrukken", None)]
    routes += [("GET", part_url(plan_id, key), None) for key in PART_KEYS]
    routes += [("GET", f"/plans/{plan_id}/download.{fmt}", None) for fmt in ("docx", "xlsx")]
    routes += [("POST", part_url(plan_id, key), {"go": "stay"}) for key in PART_KEYS]
    routes += [("POST", part_url(plan_id, "fase-4"), {"doelen_gehaald": "Ingebroken", "go": "stay"}),
               ("POST", part_url(plan_id, "afronding"), {"akkoord_medewerker": "y",
                                                         "akkoord_leidinggevende": "y", "go": "stay"}),
               ("POST", part_url(plan_id, "fase-1") + "/reactie", {"reactie": "Ingebroken"})]
    routes += [("POST", f"/plans/{plan_id}/stap/{step}", {}) for step in STEPS]
    return routes


def version_routes(plan_id):
    return [("GET", f"/plans/{plan_id}/versies/1", None), ("GET", f"/plans/{plan_id}/vergelijken", None),
            ("GET", f"/plans/{plan_id}/versies/1/download.docx", None)]


def request(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data=data)


def status_of(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


@pytest.fixture
def secret_b(app, org, login):
    """Bram writes something private in his plan."""
    bram = login(org["b"])
    response = bram.post(part_url(org["plan_b"], "fase-1"), data={"meer_doen": SECRET, "go": "stay"})
    assert response.status_code == 302
    assert stored(app, org["plan_b"])["meer_doen"] == SECRET
    return stored(app, org["plan_b"])


def assert_no_trace_of_b(response):
    body = response.get_data(as_text=True)
    assert SECRET not in body
    assert "Bram" not in body, "the page reveals whose plan it is"


# ---------------------------------------------------------------- outsiders: 404, never the data


@pytest.mark.parametrize("who", ["a", "m1"])
def test_outsider_gets_404_on_every_route_of_someone_elses_plan(app, org, login, secret_b, who):
    """Anna (another employee) and Marco (another team's manager) cannot see or change Bram's plan,
    in any state of the cycle."""
    user = login(org[who])
    for state in ("ontwikkelgesprek", "uitvoering", "afgerond"):
        set_state(app, org["plan_b"], state)
        freeze_version(app, org["plan_b"])
        for method, url, data in plan_routes(org["plan_b"]) + version_routes(org["plan_b"]):
            response = request(user, method, url, data)
            assert response.status_code == 404, (who, state, method, url, response.status_code)
            assert_no_trace_of_b(response)
        assert stored(app, org["plan_b"]) == secret_b, "an outsider changed the plan"
        assert status_of(app, org["plan_b"]) == state


def freeze_version(app, plan_id):
    from pop import cycle
    with app.app_context():
        cycle.freeze(Plan.get_by_id(plan_id))


def test_outsiders_do_not_see_the_plan_in_their_lists(org, login, secret_b):
    for who in ("a", "m1"):
        page = login(org[who]).get("/")
        assert page.status_code == 200
        assert f"/plans/{org['plan_b']}" not in page.get_data(as_text=True), who
        assert "Bram" not in text_of(page), who


def test_a_plan_that_does_not_exist_is_404_like_a_forbidden_one(org, login):
    anna = login(org["a"])
    missing, forbidden = anna.get("/plans/9999"), anna.get(f"/plans/{org['plan_b']}")
    assert missing.status_code == forbidden.status_code == 404
    assert text_of(missing).replace("9999", "") == text_of(forbidden).replace(str(org["plan_b"]), "")


# ---------------------------------------------------------------- the people of the plan


def test_employee_views_and_edits_own_plan_but_does_not_close_it(app, org, login):
    anna = login(org["a"])
    for method, url, _ in plan_routes(org["plan_a"]):
        if method == "GET":
            assert anna.get(url).status_code == 200, url
    response = anna.post(part_url(org["plan_a"], "fase-1"), data={"meer_doen": "Van Anna", "go": "stay"})
    assert response.status_code == 302
    assert stored(app, org["plan_a"])["meer_doen"] == "Van Anna"
    set_state(app, org["plan_a"], "evaluatie")
    response = anna.post(f"/plans/{org['plan_a']}/stap/afronden", data={})
    assert "Het POP afronden kan alleen de leidinggevende" in text_of(anna.get(response.headers["Location"]))
    assert status_of(app, org["plan_a"]) == "evaluatie"
    overview = anna.get(f"/plans/{org['plan_a']}")
    assert not doc(overview).xpath("//form[contains(@action,'/stap/afronden')]"), "offered to close"


def test_the_manager_reads_only_a_shared_plan_and_reacts_to_it(app, org, login):
    marco = login(org["m1"])
    # Voorbereiding: the plan is in Marco's list, but its content is Anna's alone.
    assert f"/plans/{org['plan_a']}" in marco.get("/").get_data(as_text=True)
    for url in (part_url(org["plan_a"], "fase-1"), f"/plans/{org['plan_a']}/afdrukken",
                f"/plans/{org['plan_a']}/download.docx"):
        response = marco.get(url)
        assert response.status_code == 403, url
        assert "nog in voorbereiding: Anna Alfa heeft het nog niet gedeeld" in text_of(response)
    assert "nog niet gedeeld" in text_of(marco.get(f"/plans/{org['plan_a']}"))

    set_state(app, org["plan_a"], "ontwikkelgesprek")
    for method, url, _ in plan_routes(org["plan_a"]):
        if method == "GET":
            assert marco.get(url).status_code == 200, url
    # He reacts, clearly as the manager, but does not write in Anna's answers.
    response = marco.post(part_url(org["plan_a"], "fase-1"), data={"meer_doen": "Van Marco", "go": "stay"})
    assert response.status_code == 403
    assert "Dit is de inbreng van de medewerker" in text_of(response)
    assert stored(app, org["plan_a"])["meer_doen"] == ""
    response = marco.post(part_url(org["plan_a"], "fase-1") + "/reactie", data={"reactie": "Mooi plan."})
    assert response.status_code == 302
    page = text_of(login(org["a"]).get(part_url(org["plan_a"], "fase-1")))
    assert "Reactie leidinggevende" in page and "Mooi plan." in page


def test_hr_views_every_shared_plan_but_does_not_write_in_it(app, org, login, secret_b):
    hr = login(org["hr"])
    index = hr.get("/").get_data(as_text=True)
    assert f"/plans/{org['plan_a']}" in index and f"/plans/{org['plan_b']}" in index
    assert hr.get(part_url(org["plan_b"], "fase-1")).status_code == 403  # not shared yet
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    set_state(app, org["plan_b"], "ontwikkelgesprek")
    for plan_id in (org["plan_a"], org["plan_b"]):
        for method, url, data in plan_routes(plan_id):
            if method == "GET":
                response = hr.get(url)
                assert response.status_code == 200, url
        part = hr.get(part_url(plan_id, "fase-1"))
        assert not doc(part).xpath("//div[@class='actions']//button"), "HR is offered a save button"
        # Read as a document: no form around the part, no input to type into.
        assert doc(part).xpath("//div[contains(@class,'paper-form') and contains(@class,'document')]")
        assert not doc(part).xpath("//main//form[contains(@class,'paper-form')]//*[self::input or self::textarea or self::select]")
        assert "HR leest mee maar schrijft niet in plannen" in text_of(part)
    assert SECRET in hr.get(part_url(org["plan_b"], "fase-1")).get_data(as_text=True)
    assert SECRET in text_of(hr.get(f"/plans/{org['plan_b']}/afdrukken"))

    for method, url, data in plan_routes(org["plan_b"]):
        if method == "POST" and "/stap/" not in url:
            assert hr.post(url, data=data).status_code == 403, url
        elif method == "POST":  # a step: refused with a message on the overview
            response = hr.post(url, data=data)
            assert response.status_code == 302, url
            assert "Niet gelukt:" in text_of(hr.get(response.headers["Location"])), url
    assert stored(app, org["plan_b"]) == secret_b, "HR changed a plan"
    assert status_of(app, org["plan_b"]) == "ontwikkelgesprek"


def test_hr_filters_plans(org, login):
    hr = login(org["hr"])
    page = hr.get("/?afdeling=B").get_data(as_text=True)
    assert f"/plans/{org['plan_b']}" in page and f"/plans/{org['plan_a']}" not in page
    page = hr.get("/?status=afgerond").get_data(as_text=True)
    assert f"/plans/{org['plan_b']}" not in page and f"/plans/{org['plan_a']}" not in page


def test_an_unknown_step_is_refused(app, org, login):
    anna = login(org["a"])
    response = anna.post(f"/plans/{org['plan_a']}/stap/weggooien", data={})
    assert status_of(app, org["plan_a"]) == "voorbereiding"
    assert "Niet gelukt: Deze stap bestaat niet." in text_of(anna.get(response.headers["Location"]))


# ---------------------------------------------------------------- not logged in


def anonymous_routes(org):
    routes = plan_routes(org["plan_a"]) + [
        ("GET", "/", None), ("GET", "/plans/nieuw", None), ("POST", "/plans/nieuw", {"period": "2026"}),
        ("GET", "/mensen/", None), ("GET", "/mensen/nieuw", None), ("GET", "/mensen/1", None),
        ("POST", "/mensen/nieuw", {"voornaam": "X"}), ("POST", "/logout", {})]
    return routes


def test_anonymous_is_sent_to_login_on_every_route(app, org, client):
    before = stored(app, org["plan_a"])
    token = csrf_from(client.get("/login"))  # a valid token, so the log-in check is what answers
    for method, url, data in anonymous_routes(org):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 302, (method, url, response.status_code)
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", (method, url, response.headers["Location"])
        assert SECRET not in response.get_data(as_text=True)
    assert stored(app, org["plan_a"]) == before


def test_after_login_the_requested_page_opens(org, client):
    response = client.get(f"/plans/{org['plan_a']}/fase-2")
    login_url = response.headers["Location"]
    page = client.get(login_url)
    response = client.http.post(login_url, data={"email": org["a"], "password": "wachtwoord-123",
                                                 "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{org['plan_a']}/fase-2"


# ---------------------------------------------------------------- people pages and new plans


@pytest.mark.parametrize("who", ["a", "m1"])
def test_people_pages_are_for_hr_only(app, org, login, who):
    user = login(org[who])
    with app.app_context():
        b_id = Person.get(Person.email == org["b"]).id
        people = Person.select().count()
    for url in ("/mensen/", "/mensen/nieuw", f"/mensen/{b_id}"):
        assert user.get(url).status_code == 403, url
    response = user.post("/mensen/nieuw", data={"voornaam": "Nep", "achternaam": "Persoon",
                                                "email": "nep@test.nl", "role": "hr", "manager": "0",
                                                "active": "y", "password": "wachtwoord-123"})
    assert response.status_code == 403
    response = user.post(f"/mensen/{b_id}", data={"voornaam": "Bram", "achternaam": "Beta",
                                                  "email": org["b"], "role": "hr", "manager": "0",
                                                  "active": "y"})
    assert response.status_code == 403
    with app.app_context():
        assert Person.select().count() == people
        assert Person.get_by_id(b_id).role == "medewerker"
    assert "/mensen" not in user.get("/").get_data(as_text=True), "menu offers the people pages"


def test_hr_opens_the_people_pages(org, login):
    hr = login(org["hr"])
    page = hr.get("/mensen/")
    assert page.status_code == 200
    assert "Bram Beta" in text_of(page) and "Anna Alfa" in text_of(page)


@pytest.mark.parametrize("who, whom", [("a", "b"), ("m1", "b"), ("m1", "m2"), ("a", "m1")])
def test_creating_a_plan_for_someone_elses_employee_is_refused(app, org, login, who, whom):
    user = login(org[who])
    with app.app_context():
        target = Person.get(Person.email == org[whom]).id
    before = plan_count(app)
    page = user.get("/plans/nieuw")
    assert f'value="{target}"' not in page.get_data(as_text=True), "offered as a choice"
    response = user.post("/plans/nieuw", data={"employee": target, "form_key": "pop-uitgebreid",
                                               "period": "2027"})
    assert response.status_code != 302, "a plan was made"
    assert plan_count(app) == before
    if response.status_code != 403:  # refused as a choice that is not on offer, at the field
        assert "keuze" in error_text(response, "employee").lower(), error_text(response, "employee")


def test_employee_creates_own_plan(app, org, login):
    anna = login(org["a"])
    with app.app_context():
        anna_id = Person.get(Person.email == org["a"]).id
    before = plan_count(app)
    response = anna.post("/plans/nieuw", data={"employee": anna_id, "form_key": "pop-uitgebreid",
                                               "period": "2027"})
    assert response.status_code == 302
    assert plan_count(app) == before + 1


# ---------------------------------------------------------------- logging in


@pytest.mark.parametrize("email, password", [("a@test.nl", "fout-wachtwoord"),
                                             ("niemand@test.nl", "wachtwoord-123")])
def test_wrong_login_gives_a_dutch_message_and_no_session(client, org, email, password):
    response = client.login(email, password)
    assert response.status_code in (200, 401, 422)
    assert error_text(response, "password") == "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert doc(response).xpath("//input[@name='email']/@value") == [email], "typed e-mail lost"
    assert client.get("/").status_code == 302, "logged in after all"
    assert urlsplit(client.get("/").headers["Location"]).path == "/login"


def test_inactive_person_cannot_log_in(app, org, client):
    with app.app_context():
        Person.update(active=False).where(Person.email == org["a"]).execute()
    response = client.login(org["a"])
    assert response.status_code != 302
    assert client.get("/").status_code == 302


def test_email_is_not_case_sensitive(org, client):
    assert client.login("A@Test.NL").status_code == 302


def test_logout_ends_the_session(org, login):
    anna = login(org["a"])
    response = anna.post("/logout")
    assert response.status_code == 302
    assert anna.get(f"/plans/{org['plan_a']}").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/plans", "https://evil.example/",
                                    "/\\evil.example", "\\\\evil.example", "http:evil.example",
                                    " //evil.example"])
def test_login_does_not_redirect_off_site(org, client, target):
    page = client.get("/login", query_string={"next": target})
    response = client.http.post("/login", query_string={"next": target},
                                data={"email": org["a"], "password": "wachtwoord-123",
                                      "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location, location  # browsers read /\\host as //host


def test_login_follows_a_local_next(org, client):
    page = client.get("/login?next=/mensen/")
    response = client.http.post("/login?next=/mensen/", data={
        "email": org["a"], "password": "wachtwoord-123", "csrf_token": csrf_from(page)})
    assert response.headers["Location"] == "/mensen/"
