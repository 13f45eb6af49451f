"""The plans an uploaded template is tried on before it is accepted: beside the demo plan (the preview),
the extremes real plans reach. A template that works on the demo plan can still break on a plan with
every table at its row limit, every answer at its length limit, an option chosen that the demo leaves
open, or nothing filled in at all; each of those is rendered once at upload, so HR hears about it then
and not an employee at download time."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from forms import limits
from forms.kinds import Choice, Date, LongText, Matrix, Rank, Signature, Table, Text

from exports.context import build_context, checklist_groups, example_plan_context, smart_letters

AMOUNT_MAX = Decimal("9999999.99")  # the largest amount the Amount kind accepts

# Awkward on purpose: XML's special characters, curly quotes, a character outside the BMP, a tab, a
# line break, and text that looks like a template or a formula.
AWKWARD = "Lang antwoord & <tekst> “aanhalingstekens” ‘enkel’ — 😀\tmet tab {{ 7*7 }} =1+1\n"


def _person(name: str):
    voornaam, _, achternaam = name.partition(" ")
    return SimpleNamespace(naam=name, voornaam=voornaam, tussenvoegsel="", achternaam=achternaam,
                           email="voorbeeld@example.org", functie="Functie " + AWKWARD[:40],
                           afdeling="Afdeling " + AWKWARD[:40])


def _plan(status: str):
    return SimpleNamespace(employee=_person("Anna-Maria Uitersteplan"), manager=_person("Bob Leiding"),
                           period="2026", status_label=status,
                           updated_at=dt.datetime(2026, 12, 31, 23, 59))


def _long_text(length: int) -> str:
    return (AWKWARD * (length // len(AWKWARD) + 1))[:length]


def _full_value(field, option: int):
    """The largest answer the form accepts for this field; choices take their option-th option."""
    if isinstance(field, Date):
        return dt.date(2026, 12, 31)
    if isinstance(field, Choice):
        return field.options[option % len(field.options)][0]
    if isinstance(field, Rank) or field.kind == "rank":
        return 1
    if isinstance(field, Table):
        rows = []
        for i in range(field.max_rows):
            row = {}
            for column in field.columns:
                row[column.key] = (i + 1 if column.kind == "rank" else _full_value(column, option + i))
            rows.append(row)
        return rows
    if isinstance(field, Matrix):
        scale = [value for value, _ in field.scale]
        return {r.key: {c: scale[(option + i) % len(scale)] for i, (c, _) in enumerate(field.columns)}
                for r in field.rows}
    if isinstance(field, Signature):
        return {"naam": "Anna-Maria Uitersteplan", "datum": dt.date(2026, 12, 31), "person_id": 0}
    if field.kind == "check":  # ticked and not, in turn, as the choices take their options in turn
        return option % 2 == 0
    if field.kind == "amount":
        return AMOUNT_MAX
    if field.kind == "costs":
        return {r.key: {"euro": AMOUNT_MAX, "uren": AMOUNT_MAX} for r in field.rows}
    if field.kind == "smart":
        length = getattr(field, "max_length", limits.CELL_CHARS)
        return {key: _long_text(length) for key, *_ in smart_letters(field)}
    if field.kind == "checklist":
        length = getattr(field, "note_chars", limits.CELL_CHARS)
        items = [key for _, points in checklist_groups(field) for key, _ in points]
        return {key: {"af": (option + i) % 2 == 0, "notitie": _long_text(length)}
                for i, key in enumerate(items)}
    if isinstance(field, LongText):
        return _long_text(field.max_length)
    if isinstance(field, Text):
        return _long_text(field.max_length)
    return _long_text(limits.CELL_CHARS)


def _options_needed(definition) -> int:
    """Enough full plans that every option of every choice and grid is chosen in one of them."""
    counts = [len(f.options) for f in definition.fields if isinstance(f, Choice)]
    counts += [len(f.scale) for f in definition.fields if isinstance(f, Matrix)]
    for table in (f for f in definition.fields if isinstance(f, Table)):
        counts += [len(c.options) for c in table.columns if isinstance(c, Choice)]
        counts += [2 for c in table.columns if c.kind in ("check", "checklist")]
    counts += [2 for f in definition.fields if f.kind in ("check", "checklist")]
    return max(counts, default=1)


def full_plan_values(definition, option: int = 0) -> dict:
    return {f.key: _full_value(f, option) for f in definition.fields}


def trial_contexts(definition, excel: bool = False) -> list[tuple[str, dict]]:
    """(what it is, context) for every plan an upload is tried on; the first is the demo plan, whose
    result is the preview HR sees."""
    demo, _ = example_plan_context(definition, excel=excel)
    trials = [("het voorbeeldplan", demo)]
    for option in range(_options_needed(definition)):
        trials.append(("een plan waarin alles tot het maximum is ingevuld",
                       build_context(_plan("Uitvoering"), definition, full_plan_values(definition, option),
                                     excel=excel)))
    empty = {f.key: f.empty() for f in definition.fields}
    trials.append(("een leeg plan", build_context(_plan("Voorbereiding"), definition, empty, excel=excel)))
    return trials
