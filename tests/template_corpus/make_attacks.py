"""Writes the corpus entries attack_*: templates that reach outside the file, each refused with the
Dutch message in its JSON. Built by tests/package_attacks.py from files python-docx and openpyxl
made, with the XML edited as an attacker (or Word's mail merge) writes it.
Run: .venv/bin/python tests/template_corpus/make_attacks.py"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import package_attacks as attack  # noqa: E402 - after the path it is found on

EXTERNAL = "haalt inhoud van buiten het bestand op"
FORMULA = "Een sjabloon mag niets van buiten de werkmap ophalen of starten"

FILES = {
    "attack_target_mode_with_space.docx": (lambda: attack.linked_image("External "), [
        "Dit Word-document haalt inhoud van buiten het bestand op: een afbeelding in de hoofdtekst is "
        f"gekoppeld aan ‘{attack.PROBE}’."], "a linked image, TargetMode=\"External \" (trailing space)"),
    "attack_remote_word_template.docx": (
        lambda: attack.attached_template("\\\\fileserver\\sjablonen\\Huisstijl.dotm"),
        [EXTERNAL, "documentsjabloon op het netwerk of internet "
                   "(‘\\\\fileserver\\sjablonen\\Huisstijl.dotm’)"],
        "w:attachedTemplate in the settings, its relationship to a share"),
    "attack_ole_object.docx": (attack.ole_object, [
        "Dit Word-document bevat een ingesloten object (Package) in de hoofdtekst."],
        "an embedded OLE package (w:object/o:OLEObject and word/embeddings/oleObject1.bin)"),
    "attack_dde_field.docx": (lambda: attack.word_field("complex"), [
        "Dit Word-document bevat in de hoofdtekst een veld DDEAUTO"],
        "a DDEAUTO field split over runs, as Word writes complex fields"),
    "attack_mail_merge_linked.docx": (attack.mail_merge, [
        "Dit Word-document is een samenvoegdocument dat nog gekoppeld is aan een gegevensbron "
        "(\\\\server\\hr\\medewerkers.xlsx).", "Ontkoppel de gegevensbron in Word"],
        "a mail-merge main document still linked to its recipients list (w:mailMerge, mailMergeSource)"),
    "attack_webservice.xlsx": (lambda: attack.workbook({"C4": '=_xlfn.WEBSERVICE("http://127.0.0.1:8765/x")'}), [
        "Blad1!C4: de formule ‘=_xlfn.WEBSERVICE(\"http://127.0.0.1:8765/x\")’ gebruikt WEBSERVICE", FORMULA],
        "WEBSERVICE in a cell, with the prefix Excel writes"),
    "attack_dde_formula.xlsx": (lambda: attack.workbook({"C4": "=cmd|' /C calc'!A0"}), [
        "Blad1!C4: de formule ‘=cmd|' /C calc'!A0’ gebruikt een DDE-koppeling"],
        "a DDE formula starting a program"),
    "attack_external_workbook.xlsx": (attack.external_workbook_link, [
        "Deze Excel-werkmap is gekoppeld aan een andere werkmap"],
        "an external link part and its path on a share, as Excel saves a linked workbook"),
    "attack_hyperlink_data_url.xlsx": (
        lambda: attack.workbook({"C4": '=HYPERLINK("data:text/html,<b>x</b>","Klik")'}),
        ["Blad1!C4: de formule ‘=HYPERLINK(\"data:text/html,<b>x</b>\",\"Klik\")’ gebruikt HYPERLINK "
         "naar ‘data:text/html,<b>x</b>’"], "HYPERLINK to a data: address"),
}


def main() -> None:
    for name, (make, messages, how) in FILES.items():
        (HERE / name).write_bytes(make())
        spec = {"made_by": f"make_attacks.py: {how}", "outcome": "refused", "messages": messages}
        (HERE / name).with_suffix(".json").write_text(
            json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
