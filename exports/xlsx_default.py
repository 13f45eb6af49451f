"""Excel workbooks from the form definition: one per plan (a sheet per phase, question | answer, tables
as tables, dates as dates) and the HR overview (a row per plan, with filters and a frozen header)."""
from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from forms.kinds import Matrix, Signature, Table

from .context import Group, build_context, checklist_groups, smart_letters
from .docx_engine import INVALID_XML_CHARS

# A cell starting with one of these is taken as a formula by Excel (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow (the same rule as for Word): openpyxl refuses to save them, so one
# answer holding U+FFFF made the plan's workbook and HR's whole bulk export fail.
ILLEGAL = INVALID_XML_CHARS
DATE_FORMAT = "DD-MM-YYYY"
# Amounts are numbers, so HR can add them up; Excel shows them the way its language does (in Dutch:
# € 1.250,50 and 12,5).
EURO_FORMAT = '"€" #,##0.00'
HOURS_FORMAT = "#,##0.0#"
HEADER_FILL = PatternFill("solid", fgColor="E8EEF3")
FONT = "Calibri"  # the workbook's own default; a Font without a name falls back to a serif face
BOLD = Font(name=FONT, bold=True)
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="174A6D")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color="174A6D")
THIN = Side(style="thin", color="B8C2CC")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


MAX_CELL = 32767


def set_value(cell, value) -> None:
    """Text is always text, never a formula, whatever it starts with; dates are real dates."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value)
        if len(value) > MAX_CELL:  # Excel's own limit; past it Excel "repairs" the whole file
            value = value[:MAX_CELL - 1] + "…"
        cell.value = value
        if value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True  # Excel shows it as typed and will not evaluate it on edit either
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = "DD-MM-YYYY HH:MM"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value


def put(ws, row: int, col: int, value, bold=False, header=False, number_format=None):
    cell = ws.cell(row=row, column=col)
    set_value(cell, value)
    if number_format:  # also on a template's placeholder cell: the number put there takes it
        cell.number_format = number_format
    cell.alignment = WRAP
    if bold or header:
        cell.font = BOLD
    if header:
        cell.fill = HEADER_FILL
    return cell


LINE_HEIGHT = 15  # points, for 11 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit


def fit_row_heights(ws) -> None:
    """Row heights for wrapped text. Neither Excel nor LibreOffice reliably grows a row that
    openpyxl wrote, so long answers would print over the next row; estimate the lines instead."""
    widths = {}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            letter = cell.column_letter
            if letter not in widths:
                widths[letter] = ws.column_dimensions[letter].width or 10
            per_line = max(int(widths[letter] * 1.1), 1)  # characters that fit, roughly
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", text)[:31]


def plan_workbook(plan, definition, values: dict) -> bytes:
    context = build_context(plan, definition, values, excel=True, pad_tables=False)
    return write_workbook(definition, context, f"{plan.employee.naam} · POP {plan.period}")


def write_workbook(definition, context: dict, page_header: str) -> bytes:
    """The workbook for one plan, from the export context (see exports/context.py). The default
    Excel template is this same workbook written with placeholders for values."""
    wb = Workbook()
    wb.remove(wb.active)
    for part in definition.parts:
        ws = wb.create_sheet(_sheet_title(part.nav_title))
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = getattr(definition, "orientation", "portrait") or "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.oddHeader.right.text = ILLEGAL.sub("", page_header)
        ws.oddFooter.center.text = "Pagina &P van &N"
        put(ws, 1, 1, part.title).font = TITLE_FONT
        put(ws, 2, 1, "Vraag", header=True)
        put(ws, 2, 2, "Antwoord", header=True)
        ws.freeze_panes = "A3"
        row = 3
        widest = 2
        for section in part.sections:
            if section.title != part.title:
                row += 1
                put(ws, row, 1, section.title).font = SECTION_FONT
                row += 1
            for field in section.fields:
                row, width = _write_field(ws, row, field, context[field.key],
                                          label=field.label != section.title)
                widest = max(widest, width)
        ws.column_dimensions["A"].width = 48
        ws.column_dimensions["B"].width = 60
        for col in range(3, widest + 1):
            ws.column_dimensions[get_column_letter(col)].width = 22
        fit_row_heights(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _amount_format(field) -> str | None:
    if field.kind != "amount":
        return None
    return EURO_FORMAT if getattr(field, "unit", "euro") == "euro" else HOURS_FORMAT


def _table_columns(field) -> list[tuple[str, object]]:
    """(heading, how to read the cell from a row) per column of the sheet: a SMART check takes a
    column per letter, a checklist one column with its text."""
    out = []
    for column in field.columns:
        if column.kind == "smart":
            for key, letter, label, _ in smart_letters(column):
                out.append((f"{column.label}: {letter} – {label}",
                            lambda record, c=column.key, k=key: record[c][k], None))
        else:
            out.append((column.label, lambda record, c=column.key: record[c], _amount_format(column)))
    return out


def _write_field(ws, row, field, value, label=True) -> tuple[int, int]:
    """Write one question's context value from `row` on; returns the next free row and the number
    of columns used."""
    if isinstance(field, Table):
        if label:
            put(ws, row, 1, field.label, bold=True)
            row += 1
        columns = _table_columns(field)
        for col, (heading, _, _) in enumerate(columns, start=1):
            put(ws, row, col, heading, header=True).border = BOX
        for record in value:
            row += 1
            for col, (_, read, number_format) in enumerate(columns, start=1):
                put(ws, row, col, _text(read(record)), number_format=number_format).border = BOX
        return row + 2, len(columns)
    if isinstance(field, Matrix):
        headings = ([field.group_heading] if field.group_heading else []) + [field.row_heading] + \
            [h for _, h in field.columns]
        for col, heading in enumerate(headings, start=1):
            put(ws, row, col, heading, header=True).border = BOX
        for spec in field.rows:
            row += 1
            cells = ([spec.group] if field.group_heading else []) + \
                [f"{spec.label}: {spec.text}" if spec.text else spec.label] + \
                [value[spec.key][c] for c, _ in field.columns]
            for col, text in enumerate(cells, start=1):
                put(ws, row, col, text).border = BOX
        return row + 2, len(headings)
    if field.kind == "costs":
        return _write_costs(ws, row, field, value, label)
    if field.kind == "smart":
        if label:
            put(ws, row, 1, field.label, bold=True)
            row += 1
        for key, letter, letter_label, _ in smart_letters(field):
            put(ws, row, 1, f"{letter} – {letter_label}", bold=True).border = BOX
            put(ws, row, 2, value[key]).border = BOX
            row += 1
        return row + 1, 2
    if field.kind == "checklist":
        if label:
            put(ws, row, 1, field.label, bold=True)
            row += 1
        for col, heading in enumerate(("Punt", "Gedaan", "Notitie"), start=1):
            put(ws, row, col, heading, header=True).border = BOX
        for title, points in checklist_groups(field):
            row += 1
            put(ws, row, 1, title, bold=True)
            for key, text in points:
                row += 1
                put(ws, row, 1, text).border = BOX
                put(ws, row, 2, value[key]["af"]).border = BOX
                put(ws, row, 3, value[key]["notitie"]).border = BOX
        return row + 2, 3
    if isinstance(field, Signature):
        put(ws, row, 1, field.label, bold=True)
        put(ws, row, 2, value["naam"])
        put(ws, row, 3, value["datum"])
        return row + 1, 3
    put(ws, row, 1, field.label, bold=True)
    put(ws, row, 2, _text(value), number_format=_amount_format(field))
    return row + 1, 2


def _text(value):
    """A SMART check or checklist in a cell as its text; anything else as it is."""
    return str(value) if isinstance(value, Group) else value


def _write_costs(ws, row, field, value, label) -> tuple[int, int]:
    if label:
        put(ws, row, 1, field.label, bold=True)
        row += 1
    grouped = any(r.group for r in field.rows)
    headings = ([getattr(field, "group_heading", "") or "Soort"] if grouped else []) + \
        [getattr(field, "row_heading", "") or "Aspect"] + [h for _, h in field.columns]
    for col, heading in enumerate(headings, start=1):
        put(ws, row, col, heading, header=True).border = BOX
    first = 2 if grouped else 1
    for spec in field.rows:
        row += 1
        if grouped:
            put(ws, row, 1, spec.group).border = BOX
        put(ws, row, first, f"{spec.label}: {spec.text}" if spec.text else spec.label).border = BOX
        put(ws, row, first + 1, value[spec.key]["euro"], number_format=EURO_FORMAT).border = BOX
        put(ws, row, first + 2, value[spec.key]["uren"], number_format=HOURS_FORMAT).border = BOX
    row += 1
    put(ws, row, first, "Totaal", bold=True).border = BOX
    put(ws, row, first + 1, value["totaal_euro"], bold=True, number_format=EURO_FORMAT).border = BOX
    put(ws, row, first + 2, value["totaal_uren"], bold=True, number_format=HOURS_FORMAT).border = BOX
    return row + 2, len(headings)


OVERVIEW_COLUMNS = ("Medewerker", "Afdeling", "Functie", "Leidinggevende", "Periode", "Formulier",
                    "Status", "Ontwikkeldoelen", "Volgend gesprek", "Akkoord medewerker",
                    "Akkoord leidinggevende", "Bijgewerkt")


def _first_akkoord_of_each_signer(definition, values) -> dict:
    # The columns are the employee's and the manager's akkoord, whatever order the form puts them in.
    signed = {}
    for key in definition.signature_fields:
        signed.setdefault(definition.field(key).signer, values.get(key))
    return signed


def overview_row(plan, definition, values) -> list:
    goals = (values.get(definition.goals_field) or []) if definition.goals_field else []
    goal_column = definition.field(definition.goals_field).columns[0].key if goals else ""
    signed = _first_akkoord_of_each_signer(definition, values)
    return [
        plan.employee.naam, plan.employee.afdeling, plan.employee.functie,
        plan.manager.naam if plan.manager else "", plan.period, definition.short_title,
        plan.status_label,
        "\n".join(f"{i}. {g[goal_column]}" for i, g in enumerate(goals, start=1)),
        values.get(definition.next_talk_field) if definition.next_talk_field else None,
        *[signed[who]["datum"] if signed.get(who) else None for who in ("employee", "manager")],
        plan.updated_at,
    ]


def overview_workbook(rows) -> bytes:
    """rows: (plan, definition, values) for each plan."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Overzicht POP's"
    for col, heading in enumerate(OVERVIEW_COLUMNS, start=1):
        put(ws, 1, col, heading, header=True)
    count = 0
    for count, (plan, definition, values) in enumerate(rows, start=1):
        for col, value in enumerate(overview_row(plan, definition, values), start=1):
            put(ws, count + 1, col, value)
    last = get_column_letter(len(OVERVIEW_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    ws.freeze_panes = "B2"
    widths = (24, 18, 22, 22, 10, 18, 11, 60, 15, 18, 20, 17)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_row_heights(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
