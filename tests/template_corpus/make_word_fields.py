"""Writes the corpus entries of Word's own fields (exports/word/fields.py):

- word_libreoffice_merge.docx: saved by LibreOffice itself from word_libreoffice_merge.fodt (mail
  merge database fields in the body, a table, the header and footer, and a checkbox content control
  to tick by hand), with the mail merge settings removed as Word's "Normaal Word-document" removes them;
- word_libreoffice_linked.docx: the same file as LibreOffice saved it, still linked to its data source;
- word_merge_fields.docx, word_content_controls.docx, word_unknown_merge_field.docx: written part by
  part as Word writes merge fields (fldSimple, and fldChar with the instruction split over runs),
  content controls and checkboxes (tests/word_builder.py).

The JSON beside each says what Zoë's plan must show. Run: .venv/bin/python tests/template_corpus/make_word_fields.py
"""
from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from office import convert  # noqa: E402
from word_builder import (checkbox, complex_field, p, r, simple_field, table, text_box,  # noqa: E402
                          text_control_block, text_control_run, word_document)

NAME, AFDELING, FUNCTIE, MANAGER = "Zoë van 't Hof/Test", "A & B <c>", "@home", "Marco Één"
POP_TALK, MEER_DOEN = "15-03-2026", "<script>alert(1)</script>"


def merge_fields() -> bytes:
    page = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    body = "".join((
        p(r("Naam: "), simple_field("Naam", props="<w:b/><w:noProof/>")),
        p(r("Datum POP-gesprek: "),
          complex_field([" MERGEFIELD Datum_", "POPgesprek ", "\\* MERGEFORMAT "],
                        [r("«", "<w:noProof/>"), r("Datum_POPgesprek", "<w:noProof/>"), r("»", "<w:noProof/>")])),
        table([p(r("Afdeling")), p(simple_field("Afdeling"))],
              [p(r("Functie")), p(complex_field([' MERGEFIELD "Functie" \\* MERGEFORMAT '], [r("«Functie»")]))]),
        p(text_box(p(r("Leidinggevende: "), simple_field("Naam_leidinggevende")))),
    ))
    header = p(r("POP "), complex_field([" MERGEFIELD  Periode "], [r("«Periode»")]))
    footer = p(simple_field("Naam"), r(" – pagina "), page)
    return word_document(body, header, footer)


def content_controls() -> bytes:
    boxes = "".join(p(checkbox(tag=tag), r(" " + label)) for tag, label in (
        ("evaluatie_optie=achteraf", "achteraf"), ("evaluatie_optie=vooraf", "vooraf"),
        ("Coaching past -", "coaching past –"), ("Coaching past +", "coaching past +"),
        ("Reis ja", "reis ja"), ("kosten.vrije_tijd.van_toepassing=ja", "vrije tijd ja")))
    body = "".join((
        text_control_block(alias="Afdeling", props="<w:b/>"),
        p(r("Naam: "), text_control_run(tag="medewerker.naam")),
        p(r("Datum POP-gesprek: "), text_control_run(alias="Datum POP-gesprek", date=True)),
        boxes,
        p(r("Paraaf: "), checkbox()),  # to tick by hand: stays as it is
    ))
    return word_document(body)


def unknown_merge_field() -> bytes:
    body = p(r("Naam: "), simple_field("Naam")) + table(
        [p(r("Personeelsnummer: "), simple_field("Personeelsnummer"))])
    return word_document(body)


ENTRIES = {
    "word_merge_fields.docx": (merge_fields, {
        "made_by": "make_word_fields.py: merge fields as Word writes them (fldSimple; fldChar with the "
                   "instruction split over runs and «» in runs of their own) in the body, a table, a "
                   "text box, the header, and the footer beside a PAGE field",
        "outcome": "filled",
        "texts": [f"Naam: {NAME}", f"Datum POP-gesprek: {POP_TALK}", AFDELING, FUNCTIE,
                  f"Leidinggevende: {MANAGER}", "POP 2026", f"{NAME} – pagina 1"],
        "absent": ["MERGEFIELD", "«", "»"]}),
    "word_content_controls.docx": (content_controls, {
        "made_by": "make_word_fields.py: content controls as Word writes them (block and run level, "
                   "showing Word's placeholder text, by title and by tag, a date picker) and checkbox "
                   "content controls tagged with an option, plus one without a name",
        "outcome": "filled",
        "texts": [AFDELING, f"Naam: {NAME}", f"Datum POP-gesprek: {POP_TALK}", "☒ achteraf", "☐ vooraf",
                  "☒ coaching past –", "☐ coaching past +", "☒ reis ja", "☐ vrije tijd ja", "Paraaf: ☐"],
        "absent": ["Klik of tik om tekst in te voeren."],
        "checked_boxes": 3}),
    "word_unknown_merge_field.docx": (unknown_merge_field, {
        "made_by": "make_word_fields.py: a merge field the form does not have, in a table",
        "outcome": "refused",
        "messages": ["Het samenvoegveld «Personeelsnummer» in de hoofdtekst, tabel 1, rij 1: "
                     "‘personeelsnummer’ bestaat niet in dit formulier."]}),
}

LIBREOFFICE = {
    "word_libreoffice_merge.json": {
        "made_by": "LibreOffice 7.4 (soffice --convert-to docx) from word_libreoffice_merge.fodt: mail "
                   "merge database fields become MERGEFIELD fields (quoted where the name has spaces) in "
                   "the body, a table, the header and the footer; the w:mailMerge settings are then "
                   "removed, as Word's 'Normaal Word-document' removes them",
        "outcome": "filled",
        "texts": [f"Naam: {NAME}", f"Datum gesprek: {POP_TALK}", AFDELING, MEER_DOEN, "POP 2026",
                  f"Leidinggevende: {MANAGER}", "Paraaf op papier: ☐"],
        "absent": ["MERGEFIELD", "<Naam>", "<Periode>"],
        "checked_boxes": 0},
    "word_libreoffice_linked.json": {
        "made_by": "LibreOffice 7.4 from word_libreoffice_merge.fodt, as saved: still a mail merge main "
                   "document with the query of its data source in word/settings.xml",
        "outcome": "refused",
        "messages": ["Ontkoppel de gegevensbron"]},
}


def unlinked(docx: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/settings.xml":
                data = re.sub(rb"<w:mailMerge>.*?</w:mailMerge>", b"", data, flags=re.S)
            target.writestr(info, data)
    return out.getvalue()


def libreoffice() -> None:
    data = convert(HERE / "word_libreoffice_merge.fodt", "docx:MS Word 2007 XML")
    if data is None:
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if b"MERGEFIELD" not in archive.read("word/document.xml"):
            raise SystemExit("LibreOffice wrote no merge fields: see word_libreoffice_merge.fodt")
    (HERE / "word_libreoffice_linked.docx").write_bytes(data)
    (HERE / "word_libreoffice_merge.docx").write_bytes(unlinked(data))
    for name, expected in LIBREOFFICE.items():
        _write_json(name, expected)
    print("wrote word_libreoffice_merge.docx and word_libreoffice_linked.docx")


def _write_json(name: str, expected: dict) -> None:
    (HERE / name).write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    for name, (make, expected) in ENTRIES.items():
        (HERE / name).write_bytes(make())
        _write_json(Path(name).with_suffix(".json").name, expected)
        print("wrote", name)
    libreoffice()


if __name__ == "__main__":
    main()
