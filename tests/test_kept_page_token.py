"""The CSRF token put into a kept plan page (pop/fragments.py csrf_token()) is the one Flask-WTF's
generate_csrf() gives, signed with a serializer kept per key."""
import time

from flask import g, session
from flask_wtf.csrf import generate_csrf, validate_csrf

from pop import fragments


def test_the_token_is_flask_wtfs_own_and_validates(app, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)  # both signed in the same second
    with app.test_request_context("/"):
        session["csrf_token"] = "a" * 40
        ours = fragments.csrf_token()
        assert fragments.csrf_token() is ours  # kept for the request, in g as Flask-WTF keeps it
        del g.csrf_token
        assert generate_csrf() == ours
        validate_csrf(ours)  # raises when not valid
        app.secret_key = "een-andere-sleutel"  # another key: another serializer, another signature
        del g.csrf_token
        assert fragments.csrf_token() != ours


def test_a_session_without_a_token_gets_one_made_and_kept(app):
    with app.test_request_context("/"):
        token = fragments.csrf_token()
        assert isinstance(session["csrf_token"], str) and len(session["csrf_token"]) == 40
        validate_csrf(token)
