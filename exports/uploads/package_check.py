"""Checks on the file itself before it is read as a template: size, a real Office package of the right
kind, no macros, no zip bomb, nothing fetched from or started outside the file. Each problem is a Dutch
sentence that says what was found and where.

A template reaches the server (LibreOffice makes a PDF of every plan and fetches what a document links
to: a request from the server to any address the template names) and every employee's PC (Word and
Excel fetch linked content, attached templates from the network, data sources of a mail merge, and run
embedded objects). An HR account can be phished, so an upload is treated as hostile: every
relationship, element and formula is looked at the way Office reads it (part names and values without
regard to case or surrounding spaces, character references resolved), and anything that reaches
outside is refused. Only hyperlinks to web and e-mail addresses may stay (they are followed only when
clicked, and LibreOffice never follows them), and the local path of the Word template the document was
made from (Word writes that itself, and a path on the PC fetches nothing)."""
from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote
from xml.parsers import expat

from exports.word.engine import TemplateProblem
from exports.uploads.formulas import outside_reach

MAX_UPLOAD = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024  # a real template unpacks to a few MB; far more is a zip bomb
MAX_MEMBERS = 2000
MAX_RATIO = 200  # deflate reaches ~10x on XML; a bomb reaches thousands
MAX_DEPTH = 2  # a chart's workbook inside a document; Office nests no deeper
MAX_MESSAGES = 5  # enough to fix in one go, short enough to read
# The preview (LibreOffice, then pdftoppm) and every PDF of a plan decode each picture and lay out each
# sheet's used area: a 20000x20000 picture (400 million pixels, 1.6 GB decoded) or one cell at
# XFD1048576 (a print area of 17 billion cells) never finish. A photo from a phone has 12 to 50
# million pixels; a POP form uses a few hundred rows and a few dozen columns.
MAX_PIXELS = 60_000_000
MAX_ROW = 10_000
MAX_COLUMN = 702  # ZZ

RELATIONSHIP_NS = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships"}
VML_OFFICE_NS = "urn:schemas-microsoft-com:office:office"
# Formulas live in these (x14 extensions keep theirs in xm:f).
FORMULA_NS = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              "http://purl.oclc.org/ooxml/spreadsheetml/main",
              "http://schemas.microsoft.com/office/excel/2006/main"}
FORMULA_ELEMENTS = {"f", "formula", "formula1", "formula2", "definedName", "calculatedColumnFormula",
                    "totalsRowFormula"}
# The elements the reader of a part acts on; a part without any of them is not read at all.
WATCHED_ELEMENTS = {"instrText", "fldChar", "fldSimple", "OLEObject", "oleObject", "objectEmbed",
                    "objectLink", "imagedata", "fill", "stroke", "mailMerge", "c", "sqref",
                    "dataValidation", "conditionalFormatting", *FORMULA_ELEMENTS}
# Searched as plain bytes (a regular expression over a large part is slower than the parse it
# saves); <f> is looked for apart, its one letter being in every tag.
WATCHED_BYTES = [n.encode() for n in WATCHED_ELEMENTS if len(n) > 1] + [b"<!DOCTYPE", b"<!ENTITY"]
FORMULA_TAG = re.compile(rb"[<:]f[\s/>]")
UTF8_DECLARATION = re.compile(rb'^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*?encoding=["\'](?i:utf-?8)["\']'
                              rb'|<\?xml(?![^>]*encoding)|<(?!\?xml))')
HYPERLINK_ELEMENTS = {"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"}
# Word fields that read another file or address, or start a program, when Word updates them.
OUTSIDE_FIELDS = {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "IMPORT"}
MAIL_MERGE_LINKS = {"dataSource", "headerSource", "connectString", "query", "src", "udl"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
DATA_SOURCE = re.compile(r"data source\s*=\s*\"?([^;\"]+)", re.IGNORECASE)

WORD_PLACES = [  # (pattern on the part name, Dutch name of the place)
    (r"word/document\.xml$", "de hoofdtekst"),
    (r"word/header\d*\.xml$", "een koptekst"),
    (r"word/footer\d*\.xml$", "een voettekst"),
    (r"word/footnotes\.xml$", "de voetnoten"),
    (r"word/endnotes\.xml$", "de eindnoten"),
    (r"word/comments[a-z]*\.xml$", "de opmerkingen"),
    (r"word/settings\.xml$", "de instellingen"),
    (r"word/websettings\.xml$", "de webinstellingen"),
    (r"word/(styles|styleswitheffects)\.xml$", "de opmaakprofielen"),
    (r"word/numbering\.xml$", "de opsommingstekens en nummering"),
    (r"word/fonttable\.xml$", "de lettertypen"),
    (r"word/glossary/", "de bouwstenen"),
    (r"(word|xl)/charts/", "een grafiek"),
    (r"(word|xl)/diagrams/", "een SmartArt-afbeelding"),
    (r"(word|xl)/theme/", "het thema"),
    (r"xl/workbook\.xml$", "de werkmap"),
    (r"xl/drawings/", "een tekening op een blad"),
    (r"xl/externallinks/", "een koppeling naar een andere werkmap"),
    (r"xl/connections\.xml$", "de gegevensverbindingen"),
    (r"docprops/", "de documenteigenschappen"),
    (r"customxml/", "de aangepaste XML-gegevens"),
    (r"xl/worksheets/", "een blad"),
]


def check_package(data: bytes, fmt: str) -> None:
    """The file itself: size, a real Office package of the right kind, no macros, no zip bomb, nothing
    that reaches outside the file. Raises TemplateProblem with every problem found (at most a few)."""
    kind = "Word-document (.docx)" if fmt == "docx" else "Excel-werkmap (.xlsx)"
    if len(data) > MAX_UPLOAD:
        raise TemplateProblem(f"Het bestand is {len(data) / 1024 / 1024:.1f} MB; een sjabloon mag "
                              "hoogstens 10 MB zijn.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem(f"Dit is geen {kind}. Sla het bestand in Word of Excel op als {kind}.")
    this = "Dit Word-document" if fmt == "docx" else "Deze Excel-werkmap"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        package = _Package(archive, this, _Budget(MAX_UNPACKED), depth=0, fmt=fmt)
        problems = package.check()
    if problems:
        shown = problems[:MAX_MESSAGES]
        if len(problems) > MAX_MESSAGES:
            shown.append(f"En nog {len(problems) - MAX_MESSAGES} andere dergelijke plaatsen.")
        raise TemplateProblem(" ".join(shown))
    required = "word/document.xml" if fmt == "docx" else "xl/workbook.xml"
    if required not in package.parts:
        raise TemplateProblem(f"Dit is geen {kind}.")


class _Budget:
    """Bytes that may still be unpacked, shared by a package and the packages embedded in it."""

    def __init__(self, left: int):
        self.left = left

    def take(self, size: int) -> bool:
        self.left -= size
        return self.left >= 0


@dataclass
class _Relationship:
    type: str  # the last part of its type, in lower case: "image", "hyperlink", "attachedtemplate"
    target: str  # as written
    external: bool
    allowed: str | None = None  # "hyperlink" or "template": external, but allowed where it is used


def part_name(name: str) -> str:
    """A zip member's name as Office compares it: without regard to case, backslashes as slashes,
    %-escapes resolved (a part name is a URI)."""
    return unquote(name.replace("\\", "/")).lstrip("/").lower()


def _clean(value: str | None) -> str:
    """An attribute value as Office compares it: the spaces, tabs and line breaks around it (written
    as characters or as references like &#9;) do not count."""
    return (value or "").strip(" \t\r\n\f\v\x00\u00a0\u200b\ufeff")


def _absolute(target: str) -> bool:
    """A target that names a place outside the package, whatever its TargetMode says."""
    target = unquote(target).replace("\\", "/")
    return target.startswith("//") or bool(SCHEME.match(target))


def network_path(target: str) -> bool:
    """Whether a Word template's path is on another machine (a share, a web address) rather than on
    the PC itself (C:\\..., file:///C:/..., a path relative to the document)."""
    path = unquote(target).replace("\\", "/").strip()
    if path.startswith("//"):
        return True  # \\host\share, \\?\UNC\host, \\host@SSL\DavWWWRoot (WebDAV)
    scheme = SCHEME.match(path)
    if not scheme:
        return False
    name = scheme.group(1).lower()
    if len(name) == 1:
        return False  # a drive letter: C:\...
    if name != "file":
        return True  # http, https, ftp, webdav, smb...
    rest = path[len("file:"):]
    if rest.startswith("///"):
        return rest[3:].startswith("/")  # file:////host/share is a share; file:///C:/ a drive
    if rest.startswith("//"):
        return rest[2:].split("/", 1)[0].lower() not in ("", "localhost")  # file://host/share
    return False


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class _Package:
    def __init__(self, archive: zipfile.ZipFile, this: str, budget: _Budget, depth: int, fmt: str):
        self.archive = archive
        self.fmt = fmt
        self.this = this  # "Dit Word-document": how the messages name the file
        self.budget = budget
        self.depth = depth
        self.parts: dict[str, zipfile.ZipInfo] = {}
        self.types: dict[str, str] = {}  # part -> content type, lower case
        self.defaults: dict[str, str] = {}  # extension -> content type, lower case
        self.rels: dict[str, dict[str, _Relationship]] = {}  # source part -> Id -> relationship
        self.sheets: dict[str, str] = {}  # worksheet part -> the sheet's name
        self.problems: list[str] = []
        self.once: dict[str, str] = {}  # kind of problem -> its message, for those named once
        self.objects: dict[tuple[str, str], list[str]] = {}  # (ole|activex, place) -> programs
        self.loose_objects: dict[str, str] = {}  # kind -> place of an object part nothing refers to
        # A mail merge's data source as its settings and its relationship name it ("" when they do
        # not); the settings' connection string names the file most plainly.
        self.merge_sources: list[str] = []
        self.merge_links: list[str] = []
        self.referrers: dict[str, str] = {}  # part -> the part whose relationship names it

    # ------------------------------------------------------------ the whole package

    def check(self) -> list[str]:
        members = self.archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise TemplateProblem("Het bestand bevat ongewoon veel onderdelen en wordt niet vertrouwd.")
        unpacked = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        if unpacked / packed > MAX_RATIO or not self.budget.take(unpacked):
            raise TemplateProblem("Het bestand pakt uit tot veel meer dan het groot is (een 'zip-bom') "
                                  "en wordt niet vertrouwd.")
        for member in members:
            name = part_name(member.filename)
            if name in self.parts:
                # Two parts Office takes for one: which one it reads is not what this check read.
                raise TemplateProblem(f"{self.this} bevat het onderdeel {name} twee keer en wordt niet "
                                      "vertrouwd. Open het en sla het opnieuw op.")
            self.parts[name] = member
        self._content_types()
        self._macros()
        reader = _RelationshipReader()
        for name in self.parts:
            if name.endswith(".rels"):
                reader.name = name
                self._parse(name, reader)
        # Sheet names first: a relationship of a sheet is named by the sheet it belongs to.
        self._sheet_names([attrs for name, attrs in reader.found if name == "xl/_rels/workbook.xml.rels"])
        for name, attrs in reader.found:
            self.relationship(name, attrs)
        for name in self.parts:
            if not name.endswith(".rels") and name != "[content_types].xml":
                self._part(name)
        found = {kind for kind, _ in self.objects}
        for kind, where in self.loose_objects.items():
            if kind not in found:
                self.found_object(kind, where)
        if self.merge_sources or self.merge_links:
            sources = self.merge_sources + self.merge_links
            self.problems.insert(0, self.mail_merge(next((s for s in sources if s), "")))
        return list(dict.fromkeys(self._object_messages() + self.problems))

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(self.parts[name])
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError,
                ValueError, OSError) as exc:  # a damaged member, encryption, unknown compression
            raise self.damaged() from exc

    def damaged(self) -> TemplateProblem:
        return TemplateProblem(f"{self.this} is beschadigd en kan niet worden gelezen. Open het en sla "
                               "het opnieuw op.")

    def _content_types(self) -> None:
        if "[content_types].xml" in self.parts:
            self._parse("[content_types].xml", _ContentTypeReader(self))

    def content_type(self, name: str) -> str:
        return self.types.get(name) or self.defaults.get(name.rsplit(".", 1)[-1], "")

    def _macros(self) -> None:
        # A macro part may have any name, so its content type counts as much as its name; Excel 4
        # macro sheets are macros as well.
        types = list(self.types.values()) + list(self.defaults.values())
        if any("vbaproject" in n or "macrosheets/" in n for n in self.parts) or any(
                "macroenabled" in t or "vbaproject" in t or "macrosheet" in t for t in types):
            plain = ("het op als gewoon Word-document (.docx)" if self.fmt == "docx"
                     else "de werkmap op als gewone Excel-werkmap (.xlsx)")
            raise TemplateProblem(f"Dit bestand bevat macro's. Sla {plain} zonder macro's en upload "
                                  "het opnieuw.")

    def _sheet_names(self, workbook_rels: list[dict]) -> None:
        if "xl/workbook.xml" in self.parts:
            targets = {_clean(a.get("Id")): _clean(a.get("Target")) for a in workbook_rels
                       if "".join((a.get("TargetMode") or "").split()).lower() in ("", "internal")}
            self._parse("xl/workbook.xml", _SheetNameReader(self, targets))

    def _part(self, name: str) -> None:
        content_type = self.content_type(name)
        file = name.rsplit("/", 1)[-1]
        if "activex" in name or "activex" in content_type:
            self.loose_objects.setdefault("activex", self.place(name))
        elif "oleobject" in content_type or (file.endswith(".bin") and "embeddings/" in name):
            self.loose_objects.setdefault("ole", self.place(name))
        if re.match(r"xl/externallinks/", name) or "externallink" in content_type:
            self.refuse("externallink", f"{self.this} is gekoppeld aan een andere werkmap. Verbreek "
                        "de koppeling in Excel (Gegevens → Koppelingen bewerken → Koppeling "
                        "verbreken) en upload de werkmap opnieuw.")
        if name in ("xl/connections.xml",) or name.startswith("xl/querytables/") \
                or "connections+xml" in content_type or "querytable" in content_type:
            self.refuse("connection", f"{self.this} haalt gegevens op via een gegevensverbinding "
                        "(een query of een koppeling met een database of webpagina). Verwijder de "
                        "verbinding in Excel (Gegevens → Query's en verbindingen) en upload de werkmap "
                        "opnieuw.")
        data = self.read(name)
        if data.startswith(b"PK\x03\x04"):
            self._embedded(name, data)
            return
        strict = name.endswith((".xml", ".vml")) or content_type.endswith("xml")
        head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not (strict or head.startswith(b"<") or data[:2] in (b"\xff\xfe", b"\xfe\xff")):
            self._picture_size(name, data)
            return  # an image, a font, an object's binary: nothing an XML reader would see
        if name in self.sheets:
            self._used_area(name, data)
        reader = _PartReader(self, name)
        # Element names cannot be written as character references, so a UTF-8 part in which none of
        # the watched names occurs holds nothing to refuse (checking its XML is the compiler's job).
        if reader.watched or not UTF8_DECLARATION.match(data) or _watched(data):
            self._parse(name, reader, data, strict)

    def _picture_size(self, name: str, data: bytes) -> None:
        size = picture_size(data)
        if size and size[0] * size[1] > MAX_PIXELS:
            label = self.parts[name].filename.replace("\\", "/").rsplit("/", 1)[-1]
            where = self.place(self.referrers.get(name, name))
            self.problems.append(
                f"{self.this} bevat in {where} een afbeelding ({label}) van {size[0]} bij {size[1]} "
                f"beeldpunten; daarvan kan geen voorbeeld of PDF worden gemaakt. Verklein de "
                f"afbeelding (hoogstens {MAX_PIXELS // 1_000_000} miljoen beeldpunten, bijvoorbeeld "
                "4000 bij 3000) en upload het bestand opnieuw.")

    def _used_area(self, name: str, data: bytes) -> None:
        far = far_cell(data)
        if far:
            sheet = self.sheets[name] or "een blad"
            self.problems.append(
                f"{self.this} heeft op {sheet} een cel ver buiten het formulier ({far}); Excel en "
                "LibreOffice drukken dan een blad van miljoenen lege cellen af, en het voorbeeld en de "
                f"PDF worden nooit klaar. Wis de rijen onder en de kolommen rechts van het formulier "
                f"(hoogstens rij {MAX_ROW} en kolom {column_name(MAX_COLUMN)}), sla op en upload de "
                "werkmap opnieuw.")

    def _embedded(self, name: str, data: bytes) -> None:
        """A workbook inside the document (a chart's data, opened in Excel when someone edits the
        chart) is checked like an upload: it reaches every PC as well."""
        label = self.parts[name].filename.replace("\\", "/").rsplit("/", 1)[-1]
        where = self.place(self.referrers.get(name, name))
        if self.depth + 1 > MAX_DEPTH:
            self.problems.append(f"{self.this} bevat bestanden in bestanden in bestanden ({label}); "
                                 "zo diep nesten Word en Excel niet. Verwijder het ingesloten bestand.")
            return
        try:
            inner_archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise self.damaged() from exc
        with inner_archive:
            inner_fmt = "xlsx" if any(n.lower() == "xl/workbook.xml" for n in inner_archive.namelist()) \
                else "docx"
            inner = _Package(inner_archive, "Dit bestand", self.budget, self.depth + 1, inner_fmt)
            try:
                problems = inner.check()
            except TemplateProblem as exc:
                problems = [str(exc)]
        for problem in problems:
            if problem.split(" ", 1)[0] in ("Dit", "Deze", "De", "Het", "In", "En"):
                problem = problem[0].lower() + problem[1:]
            self.problems.append(f"In het ingesloten bestand ‘{label}’ ({where}): {problem}")

    def _parse(self, name: str, reader, data: bytes | None = None, strict: bool = True) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True

        def no_dtd(*_args):
            # Office never writes a DTD; entities are how values are hidden from a check like this
            # one, and how a parser is made to read files or to explode.
            raise self.damaged()

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        try:
            parser.Parse(self.read(name) if data is None else data, True)
        except expat.ExpatError as exc:
            if strict:
                raise self.damaged() from exc
        reader.finish()

    # ------------------------------------------------------------ places and messages

    def place(self, name: str) -> str:
        if name in self.sheets:
            return f"blad {self.sheets[name]}"
        for pattern, place in WORD_PLACES:
            if re.match(pattern, name):
                return place
        return f"het onderdeel {name}" if name else "het pakket zelf"

    def refuse(self, kind: str, message: str) -> None:
        """A problem named once per package however often it occurs (a workbook linked to another
        in twenty cells, a mail merge named by its settings and by its relationship)."""
        if kind not in self.once:
            self.once[kind] = message
            self.problems.append(message)

    def found_object(self, kind: str, where: str, program: str = "") -> None:
        """An embedded object or ActiveX control: named once per place, with its programs."""
        programs = self.objects.setdefault((kind, where), [])
        if program and program not in programs:
            programs.append(program)

    def _object_messages(self) -> list[str]:
        messages = []
        for (kind, where), programs in self.objects.items():
            if kind == "activex":
                messages.append(self.activex(where))
            else:
                messages.append(self.ole(", ".join(programs), where))
        return messages

    def ole(self, program: str, where: str) -> str:
        what = f"een ingesloten object ({program})" if program else "een ingesloten object"
        return (f"{self.this} bevat {what} in {where}. Een ingesloten object kan bij het openen een ander "
                "programma starten en wordt daarom niet aangenomen. Verwijder het object, of plak de "
                "inhoud als gewone tekst, tabel of afbeelding.")

    def activex(self, where: str) -> str:
        return (f"{self.this} bevat een ActiveX-besturingselement in {where}. Zo'n element voert code "
                "uit op de pc van wie het bestand opent. Gebruik een inhoudsbesturingselement "
                "(Ontwikkelaars → Besturingselementen) of gewone tekst.")

    def external(self, what: str, target: str, where: str) -> str:
        return (f"{self.this} haalt inhoud van buiten het bestand op: {what} in {where} is gekoppeld "
                f"aan ‘{_short(target)}’. Sla afbeeldingen en objecten in het bestand zelf op, niet als "
                "koppeling (in Word: Bestand → Info → Koppelingen met bestanden bewerken → Koppeling "
                "verbreken), en upload het opnieuw.")

    def mail_merge(self, source: str) -> str:
        named = f" ({_short(source)})" if source else ""
        return (f"{self.this} is een samenvoegdocument dat nog gekoppeld is aan een gegevensbron{named}. "
                "Word opent die gegevensbron bij elke medewerker die een export opent. Ontkoppel de "
                "gegevensbron in Word (Verzendlijsten → Afdruk samenvoegen starten → Normaal "
                "Word-document) of sla het op als gewoon document, en upload het opnieuw.")

    # ------------------------------------------------------------ relationships

    def relationship(self, rels_part: str, attrs: dict) -> None:
        source = _source_of(rels_part)
        where = self.place(source) if source is not None else "het pakket zelf"
        rel_id = _clean(attrs.get("Id"))
        full_type = _clean(attrs.get("Type")).lower()
        rel_type = full_type.rstrip("/").rsplit("/", 1)[-1]
        target = _clean(attrs.get("Target"))
        mode = "".join((attrs.get("TargetMode") or "").split()).lower()
        # Only "Internal" (or nothing) is internal: an unknown mode is read as external by some
        # reader, and a target that is a web address or a share is one whatever the mode says.
        external = mode not in ("", "internal") or _absolute(target)
        rel = _Relationship(rel_type, target, external)
        known = self.rels.setdefault(source or "", {})
        if rel_id in known:
            raise TemplateProblem(f"{self.this} bevat twee koppelingen met dezelfde naam ({rel_id}) in "
                                  f"{where} en wordt niet vertrouwd. Open het en sla het opnieuw op.")
        known[rel_id] = rel
        if not external and source is not None:
            path = target.replace("\\", "/")
            path = path[1:] if path.startswith("/") else posixpath.join(posixpath.dirname(source), path)
            self.referrers.setdefault(part_name(posixpath.normpath(path)), source)
        if "oleobject" in rel_type:
            self.found_object("ole", where)
        elif rel_type in ("control", "activexcontrolbinary") or "activex" in full_type:
            self.found_object("activex", where)
        elif rel_type == "afchunk":
            self.problems.append(
                f"{self.this} bevat in {where} een ingevoegd stuk uit een ander bestand (bijvoorbeeld "
                "HTML of RTF) dat pas bij het openen wordt omgezet en daarbij afbeeldingen van elders "
                "kan ophalen. Kopieer de inhoud als gewone tekst in het document en upload het opnieuw.")
        elif not external:
            return
        elif "mailmerge" in full_type or "recipientdata" in full_type:
            self.merge_links.append(target)
        elif "externallink" in full_type or "xlpathmissing" in full_type:
            self.refuse("externallink", f"{self.this} is gekoppeld aan een andere werkmap "
                        f"(‘{_short(target)}’). Verbreek de koppeling in Excel (Gegevens → Koppelingen "
                        "bewerken → Koppeling verbreken) en upload de werkmap opnieuw.")
        elif rel_type == "hyperlink":
            if re.match(r"(https?://|mailto:)", unquote(target).lower()):
                rel.allowed = "hyperlink"
            else:
                self.problems.append(
                    f"De koppeling naar ‘{_short(target)}’ in {where} is geen webadres (http:// of "
                    "https://) of e-mailadres (mailto:). Een sjabloon mag alleen naar een webpagina of "
                    "e-mailadres koppelen; pas de koppeling aan of verwijder hem.")
        elif rel_type == "attachedtemplate":
            if network_path(target):
                self.problems.append(self.remote_template(target))
            else:
                rel.allowed = "template"
        else:
            self.problems.append(self.external(_WHAT.get(rel_type, "een onderdeel"), target, where))

    def remote_template(self, target: str) -> str:
        return (f"{self.this} haalt inhoud van buiten het bestand op: het is gekoppeld aan een "
                f"documentsjabloon op het netwerk of internet (‘{_short(target)}’). Word haalt dat "
                "sjabloon op bij elke medewerker die een export opent, en zo kan een sjabloon met "
                "macro's binnenkomen. Koppel het document in Word aan Normal.dotm (Ontwikkelaars → "
                "Documentsjabloon) en upload het opnieuw.")


# ---------------------------------------------------------------- sizes read from headers

_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})[\"']")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d{1,7})[\"']")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']{1,40})[\"']")
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_name(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def far_cell(sheet: bytes) -> str | None:
    """The first cell (or row, or the sheet's stated used area) past MAX_ROW or MAX_COLUMN, as
    Excel names it; None when the sheet stays within. Read from the raw XML, as fast as a search."""
    for match in _CELL.finditer(sheet):
        letters, row = match.group(1).decode(), int(match.group(2))
        if row > MAX_ROW or column_number(letters) > MAX_COLUMN:
            return f"{letters.upper()}{row}"
    for match in _ROW.finditer(sheet):
        if int(match.group(1)) > MAX_ROW:
            return f"rij {int(match.group(1))}"
    dimension = _DIMENSION.search(sheet)
    if dimension:
        for letters, row in _REFERENCE.findall(dimension.group(1).decode("latin-1")):
            if int(row) > MAX_ROW or column_number(letters) > MAX_COLUMN:
                return f"{letters.upper()}{int(row)}"
    return None


def picture_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG, GIF, BMP, JPEG or TIFF header; None for anything else
    (a vector drawing, a font) or a header that cannot be read."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"BM":
            width, height = struct.unpack("<ii", data[18:26])
            return abs(width), abs(height)
        if data[:2] == b"\xff\xd8":
            return _jpeg_size(data)
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        # Start of frame (baseline, progressive, lossless...): height, then width.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    order = "<" if data[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", data[4:8])[0]
    count = struct.unpack(order + "H", data[offset:offset + 2])[0]
    size = {}
    for n in range(min(count, 500)):
        entry = data[offset + 2 + 12 * n: offset + 14 + 12 * n]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):  # ImageWidth, ImageLength: SHORT (3) or LONG (4)
            size[tag] = struct.unpack(order + ("H" if kind == 3 else "I"), entry[8:10 if kind == 3 else 12])[0]
    return (size[256], size[257]) if len(size) == 2 else None


_WHAT = {
    "image": "een afbeelding", "frame": "een frame", "subdocument": "een subdocument",
    "package": "een ingesloten bestand", "chart": "een grafiek", "audio": "geluid", "video": "een video",
    "media": "geluid of video", "font": "een lettertype", "oleobject": "een object",
    "slide": "een dia", "diagramdata": "een SmartArt-afbeelding", "transform": "een XSLT-omzetting",
    "customxml": "aangepaste XML-gegevens", "attachedschema": "een XML-schema",
}


def _watched(data: bytes) -> bool:
    return any(name in data for name in WATCHED_BYTES) or (
        (b"<f" in data or b":f" in data) and FORMULA_TAG.search(data) is not None)


def _source_of(rels_part: str) -> str | None:
    """The part a relationships part belongs to: word/_rels/document.xml.rels -> word/document.xml,
    _rels/.rels -> "" (the package); None when it is not where Office looks for relationships."""
    folder, _, file = rels_part.rpartition("/")
    if not (folder == "_rels" or folder.endswith("/_rels")) or not file.endswith(".rels"):
        return None
    base = folder[: -len("_rels")]
    return base + file[: -len(".rels")]


def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition("}")
    return namespace, local


def _attr(attrs: dict, local: str) -> str | None:
    for key, value in attrs.items():
        if key == local or key.endswith("}" + local):
            return value
    return None


# ---------------------------------------------------------------- readers of one part each


class _Reader:
    def start(self, name, attrs):
        pass

    def end(self, name):
        pass

    def text(self, data):
        pass

    def finish(self):
        pass


class _ContentTypeReader(_Reader):
    def __init__(self, package: _Package):
        self.package = package

    def start(self, name, attrs):
        _, local = _local(name)
        content_type = _clean(attrs.get("ContentType")).lower()
        if local == "Override":
            self.package.types[part_name(_clean(attrs.get("PartName")))] = content_type
        elif local == "Default":
            self.package.defaults[_clean(attrs.get("Extension")).lower()] = content_type


class _RelationshipReader(_Reader):
    def __init__(self):
        self.name = ""
        self.found: list[tuple[str, dict]] = []  # (relationships part, attributes)

    def start(self, name, attrs):
        if _local(name)[1] == "Relationship":
            self.found.append((self.name, attrs))


class _SheetNameReader(_Reader):
    def __init__(self, package: _Package, targets: dict[str, str]):
        self.package = package
        self.targets = targets  # the workbook's relationships: Id -> target

    def start(self, name, attrs):
        if _local(name)[1] != "sheet":
            return
        rel_id = next((_clean(v) for k, v in attrs.items() if _local(k)[0] in RELATIONSHIP_NS), "")
        target = self.targets.get(rel_id)
        if target and not _absolute(target):
            target = target.replace("\\", "/")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            self.package.sheets[part_name(posixpath.normpath(path))] = attrs.get("name") or ""


class _PartReader(_Reader):
    """Every element of a Word or Excel part: objects, fields, linked pictures, the mail merge,
    formulas, and what refers to the hyperlinks and the template that are allowed."""

    def __init__(self, package: _Package, name: str):
        self.package = package
        self.name = name
        self.where = package.place(name)
        self.rels = package.rels.get(name, {})
        self.watched = any(rel.allowed for rel in self.rels.values())
        self.collecting: list[str] | None = None
        self.fields: list[dict] = []  # the complex fields open at this point, innermost last
        self.cell = ""
        self.defined_name = ""
        self.area: list | None = None  # [what, sqref, formulas] of a validation or conditional format
        self.mail_merge: list[str] | None = None

    def start(self, name, attrs):
        namespace, local = _local(name)
        if self.watched and attrs:
            for key, value in attrs.items():
                key_ns, key_local = _local(key)
                if key_ns in RELATIONSHIP_NS or (key_ns == VML_OFFICE_NS and key_local == "relid"):
                    self._reference(local, _clean(value))
        if local not in WATCHED_ELEMENTS and self.mail_merge is None:
            return
        if local == "instrText":
            self.collecting = []
        elif local == "fldChar":
            self._field_char(_clean(_attr(attrs, "fldCharType")).lower())
        elif local == "fldSimple":
            self._instruction(_attr(attrs, "instr") or "")
        elif local in ("OLEObject", "oleObject", "objectEmbed", "objectLink"):
            program = _attr(attrs, "ProgID") or _attr(attrs, "progId") or ""
            self.package.found_object("ole", self.where, _short(program, 40))
        elif local in ("imagedata", "fill", "stroke") and not namespace.endswith("/main"):
            for key in ("src", "href"):
                target = _clean(_attr(attrs, key))
                if target and _absolute(target):
                    self.package.problems.append(
                        self.package.external("een afbeelding", target, self.where))
        elif local == "mailMerge":
            self.mail_merge = []
        elif self.mail_merge is not None and local in MAIL_MERGE_LINKS:
            self.mail_merge.append(self._source(local, attrs))
        elif namespace in FORMULA_NS:
            if local == "c":
                self.cell = attrs.get("r") or ""
            elif local == "definedName":
                self.defined_name = attrs.get("name") or ""
            if local in FORMULA_ELEMENTS or (local == "sqref" and self.area is not None):
                self.collecting = []
        if local in ("dataValidation", "conditionalFormatting"):
            what = "de gegevensvalidatie" if local == "dataValidation" else "de voorwaardelijke opmaak"
            self.area = [what, attrs.get("sqref") or "", []]

    def text(self, data):
        if self.collecting is not None:
            self.collecting.append(data)

    def end(self, name):
        namespace, local = _local(name)
        if local not in WATCHED_ELEMENTS:
            return
        if self.collecting is not None and (local == "instrText" or namespace in FORMULA_NS):
            text = "".join(self.collecting)
            self.collecting = None
            if local == "instrText":
                if self.fields and not self.fields[-1]["done"]:
                    self.fields[-1]["text"].append(text)
            elif local == "sqref":
                self.area[1] = text
            else:
                self._formula(local, text)
        elif local == "mailMerge" and self.mail_merge is not None:
            if self.mail_merge:
                self.package.merge_sources.extend(self.mail_merge)
            self.mail_merge = None
        elif local in ("dataValidation", "conditionalFormatting") and self.area is not None:
            what, sqref, found = self.area
            sheet = self.package.sheets.get(self.name)
            where = f"{what} van {sheet}!{sqref}" if sheet and sqref else f"{what} in {self.where}"
            for formula, reach in found:
                self._refuse_formula(where, formula, reach)
            self.area = None

    # ------------------------------------------------------------ Word's fields

    def _field_char(self, kind: str) -> None:
        if kind == "begin":
            if self.fields and not self.fields[-1]["done"] and not "".join(
                    self.fields[-1]["text"]).strip():
                # The field's name is made by another field (DDEAUTO spelled by a QUOTE field):
                # what Word will run cannot be read here.
                self.package.problems.append(self._field_message("?"))
            self.fields.append({"text": [], "done": False})
        elif kind == "separate" and self.fields:
            self._close_instruction()
        elif kind == "end" and self.fields:
            self._close_instruction()
            self.fields.pop()

    def _close_instruction(self) -> None:
        field = self.fields[-1]
        if not field["done"]:
            field["done"] = True
            self._instruction("".join(field["text"]))

    def _instruction(self, instruction: str) -> None:
        words = instruction.split()
        if words and words[0].upper() in OUTSIDE_FIELDS:
            self.package.problems.append(self._field_message(words[0].upper()))

    def _field_message(self, field: str) -> str:
        return (f"{self.package.this} bevat in {self.where} een veld {field} dat inhoud van buiten het "
                "document ophaalt of een ander programma start zodra Word de velden bijwerkt. Verwijder "
                "het veld (Alt+F9 toont de veldcodes) of vervang het door gewone tekst of een "
                "ingevoegde afbeelding, en upload het document opnieuw.")

    # ------------------------------------------------------------ references and the mail merge

    def _reference(self, element: str, rel_id: str) -> None:
        """A hyperlink or Word template relationship is allowed only where a hyperlink or the
        template uses it: a picture or an object naming it would be fetched from its address."""
        rel = self.rels.get(rel_id)
        if rel is None or not rel.external or rel.allowed is None:
            return
        if rel.allowed == "hyperlink" and element in HYPERLINK_ELEMENTS:
            return
        if rel.allowed == "template" and element == "attachedTemplate":
            return
        if element == "attachedTemplate":
            self.package.problems.append(self.package.remote_template(rel.target))
        else:
            self.package.problems.append(self.package.external("een onderdeel", rel.target,
                                                               self.where))

    def _source(self, local: str, attrs: dict) -> str:
        if local in ("connectString", "query"):
            value = _attr(attrs, "val") or ""
            found = DATA_SOURCE.search(value)
            return found.group(1).strip() if found else ("" if local == "query" else value)
        rel_id = next((_clean(v) for k, v in attrs.items() if _local(k)[0] in RELATIONSHIP_NS), "")
        rel = self.rels.get(rel_id)
        return rel.target if rel else ""

    # ------------------------------------------------------------ Excel's formulas

    def _formula(self, local: str, text: str) -> None:
        reach = outside_reach(text)
        if reach is None:
            return
        if self.area is not None and local != "definedName":
            self.area[2].append((text, reach))
        elif local == "definedName":
            self._refuse_formula(f"de naam ‘{self.defined_name}’ in de werkmap", text, reach)
        elif local == "f" and self.cell and self.name in self.package.sheets:
            self._refuse_formula(f"{self.package.sheets[self.name]}!{self.cell}", text, reach)
        else:
            self._refuse_formula(self.where, text, reach)

    def _refuse_formula(self, where: str, formula: str, reach: str) -> None:
        self.package.problems.append(
            f"{where[0].upper()}{where[1:]}: de formule ‘={_short(formula.lstrip('='), 60)}’ gebruikt "
            f"{reach}. Een sjabloon mag niets van buiten de werkmap ophalen of starten; vervang de "
            "formule door een vaste waarde of een berekening binnen de werkmap.")
