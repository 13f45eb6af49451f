"""What a person would suffer when a small rule slips, each driven through the pages as a browser
does: another plan's answers wiped by a save, a second tab overwriting the first without a word, a
manager co-signing his own plan, the first progress talk not starting the execution, an akkoord taken
back from an agreed plan, the evaluation written before it started, the comparison's texts under the
wrong version, a log-in refused for a capital letter. Each test checks the status and what the person
sees or what is stored."""
import re

from conftest import Client, make_person, text_of
from pop.models import Person, Plan
from pop.plans import start_plan
from support import as_post, doc, part_url, set_state, shown_values, stored


def _state(app, plan_id):
    with app.app_context():
        return Plan.get_by_id(plan_id).status


def _version_of(page) -> str:
    return re.search(r'name="versie" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _save(client, plan_id, part_key, change):
    """Save a part as a browser does: the page's values and version, with the change typed in."""
    page = client.get(part_url(plan_id, part_key))
    assert page.status_code == 200
    data = {**as_post(shown_values(page)), "versie": _version_of(page), **change, "go": "stay"}
    return client.post(part_url(plan_id, part_key), data=data)


def _sign(client, plan_id, box):
    response = _save(client, plan_id, "afronding", {box: "y"})
    assert response.status_code == 302, text_of(response)[:500]
    return response


def _agreed(app, org, login, plan_id):
    """Share Anna's plan and give both akkoorden through the pages: Vastgesteld, version 1."""
    anna, marco = login(org["a"]), login(org["m1"])
    if _state(app, plan_id) == "voorbereiding":
        assert anna.post(f"/plans/{plan_id}/stap/delen", data={}).status_code == 302
    _sign(anna, plan_id, "akkoord_medewerker")
    _sign(marco, plan_id, "akkoord_leidinggevende")
    assert _state(app, plan_id) == "vastgesteld"
    return anna, marco


# ---------------------------------------------------------------- a save touches its own plan only

def test_saving_one_plan_leaves_every_other_plan_alone(app, org, login):
    """A save replaces the answers of its fields in its own plan; the same questions in other plans
    (another employee's, the same employee's previous one) keep their text."""
    anna, bram = login(org["a"]), login(org["b"])
    with app.app_context():  # Anna's plan of last year, agreed and closed
        old = start_plan(Person.get(Person.email == org["a"]), "pop-uitgebreid", "2025")
        old_id = old.id
    set_state(app, old_id, "voorbereiding")
    assert _save(anna, old_id, "fase-1", {"meer_doen": "Anna vorig jaar"}).status_code == 302
    set_state(app, old_id, "afgerond")
    assert _save(bram, org["plan_b"], "fase-1", {"meer_doen": "Bram zijn tekst",
                                                 "werk_over_3_jaar": "Bram over drie jaar"}).status_code == 302
    bram_before, old_before = stored(app, org["plan_b"]), stored(app, old_id)

    response = _save(anna, org["plan_a"], "fase-1", {"meer_doen": "Anna dit jaar", "werk_over_3_jaar": ""})
    assert response.status_code == 302
    assert "Opgeslagen." in text_of(anna.get(response.headers["Location"]))
    assert stored(app, org["plan_a"])["meer_doen"] == "Anna dit jaar"
    assert stored(app, org["plan_b"]) == bram_before
    assert stored(app, old_id) == old_before
    page = bram.get(part_url(org["plan_b"], "fase-1"))
    assert page.status_code == 200
    assert "Bram zijn tekst" in text_of(page) and "Bram over drie jaar" in text_of(page)
    assert "Anna dit jaar" not in text_of(page)
    assert "Anna vorig jaar" in text_of(anna.get(part_url(old_id, "fase-1")))


def test_bijstellen_clears_the_akkoorden_of_its_own_plan_only(app, org, login):
    """Bijstellen empties both akkoorden of this plan; another plan's signatures stay on record."""
    set_state(app, org["plan_b"], "ontwikkelgesprek")
    bram, mira = login(org["b"]), login(org["m2"])
    _sign(bram, org["plan_b"], "akkoord_medewerker")
    _sign(mira, org["plan_b"], "akkoord_leidinggevende")
    assert _state(app, org["plan_b"]) == "vastgesteld"
    anna, marco = _agreed(app, org, login, org["plan_a"])

    response = marco.post(f"/plans/{org['plan_a']}/stap/bijstellen", data={})
    assert response.status_code == 302
    assert "Versie 2 staat open" in text_of(marco.get(response.headers["Location"]))
    assert stored(app, org["plan_a"])["akkoord_medewerker"] is None
    bram_values = stored(app, org["plan_b"])
    assert bram_values["akkoord_medewerker"]["naam"] == "Bram Beta"
    assert bram_values["akkoord_leidinggevende"]["naam"] == "Mira Twee"
    assert _state(app, org["plan_b"]) == "vastgesteld"


# ---------------------------------------------------------------- two tabs, one answer

def test_a_second_tab_saving_the_same_answer_gets_the_conflict_page(app, org, login):
    """Both tabs opened on the same stored answer; the first saves; the second must not overwrite it
    silently: 409, both texts on the page, the first text stays stored."""
    anna = login(org["a"])
    plan = org["plan_a"]
    assert _save(anna, plan, "fase-1", {"meer_doen": "Oorspronkelijke tekst"}).status_code == 302
    first_tab = anna.get(part_url(plan, "fase-1"))
    second_tab = anna.get(part_url(plan, "fase-1"))
    first = {**as_post(shown_values(first_tab)), "versie": _version_of(first_tab)}
    second = {**as_post(shown_values(second_tab)), "versie": _version_of(second_tab)}

    response = anna.post(part_url(plan, "fase-1"), data={**first, "meer_doen": "Tekst uit tab een",
                                                         "go": "stay"})
    assert response.status_code == 302
    response = anna.post(part_url(plan, "fase-1"), data={**second, "meer_doen": "Tekst uit tab twee",
                                                         "go": "stay"})
    assert response.status_code == 409
    page = text_of(response)
    assert "dit onderdeel is gewijzigd" in page
    assert "Tekst uit tab een" in page  # what the other saved, beside it
    body = response.get_data(as_text=True)
    assert "Tekst uit tab twee" in body  # what was typed, still in the box
    assert stored(app, plan)["meer_doen"] == "Tekst uit tab een"
    # The page now carries the new version: saving it again is a deliberate choice, and works.
    again = {**as_post(shown_values(response)), "versie": _version_of(response), "go": "stay"}
    assert anna.post(part_url(plan, "fase-1"), data=again).status_code == 302
    assert stored(app, plan)["meer_doen"] == "Tekst uit tab twee"


def test_a_second_tab_changing_a_table_row_gets_the_conflict_page(app, org, login):
    """The same for a row of a table whose text changes (same row, same column, other value)."""
    anna = login(org["a"])
    plan = org["plan_a"]
    assert _save(anna, plan, "fase-1", {"kwaliteiten-0-sterk": "Plannen"}).status_code == 302
    tabs = [anna.get(part_url(plan, "fase-1")) for _ in range(2)]
    posts = [{**as_post(shown_values(t)), "versie": _version_of(t), "go": "stay"} for t in tabs]
    assert anna.post(part_url(plan, "fase-1"), data={**posts[0], "kwaliteiten-0-sterk": "Plannen A"}) \
        .status_code == 302
    response = anna.post(part_url(plan, "fase-1"), data={**posts[1], "kwaliteiten-0-sterk": "Plannen B"})
    assert response.status_code == 409
    assert "Plannen A" in text_of(response) and "Plannen B" in response.get_data(as_text=True)
    assert stored(app, plan)["kwaliteiten"][0]["sterk"] == "Plannen A"


def test_a_second_tab_saving_the_reaction_gets_the_conflict_page(app, org, login):
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    marco = login(org["m1"])
    url = part_url(org["plan_a"], "fase-1")

    def reaction_form(page):
        form = doc(page).xpath('//form[contains(@action, "/reactie")]')[0]
        return {i.get("name"): i.get("value", "") for i in form.xpath('.//input[@type="hidden"]')
                if i.get("name") != "csrf_token"}

    assert marco.post(url + "/reactie", data={**reaction_form(marco.get(url)), "reactie": "Eerste reactie"}) \
        .status_code == 302
    tabs = [reaction_form(marco.get(url)) for _ in range(2)]
    assert marco.post(url + "/reactie", data={**tabs[0], "reactie": "Reactie tab een"}).status_code == 302
    response = marco.post(url + "/reactie", data={**tabs[1], "reactie": "Reactie tab twee"})
    assert response.status_code == 409
    assert "Reactie tab een" in text_of(response) and "Reactie tab twee" in response.get_data(as_text=True)
    assert "Reactie tab een" in text_of(login(org["a"]).get(url))


# ---------------------------------------------------------------- signing

def test_a_manager_cannot_co_sign_his_own_plan(app, org, login):
    """Marco's own POP: he signs as the employee; the manager's akkoord is his own manager's."""
    with app.app_context():
        director = make_person("d@test.nl", "Dirk", "Directeur", role="leidinggevende", functie="Directeur")
        marco_row = Person.get(Person.email == org["m1"])
        marco_row.manager = director.id
        marco_row.save()
        own = start_plan(marco_row, "pop-uitgebreid", "2026").id
    marco, dirk = login(org["m1"]), login("d@test.nl")
    assert marco.post(f"/plans/{own}/stap/delen", data={}).status_code == 302
    page = marco.get(part_url(own, "afronding"))
    # Only his own box is offered to him.
    assert doc(page).xpath('//input[@name="akkoord_medewerker" and not(@disabled)]')
    assert not doc(page).xpath('//input[@name="akkoord_leidinggevende" and not(@disabled)]')
    response = marco.post(part_url(own, "afronding"),
                          data={**as_post(shown_values(page)), "versie": _version_of(page),
                                "akkoord_medewerker": "y", "akkoord_leidinggevende": "y", "go": "stay"})
    assert response.status_code == 302
    values = stored(app, own)
    assert values["akkoord_medewerker"]["naam"] == "Marco Een"
    assert values["akkoord_leidinggevende"] is None
    assert _state(app, own) == "ontwikkelgesprek"
    assert "vastgesteld" not in text_of(marco.get(response.headers["Location"]))
    # His manager gives it: now the plan is agreed, with the director's name.
    _sign(dirk, own, "akkoord_leidinggevende")
    assert stored(app, own)["akkoord_leidinggevende"]["naam"] == "Dirk Directeur"
    assert _state(app, own) == "vastgesteld"


def test_an_employee_cannot_withdraw_the_akkoord_of_an_agreed_plan(app, org, login):
    anna, marco = _agreed(app, org, login, org["plan_a"])
    plan = org["plan_a"]
    page = anna.get(part_url(plan, "afronding"))
    assert page.status_code == 200
    data = {k: v for k, v in as_post(shown_values(page)).items() if not k.startswith("akkoord")}
    response = anna.post(part_url(plan, "afronding"), data={**data, "versie": _version_of(page),
                                                            "volgend_gesprek": "voortgangsgesprek",
                                                            "go": "stay"})
    assert response.status_code == 302  # the next talk may be set; the akkoord stays
    values = stored(app, plan)
    assert values["akkoord_medewerker"]["naam"] == "Anna Alfa"
    assert values["akkoord_leidinggevende"]["naam"] == "Marco Een"
    assert _state(app, plan) == "vastgesteld"
    shown = text_of(anna.get(response.headers["Location"]))
    assert "ingetrokken" not in shown and "vervallen" not in shown
    # Nor the manager his.
    page = marco.get(part_url(plan, "afronding"))
    data = {k: v for k, v in as_post(shown_values(page)).items() if not k.startswith("akkoord")}
    marco.post(part_url(plan, "afronding"), data={**data, "versie": _version_of(page), "go": "stay"})
    assert stored(app, plan)["akkoord_leidinggevende"]["naam"] == "Marco Een"
    assert _state(app, plan) == "vastgesteld"


# ---------------------------------------------------------------- the execution and the evaluation

def test_the_first_progress_talk_saved_on_the_page_starts_the_execution(app, org, login):
    anna, marco = _agreed(app, org, login, org["plan_a"])
    plan = org["plan_a"]
    # Opslaan on the empty talks page is no talk held: the plan stays Vastgesteld.
    page = anna.get(part_url(plan, "fase-3"))
    response = anna.post(part_url(plan, "fase-3"), data={**as_post(shown_values(page)),
                                                         "versie": _version_of(page), "go": "stay"})
    assert response.status_code == 302
    assert _state(app, plan) == "vastgesteld"

    response = _save(anna, plan, "fase-3", {"voortgangsgesprekken-0-datum": "2026-05-12",
                                            "voortgangsgesprekken-0-gedaan": "Cursus gevolgd"})
    assert response.status_code == 302
    assert "Opgeslagen." in text_of(anna.get(response.headers["Location"]))
    assert _state(app, plan) == "uitvoering"
    overview = marco.get(f"/plans/{plan}")
    assert overview.status_code == 200
    assert doc(overview).xpath('//li[@aria-current="step"]')[0].text_content().strip() == "Uitvoering"
    with app.app_context():
        assert Plan.get_by_id(plan).version == 1  # a talk is no new version


def test_the_evaluation_is_written_only_after_evaluatie_starten(app, org, login):
    anna, marco = _agreed(app, org, login, org["plan_a"])
    plan = org["plan_a"]
    response = anna.post(part_url(plan, "fase-4"), data={"doelen_gehaald": "Alles gehaald", "go": "stay"})
    assert response.status_code == 403
    assert "Evaluatie starten" in text_of(response)
    assert "Alles gehaald" in text_of(response)  # what she typed comes back
    assert stored(app, plan)["doelen_gehaald"] == ""
    _save(anna, plan, "fase-3", {"voortgangsgesprekken-0-datum": "2026-05-12",
                                 "voortgangsgesprekken-0-gedaan": "Gesprek"})
    assert _state(app, plan) == "uitvoering"
    response = anna.post(part_url(plan, "fase-4"), data={"doelen_gehaald": "Alles gehaald", "go": "stay"})
    assert response.status_code == 403 and stored(app, plan)["doelen_gehaald"] == ""

    response = anna.post(f"/plans/{plan}/stap/evalueren", data={})
    assert "De evaluatie is gestart" in text_of(anna.get(response.headers["Location"]))
    response = _save(anna, plan, "fase-4", {"doelen_gehaald": "Alles gehaald"})
    assert response.status_code == 302
    assert stored(app, plan)["doelen_gehaald"] == "Alles gehaald"


# ---------------------------------------------------------------- the comparison

def _compare_table(page):
    """(header titles, {question: (old, new)}) of the comparison page."""
    tree = doc(page)
    heads = [" ".join(th.text_content().split()) for th in tree.xpath('//table[@class="compare"]/thead//th')]
    rows = {}
    for tr in tree.xpath('//table[@class="compare"]/tbody/tr[td]'):
        question = " ".join(tr.xpath("./th")[0].text_content().replace("gewijzigd", "").split())
        old, new = (" ".join(td.text_content().split()) for td in tr.xpath("./td"))
        rows[question] = (old, new)
    return heads, rows


def test_the_comparison_shows_each_text_under_its_own_version(app, org, login):
    plan = org["plan_a"]
    anna = login(org["a"])
    _save(anna, plan, "fase-1", {"meer_doen": "Tekst van versie een"})
    anna, marco = _agreed(app, org, login, plan)
    for number, text in ((2, "Tekst van versie twee"), (3, "Tekst van versie drie")):
        assert marco.post(f"/plans/{plan}/stap/bijstellen", data={}).status_code == 302
        assert _save(anna, plan, "fase-1", {"meer_doen": text}).status_code == 302
        if number == 2:
            _agreed(app, org, login, plan)
    with app.app_context():
        assert Plan.get_by_id(plan).version == 3  # versions 1 and 2 agreed, 3 open

    page = anna.get(f"/plans/{plan}/vergelijken?van=1&naar=2")
    assert page.status_code == 200
    heads, rows = _compare_table(page)
    assert heads == ["Vraag", "Versie 1", "Versie 2"]
    meer_doen = next(v for k, v in rows.items() if "meer" in k.lower() and "doen" in k.lower())
    assert meer_doen == ("Tekst van versie een", "Tekst van versie twee"), rows
    assert "Tekst van versie drie" not in text_of(page)
    assert "1 antwoord verschilt" in text_of(page)

    page = anna.get(f"/plans/{plan}/vergelijken?van=2&naar=1")
    heads, rows = _compare_table(page)
    assert heads == ["Vraag", "Versie 2", "Versie 1"]
    assert next(v for k, v in rows.items() if "meer" in k.lower() and "doen" in k.lower()) == (
        "Tekst van versie twee", "Tekst van versie een")

    page = anna.get(f"/plans/{plan}/vergelijken?van=1&naar=huidig")
    heads, rows = _compare_table(page)
    assert heads == ["Vraag", "Versie 1", "Nu (versie 3)"]
    assert next(v for k, v in rows.items() if "meer" in k.lower() and "doen" in k.lower()) == (
        "Tekst van versie een", "Tekst van versie drie")
    assert "Tekst van versie twee" not in text_of(page)


# ---------------------------------------------------------------- log-in

def test_log_in_with_a_capitalised_address(app, org, client):
    response = client.login("A@Test.NL")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Anna Alfa" in text_of(page) and "Uitloggen" in text_of(page)
    # Another browser, the address typed with capitals and spaces around it, the password wrong:
    # refused with the usual message, not let in.
    other = Client(app)
    response = other.login(" A@TEST.nl ", password="niet-het-wachtwoord")
    assert response.status_code == 200
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in text_of(response)
    assert other.get("/").status_code == 302
    response = other.login(" A@TEST.nl ")
    assert response.status_code == 302
    assert "Anna Alfa" in text_of(other.get("/"))
