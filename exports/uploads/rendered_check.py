"""Is a filled-in template still a document? Checked on the result, not on the template: a loop that
opens in one table row and closes in another (`{%tr for %}` with a plain `{% endfor %}`) passes every
placeholder check, yet the filled document is broken XML that Word refuses or "repairs"."""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from exports.word.engine import TemplateProblem

# Parts that must parse as XML; media, fonts and the like are left alone.
XML_PART = re.compile(r"(\.xml|\.rels)$", re.I)
WORD_PARTS = {"word/document.xml": "de hoofdtekst", "word/footnotes.xml": "de voetnoten",
              "word/endnotes.xml": "de eindnoten"}
KIND = {"docx": "Word-document", "xlsx": "Excel-werkmap"}
# The parts of one Word document whose pictures share one numbering (wp:docPr ids).
PICTURE_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
DOC_PR_ID = re.compile(rb'<wp:docPr\b[^>]*?\sid="(\d+)"')
WORD_FIX = ("Dit gebeurt meestal als een lus of een als-blok in de ene tabelrij of alinea begint en in "
            "een andere eindigt. Gebruik {%tr for … %} en {%tr endfor %} in tabelrijen, {%tc … %} in "
            "cellen en {%p if … %} / {%p endif %} voor hele alinea's, en zet het begin en het einde in "
            "dezelfde soort plaats.")


def _parser():
    # No entities, no DTD, no network: the part is only checked for being well formed.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _place(part: str) -> str:
    if part in WORD_PARTS:
        return WORD_PARTS[part]
    match = re.match(r"word/(header|footer)\d*\.xml$", part)
    if match:
        return "een koptekst" if match.group(1) == "header" else "een voettekst"
    match = re.match(r"xl/worksheets/sheet(\d+)\.xml$", part)
    if match:
        return f"werkblad {match.group(1)}"
    return f"het onderdeel {part}"


def part_stamps(package: bytes) -> dict[str, tuple[int, int]]:
    """{part: (CRC-32, size)} of a package, read from the zip's directory: no part is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            return {info.filename: (info.CRC, info.file_size) for info in archive.infolist()}
    except zipfile.BadZipFile:
        return {}


def check_rendered(doc: bytes, fmt: str, thorough: bool = False,
                   unchanged: dict[str, tuple[int, int]] | None = None) -> None:
    """Raise TemplateProblem, in Dutch with the fix, unless doc is a well-formed package: a readable
    zip whose XML parts all parse; thorough also has python-docx or openpyxl open it.
    unchanged: part_stamps() of the template, whose parts the upload check has parsed already; a part
    of doc with the same CRC and size is the template's own and is not parsed again (a Word file's
    styles take most of the time of a check, and only the parts with placeholders change)."""
    kind = KIND.get(fmt, "document")
    unchanged = {} if thorough else (unchanged or {})
    try:
        archive = zipfile.ZipFile(io.BytesIO(doc))
    except zipfile.BadZipFile as exc:
        raise TemplateProblem(f"Het ingevulde sjabloon is geen geldig {kind} meer.") from exc
    with archive:
        pictures: dict[bytes, str] = {}
        for info in archive.infolist():
            if not XML_PART.search(info.filename):
                continue
            same = unchanged.get(info.filename) == (info.CRC, info.file_size)
            if same and not (fmt == "docx" and PICTURE_PARTS.match(info.filename)):
                continue
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise TemplateProblem(f"Het ingevulde sjabloon is geen geldig {kind} meer.") from exc
            if fmt == "docx" and PICTURE_PARTS.match(info.filename):
                _unique_pictures(content, info.filename, pictures)
            if same:
                continue
            try:
                etree.fromstring(content, _parser())
            except etree.XMLSyntaxError as exc:
                fix = f" {WORD_FIX}" if fmt == "docx" else ""
                raise TemplateProblem(
                    f"Het ingevulde sjabloon is geen geldig {kind}: in {_place(info.filename)} "
                    f"sluiten de onderdelen niet goed op elkaar aan.{fix}") from exc
    if thorough:
        _open_with_library(doc, fmt, kind)


def _unique_pictures(content: bytes, part: str, seen: dict[bytes, str]) -> None:
    """Two pictures with one id (wp:docPr): Word says the document is damaged and offers to repair."""
    if b"docPr" not in content:
        return
    for match in DOC_PR_ID.finditer(content):
        number = match.group(1)
        if number in seen:
            raise TemplateProblem(
                f"Het ingevulde sjabloon is geen geldig Word-document: in {_place(part)} hebben twee "
                f"afbeeldingen hetzelfde nummer ({number.decode()}), waarna Word meldt dat het bestand "
                "beschadigd is. Dit gebeurt bij een afbeelding in een herhaald stuk; meld het aan de "
                "beheerder van de applicatie, met het sjabloon erbij.")
        seen[number] = part


def _open_with_library(doc: bytes, fmt: str, kind: str) -> None:
    try:
        if fmt == "docx":
            from docx import Document
            Document(io.BytesIO(doc))
        else:
            from openpyxl import load_workbook
            load_workbook(io.BytesIO(doc))
    except Exception as exc:  # noqa: BLE001 - either library fails in many ways on a broken file
        raise TemplateProblem(f"Het ingevulde sjabloon kan niet als {kind} worden geopend. Sla het "
                              "sjabloon opnieuw op in Word of Excel en upload het nog eens.") from exc
