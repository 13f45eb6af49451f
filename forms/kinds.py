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
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator

from wtforms import (BooleanField, DateField, FieldList, FormField, IntegerField, RadioField,
                     StringField, TextAreaField)
from wtforms import Form
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Optional, StopValidation

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


@dataclass(frozen=True)
class Text(Field):
    max_length: int = limits.TEXT_CHARS
    kind: ClassVar[str] = "text"

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


@dataclass(frozen=True)
class LongText(Text):
    max_length: int = limits.LONG_ANSWER_CHARS
    answer_label: str = "Uw antwoord:"
    lines: int = 5  # height of the box on screen
    kind: ClassVar[str] = "longtext"

    def wtf_field(self):
        return TextAreaField(self.label, filters=[_strip_trailing])


@dataclass(frozen=True)
class Date(Field):
    kind: ClassVar[str] = "date"

    def encode(self, value):
        return value.isoformat() if value else None

    def decode(self, text):
        return dt.date.fromisoformat(text) if text else None

    def wtf_field(self):
        return DutchDateField(self.label, format=DATE_FORMATS, validators=[Optional()])

    def as_text(self, value):
        return value.strftime("%d-%m-%Y") if value else ""


@dataclass(frozen=True)
class Choice(Field):
    """Pick one of the options printed on paper; each option may carry its own explanation."""

    options: tuple[tuple[str, str], ...] = ()
    kind: ClassVar[str] = "choice"

    def decode(self, text):
        return text if text in dict(self.options) else None

    def wtf_field(self):
        return RadioField(self.label, choices=choices(self.options), validators=[Optional()],
                          validate_choice=True)

    def as_text(self, value):
        return dict(self.options).get(value, "")


@dataclass(frozen=True)
class Rank(Field):
    """An order of importance written as a number, 1 being the most important."""

    kind: ClassVar[str] = "rank"

    def decode(self, text):
        return int(text) if text else None

    def wtf_field(self):
        return RankField(self.label, validators=[Optional(), _rank_range])

    def from_form(self, bound):
        return bound.data


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
    kind: ClassVar[str] = "table"

    def column(self, key: str) -> Field:
        return next(c for c in self.columns if c.key == key)

    def empty(self):
        return []

    def to_cells(self, rows):
        for index, row in enumerate(self._non_blank(rows)):
            for col in self.columns:
                text = col.encode(row.get(col.key))
                if text is not None:
                    yield (index, col.key, text)
            if self.records_author and row.get(AUTHOR):
                yield (index, AUTHOR, row[AUTHOR])

    def from_cells(self, cells):
        indexes = sorted({r for r, c in cells if c != AUTHOR})
        rows = [{c.key: c.decode(cells.get((i, c.key))) for c in self.columns} for i in indexes]
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
        return rows + [self.blank_row() for _ in range(blanks)]

    def _form_rows(self, bound) -> list[dict]:
        return [{c.key: c.from_form(entry.form[c.key]) for c in self.columns} for entry in bound.entries]

    def from_form(self, bound):
        return self._non_blank(self._form_rows(bound))

    def entry_is_blank(self, entry) -> bool:
        # Raw input counts: a date typed wrongly is not blank, it is an error to show.
        def typed(bound):
            return any(str(v).strip() for v in bound.raw_data or ())
        return not any(typed(entry.form[c.key]) or c.is_filled(c.from_form(entry.form[c.key]))
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
        return "\n".join(" | ".join(c.as_text(r.get(c.key)) for c in self.columns)
                         for r in self._non_blank(rows))


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


@dataclass(frozen=True)
class Signature(Field):
    """An 'akkoord' line: who agreed and when. Only the named signer can give or withdraw it."""

    signer: str = "employee"  # or "manager"
    kind: ClassVar[str] = "signature"

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


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_trailing(value):
    # Keep leading indentation and inner line breaks; browsers send \r\n, we store \n.
    return value.replace("\r\n", "\n").rstrip() if isinstance(value, str) else value


__all__ = ["Info", "Field", "Text", "LongText", "Date", "Choice", "Rank", "Table", "MatrixRow",
           "Matrix", "Signature"]
