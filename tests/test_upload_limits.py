"""Uploads whose preview could never be made, and Excel's indirect references to other files:
- a picture of 20000x20000 pixels, or one cell at XFD1048576, is refused at upload with a Dutch message
  (package_check reads the picture's header and the sheet's cell references, nothing is decoded);
- a preview that failed or timed out is remembered, so the report page does not start LibreOffice again
  on every visit;
- INDIRECT("'file:///…'#…"), INDIRECT("[Map.xlsx]…") and INDIRECT of an address from a cell are refused
  like WEBSERVICE."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from docx import Document
from openpyxl import Workbook
from PIL import Image

import package_attacks as attack
from export_support import refused, upload, upload_errors, world  # noqa: F401 - world: the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from exports.pdf import convert as pdf
from exports.pdf import preview as preview_pages
from exports.uploads.formulas import outside_reach
from exports.uploads.package_check import MAX_COLUMN, MAX_ROW, column_name, far_cell, picture_size


def png_header(width: int, height: int) -> bytes:
    """A valid PNG that claims these dimensions: one row of its picture data is all it holds (a
    decoder would ask for the rest; the check must not need to)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1)))
            + chunk(b"IEND", b""))


def word_with_picture(picture: bytes) -> bytes:
    document = Document()
    document.add_paragraph("Naam: {{ medewerker.naam }}")
    document.add_picture(io.BytesIO(picture))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def workbook_with(cell: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "POP"
    sheet["A1"] = "Naam"
    sheet["B1"] = "{{ medewerker.naam }}"
    sheet[cell] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def encoded(fmt: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size).save(out, fmt)
    return out.getvalue()


# ---------------------------------------------------------------- pictures

@pytest.mark.parametrize("fmt", ["PNG", "GIF", "BMP", "JPEG", "TIFF"])
def test_a_pictures_size_is_read_from_its_header(fmt):
    assert picture_size(encoded(fmt, (321, 45))) == (321, 45)


def test_a_jpeg_with_a_large_exif_block_before_its_frame_is_measured():
    out = io.BytesIO()
    Image.new("RGB", (77, 66)).save(out, "JPEG", exif=b"Exif\0\0" + b"x" * 60_000)
    assert picture_size(out.getvalue()) == (77, 66)


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<svg/>", b"II*\x00\xff\xff\xff\xff"])
def test_a_header_that_cannot_be_read_gives_no_size(data):
    assert picture_size(data) is None


def test_a_huge_picture_is_refused_at_upload(world):
    message = refused(world, word_with_picture(png_header(20000, 20000)), "docx")
    assert "20000 bij 20000 beeldpunten" in message and "Verklein de afbeelding" in message, message


def test_a_photo_from_a_phone_is_accepted(world):
    response = upload(world.client("hr"), word_with_picture(png_header(8000, 6000)), "sjabloon.docx")
    assert response.status_code == 302, upload_errors(response)


# ---------------------------------------------------------------- cells far out

@pytest.mark.parametrize("sheet, far", [
    (b'<sheetData><row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
     "XFD1048576"),
    (b'<x:sheetData><x:row r="3"><x:c s="1" r="$AAA3"/></x:row></x:sheetData>', "AAA3"),
    (b'<sheetData><row r="20000" customHeight="1"/></sheetData>', "rij 20000"),
    (b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"/></row></sheetData>', "XFD1048576"),
    (f'<sheetData><row r="{MAX_ROW}"><c r="{column_name(MAX_COLUMN)}{MAX_ROW}"/></row></sheetData>'.encode(),
     None),
])
def test_a_cell_far_out_is_found(sheet, far):
    assert far_cell(sheet) == far


def test_a_cell_at_xfd1048576_is_refused_at_upload(world):
    message = refused(world, workbook_with("XFD1048576"), "xlsx")
    assert "POP" in message and "XFD1048576" in message and "Wis de rijen" in message, message


def test_a_form_of_a_few_hundred_rows_is_accepted(world):
    response = upload(world.client("hr"), workbook_with("Z400"), "sjabloon.xlsx")
    assert response.status_code == 302, upload_errors(response)


# ---------------------------------------------------------------- the preview is tried once

def stored_template(world, sha256="ab" * 32):
    from pop.models import ExportTemplate

    with world.app.app_context():
        return ExportTemplate.create(form_key="pop-uitgebreid", format="docx", name="t.docx", data=b"PK",
                                     sha256=sha256, preview=b"document")


def test_a_failed_preview_is_remembered_and_not_tried_again(world, monkeypatch):
    calls = []

    def too_slow(document, suffix=".docx"):
        calls.append(suffix)
        raise pdf.PdfTimeout("Het omzetten naar PDF duurde langer dan 20 seconden en is gestopt.")

    monkeypatch.setattr(pdf, "to_pdf", too_slow)
    template = stored_template(world)
    with world.app.app_context():
        for _ in range(3):  # the report page opened three times
            found = preview_pages.requested(template)
            assert found.state == "mislukt" and "langer dan 20 seconden" in found.message
        assert calls == [".docx"]
        # A changed template is another folder: tried afresh.
        template.sha256 = "cd" * 32
        template.save()
        assert preview_pages.requested(template).state == "mislukt"
        assert len(calls) == 2


def test_a_busy_libreoffice_is_not_remembered_as_a_failure(world, monkeypatch):
    import datetime as dt

    from pop.models import SharedFile, now

    calls = []

    def busy(document, suffix=".docx"):
        calls.append(suffix)
        raise pdf.PdfBusy("Er worden nu veel PDF's gemaakt.")

    monkeypatch.setattr(pdf, "to_pdf", busy)
    template = stored_template(world, sha256="ef" * 32)  # not the folder the test above left its failure in
    with world.app.app_context():
        for _ in range(2):  # still asked for: the queue tries it again, the page asks no second time
            assert preview_pages.requested(template).state == "bezig"
        assert len(calls) == 1
        # A request no worker finished within PATIENCE (its worker died) is asked for again.
        SharedFile.update(created_at=now() - preview_pages.PATIENCE - dt.timedelta(seconds=1)).where(
            SharedFile.name == preview_pages.folder(template) + preview_pages.MAKING).execute()
        assert preview_pages.requested(template).state == "bezig"
        assert len(calls) == 2


# ---------------------------------------------------------------- INDIRECT

@pytest.mark.parametrize("formula, reach", [
    ('INDIRECT("\'file:///C:/Gegevens/salaris.xlsx\'#$Blad1.A1")', "INDIRECT naar ‘'file:///C:/Gegevens"),
    ('INDIRECT("[Salaris.xlsx]Blad1!A1")', "INDIRECT naar ‘[Salaris.xlsx]Blad1!A1’"),
    ('INDIRECT("\'\\\\server\\hr\\[lonen.xlsx]Blad1\'!A1")', "INDIRECT naar"),
    ('_xlfn.INDIRECT("https://example.org/x")', "INDIRECT naar ‘https://example.org/x’"),
    ('SUM(indirect ( "smb://host/x" ))', "INDIRECT naar"),
    ("INDIRECT(B2)", "INDIRECT met een adres uit een cel of naam"),
    ('INDIRECT("Blad"&B2&"!A1")', "INDIRECT met een adres uit een cel of naam"),
    ('STOCKHISTORY("MSFT")', "STOCKHISTORY"),
    ('INDIRECT("Blad2!A"&ROW())', None),
    ('INDIRECT("Blad2!$A$1:$B$2")', None),
    ('INDIRECT("R1C1",FALSE)', None),
    ('IF(A1>0,INDIRECT("B"&ROW()),"")', None),
    ("MYINDIRECT(B2)", None),
])
def test_indirect_references_outside_the_workbook_are_found(formula, reach):
    found = outside_reach(formula)
    if reach is None:
        assert found is None, found
    else:
        assert found is not None and found.startswith(reach), found


def test_an_indirect_reference_to_a_file_is_refused_at_upload(world):
    message = refused(world, attack.workbook({"C4": '=INDIRECT("\'file:///etc/passwd\'#$Blad1.A1")'}), "xlsx")
    assert "Blad1!C4" in message and "INDIRECT naar" in message, message
