"""One's own password: changing it (/account), a forgotten one (/login/vergeten), the one-time links that
set it (/wachtwoord/...), and HR's invitation (/mensen/<id>/uitnodigen). The rules are in pop.passwords."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from forms.account_forms import ChangePasswordForm, ForgotForm, SetPasswordForm

from .. import login as rules
from .. import passwords, security_log
from ..models import Person
from ..reminders import MailFailed
from .people import hr_required

bp = Blueprint("account", __name__)

PROBLEMS = {
    "gebruikt": ("Deze link is al gebruikt",
                 "Met deze link is al een wachtwoord gekozen, of er is daarna een nieuwere link gestuurd. "
                 "Een link werkt maar één keer."),
    "verlopen": ("Deze link is verlopen",
                 "Een uitnodiging is 7 dagen geldig, een link voor een nieuw wachtwoord een uur."),
    "ongeldig": ("Deze link werkt niet",
                 "De link is niet volledig of niet van POP. Kopieer hem in zijn geheel uit de e-mail, of "
                 "vraag een nieuwe aan."),
}


@bp.route("/account", methods=["GET", "POST"])
@login_required
def own():
    off = _no_password_to_change(current_app.config)
    if off:
        return render_template("account/own.html", form=None, off=off), 403 if request.method == "POST" else 200
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Checked like a log-in, on the same counters: a session left open on a shared PC must not give
        # unlimited guesses at the password behind it.
        person, message = rules.attempt(current_user.email, form.current.data, request.remote_addr)
        if person is None or person.id != current_user.id:
            security_log.record("wachtwoord_wijzigen_mislukt", current_user, current_user,
                                "huidig wachtwoord onjuist" if message in ("", rules.WRONG)
                                else "te veel pogingen, tegengehouden")
            form.current.errors.append("Dit is niet uw huidige wachtwoord."
                                       if message in ("", rules.WRONG) else message)
        else:
            passwords.set_password(person, form.password.data)
            security_log.record("wachtwoord_gewijzigd", person, person,
                                "via Mijn account; sessies op andere apparaten beëindigd")
            # The new session version ends every other session; this one goes on with it.
            login_user(person)
            flash("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.", "success")
            return redirect(url_for("account.own"))
    return render_template("account/own.html", form=form), 422 if form.errors else 200


def _no_password_to_change(config) -> str:
    """Why /account has no password form, or "" when it has one."""
    if not passwords.local_passwords(config):
        return passwords.off_text(config)
    if not current_user.password_hash and passwords.other_way(config):
        # Someone the directory or single sign-on logs in: POP has no password of theirs to change.
        return (f"U logt in met {passwords.login_way(config)} en hebt geen wachtwoord van POP. Uw "
                "wachtwoord wijzigt u daar, niet in POP.")
    return ""


@bp.route("/login/vergeten", methods=["GET", "POST"])  # under /login: the device cookie comes along
def forgot():
    config = current_app.config
    if not passwords.local_passwords(config):
        return render_template("account/forgot.html", form=None, off=passwords.off_text(config)), \
            403 if request.method == "POST" else 200
    form = ForgotForm()
    asked = False
    status = 200
    ready = passwords.mail_ready(current_app.config)
    if form.validate_on_submit():
        email = rules.normal(form.email.data)
        device = rules.device_of(current_app.secret_key, request.cookies.get(rules.DEVICE_COOKIE), email)
        wait = passwords.throttle_reset(email, request.remote_addr, device)
        # Only the log tells whether the address has an account; the page answers every one the same.
        known = Person.get_or_none(Person.email == email)
        if known is None:
            about, detail = None, f"onbekend e-mailadres: {email}"
        else:
            about, detail = known, "" if known.active else "account is niet actief; niets gemaild"
        if wait:
            security_log.record("herstel_tegengehouden", None, about, detail)
            form.email.errors.append(wait)
            status = 429
        else:
            asked = True
            person = known if known is not None and known.active else None
            if person is not None and not ready:
                detail = "e-mail is niet ingesteld; niets gemaild"
            security_log.record("herstel_gevraagd", None, about, detail)
            if person is not None and ready:
                passwords.send_later(current_app.config, person, passwords.RESET,
                                     _link(person, passwords.RESET))
    elif form.errors:
        status = 422
    return render_template("account/forgot.html", form=form, asked=asked, asked_text=passwords.ASKED,
                           mail_ready=ready), status


def _link(person: Person, purpose: str) -> str:
    token = passwords.issue(person, purpose, current_app.secret_key)
    path = url_for("account.link", purpose=purpose, token=token)
    return passwords.link_url(current_app.config, path, url_for("account.link", purpose=purpose, token=token,
                                                                 _external=True))


@bp.route("/wachtwoord/<any(uitnodiging, herstel):purpose>/<token>", methods=["GET", "POST"])
def link(purpose: str, token: str):
    if not passwords.local_passwords(current_app.config):
        # An invitation or reset mailed before the passwords were switched off.
        response = current_app.make_response((render_template(
            "account/link_problem.html", title="Wachtwoorden van POP staan uit",
            text=passwords.off_text(current_app.config), purpose=purpose, off=True), 410))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    found = passwords.find(token, purpose, current_app.secret_key)
    if found.problem:
        title, text = PROBLEMS[found.problem]
        response = current_app.make_response((render_template(
            "account/link_problem.html", title=title, text=text, purpose=purpose), 410))
    else:
        form = SetPasswordForm()
        if form.validate_on_submit():
            if passwords.use(found.token, form.password.data):
                who = found.token.person
                security_log.record("uitnodiging_gebruikt" if purpose == passwords.INVITATION
                                    else "herstel_gebruikt", who, who,
                                    "wachtwoord gekozen; andere links en sessies vervallen")
                flash("Uw wachtwoord is ingesteld. Log in met uw e-mailadres en het nieuwe wachtwoord.",
                      "success")
                return redirect(url_for("auth.login"))
            title, text = PROBLEMS["gebruikt"]  # another tab or request used it a moment ago
            return render_template("account/link_problem.html", title=title, text=text, purpose=purpose), 410
        response = current_app.make_response((render_template(
            "account/set_password.html", form=form, person=found.token.person, purpose=purpose),
            422 if form.errors else 200))
    # The token is in this page's address: no other site, nor our own next page, gets it as Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/mensen/<int:person_id>/uitnodigen", methods=["POST"])
@hr_required
def invite(person_id: int):
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        abort(404)
    if not passwords.local_passwords(current_app.config):
        flash(passwords.off_text_hr(current_app.config) + f" {person.naam} is dus niet uitgenodigd.", "error")
        return redirect(url_for("people.index"))
    return invitation_sent(person)


def invitation_sent(person: Person):
    """Make an invitation for this person and mail it; when mail is off or fails, HR gets the link on the
    page to pass on. Also used right after HR creates someone with "Uitnodigen" ticked."""
    if not person.active:
        flash(f"{person.naam} is niet actief en kan niet worden uitgenodigd.", "error")
        return redirect(url_for("people.index"))
    url = _link(person, passwords.INVITATION)
    config = current_app.config
    problem = ""
    if passwords.mail_ready(config):
        try:
            passwords.send(config, person, passwords.INVITATION, url)
        except MailFailed as exc:
            problem = f"De uitnodiging kon niet worden gemaild: {exc}"
        else:
            security_log.record("uitnodiging_verstuurd", current_user, person, f"gemaild naar {person.email}")
            flash(f"Uitnodiging gemaild naar {person.email}. De link is 7 dagen geldig.", "success")
            return redirect(url_for("people.index"))
    else:
        settings = passwords.mail_settings(config)
        missing = ["POP_SMTP_HOST"] * (not settings.enabled) + settings.missing()
        problem = ("E-mail is niet ingesteld (" + ", ".join(missing) + " ontbreekt), dus de uitnodiging is "
                   "niet gemaild.")
    # The link itself never: whoever reads the log must not be able to set the password with it.
    security_log.record("uitnodiging_verstuurd", current_user, person,
                        "niet gemaild; link aan HR getoond om door te geven")
    return render_template("account/invited.html", person=person, url=url, problem=problem)
