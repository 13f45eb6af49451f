"""Two people saving the same part at the same moment, against a running server: the check that the
part did not change meanwhile and the write happen under one lock, so exactly one save is stored and
the other gets the page back with its own text and the other text beside it."""
import re
import threading
import time

import pytest

from pop import answers
from support import Browser, part_url, served, set_state


@pytest.fixture
def server(app):
    with served(app) as base:
        yield base


def test_two_simultaneous_saves_never_both_succeed(app, org, server, monkeypatch):
    real_save = answers.save

    def slow_save(plan, values):
        # Widen the window between check and write: without the lock both saves pass the check.
        time.sleep(0.3)
        real_save(plan, values)

    monkeypatch.setattr(answers, "save", slow_save)
    url = part_url(org["plan_a"], "fase-3")  # progress talks: both may write them
    set_state(app, org["plan_a"], "uitvoering")
    anna, marco = Browser(server), Browser(server)
    anna.login(org["a"])
    marco.login(org["m1"])
    forms = {}
    for who, browser in (("anna", anna), ("marco", marco)):
        page = browser.get(url)
        forms[who] = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
                      "versie": re.search(r'name="versie" value="([0-9a-f]+)"', page).group(1),
                      "go": "stay"}
    assert forms["anna"]["versie"] == forms["marco"]["versie"]

    results = {}
    start = threading.Barrier(2)

    def save(who, browser, text):
        start.wait()
        results[who] = browser.post(url, {**forms[who], "voortgangsgesprekken-0-datum": "2027-03-01",
                                          "voortgangsgesprekken-0-gedaan": text})

    threads = [threading.Thread(target=save, args=("anna", anna, "Anna schrijft dit")),
               threading.Thread(target=save, args=("marco", marco, "Marco schrijft dat"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409]  # the winner followed its redirect to the saved page
    winner = next(w for w, (status, _) in results.items() if status == 200)
    loser = "marco" if winner == "anna" else "anna"
    texts = {"anna": "Anna schrijft dit", "marco": "Marco schrijft dat"}
    with app.app_context():
        from pop.models import Plan
        talks = answers.load(Plan.get_by_id(org["plan_a"]))["voortgangsgesprekken"]
        assert [t["gedaan"] for t in talks] == [texts[winner]]
    body = results[loser][1]
    assert "dit onderdeel is gewijzigd" in body
    assert texts[loser] in body  # the loser's own text is still in the form
    meanwhile = re.search(r'<table class="meanwhile">.*?</table>', body, re.S).group(0)
    assert "Voortgangsgesprekken" in meanwhile and texts[winner] in meanwhile
