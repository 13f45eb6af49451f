"""Word documents written the way Word writes its own fields: merge fields in both forms, content
controls, checkboxes, with header, footer and settings parts, for the tests of exports/word/fields.py
and the corpus generator (tests/template_corpus/make_word_fields.py)."""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def word_document(body: str, header: str | None = None, footer: str | None = None,
                  settings: str | None = None, settings_rels: str | None = None) -> bytes:
    """A package made by python-docx (styles, settings, content types, header and footer parts) with
    its body, header and footer paragraphs replaced by the XML given; settings is inserted into
    word/settings.xml, settings_rels becomes word/_rels/settings.xml.rels."""
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "HEADER-MARK"
    section.footer.paragraphs[0].text = "FOOTER-MARK"
    buffer = io.BytesIO()
    doc.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            xml = data.decode("utf-8") if info.filename.endswith(".xml") else None
            if info.filename == "word/document.xml":
                start = xml.index("<w:body>") + len("<w:body>")
                end = xml.index("<w:sectPr")
                xml = xml[:start] + body + xml[end:]
            elif re.match(r"word/header\d+\.xml", info.filename):
                xml = _replace_marked(xml, "HEADER-MARK", header)
            elif re.match(r"word/footer\d+\.xml", info.filename):
                xml = _replace_marked(xml, "FOOTER-MARK", footer)
            elif info.filename == "word/settings.xml" and settings:
                xml = re.sub(r"(<w:settings[^>]*>)", lambda m: m.group(1) + settings, xml, count=1)
            target.writestr(info, xml.encode("utf-8") if xml is not None else data)
        if settings_rels:
            target.writestr("word/_rels/settings.xml.rels", settings_rels)
    return out.getvalue()


def _replace_marked(xml: str, mark: str, replacement: str | None) -> str:
    paragraph = re.search(r"<w:p>(?:(?!<w:p>).)*?" + mark + r".*?</w:p>", xml, re.S)
    return xml[:paragraph.start()] + (replacement or "<w:p/>") + xml[paragraph.end():]


def p(*runs: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def r(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r w:rsidR="00A1B2C3">{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def simple_field(name: str, switches: str = " \\* MERGEFORMAT ", props: str = "<w:noProof/>",
                 shown: str | None = None) -> str:
    """<w:fldSimple>, as Word writes a merge field it inserted itself."""
    instr = f" MERGEFIELD {name}{switches}".replace('"', "&quot;")
    return (f'<w:fldSimple w:instr="{instr}"><w:r><w:rPr>{props}</w:rPr>'
            f"<w:t>{shown or '«' + name.strip(chr(34)) + '»'}</w:t></w:r></w:fldSimple>")


def complex_field(instruction_pieces: list[str], result_runs: list[str], props: str = "") -> str:
    """fldChar begin, the instruction split over runs as Word splits it (an edit session, a
    spelling mark), separate, the result runs, end."""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    instr = "".join(f'<w:r w:rsidR="00D4E5F6">{rpr}<w:instrText xml:space="preserve">{piece}</w:instrText></w:r>'
                    for piece in instruction_pieces)
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>{instr}'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>{"".join(result_runs)}'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def sdt_properties(tag: str | None, alias: str | None, extra: str = "") -> str:
    parts = ""
    if alias is not None:
        parts += f'<w:alias w:val="{alias}"/>'
    if tag is not None:
        parts += f'<w:tag w:val="{tag}"/>'
    return f'<w:sdtPr>{parts}<w:id w:val="{abs(hash((tag, alias))) % 10**9}"/>{extra}</w:sdtPr>'


PLACEHOLDER_RUN = ('<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/>{props}</w:rPr>'
                   "<w:t>Klik of tik om tekst in te voeren.</w:t></w:r>")


def text_control_run(tag=None, alias=None, props="", date=False) -> str:
    """A run-level plain text (or date) content control still showing Word's placeholder."""
    kind = ('<w:date w:fullDate="2020-01-01T00:00:00Z"><w:dateFormat w:val="d-M-yyyy"/>'
            '<w:lid w:val="nl-NL"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/>'
            "</w:date>" if date else "<w:text/>")
    return (f"<w:sdt>{sdt_properties(tag, alias, '<w:showingPlcHdr/>' + kind)}<w:sdtEndPr/>"
            f"<w:sdtContent>{PLACEHOLDER_RUN.format(props=props)}</w:sdtContent></w:sdt>")


def text_control_block(tag=None, alias=None, props="", bound=False) -> str:
    """A block-level content control around a paragraph (optionally bound to custom XML)."""
    binding = ('<w:dataBinding w:prefixMappings="xmlns:ns0=\'http://x\'" w:xpath="/ns0:a[1]" '
               'w:storeItemID="{12345678-1234-1234-1234-123456789012}"/>' if bound else "")
    return (f"<w:sdt>{sdt_properties(tag, alias, '<w:showingPlcHdr/>' + binding + '<w:text/>')}"
            f"<w:sdtContent><w:p>{PLACEHOLDER_RUN.format(props=props)}</w:p></w:sdtContent></w:sdt>")


def checkbox(tag=None, alias=None, checked=False, on="2612", off="2610", on_font="MS Gothic",
             off_font="MS Gothic") -> str:
    """A checkbox content control as Word 2010+ writes it."""
    state = (f'<w14:checkbox><w14:checked w14:val="{int(checked)}"/>'
             f'<w14:checkedState w14:val="{on}" w14:font="{on_font}"/>'
             f'<w14:uncheckedState w14:val="{off}" w14:font="{off_font}"/></w14:checkbox>')
    shown = chr(int(on if checked else off, 16))
    font = on_font if checked else off_font
    return (f"<w:sdt>{sdt_properties(tag, alias, state)}<w:sdtEndPr/><w:sdtContent>"
            f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" '
            f'w:hint="eastAsia"/></w:rPr><w:t>{shown}</w:t></w:r></w:sdtContent></w:sdt>')


def table(*rows: list[str]) -> str:
    grid = "".join('<w:gridCol w:w="3000"/>' for _ in rows[0])
    body = "".join("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                                      for cell in row) + "</w:tr>" for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>")


def text_box(*paragraphs: str) -> str:
    """A VML text box in a run, as Word writes one for compatibility."""
    return ('<w:r><w:pict><v:shape id="tb1" type="#_x0000_t202" style="width:200pt;height:60pt">'
            f'<v:textbox><w:txbxContent>{"".join(paragraphs)}</w:txbxContent></v:textbox>'
            "</v:shape></w:pict></w:r>")


MAIL_MERGE_SETTINGS = ('<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/>'
                       '<w:dataType w:val="native"/><w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;'
                       'Data Source=C:\\HR\\medewerkers.xlsx"/><w:query w:val="SELECT * FROM `Blad1$`"/>'
                       '<w:activeRecord w:val="3"/></w:mailMerge>')
