"""Single sign-on with OpenID Connect, the whole round trip against a provider the tests run themselves
(tests/oidc_provider.py, on a loopback port): our /login/sso sends the browser to the provider, the
browser fetches that address over HTTP, the provider sends it back to our callback, and our server
fetches the discovery document, the token and the keys from the provider itself.

The provider is strict (client secret, single-use code, redirect URI, PKCE S256) and can be told to
misbehave: each way the ID token can be wrong, the refusal, a slow or absent provider. Every failure
must end on the log-in page with its Dutch message and a security log line, never logged in."""
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conftest import Client, text_of
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, serve
from pop import external_login, settings, sso
from pop.models import Person, SecurityEvent

BASE = "https://pop.intranet.test"  # POP_BASE_URL: the redirect URI registered at the provider
CALLBACK = BASE + "/login/sso/terug"
ANNA = {"email": "a@test.nl", "email_verified": True, "given_name": "Anna", "family_name": "Alfa"}


@pytest.fixture(scope="module")
def provider():
    provider = Provider(redirect_uri=CALLBACK)
    stop = serve(provider)
    yield provider
    stop()


@pytest.fixture
def sso_app(app, org, provider):
    provider.reset(user=dict(ANNA))
    app.config.update(POP_OIDC_ISSUER=provider.base, POP_OIDC_CLIENT_ID=CLIENT_ID,
                      POP_OIDC_CLIENT_SECRET=CLIENT_SECRET, POP_OIDC_NAME="Testdienst", POP_BASE_URL=BASE,
                      POP_OIDC_TIMEOUT="2")
    return app


def to_provider(client, start="/login/sso"):
    """GET our start page: the address at the provider it sends the browser to."""
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def at_provider(url):
    """The browser at the provider (over HTTP): where the provider sends it back, on our site."""
    back = requests.get(url, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text[:500]
    assert back.headers["Location"].startswith(CALLBACK + "?")
    return back.headers["Location"].removeprefix(BASE)


def round_trip(client, start="/login/sso"):
    """The whole log-in: the response of our callback."""
    return client.get(at_provider(to_provider(client, start)))


def followed(client, response):
    return client.get(response.headers["Location"])


def log_lines(app, kind):
    with app.app_context():
        return [(e.subject_name, e.detail) for e in
                SecurityEvent.select().where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)]


def logged_in_as(client) -> str:
    """The name in the header of the first page, or "" when it sends to the log-in page."""
    page = client.get("/")
    if page.status_code == 302:
        return ""
    assert page.status_code == 200
    return text_of(page)


def refused(app, client, response, message, detail):
    """The callback (or start) ended on the log-in page with message, not logged in, and the security
    log says why."""
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    page = followed(client, response)
    assert page.status_code == 200
    assert message.format(naam="Testdienst") in text_of(page)
    assert logged_in_as(client) == ""
    assert log_lines(app, "ingelogd") == []
    lines = log_lines(app, "inloggen_mislukt")
    assert lines and detail in lines[-1][1], lines
    assert "via single sign-on (Testdienst)" in lines[-1][1]
    return lines[-1]


# ---------------------------------------------------------------- logging in

def test_known_person_logs_in_by_e_mail_and_the_log_says_how(sso_app, provider):
    provider.reset(user={**ANNA, "email": "A@Test.NL"})  # addresses match whatever their case
    client = sso_app.test_client()
    url = to_provider(client)
    asked = parse_qs(urlsplit(url).query)
    assert url.startswith(provider.base + "/authorize?")
    assert asked["scope"] == ["openid email profile"] and asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == [CALLBACK]  # POP_BASE_URL, not the request's own address
    assert "response_mode" not in asked  # form_post would come back as a POST without our cookie
    response = client.get(at_provider(url))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Anna Alfa" in logged_in_as(client)
    assert log_lines(sso_app, "ingelogd") == [("Anna Alfa", "via single sign-on (Testdienst)")]
    assert log_lines(sso_app, "inloggen_mislukt") == []
    # Our server sent the PKCE verifier and the same redirect URI (the provider checked both), and the
    # attempt is gone from the session.
    assert provider.token_requests[0]["code_verifier"] and provider.token_requests[0]["redirect_uri"] == CALLBACK
    with client.session_transaction() as session:
        assert not [key for key in session if key.startswith("_state_")]
    with sso_app.app_context():  # not changed by logging in
        anna = Person.get(Person.email == "a@test.nl")
        assert (anna.voornaam, anna.role) == ("Anna", "medewerker")


def test_e_mail_from_another_claim_as_entra_id_sends_it(sso_app, provider):
    provider.reset(user={"preferred_username": "b@test.nl", "name": "Bram Beta"})
    sso_app.config["POP_OIDC_EMAIL_CLAIM"] = "preferred_username"
    client = sso_app.test_client()
    assert round_trip(client).status_code == 302
    assert "Bram Beta" in logged_in_as(client)


def test_unknown_person_refused_with_the_dutch_message(sso_app, provider):
    provider.reset(user={**ANNA, "email": "nieuw@test.nl"})
    client = sso_app.test_client()
    refused(sso_app, client, round_trip(client), external_login.UNKNOWN, "onbekend in POP: nieuw@test.nl")
    with sso_app.app_context():
        assert Person.get_or_none(Person.email == "nieuw@test.nl") is None


def test_unknown_person_created_as_medewerker_when_hr_allows_it(sso_app, provider):
    with sso_app.app_context():
        settings.put(settings.CREATE_UNKNOWN_ON_LOGIN, True, None)
    provider.reset(user={"email": "nina@test.nl", "email_verified": True, "given_name": "Nina",
                         "family_name": "Nieuwkomer"})
    client = sso_app.test_client()
    assert round_trip(client).status_code == 302
    assert "Nina Nieuwkomer" in logged_in_as(client)
    with sso_app.app_context():
        nina = Person.get(Person.email == "nina@test.nl")
        assert (nina.voornaam, nina.achternaam, nina.role, nina.manager_id, nina.password_hash) == (
            "Nina", "Nieuwkomer", "medewerker", None, "")
    assert log_lines(sso_app, "aangemaakt_bij_inloggen") == [("Nina Nieuwkomer",
                                                             "via single sign-on (Testdienst)")]


def test_inactive_person_refused(sso_app, provider):
    with sso_app.app_context():
        Person.update(active=False).where(Person.email == "a@test.nl").execute()
    client = sso_app.test_client()
    line = refused(sso_app, client, round_trip(client), external_login.INACTIVE, "account is niet actief")
    assert line[0] == "Anna Alfa"


@pytest.mark.parametrize("verified", [False, "false"])
def test_e_mail_the_provider_did_not_verify_refused(sso_app, provider, verified):
    provider.reset(user={**ANNA, "email_verified": verified})
    client = sso_app.test_client()
    line = refused(sso_app, client, round_trip(client), sso.UNVERIFIED,
                   "e-mailadres niet bevestigd bij de inlogdienst: a@test.nl")
    assert line[0] == "Anna Alfa"  # HR sees whose address it was


def test_no_e_mail_refused(sso_app, provider):
    provider.reset(user={"given_name": "Anna"})
    client = sso_app.test_client()
    refused(sso_app, client, round_trip(client), sso.NO_EMAIL, "geen e-mailadres in de claim 'email'")


# ---------------------------------------------------------------- the ID token, checked

@pytest.mark.parametrize("how, detail", [
    ({"claims": {"aud": "een-andere-app"}}, "'aud'"),
    # Authlib alone accepts this one (it checks azp, not that aud holds us): our claims_options must.
    ({"claims": {"aud": ["een-andere-app"], "azp": CLIENT_ID}}, "'aud'"),
    ({"claims": {"exp": int(time.time()) - 600}}, "expired_token"),
    ({"claims": {"nonce": "een-andere-poging"}}, "'nonce'"),
    ({"claims": {"iss": "https://elders.test"}}, "'iss'"),
    ({"foreign_key": True}, "bad_signature"),
], ids=["wrong-audience", "audience-not-us-but-azp", "expired", "wrong-nonce", "wrong-issuer",
        "bad-signature"])
def test_bad_id_token_refused(sso_app, provider, how, detail):
    provider.reset(user=dict(ANNA), **how)
    client = sso_app.test_client()
    line = refused(sso_app, client, round_trip(client), sso.REJECTED, "ID-token afgewezen")
    assert detail in line[1]


def test_answer_without_id_token_refused(sso_app, provider):
    provider.reset(user=dict(ANNA), no_id_token=True)
    client = sso_app.test_client()
    refused(sso_app, client, round_trip(client), sso.REJECTED, "geen ID-token")


def test_wrong_client_secret_refused(sso_app, provider):
    sso_app.config["POP_OIDC_CLIENT_SECRET"] = "niet-het-geheim"
    client = sso_app.test_client()
    refused(sso_app, client, round_trip(client), sso.REJECTED, "weigerde de code (invalid_client)")


# ---------------------------------------------------------------- the attempt: state, replays

def test_callback_in_another_browser_or_with_another_state_refused(sso_app, provider):
    starter = sso_app.test_client()
    back = at_provider(to_provider(starter))
    # Someone else's browser (a link planted in a mail: log-in CSRF) has no such attempt.
    stranger = sso_app.test_client()
    refused(sso_app, stranger, stranger.get(back), sso.EXPIRED, "(state)")
    # The starting browser with the state changed.
    query = parse_qs(urlsplit(back).query)
    other = f"/login/sso/terug?code={query['code'][0]}&state=ander{query['state'][0]}"
    refused(sso_app, starter, starter.get(other), sso.EXPIRED, "(state)")
    assert provider.token_requests == []  # refused before the code was ever used


def test_replayed_callback_refused_even_with_the_old_cookie(sso_app, provider):
    client = sso_app.test_client()
    back = at_provider(to_provider(client))
    old_cookie = client.get_cookie("session").value
    assert client.get(back).status_code == 302
    assert "Anna Alfa" in logged_in_as(client)
    # The same browser again: the attempt left the session when it was used.
    again = client.get(back)
    assert again.status_code == 302 and "Anna Alfa" in logged_in_as(client)  # still Anna, nothing new
    # A copy of the cookie from before still holds the attempt (a signed cookie cannot be taken
    # back), but the provider's code worked once.
    thief = sso_app.test_client()
    thief.set_cookie("session", old_cookie)
    response = thief.get(back)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    assert sso.REJECTED.format(naam="Testdienst") in text_of(followed(thief, response))
    assert logged_in_as(thief) == ""
    refused_line = log_lines(sso_app, "inloggen_mislukt")[-1]
    assert "weigerde de code (invalid_grant)" in refused_line[1]
    assert [name for name, _ in log_lines(sso_app, "ingelogd")] == ["Anna Alfa"]


def test_session_cookie_lax_so_the_way_back_carries_it_and_the_callback_is_get_only(sso_app):
    client = sso_app.test_client()
    start = client.get("/login/sso")
    cookie = start.headers["Set-Cookie"]
    # Strict would leave the cookie behind on the provider's redirect back (a cross-site navigation):
    # every attempt would then be "expired".
    assert cookie.startswith("session=") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert client.post("/login/sso/terug").status_code == 405


# ---------------------------------------------------------------- the provider says no, or is not there

def test_provider_refuses(sso_app, provider):
    provider.reset(user=dict(ANNA), deny=True)
    client = sso_app.test_client()
    refused(sso_app, client, round_trip(client), sso.DENIED, "geweigerd door de inlogdienst (access_denied)")
    with client.session_transaction() as session:
        assert not [key for key in session if key.startswith("_state_")]


def test_provider_down_answers_quickly(sso_app):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sso_app.config["POP_OIDC_ISSUER"] = f"http://127.0.0.1:{port}"
    client = sso_app.test_client()
    began = time.monotonic()
    response = client.get("/login/sso")
    assert time.monotonic() - began < 2
    refused(sso_app, client, response, sso.DOWN, "de inlogdienst is niet bereikbaar (ConnectionError)")


def test_slow_provider_is_given_up_on_after_the_time_out(sso_app, provider):
    sso_app.config["POP_OIDC_TIMEOUT"] = "0.3"
    provider.reset(user=dict(ANNA), slow=1.5)  # at the token endpoint, after the browser came back
    client = sso_app.test_client()
    back = at_provider(to_provider(client))
    began = time.monotonic()
    response = client.get(back)
    assert time.monotonic() - began < 1.2
    refused(sso_app, client, response, sso.DOWN, "binnen 0,3 s geen antwoord")


def test_set_up_wrongly_refused_with_a_message_for_the_administrator(sso_app, provider):
    # The discovery document names another issuer than the one configured: its tokens' iss could not
    # be checked against ours.
    provider.reset(user=dict(ANNA), discovery_issuer="https://elders.test")
    client = sso_app.test_client()
    refused(sso_app, client, client.get("/login/sso"), sso.NOT_SET_UP, "is niet POP_OIDC_ISSUER")
    sso_app.config["POP_OIDC_CLIENT_ID"] = ""
    refused(sso_app, client, client.get("/login/sso"), sso.NOT_SET_UP, "POP_OIDC_CLIENT_ID ontbreekt")


# ---------------------------------------------------------------- where to afterwards, and when it is off

def test_next_is_kept_across_the_round_trip_and_only_on_this_site(sso_app, org):
    plan = f"/plans/{org['plan_a']}"
    client = sso_app.test_client()
    assert round_trip(client, f"/login/sso?next={plan}").headers["Location"] == plan
    for outside in ("https://elders.test/", "//elders.test/pad"):
        client = sso_app.test_client()
        assert round_trip(client, f"/login/sso?next={outside}").headers["Location"] == "/"


def test_refusal_keeps_next_for_the_next_try(sso_app, provider, org):
    provider.reset(user=dict(ANNA), deny=True)
    client = sso_app.test_client()
    plan = f"/plans/{org['plan_a']}"
    response = round_trip(client, f"/login/sso?next={plan}")
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"next": [plan]}
    # The log-in page's button carries it on.
    assert f'href="/login/sso?next={plan}"' in followed(client, response).get_data(as_text=True)


def test_button_on_the_log_in_page_only_when_set_up(app, sso_app):
    assert "Inloggen met Testdienst" in text_of(Client(sso_app).get("/login"))
    sso_app.config["POP_OIDC_ISSUER"] = ""
    page = Client(sso_app).get("/login")
    assert page.status_code == 200 and "Inloggen met" not in text_of(page)
    for path in ("/login/sso", "/login/sso/terug?code=x&state=y"):
        assert Client(sso_app).get(path).status_code == 404
