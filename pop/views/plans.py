import json
import re

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template,
                   request, url_for)
from flask_login import current_user, login_required
from markupsafe import Markup
from peewee import JOIN, fn

from exports.pdf import convert as pdf
from forms import FORMS
from forms.kinds import Signature, Table, choices, smart_summary
from forms.accounts import NewPlanForm
from forms.limits import BLANK_ROWS, REACTION_CHARS
from forms.web import DutchForm, OddFormData, build_part_form

from .. import akkoord, answers, audit, cycle, drafts, feedback, fragments, organisation, saving, todo
from ..access import acts_as_manager, can_create_plan_for, can_view, is_hr, may_sign, visible_plans
from ..db import Prepared
from ..models import STATUSES, Person, Plan, PlanVersion
from ..plans import (PlanExists, current_period, filter_plans, part_progress, part_version,
                     people_without_plan, periods, start_plan_once)
from ..listing import Sort, paginate, search, search_text
from ..people import departments

bp = Blueprint("plans", __name__)


def _plan_with_people(plan_id):
    # And the stamp of its answers (plan.answers_stamp, m0027): a kept page is checked by it, not by
    # reading every answer (pop/fragments.py Cells).
    employee, manager = Person.alias(), Person.alias()
    return (Plan.select(Plan, employee, manager, fragments.stamp_query(Plan.id).alias("answers_stamp"))
            .join(employee, on=(Plan.employee == employee.id), attr="employee").switch(Plan)
            .join(manager, JOIN.LEFT_OUTER, on=(Plan.manager == manager.id), attr="manager")
            .where(Plan.id == plan_id).limit(1))


# With its employee and manager in the same query: every plan page names them. Built once (pop/db.py):
# peewee spent longer making this join of three tables than the database spent answering it.
PLAN_WITH_PEOPLE = Prepared(_plan_with_people, 1)


def plan_or_404(plan_id: int, *more, query: Prepared = PLAN_WITH_PEOPLE) -> Plan:
    """The plan, if this person may know it exists; query: one that reads more with it (more: its
    other values after the plan's id)."""
    plan = query.first(plan_id, *more)
    if plan is None or not can_view(current_user, plan):
        abort(404)
    return plan


# HR's list of all plans and a manager's of their reports' plans (pop/listing.py): the employee's
# name and department, the plan's period, form, state and last change. By name unless asked otherwise,
# each person's plans newest period first.
PLAN_SORTS = [
    Sort("naam", "Medewerker", (Person.achternaam, Person.voornaam, Person.id), (Plan.period.desc(),)),
    Sort("afdeling", "Afdeling", (Person.afdeling,), (Person.achternaam, Person.voornaam)),
    Sort("periode", "Periode", (Plan.period,), (Person.achternaam, Person.voornaam), descending_first=True),
    Sort("formulier", "Formulier", (Plan.form_key,), (Person.achternaam, Person.voornaam)),
    Sort("status", "Status", (Plan.status,), (Person.achternaam, Person.voornaam)),
    Sort("bijgewerkt", "Bijgewerkt", (Plan.updated_at,), descending_first=True),
]
# Who has no plan yet for the period: by department, then name, as HR works through them.
WITHOUT_SORTS = [Sort("afdeling", "Afdeling", (Person.afdeling,), (Person.achternaam, Person.voornaam))]
PLAN_FILTERS = ("afdeling", "periode", "status", "formulier")


@bp.route("/")
@login_required
def index():
    hr = is_hr(current_user)
    args = request.args
    filters = {k: args.get(k, "").strip() for k in PLAN_FILTERS}
    if not hr:
        filters["afdeling"] = ""  # a manager's list is their team's
    own = list(Plan.select().where(Plan.employee == current_user.id).order_by(Plan.period.desc(), Plan.id.desc()))
    others = None
    if hr or acts_as_manager(current_user):
        # Person.id, not Plan.employee: the database may then walk the people in the order of their
        # names (an index) and stop after a page, instead of sorting every plan.
        query = visible_plans(current_user).where(Person.id != current_user.id)
        if not hr:  # what visible_plans allows a manager besides their own: their reports' (by an index)
            query = query.where(Person.manager == current_user.id)
        query = filter_plans(query, **filters)
        others = paginate(search(query, args.get("zoek")), args, PLAN_SORTS, "naam", (Plan.id,),
                          url_for("plans.index"))
    to_do = todo.for_user(current_user, period=filters["periode"])
    without = None
    if hr and not filters["status"] and not filters["formulier"]:
        without_period = filters["periode"] or current_period()
        people = search(people_without_plan(without_period, filters["afdeling"]), args.get("zoek"))
        # Unsearched, their number is the to-do table's (the same period): not counted twice.
        counts = to_do.hr.without if to_do.hr and to_do.hr.period == without_period else None
        known = None if counts is None or search_text(args) else (
            counts.get(filters["afdeling"], 0) if filters["afdeling"] else sum(counts.values()))
        without = (without_period, paginate(people, args, WITHOUT_SORTS, "afdeling", (Person.id,),
                                             url_for("plans.index"), prefix="zonder-", total=known))
    return render_template("plans/index.html", own=own, others=others, filters=filters,
                           search=search_text(args),
                           departments=departments() if hr else [], periods=periods(), statuses=STATUSES,
                           hr=hr, forms=FORMS, without=without, todo=to_do,
                           hr_table=_hr_table(to_do.hr) if to_do.hr else None)


# HR's to-do table, drawn once per site address and figures: at 10,000 employees fifty departments'
# rows of nine linked numbers, the same on every look at the first page until a figure changes.
_hr_tables = fragments.FragmentCache(16, 4 * 2**20)


def _hr_table(overview) -> Markup:
    key = (request.script_root, *overview.key())
    html = _hr_tables.get(key)
    if html is None:
        html = Markup(render_template("plans/_todo_hr.html", o=overview))
        _hr_tables.put(key, html)
    return html


def _creatable_employees():
    if is_hr(current_user):
        people = Person.select().where(Person.active == True)  # noqa: E712
    elif acts_as_manager(current_user):
        people = Person.select().where(
            (Person.active == True) & ((Person.id == current_user.id)  # noqa: E712
                                       | (Person.manager == current_user.id)))
    else:
        people = Person.select().where(Person.id == current_user.id)
    return list(people.order_by(Person.achternaam, Person.voornaam))


@bp.route("/plans/nieuw", methods=["GET", "POST"])
@login_required
def new():
    form = NewPlanForm()
    employees = _creatable_employees()
    form.employee.choices = choices((p.id, f"{p.naam} ({p.afdeling})" if p.afdeling else p.naam)
                                    for p in employees)
    # "POP (compact): Persoonlijk Ontwikkelplan (POP)": the forms' own titles are too alike to choose by.
    form.form_key.choices = choices((f.key, f"{f.short_title}: {f.title}")
                                    for f in organisation.enabled_forms())
    if request.method == "GET":
        # ?medewerker=ID&periode=P: the link from HR's list of people without a POP
        form.employee.data = request.args.get("medewerker", current_user.id, type=int)
        form.form_key.data = organisation.default_form()
        form.period.data = request.args.get("periode", "")[:30] or current_period()
    existing = None
    if form.validate_on_submit():
        employee = Person.get_by_id(form.employee.data)
        if not can_create_plan_for(current_user, employee):
            abort(403)
        try:
            plan = start_plan_once(employee, form.form_key.data, form.period.data, by=current_user)
        except PlanExists as exists:
            existing = exists.plan
            form.period.errors.append(str(exists))
        else:
            flash(f"Het POP voor {employee.naam} ({plan.period}) is aangemaakt.", "success")
            return redirect(first_page(plan))
    return render_template("plans/new.html", form=form, existing=existing), 422 if form.errors else 200


def first_page(plan: Plan) -> str:
    """Where a new plan opens: its first part for whoever may read it, else its overview (a manager
    or HR starting an employee's plan: in the voorbereiding its content is the employee's)."""
    if cycle.may(current_user, plan, "lezen"):
        return url_for("plans.part", plan_id=plan.id, part_key=answers.form_of(plan).parts[0].key)
    return url_for("plans.overview", plan_id=plan.id)


def readable_or_403(plan: Plan) -> None:
    """The plan's content is not for everyone who may know the plan exists: in the voorbereiding it
    is the employee's alone."""
    if not cycle.may(current_user, plan, "lezen"):
        abort(403, description=f"Dit POP is nog in voorbereiding: {plan.employee.naam} heeft het nog "
                               "niet gedeeld. U kunt het lezen zodra het gedeeld is.")


# What the overview reads besides the plan and its answers, each built once (pop/db.py): the agreed
# versions, when there are any; and with the plan, its employee and manager in one query, the plan of
# the next cycle (whose link replaces "Nieuw POP"), the one before (its period), whether any version
# was agreed, and whether this person's view of the plan is logged already (audit.record_view: asked
# apart, a query of its own on every view).
AGREED_VERSIONS = Prepared(lambda plan: PlanVersion.select(PlanVersion.id, PlanVersion.number,
                                                           PlanVersion.agreed_at)
                           .where(PlanVersion.plan == plan).order_by(PlanVersion.number), 1)


def _plan_for_overview(plan_id, person_id, since):
    # Of the cycles before and after, only what the page shows and decides by (turning their every
    # column into a model took a third of this query's time): their ids and periods, and the next
    # one's employee (whether it may be opened, and whether the page is kept at all).
    following, previous = Plan.alias(), Plan.alias()
    return (_plan_with_people(plan_id).switch(Plan)
            .join(following, JOIN.LEFT_OUTER, on=(following.previous == Plan.id), attr="following")
            .switch(Plan).join(previous, JOIN.LEFT_OUTER, on=(Plan.previous == previous.id), attr="previous")
            .select_extend(following.id, following.employee, following.period, previous.id, previous.period,
                           audit.viewed_since(plan_id, person_id, since).alias("seen"),
                           fn.EXISTS(PlanVersion.select(PlanVersion.id).where(PlanVersion.plan == plan_id))
                           .alias("agreed_before")))


PLAN_FOR_OVERVIEW = Prepared(_plan_for_overview, 3)


@bp.route("/plans/<int:plan_id>")
@login_required
def overview(plan_id: int):
    plan = plan_or_404(plan_id, current_user.id, audit.view_window_start(), query=PLAN_FOR_OVERVIEW)
    definition = answers.form_of(plan)
    readable = cycle.may(current_user, plan, "lezen")
    if readable:  # a plan still in voorbereiding shows others no content: nothing of it was seen
        audit.record_view(plan, current_user, seen=bool(plan.seen))
    versions = list(AGREED_VERSIONS.rows(plan.id)) if readable and plan.agreed_before else []
    following = plan.following
    cells = fragments.Cells(plan) if readable else None
    # Whether the next cycle's plan may be opened follows from its employee, the plan's own (a next
    # cycle is the same person's): else the page is drawn, not kept.
    key = ("overview", *fragments.plan_rows(plan), id(definition), readable and cells.key,
           tuple((v.id, v.number, v.agreed_at) for v in versions), fragments.row(following),
           plan.previous.period if plan.previous_id else None, pdf.available()
           ) if following is None or following.employee_id == plan.employee_id else None

    def draw():
        # One read: the akkoord's form carries the version of the very content the page shows.
        snapshot = answers.Snapshot(plan, cells.rows()) if readable else None
        values = snapshot.values if readable else {}
        progress = {p.key: part_progress(p, values) for p in definition.parts}
        granted = cycle.rights(current_user, plan)
        texts = cycle.steps_for(definition)
        steps = [(key, *texts[key]) for key in cycle.STEPS if key in granted]
        return render_template(
            "plans/overview.html", plan=plan, definition=definition, values=values,
            progress=progress, readable=readable, steps=steps, versions=versions,
            smart=smart_summary(definition, values) if readable else [],
            states=STATUSES, role=cycle.role_of(current_user, plan),
            editable=bool(granted & {"plan", "voortgang", "evaluatie", "ritme", "akkoord"}),
            akkoord=akkoord.for_overview(current_user, plan, snapshot) if readable else None,
            next_links=_next_links(plan, definition, granted) + _next_cycle(plan, steps, following),
            confirm_steps=CONFIRM_STEPS)
    return fragments.page(key, draw, holds=cells.unchanged if readable else None)


def _next_cycle(plan, steps: list, following: Plan | None) -> list[tuple[str, str, str]]:
    """Once the next cycle's plan (following) exists, its link replaces "Nieuw POP" (which could only
    say that it exists already). Changes steps in place."""
    if following is None:
        return []
    steps[:] = [s for s in steps if s[0] != "nieuw"]
    if not can_view(current_user, following):
        return []
    return [(f"Naar het POP van {following.period}", url_for("plans.overview", plan_id=following.id),
             "De volgende cyclus is begonnen; dit POP staat daar ter referentie naast.")]


# Steps with no way back ask once more before they are taken.
CONFIRM_STEPS = ("evalueren", "afronden")


def _next_links(plan, definition, granted) -> list[tuple[str, str, str]]:
    """What this person writes next in the plan, offered on its overview: the progress talks once
    the plan is agreed, the evaluation once it started (label, address, explanation)."""
    links = []
    talks = definition.parts_in("voortgang")
    if "voortgang" in granted and talks:
        links.append((f"{talks[0].nav_title}: gesprek vastleggen",
                      url_for("plans.part", plan_id=plan.id, part_key=talks[0].key),
                      "Leg een voortgangsgesprek vast: wat er gedaan is, wat het opleverde en hoe verder."))
    evaluation = definition.parts_in("evaluatie")
    if "evaluatie" in granted and evaluation:
        links.append((f"{evaluation[0].nav_title} invullen",
                      url_for("plans.part", plan_id=plan.id, part_key=evaluation[0].key),
                      "De evaluatie staat open: kijk terug op uw doelen en hoe u heeft geleerd."))
    elif "afronden" in granted and evaluation:
        links.append((f"{evaluation[0].nav_title} lezen",
                      url_for("plans.part", plan_id=plan.id, part_key=evaluation[0].key),
                      "Lees de evaluatie en geef uw reactie; daarna kunt u het POP afronden."))
    return links


# _render_part's previous when the caller has not read the previous cycle's plan: read it there.
READ_PREVIOUS = object()


def _render_part(plan, definition, part, wtform, snapshot, status=200, notice=None, problems=(),
                 version=None, meanwhile=None, too_long=None, reaction=None, basis=None, previous=READ_PREVIOUS):
    """The part page. snapshot: the one read of the stored answers that the page shows, and whose
    version it carries (unless the page keeps the version of the text typed into it). reaction: the
    reaction box when it shows something other than what is stored (typed, kept, or in conflict).
    previous: the previous cycle's goals and evaluation beside it (_previous_plan), when read already."""
    editable = cycle.editable_fields(current_user, plan, part)
    signers = {f.key: f.key in editable and may_sign(current_user, plan, f.signer)
               for f in part.fields if isinstance(f, Signature)}
    may_react = cycle.may(current_user, plan, "reactie")
    stored_reaction = snapshot.text(cycle.reaction_key(part))
    reaction = reaction or {}
    values = snapshot.values
    colleague_feedback = feedback.beside(plan, part, current_user)
    body = _part_body(plan, definition, part, wtform, snapshot, editable, signers, colleague_feedback)
    return render_template("plans/part.html", plan=plan, definition=definition, part=part,
                           form=wtform or DutchForm(), values=values, editable=bool(editable),
                           part_body=body,
                           read_only_reason="" if editable else cycle.why_read_only(current_user, plan, part),
                           signers=signers, next_part=definition.next_part(part),
                           notice=notice, problems=problems, meanwhile=meanwhile or {},
                           reaction=stored_reaction, may_react=may_react,
                           reaction_text=reaction.get("text", stored_reaction),
                           reaction_version=reaction.get("version", cycle.reaction_version(stored_reaction)),
                           reaction_meanwhile=reaction.get("meanwhile"),
                           reaction_notice=reaction.get("notice"),
                           reaction_dirty=bool(reaction.get("text")),
                           reaction_form=DutchForm() if may_react else None,
                           previous=_previous_plan(plan.previous) if previous is READ_PREVIOUS else previous,
                           too_long=too_long, plan_chars=definition.chars(values),
                           reaction_chars=REACTION_CHARS,
                           # Colleagues' answers beside the table the form names (pop/feedback.py).
                           colleague_feedback=colleague_feedback,
                           dirty=bool(problems or meanwhile or (notice and status != 403 and editable)),
                           version=version or part_version(plan, part, snapshot),
                           basis=basis if basis is not None and version else json.dumps(
                               snapshot.cell_digests([f.key for f in part.fields]))), status


FEEDBACK_MARK = re.compile(r"<!--feedback-beside-(\d+)-->")


def _part_body(plan, definition, part, wtform, snapshot, editable, signers, colleague_feedback) -> Markup:
    """The part's questions (templates/plans/_part_body.html). wtform None: a page drawn from what is
    stored, kept per process under everything it shows (pop/fragments.py); a form given (a page sent
    back with what was typed) is drawn afresh. Colleagues' feedback goes in per request."""
    key = None
    if wtform is None:
        key = (plan.id, plan.form_key, id(definition), part.key,
               snapshot.fingerprint([f.key for f in part.fields]), frozenset(editable),
               tuple(sorted(signers.items())), colleague_feedback.beside if colleague_feedback else None)
        html = fragments.part_bodies.get(key)
    if key is None or html is None:
        html = render_template(
            "plans/_part_body.html", plan=plan, part=part, values=snapshot.values, signers=signers,
            form=wtform or build_part_form(plan.form_key, part, snapshot.values), keys=editable,
            editable=bool(editable),
            feedback_beside=colleague_feedback.beside if colleague_feedback else None,
            feedback_mark=lambda level: Markup(f"<!--feedback-beside-{int(level)}-->"))
        if key is not None:
            fragments.part_bodies.put(key, html)
    if colleague_feedback:
        html = FEEDBACK_MARK.sub(lambda m: render_template(
            "feedback/_beside.html", plan=plan, colleague_feedback=colleague_feedback,
            level=int(m.group(1))), html)
    return Markup(html)


def _previous_plan(previous: Plan | None, rows: list | None = None):
    """The last cycle's goals and evaluation, shown beside a new plan for reference: an answer as its
    text, a table as its filled rows, each cell under its column's name (not joined with pipes).
    rows: its stored answers, read already (fragments.Cells)."""
    if previous is None or not cycle.may(current_user, previous, "lezen"):
        return None
    definition = answers.form_of(previous)
    values = answers.Snapshot(previous, rows).values if rows is not None else answers.load(previous)
    fields = [definition.field(definition.goals_field)] if definition.goals_field else []
    fields += [f for p in definition.parts_in("evaluatie") for f in p.fields]
    items = []
    for field in fields:
        value = values.get(field.key)
        if not field.is_filled(value):
            continue
        if isinstance(field, Table):
            rows = [filled_cells(field, row) for row in value or []]
            items.append((field.label, "", [r for r in rows if r]))
        else:
            items.append((field.label, field.as_text(value), None))
    return {"plan": previous, "items": items}


@bp.route("/plans/<int:plan_id>/<part_key>", methods=["GET", "POST"])
@login_required
def part(plan_id: int, part_key: str):
    plan = plan_or_404(plan_id)
    definition = answers.form_of(plan)
    part = definition.part(part_key) or abort(404)
    readable_or_403(plan)

    if request.method != "POST":  # GET, and HEAD (Flask adds it), which was read as an empty save: a 400
        return _part_page(plan, definition, part)

    if not set(request.form) - {"csrf_token"}:
        # The page always sends its version and its inputs. A post without them did not come from
        # it, and saving it would empty every answer of this part.
        raise OddFormData("het bevatte geen antwoorden.")
    # The save's order, from the lock to the cycle, is pop/saving.py's; here its outcome becomes a page.
    wtform = build_part_form(plan.form_key, part)
    outcome = saving.save(plan, part, current_user, saving.Posted(
        wtform, request.form.get("versie", ""), request.form.get("basis")))
    if isinstance(outcome, saving.Saved):
        return _after_saving(plan, definition, part, wtform, outcome)
    return _not_saved(definition, part, outcome)


# Nothing stored: the page comes back with what was typed, and a status that says why.
NOT_SAVED_STATUS = {saving.Refused: 403, saving.Conflict: 409, saving.Invalid: 422}


def _not_saved(definition, part, outcome: saving.NotSaved):
    page = dict(status=NOT_SAVED_STATUS[type(outcome)], notice=outcome.notice)
    if isinstance(outcome, saving.Conflict):
        page["meanwhile"] = {f.key: readable_text(f, outcome.theirs[f.key]) or "(leeg)"
                             for f in part.fields if f.key in outcome.theirs}
    elif isinstance(outcome, saving.Invalid):
        table = _table(part, request.form.get("add_row"))
        if table is not None:  # the row asked for, to type in once the rest is put right
            _ensure_blank_rows(table, outcome.form, _blank_count(table, outcome.form) + 1,
                               outcome.snapshot.values)
        # The page keeps the version and the basis it was built from: the next save still meets
        # whatever someone else stored since.
        page.update(problems=outcome.problems, too_long=outcome.too_long, version=outcome.version,
                    basis=request.form.get("basis"))
    return _render_part(outcome.plan, definition, part, outcome.form, outcome.snapshot, **page)


def _after_saving(plan, definition, part, wtform, outcome: saving.Saved):
    for message in outcome.notices:
        flash(message, "info")
    # More rows than the paper advises: stored all the same, with a friendly word (and above the table).
    for message in outcome.advice:
        flash(message, "advice")
    table = _table(part, request.form.get("add_row"))
    if table is not None:
        # Keep the blank rows the user already had and add one, after the save, on a fresh page.
        # Land on the first empty row: where the person types next.
        first_blank = len(table.from_form(wtform[table.key]))
        return redirect(url_for("plans.part", plan_id=plan.id, part_key=part.key, rij=table.key,
                                leeg=_blank_count(table, wtform) + 1,
                                _anchor=f"rij-{table.key}-{first_blank}"))
    flash("Opgeslagen.", "success")
    next_part = definition.next_part(part)
    target = next_part if request.form.get("go") == "next" and next_part else part
    # The anchor takes the page to the top, where "Opgeslagen." shows: without one, browsers keep
    # the fragment of the page the form was on (a row added earlier) across the redirect.
    return redirect(url_for("plans.part", plan_id=plan.id, part_key=target.key, _anchor="inhoud"))


def _part_page(plan, definition, part):
    """The part page a link opens: with the text of a save kept after the session ended, with blank
    rows added to a table (?rij=), or as stored, which is kept whole (pop/fragments.py) under what
    it shows: the plan, all its stored answers, the previous cycle's beside it, the person's rights."""
    audit.record_view(plan, current_user)
    # A draft is removed as it is shown: never by a HEAD, which shows nothing.
    kept = _kept_draft(plan, part) if request.method == "GET" else None
    if kept is not None:
        return kept
    table = _table(part, request.args.get("rij"))
    if table is not None:
        snapshot = answers.read(plan)
        wtform = build_part_form(plan.form_key, part, snapshot.values)
        _ensure_blank_rows(table, wtform, request.args.get("leeg", 1, type=int), snapshot.values)
        return _render_part(plan, definition, part, wtform, snapshot)
    cells = fragments.Cells(plan)
    # The previous cycle's plan, whose goals and evaluation the part shows beside it, by its row and the
    # stamp of its answers too: read only when the page is drawn.
    previous = PREVIOUS_PLAN.first(plan.previous_id) if plan.previous_id else None
    before = fragments.Cells(previous) if previous is not None and cycle.may(current_user, previous, "lezen") else None
    asks = feedback.declared(plan)
    key = None
    if asks is None or asks[0].key != part.key:  # colleagues' feedback changes by itself: drawn per request
        key = ("part", *fragments.plan_rows(plan), id(definition), part.key, cells.key,
               before and (fragments.row(previous), before.key))

    def draw():
        return _render_part(plan, definition, part, None, answers.Snapshot(plan, cells.rows()),
                            previous=_previous_plan(previous, before.rows()) if before else None)[0]
    return fragments.page(key, draw, holds=lambda: cells.unchanged() and (before is None or before.unchanged()))


# A plan with the stamp of its answers: the previous cycle's, beside a part (_part_page).
PREVIOUS_PLAN = Prepared(lambda plan_id: Plan.select(Plan, fragments.stamp_query(Plan.id).alias("answers_stamp"))
                         .where(Plan.id == plan_id).limit(1), 1)


def filled_cells(table, row) -> list[tuple[str, str]]:
    """(column name, text) of a table row's filled cells: how a page reads a row out to a person."""
    return [(c.label, text) for c in table.columns if (text := c.as_text(row.get(c.key)))]


def readable_text(field, value) -> str:
    """An answer as text for a person to read: a table's rows one per line, each cell with its
    column's name (not joined with pipes)."""
    if isinstance(field, Table):
        return "\n".join("; ".join(f"{label}: {text}" for label, text in filled_cells(field, row))
                         for row in value or [])
    return field.as_text(value)


# ---------------------------------------------------------------- a session that ended

# The posts whose text is kept when they arrive without a session, and the page they come back on.
KEPT_POSTS = {"plans.part": drafts.PART, "cycle.reaction": drafts.REACTION}
SESSION_ENDED = ("U was niet meer ingelogd (uitgelogd op een ander apparaat, of uw sessie was verlopen), "
                 "dus er is nog niets opgeslagen. Log opnieuw in: daarna staat wat u typte weer in het "
                 "formulier.")


def after_session_ended():
    """A request without a valid session: to the log-in page and back here afterwards. The text of a
    save is kept for after the log-in (pop/drafts.py), so logging in again loses nothing."""
    args = request.view_args or {}
    kind = KEPT_POSTS.get(request.endpoint) if request.method == "POST" else None
    token = drafts.keep_posted(args.get("plan_id", 0), args.get("part_key", ""), kind) if kind else None
    flash(SESSION_ENDED if token else "Log in om verder te gaan.", "info")
    if kind:  # back to the part (the reaction's address answers posts only)
        target = url_for("plans.part", plan_id=args.get("plan_id", 0), part_key=args.get("part_key", ""),
                         _anchor=("reactie" if kind == drafts.REACTION else "meldingen") if token else None)
    else:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
    response = redirect(url_for("auth.login", next=target))
    if token:
        response.set_cookie(drafts.COOKIE, token, max_age=int(drafts.KEEP.total_seconds()), httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _kept_draft(plan, part):
    """The part page with the text of a save that arrived after the session ended, once its writer
    is logged in again; None when this browser kept nothing for this part (for this person)."""
    def may_write(kind):
        if kind == drafts.REACTION:
            return cycle.may(current_user, plan, "reactie")
        return bool(cycle.editable_fields(current_user, plan, part))

    draft = drafts.take(request.cookies.get(drafts.COOKIE), plan, part.key, current_user, may_write)
    if draft is None:
        return None
    posted = drafts.formdata(draft)
    if draft.kind == drafts.REACTION:
        page = reaction_page(plan, part, posted, status=200, notice=(
            "Uw reactie is nog niet opgeslagen: u was niet meer ingelogd. Wat u typte staat weer in het "
            "vak ‘Reactie leidinggevende’; klik op ‘Reactie opslaan’ om het te bewaren."))
    else:
        wtform = build_part_form(plan.form_key, part, formdata=posted)
        page = _render_part(plan, answers.form_of(plan), part, wtform, answers.read(plan),
                            version=posted.get("versie") or None, basis=posted.get("basis"), notice=(
                                "Nog niet opgeslagen: u was niet meer ingelogd toen u op Opslaan klikte. "
                                "Wat u typte staat hieronder weer; controleer het en klik op Opslaan."))
    response = make_response(page)
    response.delete_cookie(drafts.COOKIE)
    return response


def _table(part, key):
    return next((f for f in part.fields if f.key == key and isinstance(f, Table)), None)


def _blank_count(table, wtform) -> int:
    return sum(1 for e in wtform[table.key].entries if table.entry_is_blank(e))


def _ensure_blank_rows(table, wtform, wanted: int, values: dict) -> None:
    # Never past the table's limit: a blank row there only invites text that cannot be saved.
    room = table.allowed_rows(values.get(table.key)) - (len(wtform[table.key].entries)
                                                         - _blank_count(table, wtform))
    for _ in range(min(wanted, BLANK_ROWS, room) - _blank_count(table, wtform)):
        wtform[table.key].append_entry(table.form_row(table.blank_row()))


def reaction_page(plan, part, posted, status: int, notice: str, meanwhile: str | None = None):
    """The part page with the reaction box holding what was posted (a save that was not stored).
    It carries the version the typed text was written against, or after a conflict the other's."""
    snapshot = answers.read(plan)
    wtform = build_part_form(plan.form_key, part, snapshot.values)
    version = (cycle.reaction_version(meanwhile) if meanwhile is not None else posted.get("reactie_versie")
               or cycle.reaction_version(snapshot.text(cycle.reaction_key(part))))
    reaction = {"text": posted.get("reactie", ""), "meanwhile": meanwhile, "version": version,
                "notice": notice}
    return _render_part(plan, answers.form_of(plan), part, wtform, snapshot, status=status,
                        reaction=reaction)


def after_csrf_failure():
    """A save whose CSRF token failed: nothing is stored, but nothing typed is lost either. Without a
    session (an expired or missing cookie) the text is kept for after the log-in; with one (a second
    tab, a token from before a log-in) the page comes back with everything typed still in it, with a
    fresh token, so one click saves it."""
    if not current_user.is_authenticated:
        if request.endpoint in KEPT_POSTS:
            return after_session_ended()
        return render_template("error.html", title="Sessie verlopen",
                               message="Uw sessie is verlopen. Log opnieuw in."), 400
    args = request.view_args or {}
    plan = Plan.get_or_none(Plan.id == args.get("plan_id", 0))
    part = answers.form_of(plan).part(args.get("part_key", "")) if plan else None
    if (plan is None or part is None or not can_view(current_user, plan)
            or not cycle.may(current_user, plan, "lezen")):
        # Not abort(404): an exception raised inside an error handler turns into a 500.
        return render_template("error.html", title="Niet gevonden",
                               message="Deze pagina bestaat niet, of u heeft er geen toegang toe."), 404
    if request.endpoint == "cycle.reaction":
        return reaction_page(plan, part, request.form, status=400, notice=(
            "Uw reactie is niet opgeslagen: het formulier was verlopen. Wat u typte staat er nog; klik "
            "opnieuw op ‘Reactie opslaan’."))
    definition = answers.form_of(plan)
    snapshot = answers.read(plan)
    wtform = build_part_form(plan.form_key, part)
    notice = "Niet opgeslagen: het formulier was verlopen."
    if cycle.editable_fields(current_user, plan, part):
        notice += " Uw invoer staat er nog; klik opnieuw op Opslaan."
    return _render_part(plan, definition, part, wtform, snapshot, status=400, notice=notice,
                        version=request.form.get("versie") or None, basis=request.form.get("basis"))


@bp.route("/plans/<int:plan_id>/afdrukken")
@login_required
def print_view(plan_id: int):
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    audit.record_view(plan, current_user)
    definition = answers.form_of(plan)
    cells = fragments.Cells(plan)

    def draw():
        snapshot = answers.Snapshot(plan, cells.rows())
        # The parts as printed follow from the form and the stored answers alone: kept per process
        # (the version print of pop/views/cycle.py draws them too).
        key = (plan.id, plan.form_key, id(definition), snapshot.fingerprint([f.key for f in definition.fields]))
        body = fragments.print_bodies.get(key)
        if body is None:
            body = render_template("plans/_print_body.html", definition=definition, values=snapshot.values)
            fragments.print_bodies.put(key, body)
        return render_template("plans/print.html", plan=plan, definition=definition, values=snapshot.values,
                               print_body=Markup(body))
    return fragments.page(("print", *fragments.plan_rows(plan), id(definition), cells.key), draw,
                          holds=cells.unchanged)
