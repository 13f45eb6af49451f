"""Regression tests for the findings of the security review: each test is one attack that once worked."""
import pytest

from conftest import Client, csrf_from, text_of
from pop import models
from pop.models import Person
from support import error_text


# ---------------------------------------------------------------- logging in


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts the password hash checks made, wherever they are made."""
    calls = []
    real = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("who", ["unknown", "inactive", "no-password", "wrong-password"])
def test_failed_login_always_checks_a_password_hash(app, org, client, hash_checks, who):
    """A log-in for an unknown e-mail answered in 2 ms, one with a wrong password in 75 ms (scrypt):
    the answer time told which e-mail addresses have an account."""
    with app.app_context():
        if who == "inactive":
            Person.update(active=False).where(Person.email == org["a"]).execute()
        if who == "no-password":
            Person.update(password_hash="").where(Person.email == org["a"]).execute()
    email = "niemand@test.nl" if who == "unknown" else org["a"]
    response = client.login(email, "wachtwoord-123" if who != "wrong-password" else "fout-wachtwoord")
    assert response.status_code == 200
    assert error_text(response, "password") == "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert len(hash_checks) == 1


def test_login_starts_a_fresh_session(org, client):
    """A token from before the log-in (one an attacker could have planted with the session cookie) is
    no longer valid afterwards."""
    before = csrf_from(client.get("/login"))
    assert client.login(org["a"]).status_code == 302
    response = client.post("/plans/nieuw", data={"csrf_token": before, "period": "2030"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200, "the log-in itself must hold"


# ---------------------------------------------------------------- people


def _edit(app, hr, email, **changes):
    with app.app_context():
        p = Person.get(Person.email == email)
    data = {"voornaam": p.voornaam, "achternaam": p.achternaam, "email": p.email, "manager": "0",
            "role": p.role, "active": "y"}
    data.update(changes)
    return hr.post(f"/mensen/{p.id}", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("changes, field", [({"role": "medewerker"}, "role"),
                                            ({"active": None}, "active")])
def test_the_last_hr_account_cannot_lock_itself_out(app, org, login, changes, field):
    hr = login(org["hr"])
    response = _edit(app, hr, org["hr"], **changes)
    assert response.status_code == 422
    assert error_text(response, field) == \
        "Dit is het laatste actieve HR-account. Geef eerst iemand anders de rol HR."
    assert hr.get("/mensen/").status_code == 200


def test_hr_may_step_down_when_another_hr_remains(app, org, login):
    hr = login(org["hr"])
    assert _edit(app, hr, org["m2"], role="hr").status_code == 302
    assert _edit(app, hr, org["hr"], role="medewerker").status_code == 302
    assert hr.get("/mensen/").status_code == 403
    assert "Mensen" in text_of(login(org["m2"]).get("/mensen/"))
