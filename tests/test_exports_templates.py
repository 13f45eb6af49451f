"""HR's own templates: download the default, change it, upload, preview, activate, and the plan's
export follows; uploads that must be refused (each with a Dutch message, nothing stored); the sandbox."""
import datetime as dt
import io
import os
import re
import zipfile

import lxml.html
import pytest
from docx import Document

from conftest import text_of
from export_support import (ACCENTS, CR_START, DOCX_MIME, EMPLOYEE_NAME, FORM, FORM_KEY, LONG_10K,
                            XLSX_MIME, World, all_docx_text, body_texts, docx_bytes, docx_of,
                            simple_docx, upload, workbook_of)
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from forms.kinds import Choice, Date, Matrix, Signature, Table
from pop.models import ExportTemplate

ORG_LINE = "Organisatie X: {{ medewerker.naam }} – {{ plan.periode }}"
NEW_HEADING = "Fase 1 – Zelfanalyse (Organisatie X)"
PYTHON_INTERNALS = ("<class", "<function", "<built-in", "<module", " at 0x", "__builtins__",
                    "<bound method", "<jinja2")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("exports_templates"))
    # A failing template must show as the error page a user would get, not raise in the test client.
    w.app.config["PROPAGATE_EXCEPTIONS"] = False
    # app.logger is the process's "app" logger, shared by every app of the test run: silenced for
    # this module only, or the tests after it could not see the app's warnings.
    w.app.logger.disabled = True
    yield w
    w.app.logger.disabled = False


@pytest.fixture
def hr(world):
    return world.client("hr")


def stored_count(world) -> int:
    with world.app.app_context():
        return ExportTemplate.select().count()


def only_template(world) -> ExportTemplate:
    with world.app.app_context():
        templates = list(ExportTemplate.select())
    assert len(templates) == 1, [t.name for t in templates]
    return templates[0]


def upload_errors(response) -> str:
    found = lxml.html.fromstring(response.get_data(as_text=True)).xpath('//*[@id="file-error"]')
    return " ".join(found[0].text_content().split()) if found else ""


def plan_docx(world, who="zoe", plan="plan", query=""):
    return docx_of(world.client(who).get(f"/plans/{world.org[plan]}/download.docx{query}"))


def default_docx(hr) -> bytes:
    response = hr.get(f"/sjablonen/standaard/{FORM_KEY}.docx")
    assert response.status_code == 200 and response.mimetype == DOCX_MIME
    assert f"Standaardsjabloon_{FORM_KEY}.docx" in response.headers["Content-Disposition"]
    return response.data


def default_xlsx(hr) -> bytes:
    response = hr.get(f"/sjablonen/standaard/{FORM_KEY}.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    return response.data


def organisation_template(hr) -> bytes:
    """The default Word template as HR would change it: a line of their own at the top and a
    heading reworded."""
    doc = Document(io.BytesIO(default_docx(hr)))
    doc.paragraphs[0].insert_paragraph_before(ORG_LINE)
    headings = [p for p in doc.paragraphs if p.text == "Fase I: Zelfanalyse"]
    assert len(headings) == 1
    headings[0].text = NEW_HEADING
    return docx_bytes(doc)


def upload_ok(hr, data, name) -> None:
    response = upload(hr, data, name)
    assert response.status_code == 302, (response.status_code, upload_errors(response) or
                                         text_of(response)[:800])


# ---------------------------------------------------------------- the Word template round trip


def test_own_word_template_preview_activate_and_back(world, hr):
    default_plan = plan_docx(world)
    assert "Fase I: Zelfanalyse" in body_texts(default_plan)

    upload_ok(hr, organisation_template(hr), "Organisatie X.docx")
    template = only_template(world)
    assert template.format == "docx" and not template.active
    page = text_of(hr.get("/sjablonen"))
    assert "Organisatie X.docx" in page and "Niet actief" in page

    # Stored but not active: the plan still comes out in the default layout.
    assert not any("Organisatie X" in t for t in body_texts(plan_docx(world)))

    # The preview: the template filled with the demo plan, open answers filled with examples.
    preview = hr.get(f"/sjablonen/{template.id}/voorbeeld")
    texts = body_texts(docx_of(preview))
    assert "Organisatie X: Eva Visser – 2026" in texts
    assert NEW_HEADING in texts
    assert any(t.startswith("Projectstartoverleggen voorzitten") for t in texts)  # Eva's 'Meer doen'
    assert "Voorbeeldantwoord bij ‘Heb ik mijn ontwikkeldoelen gehaald?’" in texts  # open in the demo
    assert re.search(r"Voorbeeld_[A-Za-z0-9_.-]+\.docx", preview.headers["Content-Disposition"])

    response = hr.post(f"/sjablonen/{template.id}/activeren")
    assert response.status_code == 302
    assert only_template(world).active

    texts = body_texts(plan_docx(world))
    assert f"Organisatie X: {EMPLOYEE_NAME} – 2026" in texts
    assert NEW_HEADING in texts and "Fase I: Zelfanalyse" not in texts
    assert "A & B <c>" in texts and LONG_10K in texts  # the answers still come through

    # The manager's download uses it too; ?sjabloon=standaard still gives the default layout.
    assert f"Organisatie X: {EMPLOYEE_NAME} – 2026" in body_texts(plan_docx(world, who="m1"))
    standard = body_texts(plan_docx(world, query="?sjabloon=standaard"))
    assert "Fase I: Zelfanalyse" in standard
    assert not any("Organisatie X" in t for t in standard)

    # The bulk export follows the active template.
    job = hr.post("/export", data={"afdeling": "Afdeling A", "periode": "", "status": ""})
    assert job.status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(hr.get(job.headers["Location"] + "/download").data))
    zoe = body_texts(Document(io.BytesIO(archive.read("POP_van-t-Hof-Test_Zoe_2026.docx"))))
    assert f"Organisatie X: {EMPLOYEE_NAME} – 2026" in zoe

    response = hr.post(f"/sjablonen/{template.id}/deactiveren")
    assert response.status_code == 302
    assert not only_template(world).active
    texts = body_texts(plan_docx(world))
    assert "Fase I: Zelfanalyse" in texts and not any("Organisatie X" in t for t in texts)


def test_activating_one_template_deactivates_the_other(world, hr):
    upload_ok(hr, simple_docx("Eerste sjabloon {{ medewerker.naam }}"), "een.docx")
    upload_ok(hr, simple_docx("Tweede sjabloon {{ medewerker.naam }}"), "twee.docx")
    with world.app.app_context():
        first, second = ExportTemplate.select().order_by(ExportTemplate.id)
    hr.post(f"/sjablonen/{first.id}/activeren")
    assert f"Eerste sjabloon {EMPLOYEE_NAME}" in body_texts(plan_docx(world))
    hr.post(f"/sjablonen/{second.id}/activeren")
    with world.app.app_context():
        assert [t.active for t in ExportTemplate.select().order_by(ExportTemplate.id)] == [False, True]
    assert f"Tweede sjabloon {EMPLOYEE_NAME}" in body_texts(plan_docx(world))


def test_deleting_the_active_template_returns_to_default(world, hr):
    upload_ok(hr, simple_docx("Weg te gooien {{ medewerker.naam }}"), "weg.docx")
    template = only_template(world)
    hr.post(f"/sjablonen/{template.id}/activeren")
    assert f"Weg te gooien {EMPLOYEE_NAME}" in body_texts(plan_docx(world))
    assert hr.post(f"/sjablonen/{template.id}/verwijderen").status_code == 302
    assert stored_count(world) == 0
    assert "Fase I: Zelfanalyse" in body_texts(plan_docx(world))
    assert hr.get(f"/sjablonen/{template.id}/voorbeeld").status_code == 404


def test_template_pages_are_hr_only(world, hr):
    upload_ok(hr, simple_docx("{{ medewerker.naam }}"), "t.docx")
    template = only_template(world)
    for who in ("zoe", "m1"):
        client = world.client(who)
        assert client.get(f"/sjablonen/{template.id}/voorbeeld").status_code == 403
        assert client.post(f"/sjablonen/{template.id}/activeren").status_code == 403
        assert client.post(f"/sjablonen/{template.id}/verwijderen").status_code == 403
        assert upload(client, simple_docx("x"), "x.docx").status_code == 403
    assert not only_template(world).active


def test_help_page_lists_the_placeholders(hr):
    page = text_of(hr.get("/sjablonen/hulp"))
    for placeholder in ("{{ medewerker.naam }}", "{{ plan.periode }}", "{{ meer_doen }}",
                        "{{ r.sterk }}", "{{ on_the_job.coaching.past_vakjes }}",
                        "{{ akkoord_medewerker.datum }}"):
        assert placeholder in page, placeholder


# ---------------------------------------------------------------- refused uploads


def _replace_member(data: bytes, name: str, content: bytes | None, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                if content is not None:
                    dst.writestr(info.filename, content)
            else:
                dst.writestr(info, src.read(info))
        for member, payload in (extra or {}).items():
            dst.writestr(member, payload)
    return out.getvalue()


def padded_docx() -> bytes:
    """A valid docx of just over 11 MB: an image-like member of random (uncompressible) bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(simple_docx("{{ medewerker.naam }}"))) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/image1.png", os.urandom(11 * 1024 * 1024))
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A docx with a member of 200 MB of zeros, deflated to a few hundred kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(simple_docx("{{ medewerker.naam }}"))) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        chunk = bytes(1024 * 1024)
        with dst.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(chunk)
    return out.getvalue()


def macro_docx() -> bytes:
    return _replace_member(simple_docx("{{ medewerker.naam }}"), "", None,
                           extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


def default_with(hr, old: str, new: str) -> bytes:
    """The default Word template with one placeholder cell changed."""
    doc = Document(io.BytesIO(default_docx(hr)))
    changed = 0
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == old:
                        p.text = new
                        changed += 1
    assert changed >= 1, old
    return docx_bytes(doc)


REFUSALS = {
    "not-a-zip": (lambda hr: os.urandom(4096), "kapot.docx", ["geen Word-document"]),
    "docm": (lambda hr: simple_docx("{{ medewerker.naam }}"), "macro.docm", [".docm", "macro"]),
    "vbaProject": (lambda hr: macro_docx(), "macro.docx", ["macro"]),
    "over-10-MB": (lambda hr: padded_docx(), "groot.docx", ["10 MB"]),
    "zip-bomb": (lambda hr: zip_bomb_docx(), "bom.docx", ["zip-bom"]),
    "unknown-placeholder": (lambda hr: simple_docx("Naam: {{ medewerker.nam }}"), "typo.docx",
                            ["Onbekende plaatshouder {{ medewerker.nam }}",
                             "Bedoelt u {{ medewerker.naam }}?"]),
    "unknown-in-row-loop": (lambda hr: default_with(hr, "{{ r.sterk }}", "{{ r.sterkk }}"),
                            "lus.docx", ["Onbekende plaatshouder {{ r.sterkk }}"]),
    "other-tables-column-in-loop": (lambda hr: default_with(hr, "{{ r.verbeter }}", "{{ r.doel }}"),
                                    "lus2.docx", ["{{ r.doel }}"]),
    "syntax-error": (lambda hr: simple_docx("Naam: {{ medewerker.naam }", "{% if plan.periode %}x"),
                     "syntax.docx", ["alinea 1, bij ‘Naam: {{ medewerker.naam }x’ begint iets met {{ maar "
                                     "eindigt het niet met }}",
                                     "{% if plan.periode %} in de hoofdtekst", "nergens afgesloten"]),
    "xlsx-named-docx": (lambda hr: default_xlsx(hr), "werkmap.docx", ["geen Word-document"]),
    "docx-named-xlsx": (lambda hr: simple_docx("x"), "document.xlsx", ["geen Excel-werkmap"]),
    "other-extension": (lambda hr: simple_docx("x"), "sjabloon.odt", ["Word-document (.docx)"]),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_upload_is_refused_in_dutch_and_not_stored(world, hr, case):
    make, filename, phrases = REFUSALS[case]
    data = make(hr)
    if case == "over-10-MB":
        assert len(data) > 11 * 1024 * 1024
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert "word/document.xml" in archive.namelist()  # a real docx, only too big
    if case == "zip-bomb":
        assert len(data) < 2 * 1024 * 1024
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert sum(i.file_size for i in archive.infolist()) > 200 * 1000 * 1000
    response = upload(hr, data, filename)
    assert response.status_code == 422, (case, response.status_code, text_of(response)[:600])
    message = upload_errors(response)
    assert message, f"{case}: no message at the file input"
    for phrase in phrases:
        assert phrase in message, f"{case}: {phrase!r} not in the message {message!r}"
    assert stored_count(world) == 0, f"{case}: the refused template was stored"
    assert "Traceback" not in response.get_data(as_text=True)


def test_no_file_is_refused(world, hr):
    response = hr.post("/sjablonen", data={"form_key": FORM_KEY}, content_type="multipart/form-data")
    assert response.status_code in (200, 422)
    assert "Kies een bestand." in text_of(response)
    assert stored_count(world) == 0


def corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes inside one member's compressed data: the zip directory is intact, the member is not."""
    damaged = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + 12):
        damaged[i] ^= 0xFF
    return bytes(damaged)


DAMAGED = {
    "docx-damaged-member": (lambda hr: corrupt_member(simple_docx("{{ medewerker.naam }}"),
                                                      "word/document.xml"), "kapot.docx"),
    "docx-binary-document-xml": (lambda hr: _replace_member(simple_docx("x"), "word/document.xml",
                                                            b"\xc0\xff" + os.urandom(2000)),
                                 "binair.docx"),
    "xlsx-damaged-member": (lambda hr: corrupt_member(default_xlsx(hr), "xl/worksheets/sheet2.xml"),
                            "kapot.xlsx"),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_office_file_is_refused_not_a_server_error(world, hr, case):
    """A file that is a zip with the right parts but a damaged part (a broken download, a disk
    error) must get the same Dutch refusal as any unreadable file, not a 500."""
    make, filename = DAMAGED[case]
    response = upload(hr, make(hr), filename)
    assert response.status_code == 422, (
        f"{case}: upload answered {response.status_code} instead of 422 with a Dutch message. "
        "exports/word/engine.py CompiledDocx.__init__ reads and decodes every member "
        "(archive.read / .decode('utf-8')) outside any try, and exports/excel/template.py "
        "CompiledXlsx catches only BadZipFile/KeyError/ValueError/OSError: zlib.error, "
        "zipfile.BadZipFile (bad CRC) and UnicodeDecodeError escape as a server error.")
    assert upload_errors(response)
    assert stored_count(world) == 0


# ---------------------------------------------------------------- the sandbox


SANDBOX_ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ '{0.__class__.__mro__}'.format(plan) }}",
    "{{ medewerker.naam.__class__ }}",
    "{{ self._TemplateReference__context }}",
]


def assert_no_internals(text: str, what: str) -> None:
    for marker in PYTHON_INTERNALS:
        assert marker not in text, f"{what}: Python internals ({marker!r}) in: {text[:300]!r}"
    assert "SECRET" not in text and "test-secret" not in text, what


@pytest.mark.parametrize("payload", SANDBOX_ESCAPES)
def test_word_template_cannot_reach_python(world, hr, payload):
    response = upload(hr, simple_docx("Probeer: " + payload), "sandbox.docx")
    assert response.status_code in (302, 422), response.status_code
    assert_no_internals(text_of(response), "upload page")
    if response.status_code == 302:  # accepted: then it must render harmlessly
        template = only_template(world)
        preview = hr.get(f"/sjablonen/{template.id}/voorbeeld")
        if preview.mimetype == DOCX_MIME:
            assert_no_internals(all_docx_text(docx_of(preview)), "preview")
        hr.post(f"/sjablonen/{template.id}/activeren")
        result = world.client("zoe").get(f"/plans/{world.org['plan']}/download.docx")
        if result.status_code == 200:
            assert_no_internals(all_docx_text(docx_of(result)), "plan download")
    else:
        assert stored_count(world) == 0


@pytest.mark.parametrize("payload", ["{{ cycler.__init__.__globals__ }}", "{{ ''.__class__.__mro__ }}"])
def test_excel_template_cannot_reach_python(world, hr, payload):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active["A1"] = payload
    wb.active["A2"] = "Naam: " + payload
    out = io.BytesIO()
    wb.save(out)
    response = upload(hr, out.getvalue(), "sandbox.xlsx")
    assert response.status_code in (302, 422)
    assert_no_internals(text_of(response), "upload page")
    if response.status_code == 302:
        template = only_template(world)
        hr.post(f"/sjablonen/{template.id}/activeren")
        result = world.client("zoe").get(f"/plans/{world.org['plan']}/download.xlsx")
        if result.status_code == 200:
            ws = workbook_of(result).active
            assert_no_internals(f"{ws['A1'].value} {ws['A2'].value}", "plan download")


GLOBALS = ["{{ lipsum }}", "{{ cycler }}", "{{ range }}"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_template_globals_do_not_print_python_objects(world, hr, fmt):
    """Jinja's globals (lipsum, cycler, range, ...) are allowed names in a template; printed they
    give a Python repr such as <function generate_lorem_ipsum at 0x7f...>. That must not end up in
    a document, nor in the message on the upload page."""
    problems = []
    for payload in GLOBALS:
        if fmt == "docx":
            data, name = simple_docx("Tekst: " + payload), "globals.docx"
        else:
            from openpyxl import Workbook
            wb = Workbook()
            wb.active["A1"] = payload
            out = io.BytesIO()
            wb.save(out)
            data, name = out.getvalue(), "globals.xlsx"
        response = upload(hr, data, name)
        shown = [("upload page", text_of(response))]
        if response.status_code == 302:
            template = only_template(world)
            preview = hr.get(f"/sjablonen/{template.id}/voorbeeld")
            shown.append(("preview", all_docx_text(docx_of(preview)) if fmt == "docx" else
                          str(workbook_of(preview).active["A1"].value)))
        for where, text in shown:
            for marker in PYTHON_INTERNALS:
                if marker in text:
                    at = text.index(marker)
                    problems.append(f"{payload} -> {where}: …{text[max(at - 30, 0):at + 60]}…")
        with world.app.app_context():
            ExportTemplate.delete().execute()
    assert not problems, (
        "Python object reprs reach HR (exports/word/engine.py to_word_text and the Excel engine turn any "
        "object into text with str(); the finalize functions should refuse callables/classes with a "
        "Dutch message, or the Jinja globals should be removed from both template environments):\n"
        + "\n".join(problems))


# ---------------------------------------------------------------- a template that fits the example only


def test_template_indexing_a_row_the_plan_does_not_have_does_not_break_the_download(world, hr):
    """{{ voortgangsgesprekken[1].gedaan }} works for the example plan (two talks) and is accepted;
    a plan with fewer talks must still download (empty, as the Excel templates do), not give a 500."""
    response = upload(hr, simple_docx("Tweede gesprek: {{ voortgangsgesprekken[1].gedaan }}",
                                      "Naam: {{ medewerker.naam }}"), "index.docx")
    if response.status_code == 422:
        return  # refused at upload with a message: also fine
    assert response.status_code == 302
    template = only_template(world)
    hr.post(f"/sjablonen/{template.id}/activeren")
    result = world.client("b").get(f"/plans/{world.org['plan_b']}/download.docx")
    assert result.status_code == 200, (
        f"an accepted template gives {result.status_code} for a plan without a second talk: "
        "exports/context.py gives Word templates plain lists (Excel gets PaddedRows from "
        "exports/excel/template.pad_tables), so an index past the last row raises UndefinedError in "
        "exports/templates.render_docx; pad the rows for Word too, or check templates against an "
        "empty plan as well as the example at upload")
    assert "Naam: Bram Beta" in body_texts(docx_of(result))


# ---------------------------------------------------------------- the Excel template


def placeholder_cells(data: bytes) -> dict:
    wb = workbook_of(data)
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    match = re.fullmatch(r"\{\{ (.+?) \}\}", cell.value)
                    assert match, cell.value
                    cells[(ws.title, cell.coordinate)] = match.group(1)
    return cells


def expected_for(path: str, values: dict):
    """What a placeholder of the default Excel template should become for the filled plan, worked out
    from the typed values (not from the app's context): dates as dates, choices as their label."""
    head, _, rest = path.partition(".")
    index = None
    match = re.fullmatch(r"(\w+)\[(\d+)\]", head)
    if match:
        head, index = match.group(1), int(match.group(2))
    field = FORM.field(head)
    value = values[head]
    if isinstance(field, Table):
        rows = value
        if index >= len(rows):
            return None
        column_key, _, part = rest.partition(".")
        column = field.column(column_key)
        cell = rows[index][column_key]
        if column.kind == "smart":  # a letter's explanation
            return cell.get(part) or None
        return _excel(column, cell)
    if field.kind == "costs":  # numbers; no totals for an empty grid
        row_key, _, col = rest.partition(".")
        if row_key.startswith("totaal_"):
            totals = field.totals(value)
            filled = field.is_filled(value)
            return float(totals[0 if col == "" and row_key == "totaal_euro" else 1]) if filled else None
        amount = value[row_key][col]
        return float(amount) if amount is not None else None
    if field.kind == "smart":
        return value.get(rest) or None
    if isinstance(field, Matrix):
        row_key, col = rest.split(".")
        return dict(field.scale).get(value[row_key][col])
    if isinstance(field, Signature):
        return _excel_date(value[rest]) if rest == "datum" else value[rest]
    return _excel(field, value)


def _excel(field, value):
    if isinstance(field, Date):
        return _excel_date(value)
    if isinstance(field, Choice):
        return dict(field.options).get(value)
    return value if value not in ("", None) else None


def _excel_date(value):
    return dt.datetime(value.year, value.month, value.day) if value else None


def test_default_excel_template_fills_the_cells_where_its_placeholders_were(world, hr):
    template_data = default_xlsx(hr)
    cells = placeholder_cells(template_data)
    keys = {re.match(r"\w+", p).group(0) for p in cells.values()}
    assert keys == {f.key for f in FORM.fields}, "the default Excel template misses fields"

    upload_ok(hr, template_data, "standaard.xlsx")
    template = only_template(world)
    assert template.format == "xlsx"
    hr.post(f"/sjablonen/{template.id}/activeren")

    response = world.client("zoe").get(f"/plans/{world.org['plan']}/download.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    wb = workbook_of(response)
    values = world.values()
    wrong = []
    for (sheet, coordinate), path in cells.items():
        cell = wb[sheet][coordinate]
        want = expected_for(path, values)
        got = cell.value if cell.value != "" else None
        if got != want:
            wrong.append(f"{sheet}!{coordinate} {{{{ {path} }}}}: {got!r:.60} != {want!r:.60}")
        if isinstance(want, dt.datetime) and not cell.is_date:
            wrong.append(f"{sheet}!{coordinate} {path}: not a date cell")
        if isinstance(want, str) and want.startswith(("=", "+", "-", "@", "\t", "\r")) \
                and cell.data_type != "s":
            wrong.append(f"{sheet}!{coordinate} {path}: data_type {cell.data_type!r}, not text")
    assert not wrong, "\n".join(wrong)

    # Written out for a few cells, so the comparison above does not only agree with itself.
    by_path = {path: wb[sheet][coordinate] for (sheet, coordinate), path in cells.items()}
    assert by_path["pop_wat"].value == "=1+1" and by_path["pop_wat"].data_type == "s"
    assert by_path["datum_pop_gesprek"].value == dt.datetime(2026, 3, 15)
    assert by_path["voortgangsgesprekken[0].datum"].value == dt.datetime(2026, 5, 15)
    assert by_path["voortgangsgesprekken[2].datum"].value in (None, "")
    assert by_path["kwaliteiten[1].sterk"].value == ACCENTS
    assert by_path["ontwikkeldoelen[0].doel"].value == "Doel met belang een"
    assert by_path["ontwikkeldoelen[0].belang"].value == 1
    assert by_path["on_the_job.elkaar.ligt"].value in (None, "")
    assert by_path["werk_over_3_jaar"].value == LONG_10K
    assert by_path["wanneer_geleerd"].value == CR_START
    assert by_path["akkoord_medewerker.naam"].value == EMPLOYEE_NAME
    assert by_path["akkoord_leidinggevende.datum"].is_date

    # ?sjabloon=standaard: the built-in workbook (its page header names the employee).
    standard = workbook_of(world.client("zoe").get(
        f"/plans/{world.org['plan']}/download.xlsx?sjabloon=standaard"))
    assert EMPLOYEE_NAME in standard["Gegevens"].oddHeader.right.text
    assert EMPLOYEE_NAME not in (wb["Gegevens"].oddHeader.right.text or "")


def test_excel_template_preview_is_the_example_plan(world, hr):
    upload_ok(hr, default_xlsx(hr), "standaard.xlsx")
    template = only_template(world)
    preview = hr.get(f"/sjablonen/{template.id}/voorbeeld")
    assert preview.mimetype == XLSX_MIME
    wb = workbook_of(preview)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "Eva Visser" in texts
    assert not any(isinstance(t, str) and "{{" in t for t in texts)
    # Not active: plans still export with the built-in workbook.
    plan = workbook_of(world.client("zoe").get(f"/plans/{world.org['plan']}/download.xlsx"))
    assert EMPLOYEE_NAME in plan["Gegevens"].oddHeader.right.text
