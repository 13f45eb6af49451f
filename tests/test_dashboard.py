"""HR's dashboard (/dashboard, pop/dashboard.py) on a generated organisation (tests/organisation.py): each
figure is the number of rows its link lists, plans in the voorbereiding count nowhere, the charts are SVG
with their numbers as text, and the page takes the same number of queries at every size."""
import datetime as dt
import logging
from collections import Counter

import pytest

from conftest import Client, make_person, text_of
from forms import FORMS
from organisation import PASSWORD, build
from pop import answers, clock, progress
from pop.dashboard import overdue_talks
from pop.models import STATUSES, Budget, Person, Plan
from pop.plans import current_period, part_progress, start_plan
from support import FILL, doc, part_url, queries, set_state  # noqa: F401 (the fixture)

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
    legend = [" ".join(li.text_content().split()) for li in doc(page).xpath('//section[@aria-labelledby="per-afdeling"]//ul[@class="legend"]/li')]
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
        kept, handler.count = handler.count, 0
        app.extensions["pop_kept_figures"].clear()  # as after a change: the figures added up again
        assert client.get("/dashboard").status_code == 200
        dashboard, handler.count = handler.count, 0
        assert client.get("/dashboard/gesprekken-verlopen").status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    # Added up: the period's plan tally (per department and state, with their costs: read once for the
    # counts and the year's planned costs), the people with a plan and who left (from indexes), the
    # tallies of the active people, the budgets and the progress per part (pop/tallies.py), with the
    # count of changes they are kept with (pop/changes.py). Kept: that count, the person logged in, the
    # departments' names, the periods.
    assert (kept, dashboard, handler.count) == (5, 11, 5)


def test_only_hr(app, org, login):
    for who in ("a", "m1"):
        for url in ("/dashboard", "/dashboard/gesprekken-verlopen"):
            assert login(org[who]).get(url).status_code == 403
    assert "Dashboard" in text_of(login(org["hr"]).get("/dashboard"))


def kept_progress(plan_id) -> dict:
    """{part: complete or begun} as kept on the plan (pop/progress.py)."""
    return progress.decode(Plan.get_by_id(plan_id).progress)


def rule_progress(plan_id) -> dict:
    """The same by the plan page's rule over the stored answers (pop/plans.py part_progress)."""
    plan = Plan.get_by_id(plan_id)
    values = answers.load(plan)
    found = {p.key: progress.state(*part_progress(p, values)) for p in answers.form_of(plan).parts}
    return {key: state for key, state in found.items() if state != progress.EMPTY}


def completion_table(page, form_key="pop-uitgebreid") -> dict:
    rows = doc(page).xpath(f'//table[@id="tabel-fase-{form_key}"]/tbody/tr')
    return {r.xpath("./th")[0].text_content(): tuple(int(td.text_content()) for td in r.xpath("./td")) for r in rows}


def test_completion_per_phase_counts_the_progress_each_save_keeps(app, org, login):
    """Each save keeps its parts' progress (pop/progress.py) by the plan page's rule over what is stored;
    the dashboard counts per part of each form the shared plans with it complete, started or empty, a
    plan in the voorbereiding nowhere, drawn as SVG with patterns and numbers, the form's plans linked."""
    with app.app_context():
        c = make_person("c@test.nl", "Cas", "Gamma", manager=Person.get(Person.email == org["m1"]), afdeling="A")
        private = start_plan(c, "pop-uitgebreid", PERIOD).id
        for plan_id in (org["plan_a"], org["plan_b"]):
            Plan.update(period=PERIOD).where(Plan.id == plan_id).execute()
    anna, bram, cas = login(org["a"]), login(org["b"]), login("c@test.nl")
    for client, plan_id, part, data in (
            (anna, org["plan_a"], "gegevens", FILL["gegevens"]), (anna, org["plan_a"], "fase-1", FILL["fase-1"]),
            (bram, org["plan_b"], "fase-1", {"meer_doen": "Meer plannen."}),
            (cas, private, "gegevens", FILL["gegevens"]), (cas, private, "fase-1", FILL["fase-1"])):
        assert client.post(part_url(plan_id, part), data={**data, "go": "stay"}).status_code == 302, part
    with app.app_context():
        for plan_id in (org["plan_a"], org["plan_b"], private):
            kept = kept_progress(plan_id)
            assert set(kept) == {"gegevens", "fase-1"} and kept == rule_progress(plan_id), plan_id
        # A save of one answer counts the part's other stored answers too: Fase I stays begun.
        answers.save(Plan.get_by_id(org["plan_a"]), {"meer_doen": ""})
        assert kept_progress(org["plan_a"]) == rule_progress(org["plan_a"])
        assert kept_progress(org["plan_a"])["fase-1"] == progress.STARTED
    for plan_id in (org["plan_a"], org["plan_b"]):
        set_state(app, plan_id, "ontwikkelgesprek")
    hr = login(org["hr"])
    page = hr.get("/dashboard")
    assert page.status_code == 200
    table = completion_table(page)
    assert list(table) == [p.title for p in FORMS["pop-uitgebreid"].parts]
    names = {p.key: p.title for p in FORMS["pop-uitgebreid"].parts}
    # Anna's gegevens complete, Bram's prefilled names only; both Fase I's begun; Cas's (private) nowhere.
    assert table[names["gegevens"]] == (1, 1, 0)
    assert table[names["fase-1"]] == (0, 2, 0)
    assert all(row == (0, 0, 2) for key, row in zip(names, table.values()) if key not in ("gegevens", "fase-1"))
    heading = doc(page).xpath('//h3[@id="fase-pop-uitgebreid"]/a')[0]
    assert heading.text_content() == "2 gedeelde plannen" and listed(hr, heading.get("href")) == 2
    chart = doc(page).xpath('//svg[@id="grafiek-fase-pop-uitgebreid"]')[0]
    values = [t.text_content() for t in chart.xpath('.//*[local-name()="text"][@class="value"]')]
    assert values == [f"{row[0]} compleet" for row in table.values()]
    fills = {r.get("fill") for r in chart.xpath('.//*[local-name()="rect"]')}
    assert fills == {"url(#p-solid)", "url(#p-diagonal)", "url(#p-dots)"}
    # Bram empties his Fase I again: kept on every save, not only the first.
    assert bram.post(part_url(org["plan_b"], "fase-1"), data={"meer_doen": "", "go": "stay"}).status_code == 302
    assert completion_table(hr.get("/dashboard"))[names["fase-1"]] == (0, 1, 1)


def test_the_progress_is_kept_in_the_saves_own_transaction(app, org, monkeypatch):
    """When keeping the progress fails, the save's answers are not stored either: one transaction."""
    with app.app_context():
        plan = Plan.get_by_id(org["plan_a"])
        before = answers.load(plan)["meer_doen"]
        kept = Plan.get_by_id(plan.id).progress
        assert kept == "gegevens=b"  # start_plan's save: the names filled in from the people

        def broken(states):
            raise RuntimeError("schijf vol")

        monkeypatch.setattr(progress, "encode", broken)
        with pytest.raises(RuntimeError):
            answers.save(plan, {"meer_doen": "Meer plannen."})
        assert answers.load(Plan.get_by_id(plan.id))["meer_doen"] == before
        assert Plan.get_by_id(plan.id).progress == kept


def test_the_overdue_page_reads_the_talks_of_plans_whose_talk_date_has_passed_only(app, queries):
    """The overdue talks' page reads talk cells only of the period's shared open plans whose next talk
    field holds a date before today (pop/dashboard.py _due_before): a plan whose talk lies ahead, or one
    that has no such date, is not read; and what it lists is still judged by the to-do list's rule (a
    talk held since is not overdue)."""
    with app.app_context():
        members = build(60, TODAY, PERIOD)
        today = clock.today()  # the page's: the organisation's day, which may be TODAY's next
        shared_open = {p.id for p in Plan.select().where((Plan.period == PERIOD) & Plan.status.in_(
            ["ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie"]))}
        due = {p.id for p in Plan.select().where(Plan.id.in_(list(shared_open)))
               if isinstance(answers.load(p).get(FORMS[p.form_key].next_talk_field or "-"), dt.date)
               and answers.load(p)[FORMS[p.form_key].next_talk_field] < today}
        ahead = shared_open - due
        assert due and ahead
        found = {plan_id for plan_id, _ in overdue_talks(PERIOD, today)}
    client = hr_client(app)
    queries.sql.clear()
    page = client.get("/dashboard/gesprekken-verlopen")
    assert page.status_code == 200
    cells = [params for sql, params in queries.sql if sql.startswith('SELECT "t1"."plan_id", "t1"."field"')]
    read = {p for params in cells for p in params if isinstance(p, int)}
    assert cells and read == due
    listed_names = {a.text_content() for a in doc(page).xpath('//table[@id="verlopen"]/tbody/tr/td[1]/a')}
    assert found and found <= due
    assert listed_names == {m.naam for m in members if m.plan_id in found}
