from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forms.accounts import LoginForm

from ..login import attempt, end_sessions

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only paths on this site, so a crafted link cannot send someone elsewhere after logging in.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("plans.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plans.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person, message = attempt(form.email.data, form.password.data, request.remote_addr)
        if person is not None:
            # A fresh session (so a fresh CSRF token): nothing planted before the log-in carries over.
            session.clear()
            login_user(person)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(message)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
