"""Excel templates with placeholders in cells and in page headers and footers:
{{ medewerker.naam }}, {{ kwaliteiten[0].sterk }}.

The organisation's workbook is filled at the XML level, not loaded and saved again by openpyxl, which
drops shapes, x14 data validations (lists from another sheet), and more. Only the cells that hold a
placeholder are rewritten, and the page headers and footers that hold one; every other part of the
package keeps its bytes (images, drawings, charts, validations, conditional formats, defined names,
print settings). A rewritten cell keeps its style, so its font, border and number format stay.

A cell that holds only one placeholder keeps the value's type: a date becomes a real Excel date (in
the cell's own date format, or dd-mm-jjjj when the cell has none), a number a number. A date inside
text is written dd-mm-jjjj. Text is always text, never a formula, whatever it starts with.
There are no row loops: a template prepares one row per index (kwaliteiten[0], kwaliteiten[1], ...);
an index past the last answer gives an empty cell (see PaddedRows in context.py).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import math
import posixpath
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from jinja2 import TemplateError, Undefined, nodes
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_datetime

from exports.word.engine import (INVALID_XML_CHARS, TemplateProblem, compile_problem, count_placeholders,
                          not_a_function)
from exports.word.engine import make_environment as sandbox
from exports.excel.default import FORMULA_START, MAX_CELL

SINGLE = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)
TEMPLATED = re.compile(r"\{\{|\{%")
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# Excel's escape for characters in ST_Xstring: _x000D_ is a carriage return, _x005F_ a literal "_".
XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
DATE_CODE = "dd-mm-yyyy"  # dd-mm-jjjj, as the default exports write dates
DATETIME_CODE = "dd-mm-yyyy hh:mm"
# Built-in number formats that show a date; their codes depend on the reader's locale, so
# openpyxl's table names only some of them.
BUILTIN_DATE_IDS = {14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)}
BUILTIN_TIME_IDS = {18, 19, 20, 21, 45, 46, 47}
# Excel refuses a header or footer longer than this when it opens the file.
MAX_HEADER = 255
HEADERS = {"oddHeader": "koptekst", "oddFooter": "voettekst",
           "evenHeader": "koptekst van de even pagina's", "evenFooter": "voettekst van de even pagina's",
           "firstHeader": "koptekst van de eerste pagina",
           "firstFooter": "voettekst van de eerste pagina"}
# Where else a placeholder may sit that is not filled in, by the part's folder.
UNFILLED_PARTS = (("xl/comments", "een opmerking"), ("xl/threadedComments", "een opmerking"),
                  ("xl/drawings", "een tekstvak, vorm of afbeeldingstekst"),
                  ("xl/charts", "een grafiek"), ("xl/workbook.xml", "een gedefinieerde naam"),
                  ("xl/tables", "een tabel"), ("xl/pivot", "een draaitabel"))
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_blank_text=False)
DAMAGED = ("Deze Excel-werkmap is beschadigd of geen .xlsx en kan niet worden gelezen. Open hem in Excel "
           "en sla hem opnieuw op.")
FORMULA_REFUSED = ("{where}: een plaatshouder in een formule kan niet worden ingevuld; zet de "
                   "plaatshouder in een eigen cel en verwijs daarnaar.")


def _date_text(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return value


def _cell_text(value):
    value = not_a_function(value)
    return "" if value is None else _date_text(value)


def _header_text(value):
    # In a header, "&" starts one of Excel's codes (&P page number, &D date, &"Arial" font): an answer's
    # own "&" is written "&&".
    return str(_cell_text(value)).replace("&", "&&")


def make_environment(finalize=_cell_text):
    # No XML escaping by Jinja: the cell's XML is written by this module, which escapes what it writes.
    return sandbox(autoescape=False, finalize=finalize)


def _parse(data: bytes):
    try:
        root = etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(DAMAGED) from exc
    if root.getroottree().docinfo.doctype:
        raise TemplateProblem(DAMAGED)  # Office never writes a DTD; entities are how XML attacks start
    return root


def _serialize(root) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            + etree.tostring(root, encoding="UTF-8", xml_declaration=False))


def _unescape_xstring(text: str) -> str:
    return XSTRING_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _escape_xstring(text: str) -> str:
    # A literal "_x0041_" in an answer would otherwise show as "A" in Excel.
    return XSTRING_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text)


def _xml_text(text: str) -> str:
    # A carriage return written as itself would be read back as a line feed (XML normalises it).
    return escape(text).replace("\r", "&#13;")


def _clean_text(value: str, limit: int = MAX_CELL) -> str:
    value = INVALID_XML_CHARS.sub("", value)
    if len(value) > limit:  # Excel's own limit; past it Excel "repairs" the whole file
        value = value[:limit - 1] + "…"
    return value


def _local(element) -> str:
    return etree.QName(element).localname


def _texts(element, ns: str) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s, without phonetic runs."""
    direct = element.find(f"{{{ns}}}t")
    if direct is not None:
        return direct.text or ""
    return "".join(r.findtext(f"{{{ns}}}t") or "" for r in element.findall(f"{{{ns}}}r"))


def _formatted_runs(element, ns: str) -> list[tuple[str, str]] | None:
    """(run properties as XML, text) for each run of a string whose runs carry their own formatting
    (one bold word), else None."""
    runs = element.findall(f"{{{ns}}}r")
    if not any(r.find(f"{{{ns}}}rPr") is not None for r in runs):
        return None
    out = []
    for run in runs:
        properties = run.find(f"{{{ns}}}rPr")
        out.append(("" if properties is None else etree.tostring(properties, encoding="unicode",
                                                                 with_tail=False),
                    _unescape_xstring(run.findtext(f"{{{ns}}}t") or "")))
    return out


def _self_contained(text: str) -> bool:
    # Each {{ }} opens and closes within the run, and no {% %} block could span runs.
    rest = re.sub(r"\{\{.*?\}\}", "", text, flags=re.DOTALL)
    return not any(mark in rest for mark in ("{{", "}}", "{%", "%}", "{#", "#}"))


@dataclass
class _Slot:
    """One piece of a part that is filled in at render time."""
    kind: str  # "cell" or "header"
    template: object
    single: bool = False
    prefix: str = ""  # "x:" when the part writes its elements with a prefix
    attributes: dict = field(default_factory=dict)
    style: int = 0
    variants: dict = field(default_factory=dict)  # "date", "datetime", "text" -> style index
    header_tag: str = ""
    runs: list | None = None  # (run properties XML, template) of a cell with formatted runs


@dataclass
class _Part:
    pieces: list  # bytes between the slots
    slots: list


class _Styles:
    """The workbook's cellXfs, for cloning a cell's style with a date format or quotePrefix."""

    def __init__(self, name: str | None, data: bytes | None):
        self.name = name
        self.root = _parse(data) if data is not None else None
        self.changed = False
        self._clones: dict[tuple[int, str], int] = {}
        if self.root is None:
            self.ns, self.xfs, self.formats = "", [], {}
            return
        self.ns = etree.QName(self.root).namespace
        self.cell_xfs = self.root.find(f"{{{self.ns}}}cellXfs")
        self.xfs = list(self.cell_xfs) if self.cell_xfs is not None else []
        numfmts = self.root.find(f"{{{self.ns}}}numFmts")
        self.formats = {int(n.get("numFmtId")): n.get("formatCode") or ""
                        for n in (numfmts if numfmts is not None else [])
                        if (n.get("numFmtId") or "").isdigit()}

    def _xf(self, index: int):
        return self.xfs[index] if 0 <= index < len(self.xfs) else None

    def kind(self, index: int) -> str | None:
        """"date", "datetime", "time" or None: what the number format of this style shows."""
        xf = self._xf(index)
        if xf is None:
            return None
        fmt_id = int(xf.get("numFmtId") or 0)
        if fmt_id in self.formats:
            return is_datetime(self.formats[fmt_id])
        if fmt_id in BUILTIN_DATE_IDS:
            return "datetime" if fmt_id == 22 else "date"
        if fmt_id in BUILTIN_TIME_IDS:
            return "time"
        return is_datetime(BUILTIN_FORMATS.get(fmt_id, "General"))

    def quoted(self, index: int) -> bool:
        xf = self._xf(index)
        return xf is not None and xf.get("quotePrefix") in ("1", "true")

    def clone(self, index: int, variant: str) -> int:
        """The index of a copy of style `index` that shows dates (variant "date"/"datetime"), or that
        keeps text starting with = as text (variant "text", Excel's quotePrefix)."""
        if (index, variant) in self._clones:
            return self._clones[(index, variant)]
        if self.root is None or self.cell_xfs is None or not self.xfs:
            return index  # a workbook without styles (no program writes one): dates show as numbers
        xf = copy.deepcopy(self._xf(index) if self._xf(index) is not None else self.xfs[0])
        if variant == "text":
            xf.set("quotePrefix", "1")
        else:
            xf.set("numFmtId", str(self._format_id(DATE_CODE if variant == "date" else DATETIME_CODE)))
            xf.set("applyNumberFormat", "1")
        self.cell_xfs.append(xf)
        self.xfs.append(xf)
        self.cell_xfs.set("count", str(len(self.xfs)))
        self.changed = True
        self._clones[(index, variant)] = len(self.xfs) - 1
        return len(self.xfs) - 1

    def _format_id(self, code: str) -> int:
        for fmt_id, existing in self.formats.items():
            if existing == code:
                return fmt_id
        numfmts = self.root.find(f"{{{self.ns}}}numFmts")
        if numfmts is None:
            numfmts = etree.Element(f"{{{self.ns}}}numFmts")
            self.root.insert(0, numfmts)  # the schema puts numFmts first
        fmt_id = max([163, *self.formats]) + 1  # below 164 are Excel's built-in formats
        etree.SubElement(numfmts, f"{{{self.ns}}}numFmt", numFmtId=str(fmt_id), formatCode=code)
        numfmts.set("count", str(len(numfmts)))
        self.formats[fmt_id] = code
        return fmt_id


class CompiledXlsx:
    def __init__(self, data: bytes, definition=None):
        self.env = make_environment()
        self._header_env = make_environment(_header_text)
        self.sources: dict[str, str] = {}
        self.found: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self._placeholders = 0
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise TemplateProblem(DAMAGED) from exc
        with archive:
            try:
                self.members = [(info, archive.read(info)) for info in archive.infolist()]
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                raise TemplateProblem(DAMAGED) from exc
        content = {info.filename: body for info, body in self.members}
        self.parts: dict[str, _Part] = {}
        self.replaced: dict[str, bytes] = {}
        if "xl/workbook.xml" not in content:
            raise TemplateProblem(DAMAGED)
        workbook = _parse(content["xl/workbook.xml"])
        ns = etree.QName(workbook).namespace
        related = self._relationships(content, "xl/workbook.xml")
        styles_name = next((t for t, kind in related.values() if kind == "styles"), None)
        strings_name = next((t for t, kind in related.values() if kind == "sharedStrings"), None)
        self.styles = _Styles(styles_name, content.get(styles_name) if styles_name else None)
        strings = []
        strings_root = None
        if strings_name and strings_name in content:
            strings_root = _parse(content[strings_name])
            strings_ns = etree.QName(strings_root).namespace
            strings = [(_unescape_xstring(_texts(si, strings_ns)), _formatted_runs(si, strings_ns))
                       for si in strings_root.findall(f"{{{strings_ns}}}si")]
        properties = workbook.find(f"{{{ns}}}workbookPr")
        self.epoch = (dt.datetime(1904, 1, 1) if properties is not None
                      and properties.get("date1904") in ("1", "true") else dt.datetime(1899, 12, 30))
        self.token = "pop-slot-" + secrets.token_hex(8)
        templated_strings: dict[int, int] = {}  # shared string index -> cells filled from it
        string_uses: dict[int, int] = {}
        has_formulas = False
        sheets = workbook.find(f"{{{ns}}}sheets")
        for sheet in (sheets if sheets is not None else []):
            # r:id, in the transitional or the Strict namespace
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = related.get(rid)
            if target is None or target[1] != "worksheet" or target[0] not in content:
                continue
            formulas = self._compile_sheet(sheet.get("name") or "", target[0], content[target[0]],
                                           strings, templated_strings, string_uses)
            has_formulas = has_formulas or formulas
        for info, body in self.members:
            self._note_unfilled(info.filename, body)
        if strings_root is not None and templated_strings:
            self._blank_strings(strings_name, strings_root, templated_strings, string_uses)
        if self.styles.changed:
            self.replaced[self.styles.name] = _serialize(self.styles.root)
        if has_formulas:
            self._recalculate_on_load(workbook, ns)

    # ------------------------------------------------------------------ reading the package

    @staticmethod
    def _relationships(content: dict, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (part name, relationship kind) for the part's internal relationships."""
        folder, base = posixpath.split(part)
        rels = content.get(posixpath.join(folder, "_rels", base + ".rels"))
        if rels is None:
            return {}
        out = {}
        for rel in _parse(rels).iter(f"{{{PACKAGE_REL}}}Relationship"):
            if (rel.get("TargetMode") or "").strip().lower() == "external":
                continue
            target = rel.get("Target") or ""
            name = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (name, (rel.get("Type") or "").rsplit("/", 1)[-1])
        return out

    def _compile_sheet(self, title, name, data, strings, templated_strings, string_uses) -> bool:
        """Find the sheet's placeholders; returns whether the sheet has formulas."""
        root = _parse(data)
        ns = etree.QName(root).namespace
        slots = []
        has_formulas = False
        for row in root.iter(f"{{{ns}}}row"):
            column = 0
            for cell in row.iterfind(f"{{{ns}}}c"):
                column += 1
                coordinate = cell.get("r") or f"{_column_letter(column)}{row.get('r') or ''}"
                where = f"{title}!{coordinate}"
                formula = cell.find(f"{{{ns}}}f")
                if formula is not None:
                    has_formulas = True
                    if TEMPLATED.search(formula.text or ""):
                        raise TemplateProblem(FORMULA_REFUSED.format(where=where))
                    _drop_cached_result(cell, ns)
                    continue
                cell_type = cell.get("t")
                if cell_type == "s":
                    value = cell.findtext(f"{{{ns}}}v")
                    index = int(value) if value and value.strip().isdigit() else -1
                    if not 0 <= index < len(strings):
                        continue
                    string_uses[index] = string_uses.get(index, 0) + 1
                    text, runs = strings[index]
                elif cell_type == "inlineStr":
                    inline = cell.find(f"{{{ns}}}is")
                    if inline is None:
                        continue
                    text = _unescape_xstring(_texts(inline, ns))
                    runs = _formatted_runs(inline, ns)
                    index = None
                else:
                    continue
                if not TEMPLATED.search(text):
                    continue
                if text.lstrip().startswith("="):
                    raise TemplateProblem(FORMULA_REFUSED.format(where=where))
                if index is not None:
                    templated_strings[index] = templated_strings.get(index, 0) + 1
                slots.append(self._cell_slot(cell, where, text, runs))
                marker = etree.Comment(f"{self.token}-{len(slots) - 1}")
                marker.tail = cell.tail
                cell.getparent().replace(cell, marker)
        for holder in root.iter(f"{{{ns}}}headerFooter"):
            for element in holder:
                tag = _local(element) if isinstance(element.tag, str) else ""
                if tag in HEADERS and TEMPLATED.search(element.text or ""):
                    slots.append(self._header_slot(element, f"{HEADERS[tag]} van {title}"))
                    element.text = None
                    element.append(etree.Comment(f"{self.token}-{len(slots) - 1}"))
        if slots:
            rest = etree.tostring(root, encoding="unicode")
            if TEMPLATED.search(re.sub(r"<!--.*?-->", "", rest, flags=re.DOTALL)):
                self.notes.append(f"In {title} staat een plaatshouder buiten de cellen en de kop- en "
                                  "voetteksten (bijvoorbeeld in een gegevensvalidatie); die wordt niet "
                                  "ingevuld.")
            pieces = re.split(f"<!--{self.token}-(\\d+)-->".encode(), _serialize(root))
            self.parts[name] = _Part(pieces[0::2], [slots[int(i)] for i in pieces[1::2]])
        else:
            if TEMPLATED.search(data.decode("utf-8", "replace")):
                self.notes.append(f"In {title} staat een plaatshouder buiten de cellen en de kop- en "
                                  "voetteksten (bijvoorbeeld in een gegevensvalidatie); die wordt niet "
                                  "ingevuld.")
            if has_formulas:
                self.replaced[name] = _serialize(root)
        return has_formulas

    def _compile(self, env, source: str, where: str, single: bool):
        self._placeholders = count_placeholders(source, self._placeholders)
        self.sources[where.removeprefix("cel ")] = source
        for path in _placeholder_paths(env, source):
            self.found.append((path, where))
        match = SINGLE.match(source) if single else None
        try:
            if match:
                return env.compile_expression(match.group("expr"), undefined_to_none=False), True
            return env.from_string(source), False
        except TemplateError as exc:
            raise TemplateProblem(f"De sjabloontekst in {where} klopt niet: {exc.message}.") from exc
        except TemplateProblem:
            raise
        except Exception as exc:
            raise compile_problem(exc) from exc

    def _cell_slot(self, cell, where: str, text: str, runs) -> _Slot:
        template, single = self._compile(self.env, text, f"cel {where}", single=True)
        compiled_runs = None
        if runs and not single and all(_self_contained(t) for _, t in runs):
            try:
                compiled_runs = [(properties, self.env.from_string(t)) for properties, t in runs]
            except Exception:  # noqa: BLE001 - a run that is no template alone: the whole cell then
                compiled_runs = None
        if runs and compiled_runs is None:
            self.notes.append(f"Cel {where}: de opmaak van een deel van de tekst (bijvoorbeeld één vet "
                              "woord) gaat verloren; de ingevulde cel krijgt de opmaak van de cel zelf. "
                              "Zet elke plaatshouder in zijn geheel in één opmaak.")
        style = int(cell.get("s")) if (cell.get("s") or "").isdigit() else 0
        attributes = {k: v for k, v in cell.attrib.items() if k not in ("t", "s")}
        prefix = f"{cell.prefix}:" if cell.prefix else ""
        variants = {}
        if single:  # a date or datetime keeps its type only in a cell of its own
            shows = self.styles.kind(style)  # what the cell's number format shows, not a field's kind
            for variant in ("date", "datetime"):
                variants[variant] = style if shows in ("date", "datetime") else \
                    self.styles.clone(style, variant)
        variants["text"] = style if self.styles.quoted(style) else self.styles.clone(style, "text")
        return _Slot("cell", template, single, prefix, attributes, style, variants,
                     runs=compiled_runs)

    def _header_slot(self, element, where: str) -> _Slot:
        # A font size code right before a placeholder (&12) would swallow an answer's leading digits.
        source = re.sub(r"(&\d+)(?=\{\{)", r"\1 ", element.text)
        template, _ = self._compile(self._header_env, source, where, single=False)
        self.sources[where] = element.text
        return _Slot("header", template, header_tag=element.tag)

    def _note_unfilled(self, name: str, data: bytes) -> None:
        for folder, what in UNFILLED_PARTS:
            if name.startswith(folder) and name.endswith(".xml") and TEMPLATED.search(
                    data.decode("utf-8", "replace")):
                note = f"Een plaatshouder in {what} ({name}) wordt niet ingevuld; zet hem in een cel."
                if note not in self.notes:
                    self.notes.append(note)

    def _blank_strings(self, name, root, templated, uses) -> None:
        # A shared string only the filled cells used would keep the placeholders' text in the file.
        ns = etree.QName(root).namespace
        items = root.findall(f"{{{ns}}}si")
        for index, count in templated.items():
            if count == uses.get(index):
                si = items[index]
                for child in list(si):
                    si.remove(child)
                etree.SubElement(si, f"{{{ns}}}t")
        self.replaced[name] = _serialize(root)

    def _recalculate_on_load(self, workbook, ns) -> None:
        # The workbook's formulas may refer to filled cells; their saved results are the template's.
        calc = workbook.find(f"{{{ns}}}calcPr")
        if calc is None:
            calc = etree.SubElement(workbook, f"{{{ns}}}calcPr")
            # calcPr comes before these in the schema
            for later in ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                          "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"):
                following = workbook.find(f"{{{ns}}}{later}")
                if following is not None:
                    following.addprevious(calc)
                    break
        calc.set("fullCalcOnLoad", "1")
        self.replaced["xl/workbook.xml"] = _serialize(workbook)

    # ------------------------------------------------------------------ rendering

    def render(self, context: dict) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for info, body in self.members:
                part = self.parts.get(info.filename)
                if part is not None:
                    body = self._render_part(part, context)
                else:
                    body = self.replaced.get(info.filename, body)
                archive.writestr(info.filename, body)
        return out.getvalue()

    def _render_part(self, part: _Part, context: dict) -> bytes:
        chunks = [part.pieces[0]]
        for slot, piece in zip(part.slots, part.pieces[1:]):
            if slot.kind == "cell" and slot.runs:
                chunks.append(self._rich_cell_xml(slot, context).encode("utf-8"))
            elif slot.kind == "cell":
                chunks.append(self._cell_xml(slot, _evaluate(slot, context)).encode("utf-8"))
            else:
                text = _clean_text(str(slot.template.render(context)), MAX_HEADER)
                if text.endswith("&") and not text.endswith("&&"):
                    text = text[:-1]  # a cut that leaves half of an "&&"
                chunks.append(_xml_text(text).encode("utf-8"))
            chunks.append(piece)
        return b"".join(chunks)

    def _cell_xml(self, slot: _Slot, value) -> str:
        p = slot.prefix
        tag = p + "c"
        attributes = dict(slot.attributes)
        style = slot.style
        body = ""
        if isinstance(value, bool):
            attributes["t"] = "b"
            body = f"<{p}v>{int(value)}</{p}v>"
        elif isinstance(value, (dt.date, dt.datetime)):
            serial = self._serial(value)
            if serial is None:  # before the workbook's first date: as text
                value = _date_text(value)
            else:
                style = slot.variants["datetime" if isinstance(value, dt.datetime) else "date"]
                body = f"<{p}v>{serial!r}</{p}v>"
        elif isinstance(value, (int, float)) and math.isfinite(value) and abs(value) < 2 ** 53:
            body = f"<{p}v>{value!r}</{p}v>"
        elif value is not None and not isinstance(value, str):
            value = str(value)
        if isinstance(value, str):
            value = _clean_text(value)
            if value:
                if value.startswith(FORMULA_START):
                    style = slot.variants["text"]
                attributes["t"] = "inlineStr"
                space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
                body = (f"<{p}is><{p}t{space}>{_xml_text(_escape_xstring(value))}"
                        f"</{p}t></{p}is>")
        if style:
            attributes["s"] = str(style)
        if "t" in attributes:  # Excel's own order: r, s, t
            attributes["t"] = attributes.pop("t")
        written = "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items()
                          if not k.startswith("{"))
        return f"<{tag}{written}>{body}</{tag}>" if body else f"<{tag}{written}/>"

    def _rich_cell_xml(self, slot: _Slot, context: dict) -> str:
        """A cell whose runs carry their own formatting, each run filled on its own."""
        p = slot.prefix
        runs, room = [], MAX_CELL
        for properties, template in slot.runs:
            text = INVALID_XML_CHARS.sub("", str(template.render(context)))[:max(room, 0)]
            room -= len(text)
            if text:
                runs.append((properties, text))
        whole = "".join(text for _, text in runs)
        if not whole:
            return self._cell_xml(slot, "")
        attributes = dict(slot.attributes)
        style = slot.variants["text"] if whole.startswith(FORMULA_START) else slot.style
        if style:
            attributes["s"] = str(style)
        attributes["t"] = "inlineStr"
        written = "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items()
                          if not k.startswith("{"))
        body = "".join(f'<{p}r>{properties}<{p}t xml:space="preserve">'
                       f"{_xml_text(_escape_xstring(text))}</{p}t></{p}r>" for properties, text in runs)
        return f"<{p}c{written}><{p}is>{body}</{p}is></{p}c>"

    def _serial(self, value):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month,
                                                                         value.day)
        moment = moment.replace(tzinfo=None)
        days = (moment - self.epoch).total_seconds() / 86400
        if self.epoch.year == 1899 and moment < dt.datetime(1900, 3, 1):
            days -= 1  # Excel counts 29 February 1900, which did not exist
        if days < 1 if self.epoch.year == 1899 else days < 0:
            return None
        return int(days) if days == int(days) else round(days, 10)


def _drop_cached_result(cell, ns: str) -> None:
    """A formula's saved result is the template's: =LEN(B3) would show the length of the placeholder.
    Without one, LibreOffice (which ignores fullCalcOnLoad) calculates the formula when it opens the
    file, as Excel does with fullCalcOnLoad; t= only describes that saved result."""
    for value in cell.findall(f"{{{ns}}}v"):
        cell.remove(value)
    cell.attrib.pop("t", None)


def _evaluate(slot: _Slot, context: dict):
    if not slot.single:
        return slot.template.render(context)
    value = slot.template(**context)
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return not_a_function(value)


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _placeholder_paths(env, source: str) -> list[str]:
    """The dotted names a template prints or tests ("medewerker.naam", "kwaliteiten[0].sterk"),
    without the names it sets itself (loop variables, {% set %})."""
    try:
        tree = env.parse(source)
    except Exception:  # noqa: BLE001 - the compile step that follows says what is wrong
        return []
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    paths: list[str] = []

    def walk(node):
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = _path(node)
            if path and path.split(".")[0].split("[")[0] not in own | set(env.globals):
                if path not in paths:
                    paths.append(path)
                return
        for child in node.iter_child_nodes():
            walk(child)

    walk(tree)
    return paths


def _path(node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name if node.ctx == "load" else None
    if not isinstance(node, (nodes.Getattr, nodes.Getitem)):
        return None  # ''.__class__: not a name from the plan
    parent = _path(node.node)
    if parent is None:
        return None
    if isinstance(node, nodes.Getattr):
        return f"{parent}.{node.attr}"
    if isinstance(node.arg, nodes.Const):
        return f"{parent}[{node.arg.value!r}]" if isinstance(node.arg.value, str) else \
            f"{parent}[{node.arg.value}]"
    return parent
