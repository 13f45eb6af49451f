"""Blank POP forms, the way HR has them, each with the mapping a blank-form mapper should propose
(issue 16, section 1): the test corpus of exports/uploads/blank_*.py.

Every form of forms.FORMS is printed in every style below, in memory, with python-docx and openpyxl:

- "labelcellen"      Word: label cell | empty cell; the header of pop-uitgebreid (and the akkoord lines)
                     side by side as label | empty | label | empty, as the paper prints it.
- "onder"            Word: a label row with the empty row below it.
- "stippellijnen"    Word: the question followed by lines of dots or underscores ("……", "....", "____"), or
                     "Naam: ..........." on one line.
- "kaders"           Word: the question (with the paper's "Uw antwoord:") followed by an empty one-cell
                     table, or by two or three empty paragraphs.
- "vakjes"           Word: the boxes of "kaders", choices as tick boxes (☐ □ ❑ "[ ]" mixed, on one line or
                     one option per paragraph) and grids as a table with a column per option holding a box.
- "vakjes-controls"  Word: the label cells of "labelcellen", every tick box a checkbox content control
                     (w:sdt with w14:checkbox, no tag, no title: unmarked) before its option word.
- "hr-eigen"         Word: what HR types itself: a title, the organisation's name in the page header (no
                     logo), "Medewerker"/"Leidinggevende" headings each followed by "Naam:", "Functie:",
                     numbered questions, other case, colons missing or added, shortened questions, a typo
                     or two ("Ontwikkel doel", "Verbeter punten"), "+/-" and "-" for "±" and "–", "Ja"/"Nee".
- "werkblad"         Excel: a sheet per part, label in column A and the (merged) answer cell to its right.
- "werkblad-onder"   Excel: one sheet, the answer cell (merged A:F) below its label.

In every style a repeated table (Table) prints as a table whose header row prints its column labels, over
3 to 6 empty rows. Exception, as the paper of seed 003 prints its progress talk: in "onder" and "kaders" a
table of blocks (layout "blocks": progress talks, check-ins, the compact form's goal, leerdoelen, the
learning log) prints as one block of questions under "Voortgangsgesprek 1" etc.; its places then hold the
first row: target "voortgangsgesprekken[0].gedaan" (a placeholder templates may use, exports/context.py
PaddedRows; exports/uploads/check.py knows kwaliteiten[0].sterk).

Choices always print as tick boxes (a paper needs a box to tick), grids (Matrix) as tick boxes per option:
in the paper styles one cell per grid column holding "☐ +  ☐ ±  ☐ –" (seed 003 prints "+ ± –" there),
in "vakjes" a column per option with the mark in a second header row. A tick box's Expected.label is the
option word printed right after the box; in a grid with a column per option (only a box in the cell) it is
the mark of its column's header ("+", "ja").

Left out, because no paper prints them: the SMART check (a column of the goals tables; an app addition
from forms/common.py), the costs in euros and hours (kosten_pob, the POB grid of forms/common.py; seed
003's own ja/nee grid "kosten" is a Matrix and is in), and the manager's conversation checklist (the part
"gesprekken"). A form's questions that are left out simply get no place: the mapper should list them as
"no place found".

Not places: the form's title, part and section titles (printed as headings, for context), intros, help
bullets (including the paper's own "……..?" bullet of the progress talk, a dotted line that is no place)
and Info items (plain paragraphs). The akkoord: its label (e.g. "Akkoord medewerker", pop-tabel's
"medewerker:") is the place for the name (akkoord_medewerker.naam), a "Datum:" beside or under it the
place for its date (.datum). No "Handtekening" line: a signature cannot be filled in, and the contract has
no "leave empty" target.

Headers. pop-uitgebreid has its own header questions (medewerker_naam, ..., leidinggevende_functie):
they are the targets. The other forms have none; their blank forms print the header HR always prints,
"Naam:", "Afdeling:", "Functie:" under "Medewerker" and "Naam:", "Functie:" under "Leidinggevende" (and
"Periode:"), targets medewerker.naam, leidinggevende.naam, plan.periode: the same printed "Naam:" means
whom its heading says.

Expected.label is the label's own text as printed: for a question the question (without the intro
sentence or help printed under it in the same cell, without the "Uw antwoord:" line before the box, and
without the dots that follow it on its line); for a table the text of its first header cell; for a tick
box the option word after it. Order: document order (Word: body top to bottom, a table row by row, left
to right; Excel: sheet by sheet, row by row, left to right).

    .venv/bin/python -m tests.blank_forms.make OUTDIR   # writes the files, expected.json, and checks
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from forms import FORMS
from forms.kinds import Choice, Date, Info, Matrix, Signature, Table

LEFT_OUT = ("smart", "costs", "checklist")
FIXED_TIME = dt.datetime(2025, 1, 6, 9, 0, 0)


# ------------------------------------------------------------------------------------------ contract

@dataclass
class Expected:
    label: str
    target: str
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class BlankForm:
    name: str
    form_key: str
    kind: str
    style: str
    data: bytes
    expected: list[Expected]


# ------------------------------------------------------------------------- the form as a paper prints it

@dataclass
class Heading:
    text: str
    level: int  # 0 the form's title, 1 a part, 2 a section, 3 a block's title


@dataclass
class Note:  # text that is no place: intro, help, Info
    text: str
    bullet: bool = False
    bold: bool = False


@dataclass
class Ask:  # a one-answer question
    label: str
    target: str
    long: bool = False
    date: bool = False
    intro: str = ""
    help: tuple[str, ...] = ()
    answer_label: str = ""


@dataclass
class Pairs:  # side-by-side groups (the header, the akkoord lines); title "" when the labels say it
    groups: list[tuple[str, list[Ask]]]


@dataclass
class Grid:  # a repeated table: a header row over empty rows
    key: str
    title: str
    intro: str
    columns: list[tuple[str, str]]  # (header as printed, column key)


@dataclass
class Block:  # a table of blocks printed as one block of questions (targets key[0].column)
    title: str
    asks: list[Ask]


@dataclass
class Pick:  # a choice as tick boxes
    label: str
    options: list[tuple[str, str]]  # (option as printed, target)


@dataclass
class Scale:  # a Matrix: rows x columns x marks
    key: str
    row_heading: str
    group_heading: str
    columns: list[tuple[str, str]]  # (column key, heading)
    marks: list[tuple[str, str]]  # (value, mark as printed)
    rows: list[tuple[str, str, str, str]]  # (row key, label, text, group)


def _printable(f) -> bool:
    return f.kind not in LEFT_OUT


def _ask(f, label=None, target=None) -> Ask:
    return Ask(label if label is not None else f.label, target or f.key, long=f.kind == "longtext",
               date=isinstance(f, Date), intro=f.intro, help=tuple(f.help), answer_label=f.answer_label)


def _standard_header(definition) -> list:
    """The header HR prints on a form that has no header questions of its own; a line the form asks
    elsewhere (pop-compact's "Rol", prefilled with the employee's function) is left out of it."""
    asked = {f.prefill for f in definition.fields if f.prefill}
    if "employee.naam" in asked:
        return []  # the form has its own header questions
    medewerker = [Ask(label, f"medewerker.{key}") for label, key in
                  (("Naam:", "naam"), ("Afdeling:", "afdeling"), ("Functie:", "functie"))
                  if f"employee.{key}" not in asked]
    return [Pairs([("Medewerker", medewerker),
                   ("Leidinggevende", [Ask("Naam:", "leidinggevende.naam"),
                                       Ask("Functie:", "leidinggevende.functie"),
                                       Ask("Periode:", "plan.periode")])])]


def outline(definition, blocks_as_questions: bool) -> list:
    """The form as a paper prints it, top to bottom."""
    items: list = [Heading(definition.title, 0)] + _standard_header(definition)
    for part in definition.parts:
        if part.key == "gesprekken" or not any(_printable(f) for f in part.fields):
            continue
        if part.title != definition.title:
            items.append(Heading(part.title, 1))
        items += [Note(t) for t in part.intro]
        items += [Note(f"{n}. {t}") for n, t in enumerate(part.intro_list, 1)]
        items += [Note(t) for t in part.intro_after]
        signatures = []
        for section in part.sections:
            printable = [i for i in section.items if not i.is_field or _printable(i)]
            if not printable:
                continue
            if section.columns == 2:
                fields = section.fields
                if not items or not isinstance(items[-1], Pairs):
                    items.append(Pairs([]))
                items[-1].groups.append((section.title, [_ask(f) for f in fields]))
                continue
            if section.title not in (part.title, definition.title):
                items.append(Heading(section.title, 2))
            items += [Note(t) for t in section.intro]
            for item in printable:
                if isinstance(item, Info):
                    if item.title:
                        items.append(Note(item.title, bold=True))
                    if item.text:
                        items.append(Note(item.text))
                    items += [Note(b, bullet=True) for b in item.bullets]
                elif isinstance(item, Signature):
                    signatures.append((item.label, [Ask(item.label, f"{item.key}.naam"),
                                                    Ask("Datum:", f"{item.key}.datum", date=True)]))
                elif isinstance(item, Table):
                    columns = [c for c in item.columns if _printable(c)]
                    if item.layout == "blocks" and blocks_as_questions:
                        title = f"{item.row_title or item.label} 1"
                        items.append(Block(title, [_ask(c, target=f"{item.key}[0].{c.key}") for c in columns]))
                    else:
                        items.append(Grid(item.key, item.label, item.intro,
                                          [(c.label, c.key) for c in columns]))
                elif isinstance(item, Matrix):
                    items.append(Scale(item.key, item.row_heading or item.label, item.group_heading,
                                       list(item.columns), list(item.scale),
                                       [(r.key, r.label, r.text, r.group) for r in item.rows]))
                elif isinstance(item, Choice):
                    items.append(Pick(item.label, [(label, f"{item.key}_{value}") for value, label in item.options]))
                else:
                    items.append(_ask(item))
            items += [Note(t) for t in section.outro]
        if signatures:
            items.append(Pairs(signatures))
    return items


# ------------------------------------------------------------------------------ hr-eigen: HR's own words

ORGANISATION = "Gemeente Zuiderveld · Afdeling P&O"
HR_TITLE = {"pop-uitgebreid": "POP formulier 2025", "pop-compact": "Persoonlijk ontwikkelplan",
            "pop-tabel": "PERSOONLIJK ONTWIKKELINGSPLAN", "pop-zes-stappen": "Ontwikkelplan medewerker"}
# target -> the label as HR typed it; a grid's marks and headings by (key, what).
HR_LABELS = {
    "pop-uitgebreid": {
        "datum_pop_gesprek": "Datum POP gesprek", "meer_doen": "meer doen",
        "nieuwe_ontwikkelingen": "Nieuwe ontwikkelingen in uw werk",
        "werk_over_3_jaar": "Hoe ziet uw werk er over 3 jaar uit",
        "nieuwe_eisen": "Welke nieuwe eisen stelt dat aan u?",
        "voorbereiding_functie": "Voorbereiding op de nieuwe functie",
        "pop_wat": "Wat ga ik ontwikkelen", "pop_wanneer_voldaan": "Wanneer heb ik hieraan voldaan?",
        "kosten_antwoord": "Wat vraagt dit aan tijd en geld? Wie zorgt hiervoor en hoe?",
        "wanneer_geleerd": "Wanneer geleerd? (tussentijdse planning)",
        "evaluatie_optie_achteraf": "Achteraf bewijzen leveren",
        "evaluatie_vooraf": "Vooraf: meetpunten", "evaluatie_achteraf": "Achteraf: bewijzen",
        "doelen_gehaald": "Ontwikkeldoelen gehaald?", "pop_afsluiten": "POP afsluiten",
        "volgend_gesprek_datum": "Datum volgend gesprek:", "akkoord_medewerker.naam": "Akkoord medewerker (naam)",
        "akkoord_leidinggevende.naam": "Akkoord leidinggevende (naam)",
        "kwaliteiten.verbeter": "Verbeter punten", "ontwikkeldoelen.doel": "Ontwikkel doel",
        "ontwikkeldoelen.belang": "Belang (1 = belangrijkst)",
        "voortgangsgesprekken.datum": "Datum", "voortgangsgesprekken.gedaan": "Wat heeft u gedaan?",
        "voortgangsgesprekken.opgeleverd": "Wat heeft het opgeleverd?",
        "voortgangsgesprekken.tevreden": "Tevreden over de resultaten?",
        "voortgangsgesprekken.verder": "Hoe verder?",
        "on_the_job.row_heading": "On the job", "off_the_job.row_heading": "Off the job",
        "on_the_job.past": "Past bij leerdoel?", "off_the_job.past": "Past bij leerdoel?",
        "on_the_job.ligt": "Ligt mij?", "off_the_job.ligt": "Ligt mij?",
        "mark.±": "+/-", "mark.–": "-", "mark.ja": "Ja", "mark.nee": "Nee",
        "Ontwikkeldoelen": "Ontwikkel doelen", "Evaluatie-opties": "Evaluatie:",
        "Het volgende gesprek is een:": "Volgend gesprek",
    },
    "pop-compact": {
        "rol": "Functie/rol:", "ambitie": "ambitie:", "ontwikkelfocus": "Ontwikkelfocus (wat en waarom)",
        "startsituatie": "Start situatie",
        "doelen.doel": "Doel", "doelen.waarom": "Waarom?", "doelen.acties": "Acties",
        "doelen.ondersteuning": "Ondersteuning", "doelen.meetpunten": "Meetpunten", "doelen.tijdslijn": "Tijdlijn",
        "doelen.reflectie": "Reflectie",
        "checkins.datum": "Datum", "checkins.goal": "Goal", "checkins.reality": "Reality",
        "checkins.options": "Options", "checkins.will": "Will", "checkins.reflectie": "Reflectie",
        "volgend_gesprek_datum": "Datum volgend gesprek", "akkoord_medewerker.naam": "Voor akkoord medewerker",
        "akkoord_leidinggevende.naam": "Voor akkoord leidinggevende",
        "Het volgende gesprek is een:": "Volgende gesprek:",
    },
    "pop-tabel": {
        "doelen.doel": "Ontwikkelingsdoel", "doelen.activiteit": "Activiteit", "doelen.resultaat": "Gewenst resultaat",
        "doelen.planning": "Planning (wanneer)", "doelen.ondersteuning": "Ondersteuning/faciliteiten",
        "akkoord_medewerker.naam": "Medewerker", "akkoord_leidinggevende.naam": "Leidinggevende",
        "werkbesprekingen.datum": "Datum", "werkbesprekingen.stand": "Stand van zaken uitvoering POP",
        "werkbesprekingen.bespoedigen": "Bij stagnatie: hoe bespoedigen?",
        "werkbesprekingen.verwachtingen": "Voldoet de activiteit aan de verwachtingen?",
        "werkbesprekingen.bijsturen": "Zo nee, hoe bijsturen?",
        "doelen_bereikt": "Zijn de ontwikkelingsdoelen bereikt", "effect_functioneren": "Effect op functioneren",
        "effect_loopbaan": "Effect op loopbaanperspectieven",
    },
    "pop-zes-stappen": {
        "huidige_situatie": "Huidige situatie: in welke vaardigheden wil je je verder bekwamen?",
        "leerbehoeften": "Wat wil je leren",
        "ontwikkelingsmogelijkheden.kennis": "Kennis & vaardigheden",
        "ontwikkelingsmogelijkheden.training": "Soort training",
        "leerdoelen.leerdoel": "Leerdoel (SMART)",
        "leerlog.datum": "Datum", "leerlog.leerbehoefte": "Leerbehoefte", "leerlog.leermethode": "Leermethode",
        "leerlog.data_actie": "Data actie", "leerlog.resultaten": "Resultaten", "leerlog.overig": "Overige info",
        "effectief": "Hoe effectief was je aanpak?", "opnieuw": "Zou je de aanpak opnieuw volgen",
        "volgend_gesprek_datum": "Datum volgend gesprek:",
    },
}
# Columns HR leaves out of its own table (the optional ones of seed 004 §2.10).
HR_DROPS = {"pop-tabel": {"doelen.termijn", "doelen.startniveau", "doelen.beloning"}}
HR_NUMBERING = {"pop-uitgebreid": "1.", "pop-compact": "a)", "pop-tabel": "", "pop-zes-stappen": "1)"}


def _number(style: str, n: int) -> str:
    if style == "1.":
        return f"{n}. "
    if style == "1)":
        return f"{n}) "
    if style == "a)":
        return f"{'abcdefghijklmnop'[n - 1]}) "
    return ""


def hr_outline(definition) -> list:
    """What HR types: its own header, fewer guidance texts, its own words and numbering."""
    words = HR_LABELS[definition.key]
    drops = HR_DROPS.get(definition.key, set())
    numbering = HR_NUMBERING[definition.key]
    own = {f.prefill: f.key for f in definition.fields if f.prefill}
    medewerker = [Ask("Naam:", own.get("employee.naam", "medewerker.naam")),
                  Ask("Functie:", own.get("employee.functie", "medewerker.functie")),
                  Ask("Afdeling", own.get("employee.afdeling", "medewerker.afdeling"))]
    leidinggevende = [Ask("Naam:", own.get("manager.naam", "leidinggevende.naam")),
                      Ask("Functie:", own.get("manager.functie", "leidinggevende.functie"))]
    items: list = [Heading(HR_TITLE[definition.key], 0), Heading("Medewerker", 2), Pairs([("", medewerker)]),
                   Heading("Leidinggevende", 2), Pairs([("", leidinggevende)])]
    if "datum_pop_gesprek" in {f.key for f in definition.fields}:
        items.append(Ask(words.get("datum_pop_gesprek", "Datum POP-gesprek:"), "datum_pop_gesprek", date=True))
    header = {a.target for a in medewerker + leidinggevende}
    n = 0
    for item in outline(definition, blocks_as_questions=False):
        if isinstance(item, Heading):
            if item.level == 0:
                continue
            n = 0
            text = words.get(item.text, item.text)
            items.append(Heading(text.upper() if item.level == 1 and definition.key == "pop-uitgebreid" else text,
                                 item.level))
        elif isinstance(item, Note):
            if item.bold or item.bullet:
                continue  # HR leaves the guidance out and keeps a sentence or two
            if len(item.text) < 140 and not item.text.endswith(":"):
                items.append(item)
        elif isinstance(item, Pairs):
            if any(a.target.startswith("akkoord_") for _, asks in item.groups for a in asks):
                items.append(Pairs([("", [Ask(words.get(a.target, a.label), a.target, date=a.date)
                                          for a in asks]) for _, asks in item.groups]))
            # the form's own header is HR's header above
        elif isinstance(item, Ask):
            if item.target in header:
                continue  # HR asks it in its header (pop-compact's Rol: "Functie:")
            n += 1
            items.append(Ask(_number(numbering, n) + words.get(item.target, item.label), item.target,
                             long=item.long, date=item.date))
        elif isinstance(item, Grid):
            columns = [(words.get(f"{item.key}.{key}", label), key) for label, key in item.columns
                       if f"{item.key}.{key}" not in drops]
            items.append(Grid(item.key, words.get(item.title, item.title), "", columns))
        elif isinstance(item, Pick):
            items.append(Pick(words.get(item.label, item.label),
                              [(words.get(t, label), t) for label, t in item.options]))
        elif isinstance(item, Scale):
            items.append(Scale(item.key, words.get(f"{item.key}.row_heading", item.row_heading),
                               item.group_heading,
                               [(k, words.get(f"{item.key}.{k}", h)) for k, h in item.columns],
                               [(v, words.get(f"mark.{m}", m)) for v, m in item.marks],
                               [(k, label, "", group) for k, label, _, group in item.rows]))
    return items


# -------------------------------------------------------------------------------------------- Word

BOXES = ("☐", "□", "❑", "[ ]")
DOTS = ("…………………………………………………………", "..........................................................",
        "________________________________________")


class Word:
    """One Word document being written, with the places expected, in order."""

    def __init__(self, style: str, text_mode: str, box_mode: str, box: str = "☐"):
        self.doc = Document()
        self.style, self.text_mode, self.box_mode, self.box = style, text_mode, box_mode, box
        self.expected: list[Expected] = []
        self.count = 0  # varies dots, boxes, empty lines
        self.control_id = 1000
        self.doc.styles["Normal"].font.size = Pt(10)

    # --- small pieces
    def expect(self, label: str, target: str, columns: dict | None = None):
        self.expected.append(Expected(label, target, dict(columns or {})))

    def para(self, text: str = "", bold=False, italic=False, container=None):
        paragraph = (container or self.doc).add_paragraph()
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
        return paragraph

    def table(self, rows: int, cols: int, container=None):
        t = (container or self.doc).add_table(rows=rows, cols=cols)
        t.style = self.doc.styles["Table Grid"]
        return t

    def cell_text(self, cell, text: str, bold=False, extra: tuple[str, ...] = ()):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold
        for line in extra:
            cell.add_paragraph().add_run(line).italic = True

    def widths(self, t, cms: list[float]):
        t.autofit = False
        for column, cm in zip(t._tbl.tblGrid.gridCol_lst, cms):
            column.w = Cm(cm)
        for row in t.rows:
            for cell, cm in zip(row.cells, cms):
                cell.width = Cm(cm)

    def tall(self, row, cm: float):
        row.height = Cm(cm)

    def next_box(self) -> str:
        if self.box_mode == "columns":
            self.count += 1
            return BOXES[self.count % len(BOXES)]
        return self.box

    def box_run(self, paragraph, option: str, target: str, separator: str = ""):
        """A tick box before its option word, in paragraph."""
        if separator:
            paragraph.add_run(separator)
        if self.box_mode == "controls":
            self.control_id += 1
            paragraph._p.append(parse_xml(
                f'<w:sdt {nsdecls("w", "w14")}><w:sdtPr><w:id w:val="{self.control_id}"/>'
                '<w14:checkbox><w14:checked w14:val="0"/>'
                '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
                '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
                '<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" '
                'w:hAnsi="MS Gothic" w:hint="eastAsia"/></w:rPr><w:t>☐</w:t></w:r></w:sdtContent></w:sdt>'))
            paragraph.add_run(f" {option}" if option else "")
        else:
            paragraph.add_run(f"{self.next_box()} {option}" if option else self.next_box())
        self.expect(option, target)

    # --- the items
    def heading(self, h: Heading):
        if h.level == 0:
            self.doc.add_heading(h.text, 0)
        elif h.level == 3:
            self.para(h.text, bold=True)
        else:
            self.doc.add_heading(h.text, h.level)

    def note(self, n: Note):
        if n.bullet:
            self.doc.add_paragraph(n.text, style="List Bullet")
        else:
            self.para(n.text, bold=n.bold)

    def asks(self, asks: list, container=None):
        """A run of questions and choices, in the style's way."""
        mode = self.text_mode
        if mode == "cells":
            t = self.table(len(asks), 2, container)
            for row, ask in zip(t.rows, asks):
                if isinstance(ask, Pick):
                    self.cell_text(row.cells[0], ask.label, bold=True)
                    self.pick_in(row.cells[1], ask, one_line=False)
                    continue
                self.cell_text(row.cells[0], ask.label, bold=True, extra=(ask.intro,) if ask.intro else ())
                self.expect(ask.label, ask.target)
                if ask.long:
                    self.tall(row, 2.5)
            self.para()
        elif mode == "below":
            t = self.table(2 * len(asks), 1, container)
            for i, ask in enumerate(asks):
                label_row, answer_row = t.rows[2 * i], t.rows[2 * i + 1]
                if isinstance(ask, Pick):
                    self.cell_text(label_row.cells[0], ask.label, bold=True)
                    self.pick_in(answer_row.cells[0], ask, one_line=True)
                    continue
                self.cell_text(label_row.cells[0], ask.label, bold=True,
                               extra=((ask.intro,) if ask.intro else ()) + tuple(f"• {h}" for h in ask.help))
                self.expect(ask.label, ask.target)
                self.tall(answer_row, 3 if ask.long else 0.8)
            self.para()
        else:
            for ask in asks:
                if isinstance(ask, Pick):
                    self.para(ask.label, bold=mode != "dots")
                    self.pick_in(None, ask, one_line=self.count % 2 == 0 or self.box_mode != "columns")
                    continue
                self.ask_paragraphs(ask)

    def ask_paragraphs(self, ask: Ask):
        mode = self.text_mode
        self.count += 1
        if mode == "dots" and not ask.long and len(ask.label) <= 50:
            self.para(f"{ask.label} {DOTS[self.count % 3][:40]}")
            self.expect(ask.label, ask.target)
            return
        if mode == "hr":
            if not ask.long:
                self.para(f"{ask.label} ______________________________")
                self.expect(ask.label, ask.target)
                return
            self.para(ask.label, bold=True)
            self.expect(ask.label, ask.target)
            self.tall(self.table(1, 1).rows[0], 3)
            self.para()
            return
        self.para(ask.label, bold=True)
        self.expect(ask.label, ask.target)
        if ask.intro:
            self.para(ask.intro, italic=True)
        for h in ask.help:
            self.doc.add_paragraph(h, style="List Bullet")
        if mode == "dots":
            for _ in range(4 if ask.long else 1):
                self.para(DOTS[self.count % 3])
            return
        if ask.answer_label:
            self.para(ask.answer_label)
        if not ask.long or self.count % 3:
            self.tall(self.table(1, 1).rows[0], 3 if ask.long else 0.8)
            self.para()
        else:
            for _ in range(2 + self.count % 2):
                self.para()

    def pick_in(self, cell, pick: Pick, one_line: bool):
        """The options of a choice as tick boxes, in cell (or the body)."""
        target = cell if cell is not None else self.doc
        if one_line:
            paragraph = cell.paragraphs[0] if cell is not None else self.para()
            for i, (option, path) in enumerate(pick.options):
                self.box_run(paragraph, option, path, separator="    " if i else "")
        else:
            for i, (option, path) in enumerate(pick.options):
                paragraph = cell.paragraphs[0] if (cell is not None and i == 0) else target.add_paragraph()
                self.box_run(paragraph, option, path)

    def pairs(self, pairs: Pairs):
        groups = pairs.groups
        if self.text_mode in ("cells", "below") and len(groups) == 2:
            depth = max(len(asks) for _, asks in groups)
            titled = any(title for title, _ in groups)
            if self.text_mode == "cells":
                t = self.table(depth + titled, 4)
                if titled:
                    for g, (title, _) in enumerate(groups):
                        self.cell_text(t.rows[0].cells[2 * g], title, bold=True)
                for r in range(depth):
                    for g, (_, asks) in enumerate(groups):
                        if r < len(asks):
                            self.cell_text(t.rows[r + titled].cells[2 * g], asks[r].label)
                            self.expect(asks[r].label, asks[r].target)
            else:
                t = self.table(2 * depth + titled, 2)
                if titled:
                    for g, (title, _) in enumerate(groups):
                        self.cell_text(t.rows[0].cells[g], title, bold=True)
                for r in range(depth):
                    for g, (_, asks) in enumerate(groups):
                        if r < len(asks):
                            self.cell_text(t.rows[2 * r + titled].cells[g], asks[r].label)
                            self.expect(asks[r].label, asks[r].target)
            self.para()
            return
        for title, asks in groups:
            if title:
                self.para(title, bold=True)
            if self.text_mode in ("cells", "below", "hr"):
                saved, self.text_mode = self.text_mode, ("cells" if self.text_mode == "hr" else self.text_mode)
                self.asks(asks)
                self.text_mode = saved
            else:
                for ask in asks:
                    self.ask_paragraphs(Ask(ask.label, ask.target))  # short lines
        if self.text_mode not in ("cells", "below", "hr"):
            self.para()

    def grid(self, g: Grid, rows: int):
        if g.title and self.text_mode in ("dots", "box", "hr"):
            self.para(g.title, bold=True)
        if g.intro:
            self.para(g.intro, italic=True)
        t = self.table(rows + 1, len(g.columns))
        for cell, (label, _) in zip(t.rows[0].cells, g.columns):
            self.cell_text(cell, label, bold=True)
        for row in t.rows[1:]:
            self.tall(row, 1.2)
        self.expect(g.columns[0][0], g.key, {label: key for label, key in g.columns})
        self.para()

    def block(self, b: Block):
        self.para(b.title, bold=True)
        self.asks(b.asks)

    def scale(self, s: Scale):
        grouped = bool(s.group_heading)
        lead = ([s.group_heading] if grouped else []) + [s.row_heading]
        if self.box_mode == "columns":
            per = len(s.marks)
            t = self.table(2 + len(s.rows), len(lead) + per * len(s.columns))
            for i, text in enumerate(lead):
                self.cell_text(t.rows[0].cells[i], text, bold=True)
            for c, (_, heading) in enumerate(s.columns):
                first = len(lead) + c * per
                merged = t.rows[0].cells[first].merge(t.rows[0].cells[first + per - 1])
                self.cell_text(merged, heading, bold=True)
                for m, (_, mark) in enumerate(s.marks):
                    self.cell_text(t.rows[1].cells[first + m], mark, bold=True)
            body = t.rows[2:]
        else:
            t = self.table(1 + len(s.rows), len(lead) + len(s.columns))
            for i, text in enumerate(lead + [h for _, h in s.columns]):
                self.cell_text(t.rows[0].cells[i], text, bold=True)
            body = t.rows[1:]
        lead_widths = [2.0, 5.5] if grouped else [6.5]
        if self.box_mode == "columns":
            self.widths(t, lead_widths + [1.0] * (len(s.marks) * len(s.columns)))
        else:
            self.widths(t, lead_widths + [3.5 if len(s.marks) > 2 else 2.5] * len(s.columns))
        last_group = None
        for row, (row_key, label, text, group) in zip(body, s.rows):
            if grouped and group != last_group:
                self.cell_text(row.cells[0], group, bold=True)
                last_group = group
            self.cell_text(row.cells[len(lead) - 1], f"{label}: {text}" if text and self.box_mode != "columns"
                           else label, extra=(text,) if text and self.box_mode == "columns" else ())
            for c, (col_key, _) in enumerate(s.columns):
                if self.box_mode == "columns":
                    for m, (value, mark) in enumerate(s.marks):
                        cell = row.cells[len(lead) + c * len(s.marks) + m]
                        self.box_run(cell.paragraphs[0], "", f"{s.key}.{row_key}.{col_key}_{value}")
                        self.expected[-1].label = mark
                else:
                    paragraph = row.cells[len(lead) + c].paragraphs[0]
                    for m, (value, mark) in enumerate(s.marks):
                        self.box_run(paragraph, mark, f"{s.key}.{row_key}.{col_key}_{value}",
                                     separator="   " if m else "")
        self.para()

    def write(self, items: list, table_rows) -> bytes:
        run: list = []

        def flush():
            if run:
                self.asks(list(run))
                run.clear()

        grids = 0
        for item in items:
            if isinstance(item, (Ask, Pick)):
                run.append(item)
                continue
            flush()
            if isinstance(item, Heading):
                self.heading(item)
            elif isinstance(item, Note):
                self.note(item)
            elif isinstance(item, Pairs):
                self.pairs(item)
            elif isinstance(item, Grid):
                self.grid(item, table_rows(grids))
                grids += 1
            elif isinstance(item, Block):
                self.block(item)
            elif isinstance(item, Scale):
                self.scale(item)
        flush()
        return self.save()

    def save(self) -> bytes:
        core = self.doc.core_properties
        core.author, core.title = "P&O", ""
        core.created = core.modified = core.last_printed = FIXED_TIME
        core.revision = 1
        out = io.BytesIO()
        self.doc.save(out)
        return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The package with fixed member times: the same bytes on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 6, 9, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()


# -------------------------------------------------------------------------------------------- Excel

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class Sheetwriter:
    """One workbook being written: label to the left of its answer ("werkblad") or above it ("onder")."""

    def __init__(self, below: bool):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.below = below
        self.expected: list[Expected] = []
        self.ws = None
        self.row = 1

    def sheet(self, title: str):
        self.ws = self.wb.create_sheet(SHEET_BAD.sub("-", title)[:31])
        self.ws.column_dimensions["A"].width = 48 if not self.below else 22
        for col in "BCDEFGHIJ":
            self.ws.column_dimensions[col].width = 22 if not self.below else 18
        self.row = 1

    def expect(self, label, target, columns=None):
        self.expected.append(Expected(label, target, dict(columns or {})))

    def put(self, col: int, text: str, bold=False, size=None, border=False):
        cell = self.ws.cell(row=self.row, column=col, value=text or None)
        if bold or size:
            cell.font = Font(bold=bold, size=size or 11)
        cell.alignment = WRAP
        if border:
            cell.border = BORDER
        return cell

    def answer(self, col: int, last: int, height: float):
        for c in range(col, last + 1):
            self.ws.cell(row=self.row, column=c).border = BORDER
        if last > col:
            self.ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row, end_column=last)
        self.ws.row_dimensions[self.row].height = height

    def heading(self, h: Heading):
        if h.level == 1 and not self.below:
            self.sheet(h.text.split(":")[0])
        self.put(1, h.text, bold=True, size=14 if h.level <= 1 else 12)
        self.row += 2 if h.level <= 1 else 1

    def note(self, n: Note):
        self.put(1, ("• " if n.bullet else "") + n.text, bold=n.bold)
        self.row += 1

    def ask(self, ask: Ask):
        if self.below:
            self.put(1, ask.label, bold=True)
            self.expect(ask.label, ask.target)
            self.row += 1
            self.answer(1, 6, 60 if ask.long else 18)
            self.row += 2
        else:
            self.put(1, ask.label, bold=True)
            self.expect(ask.label, ask.target)
            self.answer(2, 5 if ask.long else 3, 60 if ask.long else 18)
            self.row += 1 + ask.long

    def pick(self, p: Pick):
        self.put(1, p.label, bold=True)
        self.row += 0 if not self.below else 1
        for option, target in p.options:
            first = 1 if self.below else 2
            self.put(first, "☐")
            self.put(first + 1, option)
            self.expect(option, target)
            self.row += 1
        self.row += 1

    def pairs(self, pairs: Pairs):
        groups = pairs.groups
        depth = max(len(asks) for _, asks in groups)
        if any(title for title, _ in groups):
            for g, (title, _) in enumerate(groups):
                self.put(1 + 3 * g, title, bold=True)
            self.row += 1
        for r in range(depth):
            for g, (_, asks) in enumerate(groups):
                if r < len(asks):
                    col = 1 + 3 * g
                    self.put(col, asks[r].label)
                    self.expect(asks[r].label, asks[r].target)
                    if self.below:
                        self.row += 1
                        self.answer(col, col + 1, 18)
                        self.row -= 1
                    else:
                        self.answer(col + 1, col + 1, 18)
            self.row += 2 if self.below else 1
        self.row += 1

    def grid(self, g: Grid, rows: int):
        if g.intro:
            self.put(1, g.intro)
            self.row += 1
        for c, (label, _) in enumerate(g.columns, 1):
            self.put(c, label, bold=True, border=True)
        self.expect(g.columns[0][0], g.key, {label: key for label, key in g.columns})
        for _ in range(rows):
            self.row += 1
            for c in range(1, len(g.columns) + 1):
                self.ws.cell(row=self.row, column=c).border = BORDER
            self.ws.row_dimensions[self.row].height = 30
        self.row += 2

    def block(self, b: Block):
        self.put(1, b.title, bold=True)
        self.row += 1
        for ask in b.asks:
            self.ask(ask)

    def scale(self, s: Scale):
        lead = ([s.group_heading] if s.group_heading else []) + [s.row_heading]
        per = len(s.marks)
        for i, text in enumerate(lead):
            self.put(1 + i, text, bold=True, border=True)
        for c, (_, heading) in enumerate(s.columns):
            first = 1 + len(lead) + c * per
            self.put(first, heading, bold=True, border=True)
            if per > 1:
                self.ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row,
                                    end_column=first + per - 1)
        self.row += 1
        for c in range(len(s.columns)):
            for m, (_, mark) in enumerate(s.marks):
                self.put(1 + len(lead) + c * per + m, mark, bold=True, border=True)
        last_group = None
        for row_key, label, text, group in s.rows:
            self.row += 1
            if s.group_heading and group != last_group:
                self.put(1, group, bold=True, border=True)
                last_group = group
            self.put(len(lead), label + (f": {text}" if text else ""), border=True)
            for c, (col_key, _) in enumerate(s.columns):
                for m, (value, mark) in enumerate(s.marks):
                    self.put(1 + len(lead) + c * per + m, "☐", border=True)
                    self.expect(mark, f"{s.key}.{row_key}.{col_key}_{value}")
        self.row += 2

    def write(self, items: list, table_rows) -> bytes:
        self.sheet("POP")
        grids = 0
        for item in items:
            if isinstance(item, Heading):
                if item.level == 0 and not self.below:
                    self.ws.title = "Gegevens"
                self.heading(item)
            elif isinstance(item, Note):
                if len(item.text) < 200:  # the long guidance stays on paper
                    self.note(item)
            elif isinstance(item, Ask):
                self.ask(item)
            elif isinstance(item, Pick):
                self.pick(item)
            elif isinstance(item, Pairs):
                self.pairs(item)
            elif isinstance(item, Grid):
                self.grid(item, table_rows(grids))
                grids += 1
            elif isinstance(item, Block):
                self.block(item)
            elif isinstance(item, Scale):
                self.scale(item)
        self.wb.properties.creator = "P&O"
        self.wb.properties.created = self.wb.properties.modified = FIXED_TIME
        out = io.BytesIO()
        self.wb.save(out)
        return _fixed_zip(_fixed_core(out.getvalue()))


def _fixed_core(data: bytes) -> bytes:
    """openpyxl writes the time of saving as dcterms:modified: the fixed time instead."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-06T09:00:00Z", blob)
            target.writestr(info, blob)
    return out.getvalue()


# -------------------------------------------------------------------------------------------- corpus

WORD_STYLES = {  # style: (text mode, box mode, box character, blocks as questions)
    "labelcellen": ("cells", "paper", "☐", False),
    "onder": ("below", "paper", "□", True),
    "stippellijnen": ("dots", "paper", "❑", False),
    "kaders": ("box", "paper", "☐", True),
    "vakjes": ("box", "columns", "☐", False),
    "vakjes-controls": ("cells", "controls", "☐", False),
    "hr-eigen": ("hr", "paper", "[ ]", False),
}
EXCEL_STYLES = {"werkblad": False, "werkblad-onder": True}


def _rows_for(form_index: int, style_index: int):
    return lambda table_index: 3 + (form_index + style_index + table_index) % 4  # 3 to 6 empty rows


def _word(definition, style: str, form_index: int, style_index: int) -> BlankForm:
    text_mode, box_mode, box, blocks = WORD_STYLES[style]
    if style == "hr-eigen":
        items = hr_outline(definition)
    else:
        items = outline(definition, blocks_as_questions=blocks)
    writer = Word(style, text_mode, box_mode, box)
    if style == "hr-eigen":
        writer.doc.sections[0].header.paragraphs[0].text = ORGANISATION
    if definition.orientation == "landscape":
        from docx.enum.section import WD_ORIENT
        section = writer.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    data = writer.write(items, _rows_for(form_index, style_index))
    return BlankForm(f"{definition.key}-{style}.docx", definition.key, "docx", style, data, writer.expected)


def _excel(definition, style: str, form_index: int, style_index: int) -> BlankForm:
    below = EXCEL_STYLES[style]
    writer = Sheetwriter(below)
    data = writer.write(outline(definition, blocks_as_questions=False), _rows_for(form_index, style_index))
    return BlankForm(f"{definition.key}-{style}.xlsx", definition.key, "xlsx", style, data, writer.expected)


def corpus() -> list[BlankForm]:
    forms = []
    for f, definition in enumerate(FORMS.values()):
        for s, style in enumerate(WORD_STYLES):
            forms.append(_word(definition, style, f, s))
        for s, style in enumerate(EXCEL_STYLES):
            forms.append(_excel(definition, style, f, s))
    return forms


# -------------------------------------------------------------------------------------------- checks

def vocabulary(definition) -> set[str]:
    """Every placeholder path a place may hold: the catalogue's, a table's key, a table row's cell."""
    from exports.placeholders import catalogue
    paths = set()
    for group in catalogue(definition):
        paths |= {row["placeholder"] for row in group["rows"]}
        paths |= {loop["key"] for loop in group["loops"]}
    for f in definition.fields:
        if isinstance(f, Table):
            paths |= {f"{f.key}[0].{c.key}" for c in f.columns}
    return paths


def document_text(form: BlankForm) -> str:
    """All text of the file, for the check that every label is printed as written."""
    if form.kind == "xlsx":
        from openpyxl import load_workbook
        wb = load_workbook(io.BytesIO(form.data))
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    xml = zipfile.ZipFile(io.BytesIO(form.data)).read("word/document.xml").decode()
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)


def check(forms: list[BlankForm]) -> list[str]:
    from exports.field_names import names_of
    problems = []
    for form in forms:
        definition = FORMS[form.form_key]
        known = vocabulary(definition)
        options = names_of(definition).option_paths
        tables = {f.key: {c.key for c in f.columns} for f in definition.fields if isinstance(f, Table)}
        text = document_text(form)
        lines = set(text.split("\n"))
        targets = [e.target for e in form.expected]
        for e in form.expected:
            where = f"{form.name}: {e.label!r} -> {e.target}"
            if e.target not in known:
                problems.append(f"{where}: not in the form's placeholders")
            if e.target in tables:
                if not e.columns:
                    problems.append(f"{where}: a table without columns")
                elif not set(e.columns.values()) <= tables[e.target]:
                    problems.append(f"{where}: unknown columns {set(e.columns.values()) - tables[e.target]}")
                missing = [h for h in e.columns if h.replace("&", "&amp;") not in lines and h not in lines]
                if missing:
                    problems.append(f"{where}: headers not printed as a cell: {missing}")
            elif e.columns:
                problems.append(f"{where}: columns on a place that is no table")
            if e.label.replace("&", "&amp;") not in text and e.label not in text:
                problems.append(f"{where}: label not printed")
            if "_" in e.target.rsplit(".", 1)[-1] and e.target in options and not e.label:
                problems.append(f"{where}: a tick box without its word")
        duplicates = {t for t in targets if targets.count(t) > 1}
        if duplicates:
            problems.append(f"{form.name}: targets twice: {sorted(duplicates)}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.blank_forms.make OUTDIR", file=sys.stderr)
        return 2
    import time
    start = time.perf_counter()
    forms = corpus()
    took = time.perf_counter() - start
    again = corpus()
    outdir = Path(argv[0])
    outdir.mkdir(parents=True, exist_ok=True)
    summary = {}
    for form in forms:
        (outdir / form.name).write_bytes(form.data)
        summary[form.name] = {"form_key": form.form_key, "kind": form.kind, "style": form.style,
                              "expected": [asdict(e) for e in form.expected]}
    (outdir / "expected.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    problems = check(forms)
    if [f.data for f in forms] != [f.data for f in again]:
        problems.append("two runs gave different bytes")
    if took > 5:
        problems.append(f"the corpus took {took:.1f} s (more than 5)")
    per_style: dict[str, list[int]] = {}
    for form in forms:
        per_style.setdefault(f"{form.style} ({form.kind})", []).append(len(form.expected))
    for style, counts in per_style.items():
        print(f"{style:28} {len(counts)} files, {sum(counts)} places")
    print(f"{len(forms)} files, {sum(len(f.expected) for f in forms)} places, built in {took:.2f} s, "
          f"written to {outdir}")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
