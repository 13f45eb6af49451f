"""HR chooses the forms the organisation uses and the default for a new plan (/instellingen/formulieren);
the new-plan page offers only those, with the default chosen; a plan keeps its form for good."""
import pytest
from conftest import text_of
from support import card_values, doc, error_text, plan_count

from forms import DEFAULT_FORM, FORMS
from pop import organisation
from pop.models import FormSetting, Plan

OTHER = [k for k in FORMS if k != DEFAULT_FORM]
needs_two_forms = pytest.mark.skipif(not OTHER, reason="only one form defined")


def offered(response) -> list[str]:
    return [o.get("value") for o in doc(response).xpath('//select[@name="form_key"]/option')]


def settings(app):
    with app.app_context():
        return {s.form_key: (s.enabled, s.is_default) for s in FormSetting.select()}


def choose(client, enabled, default):
    return client.post("/instellingen/formulieren", data={"enabled": list(enabled), "default": default})


def checked(response, name) -> list[str]:
    return [i.get("value") for i in doc(response).xpath(f'//input[@name="{name}"]') if i.get("checked") is not None]


def test_nothing_chosen_means_every_form_with_the_default_form(org, login, app):
    hr = login(org["hr"])
    page = hr.get("/instellingen/formulieren")
    assert page.status_code == 200
    text = text_of(page)
    for definition in FORMS.values():
        assert definition.title in text and definition.description in text
    assert checked(page, "enabled") == list(FORMS) and checked(page, "default") == [DEFAULT_FORM]
    assert "Er is nog niets gekozen: alle formulieren zijn in gebruik." in text
    # how many plans each form has (the org fixture: two on the extended form)
    hint = doc(page).xpath(f'//*[@id="enabled-{DEFAULT_FORM}-desc"]')[0].text_content()
    assert "(2 plannen)" in " ".join(hint.split())
    if OTHER:
        assert "(nog geen plannen)" in doc(page).xpath(f'//*[@id="enabled-{OTHER[0]}-desc"]')[0].text_content()
    new = login(org["a"]).get("/plans/nieuw")
    assert offered(new) == list(FORMS) and card_values(new)["form_key"] == DEFAULT_FORM
    assert "Instellingen" in text_of(hr.get("/")) and "Budget" in text_of(hr.get("/"))


@pytest.mark.parametrize("who", ["a", "m1"])
def test_only_hr_may_choose(org, login, app, who):
    client = login(org[who])
    assert client.get("/instellingen/formulieren").status_code == 403
    response = choose(client, [DEFAULT_FORM], DEFAULT_FORM)
    assert response.status_code == 403 and "Geen toegang" in text_of(response)
    assert settings(app) == {}
    assert "Instellingen" not in text_of(client.get("/"))


def test_anonymous_goes_to_the_login(client):
    response = client.get("/instellingen/formulieren")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@needs_two_forms
def test_hr_switches_the_organisation_to_another_form(org, login, app):
    hr = login(org["hr"])
    other = OTHER[0]
    response = choose(hr, OTHER, other)
    assert response.status_code == 302
    page = hr.get(response.headers["Location"])
    assert "Opgeslagen." in text_of(page)
    assert checked(page, "enabled") == OTHER and checked(page, "default") == [other]
    assert settings(app) == {k: (k in OTHER, k == other) for k in FORMS}
    with app.app_context():
        assert organisation.enabled_keys() == OTHER and organisation.default_form() == other
    # The new-plan page: only the forms in use, the default chosen; a new plan uses it.
    anna = login(org["a"])
    new = anna.get("/plans/nieuw")
    assert offered(new) == OTHER and card_values(new)["form_key"] == other
    count = plan_count(app)
    response = anna.post("/plans/nieuw", data={**card_values(new), "period": "2031"})
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        plan = Plan.select().order_by(Plan.id.desc()).first()
        assert (plan.form_key, plan.period) == (other, "2031") and plan_count(app) == count + 1


@needs_two_forms
def test_a_form_switched_off_is_refused_for_a_new_plan_with_a_message(org, login, app):
    choose(login(org["hr"]), OTHER, OTHER[0])
    anna = login(org["a"])
    new = anna.get("/plans/nieuw")
    count = plan_count(app)
    response = anna.post("/plans/nieuw", data={**card_values(new), "form_key": DEFAULT_FORM,
                                               "period": "2031"})
    assert response.status_code == 422 and plan_count(app) == count
    assert error_text(response, "form_key") == organisation.NOT_IN_USE
    assert card_values(response)["period"] == "2031"  # what was typed stays
    response = anna.post("/plans/nieuw", data={**card_values(new), "form_key": "bestaat-niet"})
    assert response.status_code == 422 and error_text(response, "form_key") == organisation.NOT_IN_USE


@needs_two_forms
def test_plans_of_a_form_switched_off_still_open_and_export(org, login, app):
    choose(login(org["hr"]), OTHER, OTHER[0])
    with app.app_context():
        Plan.update(status="ontwikkelgesprek").where(Plan.id == org["plan_a"]).execute()
        assert Plan.get_by_id(org["plan_a"]).form_key == DEFAULT_FORM
    for who in ("a", "m1", "hr"):
        client = login(org[who])
        overview = client.get(f"/plans/{org['plan_a']}")
        assert overview.status_code == 200 and FORMS[DEFAULT_FORM].title in text_of(overview)
        part = FORMS[DEFAULT_FORM].parts[0]
        assert client.get(f"/plans/{org['plan_a']}/{part.key}").status_code == 200
        assert client.get(f"/plans/{org['plan_a']}/afdrukken").status_code == 200
        for fmt in ("docx", "xlsx"):
            download = client.get(f"/plans/{org['plan_a']}/download.{fmt}")
            assert download.status_code == 200 and download.data[:2] == b"PK", (who, fmt)
    # and the employee can still save in it
    anna = login(org["a"])
    with app.app_context():
        Plan.update(status="voorbereiding").where(Plan.id == org["plan_a"]).execute()
    field = next(f for p in FORMS[DEFAULT_FORM].parts if p.cycle == "plan" for f in p.fields
                 if f.kind == "longtext")
    part = next(p for p in FORMS[DEFAULT_FORM].parts if field in p.fields)
    response = anna.post(f"/plans/{org['plan_a']}/{part.key}", data={field.key: "Nog steeds bruikbaar",
                                                                      "go": "stay"})
    assert response.status_code == 302


def test_at_least_one_form_and_the_default_must_be_in_use(org, login, app):
    hr = login(org["hr"])
    response = choose(hr, [], DEFAULT_FORM)
    assert response.status_code == 422 and settings(app) == {}
    assert error_text(response, "enabled") == organisation.NONE_ENABLED
    if OTHER:
        response = choose(hr, OTHER, DEFAULT_FORM)
        assert response.status_code == 422 and settings(app) == {}
        assert error_text(response, "default") == organisation.DEFAULT_NOT_ENABLED
        # what HR ticked stays ticked, to correct
        assert checked(response, "enabled") == OTHER and checked(response, "default") == [DEFAULT_FORM]
    response = choose(hr, [DEFAULT_FORM], "")
    assert response.status_code == 422 and error_text(response, "default") == organisation.DEFAULT_MISSING
    response = choose(hr, [DEFAULT_FORM], "bestaat-niet")
    assert response.status_code == 422 and settings(app) == {}
    # an unknown form among the ticked ones is not stored
    assert choose(hr, [DEFAULT_FORM, "bestaat-niet"], DEFAULT_FORM).status_code == 302
    assert set(settings(app)) == set(FORMS)


def test_a_post_without_csrf_token_changes_nothing(org, login, app):
    response = login(org["hr"]).post("/instellingen/formulieren", csrf=False,
                                     data={"enabled": [DEFAULT_FORM], "default": DEFAULT_FORM})
    assert response.status_code == 400 and settings(app) == {}


def test_a_form_added_after_hr_chose_is_off_until_hr_ticks_it(org, login, app):
    choose(login(org["hr"]), [DEFAULT_FORM], DEFAULT_FORM)
    with app.app_context():
        FormSetting.delete().where(FormSetting.form_key != DEFAULT_FORM).execute()  # as before the form existed
        assert organisation.enabled_keys() == [DEFAULT_FORM]
        # every chosen form gone from the code: rather all forms than none
        FormSetting.update(form_key="weg").execute()
        assert organisation.enabled_keys() == list(FORMS) and organisation.default_form() == DEFAULT_FORM


@needs_two_forms
def test_the_next_cycle_of_a_form_switched_off_starts_on_the_default(org, login, app):
    """"Nieuw POP" is a new plan: once HR has switched the old form off, it uses the default form;
    the plan it continues keeps its own form, and stays beside the new one for reference."""
    choose(login(org["hr"]), OTHER, OTHER[-1])
    with app.app_context():
        Plan.update(status="afgerond").where(Plan.id == org["plan_a"]).execute()
    anna = login(org["a"])
    response = anna.post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    assert response.status_code == 302
    with app.app_context():
        new = Plan.get(Plan.previous == org["plan_a"])
        assert (new.form_key, new.period) == (OTHER[-1], "2027")
        assert Plan.get_by_id(org["plan_a"]).form_key == DEFAULT_FORM
    page = text_of(anna.get(response.headers["Location"], follow_redirects=True))
    assert (f"Het staat op het formulier {FORMS[OTHER[-1]].short_title}: de organisatie gebruikt het "
            "formulier van het vorige POP niet meer.") in page


def test_the_next_cycle_keeps_the_form_while_it_is_in_use(org, login, app):
    choose(login(org["hr"]), list(FORMS), OTHER[0] if OTHER else DEFAULT_FORM)
    with app.app_context():
        Plan.update(status="afgerond").where(Plan.id == org["plan_a"]).execute()
    response = login(org["a"]).post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    assert response.status_code == 302
    with app.app_context():
        assert Plan.get(Plan.previous == org["plan_a"]).form_key == DEFAULT_FORM
    assert "niet meer" not in text_of(login(org["a"]).get(response.headers["Location"], follow_redirects=True))


@needs_two_forms
def test_hr_filters_the_plan_list_by_form(org, login, app):
    from pop.models import Person
    from pop.plans import start_plan
    with app.app_context():
        other = start_plan(Person.get(Person.email == org["b"]), OTHER[0], "2026").id
    hr = login(org["hr"])
    page = hr.get("/")
    options = [o.get("value") for o in doc(page).xpath('//select[@name="formulier"]/option')]
    assert options == ["", *FORMS]
    listed = lambda response: {int(a.get("href").rsplit("/", 1)[1])  # noqa: E731
                               for a in doc(response).xpath('//table//a[starts-with(@href, "/plans/")]')}
    assert listed(page) == {org["plan_a"], org["plan_b"], other}
    page = hr.get(f"/?formulier={OTHER[0]}")
    assert listed(page) == {other}
    assert [o.get("value") for o in doc(page).xpath('//select[@name="formulier"]/option[@selected]')] == [OTHER[0]]
    assert listed(hr.get(f"/?formulier={DEFAULT_FORM}&afdeling=B")) == {org["plan_b"]}


@needs_two_forms
def test_a_second_nieuw_pop_after_the_form_was_switched_off_makes_no_second_plan(org, login, app):
    with app.app_context():
        Plan.update(status="afgerond").where(Plan.id == org["plan_a"]).execute()
    anna = login(org["a"])
    assert anna.post(f"/plans/{org['plan_a']}/stap/nieuw", data={}).status_code == 302
    choose(login(org["hr"]), OTHER, OTHER[0])  # the extended form off: the next would be on another
    response = anna.post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    assert response.status_code == 302
    assert "Anna Alfa heeft al een POP voor 2027." in text_of(anna.get(response.headers["Location"]))
    with app.app_context():
        assert [p.form_key for p in Plan.select().where(Plan.previous == org["plan_a"])] == [DEFAULT_FORM]
