"""The order of HR's budget list (/budget) by the columns whose value can be empty: the budget and the
remaining amount, in euros and in hours. Pinned against an order computed here from the rows themselves,
page by page (ten a page, so the pages cross from the people with a value to those without one): the
value in the direction asked; equal values by surname, first name and then the person's id (two people of
the same name); the people without a value (no budget row, or a budget of the other unit only) after
everyone else in both directions, by name. What counts as planned: the shared plans of the year (a plan
in the voorbereiding is the employee's alone, another year's plan counts for that year), several plans
added up. Whom the list holds: every active person, and an inactive one with a budget or a shared plan
of the year; the department filter and the search narrow it, whatever the order."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app import create_app
from conftest import Client, PASSWORD, make_person
from databases import module_world, new_database_url
from forms import FORMS
from pop import answers
from pop.db import database
from pop.models import Budget, Person, Plan
from pop.plans import start_plan
from support import doc, every_page
from test_lists import use_database

YEAR = "2026"
D = Decimal
# (first name, surname, department, budget euro, budget hours, [(year, state, euro, hours) of plans],
# active). None: no budget row; "-": a budget row with this unit empty.
PEOPLE = [
    ("Anna", "Bakker", "Inkoop", "500", "10", [(YEAR, "vastgesteld", "100", "2")], True),
    ("Anna", "Bakker", "Verkoop", "500", "10", [(YEAR, "uitvoering", "100", "2")], True),  # same name
    ("Bram", "Bakker", "Inkoop", "400", "8", [], True),  # the same remaining as both Anna Bakkers
    ("Cas", "Aalbers", "Verkoop", "400", "9", [(YEAR, "evaluatie", "0", "1")], True),
    ("Dirk", "Claessen", "Inkoop", "100", "-", [(YEAR, "afgerond", "250", "3")], True),  # over budget
    ("Eva", "Dekker", "Verkoop", "-", "6", [(YEAR, "ontwikkelgesprek", "50", "6")], True),
    ("Fien", "Evers", "Inkoop", "0", "0", [], True),
    ("Gert", "Fransen", "Verkoop", "300", "4",  # two plans of the year, one of the year before
     [(YEAR, "vastgesteld", "20", "1"), (YEAR, "uitvoering", "80", "1"), ("2025", "afgerond", "999", "9")], True),
    ("Hein", "Gerritsen", "Inkoop", "400", "8", [(YEAR, "voorbereiding", "4321", "40")], True),  # not counted
    ("Ilse", "Hendriks", "Verkoop", None, None, [(YEAR, "vastgesteld", "75", "2")], True),
    ("Joop", "Jansen", "Inkoop", None, None, [], True),
    ("Karin", "Kok", "Verkoop", "250", "5", [], False),  # inactive, with a budget: listed
    ("Lars", "Linden", "Inkoop", None, None, [(YEAR, "evaluatie", "30", "1")], False),  # inactive, a plan
    ("Mia", "Mulder", "Verkoop", None, None, [], False),  # inactive, nothing: not listed
    ("Nina", "Nijhof", "Inkoop", "-", "-", [], True),  # a budget row with both units empty
    ("Otto", "Aalbers", "Inkoop", "300", "5", [(YEAR, "uitvoering", "0", "0")], True),
    ("Piet", "Bakker", "Verkoop", "400", "7", [(YEAR, "vastgesteld", "0", "0")], True),
    ("Rik", "Claessen", "Verkoop", "150", "3", [(YEAR, "evaluatie", "50", "0")], True),
    ("Sara", "Dekker", "Inkoop", None, None, [], True),
    ("Tom", "Evers", "Verkoop", "1000", "20", [(YEAR, "afgerond", "1000", "20")], True),
    ("Uma", "Fransen", "Inkoop", "-", "12", [], True),
    ("Vera", "Gerritsen", "Verkoop", "20", "-", [(YEAR, "ontwikkelgesprek", "15", "1")], True),
    ("Wim", "Hendriks", "Inkoop", "600", "15", [(YEAR, "vastgesteld", "300", "5")], True),
    ("Xander", "Jansen", "Verkoop", "700", "14", [(YEAR, "uitvoering", "400", "7")], True),
]
SORTS = {"budget-euro": ("euro", False), "resterend-euro": ("euro", True),
         "budget-uren": ("uren", False), "resterend-uren": ("uren", True)}


def costs(form_key: str, euro: str, uren: str) -> dict:
    definition = FORMS[form_key]
    field = definition.field(definition.costs_field)
    value = field.empty()
    value[field.rows[0].key] = {"euro": D(euro), "uren": D(uren)}
    return {definition.costs_field: value}


class Org:
    def __init__(self, tmp_path):
        self.app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                               "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                               "DATABASE_URL": new_database_url(tmp_path, "budget_order")})
        use_database(self.app)
        with self.app.app_context(), database.connection_context():
            make_person("hr@order.test", "Henk", "Zuidema", role="hr", afdeling="HR")
            for k, (first, last, afdeling, euro, uren, plans, active) in enumerate(PEOPLE):
                person = make_person(f"p{k:02d}@order.test", first, last, afdeling=afdeling)
                for year, state, plan_euro, plan_uren in plans:
                    plan = start_plan(person, "pop-uitgebreid", year)
                    answers.save(plan, costs(plan.form_key, plan_euro, plan_uren))
                    Plan.update(status=state).where(Plan.id == plan.id).execute()
                if euro is not None:
                    Budget.create(person=person, year=YEAR, euro=None if euro == "-" else D(euro),
                                  uren=None if uren == "-" else D(uren))
                if not active:
                    Person.update(active=False).where(Person.id == person.id).execute()
        self.hr = Client(self.app)
        assert self.hr.login("hr@order.test", PASSWORD).status_code == 302


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    yield from module_world(Org, tmp_path_factory, "budget_order")


@pytest.fixture(autouse=True)
def _db(org):
    use_database(org.app)


def expected(org, key: str, descending: bool, afdeling: str | None = None, word: str | None = None) -> list[int]:
    """The ids in the order the list must show, computed from the rows here: the value (or None) per
    listed person, sorted as the module's docstring says."""
    unit, remaining = SORTS[key]
    with org.app.app_context():
        budgets = {b.person_id: b for b in Budget.select().where(Budget.year == YEAR)}
        planned: dict[int, Decimal] = {}
        for plan in Plan.select().where((Plan.period == YEAR) & (Plan.status != "voorbereiding")):
            planned[plan.employee_id] = planned.get(plan.employee_id, D(0)) + (getattr(plan, f"costs_{unit}") or 0)
        people = [p for p in Person.select()
                  if (p.active or p.id in budgets or p.id in planned)
                  and (afdeling is None or p.afdeling == afdeling)
                  and (word is None or word.lower() in f"{p.voornaam} {p.achternaam} {p.email}".lower())]
    values = {}
    for p in people:
        b = budgets.get(p.id)
        amount = getattr(b, unit) if b else None
        values[p.id] = None if amount is None else (amount - planned.get(p.id, D(0)) if remaining else amount)
    with_value = sorted((p for p in people if values[p.id] is not None),
                        key=lambda p: (p.achternaam, p.voornaam, p.id))
    with_value.sort(key=lambda p: values[p.id], reverse=descending)  # stable: equal values keep the names
    without = sorted((p for p in people if values[p.id] is None), key=lambda p: (p.achternaam, p.voornaam, p.id))
    return [p.id for p in with_value + without]


def shown(response) -> list[int]:
    assert response.status_code == 200
    return [int(row.get("id").removeprefix("persoon-"))
            for row in doc(response).xpath('//table[@id="personen"]/tbody/tr')]


def paged(org, url: str) -> list[int]:
    """Every page of ten of the list, in turn, joined."""
    return every_page(org.hr, url, shown)


@pytest.mark.parametrize("key", list(SORTS))
@pytest.mark.parametrize("direction", ["op", "af"])
def test_the_budget_list_pages_in_the_order_of_the_column(org, key, direction):
    order = expected(org, key, direction == "af")
    assert len(order) == len(PEOPLE)  # HR in, Mia Mulder (inactive, nothing) out
    url = f"/budget?periode={YEAR}&sorteer={key}&richting={direction}"
    assert paged(org, url) == order
    assert shown(org.hr.get(f"{url}&aantal=200")) == order
    # the count above the list is everyone's, whichever the page
    assert f"van {len(order)} " in doc(org.hr.get(f"{url}&aantal=10&pagina=2")).xpath(
        'string(//p[@class="count"])') + " "


@pytest.mark.parametrize("key", ["resterend-euro", "budget-uren"])
def test_the_order_keeps_the_department_and_the_search(org, key):
    for direction in ("op", "af"):
        order = expected(org, key, direction == "af", afdeling="Inkoop")
        assert 5 < len(order) < len(PEOPLE) - 5
        assert paged(org, f"/budget?periode={YEAR}&afdeling=Inkoop&sorteer={key}&richting={direction}") == order
        order = expected(org, key, direction == "af", word="bakker")
        assert len(order) == 4
        assert shown(org.hr.get(f"/budget?periode={YEAR}&zoek=bakker&sorteer={key}&richting={direction}")) == order


def test_ties_and_people_without_a_value_are_where_they_belong(org):
    """Spelled out once, for a reader: the remaining euros, ascending and descending."""
    with org.app.app_context():
        name = {p.id: f"{p.voornaam} {p.achternaam}" for p in Person.select()}
    valued = ["Dirk Claessen",  # − € 150,00
              "Fien Evers", "Tom Evers",  # € 0,00: by surname, then first name
              "Vera Gerritsen", "Rik Claessen", "Gert Fransen", "Karin Kok",  # 5, 100, 200, 250 (inactive)
              "Otto Aalbers", "Wim Hendriks", "Xander Jansen",  # 300
              # 400: Hein's plan is in the voorbereiding, Cas planned € 0; the two Anna Bakkers by id
              "Cas Aalbers", "Anna Bakker", "Anna Bakker", "Bram Bakker", "Piet Bakker", "Hein Gerritsen"]
    without = ["Eva Dekker", "Sara Dekker", "Uma Fransen", "Ilse Hendriks", "Joop Jansen", "Lars Linden",
               "Nina Nijhof", "Henk Zuidema"]  # no budget in euros: last, by name, both ways
    up = shown(org.hr.get(f"/budget?periode={YEAR}&sorteer=resterend-euro&aantal=200"))
    assert [name[i] for i in up] == valued + without
    anna = [i for i in up if name[i] == "Anna Bakker"]
    assert anna == sorted(anna)
    down = shown(org.hr.get(f"/budget?periode={YEAR}&sorteer=resterend-euro&richting=af&aantal=200"))
    assert [name[i] for i in down] == [
        "Cas Aalbers", "Anna Bakker", "Anna Bakker", "Bram Bakker", "Piet Bakker", "Hein Gerritsen",
        "Otto Aalbers", "Wim Hendriks", "Xander Jansen", "Karin Kok", "Gert Fransen", "Rik Claessen",
        "Vera Gerritsen", "Fien Evers", "Tom Evers", "Dirk Claessen"] + without
    assert [i for i in down if name[i] == "Anna Bakker"] == anna
