"""Field kinds of the paper forms.

A kind knows four things about one question on paper: how it is stored (as text cells), how the web
form asks for it (a WTForms field), how a typed-in answer comes back out of that form, and how it reads
as plain text. The form definitions in this package are built from these kinds only, so the web form,
validation, storage and the exports all follow from one definition.

Values as the rest of the program sees them:
- Text / LongText: str ('' when empty)
- Date: datetime.date or None
- Choice: an option key or None
- Rank: int or None (a column of a Table)
- Table: list of dicts, one per row, column key -> value
- Matrix: dict row key -> dict column key -> scale value or None
- Signature: dict(naam, datum, person_id) or None
- Check: True/False (stored "ja" or nothing)
- Amount: decimal.Decimal with 2 decimals, or None (stored "1250.50")
- Costs: dict row key -> {"euro": Decimal|None, "uren": Decimal|None}
- Smart: dict letter key -> str (the explanation of that letter, '' when empty)
- Checklist: dict item key -> {"af": bool, "notitie": str}

Cells. A kind stores itself as cells (row, column, text); standalone the row is 0. A column of a Table
stores its cells in the table's row, the column named after it: a cell (0, "", text) of the column
becomes (row, col_key, text), a cell (0, sub, text) becomes (row, f"{col_key}.{sub}", text). So a
Smart column "smart" keeps its letter s of row 2 as (2, "smart.s", ...), a Checklist column "lijst"
its item "agenda" as (2, "lijst.agenda", "ja") and (2, "lijst.agenda.notitie", ...).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterator

from wtforms import (BooleanField, DateField, FieldList, FormField, IntegerField, RadioField,
                     StringField, TextAreaField)
from wtforms import Form
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Optional, StopValidation, ValidationError

from . import limits
from .limits import number

Cell = tuple[int, str, str]  # (row, column, text) as stored
AUTHOR = "_door"  # the column of a row's author, where a table records it (not a question)


class RowForm(Form):
    """The sub-form of a table row or a grid: WTForms' own messages in Dutch, like the page's form."""

    class Meta:
        locales = ["nl_NL", "nl"]


DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATE_MESSAGE = "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027."
# A POP's dates lie within a working life of today; a year like 0026 or 2206 is a typing error (a
# two-digit year typed into the browser's date box arrives as 0026).
YEARS = range(1990, 2101)
YEAR_MESSAGE = ("Dit jaartal klopt niet: vul het jaar met vier cijfers in, tussen 1990 en 2100, "
                "bijvoorbeeld 15-03-2027.")


class DutchDateField(DateField):
    """Accepts the browser's ISO date and what people type by hand (15-03-2027)."""

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        raw = " ".join(valuelist).strip()
        for fmt in self.format:
            try:
                parsed = dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            if parsed.year not in YEARS:
                self.data = None
                raise ValueError(YEAR_MESSAGE)
            self.data = parsed
            return
        self.data = None
        if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}", raw):  # 15-03-27: which century?
            raise ValueError(YEAR_MESSAGE)
        raise ValueError(DATE_MESSAGE)

    def _value(self):
        # Show what the user typed when it did not parse, so nothing typed is lost.
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if self.data else ""


def too_long_message(max_length: int, typed: int, stored: int = 0) -> str:
    message = f"Dit antwoord is te lang: maximaal {number(max_length)} tekens (nu {number(typed)})."
    if stored > max_length:
        message += (f" Het was al {number(stored)} tekens van voordat deze grens gold: het mag korter "
                    "worden, niet langer.")
    return message


@dataclass(frozen=True)
class Info:
    """Text on the paper form that asks nothing: guidance, a way to find answers, a list of prompts."""

    title: str = ""
    text: str = ""
    bullets: tuple[str, ...] = ()
    numbered: bool = False
    kind: ClassVar[str] = "info"
    is_field: ClassVar[bool] = False


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    help: tuple[str, ...] = ()  # the bullet prompts printed under the question
    intro: str = ""  # a sentence printed between the question and the bullets
    answer_label: str = ""  # "Uw antwoord:" where the paper prints it
    prefill: str = ""  # where a new plan takes its first value from, e.g. "employee.afdeling"
    # (field key, option): the question applies only when that choice is made, e.g. the answer to the
    # evaluation option that was chosen. Progress counts only what applies.
    applies_if: tuple[str, str] | tuple = ()
    kind: ClassVar[str] = "field"
    is_field: ClassVar[bool] = True
    # The Jinja template that draws this kind on a page: its input (`edit`, and `cell` in a table's
    # row) and its answer to read (`show`, print view and document); see templates/fields/kinds/
    # field.html, the one any kind without a template of its own gets.
    template: ClassVar[str] = "fields/kinds/field.html"
    # In a table's row it needs room: a block of its own under the row, not a cell (SMART, checklists).
    wide: ClassVar[bool] = False
    # What the person types is the answer, so a page sent back shows it again (the part page's
    # read-only questions). A signature is made by the server from who signs and when: not typed.
    typed: ClassVar[bool] = True
    # The answer is a day (the header's date of the POP-gesprek, a talk planned): a part of prefilled
    # names and such days is the form's header (pop/rhythm.py, pop/todo.py).
    asks_date: ClassVar[bool] = False
    # A plan may leave it empty and be none the less for it (planned costs: a plan may need none), so a
    # part of only such questions is nothing the employee must begin before sharing (pop/todo.py).
    may_stay_empty: ClassVar[bool] = False

    # storage -------------------------------------------------------------------------------
    def encode(self, value: Any) -> str | None:
        return None if value in (None, "") else str(value)

    def decode(self, text: str | None) -> Any:
        return text or ""

    def empty(self) -> Any:
        return self.decode(None)

    def to_cells(self, value: Any) -> Iterator[Cell]:
        text = self.encode(value)
        if text is not None:
            yield (0, "", text)

    def from_cells(self, cells: dict[tuple[int, str], str]) -> Any:
        return self.decode(cells.get((0, "")))

    # web form ------------------------------------------------------------------------------
    def wtf_field(self):
        raise NotImplementedError

    def form_data(self, value: Any) -> Any:
        return value

    def from_form(self, bound) -> Any:
        return bound.data if bound.data is not None else self.empty()

    def form_errors(self, bound, stored: Any = None) -> list:
        """(input, message) pairs for checks that need the whole answer (unique ranks) or the
        answer as stored (the limits)."""
        return []

    # reading -------------------------------------------------------------------------------
    def is_filled(self, value: Any) -> bool:
        return value not in (None, "", [], {})

    def chars(self, value: Any) -> int:
        """Characters typed, towards the plan's total: dates, choices and marks count for nothing."""
        return 0

    def as_text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def advice_for(self, value: Any) -> str:
        """A friendly warning about the answer, never a refusal; '' when there is none (a table
        gives one when more rows are filled than the paper advises)."""
        return ""

    # days ----------------------------------------------------------------------------------
    def dates(self, value: Any) -> list[dt.date]:
        """The days the answer holds (a talk's date, a table's date columns), for the rhythm of talks."""
        return []

    def date_columns(self) -> frozenset[str]:
        """The stored columns of the cells that hold those days, so that a query can read only them."""
        return frozenset()

    # samples: answers a document template is tried on --------------------------------------
    def example(self, today: dt.date) -> Any:
        """A plausible answer, where the example plan (the placeholder help page, a template's
        preview) has none."""
        return f"Voorbeeldantwoord bij ‘{self.label.rstrip(':')}’"

    def largest(self, turn: int, text: Callable[[int], str], day: dt.date) -> Any:
        """The largest answer the form accepts (text(n) makes a text of n characters, day is the
        date to use); a kind with options takes option `turn`, so that plans made turn by turn
        choose each of them once (turns)."""
        return text(limits.CELL_CHARS)

    def turns(self) -> int:
        """How many plans made turn by turn (largest) it takes to choose each option once."""
        return 1

    def in_progress(self, value: Any, turn: int) -> Any:
        """value as a plan still being filled in may hold it: a SMART check with letters open (the
        other half at the next turn). Most answers are there or not."""
        return value


@dataclass(frozen=True)
class Text(Field):
    max_length: int = limits.TEXT_CHARS
    kind: ClassVar[str] = "text"
    template: ClassVar[str] = "fields/kinds/text.html"

    def wtf_field(self):
        # The length is checked in form_errors, against what is stored as well.
        return StringField(self.label, filters=[_strip])

    def allowed_length(self, stored: str | None) -> int:
        """An answer stored before its limit was lowered may keep its length, not grow: a save of
        the unchanged page must not be refused over text the person did not touch."""
        return max(self.max_length, len(stored or ""))

    def form_errors(self, bound, stored=None):
        typed = len(bound.data or "")
        if typed > self.allowed_length(stored):
            return [(bound, too_long_message(self.max_length, typed, len(stored or "")))]
        return []

    def limit_hint(self, stored: str | None) -> str:
        allowed = self.allowed_length(stored)
        hint = f"Hoogstens {number(self.max_length)} tekens."
        if allowed > self.max_length:
            hint += (f" Dit antwoord was al {number(allowed)} tekens van voordat deze grens gold: het "
                     "mag korter worden, niet langer.")
        return hint

    def chars(self, value):
        return len(value or "")

    def largest(self, turn, text, day):
        return text(self.max_length)


@dataclass(frozen=True)
class LongText(Text):
    max_length: int = limits.LONG_ANSWER_CHARS
    answer_label: str = "Uw antwoord:"
    lines: int = 5  # height of the box on screen
    kind: ClassVar[str] = "longtext"
    template: ClassVar[str] = "fields/kinds/longtext.html"

    def wtf_field(self):
        return TextAreaField(self.label, filters=[_strip_trailing])


@dataclass(frozen=True)
class Date(Field):
    kind: ClassVar[str] = "date"
    template: ClassVar[str] = "fields/kinds/date.html"
    asks_date: ClassVar[bool] = True

    def encode(self, value):
        return value.isoformat() if value else None

    def decode(self, text):
        return dt.date.fromisoformat(text) if text else None

    def wtf_field(self):
        return DutchDateField(self.label, format=DATE_FORMATS, validators=[Optional()])

    def as_text(self, value):
        return value.strftime("%d-%m-%Y") if value else ""

    def dates(self, value):
        return [value] if isinstance(value, dt.date) else []

    def date_columns(self):
        return frozenset({""})

    def example(self, today):
        return today

    def largest(self, turn, text, day):
        return day


@dataclass(frozen=True)
class Choice(Field):
    """Pick one of the options printed on paper; each option may carry its own explanation."""

    options: tuple[tuple[str, str], ...] = ()
    kind: ClassVar[str] = "choice"
    template: ClassVar[str] = "fields/kinds/choice.html"

    def decode(self, text):
        return text if text in dict(self.options) else None

    def wtf_field(self):
        return ChoiceField(self.label, choices=choices(self.options), validators=[Optional()],
                           validate_choice=True)

    def from_form(self, bound):
        return bound.data if bound.data in dict(self.options) else None

    def as_text(self, value):
        return dict(self.options).get(value, "")

    def example(self, today):
        return self.options[0][0]

    def largest(self, turn, text, day):
        return self.options[turn % len(self.options)][0]

    def turns(self):
        return len(self.options)


CHOICE_MESSAGE = "Deze keuze staat niet op het formulier. Kies een van de mogelijkheden."


class ChoiceField(RadioField):
    """Radio buttons that refuse a value no page offers with a Dutch message, alone or in a row."""

    def pre_validate(self, form):
        if self.validate_choice and self.data is not None and \
                self.data not in {value for value, *_ in self.iter_choices()}:
            raise ValidationError(CHOICE_MESSAGE)


@dataclass(frozen=True)
class Rank(Field):
    """An order of importance written as a number, 1 being the most important."""

    kind: ClassVar[str] = "rank"
    template: ClassVar[str] = "fields/kinds/rank.html"

    def decode(self, text):
        return int(text) if text else None

    def wtf_field(self):
        return RankField(self.label, validators=[Optional(), _rank_range])

    def from_form(self, bound):
        return bound.data

    def example(self, today):
        return 1

    def largest(self, turn, text, day):
        return 1


def _rank_range(form, field):
    # Only for a number: text that is no number already has its own message.
    if field.data is not None and not 1 <= field.data <= 99:
        raise StopValidation("Vul een getal van 1 tot en met 99 in.")


class RankField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Vul een heel getal in, waarbij 1 het meest belangrijk is.")


@dataclass(frozen=True)
class Table(Field):
    """Rows the user adds as needed; on paper a table with a few empty lines."""

    columns: tuple[Field, ...] = ()
    min_rows: int = 1  # empty rows shown on a fresh form, as on paper
    spare_rows: int = 1  # empty rows offered below the filled ones
    max_rows: int = limits.TABLE_ROWS
    rows_word: str = "rijen"  # "hoogstens 24 voortgangsgesprekken"
    add_label: str = "Rij toevoegen"
    row_title: str = ""  # "Voortgangsgesprek" -> blocks titled "Voortgangsgesprek 1", ...
    layout: str = "grid"  # grid: a table; blocks: one block per row (progress talks)
    sort_by: str = ""  # column to order rows by when read (ranked goals)
    # Record per row who wrote it last (progress talks, written by either party): kept under AUTHOR
    # beside the columns, filled by the server, never by the form.
    records_author: bool = False
    # More filled rows than advised gets a friendly warning (advice_for), never a refusal: the compact
    # POP advises one or two goals.
    advised_rows: int = 0
    advice: str = ""
    kind: ClassVar[str] = "table"
    template: ClassVar[str] = "fields/kinds/table.html"

    def __post_init__(self):
        # A row is a sub-form and, in a template, {{ r.<column> }}: the same names are unusable.
        _check_keys(self.key, [c.key for c in self.columns])

    def column(self, key: str) -> Field:
        return next(c for c in self.columns if c.key == key)

    def empty(self):
        return []

    def to_cells(self, rows):
        for index, row in enumerate(self._non_blank(rows)):
            for col in self.columns:
                for _, sub, text in col.to_cells(row.get(col.key)):
                    yield (index, column_cell(col.key, sub), text)
            if self.records_author and row.get(AUTHOR):
                yield (index, AUTHOR, row[AUTHOR])

    def from_cells(self, cells):
        indexes = sorted({r for r, c in cells if c != AUTHOR})
        by_row: dict[int, dict[str, dict]] = {i: {} for i in indexes}
        for (r, c), text in cells.items():
            if c == AUTHOR:
                continue
            key, _, sub = c.partition(".")
            by_row[r].setdefault(key, {})[(0, sub)] = text
        rows = [{c.key: c.from_cells(by_row[i].get(c.key, {})) for c in self.columns} for i in indexes]
        if self.records_author:
            for i, row in zip(indexes, rows):
                row[AUTHOR] = cells.get((i, AUTHOR), "")
        if self.sort_by:
            rows.sort(key=lambda r: (r[self.sort_by] is None, r[self.sort_by] or 0))
        return rows

    def _non_blank(self, rows):
        return [r for r in rows or [] if any(c.is_filled(r.get(c.key)) for c in self.columns)]

    def blank_row(self) -> dict:
        return {c.key: c.empty() for c in self.columns}

    @property
    def rows_read(self) -> int:
        """Rows one save reads: as many as a table may be stored with (rows stored before the limit
        was lowered too) plus the blank rows a page offers. What a request sends beyond that is not
        read, and the save is refused (form_errors), so no row is ever dropped without a word."""
        return max(self.max_rows, limits.ROWS_STORED_BEFORE) + limits.BLANK_ROWS

    def allowed_rows(self, stored_rows) -> int:
        """A table stored with more rows than its limit keeps them, but gets no more."""
        return min(max(self.max_rows, len(self._non_blank(stored_rows))),
                   max(self.max_rows, limits.ROWS_STORED_BEFORE))

    def stored_cell(self, col: Field, stored_rows, index: int) -> Any:
        """The stored value of one cell, '' for a row that is not stored (yet). Rows are shown and
        posted in their stored order, so row `index` of a post is stored row `index`."""
        rows = self._non_blank(stored_rows)
        return rows[index].get(col.key) if index < len(rows) else col.empty()

    def limit_hint(self, stored_rows) -> str:
        hint = f"Hoogstens {number(self.max_rows)} {self.rows_word}"
        texts = [c for c in self.columns if isinstance(c, Text)]
        if self.layout == "grid" and texts:
            lengths = {c.max_length for c in texts}
            if len(lengths) == 1:
                hint += f", per vak hoogstens {number(lengths.pop())} tekens"
            else:
                hint += ", " + ", ".join(f"{c.label.lower()} hoogstens {number(c.max_length)} tekens"
                                         for c in texts)
        return hint + "." + self._rows_before(self.allowed_rows(stored_rows))

    def _rows_before(self, allowed: int) -> str:
        if allowed <= self.max_rows:
            return ""
        return (f" Hier stonden er al {number(allowed)} van voordat deze grens gold: het mogen er "
                "minder worden, niet meer.")

    def chars(self, rows):
        return sum(c.chars(r.get(c.key)) for r in self._non_blank(rows) for c in self.columns)

    def wtf_field(self):
        attrs = {col.key: col.wtf_field() for col in self.columns}
        row_form = type(f"{self.key}_Row", (RowForm,), attrs)
        # One entry over what is read tells a request that sent more (see rows_read).
        return RowList(FormField(row_form), label=self.label, min_entries=0,
                       read_at_most=self.rows_read + 1)

    def form_data(self, rows):
        rows = list(rows or [])
        blanks = max(self.spare_rows, self.min_rows - len(rows))
        if len(rows) >= self.max_rows:
            blanks = 0  # a full table offers no empty row: what is typed there could not be saved
        return [self.form_row(r) for r in rows + [self.blank_row() for _ in range(blanks)]]

    def form_row(self, row: dict) -> dict:
        """A row as its sub-form takes it: each column's own form data (a checklist's ticks)."""
        return {c.key: c.form_data(row.get(c.key)) for c in self.columns}

    def _form_rows(self, bound) -> list[dict]:
        return [{c.key: c.from_form(entry.form[c.key]) for c in self.columns} for entry in bound.entries]

    def from_form(self, bound):
        return self._non_blank(self._form_rows(bound))

    def entry_is_blank(self, entry) -> bool:
        # Raw input counts: a date typed wrongly is not blank, it is an error to show.
        return not any(_typed(entry.form[c.key]) or c.is_filled(c.from_form(entry.form[c.key]))
                       for c in self.columns)

    def form_errors(self, bound, stored=None):
        """A table has at most allowed_rows filled rows (blank ones the page offers do not count),
        each cell within its column's limit; and ranks must be unique: two goals cannot both be the
        most important one."""
        errors = []
        allowed = self.allowed_rows(stored)
        filled = [e for e in bound.entries if not self.entry_is_blank(e)]
        if len(filled) > allowed or len(bound.entries) > self.rows_read:
            # At the first row too many, where the person adds it.
            where = filled[allowed] if len(filled) > allowed else bound.entries[-1]
            errors.append((where.form[self.columns[0].key], self.too_many_message(allowed)))
        for index, entry in enumerate(bound.entries):
            for col in self.columns:
                errors += col.form_errors(entry.form[col.key], self.stored_cell(col, stored, index))
        for col in self.columns:
            if not isinstance(col, Rank):
                continue
            seen = set()
            for entry, row in zip(bound.entries, self._form_rows(bound)):
                number = row.get(col.key)
                if number is not None and number in seen:
                    errors.append((entry.form[col.key],
                                   f"Belang {number} is al aan een ander ontwikkeldoel gegeven. "
                                   "Geef elk doel een eigen cijfer."))
                seen.add(number)
        return errors

    def too_many_message(self, allowed: int) -> str:
        where = "Deze tabel" if self.layout == "grid" else "Een plan"
        return (f"{where} kan hoogstens {number(self.max_rows)} {self.rows_word} bevatten."
                + self._rows_before(allowed))

    def is_filled(self, rows):
        return bool(self._non_blank(rows))

    def as_text(self, rows):
        # A column whose text has lines of its own (SMART, a checklist) is kept on one line here.
        def cell(col, value):
            text = col.as_text(value)
            return text.replace("\n", "; ") if isinstance(col, (Smart, Checklist)) else text
        return "\n".join(" | ".join(cell(c, r.get(c.key)) for c in self.columns)
                         for r in self._non_blank(rows))

    # advice ----------------------------------------------------------------------------------
    def advice_for(self, rows) -> str:
        """The friendly warning when more rows are filled than the paper advises ('' otherwise):
        never a refusal, the rows are stored all the same."""
        filled = len(self._non_blank(rows))
        if not self.advised_rows or filled <= self.advised_rows:
            return ""
        advice = self.advice or (f"Het advies is hoogstens {number(self.advised_rows)} "
                                 f"{self.rows_word}.")
        return f"{self.label}: u heeft er nu {number(filled)} ingevuld. {advice}"

    @property
    def first_text_column(self) -> Field | None:
        """The column that names a row (the goal itself), for summaries such as SMART's."""
        return next((c for c in self.columns if isinstance(c, Text)), None)

    def dates(self, rows):
        return [day for row in rows or [] for c in self.columns for day in c.dates(row.get(c.key))]

    def date_columns(self):
        return frozenset(column_cell(c.key, sub) for c in self.columns for sub in c.date_columns())

    # samples: ranks numbered by row, as ranks must differ ------------------------------------
    def example(self, today):
        return [{c.key: (i + 1 if isinstance(c, Rank) else c.example(today)) for c in self.columns}
                for i in range(2)]

    def largest(self, turn, text, day):
        return [{c.key: (i + 1 if isinstance(c, Rank) else c.largest(turn + i, text, day))
                 for c in self.columns} for i in range(self.max_rows)]

    def turns(self):
        return max((c.turns() for c in self.columns), default=1)

    def in_progress(self, rows, turn):
        if not isinstance(rows, list):
            return rows
        return [dict(row, **{c.key: c.in_progress(row[c.key], turn) for c in self.columns
                             if c.key in row}) for row in rows]


class RowList(FieldList):
    """The rows of a table. A request is read up to read_at_most rows, which bounds the work one post
    can cause; rows that come from storage are all shown however many there are (a plan stored when
    tables had no limit must still open), and so are the blank rows a page adds."""

    def __init__(self, *args, read_at_most: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_at_most = read_at_most

    def process(self, formdata, data=unset_value, extra_filters=None):
        # FieldList's max_entries both cuts what is read and forbids adding entries past it.
        self.max_entries = self.read_at_most if formdata else None
        try:
            super().process(formdata, data, extra_filters)
        finally:
            self.max_entries = None


@dataclass(frozen=True)
class MatrixRow:
    key: str
    label: str  # the bold lead on paper, e.g. "Coaching"
    text: str = ""  # the explanation after it
    group: str = ""  # "Tijd" / "Geld" in the cost table


@dataclass(frozen=True)
class Matrix(Field):
    """A fixed grid of rows, each rated in one or more columns on the paper's scale."""

    rows: tuple[MatrixRow, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()  # (key, heading)
    scale: tuple[tuple[str, str], ...] = ()  # (stored value, shown mark)
    row_heading: str = ""
    group_heading: str = ""
    kind: ClassVar[str] = "matrix"
    template: ClassVar[str] = "fields/kinds/matrix.html"

    def __post_init__(self):
        _check_keys(self.key, [r.key for r in self.rows])

    def cell_key(self, row_key: str, col_key: str) -> str:
        return f"{row_key}__{col_key}"

    def empty(self):
        return {r.key: {c: None for c, _ in self.columns} for r in self.rows}

    def to_cells(self, value):
        for r in self.rows:
            for c, _ in self.columns:
                mark = (value or {}).get(r.key, {}).get(c)
                if mark:
                    yield (0, self.cell_key(r.key, c), mark)

    def from_cells(self, cells):
        marks = dict(self.scale)
        return {r.key: {c: (cells.get((0, self.cell_key(r.key, c))) if
                            cells.get((0, self.cell_key(r.key, c))) in marks else None)
                        for c, _ in self.columns} for r in self.rows}

    def wtf_field(self):
        attrs = {}
        for r in self.rows:
            for c, heading in self.columns:
                attrs[self.cell_key(r.key, c)] = RadioField(
                    f"{r.label}: {heading}", choices=choices(self.scale), validators=[Optional()])
        return FormField(type(f"{self.key}_Matrix", (RowForm,), attrs), label=self.label)

    def form_data(self, value):
        value = value or self.empty()
        return {self.cell_key(r.key, c): value.get(r.key, {}).get(c)
                for r in self.rows for c, _ in self.columns}

    def from_form(self, bound):
        return {r.key: {c: bound.form[self.cell_key(r.key, c)].data or None for c, _ in self.columns}
                for r in self.rows}

    def is_filled(self, value):
        return any(v for row in (value or {}).values() for v in row.values())

    def as_text(self, value):
        marks = dict(self.scale)
        lines = []
        for r in self.rows:
            chosen = [f"{h}: {marks.get((value or {}).get(r.key, {}).get(c), '')}"
                      for c, h in self.columns]
            lines.append(f"{r.label} — " + "; ".join(chosen))
        return "\n".join(lines)

    def example(self, today):
        return {r.key: {c: self.scale[0][0] for c, _ in self.columns} for r in self.rows}

    def largest(self, turn, text, day):
        scale = [value for value, _ in self.scale]
        return {r.key: {c: scale[(turn + i) % len(scale)] for i, (c, _) in enumerate(self.columns)}
                for r in self.rows}

    def turns(self):
        return len(self.scale)


@dataclass(frozen=True)
class Signature(Field):
    """An 'akkoord' line: who agreed and when. Only the named signer can give or withdraw it."""

    signer: str = "employee"  # or "manager"
    kind: ClassVar[str] = "signature"
    template: ClassVar[str] = "fields/kinds/signature.html"
    typed: ClassVar[bool] = False

    def empty(self):
        return None

    def to_cells(self, value):
        if value:
            yield (0, "naam", value["naam"])
            yield (0, "datum", value["datum"].isoformat())
            yield (0, "person_id", str(value["person_id"]))

    def from_cells(self, cells):
        if (0, "naam") not in cells:
            return None
        return {"naam": cells[(0, "naam")],
                "datum": dt.date.fromisoformat(cells[(0, "datum")]),
                "person_id": int(cells.get((0, "person_id")) or 0)}

    def wtf_field(self):
        return BooleanField("Ik ga akkoord")

    def form_data(self, value):
        return bool(value)

    def from_form(self, bound):
        return bool(bound.data)

    def as_text(self, value):
        return f"{value['naam']}, {value['datum'].strftime('%d-%m-%Y')}" if value else ""

    def example(self, today):
        return {"naam": "Eva Visser", "datum": today, "person_id": 0}

    def largest(self, turn, text, day):
        return {"naam": "Anna-Maria Uitersteplan", "datum": day, "person_id": 0}


# ---------------------------------------------------------------- ticks, amounts, SMART, checklists

# Names a sub-form cannot take: WTForms' Form.__init__ reads them as its own arguments; a dict's own
# methods and the export context's Group attributes (text, filled), because a template's
# {{ r.kosten.items }} or {{ r.smart.text }} would find those, not the answer.
_RESERVED = {"formdata", "obj", "prefix", "data", "meta", "text", "filled"} | \
    {n for n in dir(dict) if not n.startswith("_")}


def _check_keys(owner: str, keys) -> None:
    keys = list(keys)
    bad = [k for k in keys if k in _RESERVED or "." in k or "-" in k or not k]
    if bad or len(set(keys)) != len(keys):
        raise ValueError(f"{owner}: keys unusable or used twice: {keys}")


def _typed(bound) -> bool:
    """Whether anything was typed or ticked into an input, or into any input of a sub-form."""
    if isinstance(bound, FormField):
        return any(_typed(sub) for sub in bound.form)
    return any(str(v).strip() for v in getattr(bound, "raw_data", None) or ())


def column_cell(col_key: str, sub: str) -> str:
    """The stored column of a cell of a table's column (see the module's docstring)."""
    return f"{col_key}.{sub}" if sub else col_key


@dataclass(frozen=True)
class Check(Field):
    """A ja/nee tick box. Stored "ja" when ticked, nothing when not."""

    kind: ClassVar[str] = "check"
    template: ClassVar[str] = "fields/kinds/check.html"

    def encode(self, value):
        return "ja" if value else None

    def decode(self, text):
        return text == "ja"

    def wtf_field(self):
        return BooleanField(self.label)

    def form_data(self, value):
        return bool(value)

    def from_form(self, bound):
        return bool(bound.data)

    def is_filled(self, value):
        return bool(value)

    def as_text(self, value):
        return "ja" if value else ""

    def example(self, today):
        return True

    def largest(self, turn, text, day):
        return turn % 2 == 0  # ticked and not, in turn, as choices take their options in turn

    def turns(self):
        return 2


AMOUNT_MAX = Decimal("9999999.99")
CENT = Decimal("0.01")
AMOUNT_MESSAGES = {
    "euro": {"nan": "Vul een bedrag in, bijvoorbeeld 1.250,50.",
             "negative": "Een bedrag kan niet negatief zijn.",
             "too_high": "Dit bedrag is te hoog: hoogstens 9.999.999,99.",
             "decimals": "Een bedrag heeft hoogstens twee cijfers achter de komma, bijvoorbeeld 1.250,50."},
    "uur": {"nan": "Vul een aantal uren in, bijvoorbeeld 12,5.",
            "negative": "Een aantal uren kan niet negatief zijn.",
            "too_high": "Dit aantal uren is te hoog: hoogstens 9.999.999,99.",
            "decimals": "Een aantal uren heeft hoogstens twee cijfers achter de komma, bijvoorbeeld 12,5."},
}
# 1.250.000,50 (dots between groups of three), 1250,50 / ,50, 1250.50 (one dot, then 1 or 2 digits:
# a decimal point, as a number pasted from a spreadsheet), 1250.
_DUTCH_GROUPED = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?")
_DUTCH_PLAIN = re.compile(r"([0-9]*)(?:,([0-9]+))?")
_DOT_DECIMAL = re.compile(r"([0-9]+)\.([0-9]{1,2})")
_UNIT_WORDS = re.compile(r"€|\beuro?\b|\buren\b|\buur\b")


def parse_amount(text: str | None, unit: str = "euro") -> Decimal | None:
    """An amount as people type it, the Dutch way: "1.250,50", "1250,50", "€ 1.250,50", "1250",
    "12,5" (hours), also "1250.50". None for an empty text; ValueError with the Dutch message for
    text that is no amount, a negative amount or one above 9.999.999,99. Used by the Amount kind and
    by everything else that takes an amount (the budget)."""
    messages = AMOUNT_MESSAGES[unit]
    raw = " ".join((text or "").split())
    if not raw:
        return None
    cleaned = _UNIT_WORDS.sub("", raw.lower())
    cleaned = re.sub(r"(?<=[0-9])\s*u$", "", cleaned)  # 12u
    cleaned = re.sub(r"[\s\u00a0\u202f]+", " ", cleaned).strip().replace("\u2212", "-")  # typographic minus
    # A space between groups of three digits is a thousands separator (1 250,50); any other space
    # between digits is a typing error (12 5), not 125.
    cleaned = re.sub(r"(?<=[0-9]) (?=[0-9]{3}(?![0-9]))", ".", cleaned)
    cleaned = re.sub(r"(?<![0-9]) | (?![0-9])", "", cleaned)
    if len(cleaned) > 40:  # nobody types an amount this long; no work is spent on it
        raise ValueError(messages["too_high" if re.fullmatch(r"[-+]?[0-9.,]+", cleaned) else "nan"])
    negative = cleaned.startswith("-")
    if cleaned[:1] in ("+", "-"):
        cleaned = cleaned[1:]
    if cleaned.endswith(",-"):  # "€ 50,-"
        cleaned = cleaned[:-2]
    whole = fraction = None
    for pattern in (_DUTCH_GROUPED, _DOT_DECIMAL, _DUTCH_PLAIN):
        match = pattern.fullmatch(cleaned)
        if match and (match.group(1) or match.group(2)):
            whole, fraction = match.group(1).replace(".", "") or "0", match.group(2) or ""
            break
    if whole is None:
        raise ValueError(messages["nan"])
    if len(fraction.rstrip("0")) > 2:
        raise ValueError(messages["decimals"])
    try:
        value = Decimal(f"{whole}.{fraction or '0'}").quantize(CENT)
    except InvalidOperation:  # more digits than a Decimal context holds
        raise ValueError(messages["too_high"])
    if negative and value:
        raise ValueError(messages["negative"])
    if value > AMOUNT_MAX:
        raise ValueError(messages["too_high"])
    return value


def dutch_number(value: Decimal, keep_cents: bool = True) -> str:
    """1250.5 -> "1.250,50" (keep_cents) or "1.250,5"; 12 -> "12" without keep_cents."""
    value = Decimal(value).quantize(CENT)
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    text = number(int(whole))
    if not keep_cents:
        cents = cents.rstrip("0")
    return ("-" if value < 0 else "") + text + (f",{cents}" if cents else "")


def format_amount(value: Decimal | None, unit: str = "euro") -> str:
    """"€ 1.250,50" / "12,5 uur"; '' for None."""
    if value is None:
        return ""
    if unit == "uur":
        return f"{dutch_number(value, keep_cents=False)} uur"
    return f"€ {dutch_number(value)}"


class AmountField(StringField):
    """A text box for an amount: parsed by parse_amount; what was typed stays in the box when it is
    refused, and a stored amount shows the Dutch way (1.250,50)."""

    def __init__(self, *args, unit: str = "euro", **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            self.data = parse_amount(" ".join(valuelist), self.unit)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return dutch_number(self.data, keep_cents=self.unit == "euro")


@dataclass(frozen=True)
class Amount(Field):
    """An amount of money (unit "euro") or of hours ("uur")."""

    unit: str = "euro"
    kind: ClassVar[str] = "amount"
    template: ClassVar[str] = "fields/kinds/amount.html"

    def __post_init__(self):
        if self.unit not in AMOUNT_MESSAGES:
            raise ValueError(f"{self.key}: unit must be 'euro' or 'uur', not {self.unit!r}")

    def encode(self, value):
        return None if value is None else str(Decimal(value).quantize(CENT))

    def decode(self, text):
        if not text:
            return None
        try:
            return Decimal(text).quantize(CENT)
        except InvalidOperation:
            return None

    def parse(self, text: str | None) -> Decimal | None:
        return parse_amount(text, self.unit)

    def wtf_field(self):
        return AmountField(self.label, unit=self.unit)

    def from_form(self, bound):
        return bound.data

    def is_filled(self, value):
        return value is not None

    def as_text(self, value):
        return format_amount(value, self.unit)

    def example(self, today):
        return Decimal("1250.50") if self.unit == "euro" else Decimal("12.50")

    def largest(self, turn, text, day):
        return AMOUNT_MAX


COST_COLUMNS = (("euro", "Bedrag (€)"), ("uren", "Uren"))


@dataclass(frozen=True)
class Costs(Field):
    """A fixed grid of cost aspects, each with an amount of money and of hours (the POB). Standalone
    only. Cells: (0, f"{row}__euro") and (0, f"{row}__uren"), "1250.50"."""

    rows: tuple[MatrixRow, ...] = ()
    columns: tuple[tuple[str, str], ...] = COST_COLUMNS  # (key, heading); the keys are fixed
    row_heading: str = "Aspect"
    group_heading: str = ""
    kind: ClassVar[str] = "costs"
    template: ClassVar[str] = "fields/kinds/costs.html"
    may_stay_empty: ClassVar[bool] = True

    def __post_init__(self):
        _check_keys(self.key, [r.key for r in self.rows])
        if tuple(k for k, _ in self.columns) != ("euro", "uren"):
            raise ValueError(f"{self.key}: the columns of Costs are euro and uren")

    def amount(self, col_key: str) -> Amount:
        return Amount(col_key, dict(self.columns)[col_key], unit="euro" if col_key == "euro" else "uur")

    def cell_key(self, row_key: str, col_key: str) -> str:
        return f"{row_key}__{col_key}"

    def empty(self):
        return {r.key: {"euro": None, "uren": None} for r in self.rows}

    def to_cells(self, value):
        for r in self.rows:
            for c, _ in self.columns:
                text = self.amount(c).encode((value or {}).get(r.key, {}).get(c))
                if text is not None:
                    yield (0, self.cell_key(r.key, c), text)

    def from_cells(self, cells):
        return {r.key: {c: self.amount(c).decode(cells.get((0, self.cell_key(r.key, c))))
                        for c, _ in self.columns} for r in self.rows}

    def wtf_field(self):
        attrs = {self.cell_key(r.key, c): AmountField(f"{r.label}: {heading}",
                                                      unit=self.amount(c).unit)
                 for r in self.rows for c, heading in self.columns}
        return FormField(type(f"{self.key}_Costs", (RowForm,), attrs), label=self.label)

    def form_data(self, value):
        value = value or self.empty()
        return {self.cell_key(r.key, c): value.get(r.key, {}).get(c)
                for r in self.rows for c, _ in self.columns}

    def from_form(self, bound):
        return {r.key: {c: bound.form[self.cell_key(r.key, c)].data for c, _ in self.columns}
                for r in self.rows}

    def totals(self, value) -> tuple[Decimal, Decimal]:
        """(euros, hours) of all filled cells; Decimal("0") each when nothing is filled."""
        euros = hours = Decimal("0")
        for r in self.rows:
            cells = (value or {}).get(r.key) or {}
            euros += cells.get("euro") or 0
            hours += cells.get("uren") or 0
        return euros, hours

    def is_filled(self, value):
        return any(v is not None for row in (value or {}).values() for v in row.values())

    def as_text(self, value):
        lines = []
        for r in self.rows:
            cells = (value or {}).get(r.key) or {}
            shown = [self.amount(c).as_text(cells.get(c)) for c, _ in self.columns]
            if any(shown):
                lines.append(f"{r.label}: " + "; ".join(t for t in shown if t))
        if lines:
            euros, hours = self.totals(value)
            lines.append(f"Totaal: {format_amount(euros)}; {format_amount(hours, 'uur')}")
        return "\n".join(lines)

    def example(self, today):
        # The first aspects filled in (money and hours), the last left open: as a real plan does.
        last = max(len(self.rows) - 1, 1)
        return {r.key: ({"euro": (Decimal("1250.50") / (i + 1)).quantize(CENT),
                         "uren": Decimal("12.50") * (i + 1)} if i < last else {"euro": None, "uren": None})
                for i, r in enumerate(self.rows)}

    def largest(self, turn, text, day):
        return {r.key: {"euro": AMOUNT_MAX, "uren": AMOUNT_MAX} for r in self.rows}


# The SMART letters of seed 004 §2.4.1; forms/common.py holds the sets with their explanations.
SMART_LETTERS = (("s", "Specifiek", ""), ("m", "Meetbaar", ""), ("a", "Acceptabel", ""),
                 ("r", "Realistisch", ""), ("t", "Tijdgebonden", ""))


def letter_char(key: str, label: str) -> str:
    """The letter as printed in S M A R T: the key when it is one letter, else the label's first."""
    return key.upper() if len(key) == 1 else label[:1].upper()


@dataclass(frozen=True)
class Smart(Field):
    """A goal checked against SMART: per letter an explanation of how the goal meets it.
    Cells: (0, letter_key, text) standalone; in a table (row, f"{col_key}.{letter_key}", text)."""

    label: str = "SMART"
    letters: tuple[tuple[str, str, str], ...] = SMART_LETTERS  # (key, label, help)
    max_length: int = limits.CELL_CHARS  # per letter
    lines: int = 2
    kind: ClassVar[str] = "smart"
    template: ClassVar[str] = "fields/kinds/smart.html"
    wide: ClassVar[bool] = True

    def __post_init__(self):
        _check_keys(self.key, [k for k, *_ in self.letters])

    def letter_fields(self) -> list[LongText]:
        """Each letter as the text box it is: its label, its help, its limit."""
        return [LongText(k, label, help=(h,) if h else (), answer_label="", lines=self.lines,
                         max_length=self.max_length) for k, label, h in self.letters]

    def empty(self):
        return {k: "" for k, *_ in self.letters}

    def to_cells(self, value):
        for k, *_ in self.letters:
            text = (value or {}).get(k) or ""
            if text:
                yield (0, k, text)

    def from_cells(self, cells):
        return {k: cells.get((0, k)) or "" for k, *_ in self.letters}

    def wtf_field(self):
        attrs = {f.key: f.wtf_field() for f in self.letter_fields()}
        return FormField(type(f"{self.key}_Smart", (RowForm,), attrs), label=self.label)

    def form_data(self, value):
        return {**self.empty(), **(value or {})}

    def from_form(self, bound):
        return {k: bound.form[k].data or "" for k, *_ in self.letters}

    def form_errors(self, bound, stored=None):
        errors = []
        for f in self.letter_fields():
            errors += f.form_errors(bound.form[f.key], (stored or {}).get(f.key))
        return errors

    def is_filled(self, value):
        return any((value or {}).get(k) for k, *_ in self.letters)

    def chars(self, value):
        return sum(len((value or {}).get(k) or "") for k, *_ in self.letters)

    def missing(self, value) -> list[str]:
        """Labels of the letters left empty, in SMART order."""
        return [label for k, label, _ in self.letters if not ((value or {}).get(k) or "").strip()]

    def letters_status(self, value) -> list[tuple[str, str, bool]]:
        """(letter "S", label, filled) per letter, in order."""
        return [(letter_char(k, label), label, bool(((value or {}).get(k) or "").strip()))
                for k, label, _ in self.letters]

    def as_text(self, value):
        return "\n".join(f"{label}: {(value or {}).get(k)}" for k, label, _ in self.letters
                         if (value or {}).get(k))

    def example(self, today):
        return {k: f"Voorbeelduitleg bij ‘{label}’" for k, label, _ in self.letters}

    def largest(self, turn, text, day):
        return {k: text(self.max_length) for k, *_ in self.letters}

    def in_progress(self, value, turn):
        # Every other letter open, the other half at the next turn: {{ smart.ontbreekt }} names some.
        if not isinstance(value, dict):
            return value
        return {k: ("" if (i + turn) % 2 else text) for i, (k, text) in enumerate(value.items())}


def smart_summary(definition, values: dict) -> list[dict]:
    """Every goal of a plan checked against SMART, for the overview: a standalone Smart field is one
    goal named by its label; a Smart column of a table makes each filled row a goal, named by the row's
    first text column. Each: goal, field (key), part (key), row (in a table), letters [(letter, label,
    filled)], missing [labels]."""
    summary = []
    part_of = {f.key: p.key for p in definition.parts for f in p.fields}
    for field in definition.fields:
        if isinstance(field, Smart):
            value = values.get(field.key)
            summary.append({"goal": field.label, "field": field.key, "part": part_of[field.key],
                            "letters": field.letters_status(value), "missing": field.missing(value)})
        elif isinstance(field, Table):
            smarts = [c for c in field.columns if isinstance(c, Smart)]
            if not smarts:
                continue
            name_col = field.first_text_column
            for index, row in enumerate(field._non_blank(values.get(field.key)), start=1):
                name = (row.get(name_col.key) or "").strip() if name_col else ""
                goal = name or f"{field.row_title or field.label} {index}"
                for col in smarts:
                    value = row.get(col.key)
                    summary.append({"goal": goal if len(smarts) == 1 else f"{goal} ({col.label})",
                                    "field": field.key, "part": part_of[field.key], "row": index - 1,
                                    "letters": col.letters_status(value),
                                    "missing": col.missing(value)})
    return summary


NOTE = "notitie"


@dataclass(frozen=True)
class Checklist(Field):
    """Items the manager ticks off, each with a note, in groups (Voorbereiding, Tijdens de
    bijeenkomst, ...). Cells: (0, item, "ja") when ticked and (0, f"{item}.notitie", text)."""

    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    note_chars: int = limits.CELL_CHARS
    kind: ClassVar[str] = "checklist"
    template: ClassVar[str] = "fields/kinds/checklist.html"
    wide: ClassVar[bool] = True

    def __post_init__(self):
        _check_keys(self.key, [k for k, _ in self.items])

    @property
    def items(self) -> list[tuple[str, str]]:
        return [item for _, items in self.groups for item in items]

    def note_key(self, item_key: str) -> str:
        return f"{item_key}__{NOTE}"  # the input's name; stored as f"{item}.notitie"

    def note_field(self, item_key: str, text: str) -> Text:
        return Text(self.note_key(item_key), f"Notitie bij: {text}", max_length=self.note_chars)

    def empty(self):
        return {k: {"af": False, NOTE: ""} for k, _ in self.items}

    def to_cells(self, value):
        for k, _ in self.items:
            item = (value or {}).get(k) or {}
            if item.get("af"):
                yield (0, k, "ja")
            if item.get(NOTE):
                yield (0, f"{k}.{NOTE}", item[NOTE])

    def from_cells(self, cells):
        return {k: {"af": cells.get((0, k)) == "ja", NOTE: cells.get((0, f"{k}.{NOTE}")) or ""}
                for k, _ in self.items}

    def wtf_field(self):
        attrs = {}
        for k, text in self.items:
            attrs[k] = BooleanField(text)
            attrs[self.note_key(k)] = self.note_field(k, text).wtf_field()
        return FormField(type(f"{self.key}_Checklist", (RowForm,), attrs), label=self.label)

    def form_data(self, value):
        value = value or self.empty()
        data = {}
        for k, _ in self.items:
            item = value.get(k) or {}
            data[k] = bool(item.get("af"))
            data[self.note_key(k)] = item.get(NOTE) or ""
        return data

    def from_form(self, bound):
        return {k: {"af": bool(bound.form[k].data), NOTE: bound.form[self.note_key(k)].data or ""}
                for k, _ in self.items}

    def form_errors(self, bound, stored=None):
        errors = []
        for k, text in self.items:
            note = self.note_field(k, text)
            errors += note.form_errors(bound.form[note.key], ((stored or {}).get(k) or {}).get(NOTE))
        return errors

    def is_filled(self, value):
        return any(i.get("af") or i.get(NOTE) for i in (value or {}).values())

    def chars(self, value):
        return sum(len(i.get(NOTE) or "") for i in (value or {}).values())

    def done(self, value) -> tuple[int, int]:
        """(ticked, items)."""
        return sum(1 for k, _ in self.items if ((value or {}).get(k) or {}).get("af")), len(self.items)

    def as_text(self, value):
        if not self.is_filled(value):
            return ""
        lines = []
        for title, items in self.groups:
            if title:
                lines.append(title)
            for k, text in items:
                item = (value or {}).get(k) or {}
                line = f"[{'x' if item.get('af') else ' '}] {text}"
                if item.get(NOTE):
                    line += f" — {item[NOTE]}"
                lines.append(line)
        return "\n".join(lines)

    def example(self, today):
        return {k: {"af": i % 2 == 0, NOTE: "Voorbeeldnotitie" if i == 0 else ""}
                for i, (k, _) in enumerate(self.items)}

    def largest(self, turn, text, day):
        return {k: {"af": (turn + i) % 2 == 0, NOTE: text(self.note_chars)}
                for i, (k, _) in enumerate(self.items)}

    def turns(self):
        return 2


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_trailing(value):
    # Keep leading indentation and inner line breaks; browsers send \r\n, we store \n.
    return value.replace("\r\n", "\n").rstrip() if isinstance(value, str) else value


__all__ = ["Info", "Field", "Text", "LongText", "Date", "Choice", "Rank", "Table", "MatrixRow",
           "Matrix", "Signature", "Check", "Amount", "Costs", "Smart", "Checklist", "smart_summary",
           "parse_amount", "format_amount", "SMART_LETTERS"]
