"""The session cookie checked once per cookie and process (pop/sessions.py): what a full check refuses
stays refused, and no request shares its session with another."""
import datetime as dt
import time

from flask import request

from support import part_url


def _cookie(client) -> str:
    return client.http.get_cookie("session").value


def _open(app, cookie):
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return app.session_interface.open_session(app, request)


def test_a_kept_cookie_past_the_session_lifetime_is_refused(app, org, login, monkeypatch):
    anna = login(org["a"])
    fase2 = part_url(org["plan_a"], "fase-2")
    assert anna.get(fase2).status_code == 200  # checked in full, and kept
    again = anna.get(fase2)
    assert again.status_code == 200 and "Set-Cookie" not in again.headers  # from what was kept
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(seconds=60)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)  # the cookie's signature is 61 s old
    refused = anna.get(fase2)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_a_kept_cookie_is_refused_once_its_key_is_no_longer_the_apps(app, org, login):
    anna = login(org["a"])
    fase2 = part_url(org["plan_a"], "fase-2")
    assert anna.get(fase2).status_code == 200
    again = anna.get(fase2)
    assert again.status_code == 200 and "Set-Cookie" not in again.headers  # this cookie checked and kept
    cookie = _cookie(anna)
    app.secret_key = "een-nieuwe-sleutel"
    refused = anna.get(fase2)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    anna.http.set_cookie("session", cookie)  # the refusal's answer replaced it
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # the old key kept as a fallback: valid again
    assert anna.get(fase2).status_code == 200


def test_each_request_gets_a_session_of_its_own(app, org, login):
    anna = login(org["a"])
    cookie = _cookie(anna)
    first = _open(app, cookie)
    assert first.get("_user_id")
    first["_user_id"] = "999:0"
    first["extra"] = "x"
    second = _open(app, cookie)
    assert second["_user_id"] != "999:0" and "extra" not in second


def test_a_session_holding_a_list_is_never_shared(app):
    with app.test_request_context("/"):
        session = app.session_interface.session_class({"_flashes": [("info", "Opgeslagen.")]})
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    first = _open(app, cookie)
    first["_flashes"].append(("info", "Nog een."))
    assert _open(app, cookie)["_flashes"] == [("info", "Opgeslagen.")]


def test_a_changed_cookie_gives_an_empty_session(app, org, login):
    anna = login(org["a"])
    cookie = _cookie(anna)
    assert _open(app, cookie).get("_user_id")
    tampered = cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")
    assert dict(_open(app, tampered)) == {}
    assert dict(_open(app, tampered)) == {}  # a bad signature is never kept
