"""Single sign-on with OpenID Connect: Entra ID, Keycloak or any provider that publishes a discovery
document (<issuer>/.well-known/openid-configuration). On while POP_OIDC_ISSUER is set; the settings are
in the README.

The flow is the authorization code flow with PKCE (S256), state and nonce, through Authlib's Flask
client (authlib.integrations.flask_client). What Authlib keeps between the two halves (state, nonce,
the PKCE verifier, where to go afterwards) lives in Flask's session, a signed cookie with SameSite=Lax:
the provider sends the browser back with a top-level GET (we never ask for response_mode=form_post,
which would arrive as a cross-site POST without the cookie), so the cookie comes along. Authlib
removes the attempt from the session when the callback arrives, so one attempt is finished once; the
provider's code works once too, so an old copy of the cookie does not help either.

Authlib checks the ID token (authorize_access_token -> parse_id_token): its signature against the
provider's published keys (JWKS, fetched again once for an unknown key id), iss, exp and iat (two
minutes' leeway), nonce, azp and at_hash. It does not check that aud holds our client id (only that azp
is ours when aud is someone else), so claims_options() asks for that, and for iss to be the configured
issuer.

Who the person is: the e-mail address in the claim POP_OIDC_EMAIL_CLAIM ("email"; Entra ID often sends
it only as "preferred_username" or "upn"), refused when the provider says email_verified is false, and
matched to a person by pop.external_login, with the names from given_name and family_name for someone
HR lets POP create. Every call to the provider waits at most POP_OIDC_TIMEOUT seconds. Every refusal
gets a Dutch message and a line in the security log."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, request, session
from joserfc.errors import JoseError

from . import security_log
from .external_login import Identity
from .models import Person

log = logging.getLogger("pop.sso")

CLIENT = "oidc"  # Authlib's name for the provider; its keys in the session start with _state_oidc_
SCOPES = "openid email profile"
DEFAULT_TIMEOUT = 10.0  # seconds per call to the provider: the page waits that long at most per step

DOWN = ("Inloggen via {naam} lukt nu niet: de inlogdienst is niet bereikbaar of antwoordt niet. Probeer "
        "het over een paar minuten opnieuw; blijft het gebeuren, meld het dan bij de beheerder.")
DENIED = "Inloggen via {naam} is afgebroken of geweigerd. U bent niet ingelogd."
PROVIDER_ERROR = ("Inloggen via {naam} is niet gelukt: de inlogdienst gaf een foutmelding. U bent niet "
                  "ingelogd. Probeer het opnieuw; blijft het gebeuren, meld het dan bij de beheerder.")
EXPIRED = ("Deze inlogpoging is verlopen of al gebruikt. U bent niet ingelogd; klik opnieuw op "
           "‘Inloggen met {naam}’.")
REJECTED = ("Het antwoord van {naam} kon niet worden gecontroleerd, dus u bent niet ingelogd. Probeer het "
            "opnieuw; blijft het gebeuren, meld het dan bij de beheerder.")
NOT_SET_UP = "Inloggen via {naam} is niet goed ingesteld. Meld het bij de beheerder."
NO_EMAIL = ("Inloggen via {naam} is niet gelukt: de inlogdienst gaf geen e-mailadres van u door, en POP "
            "herkent mensen aan hun e-mailadres. Meld het bij de beheerder.")
UNVERIFIED = ("Uw e-mailadres is bij {naam} nog niet bevestigd, en POP herkent mensen aan hun "
              "e-mailadres. Bevestig het daar eerst, of vraag de beheerder om hulp.")


@dataclass(frozen=True)
class Refusal:
    """Why a log-in through the provider did not happen, in Dutch for the person."""

    message: str


def enabled(config) -> bool:
    return bool(config.get("POP_OIDC_ISSUER"))


def name(config) -> str:
    """The provider's name in messages ("Inloggen via Keycloak ...")."""
    return config.get("POP_OIDC_NAME") or "single sign-on"


def how(config) -> str:
    """How the person logged in, for the security log."""
    return f"single sign-on ({config.get('POP_OIDC_NAME') or 'OpenID Connect'})"


def issuer(config) -> str:
    return (config.get("POP_OIDC_ISSUER") or "").rstrip("/")


def timeout(config) -> float:
    try:
        seconds = float(config.get("POP_OIDC_TIMEOUT") or DEFAULT_TIMEOUT)
    except ValueError:
        return DEFAULT_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_TIMEOUT


def _client():
    """This app's Authlib client, made at first use from the settings (one per app: the tests make an
    app per test, each with its own provider address)."""
    app = current_app._get_current_object()
    client = app.extensions.get("pop_sso")
    if client is None:
        config = app.config
        oauth = OAuth(app)
        client = oauth.register(
            CLIENT,
            client_id=config.get("POP_OIDC_CLIENT_ID"),
            client_secret=config.get("POP_OIDC_CLIENT_SECRET"),
            server_metadata_url=issuer(config) + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                           "default_timeout": timeout(config)})
        client = app.extensions.setdefault("pop_sso", client)
    return client


def _metadata(client) -> dict:
    """The discovery document (fetched once per process). Its issuer must be the one configured, as
    OpenID Connect Discovery demands: otherwise the tokens' iss could never be checked against ours."""
    metadata = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != issuer(current_app.config):
        raise Misconfigured(f"de issuer van de inlogdienst ({metadata.get('issuer')!r}) is niet "
                            f"POP_OIDC_ISSUER")
    return metadata


class Misconfigured(Exception):
    pass


def claims_options(metadata: dict, client_id: str) -> dict:
    # Given to Authlib, these replace its own default (iss only): aud must hold our client id.
    return {"iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id}}


def authorization_url(redirect_uri: str, target: str | None) -> str | Refusal:
    """Where to send the browser to log in at the provider; the attempt (state, nonce, PKCE verifier,
    target) is kept in the session."""
    config = current_app.config
    if not config.get("POP_OIDC_CLIENT_ID"):
        log.error("POP_OIDC_ISSUER is ingesteld, maar POP_OIDC_CLIENT_ID niet: single sign-on staat uit.")
        return _refuse(NOT_SET_UP, "POP_OIDC_CLIENT_ID ontbreekt")
    client = _client()
    try:
        _metadata(client)
        found = client.create_authorization_url(redirect_uri)
    except Exception as error:  # noqa: BLE001 - whatever the discovery document holds, never a 500
        return _refuse_for(error)
    url = found.pop("url")  # the rest (state, nonce, code_verifier) is what the callback needs
    client.save_authorize_data(redirect_uri=redirect_uri, next=target or "", **found)
    return url


def finish() -> tuple[str, Identity | Refusal]:
    """The provider sent the browser back: (the target kept since the start, or ""; the Identity the
    provider vouches for, or the Refusal). Needs the session of the browser that started."""
    config = current_app.config
    client = _client()
    state = request.args.get("state") or ""
    attempt = client.framework.get_state_data(session, state) or {}
    target = attempt.get("next") or ""
    error = request.args.get("error")
    if error:
        client.framework.clear_state_data(session, state)
        code = re.sub(r"[^a-z_]", "", error.lower())[:40]  # typed by anyone into the address: keep it tame
        return target, _refuse(DENIED if code == "access_denied" else PROVIDER_ERROR,
                               f"geweigerd door de inlogdienst ({code})")
    try:
        metadata = _metadata(client)
        token = client.authorize_access_token(claims_options=claims_options(metadata, client.client_id))
    except Exception as error:  # noqa: BLE001 - whatever the provider answered, never a 500 or a log-in
        return target, _refuse_for(error)
    claims = token.get("userinfo")
    if not claims:  # Authlib checks an ID token only when there is one: without it nobody is vouched for
        return target, _refuse(REJECTED, "het antwoord bevatte geen ID-token")
    return target, identity_from(claims, config)


def identity_from(claims: dict, config) -> Identity | Refusal:
    claim = config.get("POP_OIDC_EMAIL_CLAIM") or "email"
    email = claims.get(claim)
    if not isinstance(email, str) or not email.strip():
        return _refuse(NO_EMAIL, f"geen e-mailadres in de claim {claim!r}")
    if claims.get("email_verified") in (False, "false"):
        # An address someone typed at the provider and never confirmed proves nothing about who they are.
        person = Person.get_or_none(Person.email == email.strip().lower())
        return _refuse(UNVERIFIED, f"e-mailadres niet bevestigd bij de inlogdienst: {email.strip()}", person)

    def text(key):
        value = claims.get(key)
        return value if isinstance(value, str) else ""

    return Identity(email=email, voornaam=text("given_name"), achternaam=text("family_name"),
                    source=how(config))


def _refuse_for(error: Exception) -> Refusal:
    if isinstance(error, requests.Timeout):
        seconds = f"{timeout(current_app.config):g}".replace(".", ",")
        return _refuse(DOWN, f"de inlogdienst gaf binnen {seconds} s geen antwoord")
    if isinstance(error, requests.RequestException):
        return _refuse(DOWN, f"de inlogdienst is niet bereikbaar ({type(error).__name__})")
    if isinstance(error, Misconfigured):
        log.error("Single sign-on is niet goed ingesteld: %s.", error)
        return _refuse(NOT_SET_UP, str(error))
    if isinstance(error, MismatchingStateError):
        # Not started in this browser, already finished, or older than Authlib's hour.
        return _refuse(EXPIRED, "onbekende of al afgeronde inlogpoging (state)")
    if isinstance(error, OAuthError):  # the token endpoint refused: a used or foreign code, our secret
        return _refuse(REJECTED, f"de inlogdienst weigerde de code ({error.error})")
    if isinstance(error, JoseError):
        return _refuse(REJECTED, f"ID-token afgewezen ({error})")
    log.warning("Onverwacht antwoord bij single sign-on", exc_info=error)
    return _refuse(REJECTED, f"onverwacht antwoord van de inlogdienst ({type(error).__name__})")


def _refuse(message: str, detail: str, subject: Person | None = None) -> Refusal:
    config = current_app.config
    security_log.record("inloggen_mislukt", None, subject, f"via {how(config)}: {detail}")
    return Refusal(message.format(naam=name(config)))
