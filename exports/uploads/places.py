"""Where in a Word template a placeholder or instruction stands, said as HR would look for it
("de koptekst", "tabel 2, rij 3, bij ‘Sterke punten’"), and whether its {% %} blocks are laid out so
that filling them in keeps the document whole.

A Word part is one long line of XML, so Jinja's line numbers say nothing; this reads the XML's own
structure instead. The blocks matter because Jinja knows nothing of XML: what a block removes or repeats
must close every element it opens. From the text of one run to the text of another in the same
paragraph, or in a sibling paragraph at the same depth, it does (docxtpl renders both, and so do we);
from a paragraph into a table row, or from one row or cell to another, it does not, and the document
breaks (docxtpl's {%p %} and {%tr %} exist for whole paragraphs and rows)."""
from __future__ import annotations

import re
from dataclasses import dataclass

PART_NAMES = (
    (re.compile(r"word/document\.xml$"), "de hoofdtekst"),
    (re.compile(r"word/header\d*\.xml$"), "de koptekst"),
    (re.compile(r"word/footer\d*\.xml$"), "de voettekst"),
    (re.compile(r"word/footnotes\.xml$"), "de voetnoten"),
    (re.compile(r"word/endnotes\.xml$"), "de eindnoten"),
)
# An element, a {% %}, a {{ }}, or an opening {{ or {% never closed. docxtpl's patch has removed the
# XML inside placeholders, so none spans a "<"; nor another "{{" or "{%" (a single brace may stand in
# a text: '{:>5}'), which keeps a run of braces from costing time quadratic in its length.
TOKEN = re.compile(r"<(/?)([A-Za-z][\w.:-]*)(?:\"[^\"]*\"|'[^']*'|[^>\"'])*?(/?)>"
                   r"|\{%-?\s*(\w*)((?:[^<{]|\{(?![{%]))*?)-?%\}|\{\{((?:[^<{]|\{(?![{%]))*?)\}\}"
                   r"|(\{\{|\{%)", re.S)
OPENERS = {"for": "endfor", "if": "endif", "with": "endwith", "filter": "endfilter",
           "macro": "endmacro", "call": "endcall", "raw": "endraw", "autoescape": "endautoescape"}
MIDDLES = {"else": ("for", "if"), "elif": ("if",)}
CLOSERS = {v: k for k, v in OPENERS.items()}
WHOLE = {"w:p": "alinea", "w:tr": "tabelrij", "w:tc": "tabelcel", "w:r": "stukje tekst",
         "w:tbl": "tabel", "w:txbxContent": "tekstvak"}


def part_name(part: str) -> str:
    for pattern, name in PART_NAMES:
        if pattern.search(part):
            return name
    return part


@dataclass
class Mark:
    """A {{ }} or {% %} in a Word part: its text, where it is, and the XML elements around it."""

    kind: str  # "print" or the instruction: "for", "endfor", "if", ...
    text: str  # the whole tag as written
    expression: str
    where: str
    elements: tuple  # ids of the XML elements open around it
    tags: tuple = ()  # their names, w:body … w:p, w:r, w:t


@dataclass
class Layout:
    marks: list[Mark]
    problems: list[str]


def _paragraph_text(xml: str, pos: int, seen: dict) -> str:
    """The text of the paragraph around pos without its tags, once per paragraph (seen). A {%p %}
    stands between paragraphs once docxtpl has taken its own away: then the paragraph after it, the
    one it is about, not the text from the one before to the one after run together."""
    start = max(xml.rfind("<w:p>", 0, pos), xml.rfind("<w:p ", 0, pos))
    if start < 0 or xml.find("</w:p>", start, pos) >= 0:
        following = [i for i in (xml.find("<w:p>", pos), xml.find("<w:p ", pos)) if i >= 0]
        start = min(following, default=-1)
    end = xml.find("</w:p>", max(start, pos))
    if start < 0 or end < 0:
        return ""
    if start not in seen:
        text = re.sub(r"\{\{[^{}]*\}\}|\{%[^{}]*%\}", "", re.sub(r"<[^>]+>", "", xml[start:end]))
        text = " ".join(text.split())
        seen[start] = text[:60] + ("…" if len(text) > 60 else "")
    return seen[start]


def place_of(part: str, xml: str, position: int) -> str:
    """Where the text at this position of a Word part stands, as read_layout says it for tags."""
    marker = "{{ __hier__ }}"
    marks = read_layout(part, xml[:position] + marker + xml[position:]).marks
    return next((m.where for m in marks if m.expression == "__hier__"), part_name(part))


def read_layout(part: str, xml: str) -> Layout:
    """Every tag of a (docxtpl-patched) Word part with its place, and the block problems found."""
    marks: list[Mark] = []
    problems: list[str] = []
    stack: list[tuple[int, str]] = []  # (id, tag) of open elements
    tables: list[list[int]] = []  # per open table: [its number, rows seen]
    table_count = 0
    paragraphs = 0  # outside tables, for "alinea 12"
    seen: dict[int, str] = {}
    counter = 0
    blocks: list[tuple[Mark, int]] = []  # open {% %} blocks with the element depth they opened at
    area = part_name(part)
    in_raw = False
    for token in TOKEN.finditer(xml):
        closing, tag, self_closing, instruction, rest, printed, unclosed = token.groups()
        if tag is not None:
            if self_closing:
                if tag == "w:p" and not tables:  # an empty paragraph is one in Word's count too
                    paragraphs += 1
                continue
            if closing:
                while stack:  # tolerate odd XML: close up to the matching element
                    _, open_tag = stack.pop()
                    if open_tag == "w:tbl" and tables:
                        tables.pop()
                    if open_tag == tag:
                        break
                continue
            counter += 1
            stack.append((counter, tag))
            if tag == "w:p" and not tables:
                paragraphs += 1
            if tag == "w:tbl":
                if not tables:
                    table_count += 1
                tables.append([table_count, 0])
            elif tag == "w:tr" and tables:
                tables[-1][1] += 1
            continue
        if in_raw:  # {% raw %}: printed as written, up to its {% endraw %}
            in_raw = instruction != "endraw"
            continue
        if instruction == "raw":
            in_raw = True
            continue
        if not tables and not any(t == "w:p" for _, t in stack):
            paragraphs += 1  # a {%p %}, whose paragraph docxtpl took away: HR counts it
        where = _where(area, tables, stack, xml, token.start(), paragraphs, seen)
        if unclosed:
            closer = "}}" if unclosed == "{{" else "%}"
            problem = (f"In {where} begint iets met {unclosed} maar eindigt het niet met {closer}. Sluit "
                       f"een plaatshouder af met twee accolades, als {{{{ medewerker.naam }}}}, en een "
                       f"opdracht met %}}, als {{% endif %}}.")
            if problem not in problems:
                problems.append(problem)
            continue
        mark = Mark(kind="print" if printed is not None else (instruction or ""),
                    text=token.group(0), expression=(printed if printed is not None else rest or "").strip(),
                    where=where, elements=tuple(i for i, _ in stack),
                    tags=tuple(t for _, t in stack))
        marks.append(mark)
        if printed is not None:
            continue
        problem = _block_step(mark, blocks, stack)
        if problem and problem not in problems:
            problems.append(problem)
    for opener, _ in blocks:
        problems.append(f"{_show(opener)} in {opener.where} wordt nergens afgesloten: zet er een "
                        f"{{% {OPENERS[opener.kind]} %}} achter.")
    return Layout(marks, problems)


def _where(area, tables, stack, xml, pos, paragraphs, seen) -> str:
    parts = [area]
    if any(tag == "w:txbxContent" for _, tag in stack):
        parts.append("in een tekstvak")
    if tables:
        number, row = tables[0]  # the outer table: the one HR sees on the page
        parts.append(f"tabel {number}, rij {row}" if row else f"tabel {number}")
    elif paragraphs and area == "de hoofdtekst":
        parts.append(f"alinea {paragraphs}")
    text = _paragraph_text(xml, pos, seen)
    if text:
        parts.append(f"bij ‘{text}’")
    return ", ".join(parts)


def _show(mark: Mark) -> str:
    text = " ".join(mark.text.split())
    return text if len(text) <= 60 else text[:57] + "…%}"


def _block_step(mark: Mark, blocks: list, stack) -> str | None:
    kind = mark.kind
    if kind in OPENERS:
        blocks.append((mark, len(stack)))
        return None
    if kind in MIDDLES or kind in CLOSERS:
        wanted = MIDDLES.get(kind) or (CLOSERS[kind],)
        if not blocks or blocks[-1][0].kind not in wanted:
            if blocks:
                opener = blocks[-1][0]
                return (f"{_show(mark)} in {mark.where} hoort niet bij {_show(opener)} in {opener.where}: "
                        f"daar wordt eerst een {{% {OPENERS[opener.kind]} %}} verwacht.")
            return (f"{_show(mark)} in {mark.where} heeft geen {{% {wanted[0]} … %}} ervoor. Verwijder het of "
                    f"zet de bijbehorende {{% {wanted[0]} … %}} ervoor.")
        opener = blocks[-1][0]
        if kind in CLOSERS:
            blocks.pop()
        if not _same_paragraph(opener, mark):
            return _split_block(opener, mark)
    return None


# A tag's own run and its text, and its paragraph: a block from the text of one run to the text of
# another closes and reopens exactly these, so removing or repeating it keeps the XML whole. Word
# splits a line into runs wherever the formatting changes (a bold value is enough); paragraphs side by
# side under one parent (the body, a cell) are the same shape. docxtpl renders both.
RUN_LEVEL = ("w:r", "w:t")
PARAGRAPH_LEVEL = ("w:p",) + RUN_LEVEL


def _same_paragraph(opener: Mark, mark: Mark) -> bool:
    """Whether a block from opener to mark removes or repeats only runs of one paragraph, or whole
    paragraphs between two paragraphs side by side whose tags stand at the same depth."""
    if opener.elements == mark.elements:
        return True
    shared = 0
    for a, b in zip(opener.elements, mark.elements):
        if a != b:
            break
        shared += 1
    own, theirs = opener.tags[shared:], mark.tags[shared:]
    return own == theirs and (all(tag in RUN_LEVEL for tag in own) or
                              (own[:1] == ("w:p",) and all(tag in PARAGRAPH_LEVEL for tag in own)))


def _split_block(opener: Mark, mark: Mark) -> str:
    """An instruction and its end in different paragraphs, rows or cells."""
    same_row_hint = ("Zet beide in dezelfde alinea, of gebruik {%p … %} voor hele alinea's en "
                     "{%tr … %} voor hele tabelrijen (bijvoorbeeld {%tr for r in kwaliteiten %} … "
                     "{%tr endfor %}).")
    return (f"{_show(opener)} ({opener.where}) en {_show(mark)} ({mark.where}) staan in verschillende "
            f"alinea's of tabelrijen; ingevuld zou dat het Word-document beschadigen. {same_row_hint}")


# docxtpl replaces a whole paragraph, row or cell by the LAST {%p %}, {%tr %} or {%tc %} in it, so of
# "{%p if x %}tekst{%p endif %}" only the endif is left, and Jinja's complaint about it is beside the
# point. Found in the XML as Word wrote it, before docxtpl's patch.
CROWDABLE = (("p", "alinea", "de hele alinea", "een eigen alinea"),
             ("tr", "tabelrij", "de hele tabelrij", "een eigen tabelrij"),
             ("tc", "tabelcel", "de hele tabelcel", "een eigen tabelcel"))


def crowded_tags(part: str, xml: str) -> list[str]:
    """Two or more {%p %} (or {%tr %}, {%tc %}) in one paragraph (row, cell), said with its place."""
    problems = []
    for letter, element, whole, own in CROWDABLE:
        innermost = re.compile(rf"<w:{letter}[ >](?:(?!<w:{letter}[ >]).)*?</w:{letter}>", re.S)
        for found in innermost.finditer(xml):
            text = re.sub(r"<[^>]+>", "", found.group(0))
            tags = re.findall(r"\{%" + letter + r"\s[^%]*%\}", text)
            if len(tags) < 2:
                continue
            inside = xml.find(">", found.start()) + 1
            where = place_of(part, xml, inside)
            shown = " en ".join(" ".join(t.split()) for t in tags[:3])
            problem = (f"{shown} staan samen in één {element} ({where}). Een {{%{letter} … %}} neemt "
                       f"{whole} in, dus blijft er maar één van over. Zet elk in {own}, met wat ertussen "
                       f"hoort ertussen; of gebruik binnen één alinea {{% if … %}} … {{% endif %}}, "
                       f"zonder {letter}.")
            if problem not in problems:
                problems.append(problem)
            if len(problems) >= 3:  # each place is a read of the part: enough to see the pattern
                return problems
    return problems
