"""Posts no page of ours sends: a file where text belongs, an empty or JSON body, thousands of fields.
Each gets a Dutch message and a 4xx, never a server error, and nothing is stored. A browser sends a
file only from the template upload's file input; everywhere else a file part is a crafted request,
which before reached the text validators as a FileStorage and ended in a 500.

Every test also posts the same form without the oddity, so a fix that refused every multipart post
(or every post) would fail here too."""
import io
import json

import pytest

from conftest import PASSWORD, csrf_from, text_of
from forms import DEFAULT_FORM, get_form
from pop import cycle
from pop.models import ExportJob, ExportTemplate, Person, Plan
from support import (as_post, doc, fill_plan, part_url, plan_count, set_state, shown_values,
                     state_for_part, stored)

FILE_MESSAGE = ("Dit formulier is niet verwerkt: het bevatte een bestand op een plek waar tekst hoort. "
                "Er is niets opgeslagen.")
TOO_MANY_MESSAGE = "Dit formulier is te groot om te verwerken"
PART_KEYS = ["gegevens", "fase-1", "fase-2", "fase-3", "fase-4", "afronding"]


def a_file():
    return (io.BytesIO(b"dit is geen antwoord"), "x.txt")


def post_multipart(client, url, data):
    return client.http.post(url, data=data, content_type="multipart/form-data")


def assert_refused_as_file(response, where):
    assert response.status_code == 400, f"{where}: {response.status_code}"
    assert FILE_MESSAGE in text_of(response), f"{where}: {text_of(response)[:300]}"


def refuse_each_as_file(client, url, data, names, unchanged):
    """Post `data` once per name with that name (added or replaced) as a file; each post must be
    refused and leave `unchanged()` as it was."""
    before = unchanged()
    for name in names:
        response = post_multipart(client, url, {**data, name: a_file()})
        assert_refused_as_file(response, f"{url} with {name} as a file")
        assert unchanged() == before, f"{url} with {name} as a file changed what is stored"


def in_app(app, fn):
    def read():
        with app.app_context():
            return fn()
    return read


# ------------------------------------------------------------------ every plan part

@pytest.fixture
def anna(org, login):
    client = login(org["a"])
    fill_plan(client, org["plan_a"])
    return client


def page_post(client, url) -> dict:
    """The part page as its browser posts it: every input, the version, Opslaan, the token."""
    page = client.get(url)
    version = doc(page).xpath('//input[@name="versie"]/@value')[0]
    return {**as_post(shown_values(page)), "versie": version, "go": "stay",
            "csrf_token": csrf_from(page)}


@pytest.mark.parametrize("part_key", PART_KEYS)
def test_a_file_as_any_input_of_a_plan_part_is_refused(app, org, anna, part_key):
    state_for_part(app, org["plan_a"], part_key)  # where the part can be written
    url = part_url(org["plan_a"], part_key)
    data = page_post(anna, url)
    page_names = set(shown_values(anna.get(url)))
    # The page's own inputs, the bookkeeping the view reads itself, the buttons, and a FileField's
    # name that this form does not have.
    names = sorted(page_names) + ["versie", "go", "add_row", "csrf_token", "file"]
    assert len(page_names) >= 3, page_names
    refuse_each_as_file(anna, url, data, names, lambda: stored(app, org["plan_a"]))

    # The same post without the file is an ordinary save.
    changed = next(n for n in sorted(page_names) if n.endswith(("naam", "doen", "gedaan", "wat",
                                                                  "gehaald", "datum")))
    value = "2027-05-05" if "datum" in changed else "Gewijzigd"
    response = post_multipart(anna, url, {**data, changed: value})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_a_file_where_the_token_was_missing_too_is_refused_not_a_server_error(app, org, anna):
    """No token is a CSRF failure, whose page rebuilds the part form from the post: the file must
    not make that page fail."""
    url = part_url(org["plan_a"], "fase-1")
    before = stored(app, org["plan_a"])
    response = post_multipart(anna, url, {"meer_doen": "Nieuw", "file": a_file()})
    assert_refused_as_file(response, "part without token, a file as 'file'")
    assert stored(app, org["plan_a"]) == before


# ------------------------------------------------------------------ the other forms

def test_a_file_in_the_login_form_is_refused_and_logs_no_one_in(app, org, client):
    page = client.get("/login")
    data = {"email": org["a"], "password": PASSWORD, "csrf_token": csrf_from(page)}
    for name in ["email", "password", "csrf_token", "file"]:
        assert_refused_as_file(post_multipart(client, "/login", {**data, name: a_file()}), name)
        assert client.get("/").status_code == 302, f"logged in with {name} as a file"
    assert post_multipart(client, "/login", data).status_code == 302
    assert client.get("/").status_code == 200


def test_a_file_in_the_new_plan_form_is_refused(app, org, anna):
    with app.app_context():
        anna_id = Person.get(Person.email == org["a"]).id
    data = {"employee": str(anna_id), "form_key": "pop-uitgebreid", "period": "2031",
            "csrf_token": csrf_from(anna.get("/plans/nieuw"))}
    refuse_each_as_file(anna, "/plans/nieuw", data, ["employee", "form_key", "period", "csrf_token",
                                                     "file"], lambda: plan_count(app))
    count = plan_count(app)
    assert post_multipart(anna, "/plans/nieuw", data).status_code == 302
    assert plan_count(app) == count + 1


PERSON_FIELDS = ["voornaam", "tussenvoegsel", "achternaam", "email", "functie", "afdeling", "manager",
                 "role", "active", "password", "csrf_token", "file"]


def test_a_file_in_the_people_forms_is_refused(app, org, login):
    hr = login(org["hr"])
    new = {"voornaam": "Sophie", "tussenvoegsel": "van", "achternaam": "Dijk",
           "email": "sophie@test.nl", "functie": "Controller", "afdeling": "A",
           "manager": "0", "role": "medewerker", "active": "y", "password": "eerste-wachtwoord",
           "csrf_token": csrf_from(hr.get("/mensen/nieuw"))}
    people = in_app(app, lambda: sorted((p.email, p.functie, p.active) for p in Person.select()))
    refuse_each_as_file(hr, "/mensen/nieuw", new, PERSON_FIELDS, people)

    with app.app_context():
        anna = Person.get(Person.email == org["a"])
    url = f"/mensen/{anna.id}"
    edit = {"voornaam": anna.voornaam, "tussenvoegsel": "", "achternaam": anna.achternaam,
            "email": anna.email, "functie": "Nieuwe functie", "afdeling": anna.afdeling,
            "manager": str(anna.manager_id), "role": anna.role, "active": "y", "password": "",
            "csrf_token": new["csrf_token"]}
    refuse_each_as_file(hr, url, edit, PERSON_FIELDS, people)

    assert post_multipart(hr, "/mensen/nieuw", new).status_code == 302
    assert post_multipart(hr, url, edit).status_code == 302
    assert ("sophie@test.nl", "Controller", True) in people()
    assert (org["a"], "Nieuwe functie", True) in people()


def test_a_file_in_the_cycle_forms_is_refused(app, org, login):
    """A step (sharing the plan) and the manager's reaction: forms with just a token, and a text read
    straight from the request."""
    employee = login(org["a"])
    set_state(app, org["plan_a"], "voorbereiding")
    url = f"/plans/{org['plan_a']}/stap/delen"
    data = {"csrf_token": csrf_from(employee.get(f"/plans/{org['plan_a']}"))}
    status = in_app(app, lambda: Plan.get_by_id(org["plan_a"]).status)
    refuse_each_as_file(employee, url, data, ["csrf_token", "x"], status)
    assert status() == "voorbereiding"
    assert post_multipart(employee, url, data).status_code == 302
    assert status() == "ontwikkelgesprek"

    manager = login(org["m1"])
    url = f"/plans/{org['plan_a']}/fase-1/reactie"
    data = {"reactie": "Mooi plan.", "csrf_token": csrf_from(manager.get(part_url(org["plan_a"], "fase-1")))}
    part = get_form(DEFAULT_FORM).part("fase-1")
    reaction = in_app(app, lambda: cycle.reaction(Plan.get_by_id(org["plan_a"]), part))
    refuse_each_as_file(manager, url, data, ["reactie", "csrf_token", "file"], reaction)
    assert reaction() == ""
    assert post_multipart(manager, url, data).status_code == 302
    assert reaction() == "Mooi plan."


def test_a_file_in_the_bulk_export_form_is_refused(app, org, login):
    set_state(app, org["plan_a"], "uitvoering")  # shared: HR may file it
    hr = login(org["hr"])
    data = {"afdeling": "", "periode": "", "status": "", "csrf_token": csrf_from(hr.get("/export"))}
    jobs = in_app(app, lambda: ExportJob.select().count())
    refuse_each_as_file(hr, "/export", data, ["afdeling", "periode", "status", "csrf_token", "file"],
                        jobs)
    assert jobs() == 0
    assert post_multipart(hr, "/export", data).status_code == 302
    assert jobs() == 1


def test_a_file_in_the_template_forms_text_fields_is_refused_but_the_file_input_takes_one(app, org,
                                                                                          login):
    hr = login(org["hr"])
    data = {"form_key": "pop-uitgebreid", "file": a_file(),
            "csrf_token": csrf_from(hr.get("/sjablonen"))}
    templates = in_app(app, lambda: ExportTemplate.select().count())
    before = templates()
    for name in ["form_key", "csrf_token"]:
        response = post_multipart(hr, "/sjablonen", {**data, "file": a_file(), name: a_file()})
        assert_refused_as_file(response, name)
        assert templates() == before
    # Its own file input still takes a file: this one is checked, and refused for what it is.
    response = post_multipart(hr, "/sjablonen", {**data, "file": a_file()})
    assert response.status_code == 422
    assert "Upload een Word-document (.docx) of Excel-werkmap (.xlsx)." in text_of(response)


def test_a_file_in_a_post_without_a_form_is_refused(app, org, anna, login):
    """Log-out and the template buttons build no form; they are checked all the same."""
    token = csrf_from(anna.get("/"))
    for name in ["csrf_token", "x"]:
        response = post_multipart(anna, "/logout", {"csrf_token": token, name: a_file()})
        assert_refused_as_file(response, f"log-out with {name} as a file")
        assert anna.get("/").status_code == 200, "logged out by a refused post"

    hr = login(org["hr"])
    with app.app_context():
        template = ExportTemplate.create(form_key="pop-uitgebreid", format="docx", name="eigen.docx",
                                         data=b"PK", sha256="0" * 64,
                                         uploaded_by=Person.get(Person.email == org["hr"]).id)
    url = f"/sjablonen/{template.id}/verwijderen"
    exists = in_app(app, lambda: ExportTemplate.get_or_none(ExportTemplate.id == template.id) is not None)
    refuse_each_as_file(hr, url, {"csrf_token": csrf_from(hr.get("/sjablonen"))}, ["x"], exists)
    assert exists()

    assert post_multipart(anna, "/logout", {"csrf_token": token}).status_code == 302
    assert anna.get("/").status_code == 302


# ------------------------------------------------------------------ bodies that are no form

def test_an_empty_multipart_body_stores_nothing(app, org, anna):
    url = part_url(org["plan_a"], "fase-1")
    before = stored(app, org["plan_a"])
    token = csrf_from(anna.get(url))
    for boundary in ("", "; boundary=leeg"):
        response = anna.http.post(url, data=b"", content_type="multipart/form-data" + boundary)
        # No token in the body: the part's own page for a failed token, with its Dutch notice.
        assert response.status_code == 400
        assert "Niet opgeslagen: het formulier was verlopen." in text_of(response)
        # With the token in a header it passes that check; it still holds no answers, and saving it
        # would have emptied every answer of the part.
        response = anna.http.post(url, data=b"", content_type="multipart/form-data" + boundary,
                                  headers={"X-CSRFToken": token})
        assert response.status_code == 400
        assert "Dit formulier is niet verwerkt: het bevatte geen antwoorden." in text_of(response)
    response = anna.post(url, data={})  # a plain form post with nothing but the token
    assert response.status_code == 400
    assert "het bevatte geen antwoorden" in text_of(response)
    assert stored(app, org["plan_a"]) == before


@pytest.mark.parametrize("body", [{"meer_doen": 5}, {"meer_doen": ["a", "b"]}, {}, [1, 2]])
def test_a_json_body_is_refused(app, org, anna, body):
    url = part_url(org["plan_a"], "fase-1")
    before = stored(app, org["plan_a"])
    response = anna.http.post(url, data=json.dumps(body), content_type="application/json",
                              headers={"X-CSRFToken": csrf_from(anna.get(url))})
    assert response.status_code == 400
    assert "Dit formulier is niet verwerkt: het was niet als formulier verstuurd." in text_of(response)
    assert stored(app, org["plan_a"]) == before


# ------------------------------------------------------------------ very many fields

@pytest.mark.parametrize("multipart", [False, True], ids=["form", "multipart"])
def test_thousands_of_fields_are_refused_with_a_message(app, org, anna, multipart):
    url = part_url(org["plan_a"], "fase-1")
    data = page_post(anna, url)
    limit = app.config["MAX_FORM_PARTS"]
    crafted = {**data, **{f"kwaliteiten-{i}-sterk": f"punt {i}" for i in range(limit + 1)}}
    before = stored(app, org["plan_a"])
    if multipart:
        response = post_multipart(anna, url, crafted)
    else:
        response = anna.http.post(url, data=crafted)
    assert response.status_code == 413
    assert TOO_MANY_MESSAGE in text_of(response)
    assert "sjabloon" not in text_of(response).lower(), "the template upload's message, on a plan"
    assert stored(app, org["plan_a"]) == before


def test_the_largest_page_stays_well_under_the_field_limit(app):
    """The cap on fields must never refuse a real page: the largest is a part with every table at
    the most rows a save reads."""
    def inputs(field):
        if field.kind == "table":
            return field.rows_read * len(field.columns)
        if field.kind == "matrix":
            return len(field.rows) * len(field.columns)
        return 1

    largest = max(sum(inputs(f) for f in part.fields) for part in get_form(DEFAULT_FORM).parts)
    assert largest + 3 <= app.config["MAX_FORM_PARTS"]  # + token, version, button
