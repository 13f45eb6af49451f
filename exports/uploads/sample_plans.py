"""The plans an uploaded template is tried on before it is accepted: beside the demo plan (the preview),
the extremes real plans reach. A template that works on the demo plan can still break on a plan with
every table at its row limit, every answer at its length limit, an option chosen that the demo leaves
open, or nothing filled in at all; each of those is rendered once at upload, so HR hears about it then
and not an employee at download time.

Every name a template can use takes, in one of these plans, a filled value and an empty one (a
tussenvoegsel, a plan without a manager, a SMART check with letters left open), every option of a
choice and every phase of the plan (plan.status): a branch such as {% if medewerker.tussenvoegsel %}
or {% if plan.status == "Afgerond" %} runs at upload, so a template slow or broken only there is
refused then, not found out by eight people downloading at once (tests/test_sample_plans_names.py
checks this for every form). The names do not depend on the template, so neither do the plans: the
upload check builds them before the child has read it. Phases the full plans do not take go to
copies of the demo plan, which cost little to render (bench/bench_upload_check.py)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from forms.kinds import AMOUNT_MAX  # noqa: F401 - the largest amount, as the tests name it here

from exports.context import build_context, example_plan_context
from pop.models import STATUSES, Person

LAST_DAY = dt.date(2026, 12, 31)  # the full plans' dates: the last day of their period

# Awkward on purpose: XML's special characters, curly quotes, a character outside the BMP, a tab, a
# line break, and text that looks like a template or a formula.
AWKWARD = "Lang antwoord & <tekst> “aanhalingstekens” ‘enkel’ — 😀\tmet tab {{ 7*7 }} =1+1\n"


# A person's fields are one line each (the people form has no line breaks): the awkward text without
# its tab and line break.
PERSON_TEXT = AWKWARD.replace("\t", " ").replace("\n", " ")
EMPTY_PLAN_STATUS = "voorbereiding"  # a plan nothing is filled in yet is one being prepared


def _longest(column: str, start: str) -> str:
    """start, made as long as the Person column allows: a name at its limit, as real people reach."""
    length = Person._meta.fields[column].max_length
    return (start + " " + PERSON_TEXT * (length // len(PERSON_TEXT) + 1))[:length]


def _person(voornaam: str, achternaam: str, tussenvoegsel: str = "", email: str = "", functie: str = "",
            afdeling: str = ""):
    naam = " ".join(p for p in (voornaam, tussenvoegsel, achternaam) if p)  # as Person.naam
    return SimpleNamespace(naam=naam, voornaam=voornaam, tussenvoegsel=tussenvoegsel,
                           achternaam=achternaam, email=email, functie=functie, afdeling=afdeling)


def _longest_person(voornaam: str, tussenvoegsel: str, achternaam: str):
    """Every field of a person filled to its column's length, the tussenvoegsel too."""
    local = "voorbeeld." + voornaam.lower()
    domain = "@example.org"
    email = (local + "x" * Person._meta.fields["email"].max_length)[
        :Person._meta.fields["email"].max_length - len(domain)] + domain
    return _person(_longest("voornaam", voornaam), _longest("achternaam", achternaam),
                   _longest("tussenvoegsel", tussenvoegsel), email, _longest("functie", "Functie"),
                   _longest("afdeling", "Afdeling"))


def _plan(status: str, employee, manager):
    return SimpleNamespace(employee=employee, manager=manager, period="2026", status_label=STATUSES[status],
                           updated_at=dt.datetime(2026, 12, 31, 23, 59))


def _long_text(length: int) -> str:
    return (AWKWARD * (length // len(AWKWARD) + 1))[:length]


def _options_needed(definition) -> int:
    """Enough full plans that every option of every choice and grid is chosen in one of them: each
    kind says how many turns its options take (Field.turns)."""
    return max((f.turns() for f in definition.fields), default=1)


def full_plan_values(definition, option: int = 0) -> dict:
    """Every answer the largest its kind accepts (Field.largest), in awkward text; choices take
    their option-th option."""
    return {f.key: f.largest(option, _long_text, LAST_DAY) for f in definition.fields}


def _phases(demo_status: str, full_plans: int) -> tuple[list[str], list[str]]:
    """The phases (STATUSES keys) of the full plans and of the demo plan's copies: together with the
    demo plan and the empty plan, every phase once at least. At least one copy: it also leaves SMART
    letters open, which no other plan does."""
    others = [s for s in STATUSES if s != EMPTY_PLAN_STATUS and STATUSES[s] != demo_status]
    full = [others[i % len(others)] for i in range(full_plans)]
    copies = others[full_plans:] or [others[-1]]
    return full, copies


def trial_contexts(definition, excel: bool = False) -> list[tuple[str, dict]]:
    """(what it is, context) for every plan an upload is tried on; the first is the demo plan, whose
    result is the preview HR sees, and the last the empty plan."""
    demo, demo_values = example_plan_context(definition, excel=excel)
    trials = [("het voorbeeldplan", demo)]
    full_phases, copy_phases = _phases(demo["plan"]["status"], _options_needed(definition))
    # Everyone in the full plans has every field filled to its limit, the tussenvoegsel too.
    employee = _longest_person("Anna-Maria", "van der", "Uitersteplan")
    manager = _longest_person("Bob", "de", "Leiding")
    for option, phase in enumerate(full_phases):
        trials.append((f"een plan waarin alles tot het maximum is ingevuld (fase ‘{STATUSES[phase]}’)",
                       build_context(_plan(phase, employee, manager), definition,
                                     full_plan_values(definition, option), excel=excel)))
    # The demo plan's answers in the phases left, by people with a short tussenvoegsel and some
    # fields open; every other SMART letter open, the other half in the next copy.
    for turn, phase in enumerate(copy_phases):
        values = {f.key: f.in_progress(demo_values.get(f.key, f.empty()), turn) for f in definition.fields}
        people = (_person("Eva", "Visser", "van", "eva.visser@example.org", functie="Adviseur"),
                  _person("Marco", "Jansen", "", "marco.jansen@example.org", afdeling="Opleidingen"))
        trials.append((f"het voorbeeldplan in fase ‘{STATUSES[phase]}’",
                       build_context(_plan(phase, *people), definition, values, excel=excel)))
    # Nothing filled in, no manager (a plan may have none), the employee with only the fields a person
    # must have: every name that can be empty is empty here.
    empty = {f.key: f.empty() for f in definition.fields}
    lone = _person("Anna", "Leeg", email="anna.leeg@example.org")
    trials.append(("een leeg plan", build_context(_plan(EMPTY_PLAN_STATUS, lone, None), definition, empty,
                                                  excel=excel)))
    return trials
