"""Attacks on the whole plan pages kept per app (pop/fragments.py page()): whatever a kept page shows
that its key does not hold would be stale, or another person's. Each test here failed before the fix
named in its docstring."""
from conftest import Client, csrf_from, text_of
from pop import fragments
from support import as_post, part_url, shown_values, stored


def test_an_answer_that_reads_like_the_token_mark_is_shown_and_saved_as_typed(app, org, login):
    """The CSRF token went into a kept page wherever a fixed mark stood, answers included: an answer
    holding that mark showed the reader's own token instead, and saving the page as shown stored it.
    Now the mark is new for every page drawn, and nobody can have typed it."""
    anna = login(org["a"])
    fase2 = part_url(org["plan_a"], "fase-2")
    typed = "Zie csrf-token-van-dit-verzoek-7f3c9a hierboven"
    shown = as_post(shown_values(anna.get(fase2)))
    assert anna.post(fase2, data={**shown, "pop_wat": typed, "go": "stay"}).status_code == 302
    anna.get("/")  # "Opgeslagen." shown: the part page after it is drawn to be kept
    for _ in range(2):  # drawn, then the page kept
        page = anna.get(fase2)
        assert page.status_code == 200
        assert shown_values(page)["pop_wat"] == typed
    # Saved again as shown, unchanged: the answer stays as typed.
    assert anna.post(fase2, data={**as_post(shown_values(page)), "go": "stay"}).status_code == 302
    assert stored(app, org["plan_a"])["pop_wat"] == typed
    assert len(fragments.pages_of(app)) > 0  # the attack went through a kept page


# ---------------------------------------------------------------- memory

def test_kept_pages_of_plans_at_their_limit_stay_within_a_bounded_memory(app, org, login, monkeypatch):
    """The kept pages were bounded by their number alone (256 per app), each with its page and, in its
    key, every answer of its plan: a plan at its limit in characters of four bytes made each print
    view and its key some 1.2 MB, so an employee saving and printing their plan over and over held
    some 300 MB in every server process. Now the cache also holds to a number of bytes
    (fragments.MAX_PAGE_BYTES)."""
    import datetime as dt
    import tracemalloc

    from forms import limits
    from pop import answers
    from pop.models import Plan

    anna = login(org["a"])
    talk = "🙂" * (limits.TALK_ANSWER_CHARS - 10)
    talks = [{"datum": dt.date(2027, 1, 4) + dt.timedelta(days=7 * i), "gedaan": talk, "opgeleverd": talk,
              "tevreden": talk, "verder": talk} for i in range(limits.PLAN_CHARS // (4 * len(talk)))]
    url = f"/plans/{org['plan_a']}/afdrukken"
    # The bound made small, so that a few pages reach it.
    monkeypatch.setattr(fragments, "MAX_PAGE_BYTES", 4 * 2**20, raising=False)
    app.extensions.pop("pop_pages", None)
    tracemalloc.start()
    try:
        for i in range(6):  # each save a new page kept, as each print after it
            with app.app_context():
                answers.save(Plan.get_by_id(org["plan_a"]), {"voortgangsgesprekken": talks,
                                                            "meer_doen": f"Versie {i}"})
            assert f"Versie {i}" in text_of(anna.get(url))
        held = tracemalloc.get_traced_memory()[0]
        fragments.pages_of(app).clear()
        held -= tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert 0 < held <= 4 * 2**20, held


# ---------------------------------------------------------------- other requests for the same page

def test_a_head_request_answers_as_the_page_does_and_stores_nothing(app, org, login):
    """HEAD (a link checker, a monitor) on a part page went the way of a save, found no answers and
    answered 400 ‘Ongeldig formulier’ (422 with a body); it now gets the page's answer, without a body,
    and a body sent with it is never read. Nor does it take a draft kept after the session ended (as
    the GET it became did, showing nothing of it)."""
    anna = login(org["a"])
    fase2 = part_url(org["plan_a"], "fase-2")
    for url in (f"/plans/{org['plan_a']}", fase2, f"/plans/{org['plan_a']}/afdrukken"):
        page = anna.get(url)
        head = anna.http.head(url)
        assert (head.status_code, head.mimetype, head.get_data()) == (200, "text/html", b""), url
        assert int(head.headers["Content-Length"]) == len(page.get_data()), url
    typed = {**as_post(shown_values(anna.get(fase2))), "pop_wat": "Met HEAD verstuurd", "go": "stay"}
    assert anna.http.open(fase2, method="HEAD", data=typed).status_code == 200
    assert stored(app, org["plan_a"])["pop_wat"] == ""
    # What was typed when the session had ended is kept for the page after the log-in: a HEAD before
    # it neither shows it nor takes it away.
    typed = {**typed, "pop_wat": "Getypt toen de sessie verliep", "csrf_token": csrf_from(anna.get(fase2))}
    anna.http.delete_cookie("session", domain="localhost")
    assert anna.post(fase2, typed, headers={"Origin": "http://localhost"}).status_code == 302
    assert Client.login(anna, org["a"]).status_code == 302
    assert anna.http.head(fase2).status_code == 200
    page = anna.get(fase2)
    assert "Nog niet opgeslagen" in text_of(page)
    assert shown_values(page)["pop_wat"] == "Getypt toen de sessie verliep"


def test_the_parts_kept_of_a_plan_stored_before_the_limits_stay_within_a_bounded_memory(app, org, login):
    """The parts of a page kept per process (a part's questions, the print view's parts) were bounded
    by their number alone (64 each): a plan at its limit printed as some 0.8 MB, and one stored before
    the limits (up to 100 progress talks of four answers of 20.000 characters) as tens of MB, all kept.
    Now each also holds to fragments.MAX_BODY_BYTES, and a part larger than that is drawn, not kept,
    without putting out what was kept before."""
    import datetime as dt
    import tracemalloc

    from pop import answers
    from pop.models import Plan

    anna = login(org["a"])
    print_url = f"/plans/{org['plan_a']}/afdrukken"
    fragments.print_bodies.clear()
    assert "Van vóór de limieten" not in text_of(anna.get(print_url))  # kept: the plan as it was
    talk = "🙂" * 12_000  # within the 20.000 characters an answer could hold before the limits
    talks = [{"datum": dt.date(2027, 1, 4) + dt.timedelta(days=7 * i), "gedaan": talk, "opgeleverd": talk,
              "tevreden": talk, "verder": talk} for i in range(100)]
    with app.app_context():
        answers.save(Plan.get_by_id(org["plan_a"]),
                     {"voortgangsgesprekken": talks, "meer_doen": "Van vóór de limieten"})
    tracemalloc.start()
    try:
        assert "Van vóór de limieten" in text_of(anna.get(print_url))
        assert len(fragments.print_bodies) == 1, "what was kept before stays kept"
        held = tracemalloc.get_traced_memory()[0]
        fragments.print_bodies.clear()
        held -= tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held <= 16 * 2**20, held


def test_a_page_kept_for_one_address_of_the_site_is_not_sent_to_another(app, org, login):
    """A site mounted below a path by its proxy (SCRIPT_NAME, as gunicorn takes it from a trusted proxy)
    and reached at / as well (a health check, a second proxy): a page kept for /pop was sent at / with
    its links and its style sheet under /pop. The address the site is at is part of the key now."""
    anna = login(org["a"])
    anna.get("/")  # the log-in's message shown
    for url in (f"/plans/{org['plan_a']}", part_url(org["plan_a"], "fase-2"), f"/plans/{org['plan_a']}/afdrukken"):
        below = anna.get(url, environ_overrides={"SCRIPT_NAME": "/pop"})
        assert below.status_code == 200 and 'href="/pop/static/style.css"' in below.get_data(as_text=True)
        page = anna.get(url).get_data(as_text=True)
        assert 'href="/static/style.css"' in page and 'href="/pop/' not in page, url
