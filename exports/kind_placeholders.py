"""What each field kind offers a document template, in one place: the placeholders of a question,
what each holds for a plan, how the placeholder help page describes it, and the names HR may type for
it in Word. exports/context.py renders them, exports/placeholders.py lists them on the help page and
exports/field_names.py maps HR's names to them, all from here, so the three cannot disagree.

The registry dispatches on the kind's type (functools.singledispatch), so forms/ knows nothing of
templates. A new kind may register its own class, where it is defined or here:

    @placeholders_of.register(Rating)
    class RatingPlaceholders(KindPlaceholders):
        def value(self, value, excel): ...

A kind nobody registered still prints: one placeholder, named by its key, holding the kind's own
as_text. Sample answers (the help page's example plan, the trial plans of an upload) are the kind's own
too: Field.example and Field.largest in forms/kinds.py.

A kind's class speaks for one question, standalone or as the column of a table. In a row its names are
read after "r." inside the row loop ({%tr for r in doelen %} … {{ r.termijn_kort }}), and the help page
calls it "kolom ‘…’".

The values are plain str, dict and list subclasses (Mark, Group, PaddedRows): contexts are pickled to
the child process that renders an upload and to the processes of a bulk export.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from forms.kinds import (Amount, Check, Checklist, Choice, Costs, Date, Matrix, Rank, Signature, Smart, Table,
                         Text, format_amount, letter_char)

CHECKED, UNCHECKED = "☒", "☐"
CHOSEN = "X"  # a per-option placeholder of the option chosen; the others are ""
# Dashes and minus signs people type for the paper's "–", and ways to write its "±".
DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−"), "–")
PLUS_MINUS = ("+/-", "+-", "+/–", "+–")
COST_WORDS = {"euro": "het bedrag, als € 1.250,50", "uren": "de uren, als 12,5 uur"}


# ---------------------------------------------------------------- the values a template sees

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


def date_value(value, excel: bool):
    """Text dd-mm-jjjj for Word, a real date for Excel; empty for no date."""
    if value is None:
        return "" if not excel else None
    return value if excel else value.strftime("%d-%m-%Y")


def check_value(ticked) -> Mark:
    return Mark("ja", "ja") if ticked else Mark("", None)


def check_extras(key: str, ticked) -> dict:
    """A tick box's ☒/☐, and its two answers as per-option placeholders, as a choice of ja or nee:
    besproken_ja is "X" when ticked, besproken_nee when not."""
    return {f"{key}_vakje": CHECKED if ticked else UNCHECKED,
            f"{key}_ja": CHOSEN if ticked else "", f"{key}_nee": "" if ticked else CHOSEN}


MARKS_AT_END = ("?", ":", "!", ".")


def with_colon(label: str) -> str:
    """A heading that leads into a list: "Voorbeeld:", but "…conversation?" as it is."""
    label = label.rstrip()
    return label if label.endswith(MARKS_AT_END) else label + ":"


# ---------------------------------------------------------------- the placeholders of a question

@dataclass(frozen=True)
class Placeholder:
    """One name a template may print, with what the help page and HR's names need of it.

    path: as a template writes it (in a row: after "r."); description: what the help page says it
    prints; what: its short meaning, whose words a misspelt name is matched on (meaning, when given,
    replaces path and what there; "" leaves it out of such suggestions); word: names the help page
    offers for a Word field, best first (the path when none of them means it); names: what HR may type
    for it (the form's labels). A question with options names where its options are found (options:
    "Coaching past" in "Coaching past +") and the option an example takes (first_option); an option
    names its question (option_of), the words that choose it there (chosen_by) and the label that
    alone means it (option_label). values: the texts a compared mark can hold, printed then stored
    (an {% if %} comparing with anything else is never true)."""

    path: str
    description: str
    what: str = ""
    word: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    meaning: str | None = None
    options: tuple[str, ...] = ()
    first_option: str | None = None
    option_of: str = ""
    chosen_by: tuple[str, ...] = ()
    option_label: str = ""
    values: tuple[str, ...] = ()


class KindPlaceholders:
    """A kind nobody registered, and what every kind has: one placeholder, its key, holding the kind's
    own text (as_text)."""

    one_line = True  # prints as one line: a column fit to show a table's loop with on the help page
    pads = False  # value() takes pad: a table's rows padded to the paper's empty lines
    holds: type | None = None  # the container of a compound answer (a demo answer of it fits if it is one)

    def __init__(self, field):
        self.field = field
        self.label = field.label.rstrip(":")

    def lead(self, in_row: bool) -> str:
        return f"kolom ‘{self.label}’" if in_row else self.label

    def value(self, value, excel: bool):
        """What {{ key }} holds for this answer (excel: the cell of an Excel template)."""
        return self.field.as_text(value)

    def extras(self, key: str, value) -> dict:
        """The names printed beside {{ key }} ({{ key_vakjes }}, {{ key_ja }}), in the context or the
        row: a question or column of such a name wins."""
        return {}

    def placeholders(self, key: str, in_row: bool = False) -> list[Placeholder]:
        return [self.whole(key, in_row)]

    def whole(self, key: str, in_row: bool, what: str = "", **more) -> Placeholder:
        """The question's own placeholder: its label, and what the kind adds to say what it prints."""
        label = self.label
        if in_row:
            return Placeholder(key, f"kolom ‘{label}’{what}", label, **more)
        return Placeholder(key, label + what, label, word=(label,), names=(label,), **more)

    def fits(self, value) -> bool:
        """Whether an answer written for another form's question of this key (the demo plan's) is an
        answer of this question: it must survive storage unchanged."""
        try:
            cells = {(r, c): t for r, c, t in self.field.to_cells(value)}
            if self.holds is not None:
                return isinstance(value, self.holds)
            return self.field.from_cells(cells) == value
        except Exception:  # noqa: BLE001 - an answer of another kind: not this question's
            return False


@functools.singledispatch
def placeholders_of(field) -> KindPlaceholders:
    """What a question offers templates, by the type of its kind."""
    return KindPlaceholders(field)


_KINDS: dict[int, tuple[object, KindPlaceholders]] = {}


def kind_of(field) -> KindPlaceholders:
    """placeholders_of(field), made once per field: a context is built per plan, and a bulk export
    builds thousands (definitions live as long as the process; the field is kept with its id)."""
    cached = _KINDS.get(id(field))
    if cached is None or cached[0] is not field:
        cached = _KINDS[id(field)] = (field, placeholders_of(field))
    return cached[1]


@placeholders_of.register(Text)
@placeholders_of.register(Rank)
class AsStored(KindPlaceholders):
    """Text and ranks print as stored (a rank is a number in Excel)."""

    def value(self, value, excel):
        return "" if value is None else value


@placeholders_of.register(Date)
class DatePlaceholders(KindPlaceholders):
    def value(self, value, excel):
        return date_value(value, excel)


@placeholders_of.register(Amount)
class AmountPlaceholders(KindPlaceholders):
    def value(self, value, excel):
        return amount_value(value, self.field.unit, excel)

    def placeholders(self, key, in_row=False):
        if self.field.unit == "euro":
            what = ": het bedrag, als € 1.250,50 (in Excel het getal)"
        else:
            what = ": het aantal uren, als 12,5 uur (in Excel het getal)"
        return [self.whole(key, in_row, what)]


@placeholders_of.register(Choice)
class ChoicePlaceholders(KindPlaceholders):
    """The option chosen as a Mark, as tick boxes (key_vakjes) and per option (key_<option>: X)."""

    def value(self, value, excel):
        return Mark(self.field.as_text(value), value)

    def extras(self, key, value):
        extras = {f"{key}_vakjes": tick_boxes(self.field.options, value)}
        for option, _ in self.field.options:
            extras[f"{key}_{option}"] = CHOSEN if option == value else ""
        return extras

    def placeholders(self, key, in_row=False):
        options = self.field.options
        lead = self.lead(in_row)
        found = [self.whole(key, in_row, options=(key, self.label),
                            first_option=options[0][0] if options else "",
                            values=tuple(label for _, label in options) + tuple(v for v, _ in options)),
                 Placeholder(f"{key}_vakjes", f"{lead} als aankruisvakjes" if in_row else
                             f"{lead} (als aankruisvakjes)", f"{self.label} (als aankruisvakjes)")]
        for option, option_label in options:
            found.append(Placeholder(
                f"{key}_{option}",
                f"{lead}: X als ‘{option_label}’ gekozen is" + ("" if in_row else ", anders leeg"),
                f"{self.label}: {option_label} (X als gekozen)", word=(option_label,), option_of=key,
                chosen_by=(option, option_label), option_label=option_label))
        return found


@placeholders_of.register(Check)
class CheckPlaceholders(KindPlaceholders):
    """A tick box: "ja" or empty, ☒ or ☐ (key_vakje), and its answers as options (key_ja, key_nee)."""

    def value(self, value, excel):
        return check_value(value)

    def extras(self, key, value):
        return check_extras(key, value)

    def placeholders(self, key, in_row=False):
        lead, label = self.lead(in_row), self.label
        found = [self.whole(key, in_row, ": ‘ja’ als aangevinkt, anders leeg", options=(key, label),
                            values=("ja", "ja")),
                 Placeholder(f"{key}_vakje", f"{lead} als aankruisvakje (☒ of ☐)" if in_row else
                             f"{lead} (als aankruisvakje: ☒ of ☐)", f"{label} (als aankruisvakje)")]
        for answer, when in (("ja", "aangevinkt"), ("nee", "niet aangevinkt")):
            found.append(Placeholder(f"{key}_{answer}",
                                     f"{lead}: X als {when}" + ("" if in_row else ", anders leeg"),
                                     f"{label}: {answer} (X als {when})", word=(f"{label} {answer}",),
                                     option_of=key, chosen_by=(answer,)))
        return found


@placeholders_of.register(Signature)
class SignaturePlaceholders(KindPlaceholders):
    """An akkoord line: the name and the date."""

    holds = dict

    def value(self, value, excel):
        return {"naam": value["naam"] if value else "",
                "datum": date_value(value["datum"] if value else None, excel)}

    def placeholders(self, key, in_row=False):
        label = self.label
        return [Placeholder(f"{key}.naam", f"{label}: naam", f"{label}: naam", word=(label,),
                            names=(f"{label} naam", label)),
                Placeholder(f"{key}.datum", f"{label}: datum", f"{label}: datum", word=(f"{label} datum",),
                            names=(f"{label} datum",))]


@placeholders_of.register(Matrix)
class MatrixPlaceholders(KindPlaceholders):
    """A grid: per cell the mark chosen, as tick boxes (_vakjes) and per option (_<option>: X)."""

    holds = dict

    def value(self, value, excel):
        grid, out = self.field, {}
        for row in grid.rows:
            cells = {}
            for col_key, _ in grid.columns:
                chosen = value.get(row.key, {}).get(col_key)
                cells[col_key] = Mark(dict(grid.scale).get(chosen, ""), chosen)
                cells[f"{col_key}_vakjes"] = tick_boxes(grid.scale, chosen)
                for option, _ in grid.scale:
                    cells[f"{col_key}_{option}"] = CHOSEN if option == chosen else ""
            out[row.key] = cells
        return out

    def placeholders(self, key, in_row=False):
        grid, found = self.field, []
        row_keys = [r.key for r in grid.rows]
        marks = tuple(mark for _, mark in grid.scale) + tuple(value for value, _ in grid.scale)
        for row in grid.rows:
            for col_key, heading in grid.columns:
                cell = f"{key}.{row.key}.{col_key}"
                first_word = heading.split()[0] if heading.split() else col_key
                names = [f"{row.label} {heading}", f"{row.label} {col_key}", f"{row.label} {first_word}",
                         f"{key} {row.key} {col_key}"]
                if row_keys.count(row.key) == 1:
                    names.append(f"{row.key} {col_key}")
                if len(grid.columns) == 1:  # a grid of one column needs no column: "Reis ja"
                    names += [row.label, row.key]
                names = tuple(dict.fromkeys(names))
                what = f"{row.label}: {heading} (het gekozen teken)"
                found.append(Placeholder(cell, what, what, word=(f"{row.label} {col_key}", row.label),
                                         names=names, meaning=f"{row.label} {heading} {col_key}",
                                         options=names, first_option=grid.scale[0][0] if grid.scale else "",
                                         values=marks))
                what = f"{row.label}: {heading} (als aankruisvakjes)"
                found.append(Placeholder(f"{cell}_vakjes", what, what, meaning=""))
                for option, mark in grid.scale:
                    found.append(Placeholder(
                        f"{cell}_{option}", f"{row.label}: {heading}: X als {mark} gekozen is, anders leeg",
                        f"{row.label}: {heading}, {mark} (X als gekozen)", meaning="",
                        word=(f"{row.label} {col_key} {mark}", f"{row.label} {mark}"), option_of=cell,
                        chosen_by=(option, mark)))
        return found


@placeholders_of.register(Smart)
class SmartPlaceholders(KindPlaceholders):
    """A SMART check: all letters as text, per letter its explanation and ☒/☐, and the letters open."""

    one_line = False
    holds = dict

    def value(self, value, excel):
        value = value or {}
        letters = smart_letters(self.field)
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

    def placeholders(self, key, in_row=False):
        lead, label = self.lead(in_row), self.label
        whole = f"{lead}: alle letters met hun uitleg" + ("" if in_row else ", één per regel")
        found = [Placeholder(key, whole, label, word=(label,), names=(label,))]
        for letter_key, letter, name, _ in smart_letters(self.field):
            found.append(Placeholder(f"{key}.{letter_key}", f"{lead}: {letter} – {name}: de uitleg",
                                     f"{label}: {name}", word=(f"{label} {name}", name),
                                     names=(f"{label} {name}", f"{label} {letter}", name)))
            found.append(Placeholder(f"{key}.{letter_key}_vakje",
                                     f"{lead}: ☒ als {name} is uitgelegd, anders ☐",
                                     f"{label}: {name} (als aankruisvakje)"))
        found.append(Placeholder(f"{key}.ontbreekt",
                                 f"{lead}: de letters zonder uitleg, als ‘Meetbaar, Tijdgebonden’",
                                 f"{label}: de letters zonder uitleg", names=(f"{label} ontbreekt",)))
        return found


@placeholders_of.register(Costs)
class CostsPlaceholders(KindPlaceholders):
    """A cost grid: per aspect the amount and the hours, the totals, and its rows as a list."""

    holds = dict

    def value(self, value, excel):
        field, value = self.field, value or {}
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

    def placeholders(self, key, in_row=False):
        label = self.label
        found = [Placeholder(key, f"{label}: elke regel met bedrag en uren, en het totaal", label,
                             word=(label,), names=(label,))]
        for spec in self.field.rows:
            for column, heading in self.field.columns:
                found.append(Placeholder(f"{key}.{spec.key}.{column}",
                                         f"{spec.label}: {COST_WORDS[column]} (in Excel het getal)",
                                         f"{spec.label}: {heading.lower()}", word=(f"{spec.label} {column}",),
                                         names=(f"{spec.label} {column}", f"{spec.label} {heading}")))
        found.append(Placeholder(f"{key}.totaal_euro", f"{label}: het totaal van de bedragen",
                                 f"{label}: totaal bedrag", word=(f"{label} totaal euro",),
                                 names=(f"{label} totaal euro", "Totaal euro", "Totaal bedrag")))
        found.append(Placeholder(f"{key}.totaal_uren", f"{label}: het totaal van de uren",
                                 f"{label}: totaal uren", word=(f"{label} totaal uren",),
                                 names=(f"{label} totaal uren", "Totaal uren")))
        return found


@placeholders_of.register(Checklist)
class ChecklistPlaceholders(KindPlaceholders):
    """A checklist: per point ☒/☐ (.vakje), "ja" (.af) and the note, its groups, the whole as text."""

    one_line = False
    holds = dict

    def value(self, value, excel):
        value = value or {}
        parts, groups, lines, filled = {}, [], [], False
        for title, items in checklist_groups(self.field):
            points = []
            for item_key, text in items:
                answer = value.get(item_key) or {}
                done, note = bool(answer.get("af")), answer.get("notitie") or ""
                item = Group({"tekst": text, "groep": title, "af": check_value(done),
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

    def placeholders(self, key, in_row=False):
        lead, label = self.lead(in_row), self.label
        whole = f"{lead}: de hele lijst als tekst" + ("" if in_row else ", ☒ of ☐ per punt")
        found = [Placeholder(key, whole, label, word=(label,), names=(label,))]
        for title, points in checklist_groups(self.field):
            for item, text in points:
                point = f"{lead}: {title}: ‘{text}’"
                found.append(Placeholder(f"{key}.{item}.vakje", f"{point} als aankruisvakje (☒ of ☐)",
                                         f"{title}: {text} (als aankruisvakje)"))
                found.append(Placeholder(f"{key}.{item}.af", f"{point}: ‘ja’ als afgevinkt, anders leeg",
                                         f"{title}: {text} (ja als afgevinkt)", word=(text,),
                                         names=(text, f"{key} {item}"), values=("ja", "ja")))
                found.append(Placeholder(f"{key}.{item}.notitie", f"{point}: de notitie",
                                         f"{title}: {text}: notitie", word=(f"{text} notitie",),
                                         names=(f"{text} notitie", f"{key} {item} notitie")))
        return found


@placeholders_of.register(Table)
class TablePlaceholders(KindPlaceholders):
    """Rows, each with its columns' placeholders; padded to the paper's empty lines. A table itself
    prints nothing: the help page shows it as the loop over its rows."""

    holds = list
    pads = True

    def __init__(self, field):
        super().__init__(field)
        self.kinds = [(c.key, kind_of(c)) for c in field.columns]

    def value(self, value, excel, pad=True):
        table = self.field
        rows = [self.row(row, excel) for row in value]
        blank = self.row(table.blank_row(), excel)
        if pad:  # as on paper: a few empty lines to write on, even when nothing is filled in
            rows += [dict(blank) for _ in range(max(table.min_rows - len(rows), 0))]
        return PaddedRows(rows, blank)

    def row(self, row: dict, excel: bool) -> dict:
        out = {key: kind.value(row.get(key), excel) for key, kind in self.kinds}
        for key, kind in self.kinds:
            for name, extra in kind.extras(key, row.get(key)).items():
                out.setdefault(name, extra)  # a column of this name wins
        return out

    def placeholders(self, key, in_row=False):
        return []

    def columns(self) -> list[tuple[object, list[Placeholder]]]:
        """(column, its placeholders inside a row) for each column."""
        return [(c, placeholders_of(c).placeholders(c.key, in_row=True)) for c in self.field.columns]


def field_value(field, value, excel=False, pad_tables=True):
    """What {{ key }} holds for a question's answer."""
    kind = kind_of(field)
    return kind.value(value, excel, pad=pad_tables) if kind.pads else kind.value(value, excel)


def example(context: dict, path: str):
    """What path prints in a rendered context (or a row of one), for the help page: "" where there is
    nothing, and for the parts of a SMART check, cost grid or checklist left wholly empty."""
    value = context
    for depth, part in enumerate(path.split(".")):
        if depth == 1 and isinstance(value, Group) and not value:
            return ""
        if not isinstance(value, dict) or part not in value:
            return ""
        value = value[part]
    return value
