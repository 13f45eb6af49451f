"""Guessed passwords: counted per account and client together, per account and per client address,
atomically, without telling an outsider which addresses exist, and without letting a stranger keep the
real user out. The throttle's clock is a fake one that the tests move: no test sleeps or depends on
how fast the machine is."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import PASSWORD, Client, text_of
from pop import login as rules
from pop import models
from pop.models import LoginThrottle
from support import Browser, served

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."


def client_from(app, address):
    c = Client(app)
    c.http.environ_base["REMOTE_ADDR"] = address
    return c


def message(response) -> str:
    text = text_of(response)
    for known in (WRONG, "Te veel mislukte pogingen"):
        if known in text:
            return text[text.index(known):].split(".")[0]
    raise AssertionError(f"no log-in message on the page: {text[:300]}")


class Clock:
    """The throttle's clock, standing still until a test moves it."""

    def __init__(self):
        self.at = models.now()

    def __call__(self):
        return self.at

    def move(self, **delta):
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(rules, "now", fake)
    return fake


def client_key(email, address):
    return f"{rules.CLIENT_RULE.prefix}{rules._account(email)}:ip:{address}"


def row(app, key):
    with app.app_context():
        return LoginThrottle.get_or_none(LoginThrottle.key == key)


def waits_for(response) -> str:
    text = text_of(response)
    assert response.status_code == 200 and "Te veel mislukte pogingen" in text, text[:300]
    return text[text.index("Probeer het over"):].split(" opnieuw")[0]


def test_five_wrong_passwords_then_even_the_right_one_waits_a_little(app, org, hash_checks, clock):
    guesser = client_from(app, "10.1.1.1")
    for _ in range(5):
        response = guesser.login(org["a"], "fout-wachtwoord")
        assert response.status_code == 200 and message(response) == WRONG.rstrip(".")
    assert len(hash_checks) == 5
    response = guesser.login(org["a"], PASSWORD)
    assert waits_for(response) == "Probeer het over 15 seconden"
    assert len(hash_checks) == 5  # a waiting attempt costs no hash computation
    clock.move(seconds=15)
    assert guesser.login(org["a"], PASSWORD).status_code == 302
    assert row(app, client_key(org["a"], "10.1.1.1")).failures == 0  # the owner starts afresh


def test_the_last_second_of_a_wait_is_refused_and_the_next_one_allowed(app, org, clock):
    guesser = client_from(app, "10.1.1.2")
    for _ in range(5):
        guesser.login(org["a"], "fout")
    clock.move(seconds=14)
    assert waits_for(guesser.login(org["a"], PASSWORD)) == "Probeer het over 1 seconde"
    clock.move(seconds=1)
    # The wait is over: a sixth wrong guess is checked and doubles the wait to 30 seconds...
    assert message(guesser.login(org["a"], "fout")) == WRONG.rstrip(".")
    clock.move(seconds=29)
    assert waits_for(guesser.login(org["a"], PASSWORD)) == "Probeer het over 1 seconde"
    clock.move(seconds=1)
    assert guesser.login(org["a"], PASSWORD).status_code == 302


def test_the_wait_doubles_but_never_exceeds_five_minutes():
    waits = [rules.CLIENT_RULE.wait(n) for n in range(1, 40)]
    assert waits[:4] == [None] * 4
    assert waits[4:8] == [dt.timedelta(seconds=s) for s in (15, 30, 60, 120)]
    assert max(waits[4:]) == dt.timedelta(minutes=5) == waits[-1]


def test_a_capitalised_address_logs_in_and_counts_as_the_same_account(app, org, clock):
    assert Client(app).login("A@Test.NL", PASSWORD).status_code == 302
    guesser = client_from(app, "10.1.1.3")
    for typed in ("A@TEST.NL", "a@test.nl", " A@test.nl ", "a@TEST.nl", "A@Test.nl"):
        assert message(guesser.login(typed, "fout")) == WRONG.rstrip(".")
    assert waits_for(guesser.login("a@test.nl", PASSWORD)) == "Probeer het over 15 seconden"


def test_a_right_password_resets_the_count(app, org, clock):
    anna = client_from(app, "10.1.1.4")
    for _ in range(4):
        anna.login(org["a"], "fout")
    assert anna.login(org["a"], PASSWORD).status_code == 302
    anna.post("/logout")
    assert row(app, client_key(org["a"], "10.1.1.4")).failures == 0
    # Four more slips are free again; without the reset the fifth would have made her wait.
    for _ in range(4):
        assert message(anna.login(org["a"], "fout")) == WRONG.rstrip(".")
    assert anna.login(org["a"], PASSWORD).status_code == 302


def test_a_stranger_guessing_for_a_day_never_keeps_the_real_user_out(app, org, clock):
    """One wrong guess every five minutes used to keep an account waiting for good. Now it holds the
    stranger's own client; the real user's browser, which logged in before, is never held."""
    anna = Client(app)  # the test client's address, 127.0.0.1
    assert anna.login(org["a"]).status_code == 302
    anna.post("/logout")
    stranger = client_from(app, "10.66.6.6")
    refused = 0
    for step in range(12 * 24):
        refused += "Te veel" in text_of(stranger.login(org["a"], "fout"))
        if step % 12 == 11:  # every hour of the day, right after a guess
            assert anna.login(org["a"]).status_code == 302, f"Anna kept out after {step + 1} guesses"
            anna.post("/logout")
        clock.move(minutes=5)
    assert refused > 0  # the stranger does wait


def test_guesses_from_many_machines_hold_only_browsers_the_account_never_used(app, org, clock):
    """The count of the account across clients bounds guessing spread over many machines; it holds a
    browser that never logged in to the account, never one that did."""
    anna = client_from(app, "10.1.2.1")
    assert anna.login(org["a"]).status_code == 302
    anna.post("/logout")
    for n in range(rules.ACCOUNT_RULE.free):
        client_from(app, f"10.77.0.{n}").login(org["a"], "fout")
    assert waits_for(client_from(app, "10.1.2.2").login(org["a"], PASSWORD)) == "Probeer het over 1 minuut"
    assert anna.login(org["a"]).status_code == 302
    clock.move(minutes=1)
    assert client_from(app, "10.1.2.2").login(org["a"], PASSWORD).status_code == 302


def test_a_stranger_on_another_client_does_not_make_a_new_browser_wait(app, org, clock):
    stranger = client_from(app, "10.66.6.7")
    for _ in range(rules.ACCOUNT_RULE.free - 1):
        stranger.login(org["a"], "fout")
    assert "Te veel" in text_of(stranger.login(org["a"], PASSWORD))
    assert client_from(app, "10.1.1.6").login(org["a"], PASSWORD).status_code == 302


def test_behind_an_untrusted_proxy_guessing_does_not_lock_out_a_known_browser(app, org, clock):
    """Without POP_TRUSTED_PROXIES everyone has the proxy's address: one guesser there used to make
    every user wait. A browser that logged in to its account before still gets in."""
    anna = client_from(app, "10.0.0.1")
    assert anna.login(org["a"]).status_code == 302
    anna.post("/logout")
    stranger = client_from(app, "10.0.0.1")
    for n in range(rules.ADDRESS_RULE.free):
        stranger.login(f"gok{n}@test.nl", "fout")
    for _ in range(10):
        stranger.login(org["a"], "fout")
    assert "Te veel" in text_of(client_from(app, "10.0.0.1").login(org["b"], PASSWORD))
    assert anna.login(org["a"]).status_code == 302


def test_a_device_cookie_counts_only_for_its_own_account(app, org, clock):
    """Bram's browser is no known browser for Anna's account: guesses at Anna's from it count per address."""
    bram = client_from(app, "10.1.1.7")
    assert bram.login(org["b"]).status_code == 302
    bram.post("/logout")
    for _ in range(5):
        bram.login(org["a"], "fout")
    assert row(app, client_key(org["a"], "10.1.1.7")).failures == 5
    assert "Te veel" in text_of(bram.login(org["a"], PASSWORD))
    assert bram.login(org["b"]).status_code == 302


def test_a_forged_device_cookie_is_ignored(app, org, clock):
    guesser = client_from(app, "10.1.1.8")
    forged = rules.device_cookie("een ander geheim", org["a"])
    guesser.http.set_cookie(rules.DEVICE_COOKIE, forged, path="/login")
    for _ in range(5):
        guesser.login(org["a"], "fout")
    assert row(app, client_key(org["a"], "10.1.1.8")).failures == 5


def test_an_unknown_address_answers_exactly_like_an_existing_one(app, org, clock):
    """Locking only real accounts told an outsider which e-mail addresses exist."""
    seen = {}
    for email, address in ((org["a"], "10.2.2.2"), ("niemand@test.nl", "10.3.3.3")):
        c = client_from(app, address)
        seen[email] = [message(c.login(email, "fout-wachtwoord")) for _ in range(7)]
    assert seen[org["a"]] == seen["niemand@test.nl"]
    assert seen[org["a"]][5].startswith("Te veel mislukte pogingen")


def test_parallel_guesses_are_all_counted_and_only_the_free_ones_checked(app, org, hash_checks, clock):
    """30 parallel wrong attempts used to check 10 passwords and count 5."""
    with served(app) as base:
        def guess(_):
            return Browser(base).login(org["a"], "fout")

        barrier_free = list(ThreadPoolExecutor(30).map(guess, range(30)))
    wrong = sum(WRONG in page for page in barrier_free)
    waited = sum("Te veel mislukte pogingen" in page for page in barrier_free)
    assert (wrong, waited) == (5, 25)
    assert len(hash_checks) == 5
    assert row(app, client_key(org["a"], "127.0.0.1")).failures == 5


def test_one_address_trying_many_accounts_waits_exactly_from_its_thirtieth_failure(app, org, clock):
    attacker = client_from(app, "10.4.4.4")
    for n in range(rules.ADDRESS_RULE.free):
        assert message(attacker.login(f"gok{n}@test.nl", "fout")) == WRONG.rstrip(".")
    # Now this address waits, whatever account it tries, even with a right password...
    assert waits_for(attacker.login(org["b"], PASSWORD)) == "Probeer het over 1 minuut"
    clock.move(seconds=59)
    assert waits_for(attacker.login(org["b"], PASSWORD)) == "Probeer het over 1 seconde"
    # ...while everyone else logs in as usual, and the account tried last is not held against Bram.
    assert client_from(app, "10.5.5.5").login(org["b"], PASSWORD).status_code == 302
    clock.move(seconds=1)
    assert attacker.login(org["b"], PASSWORD).status_code == 302


def test_twenty_nine_failures_of_an_address_leave_it_free(app, org, clock):
    attacker = client_from(app, "10.4.4.5")
    for n in range(rules.ADDRESS_RULE.free - 1):
        attacker.login(f"gok{n}@test.nl", "fout")
    assert attacker.login(org["b"], PASSWORD).status_code == 302


def test_logging_in_with_ones_own_account_does_not_reset_the_address(app, org, clock):
    attacker = client_from(app, "10.6.6.6")
    for n in range(3):
        attacker.login(f"gok{n}@test.nl", "fout")
    assert attacker.login(org["a"], PASSWORD).status_code == 302
    assert row(app, "ip:10.6.6.6").failures == 3  # the right attempt took only itself back


def test_old_failures_are_forgotten(app, org, clock):
    guesser = client_from(app, "10.7.7.7")
    for _ in range(4):
        guesser.login(org["a"], "fout")
    clock.move(days=1, seconds=1)
    # A day later the count starts again: this is failure 1, not 5, so no wait follows it.
    guesser.login(org["a"], "fout")
    assert row(app, client_key(org["a"], "10.7.7.7")).failures == 1
    assert row(app, client_key(org["a"], "10.7.7.7")).wait_until is None


def _app(database_url, monkeypatch, proxies):
    from app import create_app

    if proxies is None:
        monkeypatch.delenv("POP_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("POP_TRUSTED_PROXIES", proxies)
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def test_behind_a_trusted_proxy_the_forwarded_address_counts(database_url, monkeypatch, caplog):
    """Without it, one guesser behind the intranet's web server would make everyone wait."""
    app = _app(database_url, monkeypatch, "1")
    c = Client(app)
    c.http.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.7"
    c.login("niemand@test.nl", "fout")
    assert row(app, "ip:192.0.2.7").failures == 1
    assert row(app, "ip:127.0.0.1") is None
    assert "POP_TRUSTED_PROXIES" not in caplog.text


def test_a_forwarded_request_without_a_trusted_proxy_is_warned_about_once(database_url, monkeypatch, caplog):
    app = _app(database_url, monkeypatch, None)
    c = Client(app)
    c.get("/login")
    assert "POP_TRUSTED_PROXIES" not in caplog.text  # no proxy in front: nothing to warn about
    c.http.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.8"
    c.login("niemand@test.nl", "fout")
    c.get("/login")
    warnings = [r for r in caplog.records if "POP_TRUSTED_PROXIES is niet ingesteld" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
    assert "127.0.0.1" in warnings[0].getMessage()
    assert row(app, "ip:127.0.0.1").failures == 1  # counted on the proxy's address, as warned
