"""The organisation's settings and overviews: the forms in use and log-in and retention (HR), the
performance/potential matrix (managers and HR) and the development budgets (HR)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from peewee import fn
from werkzeug.datastructures import MultiDict

from forms import FORMS
from forms.accounts import FormChoiceForm
from forms.kinds import choices, dutch_number
from forms.retention import LoginRetentionForm

from .. import budget as pob
from .. import listing, matrix, organisation, settings
from ..listing import search_text
from ..models import Person, Plan
from ..people import departments
from ..plans import current_period
from .people import hr_required

bp = Blueprint("organisation", __name__)

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
    group = source.get("groep", "") if source.get("groep", "") in matrix.GROUP_FILTERS else ""
    errors, posted = {}, None
    if request.method == "POST":
        if period_error:
            abort(400, description=period_error + " Er is niets opgeslagen.")
        # Only the user's own people (of the department the page showed) are read: a page of them.
        people = list(matrix.placeable(current_user, afdeling).where(
            Person.id.in_(_posted_ids(request.form, "p", ("prestaties", "potentie")) or [0])))
        posted, errors = matrix.read_post(people, request.form)
        if not errors:
            changed = matrix.save_placements(posted, period, current_user)
            flash(f"Opgeslagen ({changed} gewijzigd)." if changed else "Niets gewijzigd.", "success")
            args = {"periode": period, **({"afdeling": afdeling} if afdeling else {}),
                    **({"groep": group} if group else {}), **_list_args(source)}
            return redirect(url_for("organisation.matrix_page", **args))
        flash("Er is niets opgeslagen: verbeter wat hieronder is aangegeven.", "error")
    search = search_text(source)
    people = listing.search(matrix.placeable(current_user, afdeling), search)
    counts = matrix.quadrants(people, period, current_user.id if matrix.whole_organisation(
        current_user, afdeling, search) else None)
    page = matrix.people_page(people, period, group, _page_args(source, period, afdeling, group=group),
                              url_for("organisation.matrix_page"), counts)
    periods = sorted({period, current_period(), *matrix.periods()}, reverse=True)
    return render_template("organisation/matrix.html", page=page, placements=page.extra["placements"],
                           quadrant_counts=counts,
                           quadrants={q.key: q for q in matrix.QUADRANTS}, groups=matrix.GROUP_FILTERS,
                           group=group, search=search,
                           quadrant_of=matrix.quadrant_of, axis=matrix.AXIS, period=period,
                           period_error=period_error, periods=periods, hr=hr,
                           afdeling=afdeling, departments=departments() if hr else [],
                           posted=posted, errors=errors, intro=matrix.INTRO,
                           selection=matrix.SELECTION), 422 if errors else 200


# ---------------------------------------------------------------- the budgets (HR)

def _box(value, column):
    """A stored amount as it shows in its box: 1.250,50 and 12,5 (no unit: the column says it)."""
    if value is None:
        return ""
    return dutch_number(value, keep_cents=column == "euro")


def _posted_ids(form, prefix: str, suffixes: tuple[str, ...]) -> list[int]:
    """The people a post has inputs for (b12-euro, p12-prestaties): the page that was posted."""
    ids = set()
    for name in form:
        head, _, tail = name.partition("-")
        if head[:1] == prefix and head[1:].isdigit() and tail in suffixes:
            ids.add(int(head[1:]))
    return sorted(ids)


# What a page's address holds besides its filters: a post goes back to the same page of the list.
LIST_ARGS = ("zoek", "sorteer", "richting", "pagina", "aantal")


def _list_args(source) -> dict:
    return {k: source.get(k) for k in LIST_ARGS if source.get(k)}


def _page_args(source, period: str, afdeling: str, **filters):
    """The address the page's links keep: a GET's own, or after a post what its address was."""
    if request.method == "GET":
        return source
    return MultiDict({"periode": period, **({"afdeling": afdeling} if afdeling else {}),
                      **{k: v for k, v in filters.items() if v}, **_list_args(source)})


@bp.route("/budget", methods=["GET", "POST"])
@hr_required
def budget_page():
    source = request.form if request.method == "POST" else request.args
    year, year_error = _period_arg(source)
    afdeling = (source.get("afdeling") or "").strip()
    errors, typed = {}, {}
    if request.method == "POST":
        if year_error:
            abort(400, description=year_error + " Er is niets opgeslagen.")
        # Only people of the year's list (and of the department the page showed) are read; each
        # posted page holds a page of people, far below the cap on fields in one post.
        posted = list(pob.listed(year, afdeling).where(
            Person.id.in_(_posted_ids(request.form, "b", ("euro", "uren")) or [0])))
        values, errors = pob.read_post(posted, request.form)
        if not errors:
            changed = pob.save_budgets(values, year, current_user)
            flash(f"Opgeslagen ({changed} gewijzigd)." if changed else "Niets gewijzigd.", "success")
            args = {"periode": year, **({"afdeling": afdeling} if afdeling else {}), **_list_args(source)}
            return redirect(url_for("organisation.budget_page", **args))
        typed = {name: value for name, value in request.form.items() if name[:1] == "b"}
        flash("Er is niets opgeslagen: verbeter de bedragen die hieronder zijn aangegeven.", "error")
    search = search_text(source)
    departments_ = pob.departments(year, afdeling, search)
    whole = pob.total(departments_)
    page = pob.person_page(year, afdeling, search, _page_args(source, year, afdeling),
                           url_for("organisation.budget_page"), whole)
    years = sorted({year, current_period(), *pob.years()}, reverse=True)
    return render_template("organisation/budget.html", overview=departments_, total=whole,
                           page=page, lines=page.extra["lines"], year=year, search=search,
                           year_error=year_error, years=years, afdeling=afdeling,
                           departments=departments() + [pob.NO_DEPARTMENT], errors=errors, typed=typed,
                           show=pob.show, box=_box), 422 if errors else 200


@bp.route("/budget/mijn")
@login_required
def own_budget():
    """Everyone's own budget: what HR gave them per year and what their plans of that year plan."""
    return render_template("organisation/own_budget.html", lines=pob.own(current_user), show=pob.show)
