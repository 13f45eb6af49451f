"""The organisation's settings and overviews: the forms in use and log-in and retention (HR), the
performance/potential matrix (managers and HR) and the development budgets (HR)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from peewee import fn

from forms import FORMS
from forms.accounts import FormChoiceForm
from forms.kinds import choices, dutch_number
from forms.retention import LoginRetentionForm

from .. import budget as pob
from .. import matrix, organisation, settings
from ..models import Plan
from ..people import departments
from ..plans import current_period
from .people import hr_required

bp = Blueprint("organisation", __name__)

# People in one editable list (two inputs each): far below the cap on fields in one post (MAX_FORM_PARTS,
# 1,000). A larger list (all of a large organisation) is shown read-only, with a department to choose.
EDIT_LIMIT = 400
TOO_MANY = ("Dit zijn te veel mensen om in één keer in te vullen (hoogstens {limit}). Kies hierboven een "
            "afdeling.")


# ---------------------------------------------------------------- the forms in use (HR)

@bp.route("/instellingen/formulieren", methods=["GET", "POST"])
@hr_required
def forms_in_use():
    form = FormChoiceForm()
    form.enabled.choices = choices((f.key, f.title) for f in FORMS.values())
    form.default.choices = choices((f.key, f.title) for f in FORMS.values())
    if request.method == "GET":
        form.enabled.data = organisation.enabled_keys()
        form.default.data = organisation.default_form()
    if form.validate_on_submit():
        errors = organisation.save_choice(form.enabled.data or [], form.default.data or "", current_user)
        if not errors:
            flash("Opgeslagen. Een nieuw POP kan nu alleen met de aangevinkte formulieren; bestaande "
                  "plannen houden hun formulier.", "success")
            return redirect(url_for("organisation.forms_in_use"))
        for name, message in errors.items():
            form[name].errors.append(message)
    counts = dict(Plan.select(Plan.form_key, fn.COUNT(Plan.id)).group_by(Plan.form_key).tuples())
    return render_template("organisation/forms.html", form=form, forms=FORMS, counts=counts,
                           configured=organisation.is_configured()), 422 if form.errors else 200


# ---------------------------------------------------------------- log-in and retention (HR)

@bp.route("/instellingen/inloggen-en-bewaren", methods=["GET", "POST"])
@hr_required
def login_and_retention():
    form = LoginRetentionForm()
    if request.method == "GET":
        form.create_unknown.data = settings.get(settings.CREATE_UNKNOWN_ON_LOGIN)
        form.retention_months.data = str(settings.get(settings.RETENTION_MONTHS))
    if form.validate_on_submit():
        changed = [settings.change(settings.CREATE_UNKNOWN_ON_LOGIN, form.create_unknown.data, current_user),
                   settings.change(settings.RETENTION_MONTHS, form.months(), current_user)]
        flash("Opgeslagen." if any(changed) else "Niets gewijzigd.", "success")
        return redirect(url_for("organisation.login_and_retention"))
    return render_template("organisation/login_retention.html", form=form), 422 if form.errors else 200


# ---------------------------------------------------------------- the matrix (managers, HR)

def _period_arg(source) -> tuple[str, str]:
    """(period, error): the period asked for, or the current one with a message when it is odd."""
    asked = (source.get("periode") or "").strip()
    if not asked:
        return current_period(), ""
    if not matrix.PERIOD.match(asked):
        return current_period(), matrix.PERIOD_MESSAGE
    return asked, ""


@bp.route("/matrix", methods=["GET", "POST"])
@login_required
def matrix_page():
    if not matrix.may_use(current_user):
        abort(403, description="De matrix prestaties en potentie is alleen voor leidinggevenden en HR.")
    source = request.form if request.method == "POST" else request.args
    period, period_error = _period_arg(source)
    hr = current_user.role == "hr"
    afdeling = (source.get("afdeling") or "").strip() if hr else ""
    people = matrix.placeable_people(current_user, afdeling)
    editable = len(people) <= EDIT_LIMIT
    errors, posted = {}, None
    if request.method == "POST":
        if period_error:
            abort(400, description=period_error + " Er is niets opgeslagen.")
        if not editable:
            abort(400, description=TOO_MANY.format(limit=EDIT_LIMIT) + " Er is niets opgeslagen.")
        posted, errors = matrix.read_post(people, request.form)
        if not errors:
            changed = matrix.save_placements(posted, period, current_user)
            flash(f"Opgeslagen ({changed} gewijzigd)." if changed else "Niets gewijzigd.", "success")
            args = {"periode": period, **({"afdeling": afdeling} if afdeling else {})}
            return redirect(url_for("organisation.matrix_page", **args))
        flash("Er is niets opgeslagen: verbeter wat hieronder is aangegeven.", "error")
    placements = matrix.placements_for(people, period)
    by_quadrant = {q.key: [] for q in matrix.QUADRANTS}
    for person in people:
        placement = placements.get(person.id)
        if placement is not None:
            quadrant = matrix.quadrant_of(placement.prestaties, placement.potentie)
            if quadrant is not None:
                by_quadrant[quadrant.key].append(person)
    periods = sorted({period, current_period(), *matrix.periods()}, reverse=True)
    return render_template("organisation/matrix.html", people=people, placements=placements,
                           by_quadrant=by_quadrant, quadrants={q.key: q for q in matrix.QUADRANTS},
                           quadrant_of=matrix.quadrant_of, axis=matrix.AXIS, period=period,
                           period_error=period_error, periods=periods, hr=hr,
                           afdeling=afdeling, departments=departments() if hr else [],
                           posted=posted, errors=errors, intro=matrix.INTRO, editable=editable,
                           too_many=TOO_MANY.format(limit=EDIT_LIMIT),
                           selection=matrix.SELECTION), 422 if errors else 200


# ---------------------------------------------------------------- the budgets (HR)

def _people_of(overview):
    return [line.person for department in overview for line in department.lines]


def _box(value, column):
    """A stored amount as it shows in its box: 1.250,50 and 12,5 (no unit: the column says it)."""
    if value is None:
        return ""
    return dutch_number(value, keep_cents=column == "euro")


@bp.route("/budget", methods=["GET", "POST"])
@hr_required
def budget_page():
    source = request.form if request.method == "POST" else request.args
    year, year_error = _period_arg(source)
    afdeling = (source.get("afdeling") or "").strip()
    overview = pob.overview(year, afdeling)
    editable = len(_people_of(overview)) <= EDIT_LIMIT
    errors, typed = {}, {}
    if request.method == "POST":
        if year_error:
            abort(400, description=year_error + " Er is niets opgeslagen.")
        if not editable:
            abort(400, description=TOO_MANY.format(limit=EDIT_LIMIT) + " Er is niets opgeslagen.")
        values, errors = pob.read_post(_people_of(overview), request.form)
        if not errors:
            changed = pob.save_budgets(values, year, current_user)
            flash(f"Opgeslagen ({changed} gewijzigd)." if changed else "Niets gewijzigd.", "success")
            args = {"periode": year, **({"afdeling": afdeling} if afdeling else {})}
            return redirect(url_for("organisation.budget_page", **args))
        typed = {name: value for name, value in request.form.items() if name[:1] == "b"}
        flash("Er is niets opgeslagen: verbeter de bedragen die hieronder zijn aangegeven.", "error")
    years = sorted({year, current_period(), *pob.years()}, reverse=True)
    return render_template("organisation/budget.html", overview=overview, year=year,
                           year_error=year_error, years=years, afdeling=afdeling,
                           departments=departments() + [pob.NO_DEPARTMENT], errors=errors, typed=typed,
                           show=pob.show, box=_box, editable=editable,
                           too_many=TOO_MANY.format(limit=EDIT_LIMIT)), 422 if errors else 200


@bp.route("/budget/mijn")
@login_required
def own_budget():
    """Everyone's own budget: what HR gave them per year and what their plans of that year plan."""
    return render_template("organisation/own_budget.html", lines=pob.own(current_user), show=pob.show)
