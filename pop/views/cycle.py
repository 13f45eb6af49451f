"""The steps of the POP cycle on a plan: share, evaluate, close, bijstellen, a new cycle; the manager's
reaction per phase; the agreed versions and their differences."""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from exports.filenames import plan_filename
from exports.templates import render_docx, render_xlsx
from forms.web import DutchForm

from .. import akkoord, answers, audit, cycle
from ..models import PlanVersion
from ..plans import SavedMeanwhile, start_next_cycle
from .plans import first_page, plan_or_404, reaction_page, readable_or_403

bp = Blueprint("cycle", __name__)


def _checked_form() -> None:
    # These posts have no form class of their own; an empty one still applies DutchForm's guard on
    # the form data (a file under any name, "file" included, is refused with a 400).
    if not DutchForm().validate_on_submit():
        abort(400)


@bp.route("/plans/<int:plan_id>/stap/<step>", methods=["POST"])
@login_required
def step(plan_id: int, step: str):
    plan = plan_or_404(plan_id)
    _checked_form()
    if step == "nieuw":
        try:
            new_plan = start_next_cycle(plan, current_user)
        except cycle.Refused as refused:
            flash(f"Niet gelukt: {refused}", "error")
            return redirect(url_for("plans.overview", plan_id=plan.id))
        message = f"Het nieuwe POP voor {new_plan.period} is aangemaakt; het vorige staat ernaast."
        if not cycle.may(current_user, new_plan, "lezen"):
            # A manager or HR: the new plan is the employee's until shared; they land on its overview.
            message = (f"Het nieuwe POP voor {new_plan.period} is aangemaakt en staat nu in voorbereiding "
                       f"bij {new_plan.employee.naam}. U kunt het lezen zodra het met u gedeeld is.")
        if new_plan.form_key != plan.form_key:
            message += (f" Het staat op het formulier {answers.form_of(new_plan).short_title}: de "
                        "organisatie gebruikt het formulier van het vorige POP niet meer.")
        flash(message, "success")
        return redirect(first_page(new_plan))
    try:
        flash(cycle.take_step(plan, current_user, step), "success")
    except cycle.Refused as refused:
        flash(f"Niet gelukt: {refused}", "error")
    return redirect(url_for("plans.overview", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/<part_key>/reactie", methods=["POST"])
@login_required
def reaction(plan_id: int, part_key: str):
    plan = plan_or_404(plan_id)
    part = answers.form_of(plan).part(part_key) or abort(404)
    _checked_form()
    typed = request.form.get("reactie", "")
    try:
        cycle.save_reaction(plan, part, current_user, typed, request.form.get("reactie_versie") or None)
    except cycle.NotAllowed as refused:
        abort(403, description=str(refused))
    except cycle.ReactionMeanwhile as meanwhile:
        # The page comes back with the typed text in the box and the other's beside it; it carries
        # the new version, so a second click keeps this text on purpose.
        return reaction_page(plan, part, request.form, status=409, meanwhile=meanwhile.stored, notice=(
            "Uw reactie is niet opgeslagen: iemand anders heeft de reactie gewijzigd nadat u deze "
            "pagina opende. Uw tekst staat nog in het vak; wat de ander opsloeg staat ernaast. Neem "
            "over wat u wilt houden en klik opnieuw op ‘Reactie opslaan’."))
    except cycle.Refused as refused:  # too long: the text stays, with the reason
        return reaction_page(plan, part, request.form, status=422, notice=f"Uw reactie is niet opgeslagen. {refused} "
                             "Uw tekst staat nog in het vak; maak haar korter en sla opnieuw op.")
    # Shown in the reaction's own box, where the page lands, not at the top of a long page.
    flash("Uw reactie is opgeslagen.", "reactie")
    return redirect(url_for("plans.part", plan_id=plan.id, part_key=part.key, _anchor="reactie"))


def _version_number(text: str) -> int:
    """A version number from the address: plain digits of a sensible size, else 404 (a number too
    large for the database, or a digit like '²' that int() refuses, was a server error)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        abort(404)
    return int(text)


def _version_or_404(plan, number: int) -> PlanVersion:
    version = PlanVersion.get_or_none((PlanVersion.plan == plan) & (PlanVersion.number == number))
    return version or abort(404)


@bp.route("/plans/<int:plan_id>/versies/<int:number>")
@login_required
def version(plan_id: int, number: int):
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    agreed = _version_or_404(plan, number)
    audit.record_view(plan, current_user)
    return render_template("plans/print.html", plan=plan, definition=answers.form_of(plan),
                           values=cycle.version_values(agreed), version=agreed)


@bp.route("/plans/<int:plan_id>/versies/<int:number>/download.<fmt>")
@login_required
def version_download(plan_id: int, number: int, fmt: str):
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    if fmt not in ("docx", "xlsx"):
        abort(404)
    agreed = _version_or_404(plan, number)
    values = cycle.version_values(agreed)
    definition = answers.form_of(plan)
    warn = lambda note: flash(note, "error")  # noqa: E731
    render = render_xlsx if fmt == "xlsx" else render_docx
    name = plan_filename(plan, fmt).replace(f".{fmt}", f"_versie{number}.{fmt}")
    data = render(plan, definition, values, False, warn)
    audit.record(plan, current_user, "gedownload",
                 f"versie {number}, {'Word (.docx)' if fmt == 'docx' else 'Excel (.xlsx)'}")
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, max_age=0)


@bp.route("/plans/<int:plan_id>/vergelijken")
@login_required
def compare(plan_id: int):
    """Two versions side by side: ?van=1&naar=2, where "naar" may be "huidig" (the plan as it is now)."""
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    numbers = [v.number for v in PlanVersion.select(PlanVersion.number)
               .where(PlanVersion.plan == plan).order_by(PlanVersion.number)]
    if not numbers:
        abort(404)
    # By default the last agreed version against the plan now. While the plan is that very version
    # (agreed, not bijgesteld since) that compares a version with itself: then the version before it,
    # and with no version before it there is nothing to compare yet.
    default_old = numbers[-1]
    nothing = False
    if plan.version == numbers[-1]:
        if len(numbers) > 1:
            default_old = numbers[-2]
        else:
            nothing = "van" not in request.args and "naar" not in request.args
    old_number = _version_number(request.args.get("van", str(default_old)))
    new_arg = request.args.get("naar", "huidig")
    old = cycle.version_values(_version_or_404(plan, old_number))
    if new_arg == "huidig":
        new, new_title = answers.load(plan), f"Nu (versie {plan.version})"
    else:
        number = _version_number(new_arg)
        new, new_title = cycle.version_values(_version_or_404(plan, number)), f"Versie {number}"
    rows = cycle.differences(answers.form_of(plan), old, new)
    audit.record_view(plan, current_user)
    return render_template("plans/compare.html", plan=plan, definition=answers.form_of(plan), rows=rows,
                           old_title=f"Versie {old_number}", new_title=new_title, numbers=numbers,
                           old_number=old_number, new_arg=new_arg, nothing=nothing,
                           changed=sum(1 for r in rows if r[4]))


@bp.route("/plans/<int:plan_id>/akkoord", methods=["POST"])
@login_required
def give_akkoord(plan_id: int):
    """The akkoord from the plan's overview: "geven" or "intrekken" one's own akkoord, on the version of
    the plan the page showed (versie)."""
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    _checked_form()
    agree = request.form.get("akkoord") != "intrekken"
    try:
        notices = akkoord.give(plan, current_user, agree, request.form.get("versie") or None)
    except cycle.NotAllowed as refused:
        abort(403, description=str(refused))
    except SavedMeanwhile:
        flash("Niet gelukt: het plan is gewijzigd nadat u deze pagina opende. Bekijk wat er nu staat en "
              "geef dan opnieuw uw akkoord.", "error")
    except cycle.Refused as refused:
        flash(f"Niet gelukt: {refused}", "error")
    else:
        for message in notices:
            flash(message, "success")
    return redirect(url_for("plans.overview", plan_id=plan.id, _anchor="akkoord"))
