"""Guessed passwords: counted per typed e-mail address and per client address, atomically, without
telling an outsider which addresses exist, and without letting them lock someone out for long."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor


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


def end_waits(app):
    with app.app_context():
        LoginThrottle.update(wait_until=models.now() - dt.timedelta(seconds=1)).execute()


def row(app, key):
    with app.app_context():
        return LoginThrottle.get_or_none(LoginThrottle.key == key)


def still_clock(monkeypatch) -> None:
    """The throttle's clock stands still: on a loaded machine a second passed between a failure and
    the next attempt, and the wait read 14 seconds instead of 15 (CI failed on that)."""
    frozen = rules.now()
    monkeypatch.setattr(rules, "now", lambda: frozen)


def test_five_wrong_passwords_then_even_the_right_one_waits_a_little(app, org, hash_checks, monkeypatch):
    still_clock(monkeypatch)
    guesser = client_from(app, "10.1.1.1")
    for _ in range(5):
        response = guesser.login(org["a"], "fout-wachtwoord")
        assert response.status_code == 200 and message(response) == WRONG.rstrip(".")
    assert len(hash_checks) == 5
    response = guesser.login(org["a"], PASSWORD)
    assert response.status_code == 200
    assert "Te veel mislukte pogingen. Probeer het over 15 seconden opnieuw." in text_of(response)
    assert len(hash_checks) == 5  # a waiting attempt costs no hash computation
    monkeypatch.undo()
    end_waits(app)
    assert guesser.login(org["a"], PASSWORD).status_code == 302
    assert row(app, f"e-mail:{org['a']}").failures == 0  # the owner starts afresh


def test_the_wait_doubles_but_never_exceeds_five_minutes():
    waits = [rules.PER_EMAIL.wait(n) for n in range(1, 40)]
    assert waits[:4] == [None] * 4
    assert waits[4:8] == [dt.timedelta(seconds=s) for s in (15, 30, 60, 120)]
    assert max(waits[4:]) == dt.timedelta(minutes=5) == waits[-1]


def test_an_unknown_address_answers_exactly_like_an_existing_one(app, org):
    """Locking only real accounts told an outsider which e-mail addresses exist."""
    seen = {}
    for email, address in ((org["a"], "10.2.2.2"), ("niemand@test.nl", "10.3.3.3")):
        c = client_from(app, address)
        seen[email] = [message(c.login(email, "fout-wachtwoord")) for _ in range(7)]
    assert seen[org["a"]] == seen["niemand@test.nl"]
    assert seen[org["a"]][5].startswith("Te veel mislukte pogingen")


def test_parallel_guesses_are_all_counted_and_only_the_free_ones_checked(app, org, hash_checks):
    """30 parallel wrong attempts used to check 10 passwords and count 5."""
    with served(app) as base:
        def guess(_):
            return Browser(base).login(org["a"], "fout")

        barrier_free = list(ThreadPoolExecutor(30).map(guess, range(30)))
    wrong = sum(WRONG in page for page in barrier_free)
    waited = sum("Te veel mislukte pogingen" in page for page in barrier_free)
    assert (wrong, waited) == (5, 25)
    assert len(hash_checks) == 5
    assert row(app, f"e-mail:{org['a']}").failures == 5


def test_one_address_trying_many_accounts_waits(app, org, monkeypatch):
    still_clock(monkeypatch)
    attacker = client_from(app, "10.4.4.4")
    for n in range(rules.PER_ADDRESS.free):
        assert message(attacker.login(f"gok{n}@test.nl", "fout")) == WRONG.rstrip(".")
    # Now this address waits, whatever account it tries, even with a right password...
    response = attacker.login(org["b"], PASSWORD)
    assert "Te veel mislukte pogingen. Probeer het over 1 minuut opnieuw." in text_of(response)
    # ...while everyone else logs in as usual, and the account tried last is not held against Bram.
    assert client_from(app, "10.5.5.5").login(org["b"], PASSWORD).status_code == 302


def test_logging_in_with_ones_own_account_does_not_reset_the_address(app, org):
    attacker = client_from(app, "10.6.6.6")
    for n in range(3):
        attacker.login(f"gok{n}@test.nl", "fout")
    assert attacker.login(org["a"], PASSWORD).status_code == 302
    assert row(app, "ip:10.6.6.6").failures == 3  # the right attempt took only itself back


def test_old_failures_are_forgotten(app, org):
    guesser = client_from(app, "10.7.7.7")
    for _ in range(4):
        guesser.login(org["a"], "fout")
    with app.app_context():
        LoginThrottle.update(window_start=models.now() - dt.timedelta(days=2)).execute()
    # A day later the count starts again: this is failure 1, not 5, so no wait follows it.
    guesser.login(org["a"], "fout")
    assert row(app, f"e-mail:{org['a']}").failures == 1
    assert row(app, f"e-mail:{org['a']}").wait_until is None


def test_behind_a_trusted_proxy_the_forwarded_address_counts(database_url, monkeypatch):
    """Without it, one guesser behind the intranet's web server would make everyone wait."""
    from app import create_app

    monkeypatch.setenv("POP_TRUSTED_PROXIES", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    c = Client(app)
    c.http.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.7"
    c.login("niemand@test.nl", "fout")
    assert row(app, "ip:192.0.2.7").failures == 1
    assert row(app, "ip:127.0.0.1") is None
