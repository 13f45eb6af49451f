"""Six fresh blank POP forms, as six different Dutch organisations would have them, each with the
mapping a blank-form mapper should propose: a held-out set the mapper was never tuned on.

Written from the paper seeds (shared/seeds) and the form definitions (forms/*.py) only, before reading
the mapper or the earlier corpora; the contract (Expected, BlankForm) is that of tests/blank_forms/make.py:
label = the label as printed (a tick box: the option word after it, or its column's mark in a grid with a
column per option; a table: its first header cell), target = placeholder path, columns for a table
{header text: column key}, places in document order.

Each organisation writes its own wording, order and layout:

- ziekenhuis   pop-uitgebreid, Word: label cells side by side, a strengths table, questions over empty
               one-cell boxes, a numbered goals table, ☐ tick boxes, a 4-column akkoord block.
- gemeente     pop-uitgebreid, Word: "Label: ......" lines, Wingdings boxes (w:sym) in a grid with a
               column per option, a ja/nee cost grid, tick boxes on one line, one progress-talk block.
- school       pop-zes-stappen, Word: label cells, empty paragraphs as boxes, tables for options, goals
               and a logbook, "____" lines, □ boxes, the school year as the plan's period.
- it-bedrijf   pop-compact, Excel: two sheets, label in column A and the merged answer beside it,
               the goals and the GROW check-ins as tables with a header row.
- zorg         pop-tabel, Word landscape: the plan table of seed 004 in the carer's own words, the
               signatures under it with "____", a progress talk in label cells, questions over boxes.
- retail       pop-compact, Excel: one sheet, each answer cell (merged A:F) under its label, the goal
               and a check-in as blocks of questions (targets doelen[0].x, checkins[0].x).

Places a real form has but no form definition asks (Personeelsnummer, BIG-registratie, Handtekening,
Datum opgesteld, Contracturen) are printed but not expected: a proposal there counts as extra.

    .venv/bin/python -m tests.blank_forms_fresh.make_fresh OUTDIR   # writes the files and expected.json
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.blank_forms.make import BlankForm, Expected  # noqa: E402

DOTS = "." * 70
UNDERSCORES = "_" * 55


# ---------------------------------------------------------------- Word helpers

class WordForm:
    def __init__(self, header: str | None = None, landscape: bool = False, footer: str | None = None):
        self.doc = Document()
        self.expected: list[Expected] = []
        section = self.doc.sections[0]
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        section.left_margin = section.right_margin = Cm(2)
        if header:
            section.header.paragraphs[0].text = header
        if footer:
            section.footer.paragraphs[0].text = footer

    def expect(self, label: str, target: str | None, columns: dict | None = None) -> None:
        if target:
            self.expected.append(Expected(label, target, dict(columns or {})))

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(16)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level)

    def para(self, text: str = "", bold: bool = False, italic: bool = False, size: float | None = None):
        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        return p

    def dotted(self, label: str, target: str | None, fill: str = DOTS, extra_lines: int = 0) -> None:
        """'Label: ......' on one line, optionally more lines of the same fill below."""
        self.para(f"{label} {fill}")
        for _ in range(extra_lines):
            self.para(fill)
        self.expect(label, target)

    def question_lines(self, label: str, target: str | None, fill: str = DOTS, lines: int = 3,
                       bold: bool = False) -> None:
        """The question on its own line, lines of dots or underscores under it."""
        self.para(label, bold=bold)
        for _ in range(lines):
            self.para(fill)
        self.expect(label, target)

    def question_box(self, label: str, target: str | None, help: str | None = None, height: int = 4,
                     answer_label: str | None = None) -> None:
        """The question, an optional help line and "answer" line, then an empty one-cell table."""
        self.para(label, bold=True)
        if help:
            self.para(help, italic=True, size=9)
        if answer_label:
            self.para(answer_label)
        table = self.doc.add_table(rows=1, cols=1)
        table.style = "Table Grid"
        cell = table.cell(0, 0)
        for _ in range(height - 1):
            cell.add_paragraph()
        self.doc.add_paragraph()
        self.expect(label, target)

    def question_paras(self, label: str, target: str | None, empty: int = 3) -> None:
        """The question, then a few empty paragraphs to write in."""
        self.para(label, bold=True)
        for _ in range(empty):
            self.para()
        self.expect(label, target)

    def label_cells(self, rows: list[list[tuple]], label_width: float | None = None,
                    shade_labels: bool = True) -> None:
        """A table of label | empty (| label | empty ...); each tuple (label, target[, help])."""
        cols = max(len(r) for r in rows) * 2
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for i, item in enumerate(row):
                label, target = item[0], item[1]
                cell = table.cell(r, i * 2)
                cell.text = ""
                cell.paragraphs[0].add_run(label).bold = True
                if len(item) > 2 and item[2]:
                    help_run = cell.add_paragraph().add_run(item[2])
                    help_run.italic = True
                    help_run.font.size = Pt(8)
                if shade_labels:
                    _shade(cell, "E7E6E6")
                self.expect(label, target)
        if label_width:
            for row in table.rows:
                for i in range(0, cols, 2):
                    row.cells[i].width = Cm(label_width)
        self.doc.add_paragraph()

    def table(self, headers: list[str], target: str | None, columns: dict[str, str], rows: int = 4,
              first_column: list[str] | None = None) -> None:
        """A header row over empty rows (optionally a pre-printed first column, e.g. 1. 2. 3.)."""
        table = self.doc.add_table(rows=rows + 1, cols=len(headers))
        table.style = "Table Grid"
        for i, text in enumerate(headers):
            cell = table.cell(0, i)
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, "D9E2F3")
        if first_column:
            for r, text in enumerate(first_column, start=1):
                table.cell(r, 0).text = text
        self.doc.add_paragraph()
        self.expect(headers[0], target, columns)

    def ticks(self, items: list[tuple[str, str | None]], lead: str = "", box: str = "☐",
              one_line: bool = True) -> None:
        """Tick boxes before option words, on one line ('lead ☐ a   ☐ b') or one per paragraph."""
        if one_line:
            text = (lead + " " if lead else "") + "   ".join(f"{box} {label}" for label, _ in items)
            self.para(text)
        else:
            if lead:
                self.para(lead)
            for label, _ in items:
                self.para(f"{box} {label}")
        for label, target in items:
            self.expect(label, target)

    def sym_grid(self, headers: list[str], rows: list[tuple[str, list[str | None]]],
                 font: str = "Wingdings", char: str = "F0A8") -> None:
        """A grid with a column per option: header marks, each row a label and a symbol box per column
        (Word's Insert > Symbol: w:sym in the symbol font). Expected label: the column's mark."""
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = "Table Grid"
        for i, text in enumerate(headers):
            cell = table.cell(0, i)
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for r, (label, targets) in enumerate(rows, start=1):
            table.cell(r, 0).text = label
            for c, target in enumerate(targets, start=1):
                run = table.cell(r, c).paragraphs[0].add_run()
                sym = OxmlElement("w:sym")
                sym.set(qn("w:font"), font)
                sym.set(qn("w:char"), char)
                run._r.append(sym)
                self.expect(headers[c], target)
        self.doc.add_paragraph()

    def build(self, name: str, form_key: str, style: str) -> BlankForm:
        buf = io.BytesIO()
        self.doc.save(buf)
        return BlankForm(name=name, form_key=form_key, kind="docx", style=style, data=buf.getvalue(),
                         expected=list(self.expected))


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


# ---------------------------------------------------------------- Excel helpers

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class ExcelForm:
    def __init__(self):
        self.wb = Workbook()
        self.expected: list[Expected] = []
        self.ws = self.wb.active

    def expect(self, label: str, target: str | None, columns: dict | None = None) -> None:
        if target:
            self.expected.append(Expected(label, target, dict(columns or {})))

    def sheet(self, title: str, first: bool = False):
        if first:
            self.ws.title = title
        else:
            self.ws = self.wb.create_sheet(title)
        return self.ws

    def text(self, row: int, col: int, text: str, bold: bool = False, size: float | None = None) -> None:
        cell = self.ws.cell(row=row, column=col, value=text)
        cell.font = Font(bold=bold, size=size or 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    def answer(self, row: int, first_col: int, last_col: int, height: float | None = None,
               rows: int = 1) -> None:
        for r in range(row, row + rows):
            for c in range(first_col, last_col + 1):
                self.ws.cell(row=r, column=c).border = BOX
        if last_col > first_col or rows > 1:
            self.ws.merge_cells(start_row=row, start_column=first_col, end_row=row + rows - 1,
                                end_column=last_col)
        if height:
            self.ws.row_dimensions[row].height = height

    def beside(self, row: int, label: str, target: str | None, first_col: int = 2, last_col: int = 5,
               height: float | None = None, label_col: int = 1) -> None:
        self.text(row, label_col, label, bold=True)
        self.answer(row, first_col, last_col, height)
        self.expect(label, target)

    def below(self, row: int, label: str, target: str | None, last_col: int = 6,
              height: float | None = None) -> int:
        """Label in column A, the answer merged A:last_col in the row under it; returns the next free row."""
        self.text(row, 1, label, bold=True)
        self.answer(row + 1, 1, last_col, height)
        self.expect(label, target)
        return row + 2

    def table(self, row: int, headers: list[str], target: str | None, columns: dict[str, str],
              rows: int = 4, height: float | None = None) -> int:
        for i, text in enumerate(headers, start=1):
            cell = self.ws.cell(row=row, column=i, value=text)
            cell.font = Font(bold=True)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in range(row + 1, row + 1 + rows):
            for c in range(1, len(headers) + 1):
                self.ws.cell(row=r, column=c).border = BOX
            if height:
                self.ws.row_dimensions[r].height = height
        self.expect(headers[0], target, columns)
        return row + rows + 2

    def build(self, name: str, form_key: str, style: str) -> BlankForm:
        buf = io.BytesIO()
        self.wb.save(buf)
        return BlankForm(name=name, form_key=form_key, kind="xlsx", style=style, data=buf.getvalue(),
                         expected=list(self.expected))


# ---------------------------------------------------------------- 1. hospital (pop-uitgebreid, Word)

def ziekenhuis() -> BlankForm:
    w = WordForm(header="Ziekenhuis Westerpoort  |  Dienst HR & Leren  |  Vertrouwelijk",
                 footer="POP verpleging en paramedici – versie 2025-2")
    w.title("Persoonlijk Ontwikkelingsplan (POP) – verpleging en paramedische beroepen")
    w.para("Vul deel A in vóór het jaargesprek en neem het mee. Deel B vul je samen met je "
           "leidinggevende in tijdens het gesprek, deel C bij de evaluatie na een jaar.", italic=True)
    w.label_cells([
        [("Naam medewerker", "medewerker_naam"), ("Datum POP-gesprek", "datum_pop_gesprek")],
        [("Afdeling / unit", "medewerker_afdeling"), ("Naam leidinggevende", "leidinggevende_naam")],
        [("Functie", "medewerker_functie"), ("Functie leidinggevende", "leidinggevende_functie")],
        [("Personeelsnummer", None), ("BIG-registratie (indien van toepassing)", None)],
    ])

    w.heading("Deel A – Voorbereiding door de medewerker", 1)
    w.heading("A1. Wat gaat goed en wat kan beter?", 2)
    w.para("Denk aan feedback van collega's, patiënten en familie, en aan je laatste "
           "functioneringsgesprek.")
    w.table(["Wat gaat goed (sterke punten)", "Wat wil ik verbeteren"], "kwaliteiten",
            {"Wat gaat goed (sterke punten)": "sterk", "Wat wil ik verbeteren": "verbeter"}, rows=4)

    w.heading("A2. Meer uit je huidige werk halen", 2)
    w.question_box("Welke werkzaamheden op de afdeling zou je vaker willen doen?", "meer_doen",
                   help="Bijvoorbeeld: werkbegeleiding van leerlingen, aandachtsvelder zijn, "
                        "complexe zorg.")
    w.question_box("Aan welke vernieuwingen in de zorg op jouw afdeling wil je meer aandacht geven?",
                   "nieuwe_ontwikkelingen",
                   help="Nieuwe apparatuur, werkwijzen, protocollen, digitalisering van het dossier.")

    w.heading("A3. Je loopbaan op langere termijn", 2)
    w.label_cells([
        [("Welk werk doe je over drie jaar, in deze of een andere functie?", "werk_over_3_jaar")],
        [("Wat vraagt dat van je aan kennis en vaardigheden?", "nieuwe_eisen",
          "Bijv. een specialistische vervolgopleiding (IC, SEH, OK) of een leidinggevende rol.")],
        [("Wat ga je komend jaar doen om je daarop voor te bereiden?", "voorbereiding_functie")],
    ], label_width=7)

    w.heading("A4. Mijn ontwikkeldoelen", 2)
    w.para("Zet het belangrijkste doel op prioriteit 1.")
    w.table(["Nr.", "Ontwikkeldoel", "Prioriteit"], "ontwikkeldoelen",
            {"Ontwikkeldoel": "doel", "Prioriteit": "belang"}, rows=3, first_column=["1.", "2.", "3."])

    w.heading("Deel B – Afspraken uit het ontwikkelgesprek", 1)
    w.label_cells([
        [("Wat ga ik leren?", "pop_wat")],
        [("Op welke manier (scholing, meelopen, e-learning)?", "pop_hoe")],
        [("Wanneer is het doel bereikt?", "pop_wanneer_voldaan")],
        [("Wat heb ik nodig van mijn leidinggevende of het ziekenhuis?", "pop_ondersteuning")],
        [("Planning en tussentijdse momenten", "wanneer_geleerd")],
        [("Benodigde tijd en kosten (wie betaalt, wie regelt het?)", "kosten_antwoord")],
    ], label_width=7)
    w.ticks([("Vooraf vastgestelde meetpunten", "evaluatie_optie_vooraf"),
             ("Achteraf aantonen met voorbeelden (logboek, feedback)", "evaluatie_optie_achteraf")],
            lead="Hoe stellen we vast of het doel bereikt is?", one_line=False)
    w.para()

    w.heading("Deel C – Evaluatie (na afloop van het POP)", 1)
    w.question_paras("Heb je je ontwikkeldoelen gehaald? Licht toe.", "doelen_gehaald")
    w.question_paras("Wat heb je geleerd over de manier waarop jij het beste leert?", "hoe_geleerd")
    w.question_paras("Wat neem je mee naar je volgende POP?", "pop_afsluiten")

    w.dotted("Datum volgend gesprek:", "volgend_gesprek_datum", fill="." * 30)
    w.heading("Voor akkoord", 2)
    w.label_cells([
        [("Medewerker", "akkoord_medewerker.naam"), ("Leidinggevende", "akkoord_leidinggevende.naam")],
        [("Datum", "akkoord_medewerker.datum"), ("Datum", "akkoord_leidinggevende.datum")],
        [("Handtekening", None), ("Handtekening", None)],
    ], shade_labels=False)
    return w.build("ziekenhuis_pop.docx", "pop-uitgebreid", "ziekenhuis")


# ---------------------------------------------------------------- 2. municipality (pop-uitgebreid, Word)

def gemeente() -> BlankForm:
    w = WordForm(header="Gemeente Lindehout – Team P&O")
    w.title("PERSOONLIJK ONTWIKKELPLAN 2026")
    w.para("Dit formulier hoort bij de gesprekscyclus 'In gesprek met elkaar'. Bewaar het ingevulde "
           "formulier in je digitale personeelsdossier.", size=9)
    w.heading("Gegevens", 2)
    w.dotted("Naam:", "medewerker_naam")
    w.dotted("Functie:", "medewerker_functie")
    w.dotted("Team/afdeling:", "medewerker_afdeling")
    w.dotted("Leidinggevende:", "leidinggevende_naam")
    w.dotted("Functie leidinggevende:", "leidinggevende_functie")
    w.dotted("Datum gesprek:", "datum_pop_gesprek", fill="." * 30)

    w.heading("A. Terugblik en zelfanalyse", 2)
    w.question_lines("Mijn sterke punten:", "kwaliteiten[0].sterk", lines=2)
    w.question_lines("Mijn verbeterpunten:", "kwaliteiten[0].verbeter", lines=2)
    w.question_lines("A1. Welke taken in je huidige functie zou je meer willen doen?", "meer_doen")
    w.question_lines("A2. Welke veranderingen in de gemeente (bijv. Omgevingswet, digitalisering) raken "
                     "jouw werk en waar wil je je in verdiepen?", "nieuwe_ontwikkelingen")
    w.question_lines("A3. Hoe zie je je loopbaan over 3 jaar?", "werk_over_3_jaar")
    w.para("A4. Voorlopige ontwikkeldoelen, in volgorde van belang (1 = belangrijkst):")
    w.table(["Ontwikkeldoel", "Volgorde"], "ontwikkeldoelen",
            {"Ontwikkeldoel": "doel", "Volgorde": "belang"}, rows=3)

    w.heading("B. Welke leervormen passen bij jouw doel?", 2)
    w.para("Kruis per leervorm aan: + = past goed, ± = past redelijk, – = past niet.")
    marks = ["+", "±", "–"]
    w.sym_grid(["Leervorm"] + marks, [
        ("Werken aan een project of pilot", [f"on_the_job.projecten.past_{o}" for o in ("plus", "matig", "min")]),
        ("Coaching door leidinggevende of collega", [f"on_the_job.coaching.past_{o}" for o in ("plus", "matig", "min")]),
        ("Intervisie / leren van collega's", [f"on_the_job.elkaar.past_{o}" for o in ("plus", "matig", "min")]),
        ("Cursus of training", [f"off_the_job.trainingen.past_{o}" for o in ("plus", "matig", "min")]),
        ("Opleiding (MBO, HBO, post-HBO)", [f"off_the_job.opleidingen.past_{o}" for o in ("plus", "matig", "min")]),
        ("E-learning / zelfstudie", [f"off_the_job.zelfstudie.past_{o}" for o in ("plus", "matig", "min")]),
    ])

    w.heading("C. Tijd en kosten", 2)
    w.para("Is de kostenpost van toepassing? Kruis aan.")
    w.sym_grid(["Kostenpost", "Ja", "Nee"], [
        ("Uren onder werktijd", ["kosten.werktijd.van_toepassing_ja", "kosten.werktijd.van_toepassing_nee"]),
        ("Eigen tijd", ["kosten.vrije_tijd.van_toepassing_ja", "kosten.vrije_tijd.van_toepassing_nee"]),
        ("Studiemateriaal", ["kosten.materialen.van_toepassing_ja", "kosten.materialen.van_toepassing_nee"]),
        ("Reiskosten", ["kosten.reis.van_toepassing_ja", "kosten.reis.van_toepassing_nee"]),
        ("Cursus- of opleidingsgeld", ["kosten.opleiding.van_toepassing_ja", "kosten.opleiding.van_toepassing_nee"]),
    ], char="F06F")
    w.question_lines("Toelichting op tijd en kosten:", "kosten_antwoord", lines=2)

    w.heading("D. Afspraken", 2)
    w.dotted("Ontwikkeldoel (wat):", "pop_wat", extra_lines=1)
    w.dotted("Aanpak (hoe):", "pop_hoe", extra_lines=1)
    w.dotted("Resultaat, wanneer is het doel bereikt:", "pop_wanneer_voldaan", extra_lines=1)
    w.dotted("Ondersteuning door de gemeente:", "pop_ondersteuning", extra_lines=1)
    w.dotted("Planning:", "wanneer_geleerd")
    w.ticks([("meetpunten vooraf", "evaluatie_optie_vooraf"),
             ("voorbeelden achteraf", "evaluatie_optie_achteraf")], lead="Evaluatie via:")

    w.heading("E. Voortgangsgesprek", 2)
    w.dotted("Datum:", "voortgangsgesprekken[0].datum", fill="." * 30)
    w.question_lines("Wat heb je gedaan sinds het vorige gesprek?", "voortgangsgesprekken[0].gedaan", lines=2)
    w.question_lines("Wat heeft het opgeleverd?", "voortgangsgesprekken[0].opgeleverd", lines=2)
    w.question_lines("Ben je tevreden over de voortgang?", "voortgangsgesprekken[0].tevreden", lines=2)
    w.question_lines("Vervolgafspraken:", "voortgangsgesprekken[0].verder", lines=2)

    w.heading("F. Afronding", 2)
    w.ticks([("doelstellingengesprek", "volgend_gesprek_doelstellingengesprek"),
             ("voortgangsgesprek", "volgend_gesprek_voortgangsgesprek"),
             ("beoordelingsgesprek", "volgend_gesprek_beoordelingsgesprek")], lead="Volgend gesprek:")
    w.dotted("Datum volgend gesprek:", "volgend_gesprek_datum", fill="." * 30)
    w.para()
    w.para(f"Voor akkoord medewerker: {'.' * 35}   Datum: {'.' * 20}")
    w.expect("Voor akkoord medewerker:", "akkoord_medewerker.naam")
    w.expect("Datum:", "akkoord_medewerker.datum")
    w.para(f"Voor akkoord leidinggevende: {'.' * 32}   Datum: {'.' * 20}")
    w.expect("Voor akkoord leidinggevende:", "akkoord_leidinggevende.naam")
    w.expect("Datum:", "akkoord_leidinggevende.datum")
    return w.build("gemeente_ontwikkelplan.docx", "pop-uitgebreid", "gemeente")


# ---------------------------------------------------------------- 3. school (pop-zes-stappen, Word)

def school() -> BlankForm:
    w = WordForm(header="CSG Het Baken – personeelsbeleid")
    w.title("Persoonlijk ontwikkelplan docenten")
    w.para("In zes stappen naar je POP. Bespreek het met je teamleider in het startgesprek; houd het "
           "logboek bij gedurende het schooljaar.", italic=True)
    w.label_cells([
        [("Naam", "medewerker.naam")],
        [("Sectie / vakgroep", "medewerker.afdeling")],
        [("Functie (LB/LC/LD)", "medewerker.functie")],
        [("Teamleider", "leidinggevende.naam")],
        [("Schooljaar", "plan.periode")],
    ], label_width=5)

    w.heading("Stap 1 – Waar sta ik nu?", 2)
    w.para("Kijk naar je bekwaamheden: vakinhoudelijk, vakdidactisch en pedagogisch.", size=9)
    w.question_paras("In welke vaardigheden wil ik mij verder bekwamen?", "huidige_situatie", empty=4)
    w.heading("Stap 2 – Wat wil ik leren?", 2)
    w.question_paras("Mijn leervragen:", "leerbehoeften", empty=4)

    w.heading("Stap 3 – Welke mogelijkheden zijn er?", 2)
    w.para("Denk aan studiedagen van de school, een vakcursus, intervisie of een masteropleiding.",
           size=9)
    w.table(["Kennis / vaardigheid", "Soort scholing"], "ontwikkelingsmogelijkheden",
            {"Kennis / vaardigheid": "kennis", "Soort scholing": "training"}, rows=3)

    w.heading("Stap 4 – Mijn leerdoelen", 2)
    w.para("Formuleer je leerdoelen SMART: specifiek, meetbaar, bereikbaar, relevant en tijdsgebonden.")
    w.table(["Leerdoel (SMART geformuleerd)"], "leerdoelen",
            {"Leerdoel (SMART geformuleerd)": "leerdoel"}, rows=3)
    w.dotted("Benodigd scholingsbudget (€):", "kosten_pob.totaal_euro", fill="." * 25)
    w.dotted("Benodigde professionaliseringsuren:", "kosten_pob.totaal_uren", fill="." * 25)

    w.heading("Stap 5 – Logboek", 2)
    w.table(["Datum", "Leervraag", "Werkvorm", "Resultaat / wat heb ik geleerd", "Opmerkingen"], "leerlog",
            {"Datum": "datum", "Leervraag": "leerbehoefte", "Werkvorm": "leermethode",
             "Resultaat / wat heb ik geleerd": "resultaten", "Opmerkingen": "overig"}, rows=6)

    w.heading("Stap 6 – Terugkijken", 2)
    w.question_lines("Hoe effectief was mijn aanpak?", "effectief", fill=UNDERSCORES, lines=2)
    w.question_lines("Wat is er in mijn lessen en in mijn professionele gedrag verbeterd?", "verbeterd",
                     fill=UNDERSCORES, lines=2)
    w.question_lines("Welke nieuwe leervragen heb ik nu?", "nieuwe_leerbehoeften", fill=UNDERSCORES, lines=2)
    w.question_lines("Zou ik het weer zo aanpakken? Waarom wel of niet?", "opnieuw", fill=UNDERSCORES,
                     lines=2)

    w.heading("Afspraken en ondertekening", 2)
    w.ticks([("voortgangsgesprek", "volgend_gesprek_voortgangsgesprek"),
             ("beoordelingsgesprek", "volgend_gesprek_beoordelingsgesprek")],
            lead="Vervolg:", box="□")
    w.dotted("Vervolggesprek gepland op:", "volgend_gesprek_datum", fill="_" * 20)
    w.label_cells([
        [("Akkoord docent", "akkoord_medewerker.naam"), ("Datum", "akkoord_medewerker.datum")],
        [("Akkoord teamleider", "akkoord_leidinggevende.naam"), ("Datum", "akkoord_leidinggevende.datum")],
    ], shade_labels=False)
    return w.build("school_pop_docenten.docx", "pop-zes-stappen", "school")


# ---------------------------------------------------------------- 4. IT company (pop-compact, Excel)

def it_bedrijf() -> BlankForm:
    x = ExcelForm()
    ws = x.sheet("Profiel", first=True)
    ws.column_dimensions["A"].width = 42
    for col in "BCDE":
        ws.column_dimensions[col].width = 22
    x.text(1, 1, "Bytecraft – Persoonlijk Ontwikkelplan (POP)", bold=True, size=14)
    x.text(2, 1, "Vul het profiel in vóór je 1-op-1 met je manager.")
    x.beside(4, "Naam", "medewerker.naam")
    x.beside(5, "Team", "medewerker.afdeling")
    x.beside(6, "Rol", "rol")
    x.beside(7, "Manager", "leidinggevende.naam")
    x.beside(8, "Periode", "plan.periode")
    x.beside(9, "Contracturen per week", None)
    x.beside(11, "Ambitie (waar wil je over 1-2 jaar staan?)", "ambitie", height=45)
    x.beside(12, "Focus: wat wil je ontwikkelen en waarom?", "ontwikkelfocus", height=60)
    x.beside(13, "Huidige situatie: wat gaat al goed, waar zit de winst?", "startsituatie", height=60)

    ws = x.sheet("Doelen & check-ins")
    for col, width in zip("ABCDEFG", (30, 30, 30, 26, 26, 16, 30)):
        ws.column_dimensions[col].width = width
    x.text(1, 1, "Ontwikkeldoelen (max. 2)", bold=True, size=12)
    row = x.table(3, ["Doel", "Waarom belangrijk?", "Acties (learning on the job)", "Support nodig",
                      "Hoe meten we het?", "Deadline", "Reflectie"], "doelen",
                  {"Doel": "doel", "Waarom belangrijk?": "waarom", "Acties (learning on the job)": "acties",
                   "Support nodig": "ondersteuning", "Hoe meten we het?": "meetpunten",
                   "Deadline": "tijdslijn", "Reflectie": "reflectie"}, rows=2, height=60)
    x.text(row, 1, "Check-ins (GROW-model)", bold=True, size=12)
    row = x.table(row + 1, ["Datum", "Goal", "Reality", "Options", "Will", "Reflectie"], "checkins",
                  {"Datum": "datum", "Goal": "goal", "Reality": "reality", "Options": "options",
                   "Will": "will", "Reflectie": "reflectie"}, rows=4, height=45)
    x.beside(row, "Akkoord medewerker", "akkoord_medewerker.naam", first_col=2, last_col=2)
    x.beside(row, "Datum", "akkoord_medewerker.datum", first_col=4, last_col=4, label_col=3)
    x.beside(row + 1, "Akkoord manager", "akkoord_leidinggevende.naam", first_col=2, last_col=2)
    x.beside(row + 1, "Datum", "akkoord_leidinggevende.datum", first_col=4, last_col=4, label_col=3)
    return x.build("bytecraft_pop.xlsx", "pop-compact", "it-bedrijf")


# ---------------------------------------------------------------- 5. care organisation (pop-tabel, Word)

def zorg() -> BlankForm:
    w = WordForm(header="Zorggroep De Linde – wonen, zorg en welzijn", landscape=True)
    w.title("Mijn ontwikkelplan")
    w.para("Voor alle medewerkers zorg en welzijn. Bespreek dit plan met je leidinggevende en bewaar een "
           "kopie in je portfolio.", size=9)
    w.label_cells([
        [("Naam medewerker", "medewerker.naam"), ("Locatie / team", "medewerker.afdeling")],
        [("Functie", "medewerker.functie"), ("Leidinggevende", "leidinggevende.naam")],
        [("Periode POP", "plan.periode"), ("Datum opgesteld", None)],
    ])
    w.heading("Mijn leerdoelen", 2)
    w.para("Maak onderscheid tussen doelen voor dit jaar (kort) en voor de komende jaren (middellang).",
           size=9)
    headers = ["Wat wil ik leren? (ontwikkeldoel)", "Hoe ga ik dat doen?", "Wat is het resultaat?",
               "Wanneer?", "Wat heb ik nodig?", "Termijn (kort / middellang)"]
    w.table(headers, "doelen", dict(zip(headers, ["doel", "activiteit", "resultaat", "planning",
                                                   "ondersteuning", "termijn"])), rows=4)
    w.heading("Ondertekening", 3)
    w.para(f"Medewerker: {UNDERSCORES}     Datum: {'_' * 20}")
    w.expect("Medewerker:", "akkoord_medewerker.naam")
    w.expect("Datum:", "akkoord_medewerker.datum")
    w.para(f"Leidinggevende: {UNDERSCORES}     Datum: {'_' * 20}")
    w.expect("Leidinggevende:", "akkoord_leidinggevende.naam")
    w.expect("Datum:", "akkoord_leidinggevende.datum")
    w.para()

    w.heading("Werkbespreking (tussentijds)", 2)
    w.label_cells([
        [("Datum werkbespreking", "werkbesprekingen[0].datum")],
        [("Hoe staat het met je ontwikkelplan?", "werkbesprekingen[0].stand")],
        [("Loopt iets vast? Wat is er nodig om verder te komen?", "werkbesprekingen[0].bespoedigen")],
        [("Levert de activiteit op wat je verwachtte?", "werkbesprekingen[0].verwachtingen")],
        [("Zo niet: hoe sturen we bij?", "werkbesprekingen[0].bijsturen")],
    ], label_width=9)

    w.heading("Eindevaluatie", 2)
    w.question_box("Zijn je leerdoelen bereikt?", "doelen_bereikt", height=3)
    w.question_box("Wat merk je daarvan in je dagelijkse werk met cliënten?", "effect_functioneren",
                   height=3)
    w.question_box("Wat betekent dit voor je verdere loopbaan binnen De Linde?", "effect_loopbaan",
                   height=3)
    return w.build("delinde_ontwikkelplan.docx", "pop-tabel", "zorg")


# ---------------------------------------------------------------- 6. retailer (pop-compact, Excel)

def retail() -> BlankForm:
    x = ExcelForm()
    ws = x.sheet("POP", first=True)
    for col in "ABCDEF":
        ws.column_dimensions[col].width = 18
    x.text(1, 1, "Van Dijk Wonen & Mode – Ontwikkelplan winkelmedewerkers", bold=True, size=14)
    row = 3
    x.text(row, 1, "Medewerker", bold=True, size=12)
    row = x.below(row + 1, "Naam medewerker", "medewerker.naam")
    row = x.below(row, "Filiaal", "medewerker.afdeling")
    row = x.below(row, "Functie", "medewerker.functie")
    row = x.below(row, "Bedrijfsleider", "leidinggevende.naam")
    row += 1
    x.text(row, 1, "Over jezelf", bold=True, size=12)
    row = x.below(row + 1, "Waar wil je over een jaar staan? (ambitie)", "ambitie", height=40)
    row = x.below(row, "Waar wil je beter in worden en waarom?", "ontwikkelfocus", height=50)
    row = x.below(row, "Wat gaat nu al goed op de winkelvloer?", "startsituatie", height=50)
    row += 1
    x.text(row, 1, "Mijn doel", bold=True, size=12)
    row = x.below(row + 1, "Wat wil je ontwikkelen?", "doelen[0].doel", height=40)
    row = x.below(row, "Waarom is dat belangrijk voor de klant of het team?", "doelen[0].waarom", height=40)
    row = x.below(row, "Wat ga je daarvoor doen in de winkel?", "doelen[0].acties", height=50)
    row = x.below(row, "Wat heb je nodig van je bedrijfsleider?", "doelen[0].ondersteuning", height=40)
    row = x.below(row, "Hoe zien we dat het lukt?", "doelen[0].meetpunten", height=40)
    row = x.below(row, "Start- en einddatum", "doelen[0].tijdslijn")
    row += 1
    x.text(row, 1, "Check-in na 6 weken", bold=True, size=12)
    row = x.below(row + 1, "Datum check-in", "checkins[0].datum")
    row = x.below(row, "Wat wil je de komende weken bereiken?", "checkins[0].goal", height=40)
    row = x.below(row, "Waar sta je nu?", "checkins[0].reality", height=40)
    row = x.below(row, "Welke mogelijkheden zie je?", "checkins[0].options", height=40)
    row = x.below(row, "Wat ga je deze week doen?", "checkins[0].will", height=40)
    row += 1
    x.text(row, 1, "Akkoord", bold=True, size=12)
    row = x.below(row + 1, "Akkoord medewerker", "akkoord_medewerker.naam")
    row = x.below(row, "Datum", "akkoord_medewerker.datum")
    row = x.below(row, "Akkoord bedrijfsleider", "akkoord_leidinggevende.naam")
    row = x.below(row, "Datum", "akkoord_leidinggevende.datum")
    return x.build("vandijk_ontwikkelplan.xlsx", "pop-compact", "retail")


def fresh_forms() -> list[BlankForm]:
    return [ziekenhuis(), gemeente(), school(), it_bedrijf(), zorg(), retail()]


def _check(forms: list[BlankForm]) -> None:
    """Every target is a placeholder of its form (catalogue), every column a column of its table."""
    from exports.placeholders import catalogue
    from forms import get_form
    for blank in forms:
        known, loops = set(), {}
        for section in catalogue(get_form(blank.form_key)):
            known |= {r["placeholder"] for r in section.get("rows", [])}
            for loop in section.get("loops", []):
                cols = {c["placeholder"][2:] for c in loop["columns"]}
                loops[loop["key"]] = cols
        for e in blank.expected:
            if e.columns:
                assert e.target in loops, (blank.name, e.target)
                assert set(e.columns.values()) <= loops[e.target], (blank.name, e.columns)
            elif "[0]." in e.target:
                table, column = e.target.split("[0].")
                assert column in loops.get(table, ()), (blank.name, e.target)
            else:
                assert e.target in known, (blank.name, e.target)


if __name__ == "__main__":
    forms = fresh_forms()
    _check(forms)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for blank in forms:
        print(f"{blank.name:32} {blank.form_key:16} {len(blank.expected):3} plaatsen")
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / blank.name).write_bytes(blank.data)
    if out:
        (out / "expected.json").write_text(json.dumps(
            {b.name: [e.__dict__ for e in b.expected] for b in forms}, ensure_ascii=False, indent=1))
