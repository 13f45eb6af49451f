"""The to-do list on the first page after log-in: what this person has to fill, sign or hold next.

For the employee their own open plans, for a manager the plans of their current reports, for HR the
state of the period per department. The rules are pure functions over plans and their answers; for_user
gathers those in a fixed number of queries (answers of all plans at once through answers.load_many), so
the page costs the same for a team of five as for an organisation of thousands."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from peewee import SQL, fn

from forms import FORMS

from . import answers, changes, clock, cycle, feedback, fragments, rhythm, tallies
from .access import acts_as_manager, is_hr, visible_plans
from .models import PLAN_AFDELING, STATUSES, Answer, Person, Plan
from .plans import current_period, next_period, people_without_plan

# Plans of reports a manager deals with: in the voorbereiding a plan is still the employee's alone.
TEAM_STATES = ("ontwikkelgesprek", "vastgesteld", "uitvoering", "evaluatie")


@dataclass(frozen=True)
class Item:
    text: str
    endpoint: str  # where it is done, for url_for
    args: tuple[tuple[str, object], ...]
    hint: str = ""
    late: bool = False
    # Overdue talks first, then talks by date, then what waits for a signature, then the rest.
    order: tuple = ()

    @property
    def params(self) -> dict:
        return dict(self.args)


def _link(endpoint: str, **args) -> tuple[str, tuple]:
    return endpoint, tuple(sorted(args.items()))


def _part_link(plan: Plan, part) -> tuple[str, tuple]:
    return _link("plans.part", plan_id=plan.id, part_key=part.key)


def _overview(plan: Plan) -> tuple[str, tuple]:
    return _link("plans.overview", plan_id=plan.id)


def _part_of(definition, key: str):
    return next(p for p in definition.parts if any(f.key == key for f in p.fields))


def _signature(definition, signer: str) -> str | None:
    field = definition.signature(signer)
    return field.key if field else None


def _content_parts(definition):
    """The parts of the plan the employee writes, to be begun before the plan is shared: not a header
    (names filled in at the start, and dates), not a part of only planned costs (a plan may need
    none). By their fields, not their titles: the POP table's own table part has the form's title."""
    def header(part):
        return all(f.prefill or f.asks_date for f in part.fields)

    return [p for p in definition.parts_in("plan") if p.fields and not header(p)
            and not all(f.may_stay_empty for f in p.fields)]


def _untouched(part, values: dict) -> bool:
    return not any(f.is_filled(values.get(f.key)) for f in part.fields if not f.prefill)


def _evaluation_done(definition, values: dict) -> bool:
    return all(f.is_filled(values.get(f.key)) for p in definition.parts_in("evaluatie") for f in p.fields)


def _talk_item(plan: Plan, definition, values: dict, today: dt.date, with_name: str = "") -> Item | None:
    talk = rhythm.open_talk(plan, definition, values, today)
    if talk is None:
        return None
    days = rhythm.days_until(talk, today)
    if days > rhythm.SOON_DAYS:
        return None
    who = f" met {with_name}" if with_name else ""
    if days < 0:
        hint = "Verstreken: leg het gesprek vast of plan een nieuwe datum."
    elif days == 0:
        hint = "Vandaag."
    else:
        hint = f"Over {days} dag{'en' if days != 1 else ''}."
    return Item(f"{talk.label}{who} op {rhythm.dutch_date(talk.date)}",
                *_part_link(plan, rhythm.talk_part(definition, plan.status)),
                hint=hint, late=days < 0, order=(0 if days < 0 else 1, talk.date))


# ---------------------------------------------------------------- the rules, pure

def employee_items(plans, values: dict[int, dict], today: dt.date) -> list[Item]:
    """What the employee does next in their own open plans."""
    items = []
    for plan in plans:
        if plan.status == "afgerond":
            continue
        definition, v = answers.form_of(plan), values[plan.id]
        period = f"POP {plan.period}"
        if plan.status == "voorbereiding":
            empty = next((p for p in _content_parts(definition) if _untouched(p, v)), None)
            if empty is not None:
                items.append(Item("Vul uw zelfanalyse in en deel het plan", *_part_link(plan, empty),
                                  hint=f"{period} · nog leeg: {empty.title}", order=(2, plan.id)))
            else:
                items.append(Item("Deel het plan met uw leidinggevende", *_overview(plan),
                                  hint=f"{period} · met ‘Delen met leidinggevende’", order=(2, plan.id)))
        elif plan.status == "ontwikkelgesprek":
            mine, theirs = _signature(definition, "employee"), _signature(definition, "manager")
            if mine and not v.get(mine):
                other = v.get(theirs) if theirs else None
                hint = (f"{period} · uw leidinggevende gaf akkoord op {rhythm.dutch_date(other['datum'])}"
                        if other else period)
                items.append(Item("Geef uw akkoord", *_part_link(plan, _part_of(definition, mine)),
                                  hint=hint, order=(2, plan.id)))
        elif plan.status == "evaluatie" and not _evaluation_done(definition, v):
            items.append(Item("Vul de evaluatie in", *_part_link(plan, definition.parts_in("evaluatie")[0]),
                              hint=period, order=(3, plan.id)))
        talk = _talk_item(plan, definition, v, today)
        if talk is not None:
            items.append(talk)
    return sorted(items, key=lambda i: i.order)


def start_item(user: Person, period: str, has_plan: bool, last_closed: Plan | None) -> Item | None:
    """No POP for this period yet: start one, from the last afgerond plan when it leads to this
    period ("Nieuw POP" puts that one alongside), or as a new plan."""
    if has_plan:
        return None
    if last_closed is not None and next_period(last_closed.period) == period:
        return Item(f"Start uw POP voor {period}", *_overview(last_closed),
                    hint=f"met ‘Nieuw POP’: het POP {last_closed.period} staat er dan naast", order=(4, 0))
    return Item(f"Start uw POP voor {period}", *_link("plans.new", medewerker=user.id, periode=period),
                hint="met ‘Nieuw POP’", order=(4, 0))


def manager_items(plans, values: dict[int, dict], reacted: dict[int, set], without, period: str,
                  today: dt.date) -> list[Item]:
    """What waits for the manager in the plans of their current reports (plans joined with the
    employee), and which reports have no plan for this period (people_without_plan)."""
    items = []
    for plan in plans:
        if plan.status not in TEAM_STATES:
            continue
        definition, v = answers.form_of(plan), values[plan.id]
        name = plan.employee.naam
        hint = f"POP {plan.period}"
        if plan.status == "ontwikkelgesprek":
            mine, theirs = _signature(definition, "manager"), _signature(definition, "employee")
            if mine and not v.get(mine):
                signature_part = _part_of(definition, mine)
                given = v.get(theirs) if theirs else None
                unreacted = next((p for p in _content_parts(definition)
                                  if cycle.reaction_key(p) not in reacted.get(plan.id, set())), None)
                if given:
                    items.append(Item(f"Geef uw akkoord op het POP van {name}",
                                      *_part_link(plan, signature_part), order=(2, given["datum"], name),
                                      hint=f"{hint} · {name} gaf akkoord op {rhythm.dutch_date(given['datum'])}"))
                elif unreacted is not None:
                    items.append(Item(f"Reageer op het POP van {name}", *_part_link(plan, unreacted),
                                      hint=f"{hint} · {unreacted.title}", order=(2, dt.date.max, name)))
                else:
                    items.append(Item(f"Geef uw akkoord op het POP van {name}",
                                      *_part_link(plan, signature_part), hint=hint,
                                      order=(2, dt.date.max, name)))
        elif plan.status == "evaluatie":
            state = ("de evaluatie is ingevuld" if _evaluation_done(definition, v)
                     else "de evaluatie is nog niet helemaal ingevuld")
            items.append(Item(f"Rond het POP van {name} af", *_overview(plan), hint=f"{hint} · {state}",
                              order=(3, dt.date.max, name)))
        talk = _talk_item(plan, definition, v, today, with_name=name)
        if talk is not None:
            items.append(talk)
    for person in without:
        items.append(Item(f"{person.naam} heeft nog geen POP voor {period}",
                          *_link("plans.new", medewerker=person.id, periode=period),
                          order=(4, dt.date.max, person.naam)))
    return sorted(items, key=lambda i: i.order)


@dataclass
class HrOverview:
    """Plans of one period per department and state, and who has none yet."""

    period: str
    departments: list[str]
    counts: dict[tuple[str, str], int]  # (afdeling, status) -> plans
    without: dict[str, int]  # afdeling -> people without a plan
    states: dict[str, str] = field(default_factory=lambda: dict(STATUSES))

    def __post_init__(self):
        # Summed once: the page asks per department and per state, hundreds of times at a large
        # organisation.
        self._by_state, self._by_department = defaultdict(int), defaultdict(int)
        for (afdeling, state), n in self.counts.items():
            self._by_state[state] += n
            self._by_department[afdeling] += n

    def key(self) -> tuple:
        """Everything the table is drawn from (with the site's address): equal keys, the same table."""
        return (self.period, tuple(self.departments), tuple(sorted(self.counts.items())),
                tuple(sorted(self.without.items())))

    def total(self, state: str) -> int:
        return self._by_state.get(state, 0)

    def department_total(self, afdeling: str) -> int:
        return self._by_department.get(afdeling, 0)

    @property
    def without_total(self) -> int:
        return sum(self.without.values())

    def rows(self, plans_url: str) -> list[tuple[str, list[tuple[str, int, str]]]]:
        """The table's rows: (department, [(column, number, link or "")]), a cell per state, the total and
        the people without a plan, each number a link to its list when there is one (not for the people
        without a department, whom no filter selects). Built here, not per cell in the template: fifty
        departments make five hundred cells, and the template's own lookups and filters per cell were
        most of the table's time."""
        period = "&periode=" + quote(self.period)
        found = []
        for d in self.departments:
            query = f"{plans_url}?afdeling={quote(d)}{period}"
            cells = []
            for key, label in self.states.items():
                n = self.counts.get((d, key), 0)
                cells.append((label, n, f"{query}&status={key}" if n and d else ""))
            n = self._by_department.get(d, 0)
            cells.append(("Totaal", n, query if n and d else ""))
            n = self.without.get(d, 0)
            cells.append(("Zonder POP", n, query + "#zonder-pop" if n and d else ""))
            found.append((d or "(geen afdeling)", cells))
        return found


    def drawn_rows(self, plans_url: str) -> list:
        """rows() drawn (templates/plans/_todo_hr_row.html), each row kept by its cells: after a change
        only the rows whose numbers changed are drawn again (pop/fragments.py drawn())."""
        return [fragments.drawn((name, tuple(cells)), "plans/_todo_hr_row.html", "row", name, cells)
                for name, cells in self.rows(plans_url)]


def hr_overview(period: str, counted, without_counted) -> HrOverview:
    """From (afdeling, status, count) and (afdeling, count) rows."""
    counts = {(afdeling, status): n for afdeling, status, n in counted}
    without = {afdeling: n for afdeling, n in without_counted}
    departments = sorted({d for d, _ in counts} | set(without), key=lambda d: (d == "", d.lower()))
    return HrOverview(period, departments, counts, without)


# ---------------------------------------------------------------- gathering, in a fixed number of queries

@dataclass
class ToDo:
    own: list[Item]
    team: list[Item]
    manager: bool
    hr: HrOverview | None
    asked: list[Item] = field(default_factory=list)  # colleagues' requests for feedback, to answer


def asked_items(requests) -> list[Item]:
    """The colleagues' requests for feedback this person can answer (pop.feedback.open_for): to the
    answer page, which shows the employee's name and the questions, nothing of the plan."""
    return [Item(f"Geef feedback aan {r.plan.employee.naam}", *_link("feedback.answer", request_id=r.id),
                 hint=(f"gevraagd op {feedback.day(r.created_at)}, kan tot en met "
                       f"{feedback.day(r.expires_at)}"),
                 order=(5, r.expires_at, r.id))
            for r in requests]


def team_fields() -> set[str]:
    """What manager_items reads of a report's plan: the akkoorden, the next talk, the progress talks
    (was it held?) and the evaluation (is it filled?), not the long answers of the plan itself."""
    keys = set()
    for definition in FORMS.values():
        keys |= set(definition.signature_fields)
        keys |= {definition.next_talk_field, definition.next_talk_kind_field} - {""}
        keys |= {f.key for cycle_part in ("voortgang", "evaluatie") for p in definition.parts_in(cycle_part)
                 for f in p.fields}
    return keys


def _reactions(plans) -> dict[int, set]:
    """The reaction keys (cycle.reaction_key) each plan has a manager's reaction under, in one query."""
    ids = [p.id for p in plans]
    keys = sorted({cycle.reaction_key(part) for form in FORMS.values() for part in form.parts})
    reacted: dict[int, set] = defaultdict(set)
    for start in range(0, len(ids), 500):
        query = (Answer.select(Answer.plan, Answer.field)
                 .where(Answer.plan.in_(ids[start:start + 500]) & Answer.field.in_(keys)).tuples())
        for plan_id, key in query:
            reacted[plan_id].add(key)
    return reacted


def department_counts(period: str, plans: list | None = None) -> tuple[list, list]:
    """HR's plans of the period per department and state, and the active people without one per
    department, as hr_overview takes them. HR sees every plan (access.visible_plans), so no filter; the
    dashboard (pop/dashboard.py) takes the same rows and leaves out the voorbereiding's plans.

    The plans per department and state and the active people per department from the tallies the
    database keeps (pop/tallies.py); from indexes, through the department each plan carries (m0024), the
    people with a plan per department (someone may have plans on two forms) and those of them who left (a
    few: they are subtracted, as they are not missed). plans: the period's rows of tally_plan, when the
    caller read them already."""
    if plans is None:
        plans = tallies.sums("tally_plan", period=period)
    counted = [(afdeling, status, n) for _, afdeling, status, n, _, _ in plans]
    with_plan = dict(Plan.select(PLAN_AFDELING, fn.COUNT(Plan.employee.distinct())).where(Plan.period == period)
                     .group_by(PLAN_AFDELING).tuples())
    has_plan = Plan.select(SQL("1")).where((Plan.employee == Person.id) & (Plan.period == period))
    left = dict(Person.select(Person.afdeling, fn.COUNT(Person.id))
                .where((Person.active == False) & fn.EXISTS(has_plan))  # noqa: E712
                .group_by(Person.afdeling).tuples())
    active = [(afdeling, n) for afdeling, _, n in tallies.sums("tally_people", active=1)]
    without = [(afdeling, n - with_plan.get(afdeling, 0) + left.get(afdeling, 0)) for afdeling, n in active]
    return counted, [(afdeling, n) for afdeling, n in without if n > 0]


def for_user(user: Person, today: dt.date | None = None, period: str = "") -> ToDo:
    today = today or clock.today()  # the organisation's today, not the server's
    mine = list(Plan.select().where(Plan.employee == user.id).order_by(Plan.period, Plan.id))
    own = [p for p in mine if p.status != "afgerond"]
    team, without, reacted = [], [], {}
    manager = acts_as_manager(user)
    team_period = current_period(today)
    if manager:
        team = list(visible_plans(user).where((Person.manager == user.id) & (Plan.employee != user.id)
                                              & (Person.active == True)  # noqa: E712
                                              & Plan.status.in_(TEAM_STATES))
                    .order_by(Person.achternaam, Person.voornaam, Plan.period))
        reacted = _reactions([p for p in team if p.status == "ontwikkelgesprek"])
        without = list(people_without_plan(team_period).where(
            (Person.manager == user.id) & (Person.id != user.id)))
    values = answers.load_many(own)
    values.update(answers.load_many(team, fields=team_fields()))
    hr = None
    if is_hr(user):
        hr_period = period or current_period(today)
        hr = hr_overview(hr_period, *changes.kept("department_counts", (hr_period,),
                                                  lambda: department_counts(hr_period)))
    period_now = current_period(today)
    has_plan = any(p.period == period_now for p in mine)
    last_closed = next((p for p in reversed(mine) if p.status == "afgerond"), None)
    own_items = employee_items(own, values, today)
    start = start_item(user, period_now, has_plan, last_closed)
    if start is not None:
        own_items.append(start)
    return ToDo(own=own_items,
                team=manager_items(team, values, reacted, without, team_period, today) if manager else [],
                manager=manager, hr=hr, asked=asked_items(feedback.open_for(user)))
