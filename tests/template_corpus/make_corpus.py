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


FILES = {
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
