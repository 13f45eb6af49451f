"""Word's own ways of marking a field, turned into placeholders before a template is compiled, so that
HR can upload the form the organisation already has:

- merge fields, as Word's mail merge writes them: <w:fldSimple w:instr=" MERGEFIELD Naam "> around its
  «Naam» result, or the complex form: fldChar begin, the instruction in one or more w:instrText runs,
  fldChar separate, the result runs «Naam», fldChar end. The value takes the formatting of the result
  run; the switches \\* Upper / Lower / FirstCap / Caps and \\b / \\f (text before / after, only when
  there is a value) are followed;
- legacy form fields (FORMTEXT, FORMCHECKBOX) named by their bookmark;
- content controls (w:sdt, in a paragraph, around paragraphs, cells or rows) whose tag or title names
  a field: the text (Word's grey "Klik of tik om tekst in te voeren.") becomes the value in the
  control's own formatting; date and list controls likewise;
- checkbox content controls (w14:checkbox) whose tag or title names an option (see
  exports/field_names.py): w14:checked and the symbol shown (the control's own checked and unchecked
  symbols, ☒/☐ when it names none) follow the answer.

Names are matched by exports.field_names.resolve. A marking whose name means nothing is left as it is
and reported (Fields.problems, in Dutch, saying where); the upload check refuses the template then.
Names in the instruction are matched, never the result text shown in Word: «Naam» may have been
retyped by hand.

The conversion works on the parsed XML and writes it back only when it changed something, so a
template with only {{ }} placeholders reaches docxtpl exactly as uploaded.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from exports import field_names

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Safe for untrusted XML: no entities expanded, nothing fetched.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
WORD_MARKINGS = re.compile(r"fldSimple|fldChar|<w:sdt[ >]")
PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
PLACEHOLDER_STYLES = ("placeholdertext", "tekstvantijdelijkeaanduiding")
# Content controls that are Word's own machinery, not a field: a table of contents, a page number
# gallery, a citation, an equation, a repeating section around rows.
STRUCTURAL = ("docPartObj", "docPartList", "citation", "bibliography", "equation", "group", "picture")
STRUCTURAL_W15 = ("repeatingSection", "repeatingSectionItem")
RUN_CONTENT = ("t", "tab", "br", "cr", "sym", "noBreakHyphen", "softHyphen")
CASE_SWITCHES = {"upper": "upper", "lower": "lower", "firstcap": "capitalize", "caps": "title"}
SWITCHES_WITH_TEXT = ("\\*", "\\b", "\\f", "\\@", "\\#")
INSTRUCTION_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|[“„]([^”“]*)[”“]|(\\[*@#A-Za-z])|(\S+)')
# Word's document-property controls (Insert > Quick Parts > Document Property, and the cover pages)
# are bound to a property of the file itself rather than named after a field: the package's core
# properties (title, author...), its extended properties (company...) or the cover page properties.
PROPERTY_STORES = ("{6C3C8BC8-F283-45AE-878A-BAB7291924A1}", "{6668398D-A668-4E3E-A5EB-62B293D839F1}",
                   "{55AF091B-3C7A-41E3-B477-F2FDAA23CFDA}")
PROPERTY_PATHS = re.compile(r"coreProperties|extended-properties|/ns\d+:Properties|CoverPageProperties")
# The two properties a plan has a value for; the others keep what the document says.
PROPERTY_VALUES = {"title": ("plan.formulier", "de titel van het formulier"),
                   "creator": ("medewerker.naam", "de naam van de medewerker")}
DEFAULT_NAMES = re.compile(r"^(tekst|text|selectievakje|check|vervolgkeuzelijst|dropdown)\d*$", re.I)

MARKING_WORDS = {"samenvoegvelden": ("samenvoegveld", "samenvoegvelden"),
                 "inhoudsbesturingselementen": ("inhoudsbesturingselement", "inhoudsbesturingselementen"),
                 "selectievakjes": ("selectievakje", "selectievakjes"),
                 "formuliervelden": ("formulierveld", "formuliervelden"),
                 "plaatshouders": ("plaatshouder", "plaatshouders")}

# How the message for a content control nobody named begins: a blank form uses such controls for its
# answers, and the upload view sends it to the blank-form proposal (pop/views/blank_forms.py).
UNNAMED_CONTROL = "Een inhoudsbesturingselement zonder titel of tag"


def q(tag: str, ns: str = W) -> str:
    return f"{{{ns}}}{tag}"


@dataclass
class Fields:
    """What the conversion found in a template's parts, for the upload check and its report."""

    found: list[tuple[str, str]] = field(default_factory=list)  # (placeholder path, what and where)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    markings: Counter = field(default_factory=Counter)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def describe_markings(markings) -> str:
    """'2 samenvoegvelden en 1 selectievakje', or 'geen velden' — for the refusal of a template in which
    nothing was recognised."""
    said = []
    for key, (one, many) in MARKING_WORDS.items():
        count = markings.get(key, 0)
        if count:
            said.append(f"{count} {one if count == 1 else many}")
    if not said:
        return "geen velden of plaatshouders"
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " en " + said[-1]


# ---------------------------------------------------------------- places

AREAS = ((re.compile(r"word/document\.xml$"), "de hoofdtekst"),
         (re.compile(r"word/header\d*\.xml$"), "de koptekst"),
         (re.compile(r"word/footer\d*\.xml$"), "de voettekst"),
         (re.compile(r"word/footnotes\.xml$"), "de voetnoten"),
         (re.compile(r"word/endnotes\.xml$"), "de eindnoten"))


class Places:
    """Where an element of a part is, as HR finds it: "de hoofdtekst, tabel 2, rij 3", "de koptekst, in
    een tekstvak"."""

    def __init__(self, root, part: str):
        self.area = next((name for pattern, name in AREAS if pattern.search(part)), part)
        self.tables = [t for t in root.iter(q("tbl")) if not any(a.tag == q("tbl") for a in t.iterancestors())]

    def of(self, element) -> str:
        parts = [self.area]
        ancestors = list(element.iterancestors())
        if any(a.tag == q("txbxContent") for a in ancestors):
            parts.append("in een tekstvak")
        tables = [a for a in ancestors if a.tag == q("tbl")]
        if tables and tables[-1] in self.tables:
            outer = tables[-1]
            number = self.tables.index(outer) + 1
            rows = [tr for tr in outer.iter(q("tr")) if _nearest(tr, "tbl") is outer]
            row = next((r for r in ancestors if r.tag == q("tr") and _nearest(r, "tbl") is outer), None)
            parts.append(f"tabel {number}, rij {rows.index(row) + 1}" if row is not None else f"tabel {number}")
        return ", ".join(parts)


def _nearest(element, tag: str):
    return next((a for a in element.iterancestors() if a.tag == q(tag)), None)


# ---------------------------------------------------------------- the conversion


def convert(xml: str, part: str, definition, fields: Fields) -> str:
    """The part's XML with Word's fields and content controls as placeholders; what was found and what
    could not be matched goes into fields."""
    fields.markings["plaatshouders"] += xml.count("{{") + xml.count("{%")
    if not WORD_MARKINGS.search(xml):
        return xml
    try:
        root = etree.fromstring(xml.encode("utf-8"), PARSER)
    except etree.XMLSyntaxError:
        return xml  # docxtpl and the rendered-document check speak about broken XML
    places = Places(root, part)
    converter = _Converter(definition, fields, places)
    changed = converter.simple_fields(root)
    changed |= converter.complex_fields(root)
    changed |= converter.content_controls(root)
    if not changed:
        return xml
    prolog = PROLOG.match(xml)
    return (prolog.group(0) if prolog else "") + etree.tostring(root, encoding="unicode")


def unlink_mail_merge(settings_xml: bytes) -> tuple[bytes, bool]:
    """word/settings.xml without its mail merge settings (w:mailMerge: the data source, its query and
    connection): a merge main document still linked to its data source makes Word ask every employee
    who opens the export for that source, or run its SQL query. The plan's values are filled in
    here, so the link has nothing left to do. (An external data source relationship is the package
    check's: exports/uploads/package_check.py.)"""
    if b"mailMerge" not in settings_xml:
        return settings_xml, False
    try:
        root = etree.fromstring(settings_xml, PARSER)
    except etree.XMLSyntaxError:
        return settings_xml, False
    merges = root.findall(q("mailMerge"))
    if not merges:
        return settings_xml, False
    for merge in merges:
        root.remove(merge)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), True


MAIL_MERGE_RELATIONS = ("mailMergeSource", "mailMergeHeaderSource", "recipientData")


def unlink_mail_merge_relations(rels_xml: bytes) -> bytes:
    """word/_rels/settings.xml.rels without the relationships of the mail merge settings removed by
    unlink_mail_merge."""
    try:
        root = etree.fromstring(rels_xml, PARSER)
    except etree.XMLSyntaxError:
        return rels_xml
    removed = False
    for rel in list(root):
        if (rel.get("Type") or "").strip().rsplit("/", 1)[-1] in MAIL_MERGE_RELATIONS:
            root.remove(rel)
            removed = True
    if not removed:
        return rels_xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def parse_instruction(instruction: str) -> tuple[str, str, dict[str, list[str]]]:
    """(field type, name, switches) of a field instruction: ' MERGEFIELD "Datum POP-gesprek" \\* Upper'
    gives ('MERGEFIELD', 'Datum POP-gesprek', {'\\*': ['Upper']})."""
    tokens = []
    for match in INSTRUCTION_TOKEN.finditer(instruction):
        quoted, curly, switch, word = match.groups()
        if switch:
            tokens.append(("switch", switch))
        else:
            text = quoted if quoted is not None else curly if curly is not None else word
            tokens.append(("text", text.replace('\\"', '"').replace("\\\\", "\\")))
    if not tokens or tokens[0][0] != "text":
        return "", "", {}
    kind, name, switches = tokens[0][1].upper(), "", {}
    i = 1
    while i < len(tokens):
        what, text = tokens[i]
        if what == "switch":
            argument = ""
            if text in SWITCHES_WITH_TEXT and i + 1 < len(tokens) and tokens[i + 1][0] == "text":
                argument = tokens[i + 1][1]
                i += 1
            switches.setdefault(text.lower() if text != "\\*" else text, []).append(argument)
        elif not name:
            name = text
        i += 1
    return kind, name, switches


@dataclass
class _Field:
    begin: object
    parent: "_Field | None" = None
    instruction: list = field(default_factory=list)
    separate: object = None
    result: list = field(default_factory=list)
    tokens: list = field(default_factory=list)  # everything from begin to end, nested fields too
    end: object = None

    @property
    def code(self) -> str:
        return "".join(t.text or "" for t in self.instruction)


class _Converter:
    def __init__(self, definition, fields: Fields, places: Places):
        self.definition = definition
        self.fields = fields
        self.places = places

    # ------------------------------------------------------------ merge fields

    def _placeholder(self, kind: str, name: str, switches: dict, place: str) -> str | None:
        """The placeholder text for a field named name, or None (and a problem) when the name means
        nothing in this form."""
        shown = f"«{name}»" if name else "zonder naam"
        path = field_names.resolve(name, self.definition) if name else None
        if path is None:
            why = field_names.why_unknown(name, self.definition) if name else \
                "het veld heeft geen naam."
            self.fields.problem(f"Het {kind} {shown} in {place}: {why}")
            return None
        self.fields.found.append((path, f"{kind} {shown} in {place}"))
        expression = path
        for case in switches.get("\\*", []):
            if case.lower() in CASE_SWITCHES:
                expression += "|" + CASE_SWITCHES[case.lower()]
        if "\\@" in switches or "\\#" in switches:
            self.fields.note(f"Het {kind} {shown} in {place} heeft een eigen notatie (\\@ of \\#); die "
                             "wordt niet gebruikt: datums verschijnen als dd-mm-jjjj, tekst zoals "
                             "ingevuld.")
        text = "{{ " + expression + " }}"
        before = _literal(" ".join(switches.get("\\b", [])))
        after = _literal(" ".join(switches.get("\\f", [])))
        if before or after:
            text = "{% if " + path + " %}" + before + text + after + "{% endif %}"
        return text

    def simple_fields(self, root) -> bool:
        changed = False
        for simple in list(root.iter(q("fldSimple"))):
            kind, name, switches = parse_instruction(simple.get(q("instr")) or "")
            if kind != "MERGEFIELD":
                continue
            self.fields.markings["samenvoegvelden"] += 1
            place = self.places.of(simple)
            if _nearest(simple, "fldSimple") is not None or _in_complex_field(simple):
                self.fields.problem(_nested_problem(name, place))
                continue
            text = self._placeholder("samenvoegveld", name, switches, place)
            if text is None:
                continue
            if not any(r.tag == q("r") for r in simple):
                etree.SubElement(simple, q("r"))
            runs = [r for r in simple if r.tag == q("r")]
            tokens = [t for r in runs for t in r if t.tag in [q(n) for n in RUN_CONTENT]]
            _write_into(tokens, text, runs[0])
            parent = simple.getparent()
            index = parent.index(simple)
            for offset, run in enumerate(r for r in simple if r.tag == q("r")):
                parent.insert(index + offset, run)
            parent.remove(simple)
            changed = True
        return changed

    def complex_fields(self, root) -> bool:
        changed = False
        for f in _complex_fields(root):
            kind, name, switches = parse_instruction(f.code)
            if kind not in ("MERGEFIELD", "FORMTEXT", "FORMCHECKBOX"):
                continue
            legacy = kind != "MERGEFIELD"
            if legacy:
                name = _form_field_name(f.begin)
            self.fields.markings["formuliervelden" if legacy else "samenvoegvelden"] += 1
            place = self.places.of(f.begin)
            if f.parent is not None:
                self.fields.problem(_nested_problem(name, place))
                continue
            if legacy and (not name or DEFAULT_NAMES.match(name)):
                self.fields.note(f"Het formulierveld {name or 'zonder naam'} in {place} heeft geen naam uit "
                                 "het formulier en blijft zoals het is. Geef het in Word bij "
                                 "Eigenschappen (Bladwijzer) de naam van een veld om het te laten "
                                 "invullen.")
                continue
            if kind == "FORMCHECKBOX":
                changed |= self._legacy_checkbox(f, name, place)
                continue
            text = self._placeholder("formulierveld" if legacy else "samenvoegveld", name, switches, place)
            if text is None:
                continue
            _replace_field(f, text)
            changed = True
        return changed

    def _legacy_checkbox(self, f: _Field, name: str, place: str) -> bool:
        condition = self._condition("formulierveld", name, place)
        box = f.begin.find(f"{q('ffData')}/{q('checkBox')}")
        if condition is None or box is None:
            return False
        for old in box.findall(q("checked")):
            box.remove(old)
        checked = etree.SubElement(box, q("checked"))
        checked.set(q("val"), _if(condition, "1", "0"))
        return True

    # ------------------------------------------------------------ content controls

    def content_controls(self, root) -> bool:
        changed = False
        done = []
        for sdt in list(root.iter(q("sdt"))):
            if any(a in done for a in sdt.iterancestors()):
                continue
            properties, content = sdt.find(q("sdtPr")), sdt.find(q("sdtContent"))
            if properties is None or content is None:
                continue
            if any(properties.find(q(t)) is not None for t in STRUCTURAL) or \
                    any(properties.find(q(t, W15)) is not None for t in STRUCTURAL_W15):
                continue
            names = [n.strip() for n in (_val(properties, "tag"), _val(properties, "alias"))
                     if n and n.strip()]
            checkbox = properties.find(q("checkbox", W14))
            place = self.places.of(sdt)
            bound = _property_binding(properties)
            if bound is not None and checkbox is None:
                self.fields.markings["inhoudsbesturingselementen"] += 1
                if self._property_control(properties, content, bound, names, place):
                    done.append(sdt)
                    changed = True
                continue
            if checkbox is not None:
                self.fields.markings["selectievakjes"] += 1
                if not names:
                    continue  # a box to tick by hand on paper
                condition = self._condition("selectievakje", names, place)
                if condition is None:
                    continue
                self._tick(properties, content, checkbox, condition)
            else:
                self.fields.markings["inhoudsbesturingselementen"] += 1
                if not names:
                    if properties.find(q("showingPlcHdr")) is not None:
                        self.fields.problem(
                            f"{UNNAMED_CONTROL} in {place} toont nog "
                            "Words voorbeeldtekst. Geef het in Word (Ontwikkelaars > Eigenschappen) als "
                            "titel of tag de naam van een veld, of verwijder het.")
                    continue
                text = self._control_text(names, place)
                if text is None:
                    continue
                _fill(content, text)
                date = properties.find(q("date"))
                if date is not None:
                    date.attrib.pop(q("fullDate"), None)
                for listed in (properties.find(q("dropDownList")), properties.find(q("comboBox"))):
                    if listed is not None:
                        listed.attrib.pop(q("lastValue"), None)
            for stale in ("showingPlcHdr", "dataBinding"):
                # dataBinding: Word would put the value stored in the document's custom XML back.
                for element in properties.findall(q(stale)):
                    properties.remove(element)
            for element in properties.findall(q("dataBinding", W15)):
                properties.remove(element)
            done.append(sdt)
            changed = True
        return changed

    def _property_control(self, properties, content, prop: str, names: list[str], place: str) -> bool:
        """A control showing a property of the document: its own placeholders are filled like any
        text (docxtpl's way), title and author are filled from the plan, the others stay as the
        document has them. Whether it changed the control."""
        shown = f"«{names[-1]}»" if names else f"voor de documenteigenschap {prop}"
        text = "".join(t.text or "" for t in content.iter(q("t")))
        if "{{" in text or "{%" in text:
            value = None
            self.fields.note(f"Het inhoudsbesturingselement {shown} in {place} is gekoppeld aan een "
                             "eigenschap van het document; de plaatshouders erin worden ingevuld en de "
                             "koppeling vervalt, zodat Word de ingevulde tekst toont.")
        elif prop in PROPERTY_VALUES:
            path, meaning = PROPERTY_VALUES[prop]
            value = "{{ " + path + " }}"
            self.fields.found.append((path, f"inhoudsbesturingselement {shown} in {place}"))
            self.fields.note(f"Het inhoudsbesturingselement {shown} in {place} toont een eigenschap "
                             f"van het document; het wordt ingevuld met {meaning}.")
        else:
            self.fields.note(f"Het inhoudsbesturingselement {shown} in {place} toont een eigenschap "
                             "van het document (zoals de organisatie of het adres) en blijft zoals het "
                             "is; het wordt niet uit het plan ingevuld.")
            return False
        if value is not None:
            _fill(content, value)
        for element in properties.findall(q("showingPlcHdr")) + properties.findall(q("dataBinding")) \
                + properties.findall(q("dataBinding", W15)):
            # Word would otherwise show the property's value from the package again.
            properties.remove(element)
        return True

    def _control_text(self, names: list[str], place: str) -> str | None:
        for name in names:
            path = field_names.resolve(name, self.definition)
            if path is not None:
                self.fields.found.append((path, f"inhoudsbesturingselement «{name}» in {place}"))
                return "{{ " + path + " }}"
        name = names[-1]  # the title, which HR reads, rather than the tag
        self.fields.problem(f"Het inhoudsbesturingselement «{name}» in {place}: "
                            f"{field_names.why_unknown(name, self.definition)}")
        return None

    def _condition(self, kind: str, names, place: str) -> str | None:
        """The placeholder whose value ticks a box: an option ("X" when chosen) or a field (filled)."""
        names = [names] if isinstance(names, str) else names
        for name in names:
            path = field_names.resolve_option(name, self.definition) or \
                field_names.resolve(name, self.definition)
            if path is None:
                continue
            if field_names.needs_option(path, self.definition):
                self.fields.problem(
                    f"Het {kind} «{name}» in {place} noemt een vraag met keuzes, maar niet welke "
                    f"keuze het aankruist. Schrijf bijvoorbeeld «{path}={field_names.example_option(path, self.definition)}».")
                return None
            self.fields.found.append((path, f"{kind} «{name}» in {place}"))
            return path
        name = names[-1]
        self.fields.problem(f"Het {kind} «{name}» in {place}: {field_names.why_unknown(name, self.definition)}")
        return None

    def _tick(self, properties, content, checkbox, condition: str) -> None:
        checked = checkbox.find(q("checked", W14))
        if checked is None:
            checked = etree.Element(q("checked", W14))
            checkbox.insert(0, checked)
        checked.set(q("val", W14), _if(condition, "1", "0"))
        on_char, on_font = _state(checkbox, "checkedState", "2612")
        off_char, off_font = _state(checkbox, "uncheckedState", "2610")
        run = _fill(content, _if(condition, on_char, off_char))
        if run is not None and on_font and off_font and on_font != off_font:
            properties_of_run = run.find(q("rPr"))
            if properties_of_run is None:
                properties_of_run = etree.Element(q("rPr"))
                run.insert(0, properties_of_run)
            fonts = properties_of_run.find(q("rFonts"))
            if fonts is None:
                fonts = etree.Element(q("rFonts"))
                properties_of_run.insert(0, fonts)
            for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
                fonts.set(q(attribute), _if(condition, on_font, off_font))


# ---------------------------------------------------------------- helpers


def _property_binding(properties) -> str | None:
    """The property a content control is bound to ("title", "creator", "Company"...), or None when
    it is not bound to a property of the document."""
    for binding in properties.findall(q("dataBinding")) + properties.findall(q("dataBinding", W15)):
        store = (binding.get(q("storeItemID")) or "").upper()
        xpath = binding.get(q("xpath")) or ""
        if store in PROPERTY_STORES or PROPERTY_PATHS.search(xpath):
            last = xpath.rstrip("/").rsplit("/", 1)[-1]
            return re.sub(r"\[\d+\]$", "", last).rsplit(":", 1)[-1] or "?"
    return None


def _val(parent, tag: str, ns: str = W) -> str | None:
    element = parent.find(q(tag, ns))
    return element.get(q("val", ns)) if element is not None else None


def _if(condition: str, yes: str, no: str) -> str:
    return "{% if " + condition + " %}" + yes + "{% else %}" + no + "{% endif %}"


def _literal(text: str) -> str:
    # Text of a \b or \f switch printed as it is: it cannot open a placeholder of its own.
    return text.replace("{", "").replace("}", "")


def _state(checkbox, which: str, default: str) -> tuple[str, str | None]:
    state = checkbox.find(q(which, W14))
    code = state.get(q("val", W14)) if state is not None else None
    try:
        char = chr(int(code or default, 16))
    except (ValueError, OverflowError):
        char = ""
    if not char.isprintable() or char in "{}%#" or "\ud800" <= char <= "\udfff":
        # Not a symbol Word could show, or one that would read as template code.
        char = chr(int(default, 16))
    font = state.get(q("font", W14)) if state is not None else None
    return char, _literal(font) if font else None


def _nested_problem(name: str, place: str) -> str:
    return (f"Het samenvoegveld «{name}» in {place} staat binnen een ander Word-veld (zoals ALS/IF); "
            "zo'n veld wordt niet ingevuld. Zet het samenvoegveld los in de tekst, of gebruik "
            "{% if … %} … {% endif %}.")


def _in_complex_field(element) -> bool:
    """Whether element lies between a fldChar begin and its end (checked within its paragraph)."""
    paragraph = _nearest(element, "p")
    if paragraph is None:
        return False
    depth = 0
    for node in paragraph.iter():
        if node is element:
            return depth > 0
        if node.tag == q("fldChar"):
            kind = node.get(q("fldCharType"))
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
    return False


def _complex_fields(root) -> list[_Field]:
    """The fldChar fields of a part, innermost first, each with its instruction, result and all of
    its tokens (the run children between its begin and end)."""
    wanted = [q("fldChar"), q("instrText")] + [q(t) for t in RUN_CONTENT]
    stack: list[_Field] = []
    fields: list[_Field] = []
    for token in root.iter(*wanted):
        parent = token.getparent()
        if parent is None or parent.tag != q("r"):
            continue
        if token.tag == q("fldChar"):
            kind = token.get(q("fldCharType"))
            if kind == "begin":
                for open_field in stack:
                    open_field.tokens.append(token)
                new = _Field(begin=token, parent=stack[-1] if stack else None)
                new.tokens.append(token)
                stack.append(new)
            elif stack:
                for open_field in stack:
                    open_field.tokens.append(token)
                if kind == "separate":
                    stack[-1].separate = token
                elif kind == "end":
                    done = stack.pop()
                    done.end = token
                    fields.append(done)
            continue
        for open_field in stack:
            open_field.tokens.append(token)
        if not stack:
            continue
        current = stack[-1]
        if token.tag == q("instrText"):
            if current.separate is None:
                current.instruction.append(token)
        elif current.separate is not None:
            current.result.append(token)
    return fields


def _form_field_name(begin) -> str:
    name = begin.find(f"{q('ffData')}/{q('name')}")
    return (name.get(q("val")) or "").strip() if name is not None else ""


def _replace_field(f: _Field, text: str) -> None:
    """The field's runs reduced to one w:t holding text, in the formatting of the result."""
    _write_into(f.result, text, f.begin.getparent(), remove=f.tokens, anchor=f.begin)


def _write_into(tokens, text: str, fallback_run, remove=None, anchor=None):
    """Put text into the first w:t of tokens that holds a letter (a result «Naam» may start with a «
    in a run of its own), else the first w:t, else a new w:t in fallback_run (at anchor); remove the
    other tokens (and those in remove). Returns the run holding the text."""
    texts = [t for t in tokens if t.tag == q("t")]
    keep = next((t for t in texts if any(c.isalnum() for c in t.text or "")), texts[0] if texts else None)
    if keep is None:
        keep = etree.Element(q("t"))
        if anchor is not None and anchor.getparent() is not None:
            anchor.addprevious(keep)
        else:
            fallback_run.append(keep)
    keep.text = text
    keep.set(XML_SPACE, "preserve")
    touched = []
    for token in list(tokens) + list(remove or ()):
        if token is keep:
            continue
        run = token.getparent()
        if run is None:
            continue
        run.remove(token)
        touched.append(run)
    for run in touched:
        _drop_if_empty(run)
    run = keep.getparent()
    _unstyle_placeholder(run)
    return run


def _drop_if_empty(run) -> None:
    if run.getparent() is not None and all(child.tag == q("rPr") for child in run):
        run.getparent().remove(run)


def _unstyle_placeholder(run) -> None:
    """Word shows a control's example text in its grey placeholder style; typed text loses it."""
    if run is None:
        return
    properties = run.find(q("rPr"))
    style = properties.find(q("rStyle")) if properties is not None else None
    if style is not None and (style.get(q("val")) or "").lower() in PLACEHOLDER_STYLES:
        properties.remove(style)


def _fill(content, text: str):
    """A content control's content reduced to text, in the formatting of its first text run."""
    tokens = [t for t in content.iter(*[q(n) for n in RUN_CONTENT])
              if t.getparent() is not None and t.getparent().tag == q("r")]
    run = next((r for r in content.iter(q("r"))), None)
    if run is None:
        holder = next(content.iter(q("p")), None)
        run = etree.SubElement(holder if holder is not None else content, q("r"))
    kept = _write_into(tokens, text, run)
    paragraph = _nearest(kept, "p") if kept is not None else None
    for p in content.findall(q("p")):
        if p is not paragraph and not list(p.iter(q("r"))):
            content.remove(p)
    return kept
