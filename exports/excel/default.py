"""Excel workbooks from the form definition: one per plan (a sheet per phase, question | answer, tables
as tables, dates as dates) and the HR overview (a row per plan, with filters and a frozen header)."""
from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from openpyxl.utils import get_column_letter

from forms.kinds import Matrix, Signature, Table
from pop import clock

from exports.context import (CHECKED, UNCHECKED, Group, build_context, checklist_groups, labelled,
                      smart_letters, with_colon)
from exports.excel.writer import Border, Fill, Font, PageSetup, Workbook
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
    quote = False
    if isinstance(value, str):
        # str(): a chosen mark (context.Mark) hashes and compares by its Dutch reading, slowly; as a
        # cell it is only its text.
        value, quote = _cleaned(str(value)) if len(value) <= SHORT else _clean(value)
    elif isinstance(value, dt.datetime):
        number_format = number_format or "DD-MM-YYYY HH:MM"
    elif isinstance(value, dt.date):
        number_format = number_format or DATE_FORMAT
    # number_format also on a template's placeholder cell: the number put there takes it.
    if font is None and (bold or header):
        font = BOLD
    ws.put(row, col, value, font, HEADER_FILL if header else None, border, number_format, quote)


def _clean(value: str) -> tuple[str, bool]:
    """The text as a cell holds it, and whether Excel must show it as typed (quotePrefix), not
    evaluate it, on opening or on edit."""
    value = ILLEGAL.sub("", value)
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
    widths = {col: width or 10 for col, width in ws.widths.items()}
    merged = _merged_widths(ws, widths)
    measures = {}  # (width, font): (characters per line, height of a line)
    heights = ws.heights
    for row, texts in ws.texts.items():
        height = 0.0
        for col, text, font in texts:
            width = (merged and merged.get((row, col))) or widths.get(col, 10)
            measure = measures.get((width, font))
            if measure is None:
                size = float(font.size or 11) if font else 11.0
                bold = bool(font and font.bold)
                per_line = max(int((width - 1) * CHARS_PER_UNIT * 11 / size * (0.9 if bold else 1)), 1)
                measure = measures[(width, font)] = (per_line, LINE_HEIGHT * size / 11)
            per_line, line = measure
            if len(text) <= per_line and "\n" not in text:  # most cells: one line
                if line > height:
                    height = line
                continue
            lines = _lines(text, per_line)
            height = max(height, lines * line + (3 if lines > 1 else 0))
        if height > LINE_HEIGHT:
            heights[row] = min(round(height, 1), MAX_ROW_HEIGHT)


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", text)[:31]


def plan_workbook(plan, definition, values: dict) -> bytes:
    context = build_context(plan, definition, values, excel=True, pad_tables=False)
    return write_workbook(definition, context, f"{plan.employee.naam} · POP {plan.period}")


# Column widths (in Excel's units, about a digit each). A is the question, B the answer; a grid's
# columns beyond those take the width their kind needs.
QUESTION_WIDTH, ANSWER_WIDTH = 30, 50
KIND_WIDTH = {"longtext": 24, "text": 20, "date": 12, "choice": 18, "rank": 9, "amount": 13,
              "check": 11, "smart": 18, "checklist": 40}
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
    Excel template is this same workbook written with placeholders for values."""
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
                row = _write_field(sheet, row, field, context[field.key],
                                   label=field.label != section.title)
        scales.append(_page_setup(sheet, definition, header_row))
        fit_row_heights(ws)
    # One scale for the whole workbook: printed at different scales its sheets had different letter
    # sizes from page to page. The smallest a sheet needs, so every sheet still fits its width.
    for ws in wb.sheets:
        ws.page.scale = min(scales)
    return wb.save()


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


def _amount_format(field) -> str | None:
    if field.kind != "amount":
        return None
    return EURO_FORMAT if getattr(field, "unit", "euro") == "euro" else HOURS_FORMAT


def _table_columns(field) -> list[tuple[str, object, object, float]]:
    """(heading, how to read the cell from a row, number format, width) per column of the sheet: a
    SMART check takes a column per letter, a checklist one column with its text."""
    out = []
    for column in field.columns:
        if column.kind == "smart":
            for key, letter, label, _ in smart_letters(column):
                out.append((labelled(column.label, f"{letter} – {label}"),
                            lambda record, c=column.key, k=key: record[c][k], None, KIND_WIDTH["smart"]))
        elif column.kind == "checklist":
            out.append((column.label, lambda record, c=column: _checklist_text(c, record[c.key]), None,
                        KIND_WIDTH["checklist"]))
        else:
            out.append((column.label, lambda record, c=column.key: record[c], _amount_format(column),
                        KIND_WIDTH.get(column.kind, 20)))
    return out


def _write_field(sheet: _Sheet, row, field, value, label=True) -> int:
    """Write one question's context value from `row` on; returns the next free row."""
    ws = sheet.ws
    if isinstance(field, Table) and field.layout == "blocks":
        return _write_blocks(sheet, row, field, value, label)
    if isinstance(field, Table):
        if label:
            _heading(sheet, row, field.label)
            row += 1
        columns = _table_columns(field)
        sheet.header(row, len(columns))
        for col, (heading, _, _, width) in enumerate(columns, start=1):
            put(ws, row, col, heading, header=True, border=BOX)
            sheet.need(col, width)
        for record in value:
            row += 1
            for col, (_, read, number_format, _) in enumerate(columns, start=1):
                put(ws, row, col, _text(read(record)), number_format=number_format, border=BOX)
        return row + 2
    if isinstance(field, Matrix):
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
    if field.kind == "costs":
        return _write_costs(sheet, row, field, value, label)
    if field.kind in _LISTS:
        sheet.question_answer()
        if label:
            _heading(sheet, row, field.label)
            row += 1
        return _LISTS[field.kind](sheet, row, field, value) + 1
    sheet.question_answer()
    if isinstance(field, Signature):
        put(ws, row, 1, field.label, bold=True)
        put(ws, row, 2, value["naam"])
        put(ws, row, 3, value["datum"])
        sheet.need(3, KIND_WIDTH["date"])
        return row + 1
    put(ws, row, 1, field.label, bold=True)
    put(ws, row, 2, _text(value), number_format=_amount_format(field))
    return row + 1


def _write_smart(sheet: _Sheet, row, field, value) -> int:
    ws = sheet.ws
    for key, letter, letter_label, _ in smart_letters(field):
        put(ws, row, 1, f"{letter} – {letter_label}", bold=True, border=BOX)
        put(ws, row, 2, value[key], border=BOX)
        row += 1
    return row


def _write_checklist(sheet: _Sheet, row, field, value) -> int:
    """One row per item under its group's heading: the item, the note, whether it was ticked. So a
    checklist of any length prints whole, and sorts and filters as a list."""
    ws = sheet.ws
    for col, heading in enumerate(("Punt", "Notitie", "Afgevinkt"), start=1):
        put(ws, row, col, heading, header=True, border=BOX)
    sheet.need(3, TICK_WIDTH)
    for title, points in checklist_groups(field):
        row += 1
        _heading(sheet, row, title)
        for key, text in points:
            row += 1
            put(ws, row, 1, text, border=BOX)
            put(ws, row, 2, value[key]["notitie"], border=BOX)
            put(ws, row, 3, value[key]["af"], border=BOX)
    return row + 1


# Kinds written as rows of their own under a heading, whether a question or a column of a block.
_LISTS = {"smart": _write_smart, "checklist": _write_checklist}


def _write_blocks(sheet: _Sheet, row, field, value, label) -> int:
    """A table of blocks (goals, progress talks, conversations) as on the page and in Word: one
    block per row, each column a question | answer line beneath its title. Side by side the columns
    of a goal made a sheet far too wide to print."""
    ws = sheet.ws
    sheet.question_answer()
    if label and field.label != field.row_title:  # "Doel" above "Doel 1" says nothing
        _heading(sheet, row, field.label)
        row += 1
    title = field.row_title or field.label
    # No rows yet: one empty block, as the paper's empty lines, so the questions are there to read.
    for number, record in enumerate(value or [None], start=1):
        _heading(sheet, row, f"{title} {number}", SECTION_FONT)
        row += 1
        for column in field.columns:
            answer = record[column.key] if record is not None else _empty(column)
            if column.kind in _LISTS and isinstance(answer, dict):
                _heading(sheet, row, column.label)
                row = _LISTS[column.kind](sheet, row + 1, column, answer)
            else:
                put(ws, row, 1, column.label, bold=True, border=BOX)
                put(ws, row, 2, _text(answer), number_format=_amount_format(column), border=BOX)
                row += 1
        row += 1
    return row + 1


def _empty(column):
    """An unanswered column, shaped as the context's value of it."""
    if column.kind == "smart":
        return {key: None for key, *_ in smart_letters(column)}
    if column.kind == "checklist":
        return {key: {"af": None, "notitie": None} for _, points in checklist_groups(column)
                for key, _ in points}
    return None


def _checklist_text(field, value):
    """A checklist in one cell (a column of a grid): its groups and items, ticked or not."""
    if not isinstance(value, dict):
        return value  # a template's placeholder
    if isinstance(value, Group) and not value:
        return ""
    lines = []
    for title, points in checklist_groups(field):
        lines.append(with_colon(title))
        for key, text in points:
            item = value[key]
            note = item.get("notitie") or ""
            box = CHECKED if item.get("af") else UNCHECKED
            lines.append(f"{box} {text}" + (f" — {note}" if note else ""))
    return "\n".join(lines)


def _text(value):
    """A SMART check or checklist in a cell as its text; anything else as it is."""
    return str(value) if isinstance(value, Group) else value


def _write_costs(sheet: _Sheet, row, field, value, label) -> int:
    ws = sheet.ws
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
