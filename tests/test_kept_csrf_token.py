"""The signed CSRF token of a kept plan page is kept too, a minute per session token and key
(pop/fragments.py csrf_token()): it is still this session's alone, it is signed anew after the minute,
and under a time limit it ages no more than a sixtieth of that limit."""
import time

import pytest

from conftest import csrf_from
from support import part_url, stored


class Clock:
    """time.time() as the test sets it: itsdangerous signs with it, and the kept token is aged by it."""

    def __init__(self):
        self.now = float(int(time.time()))

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(time, "time", frozen)
    return frozen


@pytest.fixture
def reader(login):
    """A logged-in client that has seen the first page: the message shown once after the log-in is
    never in a kept page, so the next pages are."""
    def _reader(email):
        client = login(email)
        assert client.get("/").status_code == 200
        return client
    return _reader


def overview_token(client, plan_id) -> str:
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    return csrf_from(response)


def save(client, plan_id, text, token):
    return client.post(part_url(plan_id, "fase-1"), data={"meer_doen": text, "go": "stay", "csrf_token": token},
                       csrf=False)


def saved(app, client, plan_id, text, token) -> None:
    assert save(client, plan_id, text, token).status_code == 302
    assert stored(app, plan_id)["meer_doen"] == text


def refused(app, client, plan_id, token) -> None:
    before = stored(app, plan_id)
    response = save(client, plan_id, "Met een token dat niet geldt", token)
    assert response.status_code == 400
    assert "Niet opgeslagen: het formulier was verlopen." in response.get_data(as_text=True)
    assert stored(app, plan_id) == before


def test_a_kept_token_is_the_sessions_own_and_refused_in_another(app, org, reader, clock):
    anna, bram = reader(org["a"]), reader(org["b"])
    annas = overview_token(anna, org["plan_a"])
    clock.now += 30
    assert overview_token(anna, org["plan_a"]) == annas  # kept: signed in another second, it would differ
    brams = overview_token(bram, org["plan_b"])
    assert brams != annas

    refused(app, bram, org["plan_b"], annas)
    saved(app, bram, org["plan_b"], "Met mijn eigen token", brams)
    saved(app, anna, org["plan_a"], "Met mijn bewaarde token", annas)


def test_a_kept_token_is_signed_anew_after_a_minute(app, org, reader, clock):
    anna = reader(org["a"])
    first = overview_token(anna, org["plan_a"])
    clock.now += 59
    assert overview_token(anna, org["plan_a"]) == first
    clock.now += 2
    second = overview_token(anna, org["plan_a"])
    assert second != first
    clock.now += 30
    assert overview_token(anna, org["plan_a"]) == second
    saved(app, anna, org["plan_a"], "Met het nieuwe token", second)


def test_under_a_time_limit_a_kept_token_ages_a_sixtieth_of_it_at_most(app, org, reader, clock):
    app.config["WTF_CSRF_TIME_LIMIT"] = 600  # POP sets none; an organisation may: kept 10 s at most
    anna = reader(org["a"])
    first = overview_token(anna, org["plan_a"])
    clock.now += 9
    assert overview_token(anna, org["plan_a"]) == first
    clock.now += 2
    second = overview_token(anna, org["plan_a"])
    assert second != first

    clock.now = clock.now - 11 + 601  # the first is past its limit, the second (signed 11 s later) not
    refused(app, anna, org["plan_a"], first)
    saved(app, anna, org["plan_a"], "Net op tijd", second)
