"""The places to write in a blank Excel form, and writing the placeholders into them.

A label cell with an empty cell to its right (or, when nothing is to its right, below it); a header row
over empty rows, naming the columns of one of the form's tables; a cell with a tick box before an
option word. Bold single cells without a colon are headings: they say whose "Naam:" follows.

Found with openpyxl (values, fonts, merged cells), written at the XML level like every Excel template
(exports/excel/template.py): openpyxl would drop shapes and x14 validations on saving.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from exports.excel.template import SAFE_PARSER
from .match import ANSWER, ROWS, TICK, Place
from .word import BOX, FILL, Spot, _label, _short

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_ROWS = 2000  # a form is a page or two; further rows are not read for places
MAX_TABLE_ROWS = 60


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class Sheets:
    """The workbook's sheet parts, parsed once, written back with the placeholders."""

    def __init__(self, data: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = etree.fromstring(self.archive.read("xl/workbook.xml"), SAFE_PARSER)
        rels = etree.fromstring(self.archive.read("xl/_rels/workbook.xml.rels"), SAFE_PARSER)
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL}}}Relationship")}
        self.parts: dict[str, str] = {}
        for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
            target = targets.get(sheet.get(f"{{{REL}}}id"), "")
            self.parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
        self.roots: dict[str, object] = {}

    def set(self, sheet: str, row: int, column: int, text: str) -> None:
        part = self.parts[sheet]
        if part not in self.roots:
            self.roots[part] = etree.fromstring(self.archive.read(part), SAFE_PARSER)
        data = self.roots[part].find(f"{{{MAIN}}}sheetData")
        row_element = next((r for r in data.findall(f"{{{MAIN}}}row") if int(r.get("r")) == row), None)
        if row_element is None:
            row_element = etree.Element(f"{{{MAIN}}}row", r=str(row))
            later = next((r for r in data.findall(f"{{{MAIN}}}row") if int(r.get("r")) > row), None)
            later.addprevious(row_element) if later is not None else data.append(row_element)
        ref = f"{get_column_letter(column)}{row}"
        cell = next((c for c in row_element.findall(f"{{{MAIN}}}c") if c.get("r") == ref), None)
        if cell is None:
            cell = etree.Element(f"{{{MAIN}}}c", r=ref)
            later = next((c for c in row_element.findall(f"{{{MAIN}}}c")
                          if _column_of(c.get("r")) > column), None)
            later.addprevious(cell) if later is not None else row_element.append(cell)
        for child in list(cell):
            cell.remove(child)
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, f"{{{MAIN}}}is")
        t = etree.SubElement(inline, f"{{{MAIN}}}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def save(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.archive.infolist():
                content = self.archive.read(info.filename)
                if info.filename in self.roots:
                    content = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
                               etree.tostring(self.roots[info.filename], encoding="UTF-8"))
                target.writestr(info, content)
        return out.getvalue()


def _column_of(ref: str) -> int:
    letters = "".join(c for c in ref if c.isalpha())
    n = 0
    for c in letters:
        n = n * 26 + ord(c.upper()) - 64
    return n


def walk(data: bytes, likely_question, likely_rows):
    book = load_workbook(io.BytesIO(data), rich_text=False)
    sheets = Sheets(data)
    spots: list[Spot] = []
    for ws in book.worksheets:
        spots += _sheet(ws, sheets, likely_question, likely_rows)
    return spots, sheets.save


def _sheet(ws, sheets: Sheets, likely_question, likely_rows) -> list[Spot]:
    title = ws.title
    last_row = min(ws.max_row, MAX_ROWS)
    last_column = min(ws.max_column, 50)
    merged_tail = set()  # cells covered by a merge, other than its top-left one
    for merged in ws.merged_cells.ranges:
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    merged_tail.add((r, c))
    text = {(r, c): _text(ws.cell(r, c).value) for r in range(1, last_row + 2)
            for c in range(1, last_column + 2)}
    spots: list[Spot] = []
    heading = ""
    taken: set[tuple[int, int]] = set()
    marks: dict[int, str] = {}  # column -> the option printed over a column of tick boxes
    r = 1
    while r <= last_row:
        filled = [c for c in range(1, last_column + 1) if text[(r, c)] and (r, c) not in taken]
        if not filled:
            r += 1
            continue
        headers = [text[(r, c)] for c in range(filled[0], filled[-1] + 1)]
        empty_below = []
        for below in range(r + 1, min(last_row + 60, r + 1 + MAX_TABLE_ROWS)):
            if any(text.get((below, c)) for c in range(filled[0], filled[-1] + 1)):
                break
            empty_below.append(below)
        if len(filled) >= 2 and empty_below and likely_rows(headers):
            spots.append(_rows(title, sheets, r, filled[0], headers, empty_below, heading))
            r = empty_below[-1] + 1
            continue
        if len(filled) >= 2 and all(len(text[(r, c)]) <= 3 or text[(r, c)].lower() in ("ja", "nee")
                                    for c in filled[1:]):
            marks = {c: text[(r, c)] for c in filled[1:]}
            r += 1
            continue
        cell = ws.cell(r, filled[0])
        if len(filled) == 1 and cell.font is not None and cell.font.b and \
                not text[(r, filled[0])].endswith((":", "?")) and not BOX.search(text[(r, filled[0])]):
            heading = _label(text[(r, filled[0])])
            r += 1
            continue
        row_label = next((text[(r, c)] for c in filled if not BOX.search(text[(r, c)])), "")
        for c in filled:
            value = text[(r, c)]
            if BOX.search(value):
                spots += _ticks(title, sheets, r, c, value, row_label, marks.get(c, ""), heading)
                continue
            if FILL.search(value):
                label = FILL.split(value)[0].strip()
                spots.append(_answer(title, sheets, r, c, label, heading, keep=False))
                continue
            right = (r, c + 1)
            below = (r + 1, c)
            if c + 1 <= last_column + 1 and not text[right] and right not in merged_tail and \
                    (c + 1 in filled or not any(text[(r, x)] for x in range(c + 1, last_column + 1))) and \
                    (_boxed(ws, r, c + 1) or likely_question(value)) and not _only_below(ws, text, r, c):
                spots.append(_answer(title, sheets, r, c + 1, value, heading))
                taken.add(right)
            elif not text[below] and below not in merged_tail and likely_question(value):
                spots.append(_answer(title, sheets, r + 1, c, value, heading))
                taken.add(below)
        r += 1
    return spots


def _boxed(ws, r, c) -> bool:
    border = ws.cell(r, c).border
    return border is not None and any(getattr(getattr(border, side), "style", None)
                                      for side in ("left", "right", "top", "bottom"))


def _only_below(ws, text, r, c) -> bool:
    """The answer cell is under the label (a bordered empty cell below, none to the right)."""
    return not _boxed(ws, r, c + 1) and not text.get((r + 1, c)) and _boxed(ws, r + 1, c)


def _answer(title, sheets, r, c, label, heading, keep=True) -> Spot:
    ref = f"{get_column_letter(c)}{r}"
    place = Place(f"{title}!{ref}", ANSWER, _label(label), heading=heading, where=f"cel {title}!{ref}")

    def write(path, _columns, say):
        text = say.answer(path)
        sheets.set(title, r, c, text if keep else f"{_label(label)} {text}")
    return Spot(place, write)


def _ticks(title, sheets, r, c, value, row_label, mark, heading) -> list[Spot]:
    boxes = list(BOX.finditer(value))
    spots = []
    for k, box in enumerate(boxes):
        end = boxes[k + 1].start() if k + 1 < len(boxes) else len(value)
        option = value[box.end():end].strip(" :;,/") or mark
        if not option:
            continue
        ref = f"{get_column_letter(c)}{r}"
        question = row_label if row_label != value else ""
        place = Place(f"{title}!{ref}#{k}", TICK, _label(option), question=_label(question), heading=heading,
                      where=f"cel {title}!{ref}, vakje ‘{_short(option)}’")
        spots.append(Spot(place, _tick_writer(sheets, title, r, c, value, boxes, k)))
    return spots


def _tick_writer(sheets, title, r, c, value, boxes, k):
    # Every box of the cell is written at once: the cell is rewritten whole.
    state = sheets.__dict__.setdefault("_ticks", {})

    def write(path, _columns, say):
        chosen = state.setdefault((title, r, c), {})
        chosen[k] = say.tick(path, boxes[k].group())
        out, last = [], 0
        for i, box in enumerate(boxes):
            out.append(value[last:box.start()])
            out.append(chosen.get(i, box.group()))
            last = box.end()
        out.append(value[last:])
        sheets.set(title, r, c, "".join(out))
    return write


def _rows(title, sheets, r, first_column, headers, empty_below, heading) -> Spot:
    ref = f"{get_column_letter(first_column)}{r}"
    place = Place(f"{title}!{ref}:rows", ROWS, _label(headers[0]), heading=heading,
                  where=f"{title}, rijen {empty_below[0]}–{empty_below[-1]}",
                  headers=[_label(h) for h in headers])

    def write(path, columns, say):
        if not say.loops:
            sheets.set(title, empty_below[0], first_column, say.answer(path))
            return
        for i, row in enumerate(empty_below):
            for index, key in columns.items():
                sheets.set(title, row, first_column + index, "{{ %s[%d].%s }}" % (path, i, key))
    return Spot(place, write)


