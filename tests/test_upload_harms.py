"""Upload checks that a small slip would open without any other test noticing: a part in UTF-16 (the
check must read what Word reads, not only UTF-8), a share path that happens to contain 'http://', the
_xludf./_xlws. prefixes Excel writes before function names, a zip that unpacks far beyond its size, a
template stopped by the CPU limit reported as taking too long (not as too much memory), and
POP_TEMPLATE_CHECK_TIMEOUT being the limit of the upload check. Each goes through the upload as HR
does (422, the Dutch reason beside the file field, nothing stored), or through render_upload."""
from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile

import pytest

import package_attacks as attack
from conftest import text_of
from export_support import (FORM, FORM_KEY, refused, simple_docx, stored, upload,  # noqa: F401
                            upload_errors, use_database, world)
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from exports.uploads import isolation
from exports.context import example_plan_context
from exports.uploads.isolation import TemplateLimit, render_upload

OUTSIDE_FORMULA = "Een sjabloon mag niets van buiten de werkmap ophalen of starten"
TRIPLE_LOOP = ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
               "{% endfor %}{% endfor %}{% endfor %}")


def accepted(world, data: bytes, fmt: str) -> None:
    response = upload(world.client("hr"), data, f"sjabloon.{fmt}")
    assert response.status_code == 302, upload_errors(response) or text_of(response)[:1500]
    assert stored(world) == 1


def utf16(xml: bytes) -> bytes:
    """The same XML as Word may also store it: UTF-16 with a byte order mark and its declaration."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2:]
    return ('<?xml version="1.0" encoding="UTF-16" standalone="yes"?>' + text).encode("utf-16")


def in_utf16(data: bytes, *parts: str) -> bytes:
    return attack.changed_package(data, {part: utf16 for part in parts})


# ---------------------------------------------------------------- parts in UTF-16

def test_a_ddeauto_field_in_a_utf_16_part_is_refused(world):
    message = refused(world, in_utf16(attack.word_field("complex"), "word/document.xml"), "docx")
    assert "Dit Word-document bevat in de hoofdtekst een veld DDEAUTO" in message


def test_an_includepicture_field_in_a_utf_16_part_is_refused(world):
    message = refused(world, in_utf16(attack.word_field("simple"), "word/document.xml"), "docx")
    assert "een veld INCLUDEPICTURE" in message


def test_a_linked_picture_in_utf_16_parts_is_refused(world):
    data = in_utf16(attack.linked_image("External"), "word/document.xml", "word/_rels/document.xml.rels")
    message = refused(world, data, "docx")
    assert "haalt inhoud van buiten het bestand op" in message
    assert f"een afbeelding in de hoofdtekst is gekoppeld aan ‘{attack.PROBE}’" in message


def test_a_linked_vml_picture_in_a_utf_16_part_is_refused(world):
    message = refused(world, in_utf16(attack.vml_image(), "word/document.xml"), "docx")
    assert f"gekoppeld aan ‘{attack.PROBE}/logo.png’" in message


def test_a_formula_that_fetches_in_a_utf_16_sheet_is_refused(world):
    data = in_utf16(attack.workbook({"C4": '=WEBSERVICE("http://127.0.0.1:8765/x")'}),
                    "xl/worksheets/sheet1.xml")
    message = refused(world, data, "xlsx")
    assert "Blad1!C4" in message and "WEBSERVICE" in message


# ---------------------------------------------------------------- addresses that only look like the web

@pytest.mark.parametrize("target", ["\\\\fileserver\\share\\http://intranet\\x.docx",
                                    "file://fileserver/share/http://x.docx",
                                    "\\\\evil.example@SSL\\DavWWWRoot\\https://x",
                                    "ftp://evil.example/http://x"])
def test_a_hyperlink_to_a_share_whose_path_contains_http_is_refused(world, target):
    message = refused(world, attack.hyperlink(target), "docx")
    assert f"De koppeling naar ‘{target}’ in de hoofdtekst is geen webadres" in message


@pytest.mark.parametrize("target", ["\\\\fileserver\\sjablonen\\http\\x.dotm",
                                    "file://fileserver/http://x.dotm"])
def test_an_attached_template_on_a_share_whose_path_contains_http_is_refused(world, target):
    message = refused(world, attack.attached_template(target), "docx")
    assert f"documentsjabloon op het netwerk of internet (‘{target}’)" in message


# ---------------------------------------------------------------- Excel's function prefixes

@pytest.mark.parametrize("formula,what", [
    ('=_xludf.WEBSERVICE("http://127.0.0.1:8765/x")', "WEBSERVICE"),
    ('=_xlws.WEBSERVICE("http://127.0.0.1:8765/x")', "WEBSERVICE"),
    ('=_XLUDF.webservice("http://127.0.0.1:8765/x")', "WEBSERVICE"),
    ('=_xludf.CALL("kernel32","WinExec","JCJ","calc",0)', "CALL"),
    ('=_xlws.RTD("prog.server",,"x")', "RTD"),
    ('=_xludf.IMAGE("https://evil.example/x.png")', "IMAGE"),
    # Excel writes the newest functions with two prefixes (_xlfn._xlws.SORT); read as it reads them.
    ('=_xlfn._xlws.WEBSERVICE("http://127.0.0.1:8765/x")', "WEBSERVICE"),
    ('=_xlfn._xludf.CALL("kernel32","WinExec","JCJ","calc",0)', "CALL"),
    # HYPERLINK's target is checked behind any of the prefixes as well.
    ('=_xludf.HYPERLINK("file:///C:/Windows/System32/calc.exe","Klik")', "HYPERLINK naar ‘file:///"),
    ('=_xlws.HYPERLINK("\\\\evil.example\\x","Klik")', "HYPERLINK naar ‘\\\\evil.example"),
    ('=_xlfn._xlws.HYPERLINK("file:///C:/x.exe","Klik")', "HYPERLINK naar ‘file:///"),
])
def test_a_function_behind_an_excel_prefix_is_refused(world, formula, what):
    message = refused(world, attack.workbook({"C4": formula}), "xlsx")
    assert "Blad1!C4: de formule" in message and f"gebruikt {what}" in message, message
    assert OUTSIDE_FORMULA in message


def test_a_control_a_prefixed_harmless_function_is_accepted(world):
    accepted(world, attack.workbook({"C4": "=_xlfn.CONCAT(B2,B3)", "C5": "=_xlfn._xlws.SORT(B2:B3)",
                                     "C6": '=_xlws.HYPERLINK("https://intranet.example/pop","POP")'}),
             "xlsx")


# ---------------------------------------------------------------- the zip itself

def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    return attack.changed_package(data, {name: content})


def test_a_member_that_unpacks_a_thousand_times_its_size_is_refused(world):
    """30 MB of one byte packs into ~30 kB: the whole file then unpacks to some 400 times its size,
    far past the ratio of any real template (XML packs ~10x), and below the 100 MB budget, so only
    the ratio can stop it."""
    data = _with_member(attack.word(), "customXml/item9.xml", b"<a>" + b" " * 30_000_000 + b"</a>")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert unpacked < 100 * 1024 * 1024 and unpacked / len(data) > 250
    message = refused(world, data, "docx")
    assert "zip-bom" in message


def test_a_control_a_large_picture_that_does_not_pack_is_accepted(world):
    """A real template's large member (a photo, which deflate cannot shrink) is no bomb."""
    data = _with_member(attack.word(), "word/media/foto.bin", os.urandom(2_000_000))
    accepted(world, data, "docx")


# ---------------------------------------------------------------- limits of the filling process

@pytest.fixture
def limits(world, monkeypatch):
    """The limits in the module's app (its settings, read at start) and in the environment (read by
    what runs outside an app)."""
    def set_limits(per_call, check):
        for name, value in (("POP_TEMPLATE_TIMEOUT", per_call), ("POP_TEMPLATE_CHECK_TIMEOUT", check),
                            ("POP_TEMPLATE_MEMORY_MB", 400), ("POP_TEMPLATE_CHILDREN", 1)):
            monkeypatch.setenv(name, str(value))
            monkeypatch.setitem(world.app.config, name, value)
    return set_limits


def test_a_template_stopped_by_the_cpu_limit_is_reported_as_too_slow_not_as_memory(limits):
    """The child's CPU-seconds limit ends it with SIGXCPU; HR must read that it took too long (fix
    the loops), not that it used too much memory."""
    limits(per_call=20, check=20)
    context = example_plan_context(FORM)[0]
    render_upload(simple_docx("{{ medewerker.naam }}"), "docx", FORM_KEY, [context])  # a warm child
    (pid,) = isolation.child_pids()
    timer = threading.Timer(0.5, lambda: os.kill(pid, signal.SIGXCPU))  # its CPU time ran out
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(TemplateLimit) as stopped:
            render_upload(simple_docx(TRIPLE_LOOP), "docx", FORM_KEY, [context])
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
    message = str(stopped.value)
    assert "deed er langer dan 20 seconden over" in message, message
    assert "geheugen" not in message
    assert isinstance(stopped.value, isolation.TemplateTimeout)


def test_the_upload_check_stops_at_pop_template_check_timeout(world, limits):
    """The check of an upload has its own limit: with a long per-plan limit and a short check limit
    the upload is stopped at the check limit, and the message names it."""
    limits(per_call=30, check=1.5)
    started = time.monotonic()
    message = refused(world, simple_docx("Naam: {{ medewerker.naam }}", TRIPLE_LOOP), "docx")
    took = time.monotonic() - started
    assert took < 12, took
    assert "langer dan 1,5 seconden" in message, message
    assert "30 seconden" not in message
