"""Blank POP forms made independently of tests/blank_forms/make.py, the way real HR departments make
them, to attack the blank-form mapper (exports/uploads/blank) with what its corpus may lack: a page
header holding the employee's name line, tab-separated "Naam:\t\t____" lines, text boxes, nested tables,
merged cells, a two-page landscape table, bold text instead of heading styles, numbered lists (w:numPr),
a file saved by LibreOffice, content controls with Word's placeholder text, legacy form fields,
Wingdings tick boxes (w:sym), Excel data validation, a logo, print titles, merged answer areas, a second
sheet with the table, English-Dutch labels, and questions in other words than the definition's.

Made WITHOUT reading the mapper's code: the expected mapping is what an HR person would want.

Each form is a BlankForm (tests/blank_forms/make.py) with an Expected per place, in document order;
Expected.label is the label as printed (a question, the first header cell of a table, the option word
after a tick box). Lines that must get NO placeholder (Handtekening, Personeelsnummer, Opmerkingen, a
table's "Nr." column) are not in `expected`: a target proposed there is an extra.

    .venv/bin/python -m tests.blank_forms_extra.make_extra OUTDIR   # writes the files + expected.json

The LibreOffice form (libreoffice_compact.docx) is the one file not built at test time: it is the
output of LibreOffice 7 (`soffice --headless --convert-to docx`) on the document built by
libreoffice_source(); rebuild it with `python -m tests.blank_forms_extra.make_extra --libreoffice`.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from tests.blank_forms.make import BlankForm, Expected

HERE = Path(__file__).resolve().parent
LIBREOFFICE_FILE = HERE / "libreoffice_compact.docx"

E = Expected


# ------------------------------------------------------------------------------------ Word helpers

def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.core_properties.author = "Team HR"
    doc.save(out)
    return out.getvalue()


def _p(container, text="", bold=False, size=None, style=None):
    p = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
    return p


def _cell(cell, text, bold=False, shade=None):
    cell.paragraphs[0].text = ""
    r = cell.paragraphs[0].add_run(text)
    r.bold = bold
    if shade:
        tcPr = cell._tc.get_or_add_tcPr()
        tcPr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{shade}"/>'))


def _wing(paragraph, option: str, char="F06F", lead=""):
    """A Wingdings tick box (w:sym) before its option word, as Word's Insert > Symbol writes it."""
    if lead:
        paragraph.add_run(lead)
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr>'
        f'<w:sym w:font="Wingdings" w:char="{char}"/></w:r>'))
    paragraph.add_run(f" {option}" if option else "")


def _numbered(paragraph, num_id=5, level=0):
    pPr = paragraph._p.get_or_add_pPr()
    pPr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
                            '</w:numPr>'))


def _page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _landscape(section):
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)


LINE = "_______________________________________"
DOTS = "……………………………………………………………………………"

# ------------------------------------------------------------------------------------ 1. letterhead

def gemeente_briefhoofd() -> BlankForm:
    """pop-uitgebreid the way a municipality's HR types it: the letterhead (no logo) in the page header
    with the employee's name line in the header itself, bold runs as headings (no heading styles),
    label<TAB><TAB>underscores lines, questions in the 'je' form and other words, each followed by
    empty lines, the akkoord with Naam/Datum/Handtekening lines."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    header = doc.sections[0].header
    header.paragraphs[0].text = "Gemeente Oosterwold – Team HR & Organisatie"
    hp = header.add_paragraph()
    hp.add_run("Naam medewerker:\t")
    hp.add_run("______________________________")
    ex = [E("Naam medewerker:", "medewerker_naam")]

    _p(doc, "PERSOONLIJK ONTWIKKELPLAN 2025", bold=True, size=16)
    _p(doc, "Vul dit formulier in vóór het gesprek en neem het mee.")
    _p(doc, "Gegevens", bold=True, size=12)
    for label, target in (("Afdeling:", "medewerker_afdeling"), ("Functie:", "medewerker_functie"),
                          ("Leidinggevende:", "leidinggevende_naam"),
                          ("Functie leidinggevende:", "leidinggevende_functie"),
                          ("Datum gesprek:", "datum_pop_gesprek")):
        _p(doc, f"{label}\t\t__________________________________")
        ex.append(E(label, target))
    _p(doc)
    _p(doc, "Deel 1 – Terugblik en zelfanalyse", bold=True, size=12)
    for label, target in (("Waar ben je goed in?", "kwaliteiten[0].sterk"),
                          ("Wat kun je nog verbeteren?", "kwaliteiten[0].verbeter"),
                          ("Welke werkzaamheden zou je vaker willen doen?", "meer_doen"),
                          ("Hoe zie je je werk over drie jaar?", "werk_over_3_jaar")):
        _p(doc, label, bold=True)
        ex.append(E(label, target))
        for _ in range(3):
            _p(doc)
    _p(doc, "Deel 2 – Afspraken", bold=True, size=12)
    for label, target in (("Wat wil je ontwikkelen?", "pop_wat"),
                          ("Hoe ga je dat aanpakken?", "pop_hoe"),
                          ("Wanneer ben je tevreden?", "pop_wanneer_voldaan"),
                          ("Welke ondersteuning heb je nodig?", "pop_ondersteuning")):
        _p(doc, label, bold=True)
        ex.append(E(label, target))
        _p(doc, LINE)
        _p(doc, LINE)
    _p(doc, "Ondertekening", bold=True, size=12)
    for who, key in (("Medewerker", "akkoord_medewerker"), ("Leidinggevende", "akkoord_leidinggevende")):
        _p(doc, f"Voor akkoord {who.lower()}", bold=True)
        _p(doc, "Naam:\t\t\t______________________")
        ex.append(E("Naam:", f"{key}.naam"))
        _p(doc, "Datum:\t\t\t______________________")
        ex.append(E("Datum:", f"{key}.datum"))
        _p(doc, "Handtekening:\t\t______________________")  # no placeholder: nothing to fill in
    return BlankForm("gemeente-briefhoofd.docx", "pop-uitgebreid", "docx", "extra", _save(doc), ex)


# ------------------------------------------------------------------------ 2. text box, nested, merged

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXTBOX = f"""<w:r {W_NS}
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264"
 behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="5760000" cy="1440000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
<wp:docPr id="{{id}}" name="Tekstvak {{id}}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5760000" cy="1440000"/>
</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:ln w="6350"><a:solidFill><a:prstClr val="black"/>
</a:solidFill></a:ln></wps:spPr><wps:txbx><w:txbxContent>{{content}}</w:txbxContent></wps:txbx>
<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720"/></wps:wsp>
</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>
<v:shapetype id="_x0000_t202" coordsize="21600,21600" path="m,l,21600r21600,l21600,xe"/>
<v:shape id="Tekstvak{{id}}" type="#_x0000_t202" style="position:absolute;width:453.5pt;height:113.4pt">
<v:textbox><w:txbxContent>{{content}}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def _textbox(paragraph, paragraphs: list[tuple[str, bool]], shape_id: int):
    content = "".join(
        f'<w:p><w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
        if text else "<w:p/>" for text, bold in paragraphs)
    paragraph._p.append(parse_xml(TEXTBOX.replace("{id}", str(shape_id)).replace("{content}", content)))


def tekstvak_genest() -> BlankForm:
    """pop-uitgebreid fase I in one big frame table holding nested tables, merged label and answer
    cells (gridSpan, vMerge), and a question inside a text box (Word writes it twice: DrawingML and
    the VML fallback)."""
    doc = Document()
    ex: list[Expected] = []
    _p(doc, "POP-formulier Fase I – Zelfanalyse", bold=True, size=15)
    _textbox(_p(doc), [("Lees eerst de toelichting op het intranet. Het formulier is van jou: "
                        "je neemt het mee naar het gesprek.", False)], 1)
    frame = doc.add_table(rows=4, cols=1)
    frame.style = doc.styles["Table Grid"]
    _cell(frame.cell(0, 0), "Gegevens medewerker", bold=True, shade="D9E2F3")
    inner = frame.cell(1, 0).add_table(rows=2, cols=4)
    inner.style = doc.styles["Table Grid"]
    for (r, c), (label, target) in {(0, 0): ("Naam", "medewerker_naam"), (0, 2): ("Afdeling", "medewerker_afdeling"),
                                    (1, 0): ("Functie", "medewerker_functie"),
                                    (1, 2): ("Datum POP-gesprek", "datum_pop_gesprek")}.items():
        _cell(inner.cell(r, c), label, bold=True)
    ex += [E("Naam", "medewerker_naam"), E("Afdeling", "medewerker_afdeling"),
           E("Functie", "medewerker_functie"), E("Datum POP-gesprek", "datum_pop_gesprek")]
    _cell(frame.cell(2, 0), "Gegevens leidinggevende", bold=True, shade="D9E2F3")
    inner = frame.cell(3, 0).add_table(rows=2, cols=4)
    inner.style = doc.styles["Table Grid"]
    for r, (label, target) in enumerate((("Naam leidinggevende", "leidinggevende_naam"),
                                         ("Functie leidinggevende", "leidinggevende_functie"))):
        _cell(inner.cell(r, 0), label, bold=True)
        inner.cell(r, 1).merge(inner.cell(r, 3))  # the answer spans three grid columns
        ex.append(E(label, target))
    _p(doc)

    # Strengths table: a title row merged over both columns, then the column headers.
    t = doc.add_table(rows=6, cols=2)
    t.style = doc.styles["Table Grid"]
    title = t.cell(0, 0).merge(t.cell(0, 1))
    _cell(title, "1. Persoonlijke kwaliteiten", bold=True, shade="D9E2F3")
    _cell(t.cell(1, 0), "Sterke punten", bold=True)
    _cell(t.cell(1, 1), "Verbeterpunten", bold=True)
    ex.append(E("Sterke punten", "kwaliteiten", {"Sterke punten": "sterk", "Verbeterpunten": "verbeter"}))
    _p(doc)

    # A question in a text box, with dotted lines inside the box.
    _p(doc, "2. Uitdagend werk", bold=True, size=12)
    _textbox(_p(doc), [("Meer doen: welke taken zou je vaker willen doen?", True), (DOTS, False),
                       (DOTS, False), (DOTS, False)], 2)
    ex.append(E("Meer doen: welke taken zou je vaker willen doen?", "meer_doen"))

    # Label cell merged down over three answer rows (vMerge).
    t = doc.add_table(rows=3, cols=2)
    t.style = doc.styles["Table Grid"]
    label = t.cell(0, 0).merge(t.cell(2, 0))
    _cell(label, "Nieuwe ontwikkelingen in je werk", bold=True)
    ex.append(E("Nieuwe ontwikkelingen in je werk", "nieuwe_ontwikkelingen"))
    _p(doc)

    _p(doc, "3. Toekomstig werk", bold=True, size=12)
    t = doc.add_table(rows=6, cols=3)
    t.style = doc.styles["Table Grid"]
    for r, (text, target) in enumerate((("Hoe ziet je werk er over 3 jaar uit?", "werk_over_3_jaar"),
                                        ("Welke nieuwe eisen stelt dat aan jou?", "nieuwe_eisen"),
                                        ("Hoe bereid je je voor op die functie?", "voorbereiding_functie"))):
        q = t.cell(2 * r, 0).merge(t.cell(2 * r, 2))  # question over the full width (gridSpan 3)
        _cell(q, text, bold=True, shade="F2F2F2")
        a = t.cell(2 * r + 1, 0).merge(t.cell(2 * r + 1, 2))
        t.rows[2 * r + 1].height = Cm(2.5)
        ex.append(E(text, target))
    return BlankForm("tekstvak-genest.docx", "pop-uitgebreid", "docx", "extra", _save(doc), ex)


# ------------------------------------------------------------------------- 3. landscape table, 2 pages

def tabel_liggend() -> BlankForm:
    """pop-tabel as one landscape table running over two pages (repeated header row, a numbered first
    column), English-Dutch header cells, the signing as a Naam | Datum | Handtekening grid with the
    roles down the side."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(9)
    _landscape(doc.sections[0])
    _p(doc, "Persoonlijk Ontwikkelingsplan (POP) – Personal Development Plan", bold=True, size=14)
    t = doc.add_table(rows=2, cols=4)
    t.style = doc.styles["Table Grid"]
    ex = []
    for (r, c), (label, target) in {(0, 0): ("Name / Naam", "medewerker.naam"),
                                    (0, 2): ("Department", "medewerker.afdeling"),
                                    (1, 0): ("Manager", "leidinggevende.naam"),
                                    (1, 2): ("Periode", "plan.periode")}.items():
        _cell(t.cell(r, c), label, bold=True, shade="E7E6E6")
        ex.append(E(label, target))
    _p(doc)
    headers = ["Nr.", "Ontwikkelingsdoel", "Activiteit(en)", "Gewenst resultaat", "Wanneer?",
               "Support / faciliteiten"]
    keys = [None, "doel", "activiteit", "resultaat", "planning", "ondersteuning"]
    t = doc.add_table(rows=13, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    for c, h in enumerate(headers):
        _cell(t.cell(0, c), h, bold=True, shade="BDD7EE")
    trPr = t.rows[0]._tr.get_or_add_trPr()
    trPr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))  # repeat on page 2
    for r in range(1, 13):
        _cell(t.cell(r, 0), f"{r}.")
        t.rows[r].height = Cm(1.6)
    ex.append(E("Nr.", "doelen", {h: k for h, k in zip(headers, keys) if k}))
    _page_break(doc)
    _p(doc, "Werkbespreking (voortgang)", bold=True, size=12)
    for label, target in (("Datum:", "werkbesprekingen[0].datum"),
                          ("Hoe staat het met de uitvoering?", "werkbesprekingen[0].stand"),
                          ("Stagneert het? Hoe versnellen we?", "werkbesprekingen[0].bespoedigen"),
                          ("Voldoet de activiteit aan de verwachtingen?", "werkbesprekingen[0].verwachtingen"),
                          ("Zo nee, hoe bijsturen?", "werkbesprekingen[0].bijsturen")):
        _p(doc, f"{label} {'_' * 60}")
        ex.append(E(label, target))
    _p(doc, "Ondertekening", bold=True, size=12)
    t = doc.add_table(rows=3, cols=4)
    t.style = doc.styles["Table Grid"]
    for c, h in enumerate(["", "Naam", "Datum", "Handtekening"]):
        _cell(t.cell(0, c), h, bold=True)
    for r, (who, key) in enumerate((("Medewerker", "akkoord_medewerker"),
                                    ("Leidinggevende", "akkoord_leidinggevende")), 1):
        _cell(t.cell(r, 0), who, bold=True)
        t.rows[r].height = Cm(1.5)
        ex += [E(who, f"{key}.naam"), E("Datum", f"{key}.datum")]
    return BlankForm("tabel-liggend.docx", "pop-tabel", "docx", "extra", _save(doc), ex)


# ------------------------------------------------------------- 4. numbered questions, Wingdings boxes

def genummerd_wingdings() -> BlankForm:
    """pop-zes-stappen with the questions as a numbered list (w:numPr on each paragraph), a header
    table in the page header (Naam | ... | Personeelsnummer | ...), label<TAB>dotted lines, and the
    next talk ticked in Wingdings boxes (w:sym F06F / F0A8)."""
    doc = Document()
    header = doc.sections[0].header
    ht = header.add_table(rows=1, cols=4, width=Cm(16))
    ht.style = doc.styles["Table Grid"]
    _cell(ht.cell(0, 0), "Naam", bold=True)
    _cell(ht.cell(0, 2), "Personeelsnummer", bold=True)  # not in the form: no placeholder
    ex = [E("Naam", "medewerker.naam")]
    _p(doc, "Mijn ontwikkelplan in zes stappen", bold=True, size=15)
    for label, target in (("Leidinggevende:", "leidinggevende.naam"), ("Afdeling:", "medewerker.afdeling")):
        _p(doc, f"{label}\t{DOTS}")
        ex.append(E(label, target))
    _p(doc)
    questions = (("Hoe is je huidige situatie: in welke vaardigheden wil je beter worden?", "huidige_situatie"),
                 ("Wat zijn je leerbehoeften?", "leerbehoeften"),
                 ("Formuleer je leerdoel SMART:", "leerdoelen[0].leerdoel"))
    for text, target in questions:
        p = _p(doc, text)
        _numbered(p)
        ex.append(E(text, target))
        for _ in range(3):
            _p(doc)
    _p(doc, "Kennis en vaardigheden die ik wil aanleren", bold=True)
    t = doc.add_table(rows=5, cols=2)
    t.style = doc.styles["Table Grid"]
    _cell(t.cell(0, 0), "Kennis / vaardigheid", bold=True)
    _cell(t.cell(0, 1), "Soort training", bold=True)
    ex.append(E("Kennis / vaardigheid", "ontwikkelingsmogelijkheden",
                {"Kennis / vaardigheid": "kennis", "Soort training": "training"}))
    _p(doc)
    _p(doc, "Evaluatie", bold=True, size=12)
    for text, target in (("Was je aanpak effectief?", "effectief"),
                         ("Wat heeft het opgeleverd voor je vaardigheden en gedrag?", "verbeterd"),
                         ("Heb je nieuwe leerbehoeften ontdekt?", "nieuwe_leerbehoeften"),
                         ("Zou je het opnieuw zo aanpakken?", "opnieuw")):
        p = _p(doc, text)
        _numbered(p, num_id=6)
        ex.append(E(text, target))
        _p(doc, DOTS)
        _p(doc, DOTS)
    p = _p(doc, "Het volgende gesprek is een:  ")
    for i, (word, target) in enumerate((("Doelstellingengesprek", "volgend_gesprek_doelstellingengesprek"),
                                        ("Voortgangsgesprek", "volgend_gesprek_voortgangsgesprek"),
                                        ("Beoordelingsgesprek", "volgend_gesprek_beoordelingsgesprek"))):
        _wing(p, word, char="F06F" if i != 1 else "F0A8", lead="   " if i else "")
        ex.append(E(word, target))
    _p(doc, f"Datum volgend gesprek:\t{DOTS}")
    ex.append(E("Datum volgend gesprek:", "volgend_gesprek_datum"))
    return BlankForm("genummerd-wingdings.docx", "pop-zes-stappen", "docx", "extra", _save(doc), ex)


# --------------------------------------------------- 5. content controls, legacy fields, Wingdings grid

def _sdt_text(tag_id: int, placeholder="Klik of tik om tekst in te voeren.", date=False):
    kind = ('<w:date><w:dateFormat w:val="d-M-yyyy"/><w:lid w:val="nl-NL"/>'
            '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>' if date
            else "<w:text/>")
    text = "Klik of tik om een datum in te voeren." if date else placeholder
    return parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="{tag_id}"/><w:placeholder><w:docPart '
        f'w:val="DefaultPlaceholder_-1854013440"/></w:placeholder><w:showingPlcHdr/>{kind}</w:sdtPr>'
        f'<w:sdtContent><w:p><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/><w:color w:val="808080"/></w:rPr>'
        f'<w:t>{text}</w:t></w:r></w:p></w:sdtContent></w:sdt>')


def _legacy(paragraph, kind: str, name: str):
    """A legacy form field (Developer > Legacy tools): FORMTEXT with its five-dot default, or
    FORMCHECKBOX."""
    if kind == "text":
        ff = f'<w:ffData><w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/><w:textInput/></w:ffData>'
        instr, result = " FORMTEXT ", '<w:r><w:rPr><w:noProof/></w:rPr><w:t>\u2002\u2002\u2002\u2002\u2002</w:t></w:r>'
    else:
        ff = (f'<w:ffData><w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/>'
              '<w:checkBox><w:sizeAuto/><w:default w:val="0"/></w:checkBox></w:ffData>')
        instr, result = " FORMCHECKBOX ", ""
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin">{ff}</w:fldChar></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve">{instr}</w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                *([f'<w:r {nsdecls("w")}>' + result[len("<w:r>"):]] if result else []),
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def invulvelden() -> BlankForm:
    """pop-uitgebreid as a 'protected' Word form: content controls showing Word's placeholder text
    ("Klik of tik om tekst in te voeren."), a date picker, legacy FORMTEXT and FORMCHECKBOX fields
    (Word's default names Tekst1, Selectievakje1), a drop-down for the next talk."""
    doc = Document()
    ex = []
    _p(doc, "Persoonlijk Ontwikkelingsplan", bold=True, size=16)
    t = doc.add_table(rows=4, cols=2)
    t.style = doc.styles["Table Grid"]
    for r, (label, target, date) in enumerate((("Naam medewerker", "medewerker_naam", False),
                                               ("Afdeling", "medewerker_afdeling", False),
                                               ("Functie", "medewerker_functie", False),
                                               ("Datum POP-gesprek", "datum_pop_gesprek", True))):
        _cell(t.cell(r, 0), label, bold=True)
        tc = t.cell(r, 1)._tc
        tc.remove(tc.findall(qn("w:p"))[0])
        tc.append(_sdt_text(100 + r, date=date))
        ex.append(E(label, target))
    _p(doc)
    p = _p(doc, "Naam leidinggevende: ")
    _legacy(p, "text", "Tekst1")
    ex.append(E("Naam leidinggevende:", "leidinggevende_naam"))
    p = _p(doc, "Functie leidinggevende: ")
    _legacy(p, "text", "Tekst2")
    ex.append(E("Functie leidinggevende:", "leidinggevende_functie"))
    _p(doc)
    _p(doc, "Hoe evalueren?", bold=True, size=12)
    for word, target in (("Vooraf meetpunten bepalen", "evaluatie_optie_vooraf"),
                         ("Achteraf bewijzen leveren", "evaluatie_optie_achteraf")):
        p = _p(doc)
        _legacy(p, "check", f"Selectievakje{1 + target.endswith('achteraf')}")
        p.add_run(f" {word}")
        ex.append(E(word, target))
    _p(doc, "Hoe toon je aan dat je doel bereikt is?", bold=True)
    body = doc.element.body
    body.insert(len(body) - 1, _sdt_text(200))
    ex.append(E("Hoe toon je aan dat je doel bereikt is?", "evaluatie_vooraf"))
    _p(doc)
    p = _p(doc, "Het volgende gesprek is een: ")
    p._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="300"/><w:showingPlcHdr/><w:dropDownList>'
        '<w:listItem w:value="Kies een item."/><w:listItem w:displayText="Doelstellingengesprek" '
        'w:value="Doelstellingengesprek"/><w:listItem w:displayText="Voortgangsgesprek" w:value="Voortgangsgesprek"/>'
        '<w:listItem w:displayText="Beoordelingsgesprek" w:value="Beoordelingsgesprek"/></w:dropDownList></w:sdtPr>'
        '<w:sdtContent><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Kies een item.</w:t></w:r>'
        '</w:sdtContent></w:sdt>'))
    ex.append(E("Het volgende gesprek is een:", "volgend_gesprek"))
    return BlankForm("invulvelden.docx", "pop-uitgebreid", "docx", "extra", _save(doc), ex)


def wingdings_raster() -> BlankForm:
    """pop-uitgebreid fase II: the on-the-job grid with a Wingdings box (w:sym F06F) before each of
    + ± – in every cell, the evaluation option with Wingdings F0A8 boxes on one line, a question over
    an empty one-cell box."""
    doc = Document()
    ex = []
    _p(doc, "Fase II – Hoe ga ik dat ontwikkelen?", bold=True, size=14)
    _p(doc, "Leeractiviteiten on the job", bold=True, size=12)
    _p(doc, "Kruis aan: + (goed), ± (matig), – (niet).")
    t = doc.add_table(rows=5, cols=3)
    t.style = doc.styles["Table Grid"]
    for c, h in enumerate(["Leeractiviteit", "Past bij mijn leerdoel?", "Ligt deze vorm mij?"]):
        _cell(t.cell(0, c), h, bold=True)
    for r, (key, label) in enumerate((("projecten", "Leren van projecten/experimenten"), ("coaching", "Coaching"),
                                      ("instructie", "Instructie op de werkplek"),
                                      ("elkaar", "Leren van elkaar")), 1):
        _cell(t.cell(r, 0), label)
        for c, col in enumerate(("past", "ligt"), 1):
            p = t.cell(r, c).paragraphs[0]
            for m, (mark, value) in enumerate((("+", "plus"), ("±", "matig"), ("–", "min"))):
                _wing(p, mark, lead="  " if m else "")
                ex.append(E(mark, f"on_the_job.{key}.{col}_{value}"))
    _p(doc)
    p = _p(doc, "Evaluatie:  ")
    for i, (word, target) in enumerate((("Vooraf meetpunten bepalen", "evaluatie_optie_vooraf"),
                                        ("Achteraf bewijzen leveren", "evaluatie_optie_achteraf"))):
        _wing(p, word, char="F0A8", lead="     " if i else "")
        ex.append(E(word, target))
    _p(doc, "Hoe toon je aan dat je doel bereikt is?", bold=True)
    ex.append(E("Hoe toon je aan dat je doel bereikt is?", "evaluatie_vooraf"))
    box = doc.add_table(rows=1, cols=1)
    box.style = doc.styles["Table Grid"]
    box.rows[0].height = Cm(3)
    return BlankForm("wingdings-raster.docx", "pop-uitgebreid", "docx", "extra", _save(doc), ex)


# ------------------------------------------------------------ 6. other words, numbers in own column

def andere_woorden() -> BlankForm:
    """pop-uitgebreid fase III/IV as a three-column table: number | question | answer, the questions
    in HR's own words; the next talk with each [ ] in its own cell before its word; a remarks box
    that is in no definition; the akkoord as 'Handtekening medewerker' / 'Datum' lines."""
    doc = Document()
    ex = []
    _p(doc, "Voortgang en evaluatie POP", bold=True, size=15)
    _p(doc, "Voortgangsgesprek", bold=True, size=12)
    rows = (("1", "Datum van het gesprek", "voortgangsgesprekken[0].datum"),
            ("2", "Wat heb je de afgelopen periode gedaan?", "voortgangsgesprekken[0].gedaan"),
            ("3", "Wat was het resultaat?", "voortgangsgesprekken[0].opgeleverd"),
            ("4", "Ben je tevreden over de voortgang?", "voortgangsgesprekken[0].tevreden"),
            ("5", "Wat zijn de volgende stappen?", "voortgangsgesprekken[0].verder"))
    t = doc.add_table(rows=len(rows), cols=3)
    t.style = doc.styles["Table Grid"]
    for r, (n, q, target) in enumerate(rows):
        _cell(t.cell(r, 0), n)
        _cell(t.cell(r, 1), q, bold=True)
        t.rows[r].height = Cm(2)
        ex.append(E(q, target))
    _p(doc)
    _p(doc, "Evaluatie", bold=True, size=12)
    rows = (("6", "Heb je je doelen gehaald?", "doelen_gehaald"),
            ("7", "Wat heb je geleerd over hoe jij leert?", "hoe_geleerd"),
            ("8", "Wat neem je mee naar je volgende POP?", "pop_afsluiten"))
    t = doc.add_table(rows=len(rows), cols=3)
    t.style = doc.styles["Table Grid"]
    for r, (n, q, target) in enumerate(rows):
        _cell(t.cell(r, 0), n)
        _cell(t.cell(r, 1), q, bold=True)
        ex.append(E(q, target))
    _p(doc)
    _p(doc, "Opmerkingen leidinggevende", bold=True)  # in no definition: no placeholder
    box = doc.add_table(rows=1, cols=1)
    box.style = doc.styles["Table Grid"]
    box.rows[0].height = Cm(3)
    _p(doc)
    _p(doc, "Volgend gesprek", bold=True)
    t = doc.add_table(rows=1, cols=6)
    for i, (word, target) in enumerate((("Doelstellingengesprek", "volgend_gesprek_doelstellingengesprek"),
                                        ("Voortgangsgesprek", "volgend_gesprek_voortgangsgesprek"),
                                        ("Beoordelingsgesprek", "volgend_gesprek_beoordelingsgesprek"))):
        _cell(t.cell(0, 2 * i), "[ ]")
        _cell(t.cell(0, 2 * i + 1), word)
        ex.append(E(word, target))
    _p(doc, "Gepland op: ___________________")
    ex.append(E("Gepland op:", "volgend_gesprek_datum"))
    _p(doc)
    t = doc.add_table(rows=2, cols=2)
    _cell(t.cell(0, 0), "Handtekening medewerker")
    _cell(t.cell(0, 1), "Handtekening leidinggevende")
    _cell(t.cell(1, 0), "Datum: ………………………")
    _cell(t.cell(1, 1), "Datum: ………………………")
    ex += [E("Datum:", "akkoord_medewerker.datum"), E("Datum:", "akkoord_leidinggevende.datum")]
    return BlankForm("andere-woorden.docx", "pop-uitgebreid", "docx", "extra", _save(doc), ex)


# -------------------------------------------------------------------------------- 7. LibreOffice

def libreoffice_source() -> tuple[bytes, list[Expected]]:
    """pop-compact as typed in LibreOffice Writer: label<TAB>line lines, the goal as the seed's format
    table (Onderdeel | Invulling, one row per part), check-ins as a grid, the akkoord lines."""
    doc = Document()
    ex = []
    _p(doc, "Persoonlijk Ontwikkelplan", bold=True, size=16)
    for label, target in (("Naam:", "medewerker.naam"), ("Rol / functie:", "rol"), ("Team:", "medewerker.afdeling"),
                          ("Leidinggevende:", "leidinggevende.naam"), ("Ambitie:", "ambitie")):
        _p(doc, f"{label}\t\t{LINE}")
        ex.append(E(label, target))
    _p(doc, "Ontwikkelfocus (wat en waarom)", bold=True)
    ex.append(E("Ontwikkelfocus (wat en waarom)", "ontwikkelfocus"))
    _p(doc)
    _p(doc)
    _p(doc, "Startsituatie", bold=True)
    ex.append(E("Startsituatie", "startsituatie"))
    _p(doc)
    _p(doc)
    _p(doc, "Mijn doel", bold=True, size=12)
    t = doc.add_table(rows=8, cols=2)
    t.style = doc.styles["Table Grid"]
    _cell(t.cell(0, 0), "Onderdeel", bold=True)
    _cell(t.cell(0, 1), "Invulling", bold=True)
    for r, (label, key) in enumerate((("Doel / ontwikkelfocus", "doel"), ("Waarom (impact)", "waarom"),
                                      ("Acties in het werk", "acties"), ("Ondersteuning", "ondersteuning"),
                                      ("Meetpunten", "meetpunten"), ("Tijdslijn", "tijdslijn"),
                                      ("Reflectie", "reflectie")), 1):
        _cell(t.cell(r, 0), label)
        ex.append(E(label, f"doelen[0].{key}"))
    _p(doc)
    _p(doc, "Check-ins", bold=True, size=12)
    t = doc.add_table(rows=5, cols=5)
    t.style = doc.styles["Table Grid"]
    heads = [("Datum", "datum"), ("Goal", "goal"), ("Reality", "reality"), ("Options", "options"), ("Will", "will")]
    for c, (h, _) in enumerate(heads):
        _cell(t.cell(0, c), h, bold=True)
    ex.append(E("Datum", "checkins", dict(heads)))
    _p(doc)
    _p(doc, f"Datum volgend gesprek:\t{LINE}")
    ex.append(E("Datum volgend gesprek:", "volgend_gesprek_datum"))
    _p(doc, f"Akkoord medewerker:\t{LINE}")
    ex.append(E("Akkoord medewerker:", "akkoord_medewerker.naam"))
    _p(doc, f"Akkoord leidinggevende:\t{LINE}")
    ex.append(E("Akkoord leidinggevende:", "akkoord_leidinggevende.naam"))
    return _save(doc), ex


def build_libreoffice_file() -> None:
    data, _ = libreoffice_source()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bron.docx"
        src.write_bytes(data)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", f"{tmp}/out", str(src)],
                       check=True, capture_output=True, timeout=180)
        LIBREOFFICE_FILE.write_bytes((Path(tmp) / "out" / "bron.docx").read_bytes())


def libreoffice_compact() -> BlankForm:
    _, ex = libreoffice_source()
    return BlankForm("libreoffice-compact.docx", "pop-compact", "docx", "extra",
                     LIBREOFFICE_FILE.read_bytes(), ex)


# ------------------------------------------------------------------------------------------ Excel

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _logo_png() -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (180, 60), "white")
    ImageDraw.Draw(img).rectangle([5, 5, 175, 55], outline="navy", width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _xlsx(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def excel_validatie() -> BlankForm:
    """pop-uitgebreid in Excel: a logo, print titles, labels in A with merged answer areas B:E, the
    costs' Van toepassing as Ja/Nee drop-downs (data validation), merged multi-row answer areas for the
    long questions, the goals table on a second sheet, Handtekening/Datum at the end."""
    from openpyxl.drawing.image import Image as XlImage
    wb = Workbook()
    ws = wb.active
    ws.title = "POP-formulier"
    ws.column_dimensions["A"].width = 34
    for col in "BCDE":
        ws.column_dimensions[col].width = 18
    ws.add_image(XlImage(io.BytesIO(_logo_png())), "D1")
    ws["A2"] = "POP-formulier 2025"
    ws["A2"].font = Font(bold=True, size=16)
    ws.print_title_rows = "1:3"
    ws.page_setup.orientation = "portrait"
    ex = []
    row = 5
    for label, target in (("Naam medewerker", "medewerker_naam"), ("Afdeling", "medewerker_afdeling"),
                          ("Functie", "medewerker_functie"), ("Leidinggevende", "leidinggevende_naam"),
                          ("Datum POP-gesprek", "datum_pop_gesprek")):
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        for c in range(2, 6):
            ws.cell(row, c).border = BOX
        ex.append(E(label, target))
        row += 1
    dv_date = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    ws.add_data_validation(dv_date)
    dv_date.add(f"B{row - 1}")
    row += 1
    for label, target in (("Welke taken zou je vaker willen doen?", "meer_doen"),
                          ("Welke nieuwe ontwikkelingen zie je in je werk?", "nieuwe_ontwikkelingen")):
        ws.cell(row, 1, label).font = Font(bold=True)
        ex.append(E(label, target))
        ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 4, end_column=5)
        for r in range(row + 1, row + 5):
            for c in range(1, 6):
                ws.cell(r, c).border = BOX
        ws.cell(row + 1, 1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 6
    ws.cell(row, 1, "Wat gaat het kosten?").font = Font(bold=True, size=12)
    row += 1
    ws.cell(row, 1, "Aspect").font = Font(bold=True)
    ws.cell(row, 2, "Van toepassing?").font = Font(bold=True)
    row += 1
    dv = DataValidation(type="list", formula1='"Ja,Nee"', allow_blank=True)
    ws.add_data_validation(dv)
    for key, label in (("werktijd", "Werktijd"), ("vrije_tijd", "Vrije tijd van uzelf"),
                       ("opleiding", "Opleidings- / trainingskosten"), ("coach", "Externe coach")):
        ws.cell(row, 1, label).border = BOX
        ws.cell(row, 2).border = BOX
        dv.add(ws.cell(row, 2).coordinate)
        ex.append(E(label, f"kosten.{key}.van_toepassing"))
        row += 1
    row += 1
    ws.cell(row, 1, "Evaluatie-optie").font = Font(bold=True)
    ws.cell(row, 2).border = BOX
    dv2 = DataValidation(type="list", formula1='"Vooraf meetpunten bepalen,Achteraf bewijzen leveren"')
    ws.add_data_validation(dv2)
    dv2.add(ws.cell(row, 2).coordinate)
    ex.append(E("Evaluatie-optie", "evaluatie_optie"))
    row += 2
    for label in ("Handtekening medewerker", "Datum"):
        ws.cell(row, 1, label)
        ws.cell(row, 2).border = Border(bottom=THIN)
        row += 1
    ex.append(E("Datum", "akkoord_medewerker.datum"))

    ws2 = wb.create_sheet("Ontwikkeldoelen")
    ws2["A1"] = "Mijn ontwikkeldoelen"
    ws2["A1"].font = Font(bold=True, size=14)
    ws2.column_dimensions["A"].width = 60
    ws2["A3"], ws2["B3"] = "Ontwikkeldoel", "Belang (1 = hoogst)"
    for c in ("A3", "B3"):
        ws2[c].font = Font(bold=True, color="FFFFFF")
        ws2[c].fill = PatternFill("solid", fgColor="1F4E78")
        ws2[c].border = BOX
    dv3 = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
    ws2.add_data_validation(dv3)
    for r in range(4, 9):
        for c in (1, 2):
            ws2.cell(r, c).border = BOX
        dv3.add(f"B{r}")
    ex.append(E("Ontwikkeldoel", "ontwikkeldoelen", {"Ontwikkeldoel": "doel", "Belang (1 = hoogst)": "belang"}))
    ws2.print_title_rows = "3:3"
    return BlankForm("excel-validatie.xlsx", "pop-uitgebreid", "xlsx", "extra", _xlsx(wb), ex)


def excel_engels() -> BlankForm:
    """pop-tabel in Excel with English-Dutch labels: label in A, a narrow gap column B, the answer in C
    shaded grey without borders; the table on the second sheet with its own numbered rows; the signing
    as 'Signature employee' / 'Date'."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Gegevens"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 2
    ws.column_dimensions["C"].width = 40
    ws["A1"] = "Personal Development Plan / POP"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:C1")
    grey = PatternFill("solid", fgColor="EDEDED")
    ex = []
    for row, (label, target) in enumerate((("Name", "medewerker.naam"), ("Department", "medewerker.afdeling"),
                                           ("Job title", "medewerker.functie"), ("Manager", "leidinggevende.naam"),
                                           ("Periode", "plan.periode")), 3):
        ws.cell(row, 1, label)
        ws.cell(row, 3).fill = grey
        ex.append(E(label, target))
    ws2 = wb.create_sheet("Ontwikkelingsdoelen")
    headers = ["#", "Development goal / ontwikkelingsdoel", "Activiteit", "Expected result", "Planning",
               "Support needed"]
    keys = [None, "doel", "activiteit", "resultaat", "planning", "ondersteuning"]
    ws2["A1"] = "Ontwikkelingsdoelen"
    ws2["A1"].font = Font(bold=True, size=13)
    for c, h in enumerate(headers, 1):
        cell = ws2.cell(3, c, h)
        cell.font = Font(bold=True)
        cell.border = BOX
        ws2.column_dimensions[cell.column_letter].width = 5 if c == 1 else 28
    for r in range(4, 12):
        ws2.cell(r, 1, r - 3).border = BOX
        for c in range(2, len(headers) + 1):
            ws2.cell(r, c).border = BOX
    ex.append(E("#", "doelen", {h: k for h, k in zip(headers, keys) if k}))
    ws2.print_title_rows = "3:3"
    ws2.page_setup.orientation = "landscape"
    r = 14
    ws2.cell(r, 2, "Signature employee")
    ws2.cell(r, 4, "Date")
    ws2.cell(r, 5).border = Border(bottom=THIN)
    ex.append(E("Date", "akkoord_medewerker.datum"))
    ws2.cell(r + 1, 2, "Signature manager")
    ws2.cell(r + 1, 4, "Date")
    ws2.cell(r + 1, 5).border = Border(bottom=THIN)
    ex.append(E("Date", "akkoord_leidinggevende.datum"))
    return BlankForm("excel-engels.xlsx", "pop-tabel", "xlsx", "extra", _xlsx(wb), ex)


# -------------------------------------------------------------------------------------------- all

BUILDERS = (gemeente_briefhoofd, tekstvak_genest, tabel_liggend, genummerd_wingdings, invulvelden,
            wingdings_raster,
            andere_woorden, libreoffice_compact, excel_validatie, excel_engels)


def extra_forms() -> list[BlankForm]:
    return [build() for build in BUILDERS]


def main(argv: list[str]) -> int:
    if argv == ["--libreoffice"]:
        build_libreoffice_file()
        print("written", LIBREOFFICE_FILE)
        return 0
    if len(argv) != 1:
        print(__doc__.splitlines()[-5], file=sys.stderr)
        return 2
    outdir = Path(argv[0])
    outdir.mkdir(parents=True, exist_ok=True)
    summary = {}
    for form in extra_forms():
        (outdir / form.name).write_bytes(form.data)
        summary[form.name] = {"form_key": form.form_key, "kind": form.kind,
                              "expected": [asdict(e) for e in form.expected]}
    (outdir / "expected.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(summary)} forms written to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
