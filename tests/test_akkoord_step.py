"""The akkoord as a step on the plan's overview (issue 15, "Pages that read clearly"): offered to the
employee and the manager in the ontwikkelgesprek with what is still empty, given through the same rules
as the Afronding part (both -> Vastgesteld and a frozen version; a change withdraws it), withdrawn while
the rules allow, and a manager never gives the manager's akkoord on his own plan."""
import re

from conftest import make_person, text_of
from pop.models import Person, Plan, PlanVersion
from pop.plans import start_plan
from support import doc, stored


def share(client, plan_id):
    assert client.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302


def akkoord_forms(response):
    """The akkoord buttons of the overview: {label: form element}."""
    return {f.xpath("string(.//button)").strip(): f
            for f in doc(response).xpath('//section[@id="akkoord"]//form')}


def post_akkoord(client, plan_id, overview=None, action="Akkoord geven"):
    """Press the button as the page offers it: its hidden fields, its CSRF token."""
    overview = overview or client.get(f"/plans/{plan_id}")
    form = akkoord_forms(overview)[action]
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    return client.http.post(form.get("action"), data=data)


def section_text(response) -> str:
    found = doc(response).xpath('//section[@id="akkoord"]')
    return " ".join(found[0].text_content().split()) if found else ""


def test_both_akkoorden_from_the_overview_make_the_plan_vastgesteld(app, org, login):
    anna, marco, hr = login(org["a"]), login(org["m1"]), login(org["hr"])
    plan_id = org["plan_a"]
    assert "Akkoord geven" not in akkoord_forms(anna.get(f"/plans/{plan_id}"))  # voorbereiding
    anna.post(f"/plans/{plan_id}/fase-1", data={"meer_doen": "Vaker presenteren", "ontwikkeldoelen-0-doel":
                                                "Presenteren", "ontwikkeldoelen-0-belang": "1",
                                                "ontwikkeldoelen-0-smart-s": "In het werkoverleg",
                                                "go": "stay"})
    share(anna, plan_id)

    page = anna.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    assert list(akkoord_forms(page)) == ["Akkoord geven"]
    summary = section_text(page)
    assert "Akkoord medewerker: nog niet gegeven" in summary
    assert "Akkoord leidinggevende: nog niet gegeven" in summary
    # What is still empty, before signing: unanswered questions per part, missing SMART letters.
    assert "Fase I: Zelfanalyse: 5 van 7 vragen nog niet beantwoord" in summary, summary
    assert "Fase II: Ontwikkelgesprek en opstellen POP: 11 van 11 vragen" in summary, summary
    assert "Doel Presenteren: SMART ontbreekt nog: Meetbaar, Acceptabel, Realistisch, Tijdgebonden" \
        in summary, summary
    assert "Akkoord geven" not in akkoord_forms(hr.get(f"/plans/{plan_id}"))

    response = post_akkoord(anna, plan_id, page)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plans/{plan_id}#akkoord")
    page = anna.get(f"/plans/{plan_id}")
    assert "Uw akkoord is gegeven." in text_of(page)
    assert re.search(r"Akkoord medewerker: gegeven door Anna Alfa op \d\d-\d\d-\d{4}", section_text(page))
    assert list(akkoord_forms(page)) == ["Akkoord intrekken"]
    assert stored(app, plan_id)["akkoord_medewerker"]["naam"] == "Anna Alfa"
    assert stored(app, plan_id)["meer_doen"] == "Vaker presenteren"  # nothing else of the plan touched

    page = marco.get(f"/plans/{plan_id}")
    assert list(akkoord_forms(page)) == ["Akkoord geven"]
    assert post_akkoord(marco, plan_id, page).status_code == 302
    page = marco.get(f"/plans/{plan_id}")
    assert "het POP is vastgesteld (versie 1)" in text_of(page)
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        assert plan.status == "vastgesteld"
        assert PlanVersion.select().where(PlanVersion.plan == plan).count() == 1
    assert re.search(r"Akkoord leidinggevende: gegeven door Marco Een", section_text(page))
    # Agreed: no withdrawal any more, and a crafted one is refused with the reason.
    assert akkoord_forms(page) == {} and akkoord_forms(anna.get(f"/plans/{plan_id}")) == {}
    response = anna.post(f"/plans/{plan_id}/akkoord", data={"akkoord": "intrekken"})
    assert response.status_code == 302
    assert "een akkoord intrekken kan niet meer" in text_of(anna.get(f"/plans/{plan_id}"))
    assert stored(app, plan_id)["akkoord_medewerker"]
    # HR signs nothing.
    assert hr.post(f"/plans/{plan_id}/akkoord", data={"akkoord": "geven"}).status_code == 403


def test_withdrawn_from_the_overview_and_a_change_of_the_plan_withdraws_it(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan_id = org["plan_a"]
    share(anna, plan_id)
    assert post_akkoord(marco, plan_id).status_code == 302
    assert stored(app, plan_id)["akkoord_leidinggevende"]
    assert post_akkoord(marco, plan_id, action="Akkoord intrekken").status_code == 302
    page = marco.get(f"/plans/{plan_id}")
    assert "Uw akkoord is ingetrokken." in text_of(page)
    assert "Akkoord leidinggevende: nog niet gegeven" in section_text(page)
    assert stored(app, plan_id)["akkoord_leidinggevende"] is None

    # Given again; then Anna changes the plan: the cycle's rule withdraws it (after_save).
    assert post_akkoord(marco, plan_id).status_code == 302
    anna.post(f"/plans/{plan_id}/fase-1", data={"meer_doen": "Iets anders", "go": "stay"})
    assert stored(app, plan_id)["akkoord_leidinggevende"] is None

    # An overview opened before a change gives no akkoord on content its giver never saw.
    stale = anna.get(f"/plans/{plan_id}")
    anna.post(f"/plans/{plan_id}/fase-1", data={"meer_doen": "Nog iets anders", "go": "stay"})
    assert post_akkoord(anna, plan_id, stale).status_code == 302
    assert "het plan is gewijzigd nadat u deze pagina opende" in text_of(anna.get(f"/plans/{plan_id}"))
    assert stored(app, plan_id)["akkoord_medewerker"] is None


def test_a_manager_cannot_give_the_managers_akkoord_on_his_own_plan(app, org, login):
    with app.app_context():
        marco = Person.get(Person.email == org["m1"])
        boss = make_person("boss@test.nl", "Bea", "Baas", role="leidinggevende")
        marco.manager = boss
        marco.save()
        plan_id = start_plan(marco, "pop-uitgebreid", "2026").id
    own, bea = login(org["m1"]), login("boss@test.nl")
    share(own, plan_id)
    page = own.get(f"/plans/{plan_id}")
    assert list(akkoord_forms(page)) == ["Akkoord geven"]
    assert "Akkoord medewerker" in akkoord_forms(page)["Akkoord geven"].text_content()
    assert post_akkoord(own, plan_id, page).status_code == 302
    assert post_akkoord(own, plan_id, action="Akkoord intrekken").status_code == 302
    assert post_akkoord(own, plan_id).status_code == 302
    # However often he presses, only his line as the employee is signed; the plan waits for Bea.
    values = stored(app, plan_id)
    assert values["akkoord_medewerker"]["naam"] == "Marco Een"
    assert values["akkoord_leidinggevende"] is None
    with app.app_context():
        assert Plan.get_by_id(plan_id).status == "ontwikkelgesprek"
    assert "Akkoord leidinggevende: nog niet gegeven" in section_text(own.get(f"/plans/{plan_id}"))
    assert post_akkoord(bea, plan_id).status_code == 302
    assert stored(app, plan_id)["akkoord_leidinggevende"]["naam"] == "Bea Baas"
    with app.app_context():
        assert Plan.get_by_id(plan_id).status == "vastgesteld"
