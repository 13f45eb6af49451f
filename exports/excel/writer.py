"""A small .xlsx writer for our own workbooks (exports/excel/default.py): cells with text, numbers,
dates and booleans, a few styles, column widths, row heights, merged headings, frozen panes, page
setup, print titles, headers and footers, an auto filter. Nothing else.

openpyxl builds an object for every cell, style and setting and serialises them all on save; for one
plan that took 44 ms, five times its Word document. This writes the same SpreadsheetML as openpyxl did
for these workbooks (inline strings, the same styles and print settings, read back alike by openpyxl,
Excel and LibreOffice) straight from a dict of cells, and copies the parts that never change
compressed once (exports/package.py).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.child import avoid_duplicate_name
from openpyxl.writer.theme import theme_xml

from exports import package

FONT_NAME = "Calibri"
A4 = 9  # paperSize in SpreadsheetML


@dataclass(frozen=True, eq=False)  # one object per look: compared and hashed by identity
class Font:
    bold: bool = False
    size: float | None = None  # None: the workbook's default, 11 pt
    color: str | None = None  # RGB hex

    def xml(self) -> str:
        return (f'<font><name val="{FONT_NAME}"/>' + ('<b val="1"/>' if self.bold else "")
                + (f'<color rgb="00{self.color}"/>' if self.color else "")
                + (f'<sz val="{_number(self.size)}"/>' if self.size else "") + "</font>")


@dataclass(frozen=True, eq=False)  # one object per look: compared and hashed by identity
class Fill:
    color: str  # a solid fill, RGB hex

    def xml(self) -> str:
        return f'<fill><patternFill patternType="solid"><fgColor rgb="00{self.color}"/></patternFill></fill>'


@dataclass(frozen=True, eq=False)  # one object per look: compared and hashed by identity
class Border:
    color: str  # a thin line all round, RGB hex

    def xml(self) -> str:
        side = f'style="thin"><color rgb="00{self.color}"/>'
        return (f"<border><left {side}</left><right {side}</right><top {side}</top>"
                f"<bottom {side}</bottom></border>")


@dataclass
class PageSetup:
    orientation: str = "portrait"
    scale: int = 100
    margin_left_right: float = 0.75
    print_title_rows: tuple[int, int] | None = None


class Sheet:
    """A sheet, written as its cells are put: each cell's XML at once, and its text kept for the row
    heights (exports/excel/default.py fit_row_heights)."""

    def __init__(self, title: str, styles: "_Styles"):
        self.title = title
        self.styles = styles
        self.rows: dict[int, dict[int, str]] = {}  # row: {column: the cell's XML}
        self.texts: dict[int, list[tuple[int, str, Font | None]]] = {}  # row: (column, text, font)
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.merged: list[tuple[int, int, int]] = []  # (row, first column, last column)
        self.freeze: tuple[int, int] | None = None  # (row, column) of the first cell not frozen
        self.header_right: str | None = None
        self.footer_center: str | None = None
        self.page: PageSetup | None = None
        self.auto_filter: str | None = None
        # A form's compiled sheet (exports/excel/default.py): its rows' XML as written before, in
        # order, and the cells' extent.
        self.row_order: list[str] | None = None
        self.dimension: str | None = None

    def put(self, row: int, col: int, value, font: Font | None = None, fill: Fill | None = None,
            border: Border | None = None, number_format: str | None = None, quote: bool = False,
            wrap: bool = True) -> None:
        """One cell: text (always text, never a formula), a number, a date, a boolean or None. wrap:
        wrapped and aligned to the top. quote: Excel shows the text as typed, even "=1+1"."""
        xfs = self.styles.xfs
        key = (font, fill, border, number_format, quote, wrap)
        style = xfs.get(key)
        if style is None:
            style = xfs[key] = len(xfs)
        cells = self.rows.get(row)
        if cells is None:
            cells = self.rows[row] = {}
        cells[col] = f'<c r="{_LETTERS[col] if col < 703 else _letter(col)}{row}"{cell_tail(style, value)}'
        if value is not None and value != "":
            texts = self.texts.get(row)
            if texts is None:
                texts = self.texts[row] = []
            texts.append((col, value if type(value) is str else shown(value, number_format), font))

    def merge(self, row: int, first: int, last: int) -> None:
        self.merged.append((row, first, last))


def shown(value, number_format: str | None) -> str:
    """About what a cell shows: a date as dd-mm-jjjj (with its time), not as Python writes it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return "0" * (16 if "HH" in (number_format or "").upper() else 10)
    return str(value)


class Workbook:
    def __init__(self, title: str | None = None, creator: str | None = None):
        self.title = title
        self.creator = creator
        self.sheets: list[Sheet] = []
        self.styles = _Styles()

    def sheet(self, title: str) -> Sheet:
        # Two sheets of one name make a damaged workbook: the second gets a number, as in openpyxl.
        sheet = Sheet(avoid_duplicate_name([s.title for s in self.sheets], title), self.styles)
        self.sheets.append(sheet)
        return sheet

    def save(self) -> bytes:
        sheets = [package.Part.of(sheet_name(i), sheet_xml(sheet).encode())
                  for i, sheet in enumerate(self.sheets, start=1)]
        return packaged(sheets, core_part(self.title, self.creator), styles_part(tuple(self.styles.xfs)),
                        self.workbook_part())

    def workbook_part(self) -> package.Part:
        return _kept_part("xl/workbook.xml", self._workbook())

    def _workbook(self) -> str:
        r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        sheets = "".join(f'<sheet {r} name="{_attribute(s.title)}" sheetId="{i}" state="visible" '
                         f'r:id="rId{i}"/>' for i, s in enumerate(self.sheets, start=1))
        names = []
        for index, sheet in enumerate(self.sheets):
            quoted = "'" + sheet.title.replace("'", "''") + "'"
            if sheet.auto_filter:
                first, _, last = sheet.auto_filter.partition(":")
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" '
                             f'hidden="1">{xml_text(quoted)}!{_absolute(first)}:{_absolute(last)}'
                             "</definedName>")
            if sheet.page and sheet.page.print_title_rows:
                top, bottom = sheet.page.print_title_rows
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                             f"{xml_text(quoted)}!${top}:${bottom}</definedName>")
        return ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible" '
                'minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" '
                'tabRatio="600" firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews>'
                f"<sheets>{sheets}</sheets>"
                + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
                + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def sheet_name(number: int) -> str:
    return f"xl/worksheets/sheet{number}.xml"


def packaged(sheets: list[package.Part], core: package.Part, styles: package.Part,
             workbook: package.Part) -> bytes:
    """The workbook of these parts (sheet_name(1), 2, ...), with the parts every workbook has."""
    static = _static()
    return package.write([_content_types(len(sheets)), static["rels"], static["app"], core, *sheets,
                          static["theme"], styles, workbook, _workbook_rels(len(sheets))])


def core_part(title: str | None, creator: str | None) -> package.Part:
    """docProps/core.xml, stamped with this second: the same for every workbook of a second."""
    return _core_part(title, creator, int(time.time()))


@lru_cache(maxsize=8)
def _core_part(title: str | None, creator: str | None, second: int) -> package.Part:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
    stamp = ('xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
             'XMLSchema-instance" xsi:type="dcterms:W3CDTF"')
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    return package.Part.of("docProps/core.xml", (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties">'
        + (f"<dc:creator {dc}>{xml_text(creator)}</dc:creator>" if creator else "")
        + (f"<dc:title {dc}>{xml_text(title)}</dc:title>" if title else "")
        + f"<dcterms:created {stamp}>{now}</dcterms:created>"
        + f"<dcterms:modified {stamp}>{now}</dcterms:modified>"
        + (f"<cp:lastModifiedBy>{xml_text(creator)}</cp:lastModifiedBy>" if creator else "")
        + "</cp:coreProperties>").encode())


# ---------------------------------------------------------------- values


def xml_text(value: str) -> str:
    # A carriage return written as itself would be read back as a line feed (XML normalises it).
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attribute(value: str) -> str:
    return xml_text(value).replace('"', "&quot;")


def _number(value) -> str:
    return "%.16g" % value


def _absolute(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters):]}"


_SHORT = 200
_MAX_TAILS = 20000
_TAILS: dict[tuple[str, int], str] = {}


def cell_tail(style: int, value) -> str:
    """A cell's XML after `<c r="A1"`: its style and its value."""
    if type(value) is str and len(value) <= _SHORT:
        # The forms' questions and headings come back in every plan: their XML is kept.
        tail = _TAILS.get((value, style))
        if tail is None:
            tail = _tail(style, value)
            if len(_TAILS) >= _MAX_TAILS:
                _TAILS.clear()
            _TAILS[(value, style)] = tail
        return tail
    return _tail(style, value)


def _tail(style: int, value) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f"{s}/>" if style else "/>"
    if isinstance(value, str):
        if value == "":
            return f'{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'{s} t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        if value != value or value in (float("inf"), float("-inf")):
            return f'{s} t="n"></c>'
        return f'{s} t="n"><v>{_number(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        if getattr(value, "tzinfo", None) is not None:
            raise TypeError("Excel kent geen tijdzones: een tijdstip hoort zonder tzinfo.")
        return f'{s} t="n"><v>{_number(to_excel(value))}</v></c>'
    raise ValueError(f"Cannot convert {value!r} to Excel")


# ---------------------------------------------------------------- styles


class _Styles:
    """The fonts, fills, borders, number formats and cell formats the sheets use, numbered in the
    order they are first used, after the defaults every workbook has."""

    DEFAULT_FONT = ('<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
                    '<scheme val="minor"/></font>')
    DEFAULT_FILLS = '<fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
    DEFAULT_BORDER = "<border><left/><right/><top/><bottom/><diagonal/></border>"

    def __init__(self):
        self.fonts: dict[Font, int] = {}
        self.fills: dict[Fill, int] = {}
        self.borders: dict[Border, int] = {}
        self.formats: dict[str, int] = {}
        self.xfs: dict[tuple, int] = {(None, None, None, None, False, False): 0}

    def _font(self, font):
        if font is None:
            return 0
        return self.fonts.setdefault(font, len(self.fonts) + 1)

    def _fill(self, fill):
        if fill is None:
            return 0
        return self.fills.setdefault(fill, len(self.fills) + 2)

    def _border(self, border):
        if border is None:
            return 0
        return self.borders.setdefault(border, len(self.borders) + 1)

    def _format(self, code):
        if code is None or code == "General":
            return 0
        if code in BUILTIN_FORMATS_REVERSE:
            return BUILTIN_FORMATS_REVERSE[code]
        return self.formats.setdefault(code, len(self.formats) + 164)

    def xml(self) -> str:
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" '
               'xfId="0"/>']
        for font, fill, border, code, quote, wrap in list(self.xfs)[1:]:
            ids = (f'numFmtId="{self._format(code)}" fontId="{self._font(font)}" '
                   f'fillId="{self._fill(fill)}" borderId="{self._border(border)}"')
            if wrap:
                xfs.append(f'<xf {ids} applyAlignment="1" pivotButton="0" quotePrefix="{int(quote)}" '
                           'xfId="0"><alignment vertical="top" wrapText="1"/></xf>')
            else:
                xfs.append(f'<xf {ids} pivotButton="0" quotePrefix="{int(quote)}" xfId="0"/>')
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attribute(code)}"/>'
                          for code, i in self.formats.items())
        return ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
                + f'<fonts count="{len(self.fonts) + 1}">{self.DEFAULT_FONT}'
                + "".join(f.xml() for f in self.fonts) + "</fonts>"
                + f'<fills count="{len(self.fills) + 2}">{self.DEFAULT_FILLS}'
                + "".join(f.xml() for f in self.fills) + "</fills>"
                + f'<borders count="{len(self.borders) + 1}">{self.DEFAULT_BORDER}'
                + "".join(b.xml() for b in self.borders) + "</borders>"
                + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                  "</cellStyleXfs>"
                + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
                  "</cellStyles>"
                + '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
                  'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


# ---------------------------------------------------------------- a sheet


_LETTERS = [""] + [get_column_letter(c) for c in range(1, 703)]  # A .. ZZ


def _letter(col: int) -> str:
    return _LETTERS[col] if col < 703 else get_column_letter(col)


def dimension(rows: dict[int, dict[int, str]]) -> str:
    """The range the cells of `rows` ({row: {column: ...}}) take."""
    if not rows:
        return "A1:A1"
    cols = [c for cells in rows.values() for c in cells]
    return f"{_letter(min(cols))}{min(rows)}:{_letter(max(cols))}{max(rows)}"


def row_start(row: int, height: float | None) -> str:
    """A row's opening tag; height: its own (None: the sheet's default)."""
    return f'<row r="{row}" ht="{_number(height)}" customHeight="1">' if height else f'<row r="{row}">'


def row_xml(sheet: Sheet, row: int, cols=None) -> str:
    """A row's XML; cols: its cells' columns in order, when known."""
    cells = sheet.rows.get(row)
    return (row_start(row, sheet.heights.get(row))
            + ("".join([cells[col] for col in (cols or sorted(cells))]) if cells else "") + "</row>")


def sheet_xml(sheet: Sheet) -> str:
    out = []
    dimension_ = sheet.dimension or dimension(sheet.rows)
    fit = "" if sheet.page is None else ' fitToPage="0"'
    out.append('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               f'<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr{fit}/></sheetPr>'
               f'<dimension ref="{dimension_}"/><sheetViews><sheetView workbookViewId="0">'
               f"{_pane(sheet.freeze)}</sheetView></sheetViews>"
               '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    if sheet.widths:
        out.append("<cols>" + "".join(
            f'<col width="{_number(width)}" customWidth="1" min="{col}" max="{col}"/>'
            for col, width in sorted(sheet.widths.items())) + "</cols>")
    out.append("<sheetData>")
    if sheet.row_order is None:
        out.extend([row_xml(sheet, row) for row in sorted(set(sheet.rows) | set(sheet.heights))])
    else:
        out.extend(sheet.row_order)
    out.append("</sheetData>")
    if sheet.auto_filter:
        out.append(f'<autoFilter ref="{sheet.auto_filter}"/>')
    if sheet.merged:
        out.append(f'<mergeCells count="{len(sheet.merged)}">' + "".join(
            f'<mergeCell ref="{_letter(first)}{row}:{_letter(last)}{row}"/>'
            for row, first, last in sheet.merged) + "</mergeCells>")
    page = sheet.page
    if page is not None:
        out.append('<printOptions gridLines="0"/>')
    margin = _number(page.margin_left_right if page else 0.75)
    out.append(f'<pageMargins left="{margin}" right="{margin}" top="1" bottom="1" header="0.5" '
               'footer="0.5"/>')
    if page is not None:
        out.append(f'<pageSetup orientation="{page.orientation}" paperSize="{A4}" '
                   f'scale="{page.scale}"/>')
    if sheet.header_right is not None or sheet.footer_center is not None:
        header = "" if sheet.header_right is None else "&R" + sheet.header_right
        footer = "" if sheet.footer_center is None else "&C" + sheet.footer_center
        out.append(f"<headerFooter><oddHeader>{xml_text(header)}</oddHeader><oddFooter>{xml_text(footer)}"
                   "</oddFooter><evenHeader></evenHeader><evenFooter></evenFooter><firstHeader>"
                   "</firstHeader><firstFooter></firstFooter></headerFooter>")
    out.append("</worksheet>")
    return "".join(out)


def _pane(freeze: tuple[int, int] | None) -> str:
    if not freeze or freeze == (1, 1):
        return '<selection activeCell="A1" sqref="A1"/>'
    row, col = freeze
    top_left = f"{_letter(col)}{row}"
    if col > 1 and row > 1:
        return (f'<pane xSplit="{col - 1}" ySplit="{row - 1}" topLeftCell="{top_left}" '
                'activePane="bottomRight" state="frozen"/><selection pane="topRight"/>'
                '<selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/>')
    if row > 1:
        return (f'<pane ySplit="{row - 1}" topLeftCell="{top_left}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>')
    return (f'<pane xSplit="{col - 1}" topLeftCell="{top_left}" activePane="topRight" state="frozen"/>'
            '<selection pane="topRight" activeCell="A1" sqref="A1"/>')


# ---------------------------------------------------------------- the parts that never change

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@lru_cache(maxsize=None)
def _static() -> dict[str, package.Part]:
    return {
        "rels": package.Part.of("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Type="{OFFICE}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
            '<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml" Id="rId2"/>'
            f'<Relationship Type="{OFFICE}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
            "</Relationships>").encode()),
        "app": package.Part.of("docProps/app.xml", (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>POP</Application></Properties>").encode()),
        "theme": package.Part.of("xl/theme/theme1.xml", theme_xml.encode()),
    }


# The styles and the workbook part are the same for every plan of a form, mostly: compressed once.
@lru_cache(maxsize=256)
def styles_part(xfs: tuple) -> package.Part:
    """xl/styles.xml for these cell formats (_Styles.xfs's keys, in order)."""
    styles = _Styles()
    styles.xfs = dict.fromkeys(xfs)
    return package.Part.of("xl/styles.xml", styles.xml().encode())


@lru_cache(maxsize=256)
def _kept_part(name: str, text: str) -> package.Part:
    return package.Part.of(name, text.encode())


@lru_cache(maxsize=64)
def _content_types(count: int) -> package.Part:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                     f'ContentType="{SPREADSHEET}.worksheet+xml"/>' for i in range(1, count + 1))
    return package.Part.of("[Content_Types].xml", (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET}.styles+xml"/>'
        '<Override PartName="/xl/theme/theme1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f'{sheets}<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
        "</Types>").encode())


@lru_cache(maxsize=64)
def _workbook_rels(count: int) -> package.Part:
    sheets = "".join(f'<Relationship Type="{OFFICE}/worksheet" Target="/xl/worksheets/sheet{i}.xml" '
                     f'Id="rId{i}"/>' for i in range(1, count + 1))
    return package.Part.of("xl/_rels/workbook.xml.rels", (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheets}<Relationship Type="{OFFICE}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
        f'<Relationship Type="{OFFICE}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/>'
        "</Relationships>").encode())
