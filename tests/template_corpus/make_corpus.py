"""Writes the corpus files that are made here rather than saved from a word processor. Each is built
as Word writes it (rsid attributes, proofing marks, bookmarks, placeholders split over runs), so the
corpus tests what real uploads look like. Run: python tests/template_corpus/make_corpus.py"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from docx import Document

HERE = Path(__file__).parent
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_with_body(body_xml: str) -> bytes:
    """A document made by python-docx (a real package: styles, settings, content types) whose body is
    replaced by body_xml, written as Word writes its own paragraphs."""
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                end = xml.index("<w:sectPr")
                data = (xml[:start] + body_xml + xml[end:]).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def split_runs() -> bytes:
    # Word splits a placeholder typed in one go over runs when the spelling checker, an edit session
    # (rsid) or autocorrect touched part of it; a bookmark may land inside.
    return word_with_body(
        '<w:p w:rsidR="00A1" w:rsidRDefault="00B2"><w:r w:rsidRPr="00C3"><w:t xml:space="preserve">'
        'Naam: {{ </w:t></w:r><w:proofErr w:type="spellStart"/><w:r w:rsidR="00D4"><w:t>medewerker'
        '</w:t></w:r><w:r><w:t>.naam</w:t></w:r><w:proofErr w:type="spellEnd"/><w:bookmarkStart '
        'w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/><w:r><w:t xml:space="preserve"> }}'
        '</w:t></w:r></w:p>'
        '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Periode {{ plan.</w:t></w:r><w:r><w:rPr><w:b/><w:i/>'
        '</w:rPr><w:t>periode }}</w:t></w:r></w:p>')


def text_box() -> bytes:
    # A text box as Word 2010+ writes it: the DrawingML shape, and the VML copy for older readers;
    # both hold the placeholder, and both must be filled.
    content = ('<w:txbxContent><w:p><w:r><w:t xml:space="preserve">Medewerker: {{ medewerker.naam }}'
               '</w:t></w:r></w:p></w:txbxContent>')
    return word_with_body(
        '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" '
        'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="3000000" cy="600000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare '
        'wrapText="bothSides"/><wp:docPr id="1" name="Tekstvak 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:cNvSpPr '
        'txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3000000" cy="600000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx>' + content +
        '</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        '</mc:Choice><mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="Tekstvak1" '
        'type="#_x0000_t202" style="width:236pt;height:47pt"><v:textbox>' + content +
        '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')


def tracked_changes() -> bytes:
    # Someone changed the form with Track Changes on and saved it without accepting: the deleted
    # text is still in the file and the inserted text is marked as an insertion.
    return word_with_body(
        '<w:p><w:r><w:t xml:space="preserve">Naam: </w:t></w:r><w:del w:id="1" w:author="P. de Vries" '
        'w:date="2026-11-02T10:12:00Z"><w:r><w:delText>{{ medewerker.achternaam }}</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="P. de Vries" w:date="2026-11-02T10:12:00Z"><w:r><w:t>{{ medewerker.naam }}'
        '</w:t></w:r></w:ins></w:p>')


def page_field_in_footer() -> bytes:
    # A footer as HR makes it: the name, then Word's own PAGE and NUMPAGES fields.
    doc = Document()
    doc.add_paragraph("Periode {{ plan.periode }}")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "POP van {{ medewerker.naam }} – pagina "
    p = footer._p
    from docx.oxml import parse_xml
    field = ('<w:r %s><w:fldChar w:fldCharType="begin"/></w:r><w:r %s><w:instrText xml:space="preserve"> PAGE '
             '</w:instrText></w:r><w:r %s><w:fldChar w:fldCharType="separate"/></w:r><w:r %s><w:t>1</w:t></w:r>'
             '<w:r %s><w:fldChar w:fldCharType="end"/></w:r>') % ((W_NS,) * 5)
    for run in parse_xml('<w:p %s>%s</w:p>' % (W_NS, field.replace(" " + W_NS, ""))):
        p.append(run)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


FILES = {
    "word_text_box.docx": (text_box, {
        "made_by": "make_corpus.py: a text box as Word 2010+ writes it (DrawingML with a VML fallback)",
        "outcome": "filled",
        "texts": ["Medewerker: Zoë van 't Hof/Test"],
        "absent": ["{{"]}),
    "word_tracked_changes.docx": (tracked_changes, {
        "made_by": "make_corpus.py: a tracked deletion and insertion, saved without accepting them",
        "outcome": "refused",
        "messages": ["bijgehouden wijzigingen", "Alle wijzigingen accepteren"]}),
    "word_page_field_in_footer.docx": (page_field_in_footer, {
        "made_by": "make_corpus.py: a placeholder beside Word's PAGE field in the footer",
        "outcome": "filled",
        "texts": ["POP van Zoë van 't Hof/Test – pagina 1", "Periode 2026"],
        "absent": ["{{"]}),
    "word_split_runs.docx": (split_runs, {
        "made_by": "make_corpus.py: Word's own run splitting (rsid, proofErr, bookmark in a placeholder)",
        "outcome": "filled",
        "texts": ["Naam: Zoë van 't Hof/Test", "Periode 2026"],
        "absent": ["{{", "}}"]}),
}


def main() -> None:
    for name, (make, expected) in FILES.items():
        (HERE / name).write_bytes(make())
        (HERE / name).with_suffix(".json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", name)


if __name__ == "__main__":
    main()
