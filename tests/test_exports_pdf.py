"""PDF through LibreOffice: the default Word and Excel exports converted, one-shot and by the warm
LibreOffice, and the download route. Skipped with a reason where LibreOffice (or, for the warm one, its
Python UNO bindings) is missing, unless POP_REQUIRE_PDF=1 (CI), then they fail. Six conversions in
all: about a second each one-shot, a fraction of that warm. The limits (slots, time-out, fall-back)
are in test_pdf_limits.py."""
import re
import shutil
import subprocess

import pytest

from conftest import text_of
from export_support import EMPLOYEE_NAME, skip_or_fail
from export_support import _db, world  # noqa: F401 - the shared fixtures
from exports.pdf import convert as pdf


@pytest.fixture
def need_pdf():
    if not pdf.available():
        skip_or_fail("LibreOffice (soffice) is not installed, so no PDF can be made; "
                     "install libreoffice-writer-nogui and libreoffice-calc-nogui to run these tests")


@pytest.fixture
def need_warm(need_pdf):
    if not pdf.warm_up():
        skip_or_fail("the warm LibreOffice needs LibreOffice's Python UNO bindings "
                     "(apt-get install python3-uno)")


@pytest.fixture(autouse=True)
def _counted():
    """Each test counts its own conversions; no warm LibreOffice is left to the next module."""
    pdf.counts.clear()
    yield
    pdf.stop_warm()


@pytest.fixture
def one_shot(monkeypatch):
    monkeypatch.setenv("POP_PDF_WARM", "0")


def pdf_text(data: bytes) -> str | None:
    """The PDF's text via pdftotext (poppler-utils), whitespace collapsed; None when not installed."""
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                            timeout=60, check=True)
    return re.sub(r"\s+", " ", result.stdout.decode("utf-8"))


def download(world, fmt, who="zoe"):
    response = world.client(who).get(f"/plans/{world.org['plan']}/download.{fmt}")
    assert response.status_code == 200, (fmt, response.status_code)
    return response.data


def test_word_export_converts_to_pdf(world, need_pdf, one_shot):
    data = pdf.to_pdf(download(world, "docx"))
    assert data.startswith(b"%PDF"), data[:20]
    assert pdf.counts["one_shot"] == 1
    text = pdf_text(data)
    if text is not None:
        assert EMPLOYEE_NAME in text, text[:300]
        assert "Wat ga ik ontwikkelen?" in text
        assert "A & B <c>" in text  # an answer, as typed
        for leftover in ("{{ medewerker", "{{ r.", "{%tr", "{%p"):  # no template code left over
            assert leftover not in text, leftover


@pytest.mark.parametrize("way", ["one_shot", "warm"])
def test_excel_export_converts_to_pdf(world, need_pdf, request, way):
    request.getfixturevalue("one_shot" if way == "one_shot" else "need_warm")
    data = pdf.to_pdf(download(world, "xlsx"), suffix=".xlsx")
    assert data.startswith(b"%PDF"), data[:20]
    assert pdf.counts[way] == 1
    text = pdf_text(data)
    if text is not None:
        assert EMPLOYEE_NAME in text, text[:300]
        assert "Meer doen" in text
        assert "=1+1" in text  # shown as text, not computed to 2


def test_the_warm_libreoffice_makes_the_same_pdf_as_one_shot(world, need_warm, monkeypatch):
    document = download(world, "docx")
    warm = pdf.to_pdf(document)
    monkeypatch.setenv("POP_PDF_WARM", "0")
    cold = pdf.to_pdf(document)
    assert (pdf.counts["warm"], pdf.counts["one_shot"]) == (1, 1)
    assert warm.startswith(b"%PDF") and cold.startswith(b"%PDF")
    # Same filter, same settings: the same pages and text (the bytes differ by creation time).
    assert warm.count(b"/Type/Page") == cold.count(b"/Type/Page") > 1
    text = pdf_text(warm)
    if text is not None:
        assert text == pdf_text(cold)
        assert EMPLOYEE_NAME in text and "Wat ga ik ontwikkelen?" in text


def test_pdf_route_returns_a_pdf(world, need_pdf):
    response = world.client("m1").get(f"/plans/{world.org['plan']}/download.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert "POP_van-t-Hof-Test_Zoe_2026.pdf" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    if text is not None:
        assert EMPLOYEE_NAME in text


# ---------------------------------------------------------------- without a conversion


def test_without_libreoffice_the_pdf_route_is_404(world, monkeypatch):
    monkeypatch.setattr(pdf, "available", lambda: False)
    response = world.client("zoe").get(f"/plans/{world.org['plan']}/download.pdf")
    assert response.status_code == 404


def test_a_failed_conversion_sends_back_with_a_dutch_message(world, monkeypatch):
    def fail(document, suffix=".docx"):
        raise pdf.PdfFailed("Het omzetten naar PDF is mislukt.")

    monkeypatch.setattr(pdf, "available", lambda: True)
    monkeypatch.setattr(pdf, "to_pdf", fail)
    zoe = world.client("zoe")
    response = zoe.get(f"/plans/{world.org['plan']}/download.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].rstrip("/").endswith(f"/plans/{world.org['plan']}")
    page = text_of(zoe.get(response.headers["Location"]))
    assert "Het omzetten naar PDF is mislukt." in page and "Word-document" in page


def test_cli_pdf_writes_what_the_converter_makes(world, monkeypatch, tmp_path):
    seen = {}

    def fake(document, suffix=".docx"):
        seen["docx"] = document[:2]
        return b"%PDF-1.7 nep"

    monkeypatch.setattr(pdf, "to_pdf", fake)
    target = tmp_path / "plan.pdf"
    result = world.app.test_cli_runner().invoke(args=[
        "export", "--plan", str(world.org["plan"]), "--format", "pdf", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == b"%PDF-1.7 nep"
    assert seen["docx"] == b"PK"  # the Word export went in


def test_cli_pdf_failure_is_a_dutch_error(world, monkeypatch, tmp_path):
    def fail(document, suffix=".docx"):
        raise pdf.PdfFailed("LibreOffice is niet geïnstalleerd op de server.")

    monkeypatch.setattr(pdf, "to_pdf", fail)
    target = tmp_path / "plan.pdf"
    result = world.app.test_cli_runner().invoke(args=[
        "export", "--plan", str(world.org["plan"]), "--format", "pdf", "--output", str(target)])
    assert result.exit_code != 0
    assert "LibreOffice is niet geïnstalleerd op de server." in result.output
    assert not target.exists()
