"""Templates an attacker would upload, built by editing the XML of a file python-docx or openpyxl made
(a real package: content types, styles, settings), the way a phished HR account's mail would bring
them. Used by tests/test_package_check.py and tests/template_corpus/make_attacks.py."""
from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE = f"{R}/image"
HYPERLINK = f"{R}/hyperlink"
TEMPLATE = f"{R}/attachedTemplate"
OLE = f"{R}/oleObject"
CONTROL = f"{R}/control"
PACKAGE = f"{R}/package"
CHART = f"{R}/chart"
MAIL_MERGE = f"{R}/mailMergeSource"
EXTERNAL_LINK = f"{R}/externalLink"
EXTERNAL_LINK_PATH = f"{R}/externalLinkPath"
AF_CHUNK = f"{R}/aFChunk"
W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:r="{R}" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
PROBE = "http://127.0.0.1:8765/intern"  # what LibreOffice on the server would have fetched


def changed_package(data: bytes, changes: dict) -> bytes:
    """The zip with members replaced (name -> function of the old bytes, bytes, or None to drop it);
    names not in the zip are added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            change = changes.get(info.filename, lambda old: old)
            if change is None:
                continue
            dst.writestr(info.filename, change(src.read(info)) if callable(change) else change)
        for name, change in changes.items():
            if name not in src.namelist() and change is not None:
                dst.writestr(name, change(b"") if callable(change) else change)
    return out.getvalue()


def word(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs or ("Naam: {{ medewerker.naam }}",):
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def relationship(rel_id: str, rel_type: str, target: str, mode: str | None = "External") -> bytes:
    mode_attr = f' TargetMode="{mode}"' if mode is not None else ""
    return f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"{mode_attr}/>'.encode()


def add_relationships(rels: bytes, *entries: bytes) -> bytes:
    if not rels:
        rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}"></Relationships>'.encode()
    return rels.replace(b"</Relationships>", b"".join(entries) + b"</Relationships>")


def in_body(xml: str):
    """A change of word/document.xml that puts xml at the start of the body."""
    def change(document: bytes) -> bytes:
        text = document.decode("utf-8")
        start = text.index("<w:body>") + len("<w:body>")
        return (text[:start] + xml + text[start:]).encode("utf-8")
    return change


def word_with(rels: dict[str, list[bytes]] | None = None, body: str = "", extra: dict | None = None,
              data: bytes | None = None) -> bytes:
    """A Word document with relationships added to the given relationship parts, xml put at the start
    of its body, and further members."""
    changes = {}
    for part, entries in (rels or {}).items():
        changes[part] = lambda old, entries=entries: add_relationships(old, *entries)
    if body:
        changes["word/document.xml"] = in_body(body)
    changes.update(extra or {})
    return changed_package(data or word(), changes)


def picture(rel_id: str, attribute: str = "r:link") -> str:
    """An inline picture as Word writes one; r:link names a linked image, r:embed a stored one."""
    return ('<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Logo"/>'
            f'<a:graphic {W_NS}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
            'picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:nvPicPr><pic:cNvPr id="1" name="Logo"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
            f'<a:blip {attribute}="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
            '</a:graphic></wp:inline></w:drawing></w:r></w:p>')


def linked_image(mode: str | None = "External", target: str = PROBE,
                 part: str = "word/_rels/document.xml.rels") -> bytes:
    """A picture in the body whose image is a link: Word and LibreOffice fetch it on opening (and
    LibreOffice did so for TargetMode="External " on every PDF export)."""
    return word_with({part: [relationship("rIdSec", IMAGE, target, mode)]},
                     picture("rIdSec") if part == "word/_rels/document.xml.rels" else "")


def renamed_member(data: bytes, old: str, new: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(new if info.filename == old else info.filename, src.read(info))
    return out.getvalue()


def hyperlink(target: str, element: str = "hyperlink") -> bytes:
    """A hyperlink in the body; with element="blip" a picture that names the hyperlink's
    relationship, which Word and LibreOffice would fetch as the picture."""
    if element == "hyperlink":
        body = ('<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>Intranet</w:t></w:r></w:hyperlink>'
                '</w:p>')
    else:
        body = picture("rIdLink", "r:embed")
    return word_with({"word/_rels/document.xml.rels": [relationship("rIdLink", HYPERLINK, target)]},
                     body)


def attached_template(target: str, rel_type: str = TEMPLATE, mode: str | None = "External") -> bytes:
    """The Word template the document is attached to, as Word writes it: w:attachedTemplate in the
    settings and its relationship beside them."""
    def settings(xml: bytes) -> bytes:
        return xml.replace(b"<w:zoom ", b'<w:attachedTemplate r:id="rIdTpl"/><w:zoom ', 1)
    return word_with({"word/_rels/settings.xml.rels": [relationship("rIdTpl", rel_type, target, mode)]},
                     extra={"word/settings.xml": settings})


def ole_object(program: str = "Package") -> bytes:
    """An embedded OLE object (here a packaged program: double-clicking it runs it)."""
    body = ('<w:p><w:r><w:object><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:60pt;'
            'height:40pt"/><o:OLEObject Type="Embed" ProgID="' + program + '" ShapeID="_x0000_i1025" '
            'DrawAspect="Icon" ObjectID="_1700000000" r:id="rIdOle"/></w:object></w:r></w:p>')
    return word_with({"word/_rels/document.xml.rels": [
        relationship("rIdOle", OLE, "embeddings/oleObject1.bin", None)]}, body,
        {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)})


def activex_control() -> bytes:
    body = '<w:p><w:r><w:object><w:control r:id="rIdAx" w:name="CommandButton1"/></w:object></w:r></w:p>'
    return word_with({"word/_rels/document.xml.rels": [
        relationship("rIdAx", CONTROL, "activeX/activeX1.xml", None)]}, body, {
        "word/activeX/activeX1.xml": b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft'
                                     b'.com/office/2006/activeX" ax:classid="{D7053240-CE69-11CD-A777-'
                                     b'00DD01143C57}" ax:persistence="persistStorage"/>'})


def chart_with_workbook(workbook: bytes) -> bytes:
    """A chart in the body whose data is an embedded workbook, as Word writes a chart: Word opens the
    workbook in Excel when someone edits the chart's data."""
    chart = (b'<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats'
             b'.org/drawingml/2006/chart" xmlns:r="' + R.encode() + b'"><c:chart><c:plotArea>'
             b'<c:barChart><c:ser><c:val><c:numRef><c:f>Blad1!$B$2:$B$3</c:f></c:numRef></c:val></c:ser>'
             b'</c:barChart></c:plotArea></c:chart><c:externalData r:id="rId1"/></c:chartSpace>')
    body = (f'<w:p><w:r><w:drawing><a:graphic {W_NS}><a:graphicData uri="http://schemas.openxmlformats'
            '.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/'
            '2006/chart" r:id="rIdChart"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>')
    return word_with({"word/_rels/document.xml.rels": [
        relationship("rIdChart", CHART, "charts/chart1.xml", None)]}, body, {
        "word/charts/chart1.xml": chart,
        "word/charts/_rels/chart1.xml.rels": add_relationships(
            b"", relationship("rId1", PACKAGE, "../embeddings/Microsoft_Excel_Worksheet.xlsx", None)),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook,
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", (
            b'<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sheet"/><Override PartName="/word/charts/chart1.xml" ContentType="'
            b'application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>'))})


def mail_merge(source: str = "\\\\server\\hr\\medewerkers.xlsx") -> bytes:
    """A mail-merge main document as Word saves it while it is still linked to its list of
    recipients: Word opens the list (and runs the query) on every PC that opens the document."""
    merge = ('<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/>'
             '<w:dataType w:val="native"/><w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;User '
             f'ID=Admin;Data Source={source};Mode=Read;Extended Properties=&quot;HDR=YES;IMEX=1;&quot;"/>'
             '<w:query w:val="SELECT * FROM `Blad1$`"/><w:dataSource r:id="rIdMerge"/>'
             '<w:viewMergedData/><w:odso><w:udl w:val="Provider=Microsoft.ACE.OLEDB.12.0"/>'
             '<w:table w:val="Blad1$"/><w:src r:id="rIdMerge"/><w:colDelim w:val="9"/>'
             '<w:type w:val="database"/><w:fHdr/></w:odso></w:mailMerge>').encode()
    return word_with(
        {"word/_rels/settings.xml.rels": [relationship("rIdMerge", MAIL_MERGE,
                                                       "file:///" + source.replace("&", "&amp;"))]},
        "<w:p><w:fldSimple w:instr=' MERGEFIELD Naam '><w:r><w:t>«Naam»</w:t></w:r></w:fldSimple></w:p>",
        {"word/settings.xml": lambda xml: xml.replace(b"<w:zoom ", merge + b"<w:zoom ", 1)})


def word_field(kind: str) -> bytes:
    """Fields Word updates on opening: a picture or text from elsewhere, or DDE starting a program;
    the complex form split over runs as Word writes it."""
    if kind == "simple":
        body = (f"<w:p><w:fldSimple w:instr=' INCLUDEPICTURE &quot;{PROBE}/logo.png&quot; \\d '>"
                "<w:r><w:t>logo</w:t></w:r></w:fldSimple></w:p>")
    else:
        body = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
                ' dde</w:instrText></w:r><w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\'
                'system32\\\\cmd.exe "/k calc.exe" </w:instrText></w:r><w:r><w:fldChar '
                'w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar '
                'w:fldCharType="end"/></w:r></w:p>')
    return word_with(body=body)


def vml_image(target: str = PROBE + "/logo.png") -> bytes:
    body = (f'<w:p><w:r><w:pict><v:shape style="width:10pt;height:10pt"><v:imagedata src="{target}" '
            'o:title="logo"/></v:shape></w:pict></w:r></w:p>')
    return word_with(body=body)


def alt_chunk() -> bytes:
    return word_with({"word/_rels/document.xml.rels": [relationship("rIdChunk", AF_CHUNK,
                                                                    "afchunk.htm", None)]},
                     '<w:altChunk r:id="rIdChunk"/>',
                     {"word/afchunk.htm": f'<html><body><img src="{PROBE}/x.png"></body></html>'.encode()})


def duplicate_part() -> bytes:
    """The body twice under names Office takes for one: a check that reads one and an office that
    shows the other."""
    data = word()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        body = src.read("word/document.xml")
    return changed_package(data, {"WORD/Document.xml": in_body(
        '<w:p><w:r><w:t>ander</w:t></w:r></w:p>')(body)})


# ---------------------------------------------------------------- workbooks


def workbook(formulas: dict[str, str] | None = None, build=None) -> bytes:
    """A workbook with a placeholder in Blad1!A1 and formulas in the given cells (as openpyxl writes
    them: the text after '=' in <f>)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws["A1"] = "{{ medewerker.naam }}"
    ws["B2"], ws["B3"] = 1, 2
    for cell, formula in (formulas or {}).items():
        ws[cell] = formula
    if build:
        build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def defined_name(formula: str) -> bytes:
    def build(wb):
        wb.defined_names["Koers"] = DefinedName("Koers", attr_text=formula)
    return workbook(build=build)


def validation(formula: str) -> bytes:
    def build(wb):
        rule = DataValidation(type="list", formula1=formula)
        rule.add("C4")
        wb.active.add_data_validation(rule)
    return workbook(build=build)


def conditional_format(formula: str) -> bytes:
    def build(wb):
        wb.active.conditional_formatting.add("C4:D9", FormulaRule(formula=[formula]))
    return workbook(build=build)


def external_workbook_link() -> bytes:
    """A workbook linked to another as Excel saves it: an externalLink part, its path beside it, and
    formulas that read it through [1]."""
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main" xmlns:r="' + R.encode() + b'"><externalBook r:id="rId1">'
            b'<sheetNames><sheetName val="Salarissen"/></sheetNames></externalBook></externalLink>')
    return changed_package(workbook(), {
        "xl/externalLinks/externalLink1.xml": link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": add_relationships(
            b"", relationship("rId1", EXTERNAL_LINK_PATH, "file:///\\\\fileserver\\hr\\salarissen.xlsx")),
        "xl/_rels/workbook.xml.rels": lambda xml: add_relationships(
            xml, relationship("rIdExt", EXTERNAL_LINK, "externalLinks/externalLink1.xml", None)),
        "xl/workbook.xml": lambda xml: xml.replace(
            b"<definedNames", b'<externalReferences><externalReference xmlns:r="' + R.encode()
            + b'" r:id="rIdExt"/></externalReferences><definedNames', 1)})


def sheet_ole_object() -> bytes:
    """An object embedded in a sheet as Excel writes it: <oleObjects> in the sheet, the binary under
    xl/embeddings."""
    def sheet(xml: bytes) -> bytes:
        return xml.replace(b"</worksheet>", b'<oleObjects><oleObject xmlns:r="' + R.encode()
                           + b'" progId="Package" shapeId="1025" r:id="rIdOle"/></oleObjects>'
                             b"</worksheet>")
    return changed_package(workbook(), {
        "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/_rels/sheet1.xml.rels": add_relationships(
            b"", relationship("rIdOle", OLE, "../embeddings/oleObject1.bin", None)),
        "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)})


def data_connection() -> bytes:
    connections = (b'<?xml version="1.0" encoding="UTF-8"?><connections xmlns="http://schemas.openxmlformats'
                   b'.org/spreadsheetml/2006/main"><connection id="1" name="Koersen" type="4" '
                   b'refreshOnLoad="1"><webPr url="' + PROBE.encode() + b'/koersen"/></connection>'
                   b'</connections>')
    return changed_package(workbook(), {"xl/connections.xml": connections})
