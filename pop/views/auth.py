from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forms.accounts import login_form

from .. import directory, security_log
from ..login import DEVICE_COOKIE, DEVICE_DAYS, Outcome, device_cookie, device_of, end_sessions, log_in
from ..models import Person

bp = Blueprint("auth", __name__)


@bp.before_app_request
def _untrusted_proxy():
    """Once per process: a request forwarded by a web server that is not trusted means every client
    has that server's address, so the log-in limit per address holds all of them together."""
    app = current_app._get_current_object()
    if app.extensions.get("pop_proxy_warned") or "X-Forwarded-For" not in request.headers:
        return
    if not app.config.get("POP_TRUSTED_PROXIES"):
        app.extensions["pop_proxy_warned"] = True
        app.logger.warning(
            "Verzoeken komen binnen via een proxy (X-Forwarded-For), maar POP_TRUSTED_PROXIES is niet "
            "ingesteld: alle gebruikers hebben dan het adres %s en de log-in-limiet per adres telt hun "
            "mislukte pogingen samen. Zet POP_TRUSTED_PROXIES op het aantal proxy's (1 voor één nginx).",
            request.remote_addr)


def safe_next(target: str | None) -> str:
    # Only paths on this site, so a crafted link cannot send someone elsewhere after logging in.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("plans.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plans.index"))
    config = current_app.config
    ldap = directory.Settings.from_config(config)
    local = bool(config.get("POP_LOCAL_PASSWORDS", True))
    # No password form when no password can be checked: only single sign-on logs people in.
    form = login_form(ldap is not None) if local or ldap is not None else None
    if form is None and request.method == "POST":
        return render_template("auth/login.html", form=None, sso_name=sso_name()), 403
    if form is not None and form.validate_on_submit():
        secret = current_app.secret_key
        device = device_of(secret, request.cookies.get(DEVICE_COOKIE), form.email.data)
        outcome = log_in(form.email.data, form.password.data, request.remote_addr, device, local=local,
                         directory=ldap)
        if outcome.person is not None:
            response = finish_login(outcome.person, safe_next(request.args.get("next")), outcome.how)
            # The cookie names what was typed (an address or a user name): the next log-in finds it.
            _remember_device(response, device_cookie(secret, form.email.data))
            return response
        _failed(outcome)
        form.password.errors.append(outcome.message)
    return render_template("auth/login.html", form=form, sso_name=sso_name(), directory=ldap is not None,
                           local_passwords=local)


def sso_name() -> str:
    """The identity provider's name on the log-in page's button ("Inloggen met …"), "" without one."""
    from .. import sso

    config = current_app.config
    return sso.name(config) if sso.enabled(config) else ""


def finish_login(person: Person, target: str, how: str = ""):
    """Log the person in, whichever way they proved who they are (password, directory, single sign-on),
    and send them on to target, a path on this site."""
    # A fresh session (so a fresh CSRF token): nothing planted before the log-in carries over.
    session.clear()
    login_user(person)
    security_log.record("ingelogd", person, person, f"via {how}" if how else "")
    return redirect(target)


def _failed(outcome: Outcome) -> None:
    if outcome.log_kind:  # "": pop.external_login wrote its line already
        security_log.record(outcome.log_kind, None, outcome.about, outcome.detail)


def _remember_device(response, value: str) -> None:
    # This browser logged in to this account: a stranger's guesses elsewhere never make it wait
    # (pop.login). Sent to the log-in page only; it opens nothing by itself.
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, path=url_for("auth.login"),
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True,
                        samesite="Lax")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    security_log.record("uitgelogd", current_user, current_user)
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
