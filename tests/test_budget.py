"""The development budget (POB, seed 004 §2.5.2, /budget): HR sets a yearly budget per person in euros
and hours, typed the Dutch way; the costs planned in that year's plans (the Costs field of each form) are
summed against it, per person and per department."""
from decimal import Decimal

import pytest
from conftest import make_person, text_of
from support import doc, error_text

from forms import FORMS
from pop import answers, budget
from pop.models import Budget, Person, Plan
from pop.plans import current_period, start_plan

YEAR = "2026"
D = Decimal


def pid(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


def budgets(app):
    with app.app_context():
        return {(b.person_id, b.year): (b.euro, b.uren) for b in Budget.select()}


def costs_of(form_key, euros=(), hours=()):
    """A value of the form's Costs field: the given amounts in its first rows."""
    definition = FORMS[form_key]
    field = definition.field(definition.costs_field)
    value = field.empty()
    for row, amount in zip(field.rows, euros):
        value[row.key]["euro"] = D(amount)
    for row, amount in zip(reversed(field.rows), hours):
        value[row.key]["uren"] = D(amount)
    return {definition.costs_field: value}


def department_row(page, name) -> list[str]:
    rows = doc(page).xpath('//table[@id="afdelingen"]//tr[th[@scope="row"]]')
    for row in rows:
        if row.xpath("string(th)").strip() == name:
            return [" ".join(td.text_content().split()) for td in row.xpath("td")]
    raise AssertionError(f"no department row {name!r}")


def person_row(page, person_id) -> list[str]:
    """The cells of a person's row: a box as its value, other cells as their text."""
    row = doc(page).xpath(f'//tr[@id="persoon-{person_id}"]')[0]
    return [td.xpath(".//input")[0].get("value", "") if td.xpath(".//input")
            else " ".join(td.text_content().split()) for td in row.xpath('td[not(@class="afdeling")]')]


def box(page, name) -> str:
    return doc(page).xpath(f'//input[@name="{name}"]')[0].get("value", "")


@pytest.fixture
def costs(org, app):
    """Anna (A): 2026 extended plan € 1.250,50 + € 99,95 and 12,5 + 3 hours, a second 2026 plan on
    another form with € 0,50 and 0,25 hour, and a 2025 plan with € 5.000 (not counted for 2026). Bram
    (B): 2026 plan € 300, 4 hours. Marco (A, manager) plans nothing. All shared (Ontwikkelgesprek): a plan
    in the voorbereiding counts for its employee only (test_costs_in_the_voorbereiding_are_the_employees)."""
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        answers.save(Plan.get_by_id(org["plan_a"]),
                     costs_of(Plan.get_by_id(org["plan_a"]).form_key, ["1250.50", "99.95"], ["12.5", "3"]))
        other_key = next((k for k in FORMS if FORMS[k].costs_field and k != "pop-uitgebreid"), "pop-uitgebreid")
        second = start_plan(anna, other_key, YEAR) if other_key != "pop-uitgebreid" else None
        if second:
            answers.save(second, costs_of(other_key, ["0.50"], ["0.25"]))
        old = start_plan(anna, "pop-uitgebreid", "2025")
        answers.save(old, costs_of("pop-uitgebreid", ["5000"], ["40"]))
        answers.save(Plan.get_by_id(org["plan_b"]), costs_of("pop-uitgebreid", ["300"], ["4"]))
        Plan.update(status="ontwikkelgesprek").execute()
        return {"second": bool(second)}


@pytest.mark.parametrize("who", ["a", "m1"])
def test_only_hr_sees_and_sets_budgets(org, login, app, who):
    client = login(org[who])
    assert client.get("/budget").status_code == 403
    response = client.post("/budget", data={"periode": YEAR, f"b{pid(app, org['a'])}-euro": "100"})
    assert response.status_code == 403 and "Geen toegang" in text_of(response)
    assert budgets(app) == {}
    assert 'href="/budget"' not in client.get("/").get_data(as_text=True)


def test_anonymous_goes_to_the_login(client):
    response = client.get("/budget")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_amounts_in_dutch_notation(org, login, app):
    a, b, m1 = pid(app, org["a"]), pid(app, org["b"]), pid(app, org["m1"])
    hr = login(org["hr"])
    response = hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "1.250,50", f"b{a}-uren": "12,5",
                                        f"b{b}-euro": "1250", f"b{b}-uren": "",
                                        f"b{m1}-euro": "€ 0,50", f"b{m1}-uren": " 40 "})
    assert response.status_code == 302, text_of(response)
    assert budgets(app) == {(a, YEAR): (D("1250.50"), D("12.50")), (b, YEAR): (D("1250.00"), None),
                            (m1, YEAR): (D("0.50"), D("40.00"))}
    page = hr.get(response.headers["Location"])
    assert "Opgeslagen (3 gewijzigd)." in text_of(page)
    assert (box(page, f"b{a}-euro"), box(page, f"b{a}-uren")) == ("1.250,50", "12,5")
    assert (box(page, f"b{b}-euro"), box(page, f"b{b}-uren")) == ("1.250,00", "")
    assert box(page, f"b{m1}-euro") == "0,50"
    # posting the page unchanged changes nothing
    same = {"periode": YEAR, **{i.get("name"): i.get("value", "") for i in doc(page).xpath(
        '//form[@method="post" and contains(@class, "paper-form")]//input[starts-with(@name, "b")]')}}
    again = hr.post("/budget", data=same)
    assert again.status_code == 302 and "Niets gewijzigd." in text_of(hr.get(again.headers["Location"]))
    # emptied: no budget any more
    response = hr.post("/budget", data={**same, f"b{b}-euro": ""})
    assert response.status_code == 302 and (b, YEAR) not in budgets(app)


@pytest.mark.parametrize("typed, unit, message", [
    ("-5", "euro", "Een bedrag kan niet negatief zijn."),
    ("abc", "euro", "Vul een bedrag in, bijvoorbeeld 1.250,50."),
    ("10.000.000", "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("1" * 60, "euro", "Dit bedrag is te hoog: hoogstens 9.999.999,99."),
    ("-1", "uren", "Een aantal uren kan niet negatief zijn."),
    ("veel", "uren", "Vul een aantal uren in, bijvoorbeeld 12,5."),
])
def test_odd_amounts_are_refused_next_to_the_box_and_kept(org, login, app, typed, unit, message):
    a, b = pid(app, org["a"]), pid(app, org["b"])
    hr = login(org["hr"])
    response = hr.post("/budget", data={"periode": YEAR, f"b{a}-{unit}": typed, f"b{b}-euro": "500"})
    assert response.status_code == 422
    assert budgets(app) == {}  # Bram's valid one neither: one save for the page
    assert error_text(response, f"b{a}-{unit}") == message
    assert box(response, f"b{a}-{unit}") == typed and box(response, f"b{b}-euro") == "500"
    assert "Er is niets opgeslagen" in text_of(response)
    assert doc(response).xpath(f'//input[@name="b{a}-{unit}"]')[0].get("aria-invalid") == "true"


def test_planned_remaining_and_department_totals(org, login, app, costs):
    a, b, m1 = pid(app, org["a"]), pid(app, org["b"]), pid(app, org["m1"])
    hr = login(org["hr"])
    assert hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "1.000", f"b{a}-uren": "20",
                                    f"b{m1}-euro": "2.500,25", f"b{b}-uren": "3"}).status_code == 302
    page = hr.get(f"/budget?periode={YEAR}")
    assert page.status_code == 200
    second = D("0.50") if costs["second"] else D(0)
    second_h = D("0.25") if costs["second"] else D(0)
    anna_euro = D("1250.50") + D("99.95") + second  # the 2025 plan's € 5.000 not counted
    anna_hours = D("15.5") + second_h
    with app.app_context():
        assert budget.planned(YEAR)[a] == (anna_euro, anna_hours)
        assert budget.planned(YEAR)[b] == (D("300.00"), D("4.00"))
        assert budget.planned("2025")[a] == (D("5000.00"), D("40.00"))
    show = budget.show
    # Anna: over her euros, within her hours
    assert person_row(page, a) == ["1.000,00", show(anna_euro, "euro"),
                                   f"{show(D('1000') - anna_euro, 'euro')} (overschreden)",
                                   "20", show(anna_hours, "uren"), show(D(20) - anna_hours, "uren")]
    assert person_row(page, a)[2].startswith("− € ")
    # Marco: a budget and nothing planned
    assert person_row(page, m1) == ["2.500,25", "€ 0,00", "€ 2.500,25", "", "0 uur", "—"]
    # Bram: hours only; no euro budget -> no remaining euros
    assert person_row(page, b) == ["", "€ 300,00", "—", "3", "4 uur", "− 1 uur (overschreden)"]
    # Department A: Anna + Marco
    assert department_row(page, "A") == [
        "€ 3.500,25", show(anna_euro, "euro"), show(D("3500.25") - anna_euro, "euro"),
        "20 uur", show(anna_hours, "uren"), show(D(20) - anna_hours, "uren"), "0 van 2"]
    assert department_row(page, "B") == ["—", "€ 300,00", "—", "3 uur", "4 uur",
                                         "− 1 uur (overschreden)", "1 van 2"]  # Mira: none
    # HR herself: no budget, nothing planned
    assert department_row(page, "HR") == ["—", "€ 0,00", "—", "—", "0 uur", "—", "1 van 1"]
    assert person_row(page, pid(app, org["hr"]))[2] == "geen budget"
    # one department on its own: the same sums
    only_a = hr.get(f"/budget?periode={YEAR}&afdeling=A")
    assert department_row(only_a, "A") == department_row(page, "A")
    assert person_row(only_a, a) == person_row(page, a) and "Bram Beta" not in text_of(only_a)
    # someone without a department is listed under "(geen afdeling)", also as a filter
    with app.app_context():
        Person.update(afdeling="").where(Person.id == b).execute()
    none = hr.get(f"/budget?periode={YEAR}&afdeling={budget.NO_DEPARTMENT}")
    assert department_row(none, budget.NO_DEPARTMENT)[:3] == ["—", "€ 300,00", "—"]
    assert "Anna Alfa" not in text_of(none)


def test_people_without_a_budget_and_other_years(org, login, app, costs):
    a = pid(app, org["a"])
    hr = login(org["hr"])
    page = hr.get(f"/budget?periode={YEAR}")
    assert person_row(page, a)[2] == "geen budget" and person_row(page, a)[5] == "geen budget"
    assert department_row(page, "A")[0] == "—" and department_row(page, "A")[-1] == "2 van 2"
    hr.post("/budget", data={"periode": "2025", f"b{a}-euro": "6000"})
    assert budgets(app) == {(a, "2025"): (D("6000.00"), None)}
    old = hr.get("/budget?periode=2025")
    assert person_row(old, a)[:3] == ["6.000,00", "€ 5.000,00", "€ 1.000,00"]
    assert person_row(hr.get(f"/budget?periode={YEAR}"), a)[0] == ""  # 2026 still without
    assert f"Budget {current_period()}" in text_of(hr.get("/budget"))


def test_a_department_filter_and_an_inactive_person_with_a_budget(org, login, app):
    a = pid(app, org["a"])
    hr = login(org["hr"])
    hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "750"})
    with app.app_context():
        Person.update(active=False).where(Person.id == a).execute()
        make_person("c@test.nl", "Cas", "Gamma", afdeling="B")
    page = hr.get(f"/budget?periode={YEAR}&afdeling=A")
    assert "Anna Alfa (inactief)" in text_of(page) and "Bram Beta" not in text_of(page)
    assert department_row(page, "A")[0] == "€ 750,00"
    page = hr.get(f"/budget?periode={YEAR}&afdeling=B")
    assert "Cas Gamma" in text_of(page) and "Anna Alfa" not in text_of(page)
    # the filter travels with the post: only B's boxes are read, A's budget stays
    c = pid(app, "c@test.nl")
    response = hr.post("/budget", data={"periode": YEAR, "afdeling": "B", f"b{c}-euro": "10",
                                        f"b{a}-euro": ""})
    assert response.status_code == 302 and "afdeling=B" in response.headers["Location"]
    assert budgets(app)[(a, YEAR)] == (D("750.00"), None) and budgets(app)[(c, YEAR)] == (D("10.00"), None)


def test_costs_typed_in_the_plan_count_once_the_plan_is_shared(org, login, app):
    """The employee types the costs the Dutch way in the plan's own page; the budget page sums them from
    the moment the plan is shared: before, the amounts are the employee's alone."""
    with app.app_context():
        plan = Plan.get_by_id(org["plan_a"])
        definition = FORMS[plan.form_key]
        part = next(p for p in definition.parts if any(f.key == definition.costs_field for f in p.fields))
        rows = definition.field(definition.costs_field).rows
    key = definition.costs_field
    anna = login(org["a"])
    response = anna.post(f"/plans/{org['plan_a']}/{part.key}", data={
        f"{key}-{rows[0].key}__euro": "€ 1.250,50", f"{key}-{rows[1].key}__euro": "0,50",
        f"{key}-{rows[0].key}__uren": "12,5", f"{key}-{rows[1].key}__uren": "1250.50", "go": "stay"})
    assert response.status_code == 302, text_of(response)[:2000]
    hr = login(org["hr"])
    before = hr.get(f"/budget?periode={YEAR}")
    assert person_row(before, pid(app, org["a"]))[1] == "€ 0,00"
    assert "1.251" not in text_of(before) and "1.263" not in text_of(before)
    assert anna.post(f"/plans/{org['plan_a']}/stap/delen", data={}).status_code == 302
    page = hr.get(f"/budget?periode={YEAR}")
    assert person_row(page, pid(app, org["a"]))[1] == "€ 1.251,00"
    assert person_row(page, pid(app, org["a"]))[4] == "1.263 uur"


def test_an_odd_year_and_a_post_without_csrf_token(org, login, app):
    hr = login(org["hr"])
    page = hr.get("/budget?periode=<b>")
    assert page.status_code == 200 and "<b>" not in page.get_data(as_text=True)
    assert f"Budget {current_period()}" in text_of(page)
    a = pid(app, org["a"])
    assert hr.post("/budget", data={"periode": "x" * 40, f"b{a}-euro": "5"}).status_code == 400
    assert hr.post("/budget", csrf=False, data={"periode": YEAR, f"b{a}-euro": "5"}).status_code == 400
    assert budgets(app) == {}


def test_a_post_returns_to_the_same_page_of_the_list(org, login, app):
    """The list is paginated, sorted and searched (pop/listing.py, tests/test_lists.py): the post carries
    the page's address, goes back to it, and reads only the boxes of the people it may (the department
    it showed), whatever else was posted."""
    a, b = pid(app, org["a"]), pid(app, org["b"])
    hr = login(org["hr"])
    page = hr.get(f"/budget?periode={YEAR}&afdeling=A&zoek=alfa&sorteer=budget-euro&richting=af")
    kept = {i.get("name"): i.get("value") for i in doc(page).xpath(
        '//form[@method="post"]//input[@type="hidden" and @name!="csrf_token"]')}
    assert kept == {"periode": YEAR, "afdeling": "A", "zoek": "alfa", "sorteer": "budget-euro", "richting": "af"}
    assert [r.get("id") for r in doc(page).xpath('//table[@id="personen"]/tbody/tr')] == [f"persoon-{a}"]
    response = hr.post("/budget", data={**kept, f"b{a}-euro": "5", f"b{b}-euro": "7"})
    assert response.status_code == 302
    assert response.headers["Location"] == (f"/budget?periode={YEAR}&afdeling=A&zoek=alfa&sorteer=budget-euro"
                                            "&richting=af")
    assert budgets(app) == {(a, YEAR): (D("5.00"), None)}  # Bram is in B: his box is not read


def test_someone_not_on_the_posted_page_keeps_their_budget(org, login, app):
    a, b = pid(app, org["a"]), pid(app, org["b"])
    hr = login(org["hr"])
    assert hr.post("/budget", data={"periode": YEAR, f"b{b}-euro": "800"}).status_code == 302
    assert hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "100"}).status_code == 302
    assert budgets(app) == {(a, YEAR): (D("100.00"), None), (b, YEAR): (D("800.00"), None)}


def test_everyone_sees_their_own_budget_and_only_their_own(org, login, app, costs):
    a, b = pid(app, org["a"]), pid(app, org["b"])
    hr = login(org["hr"])
    hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "1.000", f"b{a}-uren": "20", f"b{b}-euro": "9.876"})
    anna = login(org["a"])
    assert 'href="/budget/mijn"' in anna.get("/").get_data(as_text=True)
    page = anna.get("/budget/mijn")
    assert page.status_code == 200
    second = D("0.50") if costs["second"] else D(0)
    euros = D("1350.45") + second
    row = [" ".join(td.text_content().split()) for td in doc(page).xpath(f'//tr[@id="jaar-{YEAR}"]/td')]
    assert row[:3] == ["€ 1.000,00", budget.show(euros, "euro"), f"{budget.show(D(1000) - euros, 'euro')} (overschreden)"]
    old = [" ".join(td.text_content().split()) for td in doc(page).xpath('//tr[@id="jaar-2025"]/td')]
    assert old[:2] == ["geen budget", "€ 5.000,00"]
    assert "9.876" not in text_of(page) and "Bram" not in text_of(page)
    assert "€ 9.876,00" in text_of(login(org["b"]).get("/budget/mijn"))


def test_own_budget_needs_a_login(client):
    response = client.get("/budget/mijn")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_costs_in_the_voorbereiding_are_the_employees(org, login, app):
    """A plan not yet shared is the employee's alone, its amounts too: HR's totals per person and per
    department leave it out (as if nothing were planned), while Anna's own page counts it."""
    a, b = pid(app, org["a"]), pid(app, org["b"])
    with app.app_context():
        answers.save(Plan.get_by_id(org["plan_a"]), costs_of("pop-uitgebreid", ["4321.09"], ["77"]))
        answers.save(Plan.get_by_id(org["plan_b"]), costs_of("pop-uitgebreid", ["300"], ["4"]))
        Plan.update(status="ontwikkelgesprek").where(Plan.id == org["plan_b"]).execute()
        assert Plan.get_by_id(org["plan_a"]).status == "voorbereiding"
    hr = login(org["hr"])
    assert hr.post("/budget", data={"periode": YEAR, f"b{a}-euro": "1.000", f"b{a}-uren": "10"}).status_code == 302
    for url in (f"/budget?periode={YEAR}", f"/budget?periode={YEAR}&afdeling=A"):
        page = hr.get(url)
        assert page.status_code == 200
        assert person_row(page, a) == ["1.000,00", "€ 0,00", "€ 1.000,00", "10", "0 uur", "10 uur"]
        assert department_row(page, "A")[:3] == ["€ 1.000,00", "€ 0,00", "€ 1.000,00"]
        assert "4.321" not in text_of(page) and "77 uur" not in text_of(page)
        assert "overschreden" not in text_of(page)
    # a shared plan next to it still counts
    assert person_row(hr.get(f"/budget?periode={YEAR}"), b)[1] == "€ 300,00"
    with app.app_context():
        assert budget.planned(YEAR).get(a, (D(0), D(0))) == (D("0.00"), D("0.00"))
    own = login(org["a"]).get("/budget/mijn")
    row = [" ".join(td.text_content().split()) for td in doc(own).xpath(f'//tr[@id="jaar-{YEAR}"]/td')]
    assert row[:3] == ["€ 1.000,00", "€ 4.321,09", "− € 3.321,09 (overschreden)"]


# Writes of what the department totals add up (pop/changes.py counts each), each changing them.
TOTALS_CHANGE = {
    "a plan's costs": lambda i: Plan.update(costs_euro=D("777")).where(Plan.employee == i["b"]).execute(),
    "a plan back in the voorbereiding": lambda i: Plan.update(status="voorbereiding").where(
        Plan.employee == i["b"]).execute(),
    "a plan shared": lambda i: Plan.update(status="vastgesteld").where(Plan.employee == i["b"]).execute(),
    "a plan of another year": lambda i: Plan.update(period="2027").where(Plan.employee == i["b"]).execute(),
    "a plan made with costs": lambda i: Plan.update(status="uitvoering", costs_euro=D("5")).where(
        Plan.id == start_plan(Person.get_by_id(i["m2"]), "pop-uitgebreid", YEAR).id).execute(),
    "a plan removed": lambda i: Plan.delete().where(Plan.employee == i["m2"]).execute(),
    "someone moves": lambda i: Person.update(afdeling="A").where(Person.id == i["b"]).execute(),
    "someone leaves": lambda i: Person.update(active=False).where(Person.id == i["m2"]).execute(),
    "someone new": lambda i: make_person("nieuw@test.nl", "Nina", "Nieuw", afdeling="B"),
    "a budget given": lambda i: Budget.create(person=i["b"], year=YEAR, euro=D("500")),
    "a budget changed": lambda i: Budget.update(uren=D("9")).where(Budget.person == i["b"]).execute(),
    "a budget removed": lambda i: Budget.delete().where(Budget.person == i["b"]).execute(),
}


def test_the_department_totals_are_kept_until_what_they_add_up_changes(org, app, costs):
    """budget.departments() without a search is kept per process (pop/changes.py): read twice it is the
    same object; after each write of what it adds up, the next read is what adding up afresh gives, and
    not what it was; per year and per department apart. The years offered too."""
    ids = {key: pid(app, org[key]) for key in ("a", "b", "m2")}
    with app.app_context():
        assert "2027" not in budget.years()  # kept too, until a plan moves to 2027 below
        for name, change in TOTALS_CHANGE.items():
            before = budget.departments(YEAR)
            assert budget.departments(YEAR) is before, name
            change(ids)
            after = budget.departments(YEAR)
            app.extensions["pop_kept_figures"].clear()
            assert after == budget.departments(YEAR) and after != before, name
        assert budget.departments(YEAR, "A") != budget.departments(YEAR)
        assert budget.departments("2027") != budget.departments(YEAR)
        assert "2027" in budget.years()


def test_a_search_adds_the_totals_up_afresh(org, login, app, costs):
    """A name is not among what the count of changes counts: the totals of a search are not kept, so a
    renamed person is no longer found with their costs."""
    hr = login(org["hr"])
    assert department_row(hr.get(f"/budget?periode={YEAR}&zoek=alfa"), "A")[1] != "€ 0,00"
    with app.app_context():
        Person.update(achternaam="Zeta").where(Person.email == org["a"]).execute()
    page = hr.get(f"/budget?periode={YEAR}&zoek=alfa")
    assert page.status_code == 200 and not doc(page).xpath('//table[@id="afdelingen"]')
    assert "Geen medewerkers gevonden." in text_of(page)
