"""A part page's questions are drawn once per process for the same plan, answers and rights, and kept
(pop/fragments.py, pop/views/plans.py _part_body): a page served from what was kept is the page drawn
afresh, a saved answer shows at once, a reader who may not change the part never gets the inputs of one
who may, a page sent back with what was typed is never kept, and colleagues' feedback beside the table
is drawn per request."""
import re

import pytest

from conftest import text_of
from pop import fragments
from pop.models import Person
from support import FILL, as_post, fill_plan, part_url, set_state, shown_values

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


@pytest.fixture(autouse=True)
def empty_cache():
    fragments.part_bodies.clear()
    fragments.print_bodies.clear()
    yield
    fragments.part_bodies.clear()
    fragments.print_bodies.clear()


def forget(app) -> None:
    """Nothing kept: the next page is drawn afresh, its questions too."""
    fragments.part_bodies.clear()
    fragments.print_bodies.clear()
    fragments.pages_of(app).clear()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return CSRF_INPUT.sub("<csrf>", response.get_data(as_text=True))  # a fresh token per request


@pytest.fixture
def filled(org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    fill_plan(anna, org["plan_a"], manager=marco)
    return anna, marco


@pytest.mark.parametrize("part_key", ["fase-1", "fase-2", "fase-3", "fase-4", "afronding"])
def test_a_kept_page_is_the_page_drawn_afresh(app, org, filled, part_key):
    anna, marco = filled
    set_state(app, org["plan_a"], "evaluatie")
    for client in (anna, marco):
        client.get("/")  # the last save's "Opgeslagen." shown there, not on the pages compared
        forget(app)
        first = page(client, part_url(org["plan_a"], part_key))
        kept = page(client, part_url(org["plan_a"], part_key))  # the whole page kept
        fragments.pages_of(app).clear()
        assert page(client, part_url(org["plan_a"], part_key)) == kept == first  # its questions kept
        forget(app)
        assert page(client, part_url(org["plan_a"], part_key)) == first  # nothing kept
    assert len(fragments.part_bodies) == 1  # the manager's, kept beside the employee's, cleared above


def test_a_saved_answer_shows_at_once(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    shown = shown_values(anna.get(url))
    assert shown["meer_doen"] == ""
    assert len(fragments.part_bodies) == 1
    response = anna.post(url, data={**as_post(shown), "meer_doen": "Meer presenteren", "go": "stay"})
    assert response.status_code == 302
    assert shown_values(anna.get(url))["meer_doen"] == "Meer presenteren"


def test_a_reader_gets_the_document_and_the_writer_the_inputs(app, org, login):
    anna, marco = login(org["a"]), login(org["m1"])
    anna.post(part_url(org["plan_a"], "fase-1"), data={**FILL["fase-1"], "go": "stay"})
    anna.get("/")  # its "Opgeslagen." shown there
    set_state(app, org["plan_a"], "ontwikkelgesprek")  # shared: Marco may read, not change Fase I
    own = page(anna, part_url(org["plan_a"], "fase-1"))
    other = page(marco, part_url(org["plan_a"], "fase-1"))
    assert 'name="meer_doen"' in own and "<textarea" in own
    assert 'name="meer_doen"' not in other and "read-only-item" in other
    # The same plan and answers in the other order: each still gets their own.
    forget(app)
    assert page(marco, part_url(org["plan_a"], "fase-1")) == other
    assert page(anna, part_url(org["plan_a"], "fase-1")) == own


def test_a_page_sent_back_with_what_was_typed_is_never_kept(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    shown = shown_values(anna.get(url))
    forget(app)
    refused = anna.post(url, data={**as_post(shown), "meer_doen": "x" * 100_000, "go": "stay"})
    assert refused.status_code == 422
    assert "x" * 1000 in refused.get_data(as_text=True)  # what was typed is on the page
    assert len(fragments.part_bodies) == 0
    assert "x" * 1000 not in anna.get(url).get_data(as_text=True)  # stored: nothing of it


def test_colleagues_feedback_beside_the_table_is_drawn_per_request(app, org, login):
    anna = login(org["a"])
    url = part_url(org["plan_a"], "fase-1")
    assert "Feedback van collega’s" in text_of(anna.get(url))
    assert "Bram Beta" not in text_of(anna.get(url))
    with app.app_context():
        bram = Person.get(Person.email == org["b"]).id
    response = anna.post(f"/plans/{org['plan_a']}/feedback/vragen",
                         data={"colleague": bram, "name": "", "email": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert "Bram Beta" in text_of(anna.get(url))
    assert len(fragments.part_bodies) == 1  # the questions themselves did not change


def test_the_cache_keeps_a_bounded_number_of_pages():
    cache = fragments.FragmentCache(size=3)
    for n in range(5):
        cache.put(n, f"<p>{n}</p>")
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == "<p>4</p>"
    cache.get(2)  # used: stays when the next comes in
    cache.put(5, "<p>5</p>")
    assert cache.get(2) == "<p>2</p>" and cache.get(3) is None


def test_the_print_view_kept_is_the_one_drawn_afresh_and_follows_a_save(app, org, filled):
    anna, marco = filled
    url = f"/plans/{org['plan_a']}/afdrukken"
    anna.get("/")
    forget(app)
    first = page(anna, url)
    assert len(fragments.print_bodies) == 1
    assert page(marco, url) != first  # the same parts; the page around them is Marco's
    assert len(fragments.print_bodies) == 1  # ... and the parts are the ones kept
    forget(app)
    assert page(anna, url) == first
    set_state(app, org["plan_a"], "evaluatie")
    fase4 = part_url(org["plan_a"], "fase-4")
    shown = shown_values(anna.get(fase4))
    response = anna.post(fase4, data={**as_post(shown), "doelen_gehaald": "Alles gehaald, en meer.",
                                      "go": "stay"})
    assert response.status_code == 302
    assert "Alles gehaald, en meer." in page(anna, url)
