"""The to-do list on the first page after log-in, in an organisation of 200 people (tests/organisation.py)
with a hand-made team inside it whose every item is known: the exact items, in order, each linking to the
page where it is done; HR's counts per department and state, each the number of plans its link lists;
and a fixed number of queries whatever the number of plans."""
import datetime as dt
from collections import Counter

import pytest

from conftest import Client, make_person
from organisation import PASSWORD, build
from pop import answers, cycle, tallies, todo
from pop.models import STATUSES, Answer, Person, Plan
from pop.plans import current_period, start_plan
from support import doc, queries  # noqa: F401 (the fixture)

TODAY = dt.date.today()
PERIOD = current_period()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def ddmmyyyy(offset: int) -> str:
    return f"{day(offset):%d-%m-%Y}"


def signature(person, when):
    return {"naam": person.naam, "datum": when, "person_id": person.id}


def talk(offset):
    return {"volgend_gesprek": "voortgangsgesprek", "volgend_gesprek_datum": day(offset)}


def plan_in(person, state, period=PERIOD, **values):
    plan = start_plan(person, "pop-uitgebreid", period)
    answers.save(plan, values)
    Plan.update(status=state).where(Plan.id == plan.id).execute()
    return plan.id


EVALUATION = {"doelen_gehaald": "Ja.", "hoe_geleerd": "Door te doen.", "pop_afsluiten": "Klaar."}
PROGRESS = {"datum": None, "gedaan": "Besproken", "opgeleverd": "", "tevreden": "", "verder": ""}


@pytest.fixture
def company(app):
    """200 generated people plus Tess's team, in which each report is in one known situation."""
    with app.app_context():
        members = build(200, TODAY, PERIOD)
        tess = make_person("tess@test.nl", "Tess", "Toets", role="leidinggevende", afdeling="Toetsafdeling")
        other = Person.get(Person.email == "manager0@org.test")

        def report(key, **extra):
            return make_person(f"{key}@test.nl", key.capitalize(), "Toets", manager=tess,
                               afdeling="Toetsafdeling", **extra)

        r = {key: report(key) for key in ("akkoord", "reactie", "binnenkort", "verlopen", "afronden",
                                          "zonder", "prive", "later", "gehouden", "klaar", "leeg")}
        r["weg"] = report("weg")
        Person.update(active=False).where(Person.id == r["weg"].id).execute()  # left the organisation
        ids = dict(
            akkoord=plan_in(r["akkoord"], "ontwikkelgesprek", meer_doen="Meer",
                            akkoord_medewerker=signature(r["akkoord"], day(-3))),
            reactie=plan_in(r["reactie"], "ontwikkelgesprek", meer_doen="Meer"),
            binnenkort=plan_in(r["binnenkort"], "vastgesteld", **talk(5)),
            verlopen=plan_in(r["verlopen"], "uitvoering", **talk(-3)),
            afronden=plan_in(r["afronden"], "evaluatie", **EVALUATION),
            prive=plan_in(r["prive"], "voorbereiding", **talk(2)),  # the manager may not see it yet
            later=plan_in(r["later"], "uitvoering", **talk(20)),
            gehouden=plan_in(r["gehouden"], "uitvoering", **talk(-3),
                             voortgangsgesprekken=[{**PROGRESS, "datum": day(-3)}]),
            klaar_vorig=plan_in(r["klaar"], "afgerond", period="2000", **talk(1)),
            klaar=plan_in(r["klaar"], "uitvoering"),
            leeg=plan_in(r["leeg"], "evaluatie"),
            # Tess's own plan: both parts of the self-analysis begun, so what is left is to share it.
            tess=plan_in(tess, "voorbereiding", meer_doen="Meer", pop_wat="Wat"),
        )
        # Tess reacted on Fase I of Reactie's plan: what is left to react on is Fase II.
        Answer.create(plan=ids["reactie"], field=cycle.reaction_key(answers.form_of(
            Plan.get_by_id(ids["reactie"])).part("fase-1")), row=0, column="", value="Mooi begin.")
        # Someone else's report with a talk tomorrow: not on Tess's list.
        stranger = make_person("vreemd@test.nl", "Vreemd", "Ander", manager=other, afdeling="Afdeling 000")
        ids["vreemd"] = plan_in(stranger, "uitvoering", **talk(1))
        return {"members": members, "plans": ids, "people": {k: p.id for k, p in r.items()},
                "tess": tess.id}


def todo_items(page, heading=None):
    """(text, link) of each item of the to-do list, under one of its headings (Mijn POP, Mijn
    medewerkers) or, without, of its only list."""
    section = doc(page).xpath('//section[@id="te-doen"]')
    assert len(section) == 1, "no to-do section"
    if heading:
        lists = section[0].xpath(f'.//h3[normalize-space()="{heading}"]/following-sibling::*[1]')
    else:
        lists = section[0].xpath('./ul | ./p[@class="empty"]')
    assert len(lists) == 1, heading
    return [(" ".join(a.text_content().split()), a.get("href")) for a in lists[0].xpath("./li/a")]


def login(app, email):
    client = Client(app)
    assert client.login(email, PASSWORD).status_code == 302
    return client


def test_the_managers_list_holds_exactly_what_waits_for_them_in_order(app, company):
    tess = login(app, "tess@test.nl")
    page = tess.get("/")
    assert page.status_code == 200
    p = company["plans"]
    assert todo_items(page, "Mijn medewerkers") == [
        (f"Voortgangsgesprek met Verlopen Toets op {ddmmyyyy(-3)}", f"/plans/{p['verlopen']}/fase-3"),
        (f"Voortgangsgesprek met Binnenkort Toets op {ddmmyyyy(5)}", f"/plans/{p['binnenkort']}/fase-3"),
        ("Geef uw akkoord op het POP van Akkoord Toets", f"/plans/{p['akkoord']}/afronding"),
        ("Reageer op het POP van Reactie Toets", f"/plans/{p['reactie']}/fase-2"),
        ("Rond het POP van Afronden Toets af", f"/plans/{p['afronden']}"),
        ("Rond het POP van Leeg Toets af", f"/plans/{p['leeg']}"),
        (f"Zonder Toets heeft nog geen POP voor {PERIOD}",
         f"/plans/nieuw?medewerker={company['people']['zonder']}&periode={PERIOD}"),
    ]
    assert todo_items(page, "Mijn POP") == [("Deel het plan met uw leidinggevende", f"/plans/{p['tess']}")]
    body = page.get_data(as_text=True)
    # The overdue talk is marked as such; the hints say why an item is there.
    assert '<li class="late">' in body and "verstreken" in body
    assert f"Akkoord Toets gaf akkoord op {ddmmyyyy(-3)}" in body
    assert "de evaluatie is nog niet helemaal ingevuld" in body


def test_each_employee_sees_what_they_do_next(app, company):
    p = company["plans"]
    assert todo_items(login(app, "reactie@test.nl").get("/")) == [
        ("Geef uw akkoord", f"/plans/{p['reactie']}/afronding")]
    # The talk is set before the plan is agreed: its page is the Afronding part, where the date is.
    assert todo_items(login(app, "prive@test.nl").get("/")) == [
        (f"Voortgangsgesprek op {ddmmyyyy(2)}", f"/plans/{p['prive']}/afronding"),
        ("Vul uw zelfanalyse in en deel het plan", f"/plans/{p['prive']}/fase-1")]
    assert todo_items(login(app, "leeg@test.nl").get("/")) == [
        ("Vul de evaluatie in", f"/plans/{p['leeg']}/fase-4")]
    assert todo_items(login(app, "binnenkort@test.nl").get("/")) == [
        (f"Voortgangsgesprek op {ddmmyyyy(5)}", f"/plans/{p['binnenkort']}/fase-3")]
    # Agreed by her, the evaluation filled, the talk held, nothing due: nothing to do.
    for quiet in ("akkoord", "afronden", "gehouden", "later", "klaar"):
        page = login(app, f"{quiet}@test.nl").get("/")
        assert todo_items(page) == [], quiet
        assert "U heeft nu niets te doen in uw POP." in page.get_data(as_text=True)


def test_every_item_leads_to_a_page_its_reader_may_use(app, company):
    """The links are not only well-formed: each opens, for the person it is meant for."""
    tess = login(app, "tess@test.nl")
    for text, href in todo_items(tess.get("/"), "Mijn medewerkers") + todo_items(tess.get("/"), "Mijn POP"):
        response = tess.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, (text, href, response.status_code)


def test_hr_sees_counts_per_department_and_state_each_leading_to_its_plans(app, company):
    expected = Counter((m.afdeling, m.state) for m in company["members"] if m.state)
    expected.update({("Toetsafdeling", "ontwikkelgesprek"): 2, ("Toetsafdeling", "vastgesteld"): 1,
                     ("Toetsafdeling", "uitvoering"): 4, ("Toetsafdeling", "evaluatie"): 2,
                     ("Toetsafdeling", "voorbereiding"): 2, ("Afdeling 000", "uitvoering"): 1})
    without = Counter(m.afdeling for m in company["members"] if m.state is None)
    # Managers have no plan in the generated organisation; in Toetsafdeling Zonder has none (Weg left).
    without.update({f"Afdeling {m:03d}": 1 for m in range(9)} | {"Toetsafdeling": 1, "HR": 1})
    hr = login(app, "hr@org.test")
    page = hr.get("/")
    assert page.status_code == 200
    table = doc(page).xpath('//section[@id="te-doen"]//table')[0]
    headers = [" ".join(th.text_content().split()) for th in table.xpath("./thead/tr/th")]
    assert headers == ["Afdeling", *STATUSES.values(), "Totaal", "Zonder POP"]
    shown, links = {}, {}
    for row in table.xpath("./tbody/tr"):
        afdeling = row.xpath("./th")[0].text_content().strip()
        for key, cell in zip([*STATUSES, "totaal", "zonder"], row.xpath("./td")):
            shown[(afdeling, key)] = int(cell.text_content())
            for a in cell.xpath("./a"):
                links[(afdeling, key)] = a.get("href").replace("&amp;", "&")
    departments = {d for d, _ in expected} | set(without)
    assert {d for d, _ in shown} == departments
    for d in departments:
        for state in STATUSES:
            assert shown[(d, state)] == expected.get((d, state), 0), (d, state)
        assert shown[(d, "totaal")] == sum(n for (dd, _), n in expected.items() if dd == d), d
        assert shown[(d, "zonder")] == without.get(d, 0), d
    # A count is the number of plans its link lists, and the people without a POP likewise.
    for key in (("Toetsafdeling", "uitvoering"), ("Afdeling 003", "evaluatie"), ("Afdeling 000", "totaal")):
        listed = doc(hr.get(links[key])).xpath('//table[@class="list"]/tbody/tr')
        assert len(listed) == shown[key], key
    listed = doc(hr.get(links[("Toetsafdeling", "zonder")])).xpath('//section[@id="zonder-pop"]//li')
    assert [" ".join(li.text_content().split()).split(" (")[0] for li in listed] == ["Zonder Toets"]
    totals = [int(td.text_content()) for td in table.xpath("./tfoot/tr/td")]
    assert totals == [sum(n for (_, s), n in expected.items() if s == state) for state in STATUSES] + [
        sum(expected.values()), sum(without.values())]


def test_hr_counts_follow_the_chosen_period(app, company):
    hr = login(app, "hr@org.test")
    page = hr.get("/?periode=2000")
    section = doc(page).xpath('//section[@id="te-doen"]')[0]
    assert "Stand van zaken 2000" in section.text_content()
    rows = {r.xpath("./th")[0].text_content().strip(): [int(td.text_content()) for td in r.xpath("./td")]
            for r in section.xpath(".//tbody/tr")}
    assert rows["Toetsafdeling"][:6] == [0, 0, 0, 0, 0, 1]  # Klaar's afgerond plan of 2000


@pytest.mark.parametrize("email", ["tess@test.nl", "manager1@org.test", "hr@org.test", "prive@test.nl"])
def test_the_list_takes_the_same_few_queries_however_many_plans(app, company, queries, email):
    with app.app_context():
        user = Person.get(Person.email == email)
        plans = Plan.select().join(Person, on=(Plan.employee == Person.id)).where(
            Person.manager == user.id).count()
        for tally in tallies.TALLIES:  # folded as a reader does once they grew (three writes then)
            tallies.fold(tally)
        queries.sql.clear()
        result = todo.for_user(user, TODAY)
        # At most 7: the plans, their answers, the team's reactions, who has no plan, HR's counts, and
        # the colleagues' requests for feedback waiting for this person (pop/feedback.py).
        assert len(queries.sql) <= 7, (email, plans, queries.sql)
        if email == "manager1@org.test":
            assert plans >= 15 and len(result.team) >= 5  # many plans, and still a handful of queries


def test_after_an_afgerond_pop_the_next_one_is_on_the_list(app, org):
    """Tim's POP of last year is afgerond and he has none for this year: 'niets te doen' was wrong."""
    with app.app_context():
        Plan.update(period=str(int(PERIOD) - 1), status="afgerond").where(Plan.id == org["plan_a"]).execute()
    anna = login(app, org["a"])
    assert todo_items(anna.get("/")) == [(f"Start uw POP voor {PERIOD}", f"/plans/{org['plan_a']}")]
    # The link leads to the afgerond plan, where 'Nieuw POP' starts this period's plan beside it.
    response = anna.post(f"/plans/{org['plan_a']}/stap/nieuw", data={})
    assert response.status_code == 302
    assert todo_items(anna.get("/")) == [
        ("Vul uw zelfanalyse in en deel het plan", response.headers["Location"].replace("gegevens", "fase-1"))]


def test_without_any_pop_the_list_offers_a_new_one(app, org):
    with app.app_context():
        Plan.delete().where(Plan.id == org["plan_a"]).execute()
        anna_id = Person.get(Person.email == org["a"]).id
    items = todo_items(login(app, org["a"]).get("/"))
    assert items == [(f"Start uw POP voor {PERIOD}",
                      f"/plans/nieuw?medewerker={anna_id}&periode={PERIOD}")]


@pytest.mark.parametrize("form_key", ["pop-tabel", "pop-compact", "pop-zes-stappen"])
def test_each_forms_plan_is_shared_once_its_parts_are_begun_and_needs_no_costs(app, org, form_key):
    """The POP table's own table part has the form's title, which once marked a header: its only
    'content' left was its Kosten, so an empty plan was sent to Kosten and a full one never to
    'Deel het plan'. A plan that needs no costs is not asked for them."""
    from forms import FORMS
    definition = FORMS[form_key]
    with app.app_context():
        Plan.delete().where(Plan.id == org["plan_a"]).execute()
        plan = start_plan(Person.get(Person.email == org["a"]), form_key, PERIOD)
        plan_id = plan.id
    anna = login(app, org["a"])
    first = next(p for p in definition.parts_in("plan")
                 if not all(f.kind == "costs" for f in p.fields))
    assert todo_items(anna.get("/")) == [("Vul uw zelfanalyse in en deel het plan",
                                          f"/plans/{plan_id}/{first.key}")]
    with app.app_context():  # every plan part begun, no costs
        values = answers.load(plan)
        for part in definition.parts_in("plan"):
            field = next((f for f in part.fields if f.kind != "costs" and not f.prefill), None)
            if field is not None:  # a table's first cell, or a text
                values[field.key] = [{field.columns[0].key: "Iets"}] if field.kind == "table" else "Iets"
        answers.save(plan, values)
    assert todo_items(anna.get("/")) == [("Deel het plan met uw leidinggevende", f"/plans/{plan_id}")]
