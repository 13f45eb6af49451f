"""The upload's preview as pictures of its first pages, for the report page: HR sees what an employee's
document will look like without opening Word. Made once per template (LibreOffice, then poppler's
pdftoppm) and kept beside the instance's database; without LibreOffice the page shows the text.

A preview that failed or ran out of time is remembered (FAILED in the template's folder) and not tried
again: the report page would otherwise start LibreOffice, for its full time limit, on every visit. Only
a busy LibreOffice (PdfBusy: every slot taken) is tried again, being no fault of the template."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from exports.pdf import convert as pdf

PAGES = 4  # enough to judge the layout; more only makes the page slow
RESOLUTION = 60  # dots per inch: an A4 page about 500 pixels wide
PDFTOPPM_TIMEOUT = 20
FAILED = "mislukt.txt"  # the message of the failed attempt, shown again instead of trying again


def available() -> bool:
    return pdf.available() and shutil.which("pdftoppm") is not None


def folder(instance_path: str, template) -> Path:
    return Path(instance_path, "previews", f"{template.id}-{template.sha256[:16]}")


def pages(instance_path: str, template, preview: bytes) -> list[Path]:
    """The page pictures, made now if they are not there yet. Raises pdf.PdfFailed (and PdfBusy)
    when the preview cannot be converted; the caller shows the text instead."""
    target = folder(instance_path, template)
    made = sorted(target.glob("pagina-*.png"))
    if made:
        return made
    failed = target / FAILED
    if failed.is_file():
        raise pdf.PdfFailed(failed.read_text(encoding="utf-8"))
    try:
        return _make(target, template, preview)
    except pdf.PdfBusy:
        raise
    except pdf.PdfFailed as exc:
        target.mkdir(parents=True, exist_ok=True)
        failed.write_text(str(exc), encoding="utf-8")
        raise


def _make(target: Path, template, preview: bytes) -> list[Path]:
    document = pdf.to_pdf(preview, suffix="." + template.format)
    with tempfile.TemporaryDirectory(prefix="pop-preview-") as tmp:
        source = Path(tmp, "voorbeeld.pdf")
        source.write_bytes(document)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-l", str(PAGES), str(source),
                            str(Path(tmp, "pagina"))], check=True, timeout=PDFTOPPM_TIMEOUT,
                           capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise pdf.PdfFailed("De voorbeeldpagina's konden niet worden gemaakt.") from exc
        pictures = sorted(Path(tmp).glob("pagina-*.png"))
        if not pictures:
            raise pdf.PdfFailed("De voorbeeldpagina's konden niet worden gemaakt.")
        target.mkdir(parents=True, exist_ok=True)
        for number, picture in enumerate(pictures, start=1):
            shutil.move(str(picture), target / f"pagina-{number}.png")
    return sorted(target.glob("pagina-*.png"))


def remove(instance_path: str, template) -> None:
    shutil.rmtree(folder(instance_path, template), ignore_errors=True)


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
