"""HR's bulk export (a zip with a Word document per plan and the overview workbook, built as a job),
its filters and access, and the `flask export` command."""
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import text_of
from docx import Document

from export_support import (EMPLOYEE_NAME, FORM_KEY, MANAGER_NAME, NEXT_TALK, World, body_texts,
                            person_id, use_database, workbook_of)
from export_support import _db  # noqa: F401 - the shared fixture
from pop import clock
from pop.models import ExportJob, Person, Plan
from pop.plans import start_plan

SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
OVERVIEW = "Overzicht_POP.xlsx"
OVERVIEW_COLUMNS = ["Medewerker", "Afdeling", "Functie", "Leidinggevende", "Periode", "Formulier",
                    "Status", "Voortgang", "Ontwikkeldoelen", "Laatste gesprek", "Volgend gesprek",
                    "Akkoord medewerker", "Akkoord leidinggevende", "Gepland (euro)", "Gepland (uren)",
                    "Bijgewerkt"]
ZOE_2026 = "POP_van-t-Hof-Test_Zoe_2026.docx"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Besides the filled plan of Zoë (Afdeling A, 2026, uitvoering) and Bram's empty one (Afdeling B,
    2026, voorbereiding): a second 2026 plan of Zoë (same file name), and Bram's 2025 plan, afgerond."""
    w = World(tmp_path_factory.mktemp("exports_bulk"))
    with w.app.app_context():
        zoe = Person.get(Person.email == w.org["zoe"])
        bram = Person.get(Person.email == w.org["b"])
        w.org["plan_zoe_2"] = start_plan(zoe, FORM_KEY, "2026").id
        old = start_plan(bram, FORM_KEY, "2025")
        Plan.update(status="afgerond").where(Plan.id == old.id).execute()
        Plan.update(status="uitvoering").where(Plan.id == w.org["plan"]).execute()
        # Shared, so HR may file them (a plan in its voorbereiding stays out of the zip: see below).
        Plan.update(status="ontwikkelgesprek").where(
            Plan.id.in_([w.org["plan_zoe_2"], w.org["plan_b"]])).execute()
        w.org["plan_b_2025"] = old.id
    return w


def export(client, afdeling="", periode="", status=""):
    """Start a bulk export as HR; returns (job id, the job page response)."""
    response = client.post("/export", data={"afdeling": afdeling, "periode": periode,
                                            "status": status})
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:1500])
    match = re.search(r"/export/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    job_id = int(match.group(1))
    return job_id, client.get(f"/export/{job_id}")


def download_zip(client, job_id):
    response = client.get(f"/export/{job_id}/download")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    return response, zipfile.ZipFile(io.BytesIO(response.data))


def documents(archive) -> list[str]:
    return sorted(n for n in archive.namelist() if n.endswith(".docx"))


@pytest.fixture(scope="module")
def everything(world):
    """One export of all plans: (job id, job page, download response, zip)."""
    use_database(world.app)
    hr = world.client("hr")
    job_id, page = export(hr)
    response, archive = download_zip(hr, job_id)
    return job_id, page, response, archive


# ---------------------------------------------------------------- the zip


def test_job_page_says_klaar_with_a_download_link(everything):
    job_id, page, _, _ = everything
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Klaar: 4 plannen." in text
    assert f"/export/{job_id}/download" in text


def test_zip_has_a_document_per_plan_with_safe_names(everything):
    _, _, response, archive = everything
    names = documents(archive)
    assert names == sorted([ZOE_2026, "POP_van-t-Hof-Test_Zoe_2026_2.docx", "POP_Beta_Bram_2026.docx",
                            "POP_Beta_Bram_2025.docx"])
    for name in archive.namelist():
        assert SAFE_NAME.match(name), f"unsafe name in zip: {name!r}"
    assert OVERVIEW in archive.namelist()
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="?POP_export_\d{4}-\d\d-\d\d_[A-Za-z0-9_.-]+\.zip', disposition), \
        disposition


def test_each_document_in_the_zip_is_that_persons_plan(everything):
    _, _, _, archive = everything
    zoe = body_texts(Document(io.BytesIO(archive.read(ZOE_2026))))
    assert f"Naam: {EMPLOYEE_NAME}" in zoe and "A & B <c>" in zoe and "=1+1" in zoe
    bram = body_texts(Document(io.BytesIO(archive.read("POP_Beta_Bram_2025.docx"))))
    assert "Naam: Bram Beta" in bram
    assert "=1+1" not in bram


def test_overview_has_one_row_per_plan(everything):
    _, _, _, archive = everything
    ws = workbook_of(archive.read(OVERVIEW)).active
    header = [c.value for c in ws[1]]
    assert header == OVERVIEW_COLUMNS
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 4
    col = {name: i for i, name in enumerate(header)}
    assert sorted((r[col["Medewerker"]], r[col["Periode"]]) for r in rows) == sorted(
        [(EMPLOYEE_NAME, "2026"), (EMPLOYEE_NAME, "2026"), ("Bram Beta", "2026"), ("Bram Beta", "2025")])
    filled = next(r for r in rows if r[col["Ontwikkeldoelen"]])
    assert filled[col["Medewerker"]] == EMPLOYEE_NAME
    assert filled[col["Afdeling"]] == "Afdeling A"
    assert filled[col["Leidinggevende"]] == MANAGER_NAME
    assert filled[col["Status"]] == "Uitvoering"
    assert filled[col["Ontwikkeldoelen"]] == \
        "1. Doel met belang een\n2. Doel met belang twee\n3. Doel met belang drie"
    # The next talk counts from today on (the rule: tests/test_overview_workbook.py); NEXT_TALK is a
    # fixed day, past since 1-12-2026, and then no longer the next talk.
    if NEXT_TALK >= clock.today():
        assert filled[col["Volgend gesprek"]] == dt.datetime(NEXT_TALK.year, NEXT_TALK.month, NEXT_TALK.day)
        row_index = rows.index(filled) + 2
        assert ws.cell(row=row_index, column=col["Volgend gesprek"] + 1).is_date
    else:
        assert filled[col["Volgend gesprek"]] is None
    assert isinstance(filled[col["Akkoord medewerker"]], dt.datetime)
    old = next(r for r in rows if r[col["Periode"]] == "2025")
    assert old[col["Status"]] == "Afgerond" and old[col["Leidinggevende"]] == "Mira Twee"
    assert old[col["Volgend gesprek"]] is None


def test_overview_has_filters_and_frozen_header(everything):
    _, _, _, archive = everything
    ws = workbook_of(archive.read(OVERVIEW)).active
    assert ws.auto_filter.ref, "no auto filter"
    assert ws.auto_filter.ref == "A1:P5", ws.auto_filter.ref  # 16 columns, header and 4 plans
    assert ws.freeze_panes in ("A2", "B2"), ws.freeze_panes


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("filters, expected", [
    ({"afdeling": "Afdeling A"}, [ZOE_2026, "POP_van-t-Hof-Test_Zoe_2026_2.docx"]),
    ({"periode": "2025"}, ["POP_Beta_Bram_2025.docx"]),
    ({"status": "afgerond"}, ["POP_Beta_Bram_2025.docx"]),
    ({"afdeling": "Afdeling B", "periode": "2026"}, ["POP_Beta_Bram_2026.docx"]),
    ({"status": "uitvoering"}, [ZOE_2026]),
], ids=["afdeling", "periode", "status", "afdeling+periode", "status-uitvoering"])
def test_filters_are_respected(world, filters, expected):
    hr = world.client("hr")
    job_id, page = export(hr, **filters)
    assert f"Klaar: {len(expected)} plan" in page.get_data(as_text=True)
    _, archive = download_zip(hr, job_id)
    assert documents(archive) == sorted(expected)
    ws = workbook_of(archive.read(OVERVIEW)).active
    assert ws.max_row == 1 + len(expected)


def test_filters_matching_nothing_start_no_job(world):
    hr = world.client("hr")
    with world.app.app_context():
        before = ExportJob.select().count()
    response = hr.post("/export", data={"afdeling": "HR", "periode": "", "status": ""})
    assert response.status_code == 200
    assert "Er zijn geen plannen die aan deze filters voldoen." in response.get_data(as_text=True)
    with world.app.app_context():
        assert ExportJob.select().count() == before


def test_unknown_filter_value_is_refused(world):
    hr = world.client("hr")
    with world.app.app_context():
        before = ExportJob.select().count()
    response = hr.post("/export", data={"afdeling": "Bestaat niet", "periode": "", "status": ""})
    assert response.status_code != 302
    with world.app.app_context():
        assert ExportJob.select().count() == before


# ---------------------------------------------------------------- jobs and access


def test_job_page_shows_progress_while_running(world):
    with world.app.app_context():
        # A worker's sign of life just now (pop/jobs.py): a silent one would show as failed.
        job = ExportJob.create(requested_by=person_id(world.app, world.org["hr"]),
                               description="Afdeling A", status="bezig", done=1, total=4,
                               heartbeat_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    page = world.client("hr").get(f"/export/{job.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bezig: 1 van 4 plannen verwerkt" in text
    assert re.search(r'<progress[^>]*max="4"[^>]*value="1"', text), text
    assert world.client("hr").get(f"/export/{job.id}/download").status_code == 404  # not ready


def test_another_hr_users_job_is_404(world, everything):
    job_id = everything[0]
    other = world.client("hr2")
    assert other.get(f"/export/{job_id}").status_code == 404
    assert other.get(f"/export/{job_id}/download").status_code == 404
    assert f"/export/{job_id}/download" not in other.get("/export").get_data(as_text=True)


@pytest.mark.parametrize("who", ["zoe", "m1"])
def test_non_hr_gets_403(world, everything, who):
    client = world.client(who)
    job_id = everything[0]
    assert client.get("/export").status_code == 403
    assert client.post("/export", data={"afdeling": "", "periode": "", "status": ""}).status_code == 403
    assert client.get(f"/export/{job_id}").status_code == 403
    assert client.get(f"/export/{job_id}/download").status_code == 403
    assert client.get("/sjablonen").status_code == 403
    assert client.get("/sjablonen/hulp").status_code == 403
    assert client.get(f"/sjablonen/standaard/{FORM_KEY}.docx").status_code == 403


def test_the_zip_is_kept_in_the_database_not_in_a_folder(world, everything):
    """Every server can hand it out (pop/shared_files.py); no server's instance folder holds it."""
    from pop import shared_files

    with world.app.app_context():
        job = ExportJob.get_by_id(everything[0])
        stored = shared_files.read(job.path)
    assert job.status == "klaar" and job.path.startswith("export/")
    assert stored == everything[2].data
    assert not list(Path(world.app.instance_path).rglob("*.zip"))


# ---------------------------------------------------------------- the command line


def cli(world, *args):
    use_database(world.app)
    return world.app.test_cli_runner().invoke(args=["export", *args])


def test_cli_exports_one_plan_as_word(world, tmp_path):
    target = tmp_path / "plan.docx"
    result = cli(world, "--plan", str(world.org["plan"]), "--format", "docx", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    texts = body_texts(Document(str(target)))
    assert f"Naam: {EMPLOYEE_NAME}" in texts and "A & B <c>" in texts


def test_cli_exports_one_plan_as_excel(world, tmp_path):
    target = tmp_path / "plan.xlsx"
    result = cli(world, "--plan", str(world.org["plan"]), "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    wb = workbook_of(target.read_bytes())
    assert wb.sheetnames[0] == "Gegevens" and "Afronding" in wb.sheetnames
    ws = wb["Gegevens"]
    assert [c.value for c in ws["A5":"B5"][0]] == ["Naam:", EMPLOYEE_NAME]
    ws = wb["Fase II"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


def test_cli_exports_all_plans_as_zip(world, tmp_path):
    target = tmp_path / "alles.zip"
    result = cli(world, "--all", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "4 plannen" in result.output
    with zipfile.ZipFile(target) as archive:
        assert len(documents(archive)) == 4
        assert OVERVIEW in archive.namelist()
        assert all(SAFE_NAME.match(n) for n in archive.namelist())


def test_cli_all_with_filter(world, tmp_path):
    target = tmp_path / "a.zip"
    result = cli(world, "--all", "--afdeling", "Afdeling A", "--output", str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        assert documents(archive) == sorted([ZOE_2026, "POP_van-t-Hof-Test_Zoe_2026_2.docx"])


@pytest.mark.parametrize("args, message", [
    ([], "Geef --plan ID of --all."),
    (["--plan", "1", "--all"], "Geef --plan ID of --all."),
    (["--plan", "99999"], "Er is geen plan met nummer 99999."),
], ids=["neither", "both", "unknown-plan"])
def test_cli_wrong_usage_fails_in_dutch(world, tmp_path, args, message):
    target = tmp_path / "out.docx"
    result = cli(world, *args, "--output", str(target))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert not target.exists()


def test_the_command_line_leaves_a_plan_in_its_voorbereiding_out_too(world, tmp_path):
    """`flask export` files for HR: the same rule as /export, for the zip, its overview workbook and one
    plan asked for by number."""
    from pop import answers

    with world.app.app_context():
        zoe = Person.get(Person.email == world.org["zoe"])
        private = start_plan(zoe, FORM_KEY, "2024")
        answers.save(private, {"meer_doen": "Geheim voornemen van Zoë"})
    try:
        target = tmp_path / "alles.zip"
        result = cli(world, "--all", "--output", str(target))
        assert result.exit_code == 0, result.output
        assert "4 plannen" in result.output
        assert "1 plan staat nog in de voorbereiding en niet meegenomen" in result.output
        with zipfile.ZipFile(target) as archive:
            names = documents(archive)
            assert len(names) == 4 and not any("2024" in name for name in names), names
            overview = workbook_of(archive.read(OVERVIEW)).active
            cells = [str(c.value) for row in overview.iter_rows() for c in row if c.value is not None]
            assert "2024" not in cells and not any("Geheim" in c for c in cells)
        one = tmp_path / "een.docx"
        result = cli(world, "--plan", str(private.id), "--output", str(one))
        assert result.exit_code != 0
        assert f"Plan {private.id} staat nog in de voorbereiding" in result.output
        assert not one.exists()
    finally:
        with world.app.app_context():
            Plan.delete().where(Plan.id == private.id).execute()


def test_a_plan_in_its_voorbereiding_stays_out_of_hrs_zip(world):
    """Its content is the employee's alone until shared: not in HR's files either."""
    with world.app.app_context():
        zoe = Person.get(Person.email == world.org["zoe"])
        private = start_plan(zoe, FORM_KEY, "2024")
    try:
        hr = world.client("hr")
        response = hr.post("/export", data={"afdeling": "", "periode": "2024", "status": ""})
        assert response.status_code == 200  # nothing left to export
        text = text_of(response)
        assert "1 plan staat nog in de voorbereiding en is niet meegenomen" in text
        assert "Er zijn geen plannen die aan deze filters voldoen." in text
        job_id, _ = export(hr)
        names = documents(download_zip(hr, job_id)[1])
        assert len(names) == 4 and not any("2024" in name for name in names), names
    finally:
        with world.app.app_context():
            Plan.delete().where(Plan.id == private.id).execute()
