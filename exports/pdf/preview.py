"""The upload's preview as pictures of its first pages, for the report page: HR sees what an employee's
document will look like without opening Word. Made once per template (LibreOffice, then poppler's
pdftoppm) by the queue's worker, as it takes seconds (pop/tasks.py); stored in the database
(pop/shared_files.py, under voorbeeld/<template>-<its hash>/), so every server shows them, whichever
server's worker made them. Meanwhile the report page shows the text and refreshes; without LibreOffice
it shows the text only.

The state of a template's preview, by what is stored:
- pagina-1.png ...: made;
- mislukt.txt: the message of an attempt that failed or ran out of time, shown again instead of trying
  again (the report page would otherwise start LibreOffice, for its full time limit, on every visit);
- bezig: asked for and being made; the first page view claims it (one unique row), so of many views
  and servers only one asks the worker. A claim older than PATIENCE is taken over: its worker died.
A busy LibreOffice (PdfBusy: every slot taken) is no fault of the template: the queue tries it again
(pop/tasks.py) and nothing is remembered."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from peewee import IntegrityError

from exports.pdf import convert as pdf
from pop import queue, shared_files
from pop.db import database
from pop.models import ExportTemplate, SharedFile, now

PAGES = 4  # enough to judge the layout; more only makes the page slow
RESOLUTION = 60  # dots per inch: an A4 page about 500 pixels wide
PDFTOPPM_TIMEOUT = 20
FAILED = "mislukt.txt"
MAKING = "bezig"
PATIENCE = dt.timedelta(minutes=3)  # LibreOffice's limit and the queue's retries fit well within it
NOT_MADE = "De voorbeeldpagina's konden niet worden gemaakt."


def available() -> bool:
    return pdf.available() and shutil.which("pdftoppm") is not None


def folder(template) -> str:
    """The stored files' common start; a changed template (another hash) is another folder."""
    return f"voorbeeld/{template.id}-{template.sha256[:16]}/"


def page_name(template, number: int) -> str:
    return f"{folder(template)}pagina-{number}.png"


@dataclass(frozen=True)
class Preview:
    state: str  # klaar | mislukt | bezig | geen
    pages: int = 0
    message: str = ""


def state(template) -> Preview:
    base = folder(template)
    names = shared_files.names_under(base)
    pictures = [n for n in names if n.startswith(base + "pagina-")]
    if pictures:
        return Preview("klaar", len(pictures))
    if base + FAILED in names:
        return Preview("mislukt", message=(shared_files.read(base + FAILED) or b"").decode("utf-8"))
    if base + MAKING in names and (shared_files.created_at(base + MAKING) or now()) > now() - PATIENCE:
        return Preview("bezig")
    return Preview("geen")


def requested(template) -> Preview:
    """The preview's state, after asking the worker for it when nobody has yet (or its worker died)."""
    found = state(template)
    if found.state != "geen":
        return found
    claim = folder(template) + MAKING
    # A claim as old as state() calls stale: its worker died. Removed, so this view may claim anew.
    SharedFile.delete().where((SharedFile.name == claim) & (SharedFile.created_at <= now() - PATIENCE)).execute()
    try:
        with database.atomic():
            SharedFile.create(name=claim, part=0, data=b"")  # not put(): that would replace a claim
    except IntegrityError:  # another view asked a moment ago
        return state(template)
    queue.tasks_of(current_app).template_preview(template.id, template.sha256)
    return state(template)  # in immediate mode (the tests) it is made by now


def make_pages(template_id: int, sha256: str) -> None:
    """The task: the pictures of this template's preview, unless it changed or went meanwhile."""
    template = ExportTemplate.get_or_none(ExportTemplate.id == template_id)
    if template is None or template.sha256 != sha256 or template.preview is None:
        return
    make(template, bytes(template.preview))


def make(template, preview: bytes) -> Preview:
    """Make and store the pictures, or remember why not. Raises pdf.PdfBusy (the queue tries again)."""
    base = folder(template)
    try:
        pictures = _pictures(template, preview)
    except pdf.PdfBusy:
        raise
    except pdf.PdfFailed as exc:
        with database.atomic():
            shared_files.put(base + FAILED, str(exc).encode("utf-8"))
            shared_files.remove(base + MAKING)
        return state(template)
    with database.atomic():
        for number, picture in enumerate(pictures, start=1):
            shared_files.put(page_name(template, number), picture)
        shared_files.remove(base + MAKING)
    return state(template)


def _pictures(template, preview: bytes) -> list[bytes]:
    document = pdf.to_pdf(preview, suffix="." + template.format)
    with tempfile.TemporaryDirectory(prefix="pop-preview-") as tmp:
        source = Path(tmp, "voorbeeld.pdf")
        source.write_bytes(document)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-l", str(PAGES), str(source),
                            str(Path(tmp, "pagina"))], check=True, timeout=PDFTOPPM_TIMEOUT,
                           capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise pdf.PdfFailed(NOT_MADE) from exc
        # pdftoppm numbers them pagina-1.png or pagina-01.png, by the page count: sorted by number.
        pictures = sorted(Path(tmp).glob("pagina-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not pictures:
            raise pdf.PdfFailed(NOT_MADE)
        return [picture.read_bytes() for picture in pictures]


def remove(template) -> None:
    """Every preview of this template (of each version of it), when it is deleted."""
    shared_files.remove_under(f"voorbeeld/{template.id}-")


def text_of(preview: bytes, fmt: str, limit: int = 80) -> list[list[str]]:
    """Without LibreOffice: the preview's text, as rows of cells (a paragraph is a row of one)."""
    if fmt == "docx":
        from docx import Document

        doc = Document(io.BytesIO(preview))
        # The header first, as on the page: a template often names whose plan it is there.
        rows = []
        for section in doc.sections:
            rows += [[p.text] for p in section.header.paragraphs if p.text.strip() and [p.text] not in rows]
        rows += [[p.text] for p in doc.paragraphs if p.text.strip()]
        for table in doc.tables:
            rows += [[cell.text for cell in row.cells] for row in table.rows]
        return rows[:limit]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(preview), read_only=True)
    rows = []
    for ws in workbook.worksheets:
        rows.append([f"Blad {ws.title}"])
        for row in ws.iter_rows(max_row=limit, values_only=True):
            if any(v not in (None, "") for v in row):
                rows.append(["" if v is None else str(v) for v in row][:12])
    return rows[:limit]
