"""Excel workbooks from the form definition: one per plan (a sheet per phase, question | answer, tables
as tables, dates as dates) and the HR overview (a row per plan, with filters and a frozen header).

Each field kind's layout is a class registered for its type in `excel_layout` (ExcelKind): how its
question is written, its columns in a table's grid, its line in a block, its placeholders in the
default template. A new kind registers its own or is written as any question, its text beside it."""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
from functools import lru_cache

from openpyxl.utils import get_column_letter

from forms.kinds import (Amount, Check, Checklist, Choice, Costs, Date, LongText, Matrix, Rank, Signature,
                         Smart, Table, Text)
from pop import clock

from exports.context import (CHECKED, UNCHECKED, Group, checklist_groups, field_value,
                             labelled, smart_letters, with_colon)
from exports import package
from exports.excel.writer import (Border, Fill, Font, PageSetup, Workbook, cell_tail, core_part, dimension,
                                  packaged, row_start, row_xml, sheet_name, sheet_xml, shown, styles_part,
                                  xml_text)
from exports.word.engine import INVALID_XML_CHARS

# A cell starting with one of these is taken as a formula by Excel (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow (the same rule as for Word): no reader takes them (openpyxl refused
# to save them), so one answer holding U+FFFF made the plan's workbook and HR's whole bulk export fail.
ILLEGAL = INVALID_XML_CHARS
DATE_FORMAT = "DD-MM-YYYY"
# Amounts are numbers, so HR can add them up; Excel shows them the way its language does (in Dutch:
# € 1.250,50 and 12,5).
EURO_FORMAT = '"€" #,##0.00'
# Hours with their unit, as Word prints them ("24 uur", "12,5 uur"): General drops the decimals a
# whole number has not, where 0.## would print "24, uur".
HOURS_FORMAT = 'General" uur"'
HEADER_FILL = Fill("E8EEF3")
BOLD = Font(bold=True)  # Calibri, the workbook's own default (writer.py)
SECTION_FONT = Font(bold=True, size=12, color="174A6D")
TITLE_FONT = Font(bold=True, size=14, color="174A6D")
BOX = Border("B8C2CC")  # thin, all round


MAX_CELL = 32767


def put(ws, row: int, col: int, value, bold=False, header=False, number_format=None, border=None,
        font=None) -> None:
    """Text is always text, never a formula, whatever it starts with; dates are real dates."""
    if type(value) is _Answer:  # compiling the form's sheet (_compile): the answer's place
        value.slots.append((ws, row, col, value.path, (bold, header, number_format, border, font)))
        return
    value, number_format, quote = _as_cell(value, number_format)
    # number_format also on a template's placeholder cell: the number put there takes it.
    if font is None and (bold or header):
        font = BOLD
    ws.put(row, col, value, font, HEADER_FILL if header else None, border, number_format, quote)


def _as_cell(value, number_format):
    """The value as a cell holds it, its number format and whether Excel must show it as typed."""
    if isinstance(value, str):
        # str(): a chosen mark (context.Mark) hashes and compares by its Dutch reading, slowly; as a
        # cell it is only its text.
        text, quote = _cleaned(str(value)) if len(value) <= SHORT else _clean(value)
        return text, number_format, quote
    if isinstance(value, dt.datetime):
        return value, number_format or "DD-MM-YYYY HH:MM", False
    if isinstance(value, dt.date):
        return value, number_format or DATE_FORMAT, False
    return value, number_format, False


def _clean(value: str) -> tuple[str, bool]:
    """The text as a cell holds it, and whether Excel must show it as typed (quotePrefix), not
    evaluate it, on opening or on edit."""
    # Every character ILLEGAL takes is one str.isprintable() refuses (a control character, a
    # surrogate, a noncharacter), and that is a tenth of the expression's time on most text.
    value = str(value) if value.replace("\n", " ").isprintable() else ILLEGAL.sub("", value)
    if len(value) > MAX_CELL:  # Excel's own limit; past it Excel "repairs" the whole file
        value = value[:MAX_CELL - 1] + "…"
    return value, value.startswith(FORMULA_START)


SHORT = 300  # the forms' own questions and headings, the same in every plan, are kept


@lru_cache(maxsize=4096)
def _cleaned(value: str) -> tuple[str, bool]:
    return _clean(value)


LINE_HEIGHT = 15  # points, for 11 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit
# Characters of 11 pt text per unit of column width, on average: a unit is the width of a digit, most
# letters are narrower. Measured in LibreOffice's print with DejaVu Sans (where Calibri is missing),
# which fits fewest; Excel fits more, so an estimate errs towards white space rather than text cut
# off in print ("per week" of a SMART letter was).
CHARS_PER_UNIT = 1.0


def _lines(text: str, per_line: int) -> int:
    """Lines a wrapped cell takes: words are not broken, so a line holds less than per_line."""
    if len(text) <= per_line and "\n" not in text:
        return 1
    if len(text) <= SHORT:
        return _counted_lines(text, per_line)
    return _count_lines(text, per_line)


@lru_cache(maxsize=4096)
def _counted_lines(text: str, per_line: int) -> int:
    return _count_lines(text, per_line)


def _count_lines(text: str, per_line: int) -> int:
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        if len(paragraph) <= per_line:  # then no word in it is longer than a line either
            continue
        if "  " not in paragraph and paragraph[0] != " " and paragraph[-1] != " ":
            # Words one space apart: each line ends at the last space that fits (str.rfind, far
            # quicker than a word at a time), unless a word is longer than a line.
            start, end = 0, len(paragraph)
            while end - start > per_line:
                cut = paragraph.rfind(" ", start, start + per_line + 1)
                if cut <= start:
                    break
                count += 1
                start = cut + 1
            else:
                continue
            paragraph = paragraph[start:]  # from the long word on, word by word
        used = 0
        for length in map(len, paragraph.split(" ")):
            if used and used + 1 + length > per_line:
                count += 1
                used = 0
            while length > per_line:  # a word longer than the line is broken after all
                count += 1
                length -= per_line
            used += (1 if used else 0) + length
    return count


def _merged_widths(ws, widths: dict) -> dict:
    return {(row, first): sum(widths.get(c, 10) for c in range(first, last + 1))
            for row, first, last in ws.merged}


def fit_row_heights(ws) -> None:
    """Row heights for wrapped text. Neither Excel nor LibreOffice reliably grows a row of a
    workbook they did not save themselves, so long answers would print over the next row; estimate
    the lines instead."""
    measure = _Heights(ws)
    heights = ws.heights
    for row, texts in ws.texts.items():
        height = measure.row(row, texts)
        if height > LINE_HEIGHT:
            heights[row] = min(round(height, 1), MAX_ROW_HEIGHT)


class _Heights:
    """The height a row's texts take, in the columns' widths of a sheet (set before)."""

    def __init__(self, ws):
        self.widths = {col: width or 10 for col, width in ws.widths.items()}
        self.merged = _merged_widths(ws, self.widths)
        self.measures = {}  # (width, font): (characters per line, height of a line)

    def row(self, row: int, texts, height: float = 0.0) -> float:
        """The tallest of `texts` ((column, text, font) each) and `height`."""
        widths, merged, measures = self.widths, self.merged, self.measures
        for col, text, font in texts:
            width = (merged and merged.get((row, col))) or widths.get(col, 10)
            measure = measures.get((width, font))
            if measure is None:
                measure = measures[(width, font)] = self.measure(row, col, font)
            height = _taller(height, text, *measure)
        return height

    def measure(self, row: int, col: int, font) -> tuple[int, float]:
        """(characters per line, height of a line) of a cell."""
        width = (self.merged and self.merged.get((row, col))) or self.widths.get(col, 10)
        size = float(font.size or 11) if font else 11.0
        bold = bool(font and font.bold)
        per_line = max(int((width - 1) * CHARS_PER_UNIT * 11 / size * (0.9 if bold else 1)), 1)
        return per_line, LINE_HEIGHT * size / 11


def _taller(height: float, text: str, per_line: int, line: float) -> float:
    """`height`, or the height `text` takes if that is more."""
    if len(text) <= per_line and "\n" not in text:  # most cells: one line
        return line if line > height else height
    lines = _lines(text, per_line)
    return max(height, lines * line + (3 if lines > 1 else 0))


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", text)[:31]


def plan_workbook(plan, definition, values: dict) -> bytes:
    # The workbook shows the answers alone: not the people, the plan or the names a template may use
    # besides (build_context's), which cost a quarter of the context's time.
    context = {field.key: field_value(field, values[field.key] if field.key in values else field.empty(),
                                      excel=True, pad_tables=False)
               for field in _fields(definition)[0]}
    return write_workbook(definition, context, f"{plan.employee.naam} · POP {plan.period}")


# Column widths (in Excel's units, about a digit each). A is the question, B the answer; a grid's
# columns beyond those take the width their kind needs (ExcelKind.width).
QUESTION_WIDTH, ANSWER_WIDTH = 30, 50
MARK_WIDTH, TICK_WIDTH, EURO_WIDTH, HOURS_WIDTH = 12, 11, 14, 12
# The printable width of A4 with the margins below, in pixels at 96 dpi, and a column's width in
# pixels: Excel draws a unit as 7 pixels (Calibri's digit), LibreOffice without Calibri or Carlito in
# DejaVu Sans as about 9.5. Fitted to the wider, a sheet prints whole in both.
MARGIN = 0.4  # inch, left and right
PX_PER_UNIT = 9.5
PRINTABLE = {"portrait": (8.27 - 2 * MARGIN) * 96, "landscape": (11.69 - 2 * MARGIN) * 96}
# Below this a printout is hard to read (11 pt at 70% is under 8 pt): rather landscape, rather
# narrower columns with more lines, and past that rather a second page across than smaller text.
MIN_SCALE = 0.7
PORTRAIT_MIN_SCALE = 0.8  # a portrait sheet smaller than this prints landscape instead


def _px(width: float) -> float:
    return width * PX_PER_UNIT + 5


class _Sheet:
    """What a sheet needs while it is written: the width each column asks for, and which header row
    to repeat on every printed page."""

    def __init__(self, ws):
        self.ws = ws
        self.needs: dict[int, float] = {}
        self.grid_header = None  # (row, columns) of the widest table
        self.headings: list[int] = []  # rows of a heading only

    def need(self, col: int, width: float) -> None:
        self.needs[col] = max(self.needs.get(col, 0), width)

    def question_answer(self) -> None:
        self.need(1, QUESTION_WIDTH)
        self.need(2, ANSWER_WIDTH)

    def header(self, row: int, columns: int) -> None:
        if columns > 2 and (self.grid_header is None or columns > self.grid_header[1]):
            self.grid_header = (row, columns)


def _heading(sheet: "_Sheet", row: int, text: str, font=BOLD):
    """A heading on a row of its own: it reads across the sheet (merged at the end), not wrapped
    into the width of column A."""
    put(sheet.ws, row, 1, text, font=font)
    sheet.headings.append(row)


def write_workbook(definition, context: dict, page_header: str) -> bytes:
    """The workbook for one plan, from the export context (see exports/context.py). The default
    Excel template is this same workbook written with placeholders for values.

    What does not depend on the answers (labels, headings, styles, widths, the rows without an
    answer) is the same in every plan of a form whose tables have as many rows: it is written once
    per form and shape (_compile), and per plan only the answers' cells and their rows' heights."""
    compiled = _compiled(definition, context)
    workbook = compiled and compiled.write(context, page_header)
    return workbook or _write(definition, context, page_header).save()


def _write(definition, context: dict, page_header: str) -> Workbook:
    wb = Workbook(title=ILLEGAL.sub("", definition.title), creator="POP")
    scales = []
    for index, part in enumerate(definition.parts):
        ws = wb.sheet(_sheet_title(part.nav_title))
        sheet = _Sheet(ws)
        sheet.need(1, 12)  # the Vraag | Antwoord header, on a sheet of nothing else
        sheet.need(2, 12)
        ws.header_right = ILLEGAL.sub("", page_header)
        ws.footer_center = "Pagina &P van &N"
        row = 1
        titles = [part.title]
        if index == 0 and definition.title != part.title:  # the workbook opens with the form's name
            titles = [definition.title, part.title]
        for number, title in enumerate(titles):
            _heading(sheet, row, title, TITLE_FONT if number == 0 else SECTION_FONT)
            row += 1
        put(ws, row, 1, "Vraag", header=True)
        put(ws, row, 2, "Antwoord", header=True)
        header_row = row
        ws.freeze = (row + 1, 1)
        row += 1
        for section in part.sections:
            if section.title != part.title:
                row += 1
                _heading(sheet, row, section.title, SECTION_FONT)
                row += 1
            for field in section.fields:
                row = layout_of(field).write(sheet, row, context[field.key],
                                             label=field.label != section.title)
        scales.append(_page_setup(sheet, definition, header_row))
        fit_row_heights(ws)
    # One scale for the whole workbook: printed at different scales its sheets had different letter
    # sizes from page to page. The smallest a sheet needs, so every sheet still fits its width.
    for ws in wb.sheets:
        ws.page.scale = min(scales)
    return wb


# ---------------------------------------------------------------- a form's sheets, written once

class _Unplannable(Exception):
    """The layout read an answer as more than a cell's value: that shape is written plan by plan."""


def _refuse(self, *args, **kwargs):
    raise _Unplannable


class _Answer:
    """An answer's place while a form's sheets are compiled: put() records where it goes (its cell,
    its look) and the path to it in the context. A layout that reads it any other way (its text, its
    truth, a comparison, an attribute) would write something that differs per plan into the part
    kept for all plans, so every such use raises, and that shape is not compiled."""

    __slots__ = ("path", "slots")

    def __init__(self, path: tuple, slots: list):
        self.path = path
        self.slots = slots

    __bool__ = __str__ = __repr__ = __format__ = __len__ = __iter__ = __contains__ = __getitem__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse
    __int__ = __float__ = __index__ = __round__ = __add__ = __radd__ = __mul__ = __rmul__ = _refuse
    __mod__ = __rmod__ = __sub__ = __rsub__ = __truediv__ = __getattr__ = _refuse


class _Unread(_Answer):
    """A part of a value the compiled sheets may not depend on at all: not even put() takes it."""

    __slots__ = ()


class _Refusing:
    """A container of answers' places that a layout may only index: what it holds besides (its
    keys, its length, its truth) may differ from plan to plan."""

    __iter__ = __len__ = __bool__ = __contains__ = __eq__ = __ne__ = __repr__ = __str__ = _refuse
    keys = values = items = get = copy = setdefault = pop = __or__ = __reduce__ = _refuse


class _Dict(_Refusing, dict):
    pass


class _Group(_Refusing, Group):
    """A Group's parts as answers' places; its text and its truth come from the answers."""

    def __init__(self, parts):
        dict.__init__(self, parts)

    text = filled = property(_refuse)
    __format__ = __html__ = _refuse


def _mirror(value, path: tuple, slots: list):
    """The context value's containers as they are, an _Answer for each answer in them."""
    if isinstance(value, dict):
        parts = {key: _mirror(part, path + (key,), slots) for key, part in dict.items(value)}
        return _Group(parts) if isinstance(value, Group) else _Dict(parts)
    if isinstance(value, list):
        if len(path) > 1:  # a list further in (a cost grid's rows for Word): its length is not in
            return _Unread(path, slots)  # _shape, so a layout that reads it is not compiled
        # A missing row (None) steers the layout (an empty block): its place is part of the shape.
        return [None if part is None else _mirror(part, path + (index,), slots)
                for index, part in enumerate(value)]
    return _Answer(path, slots)


def _shape(value):
    """What of a field's context value the compiled sheets are for: whether it is an answer or a
    container of them, its type then, and of a table its rows' number and types (a missing row is
    None). The containers further in are checked as the answers are looked up (_Compiled.write)."""
    if isinstance(value, list):
        return type(value), len(value), tuple(map(type, value))
    return type(value) if isinstance(value, dict) else None  # an answer, whatever its type


_NESTED = (dict, list)
_COMPILED: dict[tuple, tuple[object, "_Compiled | None"]] = {}
_FIELDS: dict[int, tuple[object, tuple, tuple[str, ...]]] = {}


def _fields(definition) -> tuple[tuple, tuple[str, ...]]:
    """The definition's fields and their keys, in order: made once (definition.fields makes its list
    on every call)."""
    kept = _FIELDS.get(id(definition))
    if kept is None or kept[0] is not definition:
        if len(_FIELDS) >= 64:
            _FIELDS.clear()
        fields = tuple(definition.fields)
        kept = _FIELDS[id(definition)] = (definition, fields, tuple(field.key for field in fields))
    return kept[1], kept[2]


def _compiled(definition, context: dict) -> "_Compiled | None":
    keys = _fields(definition)[1]
    shape = (id(definition), tuple([_shape(context[key]) for key in keys]))
    cached = _COMPILED.get(shape)
    if cached is None or cached[0] is not definition:
        if len(_COMPILED) >= 128:  # a shape per number of rows of each table: not kept for ever
            _COMPILED.clear()
        cached = _COMPILED[shape] = (definition, _compile(definition, {key: context[key] for key in keys}))
    return cached[1]


def _compile(definition, context: dict) -> "_Compiled | None":
    slots: list = []
    try:
        probe = {key: _mirror(value, (key,), slots) for key, value in context.items()}
        compiled = _Compiled(_write(definition, probe, ""), slots)
        compiled.types = list(map(type, compiled.containers_of(context)))
        return compiled
    except Exception:  # noqa: BLE001 - any layout that cannot be compiled is written plan by plan
        return None


# Where a compiled sheet's XML takes a plan's own: U+0000 is in no text of a cell (ILLEGAL).
_ROW, _HEADER = "\x00row\x00", "\x00header\x00"


class _Compiled:
    """A form's workbook for one shape of its answers, without them: its sheets' XML in pieces
    (`template`), None where a plan's own goes: an answer's cell, the opening tag of an answer's row
    (its height follows the answers' text) and the page header."""

    def __init__(self, wb: Workbook, slots: list):
        self.title = wb.title
        # The containers the answers are in, each found in one found before (0: the context itself),
        # so that each is looked up once per plan.
        parents = sorted({path[:-1] for *_, path, _ in slots}, key=len)
        number = {(): 0}
        self.containers = []
        for path in parents:
            for end in range(1, len(path) + 1):
                if path[:end] not in number:
                    number[path[:end]] = len(number)
                    self.containers.append((number[path[:end - 1]], path[end - 1]))
        self.template: list = []  # str while compiling, then bytes
        self.sheets = []  # each sheet's (first, end) in template
        self.rows = []  # the answers' rows: (place in template, number, the tag of a row of one line)
        self.heights = []  # the height each answer row's own text takes
        self.headers = []  # the page header's places in template
        # The answers as put() put them, sheet by sheet (the order their cells' formats are numbered
        # in): where each is found, its cell's place in template, its row, its cell's reference, its
        # look, its format and the formats numbered before it, were every answer a plain one (text
        # not taken for a formula, a number), and the measure of its text.
        self.slots = []
        by_sheet = {id(ws): [] for ws in wb.sheets}
        for ws, row, col, path, look in slots:
            by_sheet[id(ws)].append((row, col, number[path[:-1]], path[-1], look))
        xfs = dict(wb.styles.xfs)
        for ws in wb.sheets:
            places, rows = self._sheet(ws, {(row, col) for row, col, *_ in by_sheet[id(ws)]})
            if len(places) < len(by_sheet[id(ws)]):
                raise _Unplannable  # a cell written twice: which one stays depends on the order
            measure = _Heights(ws)
            for row, col, container, key, (bold, header, number_format, border, font) in by_sheet[id(ws)]:
                if font is None and (bold or header):
                    font = BOLD
                look = (font, HEADER_FILL if header else None, border, number_format)
                before = len(xfs)
                plain = xfs.setdefault((*look, False, True), before)
                self.slots.append((container, key, places[row, col], rows[row],
                                   f'<c r="{get_column_letter(col)}{row}"', look, plain, before,
                                   *measure.measure(row, col, font)))
        # As bytes: encoded once, not with every plan's (a sheet of a "☐" or "–" is UCS-2 as a str).
        self.template = [None if piece is None else piece.encode() for piece in self.template]
        self.tall: dict[tuple[int, float], bytes] = {}  # (row, height): a row's tag of that height
        self.xfs = xfs  # every answer a plain one
        self.styles = styles_part(tuple(xfs))
        self.workbook = wb.workbook_part()

    def _sheet(self, ws, places: set) -> tuple[dict, dict]:
        """The sheet's XML into template; returns each answer cell's place in it and the number of
        each answer's row."""
        if any(col in ws.rows.get(row, ()) for row, col in places):
            raise _Unplannable  # a cell written twice: which one stays depends on the order
        answered: dict[int, set[int]] = {}
        for row, col in places:
            answered.setdefault(row, set(ws.rows.get(row, ()))).add(col)
        every = {row: dict(cells) for row, cells in ws.rows.items()}
        for row, col in places:
            every.setdefault(row, {})[col] = ""
        ws.row_order = [_ROW if row in answered else row_xml(ws, row)
                        for row in sorted(set(ws.rows) | set(ws.heights) | set(answered))]
        ws.dimension, ws.header_right = dimension(every), _HEADER
        head, tail = sheet_xml(ws).split(_HEADER)
        chunks = head.split(_ROW)
        if len(chunks) != len(answered) + 1:
            raise _Unplannable
        template, first = self.template, len(self.template)
        heights = _Heights(ws)
        cells_at, rows = {}, {}
        template.append(chunks[0])
        for row, chunk in zip(sorted(answered), chunks[1:]):
            rows[row] = len(self.rows)
            self.rows.append((len(template), row, row_start(row, None).encode()))
            self.heights.append(heights.row(row, ws.texts.get(row, ())))
            template.append(None)
            cells = ws.rows.get(row, {})
            for col in sorted(answered[row]):
                if col in cells:
                    template.append(cells[col])
                else:
                    cells_at[row, col] = len(template)
                    template.append(None)
            template.append("</row>" + chunk)
        self.headers.append(len(template))
        template.extend((None, tail))
        self.sheets.append((first, len(template)))
        return cells_at, rows

    def containers_of(self, context: dict) -> list:
        found = [context]
        for parent, key in self.containers:
            found.append(found[parent][key])
        return found

    def write(self, context: dict, page_header: str) -> bytes | None:
        """The plan's workbook, or None when its answers are not in containers of the types they
        were in when compiled (a missing key or row: the workbook is written as it is)."""
        try:
            found = self.containers_of(context)
        except (KeyError, IndexError, TypeError):
            return None
        if list(map(type, found)) != self.types:
            return None
        out = self.template.copy()
        heights = self.heights.copy()
        xfs = None  # the formats numbered, once an answer was not a plain one
        for container, key, place, row, ref, look, style, before, per_line, line in self.slots:
            try:
                value = found[container][key]
            except (KeyError, IndexError):
                return None
            if isinstance(value, _NESTED):  # an answer where a container was: another layout
                return None
            # As put() and Sheet.put() write it: text (never a formula), a date with its format.
            if value is None:  # most often: an empty answer
                number_format, quote = look[3], False
            else:
                value, number_format, quote = _as_cell(value, look[3])
            if quote or number_format != look[3] or xfs is not None:
                if xfs is None:
                    xfs = dict(itertools.islice(self.xfs.items(), before))
                key = (*look[:3], number_format, quote, True)
                style = xfs.get(key)
                if style is None:
                    style = xfs[key] = len(xfs)
            out[place] = (ref + cell_tail(style, value)).encode()
            if value is not None and value != "":  # its row's height, as fit_row_heights measures it
                text = value if type(value) is str else shown(value, number_format)
                if len(text) > per_line or "\n" in text:
                    heights[row] = _taller(heights[row], text, per_line, line)
                elif line > heights[row]:
                    heights[row] = line
        tall = self.tall
        for (place, number, tag), height in zip(self.rows, heights):
            if height > LINE_HEIGHT:  # a height counted in whole lines: few of them per row
                tag = tall.get((number, height))
                if tag is None:
                    if len(tall) >= 10_000:
                        tall.clear()
                    tag = tall[number, height] = row_start(number, min(round(height, 1),
                                                                       MAX_ROW_HEIGHT)).encode()
            out[place] = tag
        header = xml_text(ILLEGAL.sub("", page_header)).encode()
        for place in self.headers:
            out[place] = header
        sheets = [package.Part.of(sheet_name(number), b"".join(out[first:end]), package.QUICK)
                  for number, (first, end) in enumerate(self.sheets, start=1)]
        return packaged(sheets, core_part(self.title, "POP"),
                        self.styles if xfs is None else styles_part(tuple(xfs)), self.workbook)


def _page_setup(sheet: _Sheet, definition, header_row: int) -> int:
    """Column widths, orientation and scale so that the sheet prints readable: landscape when it is
    too wide for portrait, columns narrowed rather than the text shrunk below MIN_SCALE, and the
    header of its widest table repeated on every page. Returns the scale (percent) the sheet needs."""
    ws = sheet.ws
    last = max(sheet.needs)
    widths = [sheet.needs.get(col, TICK_WIDTH) for col in range(1, last + 1)]
    total = sum(_px(w) for w in widths)
    orientation = getattr(definition, "orientation", "portrait") or "portrait"
    if orientation != "landscape" and total * PORTRAIT_MIN_SCALE > PRINTABLE["portrait"]:
        orientation = "landscape"
    room = PRINTABLE[orientation] / MIN_SCALE
    floor = 11
    # Narrow the wide columns, down to a floor, rather than shrink the text.
    for _ in range(len(widths)):
        wide = sum(_px(w) for w in widths if w > floor)
        if total <= room or not wide:
            break
        factor = max((room - (total - wide)) / wide, 0.1)
        widths = [max(floor, math.floor(w * factor * 10) / 10) if w > floor else w for w in widths]
        total = sum(_px(w) for w in widths)
    printable = PRINTABLE[orientation]
    if total < printable and sheet.needs.get(2, 0) >= ANSWER_WIDTH:
        # Room to spare (a landscape sheet for its costs table): wider questions and answers, so
        # they take fewer lines.
        spare = (printable - total) / PX_PER_UNIT
        widths[0] += math.floor(spare * 3) / 10
        widths[1] += math.floor(spare * 7) / 10
        total = sum(_px(w) for w in widths)
    for col, width in enumerate(widths, start=1):
        ws.widths[col] = width
    if last > 1:
        for row in sheet.headings:
            ws.merge(row, 1, last)
    # A4, not shrunk to fit the page, without grid lines (writer.py).
    scale = max(int(min(1.0, printable / total) * 100), int(MIN_SCALE * 100))
    # A table that the sheet opens with has its header on every page; one further down would print
    # above the pages before it too, so those sheets repeat the Vraag | Antwoord row.
    grid = sheet.grid_header
    repeat = grid[0] if grid and grid[0] <= header_row + 3 else header_row
    ws.page = PageSetup(orientation=orientation, scale=scale, margin_left_right=MARGIN,
                        print_title_rows=(repeat, repeat))
    return scale


# ---------------------------------------------------------------- each kind's layout

class ExcelKind:
    """How a field kind is written in the default workbook (write_workbook) and in the default Excel
    template (default_template.py), registered per kind's type in `excel_layout`, so that forms/ knows
    nothing of Excel and a new kind adds a registration, not a branch:

        @excel_layout.register(Rating)
        class RatingExcel(ExcelKind):
            width = 14
            def write(self, sheet, row, value, label=True): ...

    A kind nobody registered is written as this class writes any question: its label and, in the
    cell beside it, its answer as the export context holds it (exports/kind_placeholders.py: the kind's
    own as_text), as one column of a table's grid and as one line of a block.

    A form's sheets are written once per shape of its answers (write_workbook): a layout whose cells
    depend on an answer only by putting it in a cell (put(ws, row, col, value[...])) is written per
    plan as those cells alone; one that reads an answer otherwise (its text, its truth, a comparison)
    is written whole for every plan, as before, which is correct but slower."""

    width: float = 20  # its column in a table's grid, in Excel's units (about a digit each)
    number_format: str | None = None

    def __init__(self, field):
        self.field = field

    def write(self, sheet: "_Sheet", row: int, value, label: bool = True) -> int:
        """The question and its context value from `row` on; returns the next free row. label: False
        when the section's heading says it already."""
        sheet.question_answer()
        put(sheet.ws, row, 1, self.field.label, bold=True)
        put(sheet.ws, row, 2, _text(value), number_format=self.number_format)
        return row + 1

    def columns(self) -> list[tuple[str, object, object, float]]:
        """As a column of a table's grid: (heading, how to read its cell from a row, number format,
        width) per column of the sheet it takes."""
        key = self.field.key
        return [(self.field.label, lambda record: _text(record[key]), self.number_format, self.width)]

    def in_block(self, sheet: "_Sheet", row: int, answer) -> int:
        """As a column of a block (a goal, a talk): a question | answer line in a box."""
        put(sheet.ws, row, 1, self.field.label, bold=True, border=BOX)
        put(sheet.ws, row, 2, _text(answer), number_format=self.number_format, border=BOX)
        return row + 1

    def empty(self):
        """An unanswered column of a block, shaped as the context's value of it."""
        return None

    def placeholder(self, path: str, in_grid: bool = False):
        """Its placeholders in the default Excel template, shaped as the context's value, so that the
        default workbook writes itself with placeholders for answers. in_grid: a cell of a grid's row."""
        return _ph(path)


@functools.singledispatch
def excel_layout(field) -> ExcelKind:
    """How this field is written in the default workbook, by the type of its kind."""
    return ExcelKind(field)


_LAYOUTS: dict[int, tuple[object, ExcelKind]] = {}


def layout_of(field) -> ExcelKind:
    """excel_layout(field), made once per field: a workbook is written per plan, and a definition
    lives as long as the process (the field is kept with its id)."""
    cached = _LAYOUTS.get(id(field))
    if cached is None or cached[0] is not field:
        if len(_LAYOUTS) >= 10_000:  # definitions replaced over and over (a worker's): not kept for ever
            _LAYOUTS.clear()
        cached = _LAYOUTS[id(field)] = (field, excel_layout(field))
    return cached[1]


def _ph(path: str) -> str:
    return "{{ " + path + " }}"


# Kinds written as any question, each its column's width in a grid.
DATE_WIDTH = 12
for _kind, _width in ((Text, 20), (LongText, 24), (Date, DATE_WIDTH), (Choice, 18), (Rank, 9), (Check, 11)):
    excel_layout.register(_kind, type(f"{_kind.__name__}Excel", (ExcelKind,), {"width": _width}))


@excel_layout.register(Amount)
class AmountExcel(ExcelKind):
    """Amounts are numbers, in euros or hours by the field's unit."""

    width = 13

    def __init__(self, field):
        super().__init__(field)
        self.number_format = EURO_FORMAT if getattr(field, "unit", "euro") == "euro" else HOURS_FORMAT


class _Rows(ExcelKind):
    """Written as rows of their own under a heading, whether a question or a column of a block."""

    def rows(self, sheet: "_Sheet", row: int, value) -> int:
        raise NotImplementedError

    def write(self, sheet, row, value, label=True):
        sheet.question_answer()
        if label:
            _heading(sheet, row, self.field.label)
            row += 1
        return self.rows(sheet, row, value) + 1

    def in_block(self, sheet, row, answer):
        if not isinstance(answer, dict):
            return super().in_block(sheet, row, answer)
        _heading(sheet, row, self.field.label)
        return self.rows(sheet, row + 1, answer)


@excel_layout.register(Smart)
class SmartExcel(_Rows):
    """A SMART check: a row per letter; in a grid a column per letter."""

    width = 18

    def rows(self, sheet, row, value):
        for key, letter, letter_label, _ in smart_letters(self.field):
            put(sheet.ws, row, 1, f"{letter} – {letter_label}", bold=True, border=BOX)
            put(sheet.ws, row, 2, value[key], border=BOX)
            row += 1
        return row

    def columns(self):
        key = self.field.key
        return [(labelled(self.field.label, f"{letter} – {label}"),
                 lambda record, k=letter_key: record[key][k], None, self.width)
                for letter_key, letter, label, _ in smart_letters(self.field)]

    def empty(self):
        return {key: None for key, *_ in smart_letters(self.field)}

    def placeholder(self, path, in_grid=False):
        return {key: _ph(f"{path}.{key}") for key, *_ in smart_letters(self.field)}


@excel_layout.register(Checklist)
class ChecklistExcel(_Rows):
    """A checklist: one row per item under its group's heading (the item, the note, whether it was
    ticked), so a checklist of any length prints whole, and sorts and filters as a list; in a grid's
    cell its text."""

    width = 40

    def rows(self, sheet, row, value):
        ws = sheet.ws
        for col, heading in enumerate(("Punt", "Notitie", "Afgevinkt"), start=1):
            put(ws, row, col, heading, header=True, border=BOX)
        sheet.need(3, TICK_WIDTH)
        for title, points in checklist_groups(self.field):
            row += 1
            _heading(sheet, row, title)
            for key, text in points:
                row += 1
                put(ws, row, 1, text, border=BOX)
                put(ws, row, 2, value[key]["notitie"], border=BOX)
                put(ws, row, 3, value[key]["af"], border=BOX)
        return row + 1

    def columns(self):
        key = self.field.key
        return [(self.field.label, lambda record: self.text(record[key]), None, self.width)]

    def text(self, value):
        """The checklist in one cell: its groups and items, ticked or not."""
        if not isinstance(value, dict):
            return value  # a template's placeholder
        if isinstance(value, Group) and not value:
            return ""
        lines = []
        for title, points in checklist_groups(self.field):
            lines.append(with_colon(title))
            for key, text in points:
                item = value[key]
                note = item.get("notitie") or ""
                box = CHECKED if item.get("af") else UNCHECKED
                lines.append(f"{box} {text}" + (f" — {note}" if note else ""))
        return "\n".join(lines)

    def empty(self):
        return {key: {"af": None, "notitie": None} for _, points in checklist_groups(self.field)
                for key, _ in points}

    def placeholder(self, path, in_grid=False):
        if in_grid:
            return _ph(path)
        return {key: {"af": _ph(f"{path}.{key}.af"), "notitie": _ph(f"{path}.{key}.notitie")}
                for _, points in checklist_groups(self.field) for key, _ in points}


@excel_layout.register(Costs)
class CostsExcel(ExcelKind):
    """The cost grid: per aspect the money and the hours, the totals under it; in a grid's cell or a
    block its text."""

    def write(self, sheet, row, value, label=True):
        ws, field = sheet.ws, self.field
        if label:
            _heading(sheet, row, field.label)
            row += 1
        grouped = any(r.group for r in field.rows)
        headings = ([getattr(field, "group_heading", "") or "Soort"] if grouped else []) + \
            [getattr(field, "row_heading", "") or "Aspect"] + [h for _, h in field.columns]
        first = 2 if grouped else 1
        sheet.header(row, len(headings))
        for col, heading in enumerate(headings, start=1):
            put(ws, row, col, heading, header=True, border=BOX)
        sheet.need(first, QUESTION_WIDTH)
        sheet.need(first + 1, EURO_WIDTH)
        sheet.need(first + 2, HOURS_WIDTH)
        for spec in field.rows:
            row += 1
            if grouped:
                put(ws, row, 1, spec.group, border=BOX)
            put(ws, row, first, labelled(spec.label, spec.text), border=BOX)
            put(ws, row, first + 1, value[spec.key]["euro"], number_format=EURO_FORMAT, border=BOX)
            put(ws, row, first + 2, value[spec.key]["uren"], number_format=HOURS_FORMAT, border=BOX)
        row += 1
        put(ws, row, first, "Totaal", bold=True, border=BOX)
        put(ws, row, first + 1, value["totaal_euro"], bold=True, number_format=EURO_FORMAT, border=BOX)
        put(ws, row, first + 2, value["totaal_uren"], bold=True, number_format=HOURS_FORMAT, border=BOX)
        return row + 2

    def placeholder(self, path, in_grid=False):
        if in_grid:
            return _ph(path)
        value = {r.key: {c: _ph(f"{path}.{r.key}.{c}") for c in ("euro", "uren")} for r in self.field.rows}
        value.update(totaal_euro=_ph(f"{path}.totaal_euro"), totaal_uren=_ph(f"{path}.totaal_uren"))
        return value


@excel_layout.register(Signature)
class SignatureExcel(ExcelKind):
    """An akkoord line: the name beside the label, the date beside that."""

    def write(self, sheet, row, value, label=True):
        sheet.question_answer()
        put(sheet.ws, row, 1, self.field.label, bold=True)
        put(sheet.ws, row, 2, value["naam"])
        put(sheet.ws, row, 3, value["datum"])
        sheet.need(3, DATE_WIDTH)
        return row + 1

    def placeholder(self, path, in_grid=False):
        return {"naam": _ph(f"{path}.naam"), "datum": _ph(f"{path}.datum")}


@excel_layout.register(Matrix)
class MatrixExcel(ExcelKind):
    """A grid of marks (+/±/–, ja/nee): a row per aspect, a column per moment."""

    def write(self, sheet, row, value, label=True):
        ws, field = sheet.ws, self.field
        headings = ([field.group_heading] if field.group_heading else []) + [field.row_heading] + \
            [h for _, h in field.columns]
        first = len(headings) - len(field.columns)
        sheet.header(row, len(headings))
        for col, heading in enumerate(headings, start=1):
            put(ws, row, col, heading, header=True, border=BOX)
            sheet.need(col, MARK_WIDTH if col > first else QUESTION_WIDTH)
        for spec in field.rows:
            row += 1
            cells = ([spec.group] if field.group_heading else []) + [labelled(spec.label, spec.text)] + \
                [value[spec.key][c] for c, _ in field.columns]
            for col, text in enumerate(cells, start=1):
                put(ws, row, col, text, border=BOX)
        return row + 2

    def placeholder(self, path, in_grid=False):
        return {r.key: {c: _ph(f"{path}.{r.key}.{c}") for c, _ in self.field.columns}
                for r in self.field.rows}


@excel_layout.register(Table)
class TableExcel(ExcelKind):
    """Rows the user adds: a grid, a column per question (as many as each column's kind takes), or
    blocks (goals, progress talks, conversations), one per row, each column a question | answer line
    beneath its title (side by side the columns of a goal made a sheet far too wide to print)."""

    def write(self, sheet, row, value, label=True):
        if self.field.layout == "blocks":
            return self._blocks(sheet, row, value, label)
        ws = sheet.ws
        if label:
            _heading(sheet, row, self.field.label)
            row += 1
        columns = [column for c in self.field.columns for column in layout_of(c).columns()]
        sheet.header(row, len(columns))
        for col, (heading, _, _, width) in enumerate(columns, start=1):
            put(ws, row, col, heading, header=True, border=BOX)
            sheet.need(col, width)
        for record in value:
            row += 1
            for col, (_, read, number_format, _) in enumerate(columns, start=1):
                put(ws, row, col, read(record), number_format=number_format, border=BOX)
        return row + 2

    def _blocks(self, sheet, row, value, label):
        field = self.field
        sheet.question_answer()
        if label and field.label != field.row_title:  # "Doel" above "Doel 1" says nothing
            _heading(sheet, row, field.label)
            row += 1
        title = field.row_title or field.label
        layouts = [(column.key, layout_of(column)) for column in field.columns]
        # No rows yet: one empty block, as the paper's empty lines, so the questions are there to read.
        for number, record in enumerate(value or [None], start=1):
            _heading(sheet, row, f"{title} {number}", SECTION_FONT)
            row += 1
            for key, layout in layouts:
                row = layout.in_block(sheet, row, record[key] if record is not None else layout.empty())
            row += 1
        return row + 1

    def placeholder(self, path, in_grid=False):
        from exports.excel.default_template import TABLE_ROWS

        grid = self.field.layout != "blocks"
        return [{c.key: layout_of(c).placeholder(f"{path}[{i}].{c.key}", in_grid=grid)
                 for c in self.field.columns}
                for i in range(max(self.field.min_rows, TABLE_ROWS))]


def _text(value):
    """A SMART check or checklist in a cell as its text; anything else as it is."""
    return str(value) if isinstance(value, Group) else value


OVERVIEW_COLUMNS = ("Medewerker", "Afdeling", "Functie", "Leidinggevende", "Periode", "Formulier",
                    "Status", "Voortgang", "Ontwikkeldoelen", "Laatste gesprek", "Volgend gesprek",
                    "Akkoord medewerker", "Akkoord leidinggevende", "Gepland (euro)", "Gepland (uren)",
                    "Bijgewerkt")
OVERVIEW_WIDTHS = (22, 16, 18, 20, 9, 14, 11, 26, 44, 12, 12, 13, 13, 11, 10, 15)


def _first_akkoord_of_each_signer(definition, values) -> dict:
    # The columns are the employee's and the manager's akkoord, whatever order the form puts them in.
    signed = {}
    for key in definition.signature_fields:
        signed.setdefault(definition.field(key).signer, values.get(key))
    return signed


def phase_progress(definition, values) -> str:
    """Each part's answered questions of those to answer, as the plan's page counts them: "Fase I 8/10"."""
    from pop.plans import part_progress

    parts = []
    for part in definition.parts:
        answered, total = part_progress(part, values)
        if total:
            parts.append(f"{part.nav_title} {answered}/{total}")
    return "\n".join(parts)


def overview_row(plan, definition, values, today: dt.date | None = None) -> list:
    from pop.rhythm import last_talk, upcoming_talk

    # The next talk: the first planned from today on (the organisation's today, pop/clock.py), not held.
    upcoming = upcoming_talk(plan, definition, values, today or clock.today())

    goals = (values.get(definition.goals_field) or []) if definition.goals_field else []
    goal_column = definition.field(definition.goals_field).columns[0].key if goals else ""
    signed = _first_akkoord_of_each_signer(definition, values)
    return [
        plan.employee.naam, plan.employee.afdeling, plan.employee.functie,
        plan.manager.naam if plan.manager else "", plan.period, definition.short_title,
        plan.status_label, phase_progress(definition, values),
        "\n".join(f"{i}. {g[goal_column]}" for i, g in enumerate(goals, start=1)),
        last_talk(definition, values),
        upcoming.date if upcoming else None,
        *[signed[who]["datum"] if signed.get(who) else None for who in ("employee", "manager")],
        # The totals of the plan's Costs field, kept on the plan (pop/budget.py); None without one.
        plan.costs_euro, plan.costs_uren,
        # Stored in UTC; the sheet shows the organisation's time (an Excel cell has no zone).
        clock.local(plan.updated_at).replace(tzinfo=None) if plan.updated_at else None,
    ]


def overview_workbook(rows) -> bytes:
    """rows: (plan, definition, values) for each plan."""
    overview = Overview()
    for plan, definition, values in rows:
        overview.add(plan, definition, values)
    return overview.save()


class Overview:
    """HR's overview workbook, a row per plan, written as the plans come: a bulk export adds each
    batch's rows while its worker processes render the next batch, not all of them at the end."""

    def __init__(self):
        self.wb = Workbook(creator="POP")
        self.ws = self.wb.sheet("Overzicht POP's")
        for col, heading in enumerate(OVERVIEW_COLUMNS, start=1):
            put(self.ws, 1, col, heading, header=True)
        self.count = 0
        self.amounts = {OVERVIEW_COLUMNS.index("Gepland (euro)") + 1: EURO_FORMAT,
                        OVERVIEW_COLUMNS.index("Gepland (uren)") + 1: HOURS_FORMAT}
        self.today = clock.today()

    def add(self, plan, definition, values) -> None:
        self.count += 1
        for col, value in enumerate(overview_row(plan, definition, values, self.today), start=1):
            put(self.ws, self.count + 1, col, value, number_format=self.amounts.get(col))

    def save(self) -> bytes:
        ws = self.ws
        last = get_column_letter(len(OVERVIEW_COLUMNS))
        ws.auto_filter = f"A1:{last}{self.count + 1}"
        ws.freeze = (2, 2)
        for col, width in enumerate(OVERVIEW_WIDTHS, start=1):
            ws.widths[col] = width
        # Printed on A4 landscape, every column on the page's width (shrunk as far as that takes), the
        # header row on every page.
        total = sum(_px(w) for w in OVERVIEW_WIDTHS)
        scale = max(10, min(100, int(PRINTABLE["landscape"] * 100 / total)))
        ws.page = PageSetup(orientation="landscape", scale=scale, margin_left_right=MARGIN,
                            print_title_rows=(1, 1))
        fit_row_heights(ws)
        return self.wb.save()
