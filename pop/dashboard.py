"""HR's dashboard (/dashboard): the period's figures at a glance, each a link to the list of exactly the
plans or people it counts, and bar charts drawn on the server as SVG (templates/dashboard/).

The figures of a period (a plan period, "2026"; the current one unless HR chooses another):
- plans per state and per department and state, and the plans awaiting akkoord (those in the
  Ontwikkelgesprek: both akkoorden make a plan Vastgesteld, so every plan there misses one or both);
- talks overdue: open plans whose next talk lies in the past and was not held (pop/rhythm.py), counted
  and listed on a page of their own (/dashboard/gesprekken-verlopen), as HR's plan list has no filter
  for them. Not on the dashboard itself: the next talk is an answer, not a column of the plan; the page
  reads the talk cells of the plans whose next talk's date has passed (_due_before), where reading
  every shared plan's took 0.3 s at 10,000 employees;
- active people without a plan for the period, per department;
- the development budget of the year (pop/budget.py): budgets given and costs planned;
- completion per phase: for each part of each form in use, how many of the period's shared plans on that
  form have it complete, started or empty, from the progress each save keeps (pop/progress.py); the
  plan list has no filter on a part's progress, so these numbers link to the form's plans as a whole.

Privacy: a plan in the voorbereiding is the employee's alone and counts nowhere here (as in the budget's
totals, pop/budget.py PRIVATE): not in the states, not in a department's plans. Its employee does have a
plan, so they are not among the people without one (as on HR's plan list).

A fixed number of queries whatever the organisation's size: the counts per department and state and
the people without a plan per department (four, todo.department_counts, each from an index), the
budget's two, the list of departments, the plans per form and progress. The sums are kept per process
while the database's count of changes to what they count stays the same (pop/changes.py): then one
small query replaces them. The page itself is kept while its figures are the same (views/dashboard.py).
The overdue talks' page takes three and one per 500 plans more (the period's shared open plans with a
talk date passed, their talk fields' cells, the plans found with their employees)."""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import astuple, dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote_plus

from flask import url_for
from peewee import SQL, fn

from forms import FORMS

from . import budget, changes, fragments, progress, rhythm, tallies
from .db import database
from .departments import names
from .models import STATUSES, Answer, Person, Plan
from .plans import NO_DEPARTMENT, SHARED
from .todo import department_counts

PRIVATE = budget.PRIVATE
SHARED_STATES = {k: v for k, v in STATUSES.items() if k not in PRIVATE}
AWAITING_AKKOORD = "ontwikkelgesprek"


@dataclass
class Figures:
    period: str
    counts: dict[tuple[str, str], int]  # (afdeling, state) -> plans, shared states only
    without: dict[str, int]  # afdeling -> active people without a plan
    departments: list[str]  # HR's list, and "" when someone has none
    budget: budget.Department
    per_form: dict[str, int] = field(default_factory=dict)  # form key -> shared plans
    parts: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (form, part, complete/begun) -> plans
    states: dict[str, str] = field(default_factory=lambda: dict(SHARED_STATES))

    def __post_init__(self):
        self._list_url = url_for("plans.index")
        self.by_state, self.by_department = defaultdict(int), defaultdict(int)
        for (afdeling, state), n in self.counts.items():
            self.by_state[state] += n
            self.by_department[afdeling] += n

    def key(self) -> tuple:
        """Everything the page is drawn from, for a key of the page kept (pop/fragments.py page()):
        equal figures draw the same page, so at 10,000 employees the fifty departments' rows and bars
        are drawn again only when a figure changed; the figures themselves are read per request."""
        return (self.period, tuple(sorted(self.counts.items())), tuple(sorted(self.without.items())),
                tuple(self.departments), astuple(self.budget), tuple(sorted(self.per_form.items())),
                tuple(sorted(self.parts.items())))

    def completion(self) -> list[tuple]:
        """Per form with shared plans (in the forms' order): (form, plans, [(part, complete, started,
        empty)]); a part neither complete nor begun is empty."""
        found = []
        for key, definition in FORMS.items():
            plans = self.per_form.get(key, 0)
            if not plans:
                continue
            rows = []
            for part in definition.parts:
                complete = self.parts.get((key, part.key, progress.COMPLETE), 0)
                started = self.parts.get((key, part.key, progress.STARTED), 0)
                rows.append((part, complete, started, plans - complete - started))
            found.append((definition, plans, rows))
        return found

    @property
    def plans(self) -> int:
        return sum(self.by_state.values())

    @property
    def awaiting_akkoord(self) -> int:
        return self.by_state.get(AWAITING_AKKOORD, 0)

    @property
    def without_total(self) -> int:
        return sum(self.without.values())

    @property
    def budget_used(self) -> Decimal | None:
        """The share of the year's budget in euros that the shared plans plan to spend, in per cent."""
        given = self.budget.budget_euro
        if not given:
            return None
        return (self.budget.planned_euro * 100 / given).quantize(Decimal("1"))

    # The links: HR's plan list (pop/views/plans.py) with the filters that list exactly what is counted.
    # Its address is found once: url_for per cell was half the page's time with a hundred departments.
    # The page has a link per department and state, twice: each value is quoted once (urlencode per link
    # was a third of the page's time with fifty departments), the address is what urlencode would give.
    def plans_link(self, state: str = "", afdeling: str | None = None, form: str = "") -> str:
        link = f"{self._list_url}?periode={_quoted(self.period)}&status={_quoted(state or SHARED)}"
        if afdeling is not None:
            link += "&afdeling=" + _quoted(afdeling or NO_DEPARTMENT)
        if form:
            link += "&formulier=" + _quoted(form)
        return link

    def without_link(self, afdeling: str | None = None) -> str:
        link = f"{self._list_url}?periode={_quoted(self.period)}"
        if afdeling:
            link += "&afdeling=" + _quoted(afdeling)
        return link + "#zonder-pop"

    def overdue_link(self) -> str:
        return url_for("dashboard.overdue", periode=self.period)

    def budget_link(self) -> str:
        return url_for("organisation.budget_page", periode=self.period)

    def name(self, afdeling: str) -> str:
        return afdeling or NO_DEPARTMENT


_quoted = lru_cache(maxsize=4096)(quote_plus)


@lru_cache(maxsize=None)
def _talk_fields(form_key: str) -> tuple[frozenset, dict]:
    """What rhythm.open_talk reads of a plan of this form: the next talk, its kind and the header's date
    of the POP-gesprek (whole fields), and of the progress talks' answers only the cells that hold their
    days (Field.date_columns: a table's date columns)."""
    definition = FORMS[form_key]
    keys = {definition.next_talk_field, definition.next_talk_kind_field,
            rhythm.header_talk_field(definition)} - {""}
    tables = {f.key: f.date_columns() for part in definition.parts_in("voortgang") for f in part.fields
              if f.date_columns()}
    return frozenset(keys), tables


def _shared_open(period: str):
    return (Plan.period == period) & Plan.status.in_([s for s in rhythm.OPEN_STATES if s not in PRIVATE])


def _due_before(period: str, today):
    """The ids of the period's shared open plans that may have a talk overdue: those whose next talk
    field (Afronding's "volgend gesprek") holds a date before today. Once a plan is shared, a talk
    without that date is the POP-gesprek of its header only while that date has not passed
    (rhythm.next_talk), so it is never overdue; the dates are stored as ISO text (the Date kind), which
    sorts as the dates do. Through m0022's partial index of those answers by date: only the dates
    before today are read, not every shared plan's (at 10,000 employees most talks lie ahead)."""
    due = None
    for key in sorted({d.next_talk_field for d in FORMS.values()} - {""}):
        # The key as a literal (a form's own, never typed by anyone): m0022's partial index of these
        # answers is found only for a query that names its field so.
        named = Answer.field == SQL("'" + key.replace("'", "''") + "'")
        due = named if due is None else due | named
    if due is None:
        return Plan.select(Plan.id, Plan.form_key, Plan.status).where(SQL("1 = 0"))
    dated = Answer.select(Answer.plan).where(due & (Answer.value < today.isoformat()) & (Answer.value != ""))
    return Plan.select(Plan.id, Plan.form_key, Plan.status).where(_shared_open(period) & Plan.id.in_(dated))


def overdue_talks(period: str, today) -> list[tuple[int, rhythm.Talk]]:
    """(plan id, talk) of the period's shared open plans whose next talk lies before today and was not
    held (as a manager's to-do list calls it overdue, pop/rhythm.py). The plans _due_before() finds, then
    only their talk fields' cells, 500 plans a query (as plain rows, not model objects); each found plan
    is then judged by the rule of the to-do list itself."""
    forms = [k for k in FORMS]
    keys, columns = set(), set()
    for key in forms:
        fields, tables = _talk_fields(key)
        keys |= fields
        columns |= {c for cols in tables.values() for c in cols}
    tables_keys = {t for key in forms for t in _talk_fields(key)[1]}
    plans = {plan_id: (form_key, status) for plan_id, form_key, status in
             database.execute(_due_before(period, today)).fetchall()}
    ids = sorted(plans)
    cells: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for start in range(0, len(ids), 500):
        # By the plans' ids and the fields (the answers' unique index); a table's other columns (its
        # text) are left here rather than in the query, where an OR of them read the whole table.
        query = (Answer.select(Answer.plan, Answer.field, Answer.row, Answer.column, Answer.value)
                 .where(Answer.plan.in_(ids[start:start + 500]) & Answer.field.in_(sorted(keys | tables_keys))))
        for plan_id, key, row, column, value in database.execute(query).fetchall():
            if key in keys or column in columns:
                cells[plan_id][key][(row, column)] = value
    found = []
    for plan_id, mine in cells.items():
        form_key, status = plans.get(plan_id, ("", ""))
        definition = FORMS.get(form_key)
        if definition is None:
            continue
        fields, tables = _talk_fields(definition.key)
        values = {k: definition.field(k).from_cells(mine[k]) for k in fields | set(tables) if k in mine}
        talk = rhythm.open_talk(_State(status), definition, values, today)
        if talk is not None and talk.date < today:
            found.append((plan_id, talk))
    return found


@dataclass(frozen=True)
class _State:
    """What rhythm.open_talk reads of a plan: its state."""
    status: str


def overdue_plans(period: str, today) -> list[tuple[Plan, rhythm.Talk]]:
    """The plans of overdue_talks() with their employees, by name, for the list behind the figure."""
    talks = dict(overdue_talks(period, today))
    if not talks:
        return []
    plans = (Plan.select(Plan, Person).join(Person, on=(Plan.employee == Person.id))
             .where(_shared_open(period)).order_by(Person.achternaam, Person.voornaam, Person.id))
    return [(p, talks[p.id]) for p in plans if p.id in talks]


def completion(period: str) -> tuple[dict[str, int], dict[tuple[str, str, str], int]]:
    """The period's shared plans per form, and per (form, part, complete or begun) how many have that
    part so: from the tally of plans per form and kept progress (pop/progress.py) the database keeps
    (pop/tallies.py; a few dozen rows)."""
    per_form, parts = defaultdict(int), defaultdict(int)
    for _, status, form_key, kept, n in tallies.sums("tally_progress", period=period):
        if status in PRIVATE:
            continue
        per_form[form_key] += n
        for part, state in progress.decode(kept).items():
            parts[(form_key, part, state)] += n
    return dict(per_form), dict(parts)


def _add_up(period: str) -> tuple:
    """The counts per department and state with the people without a plan, the year's budget, and the
    completion per phase; the period's plan tally read once for the first two."""
    plans = tallies.sums("tally_plan", period=period)
    return department_counts(period, plans), budget.year_total(period, plans), completion(period)


def figures(period: str) -> Figures:
    # The plans per department and state and the people without one (todo.department_counts, as HR's
    # to-do table); a plan in the voorbereiding counts nowhere, though its employee has a plan.
    (counted, without_counted), whole, (per_form, parts) = changes.kept("dashboard", (period,), lambda: _add_up(period))
    counts = {(afdeling, state): n for afdeling, state, n in counted if state not in PRIVATE}
    without = dict(without_counted)
    listed = names()
    seen = {d for d, _ in counts} | set(without)
    departments = listed + sorted(d for d in seen if d not in listed and d) + ([""] if "" in seen else [])
    return Figures(period, counts, without, departments, whole, per_form, parts)


# ---------------------------------------------------------------- the charts' geometry

# Fills that differ without colour: each state its own pattern (templates/dashboard/_charts.svg defines
# them), and every bar carries its number as text.
PATTERNS = ["p-solid", "p-diagonal", "p-dots", "p-cross", "p-horizontal", "p-vertical"]


@dataclass
class Bar:
    label: str
    value: int
    link: str
    y: int
    width: float
    pattern: str = PATTERNS[0]
    segments: list = field(default_factory=list)  # (x, width, value, pattern, label, link) of a stacked bar


CHART_WIDTH, LABEL_WIDTH, ROW, VALUE_ROOM = 640, 190, 28, 50
# A completion bar is always full length and its text has a word after the number ("1.000 compleet").
COMPLETE_ROOM = 110


def bars(rows: list[tuple[str, int, str]]) -> tuple[list[Bar], int]:
    """(label, value, link) rows as horizontal bars scaled to the largest; returns the bars and the height."""
    largest = max((v for _, v, _ in rows), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    found = [Bar(label, value, link, 10 + i * ROW, room * value / largest, PATTERNS[i % len(PATTERNS)])
             for i, (label, value, link) in enumerate(rows)]
    return found, 20 + len(rows) * ROW


def stacked(f: Figures) -> tuple[list[Bar], int, list[tuple[str, str, str]]]:
    """A bar per department, a segment per shared state; the legend as (state label, pattern)."""
    states = list(f.states)
    pattern = {s: PATTERNS[i % len(PATTERNS)] for i, s in enumerate(states)}
    largest = max((f.by_department.get(d, 0) for d in f.departments), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    result = []
    for i, d in enumerate(f.departments):
        bar = Bar(f.name(d), f.by_department.get(d, 0), f.plans_link(afdeling=d), 10 + i * ROW,
                  room * f.by_department.get(d, 0) / largest)
        x = 0.0
        for s in states:
            n = f.counts.get((d, s), 0)
            if n:
                width = room * n / largest
                bar.segments.append((x, width, n, pattern[s], f.states[s], f.plans_link(s, d)))
                x += width
        result.append(bar)
    legend = [(s, f.states[s], pattern[s]) for s in states]
    return result, 20 + len(result) * ROW, legend


# Drawn a bar or a row at a time and kept by what each is drawn from (pop/fragments.py drawn()): at 10,000
# employees fifty departments, of which a change of a plan's state changes one (the bars' scale changes
# with the largest department's plans only).
def drawn_bar(b: Bar, unit: str = ""):
    key = (b.label, b.value, b.link, b.y, b.width, b.pattern, tuple(b.segments), unit)
    return fragments.drawn(key, "dashboard/_charts.html", "stacked_bar", b, sys.modules[__name__], unit)


def drawn_department_row(f: Figures, d: str):
    key = (f.period, d, f.name(d), tuple(f.states.items()), tuple(f.counts.get((d, s), 0) for s in f.states),
           f.by_department.get(d, 0), f.without.get(d, 0), f.plans_link(afdeling=d))
    return fragments.drawn(key, "dashboard/_charts.html", "department_row", f, d)


# Complete, started, empty: a part's bar is all of the form's plans, its segments these three.
PROGRESS_PATTERNS = {progress.COMPLETE: "p-solid", progress.STARTED: "p-diagonal", progress.EMPTY: "p-dots"}


def completion_bars(plans: int, rows: list[tuple], link: str) -> tuple[list[Bar], int, list[tuple[str, str, str]]]:
    """A bar per part of one form (rows of Figures.completion), each as long as the form's plans, in
    segments complete, started and empty; the number complete as its text."""
    room = CHART_WIDTH - LABEL_WIDTH - COMPLETE_ROOM
    result = []
    for i, (part, complete, started, empty) in enumerate(rows):
        bar = Bar(part.nav_title, complete, link, 10 + i * ROW, room)
        x = 0.0
        for state, n in ((progress.COMPLETE, complete), (progress.STARTED, started), (progress.EMPTY, empty)):
            if n:
                width = room * n / (plans or 1)
                bar.segments.append((x, width, n, PROGRESS_PATTERNS[state], progress.STATES[state], link))
                x += width
        result.append(bar)
    legend = [(state, label, PROGRESS_PATTERNS[state]) for state, label in progress.STATES.items()]
    return result, 20 + len(result) * ROW, legend
