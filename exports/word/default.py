"""The default Word template: the paper form, generated from its definition, with docxtpl placeholders
where the answers go. HR can download it as the starting point for the organisation's own template;
every plan's default Word export is this template rendered.

Each field kind's layout is a class registered for its type in `word_layout` (WordKind, below the
builder): how its question prints, its cell and width in a table's grid, what is said once above such
a table. A new kind registers its own or prints as any question, its text in a box under it."""
from __future__ import annotations

import functools
import io
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from forms import get_form
from forms.kinds import (Amount, Check, Checklist, Choice, Costs, Date, Info, LongText, Matrix, Rank,
                         Signature, Smart, Table, Text)

from exports.context import checklist_groups, smart_letters, with_colon

FONT = "Arial"
GREY = RGBColor(0x55, 0x5F, 0x6A)
TEXT_WIDTH = 16.6  # cm: A4 less the margins
LANDSCAPE_WIDTH = 25.3  # cm: A4 on its side less the margins


@lru_cache(maxsize=None)
def default_docx_template(form_key: str) -> bytes:
    return _Builder(get_form(form_key)).build()


class _Builder:
    def __init__(self, definition):
        self.definition = definition
        self.doc = Document()
        self.landscape = getattr(definition, "orientation", "portrait") == "landscape"
        self.width = LANDSCAPE_WIDTH if self.landscape else TEXT_WIDTH

    def build(self) -> bytes:
        self._page_setup()
        self._styles()
        self._properties()
        for index, part in enumerate(self.definition.parts):
            self._part(part, first=index == 0)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # layout ------------------------------------------------------------------------------------
    def _page_setup(self):
        section = self.doc.sections[0]
        if self.landscape:  # the POP table reads across the page, as on paper
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.2))
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        header = section.header.paragraphs[0]
        header.text = "{{ medewerker.naam }} · POP {{ plan.periode }}"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._small_grey(header)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Pagina ")
        _field(footer, "PAGE")
        footer.add_run(" van ")
        _field(footer, "NUMPAGES")
        self._small_grey(footer)

    def _styles(self):
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(10.5)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(4)
        # Hyphenation is on for the document (settings) but off in ordinary text, which reads better
        # whole; only the narrow columns of a wide grid turn it back on (_hyphenate).
        _set_hyphenation(normal.element.get_or_add_pPr(), on=False)
        for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11)):
            style = styles[name]
            style.font.name, style.font.size = FONT, Pt(size)
            style.font.color.rgb = RGBColor(0x17, 0x4A, 0x6D)
            style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True

    def _properties(self):
        # Dutch, so that Word checks the spelling of the answers in Dutch rather than marking every
        # word; the file's title is the form's, not python-docx's defaults.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), "nl-NL")
        settings = self.doc.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), "nl-NL")
        # Word hyphenates Dutch by itself: the POP table's narrow headings (Ontwikkelingsactiviteit)
        # break at a syllable with a hyphen, not anywhere (LibreOffice needs Debian's hyphen-nl for
        # that). Only where a paragraph allows it: see _styles. Its place in settings follows the schema.
        if settings.find(qn("w:autoHyphenation")) is None:
            hyphenation = OxmlElement("w:autoHyphenation")
            tab_stop = settings.find(qn("w:defaultTabStop"))
            if tab_stop is not None:
                tab_stop.addnext(hyphenation)
            else:
                settings.insert(0, hyphenation)
        properties = self.doc.core_properties
        properties.title, properties.author, properties.last_modified_by = self.definition.title, "POP", "POP"
        properties.language, properties.comments, properties.subject = "nl-NL", "", ""

    def _small_grey(self, paragraph):
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb = Pt(8.5), GREY

    # content -----------------------------------------------------------------------------------
    def _part(self, part, first: bool):
        # A first part with a title of its own (the compact POP's Profiel) is headed where a section
        # of that title starts, after the form's introduction; without such a section, under the title.
        deferred = first and part.title != self.definition.title and \
            any(s.title == part.title for s in part.sections)
        if first:
            # The document is headed by the form's name, as the paper is.
            self.doc.add_paragraph(self.definition.title, style="Title")
            self._who()
            if part.title != self.definition.title and not deferred:
                self.doc.add_heading(part.title, level=1)
        else:
            heading = self.doc.add_heading(part.title, level=1)
            # A part of only akkoord lines (the POP table's Ondertekening) signs what comes before
            # it: under it, as on paper, not on a page of its own.
            fields = part.fields
            heading.paragraph_format.page_break_before = not fields or \
                not all(isinstance(f, Signature) for f in fields)
        for text in part.intro:
            self.doc.add_paragraph(text)
        for text in part.intro_list:
            self.doc.add_paragraph(text, style="List Number")
        for text in part.intro_after:
            self.doc.add_paragraph(text)
        sections = list(part.sections)
        if sections and all(s.columns == 2 for s in sections):
            self._side_by_side(sections)
            return
        for section in sections:
            self.headings = (part.title, section.title)  # a table's label that repeats them is left out
            if section.title != part.title:
                self.doc.add_heading(section.title, level=2)
            elif deferred:
                self.doc.add_heading(section.title, level=1)
            for text in section.intro:
                self.doc.add_paragraph(text)
            self._items(section.items)
            for text in section.outro:
                self.doc.add_paragraph(text)

    def _who(self):
        """Whose plan this is, under the title: HR files the paper by it. Only for a form whose own
        questions do not ask it (the extended form's header does, with its own labels)."""
        if any(getattr(f, "prefill", "") == "employee.naam" for f in self.definition.fields):
            return
        rows = (("Medewerker", "{{ medewerker.naam }}"), ("Functie", "{{ medewerker.functie }}"),
                ("Afdeling", "{{ medewerker.afdeling }}"), ("Leidinggevende", "{{ leidinggevende.naam }}"),
                ("Periode", "{{ plan.periode }}"))
        table = self.table(len(rows), 2)
        _widths(table, [4.0, self.width - 4.0])
        for row, (label, placeholder) in zip(table.rows, rows):
            row.cells[0].paragraphs[0].add_run(label).bold = True
            row.cells[1].paragraphs[0].text = placeholder
        self.spacer()

    def _items(self, items):
        pending_signatures = []
        for item in items:
            if isinstance(item, Signature):
                pending_signatures.append(item)
                continue
            if pending_signatures:
                self._signatures(pending_signatures)
                pending_signatures = []
            self._item(item)
        if pending_signatures:
            self._signatures(pending_signatures)

    def _item(self, item, prefix=""):
        word_layout(item).question(self, prefix)

    def _info(self, item: Info):
        if item.title:
            p = self.doc.add_paragraph()
            p.add_run(item.title).bold = True
            p.paragraph_format.keep_with_next = True
        if item.text:
            self.doc.add_paragraph(item.text)
        for bullet in item.bullets:  # the compact POP's 7 bouwstenen are numbered on paper
            self.doc.add_paragraph(bullet, style="List Number" if item.numbered else "List Bullet")

    def question(self, item, placeholder: str):
        """A question as on paper: its label, its prompts, and a box for the answer."""
        self.lead(item)
        if item.answer_label:
            a = self.doc.add_paragraph()
            run = a.add_run(item.answer_label)
            run.italic, run.font.color.rgb = True, GREY
            a.paragraph_format.keep_with_next = True
        self.box(placeholder)

    def line(self, item, placeholder: str):
        """A short answer on the line beside its label."""
        table = self.table(1, 2)
        _widths(table, [5.6, self.width - 5.6])
        label, value = table.rows[0].cells
        label.paragraphs[0].add_run(item.label).bold = True
        value.paragraphs[0].text = placeholder
        self.spacer()

    def label(self, item):
        p = self.doc.add_paragraph()
        p.add_run(item.label).bold = True
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(8)

    def lead(self, item):
        """A question's label in bold, with its intro and prompts, for the answer or table that follows."""
        self.label(item)
        if item.intro:
            self.doc.add_paragraph(item.intro).paragraph_format.keep_with_next = True
        for bullet in item.help:
            b = self.doc.add_paragraph(bullet, style="List Bullet")
            b.paragraph_format.keep_with_next = True

    def _check(self, item, prefix=""):
        """A tick box on its own line: ☒ Besproken met de leidinggevende."""
        p = self.doc.add_paragraph()
        p.add_run("{{ " + prefix + item.key + "_vakje }}")
        p.add_run(" " + item.label).bold = True
        for bullet in item.help:
            self.doc.add_paragraph(bullet, style="List Bullet")

    def _column_intro(self, col):
        """A column's introduction, once above its table."""
        if col.intro:
            note = self.doc.add_paragraph()
            note.add_run(with_colon(col.label) + " ").bold = True
            note.add_run(col.intro)
            note.paragraph_format.keep_with_next = True

    def _smart(self, item, prefix=""):
        """SMART as on paper: each letter, what it means, and the explanation for this goal."""
        if prefix:  # a goal's row: its introduction and examples stand once above the table
            self.label(item)
        else:
            self.lead(item)
        letters = smart_letters(item)
        table = self.table(len(letters), 3)
        _widths(table, [1.2, 5.0, self.width - 6.2])
        for row, (key, letter, label, help_text) in zip(table.rows, letters):
            cells = row.cells
            run = cells[0].paragraphs[0].add_run(letter)
            run.bold, run.font.size = True, Pt(14)
            cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cells[1].paragraphs[0].add_run(label).bold = True
            if help_text and not prefix:
                hint = cells[1].add_paragraph(help_text)
                self._small_grey(hint)
            cells[2].paragraphs[0].text = "{{ " + f"{prefix}{item.key}.{key}" + " }}"
            _min_height(row, Cm(0.9))
            _cant_split(row)
            if row is not table.rows[-1]:  # the five letters on one page
                for cell in cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self.spacer()

    def _costs(self, item, prefix=""):
        """The cost grid: per aspect the money and the hours, the totals under it."""
        self.lead(item)
        rows = list(item.rows)
        grouped = any(r.group for r in rows)
        headings = ([getattr(item, "group_heading", "") or "Soort"] if grouped else []) + \
            [getattr(item, "row_heading", "") or "Aspect"] + \
            [h for _, h in getattr(item, "columns", (("euro", "Bedrag (€)"), ("uren", "Uren")))]
        table = self.table(2 + len(rows), len(headings))
        for cell, text in zip(table.rows[0].cells, headings):
            _header_cell(cell, text)
        _repeat_header(table.rows[0])
        previous_group = None
        for row, spec in zip(table.rows[1:], rows):
            cells = list(row.cells)
            if grouped:
                group_cell = cells.pop(0)
                if spec.group != previous_group:
                    group_cell.paragraphs[0].add_run(spec.group).bold = True
                previous_group = spec.group
            lead = cells.pop(0).paragraphs[0]
            if spec.text:
                lead.add_run(with_colon(spec.label) + " ").bold = True
                lead.add_run(spec.text)
            else:
                lead.add_run(spec.label)
            for cell, column in zip(cells, ("euro", "uren")):
                cell.paragraphs[0].text = "{{ " + f"{prefix}{item.key}.{spec.key}.{column}" + " }}"
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        total = list(table.rows[-1].cells)
        if grouped:
            total.pop(0)
        total[0].paragraphs[0].add_run("Totaal").bold = True
        for cell, column in zip(total[1:], ("totaal_euro", "totaal_uren")):
            run = cell.paragraphs[0].add_run("{{ " + f"{prefix}{item.key}.{column}" + " }}")
            run.bold = True
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        amounts = 3.2
        lead_width = self.width - 2 * amounts - (2.6 if grouped else 0)
        _widths(table, ([2.6] if grouped else []) + [lead_width, amounts, amounts])
        for row in table.rows:
            _cant_split(row)
        self.spacer()

    def _checklist(self, item, prefix=""):
        """Per group a table of tick boxes, each point with room for a note."""
        self.lead(item)
        for title, points in checklist_groups(item):
            table = self.table(1 + len(points), 3)
            _header_cell(table.rows[0].cells[0], "")
            _header_cell(table.rows[0].cells[1], title)
            _header_cell(table.rows[0].cells[2], "Notitie")
            _repeat_header(table.rows[0])
            for row, (key, text) in zip(table.rows[1:], points):
                path = f"{prefix}{item.key}.{key}"
                row.cells[0].paragraphs[0].text = "{{ " + path + ".vakje }}"
                row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                row.cells[1].paragraphs[0].text = text
                row.cells[2].paragraphs[0].text = "{{ " + path + ".notitie }}"
                _cant_split(row)
            _widths(table, [1.2, self.width * 0.55, self.width * 0.45 - 1.2])
            self.spacer()

    def box(self, placeholder: str):
        table = self.table(1, 1)
        _widths(table, [self.width])
        cell = table.rows[0].cells[0]
        cell.paragraphs[0].text = placeholder
        _min_height(table.rows[0], Cm(1.4))
        self.spacer()

    def _grid(self, item: Table):
        if item.intro:
            self.doc.add_paragraph(item.intro)
        p = self.doc.add_paragraph()
        p.add_run(item.label).bold = True
        p.paragraph_format.keep_with_next = True
        self._advice(item)
        layouts = [(col, word_layout(col)) for col in item.columns]
        columns = [(col, layout) for col, layout in layouts if not layout.wide]
        wide = [(col, layout) for col, layout in layouts if layout.wide]
        for _, layout in wide:  # what the SMART check under each row is for: said once, above the table
            layout.above_table(self, grid=True)
        table = self.table(4 + len(wide), len(columns))
        for cell, (col, _) in zip(table.rows[0].cells, columns):
            _header_cell(cell, col.label)
        _repeat_header(table.rows[0])
        table.rows[1].cells[0].paragraphs[0].text = "{%tr for r in " + item.key + " %}"
        for cell, (_, layout) in zip(table.rows[2].cells, columns):
            cell.paragraphs[0].text = layout.cell()
            if layout.align is not None:
                cell.paragraphs[0].alignment = layout.align
        _min_height(table.rows[2], Cm(1.0))
        # A SMART check or checklist of the row: a row of its own under it, across the table.
        for row, (_, layout) in zip(table.rows[3:], wide):
            layout.wide_row(row.cells[0].merge(row.cells[-1]) if len(columns) > 1 else row.cells[0])
            _cant_split(row)
        if wide:  # a goal and its SMART check on one page
            for cell in table.rows[2].cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        table.rows[-1].cells[0].paragraphs[0].text = "{%tr endfor %}"
        narrow = sum(layout.width or 0 for _, layout in columns)
        free = [col for col, layout in columns if layout.width is None]
        rest = (self.width - narrow) / len(free) if free else 0
        if not free:  # only narrow columns: share the width
            _widths(table, [self.width / len(columns)] * len(columns))
        else:
            _widths(table, [rest if layout.width is None else layout.width for _, layout in columns])
        if len(columns) > 4:  # narrow columns: long Dutch words hyphenate rather than break anywhere
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        _hyphenate(paragraph)
        self.spacer()

    def _advice(self, item: Table):
        advice = getattr(item, "advice", "")
        if advice:
            note = self.doc.add_paragraph()
            run = note.add_run(advice)
            run.italic, run.font.color.rgb = True, GREY
            note.paragraph_format.keep_with_next = True

    def _blocks(self, item: Table):
        if item.label not in getattr(self, "headings", ()):
            p = self.doc.add_paragraph()
            p.add_run(item.label).bold = True
            p.paragraph_format.keep_with_next = True
        if item.intro:
            self.doc.add_paragraph(item.intro)
        self._advice(item)
        layouts = [word_layout(col) for col in item.columns]
        for layout in layouts:
            layout.above_table(self, grid=False)
        self.doc.add_paragraph("{%p for g in " + item.key + " %}")
        self.doc.add_heading(item.row_title + " {{ loop.index }}", level=3)
        for layout in layouts:
            layout.question(self, prefix="g.")
        self.doc.add_paragraph("{%p endfor %}")

    def _matrix(self, item: Matrix):
        grouped = bool(item.group_heading)
        ncols = (1 if grouped else 0) + 1 + len(item.columns)
        table = self.table(1 + len(item.rows), ncols)
        headings = ([item.group_heading] if grouped else []) + [item.row_heading] + \
            [h for _, h in item.columns]
        for cell, text in zip(table.rows[0].cells, headings):
            _header_cell(cell, text)
        _repeat_header(table.rows[0])
        previous_group = None
        for row, spec in zip(table.rows[1:], item.rows):
            cells = list(row.cells)
            if grouped:
                group_cell = cells.pop(0)
                if spec.group != previous_group:
                    group_cell.paragraphs[0].add_run(spec.group).bold = True
                previous_group = spec.group
            lead = cells.pop(0).paragraphs[0]
            if spec.text:
                lead.add_run(with_colon(spec.label) + " ").bold = True
                lead.add_run(spec.text)
            else:
                lead.add_run(spec.label)
            for cell, (col_key, _) in zip(cells, item.columns):
                cell.paragraphs[0].text = "{{ " + f"{item.key}.{spec.key}.{col_key}_vakjes" + " }}"
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        lead = 7.1 if grouped else 8.6
        scale = (self.width - lead - (2.3 if grouped else 0)) / len(item.columns)
        _widths(table, ([2.3] if grouped else []) + [lead] + [scale] * len(item.columns))
        for row in table.rows:  # a long answer may run over a page; a grid row should not
            _cant_split(row)
        self.spacer()

    def _signatures(self, signatures):
        table = self.table(3, len(signatures))
        _widths(table, [self.width / len(signatures)] * len(signatures))
        for col, sig in enumerate(signatures):
            _header_cell(table.rows[0].cells[col], sig.label)
            table.rows[1].cells[col].paragraphs[0].text = "Naam: {{ " + sig.key + ".naam }}"
            table.rows[2].cells[col].paragraphs[0].text = "Datum: {{ " + sig.key + ".datum }}"
        self.spacer()

    def _side_by_side(self, sections):
        rows = max(len(s.fields) for s in sections)
        table = self.table(rows + 1, len(sections))
        _widths(table, [self.width / len(sections)] * len(sections))
        for col, section in enumerate(sections):
            _header_cell(table.rows[0].cells[col], section.title)
            for r, field in enumerate(section.fields, start=1):
                p = table.rows[r].cells[col].paragraphs[0]
                p.add_run(field.label + " ").bold = True
                p.add_run("{{ " + field.key + " }}")
        self.spacer()

    def table(self, rows, cols):
        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        return table

    def spacer(self):
        # Word needs a paragraph between two tables; a low one, so that after a box at the foot of a
        # page it does not spill onto a page of its own.
        p = self.doc.add_paragraph()
        p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(0), Pt(2)
        p.paragraph_format.line_spacing = Pt(6)


# ---------------------------------------------------------------- each kind's layout

class WordKind:
    """How a field kind prints in the default Word template, registered per kind's type in
    `word_layout`, so that forms/ knows nothing of Word and a new kind adds a registration, not a
    branch:

        @word_layout.register(Rating)
        class RatingWord(WordKind):
            width = 2.4  # cm, as a column of a table's grid
            def question(self, doc, prefix=""):
                doc.line(self.field, self.placeholder(prefix))

    `doc` is the template being built: doc.doc is python-docx's Document, doc.width the text's width in
    cm, and doc.question / line / box / lead / label / table / spacer lay out what most questions
    need. A kind nobody registered prints as this class prints any question: its label, its prompts,
    and a box holding {{ key }}, its text (exports/kind_placeholders.py: the kind's own as_text); in a
    table's grid a cell with {{ r.key }}, in a block the same as a question."""

    width: float | None = None  # cm of its column in a table's grid; None: a share of what is left
    align = None  # its cell's alignment in a grid (WD_ALIGN_PARAGRAPH), None: the paragraph's own
    wide = False  # too much for a grid's cell: printed in a row of its own under each row
    cell_suffix = ""  # the placeholder of its grid cell: {{ r.<key><cell_suffix> }}

    def __init__(self, field):
        self.field = field

    def placeholder(self, prefix: str = "", suffix: str = "") -> str:
        return "{{ " + prefix + self.field.key + suffix + " }}"

    def question(self, doc: "_Builder", prefix: str = "") -> None:
        """The question, standalone (prefix "") or as a column of a block ("g.")."""
        doc.question(self.field, self.placeholder(prefix))

    def cell(self) -> str:
        """What its cell in a grid's row holds."""
        return self.placeholder("r.", self.cell_suffix)

    def above_table(self, doc: "_Builder", grid: bool) -> None:
        """What is said once above a table of which it is a column: a wide column's introduction."""
        if grid and self.wide:
            doc._column_intro(self.field)

    def wide_row(self, cell) -> None:
        """A wide column's row of its own under each row of a grid (one merged cell)."""
        lead = cell.paragraphs[0]
        lead.add_run(with_colon(self.field.label) + " ").bold = True
        lead.add_run(self.placeholder("r."))


@functools.singledispatch
def word_layout(item) -> WordKind:
    """How this question prints in the default Word template, by the type of its kind."""
    return WordKind(item)


@word_layout.register(Text)
class LineWord(WordKind):
    """A short answer: on the line beside its label."""

    def question(self, doc, prefix=""):
        doc.line(self.field, self.placeholder(prefix))


@word_layout.register(Date)
class DateWord(LineWord):
    width = 2.8


@word_layout.register(Amount)
class AmountWord(LineWord):
    width, align = 2.8, WD_ALIGN_PARAGRAPH.RIGHT


@word_layout.register(Choice)
class ChoiceWord(LineWord):
    """The options as on paper, the chosen one ticked: ☐ Ja ☒ Nee."""

    def question(self, doc, prefix=""):
        doc.line(self.field, self.placeholder(prefix, "_vakjes"))


@word_layout.register(LongText)
class LongTextWord(WordKind):
    """A long answer: in a box under the question."""


@word_layout.register(Rank)
class RankWord(WordKind):
    width, align = 2.4, WD_ALIGN_PARAGRAPH.CENTER


class _BuiltBy(WordKind):
    """A kind the template's builder lays out by a method of its own: build(doc, field, prefix)."""

    build = None

    def question(self, doc, prefix=""):
        self.build(doc, self.field, prefix)


@word_layout.register(Check)
class CheckWord(_BuiltBy):
    """A tick box on its own line; in a grid its box in a narrow column."""

    width, align, cell_suffix = 1.6, WD_ALIGN_PARAGRAPH.CENTER, "_vakje"
    build = staticmethod(_Builder._check)


@word_layout.register(Smart)
class SmartWord(_BuiltBy):
    wide, build = True, staticmethod(_Builder._smart)

    def above_table(self, doc, grid):
        """Its introduction and its example per letter, once above its table: under every goal the
        example (the six-step plan's is the seed's consultant) would read as the plan."""
        doc._column_intro(self.field)
        for _, _, label, help_text in smart_letters(self.field):
            if help_text:
                example = doc.doc.add_paragraph(style="List Bullet")
                example.add_run(with_colon(label) + " ").bold = True
                example.add_run(help_text)
                example.paragraph_format.keep_with_next = True

    def wide_row(self, cell):
        """The letters as on paper, each with its explanation."""
        cell.paragraphs[0].add_run(self.field.label).bold = True
        for key, letter, label, _ in smart_letters(self.field):
            line = cell.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            line.add_run(f"{letter} – {label}: ").bold = True
            line.add_run("{{ r." + f"{self.field.key}.{key}" + " }}")


@word_layout.register(Checklist)
class ChecklistWord(_BuiltBy):
    wide, build = True, staticmethod(_Builder._checklist)


@word_layout.register(Costs)
class CostsWord(_BuiltBy):
    wide, build = True, staticmethod(_Builder._costs)


@word_layout.register(Table)
class TableWord(WordKind):
    def question(self, doc, prefix=""):
        if self.field.layout == "blocks":
            doc._blocks(self.field)
        else:
            doc._grid(self.field)


@word_layout.register(Matrix)
class MatrixWord(WordKind):
    def question(self, doc, prefix=""):
        doc._matrix(self.field)


@word_layout.register(Signature)
class SignatureWord(WordKind):
    """An akkoord line; consecutive ones share one table (_Builder._items)."""

    def question(self, doc, prefix=""):
        doc._signatures([self.field])


@word_layout.register(Info)
class InfoWord(WordKind):
    """Text on the form that asks nothing."""

    def question(self, doc, prefix=""):
        doc._info(self.field)


def _widths(table, centimetres):
    """Fixed column widths; Word and LibreOffice each need them on the grid and on every cell."""
    table.autofit = False
    for column, width in zip(table.columns, centimetres):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres):
            cell.width = Cm(width)


def _cant_split(row):
    element = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(element)


# What follows w:suppressAutoHyphens in a w:pPr (ECMA-376 CT_PPrBase): Word refuses a document whose
# paragraph properties are out of order.
_AFTER_SUPPRESS_HYPHENS = tuple("w:" + t for t in (
    "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange"))


def _set_hyphenation(ppr, on: bool):
    suppress = ppr.find(qn("w:suppressAutoHyphens"))
    if suppress is None:
        suppress = OxmlElement("w:suppressAutoHyphens")
        ppr.insert_element_before(suppress, *_AFTER_SUPPRESS_HYPHENS)
    suppress.set(qn("w:val"), "0" if on else "1")


def _hyphenate(paragraph):
    _set_hyphenation(paragraph._p.get_or_add_pPr(), on=True)


def _header_cell(cell, text):
    cell.paragraphs[0].text = ""
    cell.paragraphs[0].add_run(text).bold = True
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "E8EEF3")
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _min_height(row, height):
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:trHeight")
    element.set(qn("w:val"), str(int(height.twips)))
    element.set(qn("w:hRule"), "atLeast")
    tr_pr.append(element)


def _field(paragraph, instruction: str):
    """A Word field such as PAGE, updated by Word and LibreOffice when the document is shown."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)
