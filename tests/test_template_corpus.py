"""The corpus of templates under tests/template_corpus/: files made the way word processors write them
(split runs, proofing marks, bookmarks, tracked changes, text boxes, content controls, merge fields,
header and footer fields), each with its expected outcome in a JSON file beside it:

    {"made_by": "how the file was made",
     "form": "pop_uitgebreid",                       optional, the default form otherwise
     "outcome": "filled" | "refused",
     "texts": ["...", ...],        filled: each is found in a paragraph or cell of Zoë's downloaded plan
     "absent": ["...", ...],       filled: none of these appears anywhere in it ("{{", "MERGEFIELD")
     "checked_boxes": 3,           filled, Word: this many checkbox content controls are ticked
     "cells": {"Blad!B2": "..."},  filled, Excel: exact cell values (dates as dd-mm-jjjj)
     "warnings": ["...", ...],     filled: shown on the upload's report page
     "messages": ["...", ...]}     refused: each is in the Dutch refusal next to the upload field

Each entry goes through the HTTP interface as HR would use it: upload, activate, then the employee
downloads her plan; a refused one leaves nothing stored."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import text_of
from export_support import FORM_KEY, upload, use_database, world  # noqa: F401 - the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import ExportTemplate

CORPUS = Path(__file__).parent / "template_corpus"
ENTRIES = sorted(p for p in CORPUS.glob("*.json"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
FALLBACK = "kon dit plan niet invullen"


def word_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph in every part Word shows: body, tables, text boxes, headers,
    footers, foot- and endnotes; line breaks and tabs as in the answers."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not re.match(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$", name):
                continue
            root = etree.fromstring(archive.read(name))
            for p in root.iter(f"{{{W}}}p"):
                if p.find(f".//{{{W}}}p") is not None:
                    continue  # a text box's paragraphs are read on their own
                out = []
                for node in p.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab", f"{{{W}}}delText"):
                    tag = etree.QName(node).localname
                    if tag == "t":
                        out.append(node.text or "")
                    elif tag != "delText":
                        out.append("\n" if tag == "br" else "\t")
                texts.append("".join(out))
    return texts


def checked_boxes(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        count = 0
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                count += sum(1 for c in root.iter(f"{{{W14}}}checked")
                             if c.get(f"{{{W14}}}val") in ("1", "true"))
        return count


def excel_texts(data: bytes) -> tuple[dict[str, str], list[str]]:
    workbook = load_workbook(io.BytesIO(data))
    cells, texts = {}, []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cell.value
                if isinstance(value, (dt.date, dt.datetime)):
                    value = value.strftime("%d-%m-%Y")
                cells[f"{ws.title}!{cell.coordinate}"] = str(value)
                texts.append(str(value))
        for part in (ws.oddHeader, ws.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    texts.append(side.text)
    return cells, texts


@pytest.mark.parametrize("entry", ENTRIES, ids=[p.stem for p in ENTRIES])
def test_corpus_template(world, entry):
    spec = json.loads(entry.read_text(encoding="utf-8"))
    files = [p for p in CORPUS.glob(entry.stem + ".*") if p.suffix in (".docx", ".xlsx")]
    assert len(files) == 1, f"{entry.name}: expected one .docx or .xlsx beside it, found {files}"
    path = files[0]
    fmt = path.suffix[1:]
    hr = world.client("hr")
    response = upload(hr, path.read_bytes(), path.name, spec.get("form", FORM_KEY))
    page = text_of(response)
    with world.app.app_context():
        stored = list(ExportTemplate.select())

    if spec["outcome"] == "refused":
        assert response.status_code == 422, page[:1500]
        assert stored == []
        for message in spec["messages"]:
            assert message in page, f"{message!r} not in the refusal:\n{page[:3000]}"
        return

    assert spec["outcome"] == "filled"
    assert response.status_code == 302, page[:3000]
    assert len(stored) == 1
    report = text_of(hr.get(response.headers["Location"]))
    for warning in spec.get("warnings", []):
        assert warning in report, f"{warning!r} not on the report page:\n{report[:3000]}"
    assert hr.post(f"/sjablonen/{stored[0].id}/activeren").status_code == 302

    zoe = world.client("zoe")
    download = zoe.get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert download.status_code == 200
    assert FALLBACK not in text_of(zoe.get(f"/plans/{world.org['plan']}")), \
        "the template fell back to the default layout"
    if fmt == "docx":
        texts = word_paragraphs(download.data)
        if "checked_boxes" in spec:
            assert checked_boxes(download.data) == spec["checked_boxes"]
    else:
        cells, texts = excel_texts(download.data)
        for where, value in spec.get("cells", {}).items():
            assert cells.get(where) == value, (where, cells.get(where), value)
    for expected in spec.get("texts", []):
        assert any(expected in t for t in texts), f"{expected!r} not in the document:\n{texts}"
    everything = "\n".join(texts)
    for unwanted in spec.get("absent", []):
        assert unwanted not in everything, f"{unwanted!r} is still in the document"


def test_the_corpus_is_there():
    # The glob above finding nothing would make every corpus test silently vanish.
    assert len(ENTRIES) >= 1
