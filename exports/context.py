"""What a document template can say about a plan: the placeholders, generated from the form definition.

    {{ medewerker.naam }}  {{ leidinggevende.functie }}  {{ plan.periode }}
    {{ meer_doen }}                              one placeholder per question, named by its field key
    {%tr for r in kwaliteiten %} {{ r.sterk }}   tables are lists of rows
    {{ on_the_job.coaching.past }}               a grid cell: the mark chosen (+, ±, –, ja, nee)
    {{ on_the_job.coaching.past_vakjes }}        the same cell as on paper: ☐ + ☒ ± ☐ –
    {{ on_the_job.coaching.past_plus }}          one option of it: "X" when chosen, else empty
    {{ evaluatie_optie_achteraf }}               likewise for a choice: "X" or empty
    {{ akkoord_medewerker.naam }} / .datum       an akkoord line
    {{ r.termijn_vakjes }} / {{ r.termijn_kort }}  a choice in a table row: likewise, per row
    {{ besproken }} / {{ besproken_vakje }}      a tick box (Check): "ja" or empty / ☒ or ☐;
                                                 besproken_ja / _nee: "X" when ticked / not
    {{ budget }}                                 an amount: "€ 1.250,50", "12,5 uur" (Excel: the number)
    {{ smart }} / {{ smart.s }} / .s_vakje        SMART: all five letters as text / one letter's
                                                 explanation / ☒ when it is explained; .ontbreekt
                                                 names the letters left empty
    {{ kosten.opleiding.euro }} / .uren          a cost grid's cell; kosten.totaal_euro / .totaal_uren;
    {%tr for k in kosten.rijen %}                its rows as a list (k.omschrijving, k.groep, k.euro)
    {{ lijst.agenda.vakje }} / .af / .notitie     a checklist item: ☒ or ☐ / "ja" or empty / the note;
    {%p for g in lijst.groepen %}                its groups (g.titel, g.punten: items as above)

A SMART check, a cost grid and a checklist print as text as a whole ({{ smart }}), one line each.

Dates are text (dd-mm-jjjj) for Word and real dates for Excel. Empty answers are empty strings, never
"None", so an empty answer prints as an empty box.

A chosen mark or option is a Mark: it prints as on paper, and an {% if %} may compare it with what HR
types, which is rarely what is stored: "-" for "–", "+/-" for "±", "Ja" for "ja", or the option's key
("achteraf") for its label. Without this such a comparison can never be true, silently.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from forms.kinds import Choice, Date, Matrix, Signature, Table, format_amount, letter_char
from pop import clock

CHECKED, UNCHECKED = "☒", "☐"
CHOSEN = "X"  # a per-option placeholder of the option chosen; the others are ""
# Dashes and minus signs people type for the paper's "–", and ways to write its "±".
DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−"), "–")
PLUS_MINUS = ("+/-", "+-", "+/–", "+–")


def alike(text) -> str:
    """text as compared: dashes as one, ± however typed, case and surrounding spaces ignored."""
    text = unicodedata.normalize("NFC", str(text)).translate(DASHES).strip().casefold()
    return "±" if text.replace(" ", "") in PLUS_MINUS else text


class Mark(str):
    """A chosen mark or option as printed ("–", "Achteraf ‘bewijzen’ leveren"), equal in a comparison
    to any text that is alike (see alike) and to its stored value ("min", "achteraf").
    Module level and a plain str subclass: contexts are pickled to the render's child process."""

    def __new__(cls, text: str, value: str | None = None):
        mark = super().__new__(cls, text)
        mark.value = value
        return mark

    def __reduce__(self):
        return Mark, (str(self), self.value)

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        other = alike(other)
        return other == alike(self) or (self.value is not None and other == alike(self.value))

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(alike(self))


class PaddedRows(list):
    """A table's rows where an index past the end reads as an empty row, as an empty line on paper:
    a template may name kwaliteiten[4] or voortgangsgesprekken[1] for a plan that has fewer."""

    def __init__(self, rows, blank):
        super().__init__(rows)
        self.blank = blank

    def __getitem__(self, index):
        if isinstance(index, int) and index >= len(self):
            return dict(self.blank)
        return super().__getitem__(index)


class Group(dict):
    """The answers of a SMART check, a cost grid or a checklist: each part by its key
    ({{ smart.s }}), and the whole printable as one text ({{ smart }}), as the plain-text reading of
    the question. False when nothing of it is filled in, so {% if smart %} and a checkbox naming it
    tick only for an answer. A plain dict subclass: contexts are pickled to the render's child."""

    def __init__(self, parts=(), text: str = "", filled: bool = False):
        super().__init__(parts)
        self.text = text
        self.filled = filled

    def __reduce__(self):
        return Group, (dict(self), self.text, self.filled)

    def __str__(self):
        return self.text

    def __html__(self):  # markupsafe's escape() would otherwise print the dict
        from markupsafe import escape
        return str(escape(self.text))

    def __bool__(self):
        return self.filled


def amount_text(value, unit: str = "euro") -> str:
    """"€ 1.250,50" / "12,5 uur" / "" for no amount: the Amount kind's own Dutch notation."""
    if value is None or value == "":
        return ""
    return format_amount(Decimal(value), unit)


def amount_value(value, unit: str, excel: bool):
    """An amount as a template prints it (text in Dutch notation) or Excel holds it (a number)."""
    if value is None or value == "":
        return None if excel else ""
    return float(value) if excel else amount_text(value, unit)


def smart_letters(field) -> list[tuple[str, str, str, str]]:
    """(key, letter printed, label, help) of each letter of a SMART check."""
    out = []
    for spec in getattr(field, "letters", ()):
        key, label = spec[0], spec[1]
        help_text = spec[2] if len(spec) > 2 else ""
        out.append((key, letter_char(key, label), label, help_text))
    return out


def checklist_groups(field) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(title, list(items)) for title, items in getattr(field, "groups", ())]


def tick_boxes(options, chosen) -> str:
    # A no-break space ties each box to its option, so that a line that wraps never leaves a box at
    # the end of one line and its option at the start of the next.
    return "   ".join(f"{CHECKED if value == chosen else UNCHECKED}\u00a0{label}" for value, label in options)


def _date(value, excel: bool):
    if value is None:
        return "" if not excel else None
    return value if excel else value.strftime("%d-%m-%Y")


def _check(value) -> Mark:
    return Mark("ja", "ja") if value else Mark("", None)


def _smart(field, value, excel) -> Group:
    value = value or {}
    letters = smart_letters(field)
    parts, lines, missing = {}, [], []
    for key, letter, label, _ in letters:
        text = value.get(key) or ""
        parts[key] = text
        parts[f"{key}_vakje"] = CHECKED if text else UNCHECKED
        parts[f"{key}_naam"] = label
        lines.append(f"{letter} – {label}: {text}")
        if not text:
            missing.append(label)
    filled = len(missing) < len(letters)
    text = "\n".join(lines) if filled else ""
    parts.setdefault("ontbreekt", ", ".join(missing) if filled else "")
    parts.setdefault("tekst", text)
    return Group(parts, text, filled)


def _costs(field, value, excel) -> Group:
    value = value or {}
    parts, rows, lines = {}, [], []
    for spec in field.rows:
        cell = value.get(spec.key) or {}
        euro, uren = cell.get("euro"), cell.get("uren")
        shown = " · ".join(t for t in (amount_text(euro), amount_text(uren, "uur")) if t)
        row = Group({"omschrijving": spec.label, "groep": spec.group,
                     "euro": amount_value(euro, "euro", excel), "uren": amount_value(uren, "uur", excel)},
                    f"{spec.label}: {shown}" if shown else "", bool(shown))
        if row.filled:
            lines.append(row.text)
        parts[spec.key] = row
        rows.append(row)
    filled = field.is_filled(value)
    if filled:  # the kind's own sums (Costs.totals), as the budget page adds them up
        euros, hours = field.totals(value)
        total_euro, total_uren = amount_value(euros, "euro", excel), amount_value(hours, "uur", excel)
        lines.append(f"Totaal: {amount_text(euros)} · {amount_text(hours, 'uur')}")
    else:  # an empty grid prints empty totals, as an empty box on paper
        total_euro, total_uren = (None, None) if excel else ("", "")
    parts.setdefault("totaal_euro", total_euro)
    parts.setdefault("totaal_uren", total_uren)
    parts.setdefault("rijen", rows)
    return Group(parts, "\n".join(lines), filled)


_MARKS = ("?", ":", "!", ".")


def labelled(label: str, text: str) -> str:
    """"Label: text", without a second mark after a label that ends in one ("…conversation?");
    the label alone when there is no text."""
    label = label.rstrip()
    if not text:
        return label
    return f"{label} {text}" if label.endswith(_MARKS) else f"{label}: {text}"


def with_colon(label: str) -> str:
    """A heading that leads into a list: "Voorbeeld:", but "…conversation?" as it is."""
    label = label.rstrip()
    return label if label.endswith(_MARKS) else label + ":"


def _checklist(field, value, excel) -> Group:
    value = value or {}
    parts, groups, lines, filled = {}, [], [], False
    for title, items in checklist_groups(field):
        points = []
        for item_key, text in items:
            answer = value.get(item_key) or {}
            done, note = bool(answer.get("af")), answer.get("notitie") or ""
            item = Group({"tekst": text, "groep": title, "af": _check(done),
                          "vakje": CHECKED if done else UNCHECKED, "notitie": note},
                         f"{CHECKED if done else UNCHECKED} {text}" + (f" — {note}" if note else ""),
                         done or bool(note))
            filled = filled or item.filled
            parts[item_key] = item
            points.append(item)
        groups.append({"titel": title, "punten": points})
        lines.append(with_colon(title))
        lines.extend(p.text for p in points)
    parts.setdefault("groepen", groups)
    return Group(parts, "\n".join(lines) if filled else "", filled)


def _row_extras(column, value) -> dict:
    """The per-option placeholders of a choice or tick box in a table row, as for a question."""
    if isinstance(column, Choice):
        extras = {f"{column.key}_vakjes": tick_boxes(column.options, value)}
        for option, _ in column.options:
            extras[f"{column.key}_{option}"] = CHOSEN if option == value else ""
        return extras
    if column.kind == "check":
        return check_extras(column.key, value)
    return {}


def check_extras(key: str, ticked) -> dict:
    """A tick box's ☒/☐, and its two answers as per-option placeholders, as a choice of ja or nee:
    besproken_ja is "X" when ticked, besproken_nee when not."""
    return {f"{key}_vakje": CHECKED if ticked else UNCHECKED,
            f"{key}_ja": CHOSEN if ticked else "", f"{key}_nee": "" if ticked else CHOSEN}


def _row(field, row, excel) -> dict:
    out = {c.key: field_value(c, row.get(c.key), excel) for c in field.columns}
    for c in field.columns:
        for name, extra in _row_extras(c, row.get(c.key)).items():
            out.setdefault(name, extra)  # a column of this name wins
    return out


def field_value(field, value, excel=False, pad_tables=True):
    if isinstance(field, Date):
        return _date(value, excel)
    if isinstance(field, Choice):
        return Mark(field.as_text(value), value)
    if field.kind == "check":
        return _check(value)
    if field.kind == "amount":
        return amount_value(value, getattr(field, "unit", "euro"), excel)
    if field.kind == "smart":
        return _smart(field, value, excel)
    if field.kind == "costs":
        return _costs(field, value, excel)
    if field.kind == "checklist":
        return _checklist(field, value, excel)
    if isinstance(field, Table):
        rows = [_row(field, row, excel) for row in value]
        blank = _row(field, field.blank_row(), excel)
        if pad_tables:  # as on paper: a few empty lines to write on, even when nothing is filled in
            rows += [dict(blank) for _ in range(max(field.min_rows - len(rows), 0))]
        return PaddedRows(rows, blank)
    if isinstance(field, Matrix):
        out: dict = {}
        for row in field.rows:
            cells = {}
            for col_key, _ in field.columns:
                chosen = value.get(row.key, {}).get(col_key)
                cells[col_key] = Mark(dict(field.scale).get(chosen, ""), chosen)
                cells[f"{col_key}_vakjes"] = tick_boxes(field.scale, chosen)
                for option, _ in field.scale:
                    cells[f"{col_key}_{option}"] = CHOSEN if option == chosen else ""
            out[row.key] = cells
        return out
    if isinstance(field, Signature):
        return {"naam": value["naam"] if value else "",
                "datum": _date(value["datum"] if value else None, excel)}
    if value is None:
        return ""
    return value


@dataclass(frozen=True)
class PersonFacts:
    naam: str
    voornaam: str
    tussenvoegsel: str
    achternaam: str
    email: str
    functie: str
    afdeling: str


@dataclass(frozen=True)
class PlanFacts:
    """What a document shows of a plan and its people, without the database: sent to the processes
    that render a bulk export (exports/render_pool.py) in place of the Plan row."""
    id: int
    form_key: str
    period: str
    status_label: str
    updated_at: object
    employee: PersonFacts | None
    manager: PersonFacts | None

    @classmethod
    def of(cls, plan) -> "PlanFacts":
        return cls(plan.id, plan.form_key, plan.period, plan.status_label, plan.updated_at,
                   _facts(plan.employee), _facts(plan.manager))


def _facts(person) -> PersonFacts | None:
    if person is None:
        return None
    return PersonFacts(*(getattr(person, k) or "" for k in PERSON_KEYS))


PERSON_KEYS = ("naam", "voornaam", "tussenvoegsel", "achternaam", "email", "functie", "afdeling")


def _person(person) -> dict:
    return {k: (getattr(person, k) or "") if person is not None else "" for k in PERSON_KEYS}


def build_context(plan, definition, values: dict, excel=False, pad_tables=True) -> dict:
    context = {f.key: field_value(f, values.get(f.key, f.empty()), excel, pad_tables)
               for f in definition.fields}
    context.update(
        medewerker=_person(plan.employee),
        leidinggevende=_person(plan.manager),
        plan={"periode": plan.period, "status": plan.status_label, "formulier": definition.title,
              "bijgewerkt": _date(clock.local(plan.updated_at).date() if plan.updated_at else None, excel)},
    )
    for f in definition.fields:
        if isinstance(f, Choice):
            chosen = values.get(f.key)
            context[f"{f.key}_vakjes"] = tick_boxes(f.options, chosen)
            for option, _ in f.options:
                # A question of the form may already carry this name: the question wins.
                context.setdefault(f"{f.key}_{option}", CHOSEN if option == chosen else "")
        elif f.kind == "check":
            for name, extra in check_extras(f.key, values.get(f.key)).items():
                context.setdefault(name, extra)
    return context


def example_plan_context(definition, excel=False) -> tuple[dict, dict]:
    """The demo plan (Eva's, as in `flask demo`) with every answer it leaves open filled with an
    example, for template previews, upload checks and the placeholder help page."""
    from types import SimpleNamespace

    employee, manager, period, demo_values = _demo_example(definition)
    plan = SimpleNamespace(employee=employee, manager=manager, period=period, status_label="Uitvoering",
                           updated_at=dt.datetime(int(period), 3, 16, 9, 30))
    today = dt.date(int(period), 3, 16)
    sources = {"employee": employee, "manager": manager}
    values = {}
    for f in definition.fields:
        given = demo_values.get(f.key)
        if f.prefill and not f.is_filled(given):  # as a new plan's header is filled
            who, attribute = f.prefill.split(".")
            given = getattr(sources[who], attribute, "")
        values[f.key] = given if _fits(f, given) else _example_value(f, today)
    return build_context(plan, definition, values, excel=excel), values


def _demo_example(definition):
    """The demo plan of this form: pop.demo's, for the form it was written for. A demo that knows
    one plan per form is asked for this form's (form_key=...)."""
    import inspect

    from pop import demo

    if "form_key" in inspect.signature(demo.demo_example).parameters:
        return demo.demo_example(form_key=definition.key)
    return demo.demo_example()


def _fits(field, value) -> bool:
    """Whether a demo answer is a filled answer of this field's kind: the demo plan of another form
    may use the same key for another question (its answer is then left out, not misprinted)."""
    if not field.is_filled(value):
        return False
    try:
        cells = {(r, c): t for r, c, t in field.to_cells(value)}
        if field.kind in ("table", "matrix", "signature", "costs", "smart", "checklist"):
            return isinstance(value, list if field.kind == "table" else dict)
        return field.from_cells(cells) == value
    except Exception:  # noqa: BLE001 - an answer of another kind: not this question's
        return False


def _example_value(field, today):
    if isinstance(field, Date):
        return today
    if isinstance(field, Choice):
        return field.options[0][0]
    if isinstance(field, Table):
        return [{c.key: (i + 1 if c.kind == "rank" else _example_value(c, today))
                 for c in field.columns} for i in range(2)]
    if isinstance(field, Matrix):
        return {r.key: {c: field.scale[0][0] for c, _ in field.columns} for r in field.rows}
    if isinstance(field, Signature):
        return {"naam": "Eva Visser", "datum": today, "person_id": 0}
    if field.kind == "rank":
        return 1
    if field.kind == "check":
        return True
    if field.kind == "amount":
        return Decimal("1250.50") if getattr(field, "unit", "euro") == "euro" else Decimal("12.50")
    if field.kind == "smart":
        return {key: f"Voorbeelduitleg bij ‘{label}’" for key, _, label, _ in smart_letters(field)}
    if field.kind == "costs":
        # The first aspects filled in (money and hours), the last left open: as a real plan does.
        rows = list(getattr(field, "rows", ()))
        return {r.key: ({"euro": (Decimal("1250.50") / (i + 1)).quantize(Decimal("0.01")),
                         "uren": Decimal("12.50") * (i + 1)}
                        if i < max(len(rows) - 1, 1) else {"euro": None, "uren": None})
                for i, r in enumerate(rows)}
    if field.kind == "checklist":
        items = [item for _, group in checklist_groups(field) for item in group]
        return {key: {"af": i % 2 == 0, "notitie": "Voorbeeldnotitie" if i == 0 else ""}
                for i, (key, _) in enumerate(items)}
    return f"Voorbeeldantwoord bij ‘{field.label.rstrip(':')}’"
