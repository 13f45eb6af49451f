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
from .match import ANSWER, ROWS, TICK, Place, is_mark, is_number
from .word import BOX, FILL, Spot, _heading_at, _label, _short

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_ROWS = 2000  # a form is a page or two; further rows are not read for places
MAX_TABLE_ROWS = 60
# A label with nothing drawn beside it (no border, no merge, no colon) is one only when it names a
# question this surely: otherwise it is a text of the form with open sheet to its right.
SURE = 0.8


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
        self.ticks: dict[tuple, dict[int, str]] = {}  # (sheet, row, column) -> box index -> its text

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


def walk(data: bytes, likely_question, likely_rows, score=None, is_label=None):
    book = load_workbook(io.BytesIO(data), rich_text=False)
    sheets = Sheets(data)
    spots: list[Spot] = []
    for ws in book.worksheets:
        spots += _sheet(ws, sheets, likely_question, likely_rows, score or (lambda text: 0.0))
    return spots, sheets.save


class _Grid:
    """One sheet's texts, merged cells and borders, as the walk asks for them."""

    def __init__(self, ws):
        self.ws = ws
        self.last_row = min(ws.max_row, MAX_ROWS)
        self.last_column = min(ws.max_column, 50)
        self.tail: set[tuple[int, int]] = set()  # covered by a merge, other than its top-left cell
        self.starts: set[tuple[int, int]] = set()  # top-left cells of merges
        self.cover: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            self.starts.add((merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    self.cover[(r, c)] = (merged.min_row, merged.min_col)
                    if (r, c) != (merged.min_row, merged.min_col):
                        self.tail.add((r, c))
        self.text = {(r, c): _text(ws.cell(r, c).value) for r in range(1, self.last_row + 2)
                     for c in range(1, self.last_column + 2)}

    def at(self, r: int, c: int) -> str:
        return self.text.get(self.cover.get((r, c), (r, c)), "")

    def empty_box(self, r: int, c: int) -> bool:
        """An empty cell drawn for an answer: merged over several cells, or with a border."""
        return not self.text.get((r, c)) and (r, c) not in self.tail and \
            ((r, c) in self.starts or _boxed(self.ws, r, c))

    def bold(self, r: int, c: int) -> bool:
        font = self.ws.cell(r, c).font
        return bool(font is not None and font.b)

    def mark(self, text: str) -> bool:
        return is_mark(text)


def _sheet(ws, sheets: Sheets, likely_question, likely_rows, score) -> list[Spot]:
    title = ws.title
    g = _Grid(ws)
    text = g.text
    spots: list[Spot] = []
    heading = ""
    headings: dict[int, str] = {}  # column -> the heading over the labels below it (blocks side by side)
    taken: set[tuple[int, int]] = set()
    r = 1
    while r <= g.last_row:
        filled = [c for c in range(1, g.last_column + 1) if text[(r, c)] and (r, c) not in taken]
        if not filled:
            r += 1
            continue
        headers = [text[(r, c)] for c in range(filled[0], filled[-1] + 1)]
        empty_below = []
        for below in range(r + 1, min(g.last_row + 60, r + 1 + MAX_TABLE_ROWS)):
            # Empty across the sheet, not only under the header: text beside them is the form going on.
            if any(text.get((below, c)) and not (c == filled[0] and is_number(text[(below, c)]))
                   for c in range(1, g.last_column + 1)):
                break
            empty_below.append(below)
        # See word.py: every column named over two empty rows or more is a table.
        named_all = all(headers) and len(headers) >= 2 and not any(BOX.search(h) for h in headers)
        if len(filled) >= 2 and empty_below and (likely_rows(headers) or named_all and len(empty_below) >= 2):
            spots.append(_rows(title, sheets, r, filled[0], headers, empty_below, heading))
            r = empty_below[-1] + 1
            continue
        boxes_below = _boxes_below(g, r, filled[0])
        if len(filled) == 1 and len(boxes_below) >= 2 and likely_rows(headers):
            # One heading over a column of two or more drawn empty cells: a table of one column.
            spots.append(_rows(title, sheets, r, filled[0], headers, boxes_below, heading))
            r = boxes_below[-1] + 1
            continue
        if all(g.mark(text[(r, c)]) for c in filled):
            r += 1  # "+ ± –" over a grid's boxes: read upwards from each box
            continue
        if _heading_row(g, r, filled):
            headings = {c: _label(text[(r, c)]) for c in filled}
            r += 1
            continue
        first = filled[0]
        if len(filled) == 1 and g.bold(r, first) and not text[(r, first)].endswith((":", "?")) and \
                not BOX.search(text[(r, first)]) and not g.empty_box(r, first + 1) and \
                not g.empty_box(r + 1, first):
            heading, headings = _label(text[(r, first)]), {}
            r += 1
            continue
        words_used: set[int] = set()  # option words beside a box of their own
        for c in filled:
            value = text[(r, c)]
            if c in words_used:
                continue
            label_heading = _heading_at(headings, c) or heading
            above = _label_above(g, r, c, value)
            if BOX.search(value):
                option = ""
                if not BOX.sub("", value).strip(" :;,/"):
                    option = _mark_above(g, r, c)
                    if not option and text.get((r, c + 1)) and not BOX.search(text[(r, c + 1)]):
                        option = text[(r, c + 1)]
                        words_used.add(c + 1)
                question = f"{_left_label(g, r, c)} {_column_heading(g, r, c)}".strip()
                spots += _ticks(title, sheets, r, c, value, question, option, label_heading)
                continue
            if FILL.search(value):
                label = FILL.split(value)[0].strip()
                spots.append(_answer(title, sheets, r, c, label, label_heading, keep=False))
                continue
            if value.startswith(("•", "-", "–")) and not g.empty_box(r, c + 1):
                continue  # a help bullet
            right, below = (r, c + 1), (r + 1, c)
            blank_right = not text.get(right) and right not in g.tail and \
                not any(text[(r, x)] for x in range(c + 1, min(c + 2, g.last_column) + 1))
            if right in taken or below in taken:
                continue  # claimed by the label above or beside it: one place, one question
            if g.empty_box(*right):
                spot, cell = _answer(title, sheets, r, c + 1, value, label_heading, above=above), right
            elif g.empty_box(*below) and not text.get(right):
                spot, cell = _answer(title, sheets, r + 1, c, value, label_heading, above=above), below
            elif blank_right and not g.bold(r, c) and (value.endswith((":", "?")) or
                                                       (len(value.split()) <= 5 and score(value) >= SURE)):
                spot, cell = _answer(title, sheets, r, c + 1, value, label_heading, above=above), right
            else:
                continue
            spots.append(spot)
            taken.add(cell)
        r += 1
    return spots


def _boxes_below(g: _Grid, r: int, c: int) -> list[int]:
    """The rows of empty, bordered, unmerged cells right under (r, c)."""
    rows = []
    for below in range(r + 1, min(g.last_row + 1, r + 1 + MAX_TABLE_ROWS)):
        if g.text.get((below, c)) or (below, c) in g.cover or not _boxed(g.ws, below, c):
            break
        rows.append(below)
    return rows


def _heading_row(g: _Grid, r: int, filled: list[int]) -> bool:
    """Headings side by side ("Medewerker" over column A, "Leidinggevende" over D), each over labels."""
    if len(filled) < 2:
        return False
    for c in filled:
        value = g.text[(r, c)]
        below = g.text.get((r + 1, c), "")
        if value.endswith((":", "?")) or BOX.search(value) or not g.bold(r, c) or not below or \
                BOX.search(below) or g.empty_box(r, c + 1):
            return False
    return True


def _label_above(g: _Grid, r: int, c: int, value: str) -> str:
    """"Datum:" under "Akkoord medewerker": a short label takes the label above it as its context."""
    if len(value.split()) > 2:
        return ""
    for up in (r - 1, r - 2):
        above = g.at(up, c) if up > 0 else ""
        if above and not BOX.search(above) and not g.mark(above):
            return above
    return ""


def _mark_above(g: _Grid, r: int, c: int) -> str:
    for up in range(r - 1, max(0, r - 12), -1):
        value = g.at(up, c)
        if value and not BOX.search(value):
            return value if g.mark(value) else ""
    return ""


def _column_heading(g: _Grid, r: int, c: int) -> str:
    """The heading over a column of boxes ("Past bij mijn leerdoel?" over its + ± –)."""
    for up in range(r - 1, max(0, r - 12), -1):
        value = g.at(up, c)
        if value and not BOX.search(value) and not g.mark(value):
            return value
    return ""


def _left_label(g: _Grid, r: int, c: int) -> str:
    """The row's label: the nearest text left of the box that is no box or option word itself."""
    for left in range(c - 1, 0, -1):
        value = g.at(r, left)
        if value and not BOX.search(value) and not g.mark(value) and not \
                (left > 1 and BOX.search(g.at(r, left - 1))):  # an option word beside its own box
            return value
    return ""


def _boxed(ws, r, c) -> bool:
    border = ws.cell(r, c).border
    return border is not None and any(getattr(getattr(border, side), "style", None)
                                      for side in ("left", "right", "top", "bottom"))


def _answer(title, sheets, r, c, label, heading, keep=True, above="") -> Spot:
    ref = f"{get_column_letter(c)}{r}"
    place = Place(f"{title}!{ref}", ANSWER, _label(label), heading=heading, where=f"cel {title}!{ref}",
                  above=_label(above))

    def write(path, _columns, say):
        text = say.answer(path)
        sheets.set(title, r, c, text if keep else f"{_label(label)} {text}")
    return Spot(place, write)


def _ticks(title, sheets, r, c, value, question, mark, heading) -> list[Spot]:
    boxes = list(BOX.finditer(value))
    spots = []
    for k, box in enumerate(boxes):
        end = boxes[k + 1].start() if k + 1 < len(boxes) else len(value)
        option = value[box.end():end].strip(" :;,/") or mark
        if not option:
            continue
        ref = f"{get_column_letter(c)}{r}"
        place = Place(f"{title}!{ref}#{k}", TICK, _label(option), question=_label(question), heading=heading,
                      where=f"cel {title}!{ref}, vakje ‘{_short(option)}’")
        spots.append(Spot(place, _tick_writer(sheets, title, r, c, value, boxes, k)))
    return spots


def _tick_writer(sheets, title, r, c, value, boxes, k):
    # Every box of the cell is written at once: the cell is rewritten whole, with the boxes chosen so far.
    state = sheets.ticks

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


