"""The places to write in a blank Word form, and writing the placeholders into them.

What a paper form leaves for the answer, as HR's own forms lay it out:
- a label cell with an empty cell to its right, or below it;
- a question paragraph followed by empty paragraphs, a line of dots or underscores, or an empty
  one-cell table (a box); a label with dots on the same line ("Naam: ..........");
- a table whose header row names columns, with empty rows under it (a repeated table);
- tick boxes (☐ □ ❑ [ ] or Word's checkbox controls) before option words, in a paragraph or in the
  cells of a grid whose header row prints the options (+ ± –, ja nee).

The document is walked in the same order for the proposal and for writing, so a place's id ("t2.r3.c1",
"p14#2") found in one request names the same place in the next.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from exports.excel.template import SAFE_PARSER
from exports.field_names import PEOPLE, ROLE_WORDS, SYNONYMS, loose
from .match import ANSWER, GOOD_ENOUGH, ROWS, TICK, Place, is_mark, is_number, plain

# What papers print between a question and its box: never a label.
PROMPTS = {"uwantwoord", "antwoord"}
ROLE_NAMES = {loose(word) for words in ROLE_WORDS.values() for word in words}
DETAILS = {loose(word) for word in (*PEOPLE.values(), *(w for ws in SYNONYMS.values() for w in ws))}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
BODY = "word/document.xml"
CONTROL = "\ue000"  # a checkbox content control, as one character of a paragraph's text
BOX = re.compile(r"[☐□❑☒■▢◻]|\[ ?\]|" + CONTROL)
FILL = re.compile(r"(?:[.…_]\s?){4,}")
FILL_ONLY = re.compile(r"^[\s.…_\-]*$")
SYMBOL = "sym"  # the offset marking a w:sym box in Para.spots
# Box characters of the symbol fonts (Wingdings o, q, ¨; Wingdings 2 £, *) and Unicode's ballot boxes.
SYMBOL_BOXES = {"F06F", "F070", "F071", "F072", "F0A8", "F0A3", "F02A", "F0FE", "F0FD", "2610", "2611",
                "2612"}
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
CHECKED = {"☐": "☒", "□": "■", "❑": "☒", "▢": "☒", "◻": "☒", "☒": "☒", "■": "■"}


class Placeholders:
    """What is written into a place: docxtpl's placeholders (Markers in proposal.py writes numbers)."""

    loops = True

    def answer(self, path: str) -> str:
        return "{{ %s }}" % path

    def tick(self, path: str, glyph: str) -> str:
        """The box as printed, ticked when the option is chosen (the per-option placeholder is "X")."""
        checked = "[X]" if glyph.startswith("[") or glyph == CONTROL else CHECKED.get(glyph, "☒")
        unchecked = "[ ]" if glyph.startswith("[") or glyph == CONTROL else glyph
        return "{{ '%s' if %s else '%s' }}" % (checked, path, unchecked)


def q(tag: str) -> str:
    prefix, _, local = tag.partition(":")
    return f"{{{W14 if prefix == 'w14' else W}}}{local}"


@dataclass
class Spot:
    """A place found, with what writing into it needs (elements of the parsed document)."""

    place: Place
    write: Callable[[str, dict, "Placeholders"], None] | None = None  # (target, rows columns, say)
    extra: list = field(default_factory=list)  # more fill lines of the same answer, removed


@dataclass
class Para:
    """A paragraph's text with, per character, the w:t element and offset it comes from."""

    element: object
    text: str = ""
    spots: list = field(default_factory=list)  # per char: (w:t element, offset) or (w:sdt, None)

    @classmethod
    def of(cls, p) -> "Para":
        para = cls(p)
        chars, spots = [], []
        for node in p.iter(q("w:t"), q("w:tab"), q("w:br"), q("w:sdt"), q("w:sym")):
            if _elsewhere(node, p):
                continue
            if node.tag == q("w:sdt"):
                if node.find(f".//{q('w14:checkbox')}") is not None:
                    chars.append(CONTROL)
                    spots.append((node, None))
                continue
            if _inside_checkbox(node, p):
                continue
            if node.tag == q("w:sym"):
                if (node.get(q("w:char")) or "").upper().lstrip("0") in SYMBOL_BOXES:
                    chars.append("☐")  # a Wingdings box, as a box of our own
                    spots.append((node, SYMBOL))
                continue
            if node.tag == q("w:t"):
                for i, c in enumerate(node.text or ""):
                    chars.append(c)
                    spots.append((node, i))
            else:
                chars.append(" ")
                spots.append((None, None))
        para.text, para.spots = "".join(chars), spots
        return para

    def replace(self, start: int, end: int, new: str) -> None:
        """Characters start..end become `new`, in the run where the span begins (keeping its look)."""
        touched = [s for s in self.spots[start:end] if s[1] is not None]
        if not touched:
            return
        first, offset = touched[0]
        by_element: dict = {}
        for element, i in touched:
            by_element.setdefault(element, []).append(i)
        for element, offsets in by_element.items():
            if offsets[0] == SYMBOL:
                element = _symbol_as_text(element)
                offsets = [0]
                if first.tag == q("w:sym"):
                    first = element
            text = element.text or ""
            lo, hi = min(offsets), max(offsets) + 1
            element.text = text[:lo] + (new if element is first else "") + text[hi:]
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def set_text(self, new: str) -> None:
        """The whole paragraph reads `new` (in its first run's look)."""
        texts = list(self.element.iter(q("w:t")))
        if texts:
            texts[0].text = new
            texts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            for t in texts[1:]:
                t.text = ""
            return
        run = etree.SubElement(self.element, q("w:r"))
        etree.SubElement(run, q("w:t")).text = new


def _symbol_as_text(sym):
    """A w:sym box becomes a w:t holding the box, in the run's look without the symbol font."""
    run = sym.getparent()
    fonts = run.find(f"{q('w:rPr')}/{q('w:rFonts')}")
    if fonts is not None:
        fonts.getparent().remove(fonts)
    text = etree.Element(q("w:t"))
    text.text = "☐"
    sym.addprevious(text)
    run.remove(sym)
    return text


def _elsewhere(node, p) -> bool:
    """Text not of this paragraph's own line: a text box drawn in it (Word stores it twice, as
    DrawingML and as its VML fallback), never searched."""
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag in (q("w:txbxContent"), FALLBACK):
            return True
        parent = parent.getparent()
    return False


def _inside_checkbox(node, p) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag == q("w:sdt") and parent.find(f".//{q('w14:checkbox')}") is not None:
            return True
        parent = parent.getparent()
    return False


def _is_heading(p) -> bool:
    style = p.find(f"{q('w:pPr')}/{q('w:pStyle')}")
    name = (style.get(q("w:val")) if style is not None else "") or ""
    if name.lower().startswith(("heading", "kop", "title", "titel")):
        return True
    runs = [r for r in p.iter(q("w:r")) if "".join(t.text or "" for t in r.iter(q("w:t"))).strip()]
    text = "".join(t.text or "" for t in p.iter(q("w:t"))).strip()
    bold = runs and all(r.find(f"{q('w:rPr')}/{q('w:b')}") is not None for r in runs)
    return bool(bold) and len(text) < 90 and not text.endswith((":", "?"))


NESTED = "⧉"  # a cell holding a table of its own: never empty, never a label


def _own_paragraphs(tc) -> list:
    """A cell's own paragraphs (also in a content control), not those of a table inside it."""
    out = []
    for child in tc:
        if child.tag == q("w:p"):
            out.append(child)
        elif child.tag == q("w:sdt"):
            content = child.find(q("w:sdtContent"))
            out += _own_paragraphs(content) if content is not None else []
    return out


def _nested_tables(tc) -> list:
    return [child for child in tc.iter(q("w:tbl")) if child is not tc and _owner_cell(child) is tc]


def _owner_cell(tbl):
    parent = tbl.getparent()
    while parent is not None and parent.tag != q("w:tc"):
        parent = parent.getparent()
    return parent


def _cell_paras(tc) -> list[Para]:
    return [Para.of(p) for p in _own_paragraphs(tc)]


def _cell_text(tc) -> str:
    text = " ".join(p.text for p in _cell_paras(tc)).strip()
    return f"{text} {NESTED}".strip() if _nested_tables(tc) else text


def _is_blank(text: str) -> bool:
    return bool(FILL_ONLY.match(text))


def _label(text: str) -> str:
    return " ".join(text.split()).strip()


class Walker:
    """Finds the places of one document part, in order."""

    def __init__(self, root, likely_question: Callable[[str], bool], likely_rows: Callable[[list], bool],
                 score: Callable[[str], float] = lambda text: 0.0,
                 is_label: Callable[[str], bool] = lambda text: False):
        self.root = root
        self.is_label = is_label
        self.likely_question = likely_question
        self.score = score
        self.likely_rows = likely_rows
        self.spots: list[Spot] = []
        self.heading = ""
        self.table_number = 0

    # -------------------------------------------------------------------- body
    def walk(self) -> list[Spot]:
        body = self.root.find(q("w:body"))
        body = self.root if body is None else body  # a page header holds its paragraphs itself
        recent: list[tuple[str, bool]] = []  # text paragraphs since the last place: (text, a bullet?)
        last_answer: Spot | None = None  # the place more fill lines belong to
        question = ""  # the text a line of tick boxes answers
        for index, element in enumerate(_blocks(body)):
            if element.tag == q("w:tbl"):
                self.table_number += 1
                self._table(element, self._label_of(recent))
                recent, last_answer, question = [], None, ""
                continue
            para = Para.of(element)
            text = para.text.strip()
            if BOX.search(para.text):
                before = BOX.split(para.text, maxsplit=1)[0].strip()
                question = before or question or self._label_of(recent)
                self._ticks(para, f"p{index}", question, f"de hoofdtekst, bij ‘{_short(question)}’")
                last_answer = None
                continue
            if _is_blank(para.text):
                is_fill = bool(text)
                label = self._label_of(recent)
                if label and (is_fill or self.likely_question(label)):
                    last_answer = self._answer_paragraph(para, f"p{index}", label)
                    recent = []
                elif last_answer is not None and is_fill:
                    last_answer.extra.append(element)
                continue
            last_answer = None
            if _labelled_fill(para.text):
                self._inline(para, f"p{index}", "de hoofdtekst")
                recent, question = [], ""
                continue
            if _is_heading(element):
                self.heading = _label(text)
            # The label is among the last few paragraphs (a heading may be it: "Rol" in bold).
            recent = recent[-7:] + [(text, _is_bullet(element, text))]
            question = ""
        return self.spots

    def _label_of(self, recent: list[tuple[str, bool]]) -> str:
        """Which of the paragraphs before a place is its label: the question, not the help bullets
        or the "Uw antwoord:" printed between it and the box; the one the form knows best, else the
        last that asks something."""
        candidates = [text for text, bullet in recent if not bullet and loose(text) not in PROMPTS]
        if not candidates:
            return recent[-1][0] if recent else ""
        scored = [(self.score(text), i, text) for i, text in enumerate(candidates)]
        best = max(scored)
        if best[0] >= GOOD_ENOUGH:
            return best[2]
        asking = [text for text in candidates if text.rstrip().endswith((":", "?"))]
        return asking[-1] if asking else candidates[-1]

    def _answer_paragraph(self, para: Para, ident: str, label: str) -> Spot:
        place = Place(ident, ANSWER, _label(label), heading=self.heading,
                      where=f"de hoofdtekst, onder ‘{_short(label)}’")

        spot = Spot(place)

        def write(path, _columns, say):
            para.set_text(say.answer(path))
            for extra in spot.extra:
                extra.getparent().remove(extra)
        spot.write = write
        self.spots.append(spot)
        return spot

    def _inline(self, para: Para, ident: str, where: str) -> None:
        """'Naam: ........  Datum: ........': each label before its own dots."""
        start = 0
        for k, fill in enumerate(FILL.finditer(para.text)):
            label = para.text[start:fill.start()].strip()
            start = fill.end()
            if not any(ch.isalpha() for ch in label):
                continue  # the paper's dotted help bullet ("• ……..?"), no label of its own
            place = Place(f"{ident}#{k}", ANSWER, _label(label), heading=self.heading,
                          where=f"{where}, na ‘{_short(label)}’")
            span = (fill.start(), fill.end())

            def write(path, _columns, say, span=span):
                para.replace(span[0], span[1], say.answer(path))
            self.spots.append(Spot(place, write))

    def _ticks(self, para: Para, ident: str, question: str, where: str, option_default: str = "") -> None:
        boxes = list(BOX.finditer(para.text))
        # Write from the last box back, so earlier spans keep their offsets.
        found = []
        for k, box in enumerate(boxes):
            end = boxes[k + 1].start() if k + 1 < len(boxes) else len(para.text)
            option = para.text[box.end():end].strip(" \t:;,/") or option_default
            if not option:
                continue
            place = Place(f"{ident}#{k}", TICK, _label(option), question=_label(question),
                          heading=self.heading, where=f"{where}, vakje ‘{_short(option)}’")
            found.append(Spot(place, self._tick_writer(para, box)))
        self.spots.extend(found)

    def _tick_writer(self, para: Para, box):
        def write(path, _columns, say):
            glyph = box.group()
            if glyph == CONTROL and say.loops:
                _tag_control(para.spots[box.start()][0], path)
                return
            para.replace(box.start(), box.end(), say.tick(path, glyph))
        return write

    # -------------------------------------------------------------------- tables
    def _table(self, tbl, before: str) -> None:
        self._table_itself(tbl, before)
        # Tables inside its cells (a block of personal details in a cell of the layout table), after it.
        for tr in tbl.findall(q("w:tr")):
            for tc in tr.findall(q("w:tc")):
                for nested in _nested_tables(tc):
                    self.table_number += 1
                    self._table(nested, _first_text(tc))

    def _table_itself(self, tbl, before: str) -> None:
        rows = [[tc for tc in tr.findall(q("w:tc"))] for tr in tbl.findall(q("w:tr"))]
        t = self.table_number
        if not rows:
            return
        texts = [[_cell_text(tc) for tc in row] for row in rows]
        firsts = [[_first_text(tc) for tc in row] for row in rows]
        if len(rows) == 1 and len(rows[0]) == 1 and _is_blank(texts[0][0]):
            label = before or self.heading
            if label:
                self._answer_cell(rows[0][0], f"t{t}.r1.c1", label, f"tabel {t}, het kader")
            return
        if self._repeated(tbl, rows, texts, t):
            return
        grid = [_grid_columns(row) for row in rows]
        marks_row = None  # the header row of a grid of tick boxes: the options per column
        taken: set[tuple[int, int]] = set()
        headings: dict[int, str] = {}  # grid column -> the heading over the labels below it
        heading_row = -2
        for r, row in enumerate(rows):
            if any(BOX.search(x) for x in texts[r]):
                self._tick_row(rows, texts, firsts, grid, r, marks_row, t)
                continue
            # A heading is not over a heading: the second of two such rows holds the labels.
            if heading_row != r - 1 and self._heading_row(rows, texts, grid, r, headings):
                heading_row = r
                continue
            filled = [c for c, text in enumerate(texts[r]) if text and not _is_blank(text)]
            over_empty = r + 1 < len(rows) and all(_is_blank(x) for x in texts[r + 1])
            if not over_empty and (len(filled) == 1 and len(row) == 1 or
                                   (filled == [0] and len(row) > 1 and
                                    all(_is_blank(x) for x in texts[r][1:]) and
                                    _spans_all(row[0], grid[r], rows))):
                self.heading = _label(texts[r][0])
                continue
            if len(filled) >= 2 and all(is_mark(texts[r][c]) for c in filled[1:]):
                marks_row = r  # "+ ± –" or "ja nee" over the boxes below
            for c, tc in enumerate(row):
                text = texts[r][c]
                if not text or _is_blank(text) or (r, c) in taken:
                    continue
                label = firsts[r][c]
                heading = _heading_at(headings, grid[r][c]) or self.heading
                above = _label_above(rows, firsts, grid, r, c, label)
                inline = [para for para in _cell_paras(tc) if _labelled_fill(para.text)]
                if inline:
                    for para in inline:
                        self._inline(para, f"t{t}.r{r + 1}.c{c + 1}", f"tabel {t}, rij {r + 1}")
                    continue
                if c + 1 < len(row) and (r, c + 1) not in taken and _is_blank(texts[r][c + 1]) and \
                        _not_merged(row[c + 1]):
                    self._answer_cell(row[c + 1], f"t{t}.r{r + 1}.c{c + 2}", label,
                                      f"tabel {t}, rij {r + 1}, kolom {c + 2}", heading, above)
                    taken.add((r, c + 1))
                    continue
                below = _cell_below(rows, grid, r, c)
                if below is not None and (r + 1, below) not in taken and _is_blank(texts[r + 1][below]) and \
                        _not_merged(rows[r + 1][below]):
                    self._answer_cell(rows[r + 1][below], f"t{t}.r{r + 2}.c{below + 1}", label,
                                      f"tabel {t}, rij {r + 2}", heading, above)
                    taken.add((r + 1, below))

    def _repeated(self, tbl, rows, texts, t) -> bool:
        """A header row over empty rows, naming the columns of one of the form's tables."""
        for h in range(min(2, len(rows) - 1)):
            headers = texts[h]
            empty_below = [r for r in range(h + 1, len(rows))
                           if all(_is_blank(x) or (c == 0 and is_number(x)) for c, x in enumerate(texts[r]))]
            if len([x for x in headers if x]) < 1 or not empty_below or empty_below[0] != h + 1:
                continue
            # Every column named over two empty rows or more is a table to fill row by row, whatever
            # it holds (HR chooses when nothing fits); over one empty row it may be labels over boxes.
            named_all = len(headers) >= 2 and all(x and not _is_blank(x) for x in headers)
            if not (named_all and len(empty_below) >= 2 and _consecutive(empty_below)) and \
                    not self.likely_rows(headers):
                continue
            if len([x for x in headers if x]) == 1 and len(empty_below) < 2:
                continue  # one label over one empty cell: a question and its box
            place = Place(f"t{t}.rows", ROWS, _label(headers[0] or " ".join(headers)), heading=self.heading,
                          where=f"tabel {t}", headers=[_label(x) for x in headers])
            trs = tbl.findall(q("w:tr"))
            body_rows = [trs[r] for r in empty_below]

            def write(path, columns, say, tbl=tbl, body_rows=body_rows):
                if say.loops:
                    _write_loop(tbl, body_rows, path, columns)
                else:
                    _fill_row(body_rows[0], {0: say.answer(path)})
            self.spots.append(Spot(place, write))
            return True
        return False

    def _heading_row(self, rows, texts, grid, r, headings) -> bool:
        """A row of headings over label cells ("Medewerker | | Leidinggevende |" over "Naam: | |
        Naam: |"): each heading says whose the labels below it are, up to the next heading."""
        if r + 1 >= len(rows):
            return False
        filled = [c for c, text in enumerate(texts[r]) if text and not _is_blank(text)]
        if not filled or any(BOX.search(texts[r][c]) or texts[r][c].endswith((":", "?")) for c in filled):
            return False
        for c in filled:
            below = _cell_below(rows, grid, r, c)
            if below is None or not texts[r + 1][below] or _is_blank(texts[r + 1][below]) or \
                    BOX.search(texts[r + 1][below]):
                return False
            if c + 1 < len(rows[r]) and not _is_blank(texts[r][c + 1]):
                return False
            text = _label(texts[r][c])
            # "Akkoord medewerker (naam)" over "Datum:" is a label with its own place, "Medewerker"
            # over "Naam:" a heading: a role, a repeat of the label below, or no question at all.
            under = _first_text(rows[r + 1][below])
            # A role over a person's details is a heading; over a date it may be pop-tabel's akkoord
            # line ("medewerker:" is a label of that form), with its name to the right.
            role = loose(text) in ROLE_NAMES and (not self.is_label(text) or loose(plain(under)) in DETAILS)
            if not (role or loose(text) == loose(under)
                    or not self.likely_question(text)):
                return False
        for c in filled:
            headings[grid[r][c]] = _label(texts[r][c])
        return True

    def _answer_cell(self, tc, ident: str, label: str, where: str, heading: str | None = None,
                     above: str = "") -> None:
        place = Place(ident, ANSWER, _label(label), heading=self.heading if heading is None else heading,
                      where=where, above=_label(above))

        def write(path, _columns, say, tc=tc):
            paras = _own_paragraphs(tc)
            Para.of(paras[0]).set_text(say.answer(path))
            for extra in paras[1:]:
                extra.getparent().remove(extra)
        self.spots.append(Spot(place, write))

    def _tick_row(self, rows, texts, firsts, grid, r, marks_row, t) -> None:
        row_label = next((_first_text(tc) for tc, x in zip(rows[r], texts[r]) if x and not BOX.search(x)),
                         "")
        for c, tc in enumerate(rows[r]):
            if not BOX.search(texts[r][c]):
                continue
            option, above = "", ""
            # Up the column: the option's mark (a row of "+ ± –") and the column's heading above it.
            for up in range(r - 1, -1, -1):
                column = _covering(grid, rows, up, grid[r][c])
                if column is None or not texts[up][column] or BOX.search(texts[up][column]):
                    continue
                text = texts[up][column]
                if not option and up == marks_row and is_mark(text):
                    option = text
                    continue
                above = _first_text(rows[up][column])
                break
            question = f"{row_label} {above}".strip()
            if not option and not BOX.sub("", texts[r][c]).strip() and c + 1 < len(rows[r]) and \
                    texts[r][c + 1] and not BOX.search(texts[r][c + 1]):
                option = firsts[r][c + 1]  # "☐ | Voortgangsgesprek": the option word in the next cell
            for p_index, para in enumerate(_cell_paras(tc)):
                if BOX.search(para.text):
                    self._ticks(para, f"t{t}.r{r + 1}.c{c + 1}.p{p_index}", question,
                                f"tabel {t}, rij {r + 1}", option_default=option)


def _is_bullet(p, text: str) -> bool:
    """A help bullet under a question ("• Wat gaat goed?"): never the label of the box after it. A
    numbered list is no help: HR numbers its questions."""
    style = p.find(f"{q('w:pPr')}/{q('w:pStyle')}")
    name = ((style.get(q("w:val")) if style is not None else "") or "").lower()
    return text.startswith(("•", "·", "-", "–", "▪", "o ")) or "bullet" in name or "opsomming" in name


def _consecutive(numbers: list[int]) -> bool:
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _labelled_fill(text: str) -> bool:
    """Dots after words on one line ("Naam: ........"): a label and its place."""
    fill = FILL.search(text)
    return bool(fill) and any(ch.isalpha() for ch in text[:fill.start()])


def _short(text: str, length: int = 50) -> str:
    text = _label(text)
    return text if len(text) <= length else text[:length - 1] + "…"


def _blocks(body):
    for child in body:
        if child.tag in (q("w:p"), q("w:tbl")):
            yield child
        elif child.tag == q("w:sdt"):
            content = child.find(q("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _span(tc) -> int:
    span = tc.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
    return int(span.get(q("w:val"), "1")) if span is not None else 1


def _grid_columns(row) -> list[int]:
    """Each cell's first grid column."""
    out, column = [], 0
    for tc in row:
        out.append(column)
        column += _span(tc)
    return out


def _spans_all(tc, grid_row, rows) -> bool:
    widest = max(sum(_span(c) for c in row) for row in rows)
    return _span(tc) >= widest or len(grid_row) == 1


def _same_column(grid, r, column) -> int | None:
    for c, start in enumerate(grid[r]):
        if start == column:
            return c
    return None


def _covering(grid, rows, r, column) -> int | None:
    """The cell of row r that covers grid column `column` (a heading may span several)."""
    for c, start in enumerate(grid[r]):
        if start <= column < start + _span(rows[r][c]):
            return c
    return None


def _label_above(rows, firsts, grid, r: int, c: int, label: str) -> str:
    """"Datum:" under "Akkoord medewerker" (in its column, an empty row between or not): a short
    label takes the label above it as its context."""
    if len(label.split()) > 2:
        return ""
    for up in (r - 1, r - 2):
        if up < 0:
            break
        column = _covering(grid, rows, up, grid[r][c])
        above = firsts[up][column] if column is not None else ""
        if above and not BOX.search(above) and not is_mark(above):
            return above
    # "Handtekening medewerker | ____ | Datum: | ____": the label before the one before it.
    if c >= 2 and _is_blank(firsts[r][c - 1]) and firsts[r][c - 2] and not BOX.search(firsts[r][c - 2]):
        return firsts[r][c - 2]
    return ""


def _heading_at(headings: dict[int, str], column: int) -> str:
    starts = [start for start in headings if start <= column]
    return headings[max(starts)] if starts else ""


def _first_text(tc) -> str:
    """A cell's label: its first paragraph with text (an intro or help may follow under it)."""
    return next((p.text.strip() for p in _cell_paras(tc) if p.text.strip()), "")


def _cell_below(rows, grid, r, c) -> int | None:
    if r + 1 >= len(rows):
        return None
    return _same_column(grid, r + 1, grid[r][c])


def _not_merged(tc) -> bool:
    merge = tc.find(f"{q('w:tcPr')}/{q('w:vMerge')}")
    return merge is None or merge.get(q("w:val")) == "restart"


def _tag_control(sdt, path: str) -> None:
    pr = sdt.find(q("w:sdtPr"))
    if pr is None:
        pr = etree.SubElement(sdt, q("w:sdtPr"))
        sdt.insert(0, pr)
    tag = pr.find(q("w:tag"))
    if tag is None:
        tag = etree.SubElement(pr, q("w:tag"))
    tag.set(q("w:val"), path)


def _write_loop(tbl, body_rows, path: str, columns: dict[int, str]) -> None:
    """docxtpl's row loop in place of the empty rows: a row opening the loop, one row of the columns,
    a row closing it (the opening and closing rows disappear when it is filled in)."""
    model = body_rows[0]
    while len(body_rows) < 3:
        clone = copy.deepcopy(model)
        body_rows[-1].addnext(clone)
        body_rows.append(clone)
    opening, middle, closing = body_rows[:3]
    for extra in body_rows[3:]:
        tbl.remove(extra)
    _fill_row(opening, {0: "{%%tr for r in %s %%}" % path})
    _fill_row(middle, {i: "{{ r.%s }}" % key for i, key in columns.items()})
    _fill_row(closing, {0: "{%tr endfor %}"})


def _fill_row(tr, texts: dict[int, str]) -> None:
    for c, tc in enumerate(tr.findall(q("w:tc"))):
        paras = tc.findall(q("w:p"))
        Para.of(paras[0]).set_text(texts.get(c, ""))
        for extra in paras[1:]:
            tc.remove(extra)


HEADER = re.compile(r"word/header\d*\.xml")
DOTS = "……………………"


def plain_controls(root) -> None:
    """Word's own ways of leaving room for an answer, made plain before the walk: a content control
    nobody named (showing "Klik of tik om tekst in te voeren.") and a legacy text form field become
    a line of dots in their place, a legacy check box a box. The walk then finds them as any dotted
    line, and the marked document holds plain placeholders where the controls stood."""
    for sdt in list(root.iter(q("w:sdt"))):
        pr = sdt.find(q("w:sdtPr"))
        if pr is None or any(pr.find(q(tag)) is not None for tag in ("w:tag", "w:alias", "w:dataBinding")) \
                or pr.find(q("w14:checkbox")) is not None:
            continue
        content = sdt.find(q("w:sdtContent"))
        if content is None:
            continue
        if pr.find(q("w:showingPlcHdr")) is not None:
            texts = list(content.iter(q("w:t")))
            for t in texts:
                t.text = ""
            if texts:
                texts[0].text = DOTS
            else:
                paragraph = content.find(q("w:p"))
                holder = paragraph if paragraph is not None else content
                run = etree.SubElement(holder, q("w:r"))
                etree.SubElement(run, q("w:t")).text = DOTS
        for child in list(content):
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
    for begin in list(root.iter(q("w:fldChar"))):
        if begin.get(q("w:fldCharType")) != "begin" or begin.find(q("w:ffData")) is None:
            continue
        runs, run = [], begin.getparent()
        while run is not None:
            runs.append(run)
            end = run.find(q("w:fldChar"))
            if end is not None and end.get(q("w:fldCharType")) == "end":
                break
            run = run.getnext()
        instruction = "".join(t.text or "" for r in runs for t in r.iter(q("w:instrText")))
        kind = "☐" if "FORMCHECKBOX" in instruction else DOTS if "FORMTEXT" in instruction else None
        if kind is None or run is None:
            continue
        replacement = etree.Element(q("w:r"))
        etree.SubElement(replacement, q("w:t")).text = kind
        runs[0].addprevious(replacement)
        for r in runs:
            r.getparent().remove(r)


def walk(data: bytes, likely_question, likely_rows, score=lambda text: 0.0,
         is_label=lambda text: False) -> tuple[list[Spot], Callable[[], bytes]]:
    """The places of a blank Word form, and a function that returns the document with what was written
    into them. The page headers first, as on the page ("Naam medewerker: ____" in the letterhead)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    headers = sorted((n for n in archive.namelist() if HEADER.fullmatch(n)),
                     key=lambda n: int(re.sub(r"\D", "", n) or 0))
    roots: dict[str, object] = {}
    spots: list[Spot] = []
    for number, part in enumerate([*headers, BODY], start=1):
        roots[part] = etree.fromstring(archive.read(part), SAFE_PARSER)
        plain_controls(roots[part])
        found = Walker(roots[part], likely_question, likely_rows, score, is_label).walk()
        if part != BODY:
            for spot in found:  # an id of its own per header; "where" says it is the page header
                spot.place.id = f"kop{number}:{spot.place.id}"
                where = spot.place.where
                spot.place.where = where.replace("de hoofdtekst", "de koptekst") \
                    if where.startswith("de hoofdtekst") else f"de koptekst, {where}"
        spots += found

    def save() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in archive.infolist():
                content = archive.read(info.filename)
                if info.filename in roots:
                    content = etree.tostring(roots[info.filename], xml_declaration=True, encoding="UTF-8",
                                             standalone=True)
                target.writestr(info, content)
        return out.getvalue()
    return spots, save
