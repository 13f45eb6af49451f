"""The smaller things of issue 15's walk ("Pages that read clearly") and the organisation's time zone:
each test fails on the code before the fix."""
import datetime as dt
import io

from openpyxl import load_workbook

from conftest import text_of
from pop import clock, cycle, rhythm
from pop.models import AuditEntry, Plan
from pop.plans import start_plan
from support import doc, part_url, set_state


def test_the_six_step_overview_numbers_its_parts_once(app, org, login):
    with app.app_context():
        from pop.models import Person
        plan_id = start_plan(Person.get(Person.email == org["a"]), "pop-zes-stappen", "2026").id
    page = login(org["a"]).get(f"/plans/{plan_id}")
    assert page.status_code == 200
    # An <ol> put its own "2." before "4. Schrijf een plan van aanpak": "2. 4." on the page.
    assert doc(page).xpath('//ol[contains(@class, "part-list")]') == []
    items = [" ".join(li.xpath("string(./a)").split())
             for li in doc(page).xpath('//ul[contains(@class, "part-list")]/li')]
    assert "4. Schrijf een plan van aanpak met persoonlijke leerdoelen" in items, items


def test_a_managers_nieuw_pop_lands_on_the_overview_with_a_message(app, org, login):
    marco = login(org["m1"])
    set_state(app, org["plan_a"], "afgerond")
    response = marco.post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    assert response.status_code == 302
    with app.app_context():
        new = Plan.get(Plan.previous == org["plan_a"])
        assert new.status == "voorbereiding"
    assert response.headers["Location"].endswith(f"/plans/{new.id}")
    page = marco.get(response.headers["Location"])
    assert page.status_code == 200
    assert ("Het nieuwe POP voor 2027 is aangemaakt en staat nu in voorbereiding bij Anna Alfa. U kunt "
            "het lezen zodra het met u gedeeld is.") in text_of(page)
    assert "het vorige staat ernaast" not in text_of(page)  # not for him: he sees neither


def _agree_directly(app, plan_id):
    """Both akkoorden through the page's own rules: vastgesteld, version 1 frozen."""
    set_state(app, plan_id, "ontwikkelgesprek")
    from pop import akkoord
    from pop.models import Person
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        for email in ("a@test.nl", "m1@test.nl"):
            akkoord.give(plan, Person.get(Person.email == email), True)
        assert Plan.get_by_id(plan_id).status == "vastgesteld"


def test_compare_never_defaults_to_a_version_against_itself(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    plan_id = org["plan_a"]
    anna.post(part_url(plan_id, "fase-1"), data={"meer_doen": "Versie een", "go": "stay"})
    _agree_directly(app, plan_id)
    page = anna.get(f"/plans/{plan_id}/vergelijken")
    assert page.status_code == 200
    assert "Er is nog niets te vergelijken: dit POP heeft één vastgestelde versie" in text_of(page)
    assert doc(page).xpath('//table[contains(@class, "compare")]') == []

    marco.post(f"/plans/{plan_id}/stap/bijstellen", data={})
    anna.post(part_url(plan_id, "fase-1"), data={"meer_doen": "Versie twee", "go": "stay"})
    _agree_directly(app, plan_id)
    page = anna.get(f"/plans/{plan_id}/vergelijken")  # the plan is version 2, the last agreed one
    headings = [" ".join(th.text_content().split()) for th in doc(page).xpath('//table//thead//th')]
    assert headings == ["Vraag", "Versie 1", "Nu (versie 2)"]
    changed = [" ".join(tr.text_content().split()) for tr in doc(page).xpath('//tr[@class="changed"]')]
    assert any("Meer doen" in row and "Versie een" in row and "Versie twee" in row for row in changed)


def test_a_past_talk_is_verstreken_on_the_plan_page(app, org, login, monkeypatch):
    anna = login(org["a"])
    plan_id = org["plan_a"]
    set_state(app, plan_id, "ontwikkelgesprek")
    anna.post(part_url(plan_id, "afronding"), data={"volgend_gesprek": "voortgangsgesprek",
                                                    "volgend_gesprek_datum": "2026-03-02", "go": "stay"})
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 3, 10))
    talk = doc(anna.get(f"/plans/{plan_id}")).xpath('//section[contains(@class, "next-talk")]')[0]
    text = " ".join(talk.text_content().split())
    assert "Voortgangsgesprek op maandag 02-03-2026 verstreken: leg het gesprek vast" in text, text
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 3, 1))
    talk = doc(anna.get(f"/plans/{plan_id}")).xpath('//section[contains(@class, "next-talk")]')[0]
    assert "verstreken" not in talk.text_content()


def test_the_talk_date_in_gegevens_feeds_volgend_gesprek(app, org, login):
    anna = login(org["a"])
    plan_id = org["plan_a"]
    anna.post(part_url(plan_id, "gegevens"), data={"medewerker_naam": "Anna Alfa",
                                                   "datum_pop_gesprek": "2026-04-14", "go": "stay"})
    page = anna.get(f"/plans/{plan_id}")
    talk = " ".join(doc(page).xpath('//section[contains(@class, "next-talk")]')[0].text_content().split())
    assert "POP-gesprek op dinsdag 14-04-2026" in talk, talk
    assert anna.get(f"/plans/{plan_id}/volgend-gesprek.ics").status_code == 200
    # Once Afronding names the next talk, that one is meant.
    set_state(app, plan_id, "ontwikkelgesprek")
    anna.post(part_url(plan_id, "afronding"), data={"volgend_gesprek": "voortgangsgesprek",
                                                    "volgend_gesprek_datum": "2026-09-01", "go": "stay"})
    talk = " ".join(doc(anna.get(f"/plans/{plan_id}"))
                    .xpath('//section[contains(@class, "next-talk")]')[0].text_content().split())
    assert "Voortgangsgesprek op dinsdag 01-09-2026" in talk, talk
    # After the agreement the POP-gesprek has been held: it is no next talk any more.
    from forms import get_form
    definition = get_form("pop-uitgebreid")
    values = {"datum_pop_gesprek": dt.date(2026, 4, 14)}
    assert rhythm.next_talk(definition, values, "ontwikkelgesprek").label == "POP-gesprek"
    assert rhythm.next_talk(definition, values, "vastgesteld") is None


def test_the_template_upload_offers_each_form_by_its_short_name(app, org, login):
    page = login(org["hr"]).get("/sjablonen")
    assert page.status_code == 200
    options = [" ".join(o.text_content().split()) for o in doc(page).xpath('//select[@name="form_key"]/option')]
    assert "POP (compact): Persoonlijk Ontwikkelplan (POP)" in options, options
    assert "POP (zes stappen): Persoonlijk Ontwikkelingsplan (POP)" in options, options


def test_every_sheet_of_a_workbook_prints_at_one_scale(app, org, login):
    for form in ("pop-uitgebreid", "pop-tabel", "pop-zes-stappen", "pop-compact"):
        with app.app_context():
            from pop.models import Person
            anna = Person.get(Person.email == org["a"])
            plan_id = start_plan(anna, form, f"scale-{form}").id
        data = login(org["a"]).get(f"/plans/{plan_id}/download.xlsx").data
        workbook = load_workbook(io.BytesIO(data))
        scales = {ws.title: int(ws.page_setup.scale or 100) for ws in workbook.worksheets}
        assert len(set(scales.values())) == 1, (form, scales)


def test_times_show_in_amsterdam_time_not_the_servers(app, org, login, monkeypatch):
    """Stored in UTC; shown in the organisation's zone: winter +1, summer +2."""
    monkeypatch.setenv("TZ", "UTC")
    with app.app_context():
        assert clock.zone_name() == "Europe/Amsterdam"
        from pop.models import now
        stored = now()
        real = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        assert abs((stored - real).total_seconds()) < 5  # models.now() stores UTC
        Plan.update(updated_at=dt.datetime(2026, 1, 15, 12, 0)).where(Plan.id == org["plan_a"]).execute()
        entry = AuditEntry.select().where(AuditEntry.plan == org["plan_a"]).first()
        AuditEntry.update(created_at=dt.datetime(2026, 7, 1, 22, 30)).where(AuditEntry.id == entry.id).execute()
    page = login(org["a"]).get(f"/plans/{org['plan_a']}")
    assert "Laatst bijgewerkt 15-01-2026 13:00" in text_of(page)
    log = login(org["hr"]).get(f"/plans/{org['plan_a']}/logboek")
    assert "02-07-2026 00:30" in text_of(log)  # summer: +2, and past midnight the next day
    assert doc(log).xpath('//time/@datetime')[-1] == "2026-07-02T00:30:00+0200"
    assert "15-01-2026 13:00" in text_of(login(org["a"]).get("/"))  # the plan list
    app.config["POP_TIMEZONE"] = "UTC"
    assert "Laatst bijgewerkt 15-01-2026 12:00" in text_of(login(org["a"]).get(f"/plans/{org['plan_a']}"))


def test_the_overview_offers_the_next_thing_to_write_and_asks_before_steps_without_way_back(app, org, login):
    """After the agreement the progress talk is offered first, and 'Evaluatie starten' (no way back:
    no talk can be added after it) asks once more; in the evaluation the employee is led to it."""
    from support import set_state
    set_state(app, org["plan_a"], "vastgesteld")
    anna = login(org["a"])
    page = doc(anna.get(f"/plans/{org['plan_a']}"))
    steps = page.xpath('//ul[@class="steps"]')[0]
    first = steps.xpath("./li")[0]
    assert first.xpath(".//a")[0].text_content() == "Fase III: gesprek vastleggen"
    assert first.xpath(".//a")[0].get("href") == f"/plans/{org['plan_a']}/fase-3"
    confirm = steps.xpath('.//details[@class="confirm-step"]')
    assert [d.xpath("./summary")[0].text_content() for d in confirm] == ["Evaluatie starten…"]
    assert confirm[0].xpath(".//button")[0].text_content() == "Ja, evaluatie starten"
    assert "niet ongedaan" in confirm[0].text_content()

    set_state(app, org["plan_a"], "evaluatie")
    page = doc(anna.get(f"/plans/{org['plan_a']}"))
    link = page.xpath('//ul[@class="steps"]/li[1]//a')[0]
    assert (link.text_content(), link.get("href")) == ("Fase IV invullen", f"/plans/{org['plan_a']}/fase-4")
    marco = login(org["m1"])
    page = doc(marco.get(f"/plans/{org['plan_a']}"))
    assert page.xpath('//ul[@class="steps"]/li[1]//a')[0].text_content() == "Fase IV lezen"
    assert [s.text_content() for s in page.xpath('//details[@class="confirm-step"]/summary')] == ["POP afronden…"]


def test_a_plan_not_shared_yet_offers_the_manager_and_hr_no_links_into_its_content(app, org, login):
    """In the voorbereiding the content is the employee's: the phase tabs and Afdrukken only led to
    "Geen toegang"; the employee still has them."""
    url = f"/plans/{org['plan_a']}"
    for email, address in ((org["m1"], url), (org["hr"], url), (org["hr"], url + "/logboek")):
        page = login(email).get(address)
        assert page.status_code == 200
        assert not doc(page).xpath('//nav[@aria-label="Fasen"]'), email
        assert not doc(page).xpath(f'//a[@href="/plans/{org["plan_a"]}/afdrukken"]'), email
    page = login(org["a"]).get(url)
    assert doc(page).xpath('//nav[@aria-label="Fasen"]//a')
    assert doc(page).xpath(f'//a[@href="/plans/{org["plan_a"]}/afdrukken"]')
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    assert doc(login(org["m1"]).get(url)).xpath('//nav[@aria-label="Fasen"]//a')


def test_a_closed_plan_shows_no_next_talk_and_after_nieuw_pop_links_to_the_next_one(app, org, login):
    set_state(app, org["plan_a"], "afgerond")
    anna = login(org["a"])
    url = f"/plans/{org['plan_a']}"
    page = doc(anna.get(url))
    assert not page.xpath('//section[contains(@class, "next-talk")]')
    assert page.xpath('//button[normalize-space()="Nieuw POP"]')
    response = anna.post(f"{url}/stap/nieuw", data={})
    assert response.status_code == 302
    with app.app_context():
        following = Plan.get(Plan.previous == org["plan_a"])
    page = doc(anna.get(url))
    assert not page.xpath('//button[normalize-space()="Nieuw POP"]')
    link = page.xpath('//ul[@class="steps"]//a')[0]
    assert (link.text_content(), link.get("href")) == (f"Naar het POP van {following.period}",
                                                        f"/plans/{following.id}")


def test_the_pop_tables_akkoord_lines_have_one_colon(app, login):
    """Its paper labels end in a colon ("medewerker:"): the overview printed "medewerker:: gegeven"."""
    from conftest import make_person
    with app.app_context():
        boss = make_person("baas@test.nl", "Bea", "Baas", role="leidinggevende")
        kim = make_person("kim@test.nl", "Kim", "Tabel", manager=boss)
        plan = start_plan(kim, "pop-tabel", "2026").id
    set_state(app, plan, "ontwikkelgesprek")
    text = text_of(login("kim@test.nl").get(f"/plans/{plan}"))
    assert "medewerker: nog niet gegeven" in text and "::" not in text
