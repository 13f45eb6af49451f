"""HR's and a manager's long lists (pop/listing.py) through HTTP, in one organisation of some seventy people
made once for the module: every column sorts (the names on the page come in that order), the search
finds by name, e-mail address and personeelsnummer and nothing else, pages show their slice and keep the
filters, the order and the search, odd parameters are harmless, what is private stays private on every
page, a page takes the same number of queries for 10 rows as for 60, and the database finds the rows
of the main list queries through an index (EXPLAIN, on SQLite and on PostgreSQL). And `flask demo
--employees 30`."""
from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app import create_app
from conftest import Client, PASSWORD, make_person, text_of
from databases import database_name, drop_database_url, module_world, new_database_url, on_postgres
from pop import answers, listing, progress
from pop.db import database, open_database
from pop.models import Budget, Person, Placement, Plan
from pop.plans import start_plan
from support import doc, queries  # noqa: F401 (the fixture)

YEAR = "2026"
FIRST = ["Anna", "Bram", "Cas", "Dirk", "Eva"]
LAST = ["Aalbers", "Bakker", "Claessen", "Dekker", "Evers", "Fransen", "Gerritsen", "Hendriks", "Jansen",
        "Kok", "Linden", "Mulder", "Nijhof"]
STATES = ["ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie", "afgerond", "voorbereiding"]
FORMS = ["pop-uitgebreid", "pop-compact", "pop-tabel", "pop-zes-stappen"]
SECRET_COSTS = Decimal("4321.09")  # typed in a plan still in voorbereiding: the employee's alone


def use_database(app) -> None:
    """Point the shared database proxy at this module's database (another module's app may have it)."""
    current = getattr(database, "obj", None)
    if current is None or current.database != database_name(app.config["DATABASE_URL"]):
        if current is not None and not current.is_closed():
            current.close()
        open_database(app.config["DATABASE_URL"])


def costs(form_key: str, euro: str) -> dict:
    definition = __import__("forms").FORMS[form_key]
    field = definition.field(definition.costs_field)
    value = field.empty()
    value[field.rows[0].key] = {"euro": Decimal(euro), "uren": Decimal(1)}
    return {definition.costs_field: value}


class Org:
    """HR, a manager with a team of eight, 65 employees with a plan each (name k: FIRST[k % 5] LAST[k //
    5]), Hanna de Vries and Vera Vriesema for the search, and one person whose only plan is still in the
    voorbereiding with large costs in it."""

    def __init__(self, tmp_path):
        self.app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                               "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                               "DATABASE_URL": new_database_url(tmp_path, "lists")})
        use_database(self.app)
        with self.app.app_context(), database.connection_context():
            self.hr = make_person("hr@lists.test", "Henk", "Zuidema", role="hr", afdeling="HR").id
            manager = make_person("manager@lists.test", "Marco", "Oosting", role="leidinggevende",
                                  afdeling="Verkoop")
            self.manager = manager.id
            self.people = {}
            for k in range(65):
                name = f"{FIRST[k % 5]} {LAST[k // 5]}"
                person = make_person(f"p{k:02d}@lists.test", FIRST[k % 5], LAST[k // 5],
                                     manager=manager if k % 8 == 0 else None,
                                     afdeling="Verkoop" if k % 3 == 0 else "Inkoop",
                                     functie=f"Functie {chr(65 + k % 7)}", personeelsnummer=f"N{1000 + k}")
                self.people[name] = person.id
                plan = start_plan(person, FORMS[k % 4], YEAR)
                answers.save(plan, costs(plan.form_key, str(10 * (k + 1))))
                Plan.update(status=STATES[k % 5]).where(Plan.id == plan.id).execute()
                if k % 4 == 0:
                    Budget.create(person=person, year=YEAR, euro=Decimal(100 * (k % 9)), uren=Decimal(k % 5))
                if k % 3 == 0:
                    Placement.create(person=person, period=YEAR, prestaties="plus" if k % 2 else "min",
                                     potentie="plus", placed_by=manager)
            self.hanna = make_person("h.devries@lists.test", "Hanna", "Vries", tussenvoegsel="de",
                                     manager=manager, afdeling="Verkoop", personeelsnummer="P-4711").id
            self.vera = make_person("vera.zoekmail@lists.test", "Vera", "Vriesema", afdeling="Inkoop").id
            secret = make_person("geheim@lists.test", "Geert", "Geheim", manager=manager, afdeling="Verkoop")
            self.secret = secret.id
            plan = start_plan(secret, "pop-uitgebreid", YEAR)
            answers.save(plan, costs("pop-uitgebreid", str(SECRET_COSTS)))
            self.secret_plan = plan.id
            assert Plan.get_by_id(plan.id).status == "voorbereiding"
        self._clients = {}

    def client(self, email: str) -> Client:
        if email not in self._clients:
            c = Client(self.app)
            assert c.login(email, PASSWORD).status_code == 302
            self._clients[email] = c
        return self._clients[email]


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    yield from module_world(Org, tmp_path_factory, "lists")


@pytest.fixture(autouse=True)
def _db(org):
    use_database(org.app)


@pytest.fixture
def hr(org):
    return org.client("hr@lists.test")


def names(response, table_xpath: str) -> list[str]:
    """The names in the first cell of each row of a table, in order (without what follows a name in its
    cell: "(inactief)", the matrix's function and department)."""
    found = []
    for row in doc(response).xpath(f"{table_xpath}/tbody/tr"):
        cell = row.xpath("./td|./th")[0]
        text = cell.text if cell.tag == "th" and (cell.text or "").strip() else cell.text_content()
        found.append(" ".join(text.split()).split(" (")[0])
    return found


PLANS = '//section[@id="plannen"]//table'
PEOPLE = '//table[@class="list"]'
BUDGET = '//table[@id="personen"]'
MATRIX = '//table[contains(@class, "placements")]'


def cells(response, table_xpath: str, column: int) -> list[str]:
    rows = doc(response).xpath(f"{table_xpath}/tbody/tr")
    return [" ".join(r.xpath("./td|./th")[column].text_content().split()) for r in rows]


def surname_key(name: str) -> tuple:
    first, *rest = name.split(" ")
    return rest[-1], first


# ---------------------------------------------------------------- sorting


def test_every_column_of_hrs_plan_list_sorts(org, hr):
    everyone = names(hr.get(f"/?periode={YEAR}&aantal=200"), PLANS)
    assert len(everyone) == 66 and everyone == sorted(everyone, key=surname_key)  # the default: by name
    by = {}
    for key, column in (("afdeling", 1), ("periode", 2), ("formulier", 3), ("status", 4)):
        for direction in ("op", "af"):
            page = hr.get(f"/?periode={YEAR}&aantal=200&sorteer={key}&richting={direction}")
            shown = cells(page, PLANS, column)
            assert shown == sorted(shown, reverse=direction == "af"), (key, direction)
            by[key, direction] = names(page, PLANS)
            heading = doc(page).xpath(f'{PLANS}/thead/tr/th[{column + 1}]')[0]
            assert heading.get("aria-sort") == ("descending" if direction == "af" else "ascending")
    # equal values by name, whichever way the column goes
    for direction in ("op", "af"):
        departments = cells(hr.get(f"/?periode={YEAR}&aantal=200&sorteer=afdeling&richting={direction}"), PLANS, 1)
        inkoop = [n for n, d in zip(by["afdeling", direction], departments) if d == "Inkoop"]
        assert inkoop == sorted(inkoop, key=surname_key) and len(inkoop) == 43
    assert by["status", "op"] != by["status", "af"]
    # names descending
    page = hr.get(f"/?periode={YEAR}&aantal=200&sorteer=naam&richting=af")
    assert names(page, PLANS) == list(reversed(everyone))
    # the last change, newest first on the first click
    link = doc(hr.get("/")).xpath(f'{PLANS}/thead//a[normalize-space()="Bijgewerkt"]')[0].get("href")
    assert parse_qs(urlsplit(link).query) == {"sorteer": ["bijgewerkt"]}
    with org.app.app_context():
        newest = Plan.select().join(Person, on=(Plan.employee == Person.id)).where(
            Person.id != org.hr).order_by(Plan.updated_at.desc(), Plan.id).first().id
    first_row = doc(hr.get(link)).xpath(f"{PLANS}/tbody/tr[1]//a")[0].get("href")
    assert first_row == f"/plans/{newest}"


def test_every_column_of_the_people_list_sorts(org, hr):
    for key, column in (("naam", 0), ("email", 1), ("personeelsnummer", 2), ("functie", 3),
                        ("afdeling", 4), ("leidinggevende", 5), ("rol", 6)):
        for direction in ("op", "af"):
            page = hr.get(f"/mensen/?sorteer={key}&richting={direction}&aantal=200")
            shown = cells(page, PEOPLE, column)
            assert len(shown) == 70
            if key == "naam":
                assert names(page, PEOPLE) == sorted(shown, key=surname_key, reverse=direction == "af")
            elif key in ("leidinggevende", "personeelsnummer"):  # those without one last, both ways
                filled = [s for s in shown if s]
                assert shown == filled + [""] * (len(shown) - len(filled)), (key, direction)
                if key == "personeelsnummer":
                    assert filled == sorted(filled, reverse=direction == "af")
            elif key == "rol":
                assert [s for s in shown] == sorted(shown, reverse=direction == "af")
            else:
                assert shown == sorted(shown, key=str.lower, reverse=direction == "af"), (key, direction)


def test_every_column_of_the_budget_sorts_and_the_voorbereiding_costs_count_nowhere(org, hr):
    def amount(text: str) -> Decimal:
        digits = re.sub(r"[^0-9,−-]", "", text.split(" (")[0]).replace(",", ".").replace("−", "-")
        return Decimal(digits or "0")

    for key, column in (("budget-euro", 2), ("gepland-euro", 3), ("resterend-euro", 4),
                        ("budget-uren", 5), ("gepland-uren", 6), ("resterend-uren", 7)):
        for direction in ("op", "af"):
            page = hr.get(f"/budget?periode={YEAR}&sorteer={key}&richting={direction}&aantal=200")
            rows = doc(page).xpath(f"{BUDGET}/tbody/tr")
            values = [(r.xpath(".//input")[0 if key.endswith("euro") else 1].get("value") if key.startswith("budget")
                       else " ".join(r.xpath("./td|./th")[column].text_content().split())) for r in rows]
            filled = [bool(v) and "budget" not in v and v != "—" for v in values]
            assert filled == sorted(filled, reverse=True), (key, direction)  # none: last, both ways
            known = [amount(v) for v, f in zip(values, filled) if f]
            assert known == sorted(known, reverse=direction == "af"), (key, direction)
            assert "4.321" not in text_of(page)
    # The person whose only plan is in the voorbereiding planned nothing, as far as HR can see: also
    # not by the place the order gives them.
    top = names(hr.get(f"/budget?periode={YEAR}&sorteer=gepland-euro&richting=af"), BUDGET)
    assert "Geert Geheim" not in top[:40]
    page = hr.get(f"/budget?periode={YEAR}&zoek=geheim")
    assert cells(page, BUDGET, 3) == ["€ 0,00"]
    assert "4.321" not in text_of(page) and "€ 0,00" in text_of(page)


def test_the_budgets_totals_are_of_everyone_found_not_of_the_page(org, hr):
    with org.app.app_context():
        shared = Plan.select().where((Plan.period == YEAR) & (Plan.status != "voorbereiding"))
        planned = sum((p.costs_euro or 0) for p in shared)
        in_verkoop = sum((p.costs_euro or 0) for p in shared if p.employee.afdeling == "Verkoop")
    from pop.budget import show
    page = hr.get(f"/budget?periode={YEAR}&aantal=10")
    assert len(doc(page).xpath(f"{BUDGET}/tbody/tr")) == 10
    total = doc(page).xpath('//tr[@id="alle-afdelingen"]/td')[1].text_content().strip()
    assert total == show(Decimal(planned), "euro")
    page = hr.get(f"/budget?periode={YEAR}&aantal=10&afdeling=Verkoop&pagina=2")
    rows = doc(page).xpath('//table[@id="afdelingen"]/tbody/tr')
    assert len(rows) == 1 and rows[0].xpath("td")[1].text_content().strip() == show(Decimal(in_verkoop), "euro")
    # a search narrows the totals to whom it finds
    page = hr.get(f"/budget?periode={YEAR}&zoek=Anna+Bakker")
    assert names(page, BUDGET) == ["Anna Bakker"]
    assert doc(page).xpath('//table[@id="afdelingen"]/tbody/tr/td')[1].text_content().strip() == "€ 60,00"


def test_the_years_totals_at_once_are_those_of_all_departments_together(org):
    """budget.year_total (the dashboard's figure, two sums) gives what the budget page's departments add
    up to: the year's budgets and the shared plans' costs, the voorbereiding's costs not among them."""
    from pop.budget import departments, total, year_total

    with org.app.app_context():
        whole, quick = total(departments(YEAR)), year_total(YEAR)
        fields = ("with_budget", "budget_euro", "budget_uren", "planned_euro", "planned_uren")
        assert [getattr(quick, f) for f in fields] == [getattr(whole, f) for f in fields]
        assert quick.budget_euro > 0 and quick.planned_euro > 0
        everything = sum((p.costs_euro or 0) for p in Plan.select().where(Plan.period == YEAR))
        assert quick.planned_euro == everything - SECRET_COSTS


def test_the_matrix_sorts_by_name_and_by_placement(org, hr):
    page = hr.get(f"/matrix?periode={YEAR}&aantal=200")
    shown = names(page, MATRIX)
    assert len(shown) == 69 and shown == sorted(shown, key=surname_key)
    with org.app.app_context():
        placed = {p.person_id: (p.prestaties, p.potentie) for p in Placement.select()}
    for key in ("prestaties", "potentie", "groep"):
        for direction in ("op", "af"):
            body = hr.get(f"/matrix?periode={YEAR}&aantal=200&sorteer={key}&richting={direction}").get_data(as_text=True)
            ids = [int(i) for i in re.findall(r'<tr id="p(\d+)"', body)]
            values = [placed.get(i) for i in ids]
            wanted = [v for v in values if v is not None]
            assert values == wanted + [None] * (len(values) - len(wanted))  # not placed: last
            pick = {"prestaties": lambda v: v[0], "potentie": lambda v: v[1], "groep": lambda v: v}[key]
            assert [pick(v) for v in wanted] == sorted((pick(v) for v in wanted), reverse=direction == "af")


# ---------------------------------------------------------------- searching


@pytest.mark.parametrize("url, table", [("/?periode=2026&", PLANS), ("/mensen/?", PEOPLE),
                                        ("/budget?", BUDGET), ("/matrix?", MATRIX)])
def test_the_search_finds_by_name_email_and_number_and_nothing_else(org, hr, url, table):
    def found(text):
        return names(hr.get(f"{url}zoek={text}"), table)

    hanna = "Hanna de Vries"
    if table == PLANS:  # Hanna and Vera have no plan: the plans list finds theirs by the same words
        assert found("Vries") == [] and found("Anna+Bakker") == ["Anna Bakker"]
        assert found("p07%40lists") == ["Cas Bakker"] and found("N1007") == ["Cas Bakker"]
        assert found("cas+BAKKER") == ["Cas Bakker"] and found("Bakker+Cas") == ["Cas Bakker"]
        assert found("Bakkerij") == [] and found("N99") == []
        return
    assert found("Vries") == [hanna, "Vera Vriesema"]
    assert found("de+Vries") == [hanna]  # "de" is in Hanna's name only (not in Vera's address)
    assert found("hanna+vries") == [hanna] and found("  VRIES   de ") == [hanna]
    assert found("zoekmail") == ["Vera Vriesema"]  # a piece of the e-mail address
    assert found("P-4711") == [hanna] and found("4711") == [hanna]  # the personeelsnummer
    assert found("Inkoop") == [] and found("Functie") == []  # department and function are not searched
    assert found("100%25") == [] and found("_") == []  # LIKE's wildcards are text
    page = hr.get(f"{url}zoek=niemand")
    assert page.status_code == 200 and found("niemand") == []
    assert doc(page).xpath('//input[@name="zoek"]')[0].get("value") == "niemand"


def test_a_search_that_finds_many_narrows_by_its_words(org, hr, monkeypatch):
    """Past FOUND_IDS people found, the lists narrow by the words themselves, not by a list of ids
    (pop/listing.py found()): the same people either way."""
    monkeypatch.setattr(listing, "FOUND_IDS", 1)
    assert names(hr.get("/mensen/?zoek=Vries"), PEOPLE) == ["Hanna de Vries", "Vera Vriesema"]
    assert names(hr.get("/mensen/?zoek=hanna+vries"), PEOPLE) == ["Hanna de Vries"]  # one: by its id


def test_a_manager_searches_sorts_and_pages_their_teams_plans_only(org):
    marco = org.client("manager@lists.test")
    page = marco.get("/?aantal=10")
    team = names(marco.get("/?aantal=200"), PLANS)
    assert "Plannen van mijn medewerkers" in text_of(page)
    assert team == sorted(team, key=surname_key) and len(team) == 10  # nine reports, Geert's unshared one too
    assert "Geert Geheim" in team  # the plan exists; its content stays his (test_access)
    assert len(doc(page).xpath(f"{PLANS}/tbody/tr")) == 10 and "Pagina" not in text_of(page)
    assert names(marco.get("/?zoek=Bakker"), PLANS) == ["Dirk Bakker"]  # the other Bakkers are not his
    assert names(marco.get("/?zoek=p07"), PLANS) == []
    assert cells(marco.get("/?sorteer=status&aantal=200"), PLANS, 4) == sorted(cells(marco.get("/?aantal=200"), PLANS, 4))
    # not the HR-only parts
    assert "Nog geen POP voor" not in text_of(page) and not doc(page).xpath('//select[@name="afdeling"]')
    # and an employee gets no list of anyone else's plans, whatever the address asks
    anna = org.client("p00@lists.test")
    page = anna.get("/?zoek=Bakker&sorteer=naam&aantal=200")
    assert page.status_code == 200 and not doc(page).xpath('//section[@id="plannen"]')
    assert "Cas Bakker" not in text_of(page)


# ---------------------------------------------------------------- pages


def test_pages_show_their_slice_and_keep_filters_order_and_search(org, hr):
    base = f"/?periode={YEAR}&afdeling=Inkoop&sorteer=status&richting=af"
    everyone = names(hr.get(base + "&aantal=200"), PLANS)
    first = hr.get(base + "&aantal=10")
    assert names(first, PLANS) == everyone[:10]
    assert f"1–10 van {len(everyone)} plannen" in text_of(first)
    pages = -(-len(everyone) // 10)
    nav = doc(first).xpath('//nav[@aria-label="Pagina\'s van de plannen"]')[0]
    assert f"Pagina 1 van {pages}" in nav.text_content() and not nav.xpath(".//a[@rel='prev']")
    following = nav.xpath(".//a[@rel='next']")[0]
    assert following.text_content().strip() == "Volgende →"
    query = parse_qs(urlsplit(following.get("href")).query)
    assert query == {"periode": [YEAR], "afdeling": ["Inkoop"], "sorteer": ["status"], "richting": ["af"],
                     "aantal": ["10"], "pagina": ["2"]}
    second = hr.get(following.get("href"))
    assert names(second, PLANS) == everyone[10:20]
    back = doc(second).xpath("//nav[@class='pages']//a[@rel='prev']")[0]
    assert back.text_content().strip() == "← Vorige" and "pagina" not in back.get("href")
    # a heading keeps the filters and goes back to the first page; the search form keeps the order
    heading = doc(second).xpath(f'{PLANS}/thead//a[normalize-space()="Medewerker"]')[0].get("href")
    assert parse_qs(urlsplit(heading).query) == {"periode": [YEAR], "afdeling": ["Inkoop"], "aantal": ["10"]}
    form = doc(second).xpath('//section[@id="plannen"]//form[@method="get"]')[0]
    hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    assert hidden == {"sorteer": "status", "richting": "af", "aantal": "10"}
    # the people list and the budget page the same way
    people = hr.get("/mensen/?zoek=Bakker&aantal=10&pagina=1")
    assert len(names(people, PEOPLE)) == 5 and "Pagina" not in text_of(people)
    last = hr.get("/mensen/?aantal=10&pagina=7")
    assert names(last, PEOPLE) == names(hr.get("/mensen/?aantal=200"), PEOPLE)[60:70]
    # behind a web server that serves the app under a path of its own, the links keep that path
    for url in ("/mensen/?aantal=10", "/?aantal=10", "/budget?aantal=10", "/matrix?aantal=10"):
        behind = hr.get(url, environ_overrides={"SCRIPT_NAME": "/pop"})
        following = doc(behind).xpath("//nav[@class='pages']//a[@rel='next']")[0].get("href")
        assert following.startswith("/pop/") and "pagina=2" in following, (url, following)


def test_hrs_list_of_people_without_a_plan_has_pages_of_its_own(org, hr):
    page = hr.get(f"/?periode=2027&aantal=10&sorteer=status")  # nobody has a plan for 2027
    section = doc(page).xpath('//section[@id="zonder-pop"]')[0]
    assert len(section.xpath(".//li")) == 10 and "1–10 van 70 personen" in section.text_content()
    following = section.xpath(".//a[@rel='next']")[0].get("href")
    assert parse_qs(urlsplit(following).query) == {"periode": ["2027"], "aantal": ["10"], "sorteer": ["status"],
                                                   "zonder-pagina": ["2"]}
    again = hr.get(following)
    plans_first = names(page, PLANS)
    assert names(again, PLANS) == plans_first  # the plan list stays on its page
    assert doc(again).xpath('//section[@id="zonder-pop"]//li')[0].text_content() != section.xpath(".//li")[0].text_content()
    # the count is the to-do table's, and a search counts for itself
    with org.app.app_context():
        verkoop = Person.select().where(Person.afdeling == "Verkoop").count()
    assert f"1–10 van {verkoop} personen" in text_of(hr.get("/?periode=2027&aantal=10&afdeling=Verkoop"))
    found = hr.get("/?periode=2027&zoek=Vries")
    assert [li.text_content().split(" (")[0].strip() for li in doc(found).xpath('//section[@id="zonder-pop"]//li')] == [
        "Vera Vriesema", "Hanna de Vries"]  # by department: Inkoop, Verkoop


@pytest.mark.parametrize("odd", ["pagina=0", "pagina=-1", "pagina=abc", "pagina=99999999999999999999999",
                                 "pagina=1e3", "pagina=%00", "sorteer=id;DROP TABLE plan", "sorteer=password_hash",
                                 "richting=sideways", "aantal=0", "aantal=-5", "aantal=100000", "aantal=x",
                                 "zoek=" + "x" * 5000, "zoek=%27%22%3C%3E", "zonder-pagina=-3",
                                 "pagina=2&pagina=3"])
def test_odd_parameters_answer_sensibly(org, hr, odd):
    for url in ("/", "/mensen/", "/budget", "/matrix"):
        response = hr.get(f"{url}?{odd}")
        assert response.status_code == 200, (url, odd)
        assert '"<>' not in response.get_data(as_text=True)
    people = names(hr.get("/mensen/?aantal=10&" + odd), PEOPLE)
    if odd.startswith("pagina=9"):
        assert people == names(hr.get("/mensen/?aantal=10&pagina=7"), PEOPLE)  # the last page
    elif odd.startswith("pagina=") and odd != "pagina=2&pagina=3":
        assert people == names(hr.get("/mensen/?aantal=10"), PEOPLE)  # the first page


def test_page_numbers_and_sizes_are_read_within_bounds():
    assert [listing.page_number(t, 7) for t in ("3", "0", "-1", "x", "", None, "8", " 2 ", "9" * 40, "1e3")] == [
        3, 1, 1, 1, 1, 1, 7, 2, 7, 1]
    assert [listing.page_size(t) for t in ("25", "1", "5000", "x", None)] == [25, 10, 200, 50, 50]
    assert listing.search_words("  de   Vries " + "a " * 100) == ["de", "Vries", "a", "a", "a"]


# ---------------------------------------------------------------- queries


@pytest.mark.parametrize("url", ["/?periode=2026", "/?periode=2027&sorteer=status", "/mensen/",
                                 "/mensen/?sorteer=leidinggevende", "/budget", "/budget?sorteer=resterend-euro",
                                 "/matrix", "/matrix?sorteer=groep"])
def test_a_page_takes_as_many_queries_for_60_rows_as_for_10(org, hr, queries, url):
    counted = []
    for size in (10, 60):
        hr.get(f"{url}&aantal={size}" if "?" in url else f"{url}?aantal={size}")  # warm
        queries.sql.clear()
        response = hr.get(f"{url}&aantal={size}" if "?" in url else f"{url}?aantal={size}")
        assert response.status_code == 200
        rows = doc(response).xpath('//tbody/tr | //ul[@class="without"]/li')
        counted.append((len(queries.sql), len(rows)))
    (at_10, rows_10), (at_60, rows_60) = counted
    assert rows_60 > rows_10 + 40 and at_10 == at_60, counted
    assert at_10 <= 22, counted


def test_the_managers_list_takes_as_many_queries_for_all_their_plans_as_for_a_few(org, queries):
    marco = org.client("manager@lists.test")
    counted = []
    for size in (10, 60):
        marco.get(f"/?aantal={size}&zoek=a")
        queries.sql.clear()
        marco.get(f"/?aantal={size}")
        counted.append(len(queries.sql))
    assert counted[0] == counted[1], counted


# ---------------------------------------------------------------- indexes


def explain(sql: str, params) -> str:
    """The database's plan for a query, as text: EXPLAIN QUERY PLAN on SQLite; EXPLAIN on PostgreSQL,
    with sequential scans and sorts discouraged, since on a table of seventy rows the planner rightly
    reads the whole table and sorts it: what is checked is that an index can serve the query, as it
    must when the table is large."""
    if on_postgres():
        with database.atomic():
            database.execute_sql("SET LOCAL enable_seqscan = off")
            database.execute_sql("SET LOCAL enable_sort = off")
            return "\n".join(r[0] for r in database.execute_sql("EXPLAIN " + sql, params).fetchall())
    return "\n".join(r[-1] for r in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def page_queries(client, url, queries) -> list[tuple[str, tuple]]:
    queries.sql.clear()
    assert client.get(url).status_code == 200
    return [(sql, tuple(params or ())) for sql, params in queries.sql if sql.lstrip().startswith("SELECT")]


# (page, a piece of the SQL that picks the query out, the index that must serve it, which of the queries
# with that piece: the first (the count, where a filter shows) or the last that orders (the page's ids)).
INDEXED = [
    (f"/?periode={YEAR}&status=evaluatie", 'FROM "plan" AS "t1" INNER JOIN "person"', "plan_period_status_employee_id", 0),
    ("/?status=evaluatie", 'FROM "plan" AS "t1" INNER JOIN "person"', "plan_status", 0),
    ("/?formulier=pop-tabel", 'FROM "plan" AS "t1" INNER JOIN "person"', "plan_form_key", 0),
    ("/?afdeling=Inkoop", 'FROM "plan" AS "t1" INNER JOIN "person"', "person_afdeling_active", 0),
    # The people without a plan: NOT EXISTS a plan of theirs, looked up per person in the period's index.
    (f"/?periode={YEAR}", 'NOT EXISTS(SELECT 1 FROM "plan"', "plan_period_totals", 0),
    ("/mensen/", 'LEFT OUTER JOIN "person" AS "leidinggevende"', "person_achternaam_voornaam", -1),
    ("/mensen/?sorteer=afdeling", 'LEFT OUTER JOIN "person" AS "leidinggevende"', "person_afdeling_achternaam_voornaam", -1),
    ("/mensen/?sorteer=email", 'LEFT OUTER JOIN "person" AS "leidinggevende"', "person_email", -1),
    ("/mensen/?sorteer=functie", 'LEFT OUTER JOIN "person" AS "leidinggevende"', "person_functie", -1),
    ("/mensen/?sorteer=rol", 'LEFT OUTER JOIN "person" AS "leidinggevende"', "person_role", -1),
    # By manager (pop/manager_order.py): the people per manager counted from the manager's index, and
    # a page's people found by it: those of the runs the page overlaps, the people without a manager too.
    ("/mensen/?sorteer=leidinggevende", 'GROUP BY "t1"."manager_id"', "person_manager_id", 0),
    ("/mensen/?sorteer=leidinggevende&richting=af", 'ORDER BY CASE "t1"."manager_id"', "person_manager_id", -1),
    (f"/budget?periode={YEAR}", 'FROM "budget" AS "t1" WHERE', "budget_", 0),
    (f"/matrix?periode={YEAR}", 'GROUP BY "t1"."prestaties"', "placement_", 0),
    # The sums per department, state, form and progress come from the tallies the database keeps
    # (pop/tallies.py, small tables read whole). HR's to-do table and the dashboard
    # (todo.department_counts) count the people with a plan per department by the department each plan
    # carries (m0024); the budget counts the people who left with a budget or a shared plan from the
    # people's index; the budget sorted by remaining euros sums each person's planned costs in the
    # order of m0022's index.
    (f"/budget?periode={YEAR}", 'COUNT("t1"."id") FROM "person" AS "t1" WHERE (("t1"."active" =', "person_afdeling_active", 0),
    (f"/?periode={YEAR}", 'COUNT(DISTINCT "t1"."employee_id")', "plan_period_department_employee", 0),
    (f"/budget?periode={YEAR}&sorteer=resterend-euro", 'AS "gepland"', "plan_period_totals", -1),
    # The overdue talks: the plans whose next talk date has passed, by m0022's partial index of those dates.
    (f"/dashboard/gesprekken-verlopen?periode={YEAR}", '"field" = \'volgend_gesprek_datum\'', "answer_next_talk_date", 0),
]


@pytest.mark.parametrize("url, piece, index, which", INDEXED, ids=[f"{u} {i}" for u, _, i, _ in INDEXED])
def test_the_list_queries_find_their_rows_through_an_index(org, hr, queries, url, piece, index, which):
    org.app.extensions.pop("pop_kept_figures", None)  # HR's counts added up, not kept (pop/changes.py)
    found = [q for q in page_queries(hr, url, queries) if piece in q[0] and (which == 0 or "ORDER BY" in q[0])]
    assert found, f"no query with {piece!r} on {url}"
    sql, params = found[which]
    plan = explain(sql, params)
    if on_postgres():
        # Which of the usable indexes PostgreSQL takes follows its statistics of these small tables
        # (once plan_employee_id for a join instead of the period's index); with sequential scans
        # discouraged, a "Seq Scan" is left only where no index serves the query at all.
        assert "Seq Scan" not in plan, plan
    else:  # SQLite's planner is deterministic: this index, and no table read whole ("SCAN t1" alone)
        assert index in plan, plan
        assert not re.search(r"\bSCAN (t\d|leidinggevende)\b(?! USING)", plan), plan


def test_a_page_reads_its_rows_by_their_ids_alone(org, hr, queries):
    """paginate finds the page's ids with every condition of the list, then reads those rows by their ids
    alone: the people without a plan are not gathered a third time (NOT IN the period's plans) to read a
    page of ten people; the rows are still the ones found (a dropped condition would list people who
    have a plan, or another department's)."""
    page_queries(hr, f"/?periode={YEAR}&afdeling=Verkoop&aantal=10", queries)
    read = [sql for sql, _ in queries.sql if sql.startswith('SELECT "t1"."id", "t1"."voornaam"')
            and '"t1"."id" IN (' in sql and "LIMIT" not in sql]
    assert read and not any("NOT IN" in sql or '"afdeling" =' in sql for sql in read), read
    with org.app.app_context():
        expected = {p.naam for p in Person.select().where(
            (Person.afdeling == "Verkoop") & (Person.active == True)  # noqa: E712
            & Person.id.not_in(Plan.select(Plan.employee).where(Plan.period == YEAR)))}
    listed = {li.text_content().split(" (")[0].strip() for li in doc(hr.get(
        f"/?periode={YEAR}&afdeling=Verkoop&aantal=200")).xpath('//section[@id="zonder-pop"]//li')}
    assert expected and listed == expected


SEARCHED = ["/?zoek=vriesema", "/mensen/?zoek=vriesema", f"/budget?periode={YEAR}&zoek=vriesema"]


@pytest.mark.parametrize("url", SEARCHED)
def test_a_search_reads_the_people_once_through_the_trigram_indexes(org, hr, queries, url):
    """A page's search reads the people it finds once (pop/listing.py found()), however many lists the
    page counts and shows; on SQLite through m0023's trigram table; on PostgreSQL through their pg_trgm
    indexes (m0021), which the planner must be able to use: with sequential and plain index scans off (on
    these small tables it rightly prefers reading them whole), only an index whose condition is the
    search itself is left."""
    searching = [q for q in page_queries(hr, url, queries) if "LIKE" in q[0] or "MATCH" in q[0]]
    assert len(searching) == 1, [sql for sql, _ in searching]
    sql, params = searching[0]
    if not on_postgres():  # m0023's trigram table, and no person read whole
        plan = explain(sql, params)
        assert "person_search VIRTUAL TABLE" in plan and "LIKE" not in sql, plan
        assert not re.search(r"\bSCAN t\d\b(?! USING)", plan), plan
        return
    with database.atomic():
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            database.execute_sql(f"SET LOCAL {setting} = off")
        plan = "\n".join(r[0] for r in database.execute_sql("EXPLAIN " + sql, params).fetchall())
    assert "Bitmap Index Scan on person_search_trgm" in plan and "Seq Scan" not in plan, plan


def people_found(client, words) -> set[str]:
    return set(names(client.get(f"/mensen/?aantal=200&zoek={words}"), PEOPLE))


def test_the_search_follows_every_change_of_a_person_whoever_writes_it(org, hr):
    """The search's index (m0023's trigram table on SQLite, kept by triggers; m0021's expression index on
    PostgreSQL) follows a person added, renamed and removed, written through the app or straight into the
    table; a word of three letters or more folds any letter's case (É finds é), a shorter one is sought
    by LIKE, and FTS5's own syntax in a word is a word like any other."""
    with org.app.app_context(), database.connection_context():
        person = make_person("emile@lists.test", "Émile", "Quaresma", afdeling="Inkoop")
    try:
        assert people_found(hr, "quaresma") == {"Émile Quaresma"}
        assert people_found(hr, "ÉMILE") == {"Émile Quaresma"} == people_found(hr, "mile qua")
        assert people_found(hr, "qu") >= {"Émile Quaresma"}  # two letters: LIKE
        with org.app.app_context(), database.connection_context():
            Person.update(achternaam="Quintana").where(Person.id == person.id).execute()
        assert people_found(hr, "quaresma") == set() and people_found(hr, "quintana") == {"Émile Quintana"}
        for odd in ('quin"tana', "quin*", "NEAR(quintana)", "quintana OR vries", "-quintana", "qui:n"):
            response = hr.get("/mensen/?zoek=" + quote(odd))
            assert response.status_code == 200 and "Émile" not in text_of(response), odd
    finally:
        with org.app.app_context(), database.connection_context():
            Person.delete().where(Person.id == person.id).execute()
    # SQLite gives a new row the id of the last one deleted: the index must have forgotten its name.
    with org.app.app_context(), database.connection_context():
        again = make_person("olga@lists.test", "Olga", "Ruiz", afdeling="Inkoop")
    try:
        assert people_found(hr, "quintana") == set() and people_found(hr, "ruiz") == {"Olga Ruiz"}
    finally:
        with org.app.app_context(), database.connection_context():
            Person.delete().where(Person.id == again.id).execute()


# ---------------------------------------------------------------- flask demo --employees


def test_the_demo_command_builds_an_organisation_of_n_people(tmp_path):
    url = new_database_url(tmp_path, "demo")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "DATABASE_URL": url})
    try:
        result = app.test_cli_runner().invoke(args=["demo", "--employees", "30"])
        assert result.exit_code == 0, result.output
        assert "18 mensen aangemaakt" in result.output and "Demo-organisatie aangemaakt." in result.output
        with app.app_context(), database.connection_context():
            assert Person.select().count() == 30
            generated = Person.select().where(Person.personeelsnummer.is_null(False))
            assert generated.count() == 18 and len({p.email for p in generated}) == 18
            managers = [p for p in generated if p.role == "leidinggevende"]
            assert managers and all(p.manager_id in {m.id for m in managers} for p in generated if p.role != "leidinggevende")
            plans = list(Plan.select().where(Plan.employee.in_([p.id for p in generated])))
            assert len(plans) >= 10 and len({p.status for p in plans}) >= 3
            # made in bulk, as answers.save would have left them: the costs kept on the plan are the
            # totals of its answers, an agreed plan has its version
            for plan in plans:
                definition = answers.form_of(plan)
                values = answers.load(plan)
                euros, hours = definition.field(definition.costs_field).totals(values[definition.costs_field])
                assert (plan.costs_euro or 0, plan.costs_uren or 0) == (euros, hours), plan.id
                assert values[definition.fields[0].key] is not None
                # and their progress per part, as answers.save keeps it (pop/progress.py)
                assert plan.progress == progress.summary(definition, values), plan.id
                if plan.status in ("vastgesteld", "uitvoering", "evaluatie", "afgerond"):
                    assert plan.versions.count() == 1 and values["akkoord_leidinggevende"]["naam"]
            assert Budget.select().count() > 9 and Placement.select().count() > 9
        hr = Client(app)
        assert hr.login("hr@voorbeeld.nl", "demo-pop-2026").status_code == 302
        employee = next(p for p in plans if p.status == "uitvoering")
        for page in ("/", "/mensen/", "/budget", "/matrix", f"/plans/{employee.id}"):
            assert hr.get(page).status_code == 200, page
        again = app.test_cli_runner().invoke(args=["demo", "--employees", "30"])
        assert again.exit_code != 0 and "bevat al mensen" in again.output
    finally:
        if not database.is_closed():
            database.close()
        drop_database_url(url)


def test_the_demo_command_refuses_fewer_than_its_own_accounts(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": new_database_url(tmp_path, "few")})
    try:
        result = app.test_cli_runner().invoke(args=["demo", "--employees", "5"])
        assert result.exit_code != 0 and "minstens 12" in result.output
        with app.app_context(), database.connection_context():
            assert Person.select().count() == 0
    finally:
        if not database.is_closed():
            database.close()
        drop_database_url(app.config["DATABASE_URL"])
