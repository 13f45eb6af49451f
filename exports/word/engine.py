"""Word templates in docxtpl's Jinja style, compiled once and rendered many times.

docxtpl re-reads, re-patches and re-compiles the template on every render. Here the template's XML
parts are cleaned with docxtpl's own patch_xml and compiled once; a render is then only Jinja plus
writing the zip, which is what makes a bulk export of a thousand plans fast.

Templates may be uploaded by HR, so they are untrusted code: Jinja's SandboxedEnvironment, autoescape
on (docxtpl's default is off: "A & B <c>" would break the XML), and StrictUndefined, so a misspelt
placeholder is an error, not an empty field.
"""
from __future__ import annotations

import functools
import io
import re
import types
import zipfile
import zlib
from dataclasses import dataclass

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from exports import package
from exports.uploads.limits_sandbox import TextLimits
from exports.word import fields as word_fields

TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# Characters XML 1.0 does not allow; a paste from another program can carry them.
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Far more than any real template holds (the default Word template has 71, the Excel one 107); each one
# costs compile time and memory: a 68 kB upload with half a million took a minute and 6 GB to compile.
MAX_PLACEHOLDERS = 2000
LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


class TemplateProblem(Exception):
    """A template that cannot be used, with a message for the person who uploaded it."""


def count_placeholders(source: str, so_far: int = 0) -> int:
    """so_far plus the {{ }} and {% %} tags in source; a TemplateProblem past MAX_PLACEHOLDERS."""
    count = so_far + source.count("{{") + source.count("{%")
    if count > MAX_PLACEHOLDERS:
        raise TemplateProblem(f"Het sjabloon bevat meer dan {MAX_PLACEHOLDERS} plaatshouders en wordt "
                              "niet vertrouwd.")
    return count


def compile_problem(exc: Exception) -> TemplateProblem:
    # Not a syntax error, yet it fails while compiling (Jinja's compiler can raise more than
    # TemplateError on odd input): HR gets a message, not a server error.
    return TemplateProblem(f"De sjabloontekst klopt niet: {exc}.")


def not_a_function(value):
    """A template prints answers, never Jinja's helpers themselves (lipsum, range, a method...)."""
    if isinstance(value, Undefined):  # callable too, but a name that is missing: say which one
        value._fail_with_undefined_error()
    if callable(value):
        raise TemplateProblem("Een plaatshouder wijst naar een functie in plaats van naar een "
                              "antwoord; gebruik de namen uit de lijst met plaatshouders.")
    return value


def to_word_text(value) -> Markup:
    """Every {{ value }}: escaped for XML, None as empty, line breaks and tabs kept as in the answer."""
    value = not_a_function(value)
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = INVALID_XML_CHARS.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(str(escape(text)).replace("\n", LINE_BREAK).replace("\t", TAB))


MAX_NUMBER = 100_000  # larger than any count a template needs; far smaller than a memory bomb
MAX_RANGE = 1_000
# A whole plan's answers fit many times over (the longest answer is 10,000 characters); a text or list
# a template builds beyond this is a bomb, and stopping it here gives a clearer message than the
# child process's memory limit (exports/uploads/isolation.py), which is the real guard.
MAX_TEXT = 1_000_000
MAX_ITEMS = 100_000
# Numbers up to about 10**300, far more than a template needs; ((10**64)**64)**64 has 262,145 digits.
MAX_NUMBER_BITS = 1_000
# Filters that build text of any length from a number, and |safe, which would let an answer write
# raw Word XML into the document.
UNSAFE_FILTERS = ("center", "indent", "wordwrap", "format", "safe", "filesizeformat", "xmlattr")
TOO_LONG = "Het sjabloon maakt een te lange tekst (meer dan 1.000.000 tekens)."
TOO_MANY = "Het sjabloon maakt een te lange lijst (meer dan 100.000 items)."


def checked_size(value):
    """value, unless it is a text or list past the limits or a number past MAX_NUMBER_BITS."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise TemplateProblem(TOO_LONG)
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        if len(value) > MAX_ITEMS:
            raise TemplateProblem(TOO_MANY)
    elif isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_NUMBER_BITS:
            raise TemplateProblem("Het sjabloon rekent met een te groot getal.")
    return value


def _bounded_items(items):
    # batch, slice, map... give generators: counted as they are taken, so a loop over
    # [1]|slice(10**8, 'x') stops at MAX_ITEMS instead of running on.
    for count, item in enumerate(items, 1):
        if count > MAX_ITEMS:
            raise TemplateProblem(TOO_MANY)
        yield checked_size(item)


def _limited_filter(function):
    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def limited(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, types.GeneratorType):
            return _bounded_items(result)
        return checked_size(result)
    return limited


class _LimitedCodeGenerator(CodeGenerator):
    """`~` joins texts through a module-level function the sandbox never sees; routed through the
    environment here, so {% set ns.s = ns.s ~ ns.s %} in a loop stops at MAX_TEXT."""

    def visit_Concat(self, node, frame):
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedSandbox(TextLimits, SandboxedEnvironment):
    """Jinja's sandbox keeps a template out of Python; this also keeps it from asking for gigabytes
    ('a' * 10**9, 'x'.ljust(10**8), 10**99999999, 'x'.replace('x', 'xxxxxxxxxx') over and over) with a
    clear message. The real guard against memory and time is the child process an upload renders in
    (exports/uploads/isolation.py): a template can still loop long."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])  # "%": printf-style text (TextLimits)
    code_generator_class = _LimitedCodeGenerator
    checked_size = staticmethod(checked_size)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise TemplateProblem("Een macht in het sjabloon is te groot.")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 \
                and left.bit_length() * right > MAX_NUMBER_BITS:
            raise TemplateProblem("Het sjabloon rekent met een te groot getal.")
        if operator == "*":
            for size, times in ((left, right), (right, left)):
                if isinstance(size, (str, list, tuple)) and isinstance(times, int) \
                        and len(size) * times > MAX_NUMBER:
                    raise TemplateProblem("Het sjabloon maakt een te lange tekst.")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
                raise TemplateProblem("Het sjabloon rekent met een te groot getal.")
        return checked_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
                raise TemplateProblem("Het sjabloon gebruikt een te groot getal.")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, types.GeneratorType):
            return _bounded_items(result)
        return checked_size(result)


def _limited_range(*args):
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateProblem(f"range() in het sjabloon is te groot (hoogstens {MAX_RANGE}).")
    return values


def make_environment(**options) -> SandboxedEnvironment:
    """The sandbox for templates HR uploads: autoescape unless told otherwise, strict names, and
    only the helpers a template needs (range, namespace); lipsum, cycler and joiner are removed.
    No constant folding: Jinja would otherwise compute 10**99999999 while compiling."""
    options.setdefault("autoescape", True)
    options.setdefault("finalize", to_word_text)
    env = LimitedSandbox(undefined=StrictUndefined, keep_trailing_newline=True, optimized=False,
                         **options)
    for name in ("lipsum", "cycler", "joiner", "dict"):
        env.globals.pop(name, None)
    env.globals["range"] = _limited_range
    for name in UNSAFE_FILTERS:
        env.filters.pop(name, None)
    for name, function in list(env.filters.items()):
        env.filters[name] = _limited_filter(function)
    return env


# Inside {{ }} and {% %} the XML's own escapes stand for the characters typed: LibreOffice writes a
# quote in a text as &quot; or &apos; (docxtpl reads them as quotes because python-docx re-serialises
# every part first). &lt; and &gt; are docxtpl's patch_xml's already.
TAG_TEXT = re.compile(r"(?<=\{[{%])((?:(?![}%]\}).)*)(?=[}%]\})", re.S)
ENTITY = re.compile(r"&(quot|apos|amp|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));")
NAMED = {"quot": '"', "apos": "'", "amp": "&"}
RAW_BLOCK = re.compile(r"(\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\})", re.S)


def _entity(match) -> str:
    name, decimal, hexadecimal = match.groups()
    if name in NAMED:
        return NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    character = chr(code) if code < 0x110000 else ""
    # A brace or a "<" written as a character reference would open a tag or an element of its own.
    return character if character.isprintable() and character not in "{}<>%" else match.group(0)


PRINTED = re.compile(r"\{\{(?:(?!\}\}|\{\{).)*\}\}", re.S)
ELEMENT_BEFORE = re.compile(r"<(/?)([\w:]+)[^<>]*>$")
TABLE_LEVEL = ("w:tbl", "w:tblPr", "w:tblGrid", "w:gridCol", "w:tr", "w:trPr", "w:tblPrEx")
RUN_AROUND = ('<w:r><w:t xml:space="preserve">', "</w:t></w:r>")


def _in_runs(xml: str) -> str:
    """docxtpl's {{r x }} (and {{p x }}) print where a RichText (a Subdoc) brings its own runs
    (paragraphs): a plain answer there would be text outside any run, which Word does not show or
    calls damaged. Here every answer is plain, so such a placeholder gets a run (and a paragraph)."""
    pieces, done = [], 0
    for match in PRINTED.finditer(xml):
        start = match.start()
        before = ELEMENT_BEFORE.search(xml, max(start - 2000, 0), start)
        if before is None:  # text before it: inside a w:t
            continue
        closing, name = before.groups()
        if name == "w:t" and not closing:
            continue
        in_paragraph = max(xml.rfind("<w:p>", 0, start), xml.rfind("<w:p ", 0, start)) > \
            xml.rfind("</w:p>", 0, start)
        if not in_paragraph and name in TABLE_LEVEL:
            continue  # between rows or cells: no place for text at all, left to the check
        opening, ending = RUN_AROUND if in_paragraph else \
            ("<w:p>" + RUN_AROUND[0], RUN_AROUND[1] + "</w:p>")
        pieces += [xml[done:start], opening, match.group(0), ending]
        done = match.end()
    return "".join(pieces) + xml[done:] if pieces else xml


def prepare_xml(xml: str) -> str:
    """A Word part as Jinja reads it: docxtpl's patch_xml (the XML inside tags removed, {%p %},
    {%tr %}, {%tc %}, merged cells...), then the tags' text unescaped as the author typed it."""
    xml = DocxTemplate.patch_xml(None, xml)
    if "&" in xml:
        # Not inside {% raw %}: what it holds is printed as written, into the XML.
        pieces = RAW_BLOCK.split(xml)
        for i in range(0, len(pieces), 2):
            pieces[i] = TAG_TEXT.sub(lambda m: ENTITY.sub(_entity, m.group(1)) if "&" in m.group(1)
                                     else m.group(1), pieces[i])
        xml = "".join(pieces)
    return _in_runs(xml)


# docxtpl's way to write a tag as text: {_{ x }_} and {_% if %_} print as {{ x }} and {% if %}.
ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
ESCAPED = re.compile(r"\{_[{%]|[}%]_\}")


def compile_part(env, xml: str):
    """A Jinja template of a prepared part. docxtpl turns its escapes into tags in the whole rendered
    result; here only in the template's own text, so an answer that happens to hold "{_{" prints
    as typed."""
    if not ESCAPED.search(xml):
        return env.from_string(xml)
    tree = env.parse(xml)
    for data in tree.find_all(nodes.TemplateData):
        for escape_, tag in ESCAPES:
            data.data = data.data.replace(escape_, tag)
    return env.template_class.from_code(env, env.compile(tree), env.make_globals(None), None)


def _preserve_spaces(xml: str) -> str:
    # A run holding a placeholder must keep the spaces and line breaks the answer brings.
    return re.sub(r"<w:t>(?=[^<]*(\{\{|\{%))", '<w:t xml:space="preserve">', xml)


@dataclass
class _Part:
    name: str
    template: object  # a compiled Jinja template
    pictures: bool = False  # a loop may repeat a picture with its id; a paste may bring one twice
    cell_loops: bool = False  # {%tc %}, {% hm %} or {% colspan %}: a row may outgrow its grid


DOC_PR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")(\d+)(")')
CELL_LOOP = re.compile(r"\{%-?\s*(?:tc\s|hm\b|colspan\b)")


def _renumber_pictures(xml: str, first: int) -> tuple[str, int]:
    """Every picture a fresh id from first on (docxtpl's fix_docpr_ids): a picture repeated by a loop
    keeps its id, and Word calls a document with two pictures of one id damaged."""
    counter = iter(range(first, first + 10**9))
    xml = DOC_PR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)
    return xml, next(counter)


def _fit_grids(xml: str) -> str:
    """Each table's grid (w:tblGrid) as wide as its widest row, docxtpl's fix_tables: after a
    {%tc for %} a row may have more cells than the grid has columns, and LibreOffice (which makes
    the PDFs) then leaves the extra cells out; or fewer, and the table would be too wide."""
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"), word_fields.PARSER)
    except etree.XMLSyntaxError:
        return xml  # the rendered-document check says what is wrong, in Dutch
    w = "{%s}" % word_fields.W
    changed = False
    for table in root.iter(w + "tbl"):
        grid = table.find(w + "tblGrid")
        if grid is None:
            continue
        columns = grid.findall(w + "gridCol")
        rows = [r for r in table.iter(w + "tr") if r.getparent() is table]
        widest = max((sum(_span(c, w) for c in r.findall(w + "tc")) for r in rows), default=0)
        if not columns or not widest or widest == len(columns):
            continue
        widths = [_width(c, w) for c in columns]
        total = sum(widths)
        if widest > len(columns):
            average = total / widest if total else 0
            scale = (average * len(columns) / total) if total else 1
            for column, width in zip(columns, widths):
                column.set(w + "w", str(int(width * scale)))
            for _ in range(widest - len(columns)):
                etree.SubElement(grid, w + "gridCol").set(w + "w", str(int(average)))
        else:
            removed = columns[widest:]
            extra = int(sum(widths[widest:]) / widest)
            for column in removed:
                grid.remove(column)
            for column, width in zip(columns[:widest], widths):
                column.set(w + "w", str(int(width) + extra))
        changed = True
    if not changed:
        return xml
    head = re.match(r"\s*<\?xml[^>]*\?>\s*", xml)
    return (head.group(0) if head else "") + etree.tostring(root, encoding="unicode")


def _span(cell, w: str) -> int:
    span = cell.find(f"{w}tcPr/{w}gridSpan")
    try:
        return max(int(span.get(w + "val")), 1) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _width(column, w: str) -> float:
    try:
        return float(column.get(w + "w") or 0)
    except ValueError:
        return 0.0


class CompiledDocx:
    """An uploaded (or the default) Word template, compiled. Word's own markings (merge fields,
    content controls, checkboxes: exports/word/fields.py) become placeholders first, matched to the
    form's questions by `definition`; what they found is kept for the upload check and its report:
    .found [(path, where)], .field_problems (names that mean nothing in the form), .markings (how many
    of each kind of marking the document has), .notes (what changes without refusing)."""

    def __init__(self, data: bytes, definition=None):
        if definition is None:
            # Callers that know the plan's form pass it; the one form there is otherwise.
            from forms import DEFAULT_FORM, get_form
            definition = get_form(DEFAULT_FORM)
        self.env = make_environment()
        self.parts: list[_Part] = []
        # The package's parts in order: compressed once, or None where a templated part goes.
        self.static: list[package.Part | None] = []
        self.names: list[str] = []
        self.sources: dict[str, str] = {}
        self.first_picture_id = 1  # above every picture id of the template: renumbered ones stay apart
        fields = word_fields.Fields()
        placeholders = 0
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise TemplateProblem("Dit is geen Word-document (.docx).") from exc
        with archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateProblem("Dit is geen Word-document (.docx): word/document.xml ontbreekt.")
            for info in archive.infolist():
                try:
                    content = archive.read(info)
                    text = content.decode("utf-8") if TEMPLATED_PART.match(info.filename) else None
                except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, EOFError) as exc:
                    raise TemplateProblem("Dit Word-document is beschadigd en kan niet worden gelezen. "
                                          "Open het in Word en sla het opnieuw op.") from exc
                if text is not None:
                    text = word_fields.convert(text, info.filename, definition, fields)
                    xml = prepare_xml(text)
                    xml = _preserve_spaces(xml)
                    self.sources[info.filename] = xml
                    placeholders = count_placeholders(xml, placeholders)
                    try:
                        compiled = compile_part(self.env, xml)
                    except TemplateError as exc:
                        raise TemplateProblem(_describe_syntax_error(exc, xml)) from exc
                    except Exception as exc:  # noqa: BLE001 - see compile_problem
                        raise compile_problem(exc) from exc
                    self.parts.append(_Part(info.filename, compiled,
                                            pictures="docPr" in xml,
                                            cell_loops=bool(CELL_LOOP.search(text))))
                    self.first_picture_id = max([self.first_picture_id] + [
                        int(m.group(2)) + 1 for m in DOC_PR_ID.finditer(xml)])
                    self.static.append(None)
                else:
                    self.static.append(package.Part.of(
                        info.filename, self._unlinked(info.filename, content, fields)))
                self.names.append(info.filename)
        self.found = fields.found
        self.field_problems = fields.problems
        self.notes = fields.notes
        self.markings = {key: fields.markings.get(key, 0) for key in word_fields.MARKING_WORDS}

    @staticmethod
    def _unlinked(name: str, content: bytes, fields) -> bytes:
        if name == "word/settings.xml":
            content, unlinked = word_fields.unlink_mail_merge(content)
            if unlinked:
                fields.note("Het document was nog gekoppeld aan een gegevensbron voor samenvoegen; die "
                            "koppeling is in de ingevulde plannen verwijderd, zodat Word er niet om vraagt. "
                            "De velden worden uit het plan ingevuld.")
        elif name == "word/_rels/settings.xml.rels":
            content = word_fields.unlink_mail_merge_relations(content)
        return content

    def render(self, context: dict) -> bytes:
        rendered = {}
        picture_id = self.first_picture_id
        for part in self.parts:
            xml = part.template.render(context)
            if part.cell_loops:
                xml = _fit_grids(xml)
            if part.pictures:
                xml, picture_id = _renumber_pictures(xml, picture_id)
            rendered[part.name] = package.Part.of(part.name, xml.encode("utf-8"))
        return package.write([static or rendered[name] for static, name in zip(self.static, self.names)])


def _describe_syntax_error(exc: TemplateError, xml: str) -> str:
    line = getattr(exc, "lineno", None)
    near = ""
    if line:
        snippet = re.sub(r"<[^>]+>", "", "\n".join(xml.splitlines()[max(line - 2, 0):line + 1]))
        near = f" Bij: “{snippet.strip()[:120]}”."
    return f"De sjabloontekst klopt niet: {exc.message}.{near}"
