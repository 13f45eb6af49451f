"""Our own .xlsx writer (exports/excel/writer.py) and package writer (exports/package.py), read back by
openpyxl and zipfile; and the quick way of counting a wrapped cell's lines, against the rule it
stands for (exports/excel/default.py). The workbooks of every form are checked cell by cell in
tests/test_exports_xlsx.py and tests/test_xlsx_print.py."""
from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from exports import package
from exports.excel import default
from exports.excel.writer import Border, Fill, Font, PageSetup, Workbook


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_values_read_back_as_they_were_put():
    wb = Workbook(title="Titel & <meer>", creator="POP")
    ws = wb.sheet("Blad")
    values = ["gewoon", "  spaties eromheen  ", "regel\r\nregel\ttab", "=1+1", "", None, 12, 2.5,
              Decimal("1250.50"), True, False, dt.date(2026, 3, 4), dt.datetime(2026, 3, 4, 13, 45)]
    for row, value in enumerate(values, start=1):
        default.put(ws, row, 1, value, border=default.BOX)
    book = read(wb.save())
    assert (book.properties.title, book.properties.creator) == ("Titel & <meer>", "POP")
    sheet = book["Blad"]
    got = [sheet.cell(row=row, column=1).value for row in range(1, len(values) + 1)]
    assert got[:4] == ["gewoon", "  spaties eromheen  ", "regel\r\nregel\ttab", "=1+1"]
    assert got[4:6] == [None, None]  # an empty text is an empty cell, as openpyxl wrote it
    assert got[6:11] == [12, 2.5, 1250.5, True, False]
    assert got[11:] == [dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 4, 13, 45)]
    assert sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix  # text, shown as typed
    assert not sheet["A1"].quotePrefix
    assert sheet["A12"].number_format == "DD-MM-YYYY" and sheet["A12"].is_date
    assert sheet["A13"].number_format == "DD-MM-YYYY HH:MM"
    assert sheet["A6"].border.left.style == "thin"  # an empty cell keeps its style


def test_styles_layout_and_print_settings_read_back():
    wb = Workbook(title="T", creator="POP")
    ws = wb.sheet("Fase I")
    ws.put(1, 1, "Kop", font=Font(bold=True, size=14, color="174A6D"))
    ws.put(2, 1, "Vraag", font=Font(bold=True), fill=Fill("E8EEF3"), border=Border("B8C2CC"))
    ws.put(2, 2, 3, number_format='"€" #,##0.00')
    ws.merge(1, 1, 3)
    ws.widths.update({1: 30, 2: 45.2})
    ws.heights[1] = 19.1
    ws.freeze = (3, 1)
    ws.header_right = "Eva · POP 2026"
    ws.footer_center = "Pagina &P van &N"
    ws.page = PageSetup(orientation="landscape", scale=70, margin_left_right=0.4, print_title_rows=(2, 2))
    overview = wb.sheet("Fase I")  # the same name again: numbered, as openpyxl does
    overview.put(1, 1, "Medewerker")
    overview.put(2, 1, "Eva")
    overview.auto_filter = "A1:A2"
    overview.freeze = (2, 2)
    book = read(wb.save())
    assert book.sheetnames == ["Fase I", "Fase I1"]
    sheet = book["Fase I"]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14 and sheet["A1"].font.color.rgb == "00174A6D"
    assert sheet["A2"].fill.fgColor.rgb == "00E8EEF3" and sheet["A2"].border.bottom.color.rgb == "00B8C2CC"
    assert sheet["A2"].alignment.wrap_text and sheet["A2"].alignment.vertical == "top"
    assert sheet["B2"].number_format == '"€" #,##0.00'
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (30, 45.2)
    assert sheet.row_dimensions[1].height == 19.1
    assert sheet.freeze_panes == "A3"
    assert sheet.oddHeader.right.text == "Eva · POP 2026"
    assert sheet.oddFooter.center.text == "Pagina &P van &N"
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize), int(sheet.page_setup.scale)) \
        == ("landscape", 9, 70)
    assert sheet.page_margins.left == sheet.page_margins.right == 0.4
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and not sheet.print_options.gridLines
    assert sheet.print_title_rows == "$2:$2"
    other = book["Fase I1"]
    assert other.auto_filter.ref == "A1:A2" and other.freeze_panes == "B2"


def test_a_value_excel_cannot_hold_is_refused_not_written_wrongly():
    ws = Workbook().sheet("Blad")
    for bad in (object(), dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)):
        try:
            ws.put(1, 1, bad)
        except (TypeError, ValueError):
            continue
        raise AssertionError(f"{bad!r} was written")


def test_the_package_is_a_zip_any_reader_opens():
    parts = [package.Part.of("[Content_Types].xml", b"<Types/>"),
             package.Part.of("word/document.xml", "<w>é</w>".encode() * 1000),
             package.Part.of("map/naïef.xml", b""),  # a UTF-8 name, flagged as zipfile does
             package.Part.of("leeg.xml", b"")]
    data = package.write(parts)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["[Content_Types].xml", "word/document.xml", "map/naïef.xml",
                                      "leeg.xml"]
        assert archive.read("word/document.xml") == "<w>é</w>".encode() * 1000
        assert archive.getinfo("map/naïef.xml").flag_bits & 0x800
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())


def slow_lines(text: str, per_line: int) -> int:
    """The rule, a word at a time, as exports/excel/default.py wrote it first."""
    count = 0
    for paragraph in text.split("\n"):
        used = 0
        count += 1
        for word in paragraph.split(" "):
            length = len(word)
            if used and used + 1 + length > per_line:
                count += 1
                used = 0
            while length > per_line:
                count += 1
                length -= per_line
            used += (1 if used else 0) + length
    return count


def test_counting_lines_quickly_gives_the_rules_count():
    rng = random.Random(18)
    words = ["a", "bb", "cccc", "dddddd", "ééé", "x" * 12, "y" * 30, "\t", "\r"]
    breaks = [" ", " ", " ", " ", "  ", "\n", "\n\n", " \n", "\n "]
    for _ in range(3000):
        chosen = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        text = "".join(w + rng.choice(breaks) for w in chosen)
        text = rng.choice(["", " ", "\n"]) + text + " " * rng.choice([0, 0, 1, 5])
        per_line = rng.randint(1, 25)
        assert default._count_lines(text, per_line) == slow_lines(text, per_line), (text, per_line)
