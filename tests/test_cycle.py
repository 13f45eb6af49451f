"""The POP cycle: every state and step for each role, allowed and refused; agreed content frozen
(stored answers and Word export unchanged after a refused change); bijstellen makes a new version and
its differences are shown; the evaluation closes the cycle and a new one starts from it."""
import io

import pytest
from docx import Document

from conftest import text_of
from pop import cycle
from pop.models import STATUSES, Plan, PlanVersion
from support import as_post, doc, part_url, set_state, shown_values, stored

WHO = {"medewerker": "a", "leidinggevende": "m1", "hr": "hr"}
# One change per kind of part, as a browser would post it.
CHANGES = {
    "fase-1": ("plan", {"meer_doen": "Gewijzigd", "go": "stay"}, "meer_doen"),
    "fase-3": ("voortgang", {"voortgangsgesprekken-0-datum": "2027-03-01",
                             "voortgangsgesprekken-0-gedaan": "Gewijzigd", "go": "stay"},
               "voortgangsgesprekken"),
    "fase-4": ("evaluatie", {"doelen_gehaald": "Gewijzigd", "go": "stay"}, "doelen_gehaald"),
    "afronding": ("ritme", {"volgend_gesprek": "voortgangsgesprek", "go": "stay"}, "volgend_gesprek"),
    "gesprekken": ("gesprek", {"gesprekken-0-datum": "2027-03-01", "gesprekken-0-gesprek": "POP-gesprek",
                               "go": "stay"}, "gesprekken"),
}


def state_of(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


def overview_text(client, plan_id):
    return text_of(client.get(f"/plans/{plan_id}"))


# ---------------------------------------------------------------- the table, walked

def test_the_rules_of_the_seeds_stand_in_the_table():
    """The table written out where the issue states it, so a changed cell in RIGHTS is noticed."""
    r = cycle.RIGHTS
    assert r["voorbereiding"]["leidinggevende"] == set() and r["voorbereiding"]["hr"] == set()
    assert "delen" in r["voorbereiding"]["medewerker"]
    assert "plan" not in r["ontwikkelgesprek"]["leidinggevende"]  # he reacts, he does not rewrite
    assert "reactie" in r["ontwikkelgesprek"]["leidinggevende"]
    for state in ("vastgesteld", "uitvoering", "evaluatie", "afgerond"):
        assert not any("plan" in rights for rights in r[state].values()), state  # frozen
    assert all(rights <= {"lezen", "nieuw"} for rights in r["afgerond"].values())
    assert all(rights <= {"lezen"} for state, roles in r.items() if state != "afgerond"
               for role, rights in roles.items() if role == "hr")
    assert "afronden" in r["evaluatie"]["leidinggevende"] and "afronden" not in r["evaluatie"]["medewerker"]
    # The conversation checklist (seed 001) is the manager's, from the first talk until afgerond.
    assert {s for s, roles in r.items() if "gesprek" in roles["leidinggevende"]} == {
        "ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie"}
    assert not any("gesprek" in roles[who] for roles in r.values() for who in ("medewerker", "hr"))


@pytest.mark.parametrize("state", list(STATUSES))
@pytest.mark.parametrize("role", list(WHO))
def test_every_part_in_every_state_for_every_role(app, org, login, state, role):
    user = login(org[WHO[role]])
    plan = org["plan_a"]
    set_state(app, plan, state)
    rights = cycle.RIGHTS[state][role]
    for part_key, (right, data, field) in CHANGES.items():
        before = stored(app, plan)
        response = user.post(part_url(plan, part_key), data=data)
        after = stored(app, plan)
        if "lezen" not in rights:
            assert response.status_code == 403, (state, role, part_key)
            assert "nog in voorbereiding" in text_of(response)
            assert after == before
        elif right in rights:
            assert response.status_code == 302, (state, role, part_key, text_of(response)[:300])
            assert after[field] != before[field], (state, role, part_key)
        else:
            assert response.status_code == 403, (state, role, part_key, response.status_code)
            assert "Niet opgeslagen:" in text_of(response), (state, role, part_key)
            assert after == before, (state, role, part_key)
        set_state(app, plan, state)  # a first progress talk moves vastgesteld on: back for the next


@pytest.mark.parametrize("state", list(STATUSES))
@pytest.mark.parametrize("role", list(WHO))
def test_every_step_in_every_state_for_every_role(app, org, login, state, role):
    user = login(org[WHO[role]])
    plan = org["plan_a"]
    for step in cycle.STEPS:
        set_state(app, plan, state)
        with app.app_context():  # the evaluation filled, so that afronden can only fail on the rules
            from pop import answers
            answers.save(Plan.get_by_id(plan), {"doelen_gehaald": "Ja", "hoe_geleerd": "Door te doen",
                                                "pop_afsluiten": "Klaar"})
        response = user.post(f"/plans/{plan}/stap/{step}", data={})
        assert response.status_code == 302, (state, role, step)
        message = text_of(user.get(response.headers["Location"]))
        allowed = step in cycle.RIGHTS[state][role]
        if allowed:
            assert "Niet gelukt" not in message, (state, role, step, message[:300])
        else:
            assert "Niet gelukt:" in message, (state, role, step)
            assert state_of(app, plan) == state, (state, role, step)
        # Only the steps one may take are offered.
        page = user.get(f"/plans/{plan}") if step != "nieuw" or not allowed else None
        if page is not None and state_of(app, plan) == state:
            offered = f"/plans/{plan}/stap/{step}" in page.get_data(as_text=True)
            assert offered == allowed, (state, role, step)


# ---------------------------------------------------------------- the journey, step by step

def test_share_agree_and_the_agreed_content_is_frozen(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    assert anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Projecten leiden", "go": "stay"}) \
        .status_code == 302
    # Akkoord before sharing is refused: the plan is not shared yet.
    response = anna.post(part_url(plan, "afronding"), data={"akkoord_medewerker": "y", "go": "stay"})
    assert stored(app, plan)["akkoord_medewerker"] is None
    assert anna.post(f"/plans/{plan}/stap/delen", data={}).status_code == 302
    assert state_of(app, plan) == "ontwikkelgesprek"
    assert "Projecten leiden" in text_of(marco.get(part_url(plan, "fase-1")))

    for who, box in ((anna, "akkoord_medewerker"), (marco, "akkoord_leidinggevende")):
        shown = as_post(shown_values(who.get(part_url(plan, "afronding"))))
        response = who.post(part_url(plan, "afronding"), data={**shown, box: "y", "go": "stay"})
        assert response.status_code == 302
    assert state_of(app, plan) == "vastgesteld"
    assert "het POP is vastgesteld (versie 1)" in text_of(marco.get(response.headers["Location"]))
    with app.app_context():
        assert [v.number for v in PlanVersion.select().where(PlanVersion.plan == plan)] == [1]

    # Frozen: the employee's change is refused with the reason, her text comes back, nothing moves.
    before, word_before = stored(app, plan), anna.get(f"/plans/{plan}/download.docx").data
    response = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Toch iets anders", "go": "stay"})
    assert response.status_code == 403
    assert "vastgesteld in de POP-overeenkomst (versie 1)" in text_of(response)
    assert "Toch iets anders" in response.get_data(as_text=True)
    assert stored(app, plan) == before
    word_after = anna.get(f"/plans/{plan}/download.docx").data
    assert _docx_text(word_after) == _docx_text(word_before)
    # And the page says so before anyone types: no save button, the reason on top.
    page = anna.get(part_url(plan, "fase-1"))
    assert "Alleen lezen." in text_of(page) and "Opslaan" not in text_of(page)
    assert "+ Ontwikkeldoel toevoegen" not in text_of(page)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs) + "\n".join(
        c.text for t in Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells)


def test_a_change_after_one_akkoord_withdraws_it(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    marco.post(part_url(plan, "afronding"), data={"akkoord_leidinggevende": "y", "go": "stay"})
    assert stored(app, plan)["akkoord_leidinggevende"]["naam"] == "Marco Een"
    response = anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Nieuw idee", "go": "stay"})
    assert response.status_code == 302
    assert stored(app, plan)["akkoord_leidinggevende"] is None
    assert "het gegeven akkoord is vervallen" in text_of(anna.get(response.headers["Location"]))
    assert state_of(app, plan) == "ontwikkelgesprek"


def _agree(app, org, login, plan):
    for who, box in (("a", "akkoord_medewerker"), ("m1", "akkoord_leidinggevende")):
        client = login(org[who])
        shown = as_post(shown_values(client.get(part_url(plan, "afronding"))))
        assert client.post(part_url(plan, "afronding"), data={**shown, box: "y", "go": "stay"}) \
            .status_code == 302


def test_bijstellen_makes_a_new_version_and_the_differences_show(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Versie een", "go": "stay"})
    set_state(app, plan, "ontwikkelgesprek")
    _agree(app, org, login, plan)
    assert state_of(app, plan) == "vastgesteld"

    response = marco.post(f"/plans/{plan}/stap/bijstellen", data={})
    assert "Versie 2 staat open voor bijstellen" in text_of(marco.get(response.headers["Location"]))
    assert state_of(app, plan) == "ontwikkelgesprek"
    values = stored(app, plan)
    assert values["akkoord_medewerker"] is None and values["akkoord_leidinggevende"] is None
    assert anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Versie twee", "go": "stay"}) \
        .status_code == 302
    _agree(app, org, login, plan)
    assert state_of(app, plan) == "vastgesteld"
    with app.app_context():
        assert Plan.get_by_id(plan).version == 2
        versions = {v.number: cycle.version_values(v)
                    for v in PlanVersion.select().where(PlanVersion.plan == plan)}
    assert versions[1]["meer_doen"] == "Versie een" and versions[2]["meer_doen"] == "Versie twee"

    # Every version stays readable and downloadable.
    assert "Versie een" in text_of(anna.get(f"/plans/{plan}/versies/1"))
    old_word = anna.get(f"/plans/{plan}/versies/1/download.docx")
    assert old_word.status_code == 200 and "Versie een" in _docx_text(old_word.data)
    assert "Versie twee" not in _docx_text(old_word.data)
    # Side by side: the changed answer is marked, with both texts.
    page = marco.get(f"/plans/{plan}/vergelijken?van=1&naar=2")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    import re
    changed = re.findall(r'<tr class="changed">(.*?)</tr>', body, re.S)
    meer_doen = [row for row in changed if "Meer doen" in row]
    assert len(meer_doen) == 1 and "Versie een" in meer_doen[0] and "Versie twee" in meer_doen[0]
    assert not any("Wat ga ik ontwikkelen?" in row for row in changed)  # unchanged: not marked
    assert anna.get(f"/plans/{plan}/versies/7").status_code == 404


def test_afronden_needs_the_evaluation_and_then_a_new_cycle_starts(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    anna.post(part_url(plan, "fase-1"), data={"ontwikkeldoelen-0-doel": "Presenteren",
                                              "ontwikkeldoelen-0-belang": "1", "go": "stay"})
    set_state(app, plan, "uitvoering")
    assert anna.post(f"/plans/{plan}/stap/evalueren", data={}).status_code == 302
    assert state_of(app, plan) == "evaluatie"
    response = marco.post(f"/plans/{plan}/stap/afronden", data={})
    message = text_of(marco.get(response.headers["Location"]))
    assert "Afronden kan pas als de evaluatie is ingevuld. Nog leeg: Heb ik mijn ontwikkeldoelen " \
           "gehaald?" in message
    assert state_of(app, plan) == "evaluatie"
    anna.post(part_url(plan, "fase-4"), data={"doelen_gehaald": "Ja", "hoe_geleerd": "Door te oefenen",
                                              "pop_afsluiten": "Afgesloten", "go": "stay"})
    marco.post(f"/plans/{plan}/stap/afronden", data={})
    assert state_of(app, plan) == "afgerond"
    page = anna.get(part_url(plan, "fase-4"))
    assert "Dit POP is afgerond" in text_of(page) and "Opslaan" not in text_of(page)

    response = anna.post(f"/plans/{plan}/stap/nieuw", data={})
    assert response.status_code == 302
    new_url = response.headers["Location"]
    with app.app_context():
        new = Plan.get(Plan.previous == plan)
        assert (new.period, new.status, new.employee_id) == ("2027", "voorbereiding", Plan.get_by_id(plan).employee_id)
    response = anna.get(new_url)
    page = text_of(response)
    assert "Ter referentie: het vorige POP (2026)" in page
    assert "Presenteren" in page and "Door te oefenen" in page
    # The previous goals as rows with their column names, not one line joined with pipes.
    reference = doc(response).xpath('//aside[contains(@class, "previous")]')[0]
    cells = [(dt.text_content().strip(), dd.text_content().strip())
             for dt, dd in zip(reference.xpath('.//ol//dt'), reference.xpath('.//ol//dd'))]
    assert ("Ontwikkeldoel", "Presenteren") in cells and ("Belang", "1") in cells, cells
    assert "|" not in reference.text_content()
    # A second "Nieuw POP" for the same period is refused with the reason.
    response = anna.post(f"/plans/{plan}/stap/nieuw", data={})
    assert "Anna Alfa heeft al een POP voor 2027." in text_of(anna.get(response.headers["Location"]))


def test_fase_2_progress_counts_only_the_chosen_evaluation_option(app, org, login):
    """The counter could not reach 12/12: the answer to the option not chosen counted as missing."""
    from pop import answers
    from pop.plans import part_progress
    from support import FILL, FORM

    anna = login(org["a"])
    data = {k: v for k, v in FILL["fase-2"].items() if k != "evaluatie_vooraf"}
    assert data["evaluatie_optie"] == "achteraf"
    assert anna.post(part_url(org["plan_a"], "fase-2"), data={**data, "go": "stay"}).status_code == 302
    with app.app_context():
        values = answers.load(Plan.get_by_id(org["plan_a"]))
    done, total = part_progress(FORM.part("fase-2"), values)
    assert done == total == len(FORM.part("fase-2").fields) - 1
    assert f"{done} / {total} ingevuld" in text_of(anna.get(f"/plans/{org['plan_a']}"))
    # No option chosen yet: neither answer applies yet; the choice itself is what is missing.
    done, total = part_progress(FORM.part("fase-2"), {**values, "evaluatie_optie": None,
                                                      "evaluatie_achteraf": ""})
    assert total == len(FORM.part("fase-2").fields) - 2


def test_each_progress_talk_shows_who_wrote_it(app, org, login):
    """Talks are written by either party; each keeps its author while unchanged."""
    import re

    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    set_state(app, plan, "uitvoering")
    url = part_url(plan, "fase-3")
    assert anna.post(url, data={"voortgangsgesprekken-0-datum": "2027-02-01",
                                "voortgangsgesprekken-0-gedaan": "Door Anna", "go": "stay"}).status_code == 302
    shown = as_post(shown_values(marco.get(url)))
    data = {**shown, "voortgangsgesprekken-1-datum": "2027-05-01",
            "voortgangsgesprekken-1-gedaan": "Door Marco", "go": "stay"}
    assert marco.post(url, data=data).status_code == 302
    talks = stored(app, plan)["voortgangsgesprekken"]
    assert [(t["gedaan"], t["_door"]) for t in talks] == [("Door Anna", "Anna Alfa"),
                                                         ("Door Marco", "Marco Een")]
    page = anna.get(url).get_data(as_text=True)
    legends = re.findall(r"<legend>(Voortgangsgesprek \d)</legend>\s*<p class=\"hint author\">"
                         r"Vastgelegd door ([^<]+)</p>", page)
    assert legends == [("Voortgangsgesprek 1", "Anna Alfa"), ("Voortgangsgesprek 2", "Marco Een")]
    # Anna changes Marco's talk: it is hers now; her own, unchanged, stays hers.
    shown = as_post(shown_values(anna.get(url)))
    shown["voortgangsgesprekken-1-gedaan"] = "Door Marco, aangevuld door Anna"
    assert anna.post(url, data={**shown, "go": "stay"}).status_code == 302
    talks = stored(app, plan)["voortgangsgesprekken"]
    assert [t["_door"] for t in talks] == ["Anna Alfa", "Anna Alfa"]
    # A crafted post cannot name another author: the column is not part of the form.
    shown = as_post(shown_values(marco.get(url)))
    marco.post(url, data={**shown, "voortgangsgesprekken-0-_door": "Iemand anders", "go": "stay"})
    assert [t["_door"] for t in stored(app, plan)["voortgangsgesprekken"]] == ["Anna Alfa", "Anna Alfa"]


def test_the_steps_of_the_cycle_are_in_the_plans_log(app, org, login):
    from pop import audit

    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    anna.post(f"/plans/{plan}/stap/delen", data={})
    marco.post(part_url(plan, "fase-1") + "/reactie", data={"reactie": "Goed begin."})
    marco.post(part_url(plan, "afronding"), data={"akkoord_leidinggevende": "y", "go": "stay"})
    anna.post(part_url(plan, "fase-1"), data={"meer_doen": "Iets nieuws", "go": "stay"})  # lapses it
    _agree(app, org, login, plan)
    marco.post(f"/plans/{plan}/stap/bijstellen", data={})
    marco.get(f"/plans/{plan}/versies/1/download.docx")

    def lines():
        with app.app_context():
            return [(e.person_name, e.action, e.detail) for e in reversed(list(audit.entries(plan)))
                    if e.action != "bekeken"]

    log = lines()
    expected = [
        ("Anna Alfa", "gedeeld", "met de leidinggevende"),
        ("Anna Alfa", "status_gewijzigd", "van ‘Voorbereiding’ naar ‘Ontwikkelgesprek’"),
        ("Marco Een", "gewijzigd", "Reactie leidinggevende, Fase I: Zelfanalyse"),
        # Anna changed the plan; Marco's akkoord lapsed by it, she did not withdraw it.
        ("Anna Alfa", "akkoord_vervallen", "Akkoord leidinggevende, door deze wijziging van het plan"),
        ("Marco Een", "status_gewijzigd", "van ‘Ontwikkelgesprek’ naar ‘Vastgesteld’"),
        ("Marco Een", "bijgesteld", "versie 2 geopend"),
        ("Marco Een", "status_gewijzigd", "van ‘Vastgesteld’ naar ‘Ontwikkelgesprek’"),
        ("Marco Een", "gedownload", "versie 1, Word (.docx)"),
    ]
    for line in expected:
        assert line in log, (line, log)
    assert [log.index(line) for line in expected] == sorted(log.index(line) for line in expected)


def test_a_plan_bijgesteld_during_the_execution_goes_back_to_it(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    set_state(app, plan, "uitvoering")
    anna.post(part_url(plan, "fase-3"), data={"voortgangsgesprekken-0-datum": "2027-02-01",
                                              "voortgangsgesprekken-0-gedaan": "Eerste gesprek", "go": "stay"})
    marco.post(f"/plans/{plan}/stap/bijstellen", data={})
    assert state_of(app, plan) == "ontwikkelgesprek"
    _agree(app, org, login, plan)
    assert state_of(app, plan) == "uitvoering"
    assert stored(app, plan)["voortgangsgesprekken"][0]["gedaan"] == "Eerste gesprek"


@pytest.mark.parametrize("query", ["van=999999999999999999999999999999",
                                   "naar=999999999999999999999999999999", "naar=%C2%B2", "van=%C2%B2",
                                   "naar=abc", "van=-1"])
def test_odd_version_numbers_in_the_comparison_are_not_found(app, org, login, query):
    """A number too large for the database, or '²' (a digit to isdigit(), not to int()), was a 500."""
    plan = org["plan_a"]
    with app.app_context():
        cycle.freeze(Plan.get_by_id(plan))
    anna = login(org["a"])
    assert anna.get(f"/plans/{plan}/vergelijken").status_code == 200
    response = anna.get(f"/plans/{plan}/vergelijken?{query}")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in text_of(response)


def test_an_akkoord_from_a_page_opened_before_the_plan_changed_is_refused(app, org, login):
    """Marco opened Afronding; Anna then changed her plan and signed again; his old page must not fix
    content he never saw."""
    import re

    anna, marco = login(org["a"]), login(org["m1"])
    plan = org["plan_a"]
    set_state(app, plan, "ontwikkelgesprek")
    anna.post(part_url(plan, "afronding"), data={"akkoord_medewerker": "y", "go": "stay"})
    old_page = marco.get(part_url(plan, "afronding")).get_data(as_text=True)
    old_version = re.search(r'name="versie" value="([0-9a-f]+)"', old_page).group(1)
    anna.post(part_url(plan, "fase-2"), data={"pop_wat": "NIEUWE AFSPRAAK", "go": "stay"})
    anna.post(part_url(plan, "afronding"), data={"akkoord_medewerker": "y", "go": "stay"})
    response = marco.post(part_url(plan, "afronding"),
                          data={"versie": old_version, "akkoord_leidinggevende": "y", "go": "stay"})
    assert response.status_code == 409
    assert "dit onderdeel is gewijzigd" in text_of(response)
    assert state_of(app, plan) == "ontwikkelgesprek"
    assert stored(app, plan)["akkoord_leidinggevende"] is None


def test_nieuw_pop_clicked_twice_at_once_makes_one_plan(app, org, login, monkeypatch):
    import threading
    import time

    from pop import plans as plan_logic
    from support import Browser, served

    set_state(app, org["plan_a"], "afgerond")
    real = plan_logic.existing_plan

    def slow(*args):  # widen the window between the check and the creation
        found = real(*args)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(plan_logic, "existing_plan", slow)
    with served(app) as base:
        people = []
        for email in (org["a"], org["m1"]):
            browser = Browser(base)
            browser.login(email)
            people.append((browser, browser.token(f"/plans/{org['plan_a']}")))
        start = threading.Barrier(2)
        results = []

        def click(browser, token):
            start.wait()
            results.append(browser.post(f"/plans/{org['plan_a']}/stap/nieuw", {"csrf_token": token}))

        threads = [threading.Thread(target=click, args=person) for person in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert [status for status, _ in results] == [200, 200]  # both land on a page, no server error
    with app.app_context():
        assert Plan.select().where(Plan.previous == org["plan_a"]).count() == 1
    bodies = " ".join(body for _, body in results)
    assert "Het nieuwe POP voor 2027 is aangemaakt" in bodies
    assert "Anna Alfa heeft al een POP voor 2027." in bodies


def test_a_manager_starting_the_next_cycle_lands_on_its_overview(app, org, login):
    """The new plan is in its voorbereiding, Anna's alone: its first part would be a 403."""
    set_state(app, org["plan_a"], "afgerond")
    marco = login(org["m1"])
    response = marco.post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    page = marco.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Het nieuwe POP voor 2027 is aangemaakt" in text_of(page)
    assert "nog niet gedeeld" in text_of(page)


def test_the_steps_name_the_evaluation_of_the_plans_own_form(app, org, login):
    """The extended form evaluates in Fase IV; the compact POP has no evaluation part, so its steps must
    not send anyone to a Fase IV that is not there."""
    from pop.models import Person
    from pop.plans import start_plan
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        compact = start_plan(anna, "pop-compact", "2027").id
    for plan, state in ((org["plan_a"], "uitvoering"), (compact, "uitvoering")):
        set_state(app, plan, state)
    user = login(org["a"])
    extended_page = overview_text(user, org["plan_a"])
    compact_page = overview_text(user, compact)
    assert "Aan het eind van de looptijd: Fase IV, het evaluatiegesprek." in extended_page
    assert "Aan het eind van de looptijd: het evaluatiegesprek." in compact_page
    assert "Fase IV" not in compact_page
    response = user.post(f"/plans/{compact}/stap/evalueren", data={})
    assert response.status_code == 302
    message = text_of(user.get(response.headers["Location"]))
    assert "De evaluatie is gestart: Het evaluatiegesprek kan beginnen." in message
    assert state_of(app, compact) == "evaluatie"
