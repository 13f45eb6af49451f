"""The default Excel export of each form prints and reads well (exports/excel/default.py): the demo plan
of every form downloaded over HTTP and read back with openpyxl.

A reviewer printed the workbooks (LibreOffice to PDF) and found sheets shrunk to fit one page wide
(text of 3-4 pt), the conversation checklist crammed into one cell that stopped halfway, SMART cells cut
off, no form title, hours without their unit. Each test here failed on that workbook."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import Client
from export_support import XLSX_MIME, close_database, demo_organisation, use_database
from forms import get_form
from forms.common import CHECKLIST_GROUPS, CHECKLIST_TITLE

FORM_KEYS = ("pop-uitgebreid", "pop-compact", "pop-tabel", "pop-zes-stappen")
# Printable width of A4 with 1 cm margins, in pixels at 96 dpi; a unit of column width drawn as in
# LibreOffice without Calibri (DejaVu Sans), the widest of the programs HR prints with.
A4_PX = {"portrait": (8.27 - 0.8) * 96, "landscape": (11.69 - 0.8) * 96}
PX_PER_UNIT = 9.5
READABLE_SCALE = 70  # percent: 11 pt prints as 7.7 pt


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo organisation (flask demo) in a database of its own: its plan of each form."""
    from pop.demo import DEMO_PASSWORD
    app, plans = demo_organisation(tmp_path_factory.mktemp("xlsx_print"))
    yield dict(app=app, plans=plans, password=DEMO_PASSWORD, clients={}, books={})
    close_database()


@pytest.fixture(autouse=True)
def _db(demo):
    use_database(demo["app"])


def workbook(demo, form_key):
    if form_key not in demo["books"]:
        plan = demo["plans"][form_key]
        if plan["email"] not in demo["clients"]:
            c = Client(demo["app"])
            assert c.login(plan["email"], demo["password"]).status_code == 302
            demo["clients"][plan["email"]] = c
        response = demo["clients"][plan["email"]].get(f"/plans/{plan['id']}/download.xlsx")
        assert response.status_code == 200 and response.mimetype == XLSX_MIME
        demo["books"][form_key] = load_workbook(io.BytesIO(response.data))
    return demo["books"][form_key]


def width(ws, col: int) -> float:
    return ws.column_dimensions[get_column_letter(col)].width or 8.43


def cell_widths(ws) -> dict:
    """The width each filled cell has to show its text in: its column's, or a merged range's."""
    merged = {(r.min_row, r.min_col): sum(width(ws, c) for c in range(r.min_col, r.max_col + 1))
              for r in ws.merged_cells.ranges}
    return {(c.row, c.column): merged.get((c.row, c.column), width(ws, c.column))
            for row in ws.iter_rows() for c in row if c.value not in (None, "")}


def wrapped_lines(text: str, per_line: int) -> int:
    """Lines a wrapped cell takes: a line breaks between words, a word longer than it inside."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split(" "):
            length = len(word)
            if used and used + 1 + length > per_line:
                lines += 1
                used = 0
            while length > per_line:
                lines += 1
                length -= per_line
            used += (1 if used else 0) + length
    return lines


# ---------------------------------------------------------------- the conversation checklist


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_each_checklist_item_of_a_conversation_has_its_own_row_with_note_and_tick(demo, form_key):
    ws = workbook(demo, form_key)["Gesprekken"]
    talks = demo["plans"][form_key]["answers"].get("gesprekken") or []
    column_a = [c.value for c in ws["A"]]
    for number, talk in enumerate(talks, start=1):
        start = column_a.index(f"Gesprek {number}")
        following = f"Gesprek {number + 1}"
        end = column_a.index(following) if following in column_a else len(column_a)
        rows = [[c.value for c in row[:3]] for row in ws.iter_rows(min_row=start + 2, max_row=end)]
        assert CHECKLIST_TITLE in [r[0] for r in rows]
        assert ["Punt", "Notitie", "Afgevinkt"] in rows
        for title, items in CHECKLIST_GROUPS:
            assert title in [r[0] for r in rows], title  # "Na de bijeenkomst", "Do not forget", ...
            for key, text in items:
                answer = talk["checklist"].get(key) or {}
                expected = [text, answer.get("notitie") or None, "ja" if answer.get("af") else None]
                assert expected in rows, (form_key, key, expected)
    if not talks:  # an empty block to fill in, as on paper
        assert "Gesprek 1" in column_a and "Do not forget" in column_a


def test_the_demo_conversations_have_ticks_and_notes(demo):
    # The test above would hold for an empty checklist too.
    talk = demo["plans"]["pop-compact"]["answers"]["gesprekken"][0]["checklist"]
    assert any(a.get("af") for a in talk.values()) and any(a.get("notitie") for a in talk.values())


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_no_label_gets_a_second_mark(demo, form_key):
    texts = [c.value for ws in workbook(demo, form_key) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    doubled = [t for t in texts if any(m in t for m in ("?:", "::", ":?", ".:"))]
    assert not doubled, doubled[:3]


# ---------------------------------------------------------------- printing


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_every_sheet_prints_at_a_readable_size_and_whole_across(demo, form_key):
    for ws in workbook(demo, form_key):
        setup = ws.page_setup
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # no shrinking to fit
        scale = int(setup.scale or 100)
        assert READABLE_SCALE <= scale <= 100, (ws.title, scale)
        last = max(c.column for row in ws.iter_rows() for c in row if c.value not in (None, ""))
        printed = sum(width(ws, c) * PX_PER_UNIT + 5 for c in range(1, last + 1)) * scale / 100
        assert printed <= A4_PX[setup.orientation] + 1, (ws.title, setup.orientation, scale, printed)


def test_the_wide_sheets_print_landscape_with_their_header_on_every_page(demo):
    plan = workbook(demo, "pop-tabel")["Plan"]
    assert plan.page_setup.orientation == "landscape"
    header = next(row for row in plan.iter_rows() if row[0].value == "Ontwikkelingsdoel")
    assert plan.print_title_rows.replace("$", "") == f"{header[0].row}:{header[0].row}"
    assert [c.value for c in header][-1] == "SMART: T – Tijdgebonden"  # all 13 columns on the sheet
    # A portrait form prints a sheet landscape when it is too wide for portrait, not every sheet.
    book = workbook(demo, "pop-uitgebreid")
    assert book["Fase I"].page_setup.orientation == "landscape"
    assert book["Fase IV"].page_setup.orientation == "portrait"


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_wrapped_text_has_the_height_it_needs(demo, form_key):
    for ws in workbook(demo, form_key):
        widths = cell_widths(ws)
        for (row, col), available in widths.items():
            cell = ws.cell(row=row, column=col)
            text = str(cell.value) if not isinstance(cell.value, dt.datetime) else "00-00-0000"
            size = float(cell.font.sz or 11)
            per_line = max(int(available * (0.95 if cell.font.b else 1.05) * 11 / size), 1)
            needed = wrapped_lines(text, per_line) * 14 * size / 11
            height = ws.row_dimensions[row].height or 15
            assert height >= needed, (form_key, ws.title, cell.coordinate, text[:40], height, needed)
            assert height < 409, (ws.title, cell.coordinate)  # Excel's limit: cut off past it
            assert cell.alignment.wrap_text or len(text) * 11 / size <= available, cell.coordinate


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_no_long_text_in_a_narrow_column(demo, form_key):
    for ws in workbook(demo, form_key):
        for (row, col), available in cell_widths(ws).items():
            value = ws.cell(row=row, column=col).value
            if isinstance(value, str) and len(value) > 300:
                assert available >= 40, (ws.title, row, col, len(value), available)


# ---------------------------------------------------------------- the blocks of goals


def test_a_goal_is_a_block_of_question_and_answer_with_its_smart_letters(demo):
    ws = workbook(demo, "pop-zes-stappen")["Stap 4"]
    goal = demo["plans"]["pop-zes-stappen"]["answers"]["leerdoelen"][0]
    column_a = [c.value for c in ws["A"]]
    start = column_a.index("Leerdoel 1") + 1
    assert ws.cell(row=start + 1, column=2).value == goal["leerdoel"]
    rows = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
            for r in range(start + 1, start + 9)}
    assert rows["M – Meetbaar"] == goal["smart"]["m"] and rows["M – Meetbaar"].endswith("per week.")
    assert rows["T – Tijdsgebonden"] == goal["smart"]["t"]
    assert max(c.column for row in ws.iter_rows(max_row=start + 8) for c in row if c.value) == 2


# ---------------------------------------------------------------- title, properties, amounts


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_the_workbook_opens_with_the_forms_title(demo, form_key):
    book = workbook(demo, form_key)
    definition = get_form(form_key)
    assert book.worksheets[0]["A1"].value == definition.title
    assert definition.parts[0].title in [c.value for c in book.worksheets[0]["A"][:3]]
    assert len(book.worksheets) == len(definition.parts)
    assert book.properties.title == definition.title
    assert book.properties.creator == "POP" and "openpyxl" not in (book.properties.lastModifiedBy or "")


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_amounts_are_numbers_shown_with_their_unit(demo, form_key):
    definition = get_form(form_key)
    costs = definition.field(definition.costs_field)
    part = next(p for p in definition.parts if costs in p.fields)
    ws = workbook(demo, form_key)[part.nav_title]
    total = next(row for row in ws.iter_rows() if any(c.value == "Totaal" for c in row[:2]))
    first = 2 if any(r.group for r in costs.rows) else 1
    euro, hours = total[first], total[first + 1]
    assert isinstance(hours.value, (int, float)) and hours.value > 0
    assert '"uur"' in hours.number_format.replace('" uur"', '"uur"') and "0.0" not in hours.number_format
    assert hours.number_format.startswith("General")  # 24 as "24 uur", 12.5 as "12,5 uur"
    if euro.value is not None:
        assert isinstance(euro.value, (int, float))
    assert "€" in euro.number_format and "#,##0.00" in euro.number_format
