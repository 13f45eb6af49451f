"""Colleagues' feedback (the rules in pop/feedback.py): the employee asks a colleague
(/plans/<id>/feedback/vragen), shares an answer with the plan, stops sharing it, or withdraws a request,
from the block beside the table on the part page; a colleague in POP answers at /feedback/<id> (logged
in), someone without an account at /feedback/link/<token> (no log-in). The answer pages show the
employee's name and the form's questions, nothing of the plan; nothing typed there is lost: a refused
answer, an expired form or an ended session gives the text back."""
from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from forms.feedback_forms import AnswerForm, AskForm

from .. import answers, drafts, feedback, feedback_mail, passwords
from ..models import FeedbackRequest
from ..reminders import MailFailed
from .plans import plan_or_404

bp = Blueprint("feedback", __name__)

DRAFT_KIND = "feedback"  # pop/drafts.py: an answer posted after the session ended
PROBLEMS = {
    "ongeldig": ("Deze link werkt niet",
                 "De link is niet volledig of niet van POP. Kopieer hem in zijn geheel uit de e-mail."),
    "onbekend": ("Deze vraag bestaat niet meer",
                 "Wie u om feedback vroeg, heeft de vraag ingetrokken. U hoeft niets meer te doen."),
    "beantwoord": ("Deze vraag is al beantwoord",
                   "Op deze vraag om feedback is al geantwoord. Een antwoord kan maar één keer worden "
                   "gegeven."),
    "verlopen": ("Deze link is verlopen",
                 f"Een vraag om feedback kan {feedback.VALID.days} dagen worden beantwoord; die tijd is "
                 "voorbij. Wilt u toch iets laten weten, neem dan zelf contact op met wie het u vroeg."),
    "gesloten": ("Deze vraag is gesloten",
                 "Het plan waarvoor deze feedback werd gevraagd, is afgerond. Er kan niet meer op worden "
                 "geantwoord."),
}
NOT_SENT = "Niet verstuurd: kijk bij de vragen wat er nodig is. Uw tekst staat er nog."
SESSION_ENDED = ("U was niet meer ingelogd, dus uw feedback is nog niet verstuurd. Log opnieuw in: daarna "
                 "staat wat u typte weer in het formulier.")


def _back(plan) -> str:
    part = feedback.declared(plan)[0]
    return url_for("plans.part", plan_id=plan.id, part_key=part.key, _anchor="feedback")


# ---------------------------------------------------------------- the employee

@bp.route("/plans/<int:plan_id>/feedback/vragen", methods=["GET", "POST"])
@login_required
def ask(plan_id: int):
    plan = plan_or_404(plan_id)
    found = feedback.declared(plan) or abort(404)
    reason = feedback.why_not_ask(current_user, plan)
    if plan.employee_id != current_user.id:
        abort(403, description=reason)
    form = AskForm()
    form.colleague.choices = [(0, "(kies een collega)")] + [
        (p.id, f"{p.naam} ({p.afdeling})" if p.afdeling else p.naam)
        for p in feedback.colleagues(current_user)]
    notice = reason
    if not reason and form.validate_on_submit():
        try:
            asked = feedback.ask(plan, current_user, current_app.secret_key, form.colleague.data or None,
                                 form.name.data, form.email.data)
        except feedback.Refused as refused:
            field = getattr(form, refused.field, None) if refused.field else None
            if field is not None:
                field.errors = [*field.errors, str(refused)]
            else:
                notice = str(refused)
        else:
            return _sent(plan, asked)
    status = 403 if reason and request.method == "POST" else 422 if (form.errors or notice) else 200
    return render_template("feedback/ask.html", plan=plan, definition=answers.form_of(plan), part=None,
                           asking=found[1], form=form, notice=notice, closed=bool(reason),
                           valid_days=feedback.VALID.days, back=_back(plan),
                           reminder_days=feedback_mail.reminder_days(current_app.config)), status


def _sent(plan, asked: feedback.Asked):
    """Mail the request; when mail is off or fails, the employee gets the link to pass on (someone
    without an account), or is told the colleague finds it in POP (someone with one)."""
    config = current_app.config
    req = asked.request
    endpoint, args = (("feedback.link", {"token": asked.link}) if asked.link
                      else ("feedback.answer", {"request_id": req.id}))
    url = passwords.link_url(config, url_for(endpoint, **args), url_for(endpoint, _external=True, **args))
    problem = ""
    if passwords.mail_ready(config):
        try:
            feedback_mail.send_request(config, req, url)
        except MailFailed as exc:
            problem = f"De vraag kon niet worden gemaild: {exc}"
        else:
            flash(f"Uw vraag is gemaild naar {req.colleague_name} ({req.email}).", "success")
            return redirect(_back(plan))
    else:
        problem = "E-mail is niet ingesteld in POP, dus de vraag is niet gemaild."
    if not asked.link:
        flash(f"{problem} {req.colleague_name} ziet uw vraag wel in POP, bij Te doen.", "info")
        return redirect(_back(plan))
    return render_template("feedback/link.html", plan=plan, req=req, url=url, problem=problem,
                           valid_days=feedback.VALID.days, back=_back(plan))


@bp.route("/plans/<int:plan_id>/feedback/<int:request_id>/<any('delen', 'niet-delen', 'intrekken'):action>",
          methods=["POST"])
@login_required
def change(plan_id: int, request_id: int, action: str):
    plan = plan_or_404(plan_id)
    req = FeedbackRequest.get_or_none((FeedbackRequest.id == request_id)
                                      & (FeedbackRequest.plan == plan.id))
    if plan.employee_id != current_user.id:
        abort(403, description="Alleen de medewerker zelf beheert de feedback van collega’s.")
    if req is None:
        flash("Dit verzoek bestaat niet meer.", "error")
        return redirect(_back(plan))
    try:
        if action == "intrekken":
            if feedback.withdraw(req, current_user):
                flash(f"Uw vraag aan {req.colleague_name} is ingetrokken; de link werkt niet meer.",
                      "success")
            else:
                flash(f"{req.colleague_name} heeft intussen geantwoord; de vraag is niet ingetrokken.",
                      "info")
        else:
            feedback.share(req, current_user, action == "delen")
            flash(f"Het antwoord van {req.colleague_name} is gedeeld met het plan." if action == "delen"
                  else f"Het antwoord van {req.colleague_name} is niet meer gedeeld: alleen u ziet het.",
                  "success")
    except feedback.Refused as refused:
        flash(str(refused), "error")
    return redirect(_back(plan))


# ---------------------------------------------------------------- the colleague

def _asking(req):
    found = feedback.declared(req.plan)
    if found is None:  # the form no longer asks colleagues: nothing to answer
        abort(404)
    return found[1]


def _answer_page(req, form, *, link: str = "", status: int = 200, notice: str = "", dirty: bool = False):
    action = (url_for("feedback.link", token=link) if link
              else url_for("feedback.answer", request_id=req.id))
    response = make_response(render_template(
        "feedback/answer.html", form=form, employee=req.plan.employee, action=action, notice=notice,
        until=feedback.day(req.expires_at), dirty=dirty or bool(form.errors), asking=form.asking), status)
    if link:
        # The token is in this page's address: no other site, nor our own next page, gets it as Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _problem_page(problem: str, form=None, link: bool = False):
    """The reason a request cannot be answered (410), with the text that was posted, if any, to keep."""
    title, text = PROBLEMS[problem]
    typed = [(box.label.text, box.data) for box in form.boxes if box.data] if form is not None else []
    response = make_response(render_template("feedback/problem.html", title=title, text=text, typed=typed),
                             410)
    if link:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _store(req, form, link: str = ""):
    outcome = feedback.answer(req, form.sterk.data, form.verbeteren.data)
    if outcome:  # answered in another tab, expired or closed since the page was opened
        return _problem_page(outcome, form, link=bool(link))
    flash(f"Dank u wel. Uw feedback is verstuurd naar {req.plan.employee.naam}.", "success")
    if link:
        return redirect(url_for("feedback.thanks"))
    return redirect(url_for("plans.index"))


@bp.route("/feedback/<int:request_id>", methods=["GET", "POST"])
def answer(request_id: int):
    """A colleague in POP answers, logged in. Not @login_required: a post after the session ended keeps
    its text for after the log-in, as the plan's pages do (pop/drafts.py)."""
    if not current_user.is_authenticated:
        return _session_ended(request_id)
    req = feedback.for_colleague(request_id, current_user)
    if req is None:
        abort(404)
    asking = _asking(req)
    problem = feedback.problem(req)
    if request.method in ("GET", "HEAD"):  # HEAD was taken for a send and answered 422
        if problem == "beantwoord":
            return render_template("feedback/answered.html", req=req, asking=asking,
                                   employee=req.plan.employee)
        if problem:
            return _problem_page(problem)
        # What was typed before the session ended is given back once, to the browser's GET: a HEAD (a
        # link checker, a preview) leaves it where it is.
        kept = None if request.method == "HEAD" else drafts.take(
            request.cookies.get(drafts.COOKIE), req.plan, _draft_key(req), current_user,
            lambda kind: kind == DRAFT_KIND)
        if kept is not None:
            form = AnswerForm(asking, formdata=drafts.formdata(kept))
            response = _answer_page(req, form, dirty=True, notice=(
                "Nog niet verstuurd: u was niet meer ingelogd toen u op Versturen klikte. Wat u typte staat "
                "hieronder weer; controleer het en klik op Versturen."))
            response.delete_cookie(drafts.COOKIE)
            return response
        return _answer_page(req, AnswerForm(asking))
    form = AnswerForm(asking)
    if problem:
        return _problem_page(problem, form)
    if form.validate_on_submit():
        return _store(req, form)
    return _answer_page(req, form, status=422, notice=NOT_SENT)


def _draft_key(req) -> str:
    return f"feedback-{req.id}"


def _session_ended(request_id: int):
    token = None
    if request.method == "POST":
        req = FeedbackRequest.get_or_none(FeedbackRequest.id == request_id)
        if req is not None:
            token = drafts.keep(req.plan, _draft_key(req), DRAFT_KIND)
    flash(SESSION_ENDED if token else "Log in om verder te gaan.", "info")
    response = redirect(url_for("auth.login", next=url_for("feedback.answer", request_id=request_id)))
    if token:
        response.set_cookie(drafts.COOKIE, token, max_age=int(drafts.KEEP.total_seconds()), httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/feedback/link/<token>", methods=["GET", "POST"])
def link(token: str):
    """Someone without an account answers through the link they were sent; no log-in."""
    found = feedback.by_link(token, current_app.secret_key)
    if found.problem:
        form = AnswerForm(_asking(found.request)) if found.request and request.method == "POST" else None
        return _problem_page(found.problem, form, link=True)
    req = found.request
    form = AnswerForm(_asking(req))
    if form.validate_on_submit():
        return _store(req, form, link=token)
    if request.method == "POST":
        return _answer_page(req, form, link=token, status=422, notice=NOT_SENT)
    return _answer_page(req, form, link=token)


@bp.route("/feedback/bedankt")
def thanks():
    return render_template("feedback/thanks.html")


# ---------------------------------------------------------------- an expired form

KEPT_POSTS = ("feedback.answer", "feedback.link")


def after_csrf_failure():
    """An answer whose CSRF token failed (the form stood open past the session, a second tab): nothing
    is stored, and the page comes back with the text typed and a fresh token, so one click sends it.
    Without a session on the in-app page the text is kept for after the log-in. (Runs inside an error
    handler: no abort() here, which would become a 500.)"""
    args = request.view_args or {}
    link_token = ""
    if request.endpoint == "feedback.answer":
        if not current_user.is_authenticated:
            return _session_ended(args.get("request_id", 0))
        req = feedback.for_colleague(args.get("request_id", 0), current_user)
        problem = feedback.problem(req) if req is not None else ""
    else:
        link_token = args.get("token", "")
        found = feedback.by_link(link_token, current_app.secret_key)
        req, problem = found.request, found.problem
    declared = feedback.declared(req.plan) if req is not None else None
    if declared is None:
        if problem:
            return _problem_page(problem, link=bool(link_token))
        return render_template("error.html", title="Niet gevonden",
                               message="Deze pagina bestaat niet, of u heeft er geen toegang toe."), 404
    form = AnswerForm(declared[1])
    if problem:
        return _problem_page(problem, form, link=bool(link_token))
    return _answer_page(req, form, link=link_token, status=400, dirty=True, notice=(
        "Niet verstuurd: het formulier was verlopen. Uw tekst staat er nog; klik opnieuw op Versturen."))
