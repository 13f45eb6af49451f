"""HR's dashboard (/dashboard, pop/dashboard.py) on a generated organisation (tests/organisation.py): each
figure is the number of rows its link lists, plans in the voorbereiding count nowhere, the charts are SVG
with their numbers as text, and the page takes the same number of queries at every size."""
import datetime as dt
import logging
from collections import Counter

import pytest

from conftest import Client, text_of
from organisation import PASSWORD, build
from pop import answers
from pop.dashboard import overdue_talks
from pop.models import STATUSES, Budget, Person, Plan
from pop.plans import current_period
from support import doc

TODAY = dt.date.today()
PERIOD = current_period()
SHARED = [s for s in STATUSES if s != "voorbereiding"]


def hr_client(app):
    client = Client(app)
    assert client.login("hr@org.test", PASSWORD).status_code == 302
    return client


def listed(client, href):
    """How many rows the linked list holds: its plans, or with #zonder-pop its people without a plan."""
    href = href.replace("&amp;", "&")
    if "/gesprekken-verlopen" in href:
        return len(doc(client.get(href)).xpath('//table[@id="verlopen"]/tbody/tr'))
    if href.endswith("#zonder-pop"):
        page = client.get(href.split("#")[0] + "&zonder-aantal=200")
        return len(doc(page).xpath('//section[@id="zonder-pop"]//ul[@class="without"]/li'))
    page = client.get(href + "&aantal=200")
    assert page.status_code == 200, href
    return len(doc(page).xpath('//table[@class="list"]/tbody/tr'))


def test_every_figure_is_the_number_of_rows_its_link_lists(app):
    with app.app_context():
        members = build(90, TODAY, PERIOD)
        hr = Person.get(Person.email == "hr@org.test")
        someone = next(m for m in members if m.state == "uitvoering")
        Person.update(afdeling="").where(Person.id == someone.id).execute()  # without a department
        Budget.create(person=someone.id, year=PERIOD, euro=1000)
        Plan.update(costs_euro=250).where(Plan.id == someone.plan_id).execute()
        private = next(m for m in members if m.state == "voorbereiding")
        private_talk = next(m for m in members if m.state == "voorbereiding" and m.talk and m.talk < TODAY)
        held = next(m for m in members if m.state == "uitvoering" and m.talk and m.talk < TODAY)
        assert held.plan_id in {plan_id for plan_id, _ in overdue_talks(PERIOD, TODAY)}  # until its talk is recorded
        plan = Plan.get_by_id(held.plan_id)
        answers.save(plan, {"voortgangsgesprekken": [{"datum": held.talk, "gedaan": "Besproken", "opgeleverd": "",
                                                      "tevreden": "", "verder": ""}]})
        Plan.update(costs_euro=999).where(Plan.id == private.plan_id).execute()  # counts nowhere
    client = hr_client(app)
    page = client.get("/dashboard")
    assert page.status_code == 200
    states = Counter(m.state for m in members if m.state)
    page_doc = doc(page)
    # Per state: the numbers, and each the rows of its link; no voorbereiding anywhere.
    rows = page_doc.xpath('//table[@id="tabel-status"]/tbody/tr')
    assert [r.xpath("./th")[0].text_content() for r in rows] == [STATUSES[s] for s in SHARED]
    for state, row in zip(SHARED, rows):
        link = row.xpath(".//a")[0]
        assert int(link.text_content()) == states[state], state
        assert listed(client, link.get("href")) == states[state], state
    assert "Voorbereiding" not in " ".join(th.text_content() for th in page_doc.xpath("//th"))
    # The headline figures.
    shared = sum(states[s] for s in SHARED)
    # Talks overdue: the generated plans' talks lie from three weeks ago to five ahead (organisation.py).
    # Listed: a shared plan whose talk is past with no progress talk since; not the one held since, nor
    # the private one.
    overdue_page = client.get(page_doc.xpath('//a[@id="cijfer-verlopen"]')[0].get("href"))
    names = [a.text_content() for a in doc(overdue_page).xpath('//table[@id="verlopen"]/tbody/tr/td[1]/a')]
    waiting = [m for m in members if m.state == "ontwikkelgesprek" and m.talk and m.talk < TODAY]
    assert waiting and all(m.naam in names for m in waiting)
    assert held.naam not in names and private_talk.naam not in names and private_talk.talk < TODAY
    assert text_of(overdue_page).count(f"{len(names)} gesprekken verlopen") == 1
    for key, expected in (("plannen", shared), ("akkoord", states["ontwikkelgesprek"]),
                          ("zonder", sum(1 for m in members if m.state is None) + 1 + 4)):  # HR and managers
        link = page_doc.xpath(f'//a[@id="cijfer-{key}"]')[0]
        assert int(link.xpath("./strong")[0].text_content()) == expected, key
        assert listed(client, link.get("href")) == expected, key
    budget = page_doc.xpath('//a[@id="cijfer-budget"]')[0]
    assert " ".join(budget.text_content().split()) == "€ 250,00 gepland van € 1.000,00 budget (25%)"
    assert client.get(budget.get("href").replace("&amp;", "&")).status_code == 200
    # Per department: every cell, followed; the person without a department under '(geen afdeling)'.
    table = page_doc.xpath('//table[@id="tabel-afdeling"]')[0]
    followed = 0
    for row in table.xpath("./tbody/tr"):
        name = row.xpath("./th")[0].text_content()
        for cell in row.xpath("./td"):
            for a in cell.xpath("./a"):
                n = int(a.text_content())
                if n or followed < 12:
                    assert listed(client, a.get("href")) == n, (name, a.get("href"))
                    followed += 1
    no_department = [r for r in table.xpath("./tbody/tr") if r.xpath("./th")[0].text_content() == "(geen afdeling)"]
    assert [int(td.text_content()) for td in no_department[0].xpath("./td")][-2:] == [1, 0]


def test_the_charts_are_svg_with_their_numbers_as_text_and_patterns_not_only_colour(app):
    with app.app_context():
        members = build(30, TODAY, PERIOD)
    page = hr_client(app).get("/dashboard")
    content = page.get_data(as_text=True).split("<h1>Dashboard", 1)[1]
    assert "<script" not in content and "://" not in content  # drawn here: no script, nothing fetched
    states = Counter(m.state for m in members if m.state)
    chart = doc(page).xpath('//svg[@id="grafiek-status"]')[0]
    values = [int(t.text_content()) for t in chart.xpath('.//*[local-name()="text"][@class="value"]')]
    assert values == [states[s] for s in SHARED]
    fills = {r.get("fill") for r in chart.xpath('.//*[local-name()="rect"]')}
    assert len(fills) == len(SHARED) and all(f.startswith("url(#p-") for f in fills)
    legend = [" ".join(li.text_content().split()) for li in doc(page).xpath('//ul[@class="legend"]/li')]
    assert legend == [STATUSES[s] for s in SHARED]


class Queries(logging.Handler):
    count = 0

    def emit(self, record):
        self.count += 1


@pytest.mark.parametrize("size", [25, 120])
def test_the_page_takes_the_same_queries_at_every_size(app, size):
    with app.app_context():
        build(size, TODAY, PERIOD)
    client = hr_client(app)
    client.get("/dashboard")  # the session's own queries settle
    logger, handler = logging.getLogger("peewee"), Queries()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get("/dashboard").status_code == 200
        dashboard, handler.count = handler.count, 0
        assert client.get("/dashboard/gesprekken-verlopen").status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert (dashboard, handler.count) == (8, 5)


def test_only_hr(app, org, login):
    for who in ("a", "m1"):
        for url in ("/dashboard", "/dashboard/gesprekken-verlopen"):
            assert login(org[who]).get(url).status_code == 403
    assert "Dashboard" in text_of(login(org["hr"]).get("/dashboard"))
