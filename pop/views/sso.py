"""Single sign-on (OpenID Connect): /login/sso sends the browser to the provider, /login/sso/terug is
where the provider sends it back (the redirect URI to register there). Both answer 404 while
POP_OIDC_ISSUER is not set. The rules are in pop.sso; matching to a person in pop.external_login."""
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from .. import sso
from ..external_login import person_for
from ..passwords import link_url
from .auth import finish_login, safe_next

bp = Blueprint("sso", __name__)


@bp.before_request
def _only_when_configured():
    if not sso.enabled(current_app.config):
        abort(404)


@bp.route("/login/sso")
def start():
    target = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(target))
    url = sso.authorization_url(_callback_url(), target)
    if isinstance(url, sso.Refusal):
        return _back_to_login(url.message, target)
    return redirect(url)


# GET only: the provider sends the browser back with a top-level GET, on which the SameSite=Lax session
# cookie, holding the attempt, comes along.
@bp.route("/login/sso/terug")
def callback():
    target, identity = sso.finish()
    if isinstance(identity, sso.Refusal):
        return _back_to_login(identity.message, target)
    person = person_for(identity)
    if isinstance(person, str):
        return _back_to_login(person, target)
    # Authlib took the attempt out of the session already; finish_login starts a fresh one.
    return finish_login(person, safe_next(target), how=identity.source)


def _callback_url() -> str:
    # The address people know (POP_BASE_URL) when set: behind the intranet's web server the request's
    # own address may be http:// or internal, and the provider only accepts the registered one.
    return link_url(current_app.config, url_for("sso.callback"), url_for("sso.callback", _external=True))


def _back_to_login(message: str, target: str):
    flash(message, "error")
    return redirect(url_for("auth.login", next=target or None))
