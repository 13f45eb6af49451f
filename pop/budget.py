"""The personal development budget (POB, seed 004 §2.5.2: "Iedere medewerker heeft zijn eigen budget en
weet dus hoeveel hij op kosten van de baas kan uitgeven aan zijn ontwikkeling"): HR gives each person a
yearly budget in euros and hours; the costs planned in that year's plans are summed against it.

Planned: for every plan whose period is the year, the totals of its form's Costs field
(FormDefinition.costs_field; a form without one plans no costs), once the plan is shared: a plan in
the voorbereiding is the employee's alone, its amounts too, so HR's totals leave it out (PRIVATE) while
the employee's own "Mijn budget" counts it. A person
without a budget still has planned costs; their remaining amount is not shown (there is nothing to
subtract from), and the department's remaining amount is its budget minus everything its people
planned. Amounts are read the Dutch way by the Amount kind's parser (forms.kinds.parse_amount)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from forms import FORMS
from forms.kinds import format_amount, parse_amount

from . import answers
from .db import write_lock
from .models import Budget, Person, Plan, now

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
NO_DEPARTMENT = "(geen afdeling)"
UNITS = {"euro": "euro", "uren": "uur"}  # input/column -> the Amount kind's unit
# The states whose content only the employee sees (pop.cycle.RIGHTS: nobody else may "lezen").
PRIVATE = ("voorbereiding",)


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def show(value: Decimal | None, column: str) -> str:
    """€ 1.250,50 / 12,5 uur, a negative one with a real minus sign in front (− € 250,00); '' for None."""
    if value is None:
        return ""
    text = format_amount(abs(value), UNITS[column])
    return f"− {text}" if value < 0 else text


def planned(year: str, afdeling: str | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """{person id: (euros, hours)} planned in the shared plans of this year, per person (several plans
    add up); with afdeling, only for the people of that department ("" for those without one)."""
    by_person: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    query = Plan.select(Plan.id, Plan.employee, Plan.form_key).where(
        (Plan.period == year) & Plan.status.not_in(PRIVATE))
    if afdeling is not None:
        query = query.join(Person, on=(Plan.employee == Person.id)).where(Person.afdeling == afdeling)
    plans = list(query)
    by_form = defaultdict(list)
    for plan in plans:
        by_form[plan.form_key].append(plan)
    for form_key, form_plans in by_form.items():
        definition = FORMS.get(form_key)
        costs_key = getattr(definition, "costs_field", "") if definition else ""
        if not costs_key:
            continue
        costs = definition.field(costs_key)
        for plan in form_plans:
            by_person[plan.employee_id]  # a plan without costs still shows as planned 0
        values = answers.load_many(form_plans, fields=[costs_key])
        for plan in form_plans:
            euros, hours = costs.totals(values[plan.id].get(costs_key))
            totals = by_person[plan.employee_id]
            totals[0] += euros
            totals[1] += hours
    return {pid: (_q(e), _q(h)) for pid, (e, h) in by_person.items()}


@dataclass
class Line:
    person: Person
    budget_euro: Decimal | None
    budget_uren: Decimal | None
    planned_euro: Decimal
    planned_uren: Decimal

    @property
    def has_budget(self) -> bool:
        return self.budget_euro is not None or self.budget_uren is not None

    @property
    def remaining_euro(self) -> Decimal | None:
        return None if self.budget_euro is None else self.budget_euro - self.planned_euro

    @property
    def remaining_uren(self) -> Decimal | None:
        return None if self.budget_uren is None else self.budget_uren - self.planned_uren


@dataclass
class Department:
    name: str
    lines: list[Line] = field(default_factory=list)

    def _sum(self, attr) -> Decimal | None:
        values = [getattr(line, attr) for line in self.lines if getattr(line, attr) is not None]
        return sum(values, ZERO) if values else None

    @property
    def budget_euro(self):
        return self._sum("budget_euro")

    @property
    def budget_uren(self):
        return self._sum("budget_uren")

    @property
    def planned_euro(self):
        return self._sum("planned_euro") or ZERO

    @property
    def planned_uren(self):
        return self._sum("planned_uren") or ZERO

    @property
    def remaining_euro(self):
        return None if self.budget_euro is None else self.budget_euro - self.planned_euro

    @property
    def remaining_uren(self):
        return None if self.budget_uren is None else self.budget_uren - self.planned_uren

    @property
    def without_budget(self) -> int:
        return sum(1 for line in self.lines if not line.has_budget)


def overview(year: str, afdeling: str = "") -> list[Department]:
    """Per department (sorted, people without one last), the people with their budget, planned and
    remaining amounts: every active person, and anyone else with a budget or a plan this year."""
    department = (afdeling if afdeling != NO_DEPARTMENT else "") if afdeling else None
    budgets = Budget.select().where(Budget.year == year)
    if department is not None:
        budgets = budgets.join(Person, on=(Budget.person == Person.id)).where(Person.afdeling == department)
    budgets = {b.person_id: b for b in budgets}
    plan_totals = planned(year, department)
    ids = set(budgets) | set(plan_totals)
    people = Person.select().where((Person.active == True) | Person.id.in_(list(ids) or [0]))  # noqa: E712
    if department is not None:
        people = people.where(Person.afdeling == department)
    departments: dict[str, Department] = {}
    for person in people.order_by(Person.achternaam, Person.voornaam):
        budget = budgets.get(person.id)
        euros, hours = plan_totals.get(person.id, (ZERO, ZERO))
        name = person.afdeling or NO_DEPARTMENT
        departments.setdefault(name, Department(name)).lines.append(Line(
            person, _q(budget.euro) if budget else None, _q(budget.uren) if budget else None, euros, hours))
    return sorted(departments.values(), key=lambda d: (d.name == NO_DEPARTMENT, d.name.lower()))


def read_post(people, form) -> tuple[dict[int, tuple[Decimal | None, Decimal | None]], dict[str, str]]:
    """The budgets posted for these people (inputs b<id>-euro, b<id>-uren): ({id: (euros, hours)},
    {input name: Dutch message}). Inputs for anyone else are not read."""
    values, errors = {}, {}
    for person in people:
        if f"b{person.id}-euro" not in form and f"b{person.id}-uren" not in form:
            continue  # not on the page that was posted (new since, or another department's)
        parsed = []
        for column in ("euro", "uren"):
            name = f"b{person.id}-{column}"
            try:
                parsed.append(_q(parse_amount(form.get(name, ""), UNITS[column])))
            except ValueError as refused:
                errors[name] = str(refused)
                parsed.append(None)
        values[person.id] = tuple(parsed)
    return values, errors


def save_budgets(values: dict[int, tuple[Decimal | None, Decimal | None]], year: str, by: Person) -> int:
    """Store the posted budgets in one transaction: changed ones written (set_by/set_at this user and
    now), emptied ones removed, unchanged ones left. Returns the number changed."""
    changed = 0
    with write_lock():
        current = {b.person_id: b for b in Budget.select().where(
            Budget.person.in_(list(values) or [0]) & (Budget.year == year))}
        for person_id, (euros, hours) in values.items():
            old = current.get(person_id)
            if euros is None and hours is None:
                if old is not None:
                    Budget.delete().where(Budget.id == old.id).execute()
                    changed += 1
                continue
            if old is not None and (_q(old.euro), _q(old.uren)) == (euros, hours):
                continue
            (Budget.insert(person=person_id, year=year, euro=euros, uren=hours, set_by=by.id, set_at=now())
             .on_conflict(conflict_target=[Budget.person, Budget.year],
                          update={Budget.euro: euros, Budget.uren: hours, Budget.set_by: by.id,
                                  Budget.set_at: now()})
             .execute())
            changed += 1
    return changed


def years() -> list[str]:
    found = {b.year for b in Budget.select(Budget.year).distinct()}
    found |= {p.period for p in Plan.select(Plan.period).distinct()}
    return sorted(found, reverse=True)


def own(person: Person) -> list[Line]:
    """A person's own budget per year (seed 004 §2.5.2: everyone knows how much they may spend), newest
    first: every year with a budget or a plan of theirs."""
    budgets = {b.year: b for b in Budget.select().where(Budget.person == person.id)}
    years_ = set(budgets) | {p.period for p in Plan.select(Plan.period).where(Plan.employee == person.id)}
    lines = []
    for year in sorted(years_, reverse=True):
        b = budgets.get(year)
        euros, hours = planned_for(person, year)
        lines.append((year, Line(person, _q(b.euro) if b else None, _q(b.uren) if b else None, euros, hours)))
    return lines


def planned_for(person: Person, year: str) -> tuple[Decimal, Decimal]:
    """What the person's own plans of the year plan, shared or not: this is for their own eyes only."""
    euros = hours = ZERO
    plans = list(Plan.select(Plan.id, Plan.employee, Plan.form_key)
                 .where((Plan.employee == person.id) & (Plan.period == year)))
    for plan in plans:
        definition = FORMS.get(plan.form_key)
        key = getattr(definition, "costs_field", "") if definition else ""
        if key:
            e, h = definition.field(key).totals(answers.load_many([plan], fields=[key])[plan.id].get(key))
            euros, hours = euros + e, hours + h
    return _q(euros), _q(hours)
