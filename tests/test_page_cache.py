"""Whole plan pages kept per app (pop/fragments.py page()): the overview, a part page as stored and the
print view. A kept page is the page drawn afresh; it is never another person's, never carries another
session's CSRF token, and whatever it shows (an answer, a name, the state, the viewer's own role, the
day) changing gives the new page at once. Messages shown once and the text of a save kept after the
session ended are never in a kept page."""
import datetime as dt
import re

import pytest

from conftest import Client, text_of
from pop import clock, fragments
from pop.models import Person
from pop.views import plans as plan_views
from support import as_post, fill_plan, part_url, set_state, shown_values

TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")([^"]+)(")')


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def same(html: str) -> str:
    return TOKEN.sub(r"\1<csrf>\3", html)  # a fresh token per request: compared apart


def who(html: str) -> str:
    """The name of the person logged in, in the menu."""
    return re.search(r'class="who"[^>]*>([^<]+)<small>', html).group(1).strip()


def tokens(html: str) -> set[str]:
    return {m.group(2) for m in TOKEN.finditer(html)}


@pytest.fixture
def drawn(monkeypatch):
    """The pages drawn (not served from what was kept), by template."""
    names = []
    real = plan_views.render_template

    def counting(name, **context):
        names.append(name)
        return real(name, **context)
    monkeypatch.setattr(plan_views, "render_template", counting)
    return names


def urls(plan_id: int) -> dict[str, str]:
    return {"plans/overview.html": f"/plans/{plan_id}", "plans/part.html": part_url(plan_id, "fase-2"),
            "plans/print.html": f"/plans/{plan_id}/afdrukken"}


@pytest.mark.parametrize("template", list(urls(0)))
def test_a_kept_page_is_the_page_drawn_afresh_for_each_reader(app, org, login, drawn, template):
    anna, marco, hr = login(org["a"]), login(org["m1"]), login(org["hr"])
    fill_plan(anna, org["plan_a"], manager=marco)  # agreed: all three may read it
    url = urls(org["plan_a"])[template]
    pages = {}
    for client in (anna, marco, hr):
        client.get("/")  # the last save's "Opgeslagen." shown there
        fragments.pages_of(app).clear()
        drawn.clear()
        first = body(client.get(url))
        kept = body(client.get(url))
        assert drawn.count(template) == 1, "the second page is the one kept"
        assert same(kept) == same(first)
        pages[client] = same(kept)
    assert len(set(pages.values())) == 3, "each reader their own page"
    assert [who(pages[c]) for c in (anna, marco, hr)] == ["Anna Alfa", "Marco Een", "Hanna HR"]


def test_a_page_kept_for_the_employee_is_never_shown_to_the_manager(app, org, login):
    anna, marco, hr = login(org["a"]), login(org["m1"]), login(org["hr"])
    fase1 = part_url(org["plan_a"], "fase-1")
    shown = shown_values(anna.get(fase1))
    assert anna.post(fase1, data={**as_post(shown), "meer_doen": "Alleen van Anna", "go": "stay"}).status_code == 302
    anna.get("/")
    for url in (fase1, f"/plans/{org['plan_a']}/afdrukken"):
        assert "Alleen van Anna" in body(anna.get(url))
    assert "nog in voorbereiding" not in text_of(anna.get(f"/plans/{org['plan_a']}"))
    # In the voorbereiding the plan is Anna's alone: what was kept for her is no one else's.
    for reader in (marco, hr):
        overview = reader.get(f"/plans/{org['plan_a']}")
        assert "nog in voorbereiding" in text_of(overview) and "Alleen van Anna" not in body(overview)
        assert reader.get(fase1).status_code == 403
        assert reader.get(f"/plans/{org['plan_a']}/afdrukken").status_code == 403
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    page = body(marco.get(fase1))
    assert "Alleen van Anna" in page and 'name="meer_doen"' not in page  # read, not written
    assert 'name="meer_doen"' in body(anna.get(fase1))


def test_a_kept_page_carries_the_token_of_the_session_that_asks(app, org, login):
    first, second = login(org["a"]), login(org["a"])  # Anna in two browsers: two sessions
    url = part_url(org["plan_a"], "fase-1")
    one = body(first.get(url))
    two = body(second.get(url))  # the page kept for the first
    assert same(one) == same(two) and tokens(one).isdisjoint(tokens(two))
    data = {**as_post(shown_values(second.get(url))), "meer_doen": "Uit de tweede", "go": "stay"}
    assert second.post(url, data=data).status_code == 302  # its own token: saved
    stolen = {**data, "csrf_token": tokens(one).pop(), "meer_doen": "Met het token van de eerste"}
    assert second.post(url, data=stolen, csrf=False).status_code == 400
    assert "Met het token" not in body(first.get(url))


def test_whatever_a_page_shows_changing_shows_at_once(app, org, login, drawn):
    anna, marco = login(org["a"]), login(org["m1"])
    overview = f"/plans/{org['plan_a']}"
    fase1 = part_url(org["plan_a"], "fase-1")
    before = text_of(anna.get(overview))
    # An answer saved.
    shown = shown_values(anna.get(fase1))
    assert anna.post(fase1, data={**as_post(shown), "meer_doen": "Meer presenteren", "go": "stay"}).status_code == 302
    assert "Opgeslagen." in text_of(anna.get(fase1))  # shown once, on a page drawn for it ...
    again = text_of(anna.get(fase1))
    assert "Opgeslagen." not in again and "Meer presenteren" in again  # ... and never kept
    assert text_of(anna.get(overview)) != before
    # The employee's name (HR changes it), the viewer's own, the plan's state.
    with app.app_context():
        Person.update(achternaam="Alfa-Omega").where(Person.email == org["a"]).execute()
    assert "Anna Alfa-Omega" in text_of(anna.get(overview))
    set_state(app, org["plan_a"], "ontwikkelgesprek")
    assert "Marco Een" in text_of(marco.get(overview))
    with app.app_context():
        Person.update(voornaam="Marcel").where(Person.email == org["m1"]).execute()
    page = text_of(marco.get(overview))
    assert "Marcel Een" in page and "Meer presenteren" not in page  # the content is read on its part
    assert "Meer presenteren" in text_of(marco.get(fase1))
    # The viewer's role: a manager made medewerker no longer sees the plan at all.
    with app.app_context():
        Person.update(role="medewerker").where(Person.email == org["m1"]).execute()
    assert marco.get(fase1).status_code == 404
    # The day: a kept page is not served the next day (a talk turns "verstreken").
    anna.get(overview)
    drawn.clear()
    anna.get(overview)
    assert drawn == []
    tomorrow = clock.today() + dt.timedelta(days=1)
    real_today = clock.today
    clock.today = lambda: tomorrow
    try:
        anna.get(overview)
    finally:
        clock.today = real_today
    assert drawn == ["plans/overview.html"]


def test_a_save_kept_after_the_session_ended_comes_back_over_a_kept_page(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    page = body(anna.get(url))
    data = {**as_post(shown_values(anna.get(url))), "meer_doen": "Getypt toen de sessie verliep", "go": "stay",
            "csrf_token": tokens(page).pop()}  # the page as stored, kept
    anna.http.delete_cookie("session", domain="localhost")
    response = anna.post(url, data, headers={"Origin": "http://localhost"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert Client.login(anna, org["a"]).status_code == 302
    page = anna.get(url)
    assert "Nog niet opgeslagen" in text_of(page)
    assert shown_values(page)["meer_doen"] == "Getypt toen de sessie verliep"
    assert shown_values(anna.get(url))["meer_doen"] == ""  # stored: nothing yet, and the kept page again


def test_prepared_queries_read_what_peewee_reads_with_their_sql_built_once(app, org):
    from pop.models import Plan

    with app.app_context():
        plan = plan_views.PLAN_WITH_PEOPLE.first(org["plan_a"])
        sql = plan_views.PLAN_WITH_PEOPLE._compiled["sql"]
        again = plan_views.PLAN_WITH_PEOPLE.first(org["plan_b"])
        assert plan_views.PLAN_WITH_PEOPLE._compiled["sql"] is sql
        for found in (plan, again):
            fresh = Plan.get_by_id(found.id)
            assert found.__data__ == fresh.__data__
            assert found.employee.__data__ == fresh.employee.__data__
            assert found.manager.__data__ == fresh.manager.__data__
        assert plan_views.PLAN_WITH_PEOPLE.first(10**9) is None
