"""Mijn gegevens (/mijn-gegevens, pop/my_data.py): the person downloads everything POP stores about them
in one zip, through HTTP, and reads it back: a folder per plan with Word and Excel of the plan now and
of each agreed version, gegevens.json, README.txt. Only their own: no route takes another person, no
other person's answers, no password hash, no matrix placement."""
import io
import json
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import csrf_from, make_person, text_of
from export_support import (EMPLOYEE_NAME, LONG_10K, MANAGER_NAME, close_database, simple_docx, upload,
                            use_database)
from export_support import _db, _no_templates, world  # noqa: F401 - the shared fixtures
from exports.uploads.sample_plans import full_plan_values
from forms import get_form
from pop import answers, cycle, matrix
from pop.models import AuditEntry, ExportTemplate, Person, Placement, Plan
from pop.plans import start_plan

ZIP_NAME = "Mijn_gegevens_van-t-Hof-Test_Zoe.zip"
FOLDER = "2026_POP-uitgebreid_plan-{id}"
DOCX = "POP_van-t-Hof-Test_Zoe_2026.docx"
XLSX = "POP_van-t-Hof-Test_Zoe_2026.xlsx"
REACTION = "REACTIE-VAN-MARCO: mooi plan, ga zo door"
BRAM_SECRET = "GEHEIM-ANTWOORD-VAN-BRAM"
MIRA_REACTION = "REACTIE-VAN-MIRA op het plan van Bram"
MIRA_OVERWRITTEN = "REACTIE-VAN-MIRA die Marco later herschreef"
MARCO_ON_BRAM = "REACTIE-VAN-MARCO op Fase II van Bram"
# Everything a placement could show (as tests/test_matrix.py): the quadrants' names and texts.
SECRET = sorted({text for q in matrix.QUADRANTS for text in (q.name, q.group, q.advice, *q.traits)}
                | {"Breaksmen", "Solid Citizens", "High potentials", "Learners", "potentie", "prestaties"})


@pytest.fixture(scope="module")
def setup(world):
    """Zoë's plan (every awkward answer, running) agreed twice (versions 1 and 2, each with its own
    answer to "pop_wat", and "NU" now), a reaction of her manager Marco, who is renamed afterwards (the
    log keeps the name he had); a second plan of hers on the compact form with every answer at its limit;
    her manager's placement of her in the matrix; Bram's plan with an answer and his manager's reaction;
    and Nina, who has no plan at all."""
    use_database(world.app)
    org = world.org
    with world.app.app_context():
        zoe = Person.get(Person.email == org["zoe"])
        m1 = Person.get(Person.email == org["m1"])
        m2 = Person.get(Person.email == org["m2"])
        plan = Plan.get_by_id(org["plan"])
        answers.save(plan, {"pop_wat": "VERSIE-EEN-WAT"})
        cycle.freeze(plan)
        Plan.update(version=2).where(Plan.id == plan.id).execute()
        plan = Plan.get_by_id(plan.id)
        answers.save(plan, {"pop_wat": "VERSIE-TWEE-WAT"})
        cycle.freeze(plan)
        answers.save(plan, {"pop_wat": "NU-WAT"})
        form = get_form(plan.form_key)
        cycle.save_reaction(plan, form.part("fase-1"), m1, REACTION)
        Person.update(achternaam="Hernoemd").where(Person.id == m1.id).execute()

        compact = get_form("pop-compact")
        full = start_plan(zoe, compact.key, "2025")
        answers.save(full, full_plan_values(compact))
        Plan.update(status="afgerond").where(Plan.id == full.id).execute()

        Placement.create(person=zoe, period="2026", prestaties="min", potentie="min", placed_by=m1)

        bram_plan = Plan.get_by_id(org["plan_b"])
        answers.save(bram_plan, {"meer_doen": BRAM_SECRET})
        Plan.update(status="ontwikkelgesprek").where(Plan.id == bram_plan.id).execute()
        cycle.save_reaction(Plan.get_by_id(bram_plan.id), form.part("fase-1"), m2, MIRA_REACTION)
        cycle.save_reaction(Plan.get_by_id(bram_plan.id), form.part("fase-2"), m2, MIRA_OVERWRITTEN)
        # Bram moves to Marco, who rewrites the reaction on Fase II: no longer Mira's words.
        Person.update(manager=m1).where(Person.email == org["b"]).execute()
        cycle.save_reaction(Plan.get_by_id(bram_plan.id), form.part("fase-2"), Person.get_by_id(m1.id),
                            MARCO_ON_BRAM)
        Person.update(manager=m2).where(Person.email == org["b"]).execute()

        nina = make_person("nina@test.nl", "Nina", "Nul", manager=m1)
        org["nina"] = nina.email
        return dict(plan=plan.id, full=full.id, full_values=answers.load(full), zoe_hash=zoe.password_hash,
                    zoe_id=zoe.id, compact=compact)


def download(world, who: str):
    response = world.client(who).post("/mijn-gegevens/download")
    assert response.status_code == 200, (response.status_code, text_of(response)[:500])
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return response, {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def zoe_zip(world, setup):
    use_database(world.app)
    return download(world, "zoe")


def gegevens(files) -> dict:
    return json.loads(files["gegevens.json"].decode("utf-8"))


def all_text(files) -> str:
    """Every file of the zip as text: the JSON and README as they are, Word and Excel as their XML."""
    texts = []
    for name, data in files.items():
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                texts += [inner.read(n).decode("utf-8", "replace") for n in inner.namelist()
                          if n.endswith(".xml")]
        else:
            texts.append(data.decode("utf-8"))
    return name_list(files) + "\n".join(texts)


def name_list(files) -> str:
    return " ".join(files)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def xlsx_values(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
            for cell in row if cell is not None]


# ---------------------------------------------------------------- the files


def test_the_zip_has_her_name_and_a_folder_per_plan_with_word_and_excel_of_now_and_each_version(
        zoe_zip, setup):
    response, files = zoe_zip
    assert f'filename={ZIP_NAME}' in response.headers["Content-Disposition"]
    folder = FOLDER.format(id=setup["plan"])
    compact = f"2025_POP-compact_plan-{setup['full']}"
    assert sorted(files) == sorted([
        "README.txt", "gegevens.json",
        f"{folder}/{DOCX}", f"{folder}/{XLSX}",
        f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie1.docx", f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie1.xlsx",
        f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie2.docx", f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie2.xlsx",
        f"{compact}/POP_van-t-Hof-Test_Zoe_2025.docx", f"{compact}/POP_van-t-Hof-Test_Zoe_2025.xlsx",
    ])


def test_the_word_and_excel_files_hold_her_answers_of_now_and_of_each_version(zoe_zip, setup):
    _, files = zoe_zip
    folder = FOLDER.format(id=setup["plan"])
    now = docx_text(files[f"{folder}/{DOCX}"])
    assert EMPLOYEE_NAME in now and LONG_10K in now and "Doel met belang drie" in now
    assert "NU-WAT" in now and "VERSIE-EEN-WAT" not in now
    first = docx_text(files[f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie1.docx"])
    second = docx_text(files[f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie2.docx"])
    assert "VERSIE-EEN-WAT" in first and "NU-WAT" not in first and LONG_10K in first
    assert "VERSIE-TWEE-WAT" in second and "VERSIE-EEN-WAT" not in second
    cells = xlsx_values(files[f"{folder}/{XLSX}"])
    assert "NU-WAT" in cells and LONG_10K in cells and "Doel met belang drie" in cells
    assert "VERSIE-EEN-WAT" in xlsx_values(files[f"{folder}/POP_van-t-Hof-Test_Zoe_2026_versie1.xlsx"])


def test_the_plan_at_every_limit_comes_through_whole(zoe_zip, setup):
    """The compact plan with every answer at its length limit and every table at its row limit."""
    _, files = zoe_zip
    folder = f"2025_POP-compact_plan-{setup['full']}"
    text = docx_text(files[f"{folder}/POP_van-t-Hof-Test_Zoe_2025.docx"])
    cells = "\n".join(str(c) for c in xlsx_values(files[f"{folder}/POP_van-t-Hof-Test_Zoe_2025.xlsx"]))
    longest = max((v for v in setup["full_values"].values() if isinstance(v, str)), key=len)
    assert len(longest) >= 1000
    assert longest.strip()[:500] in text.replace("\r", "")
    assert longest.strip()[:500] in cells.replace("\r", "")
    stored = gegevens(files)["plannen"][1]
    assert stored["id"] == setup["full"]
    shown = {q["sleutel"]: q["antwoord"] for part in stored["antwoorden"] for q in part["vragen"]}
    for key, value in setup["full_values"].items():
        if isinstance(value, str):
            assert shown[key] == value, key


# ---------------------------------------------------------------- gegevens.json


def test_the_json_holds_her_record_answers_versions_reaction_and_log(zoe_zip, setup):
    _, files = zoe_zip
    data = gegevens(files)
    person = data["persoon"]
    assert (person["voornaam"], person["achternaam"], person["email"]) == ("Zoë", "van 't Hof/Test", "zoe@test.nl")
    assert person["leidinggevende"]["email"] == "m1@test.nl"
    plan = data["plannen"][0]
    assert plan["id"] == setup["plan"] and plan["periode"] == "2026" and plan["status"] == "Uitvoering"
    shown = {q["sleutel"]: q["antwoord"] for part in plan["antwoorden"] for q in part["vragen"]}
    assert shown["pop_wat"] == "NU-WAT" and shown["werk_over_3_jaar"] == LONG_10K
    assert shown["datum_pop_gesprek"] == "2026-03-15"  # dates ISO
    assert shown["akkoord_medewerker"]["datum"] == "2026-11-02"
    assert [v["versie"] for v in plan["vastgestelde_versies"]] == [1, 2]
    first = {q["sleutel"]: q["antwoord"] for part in plan["vastgestelde_versies"][0]["antwoorden"]
             for q in part["vragen"]}
    assert first["pop_wat"] == "VERSIE-EEN-WAT"
    assert plan["vastgestelde_versies"][0]["vastgesteld_op"][:2] == "20"
    assert plan["reacties_leidinggevende"] == [
        {"onderdeel": "Fase I: Zelfanalyse", "tekst": REACTION, "geschreven_door": MANAGER_NAME}]
    log = [(e["wie"], e["wat"], e["bijzonderheden"]) for e in plan["logboek"]]
    # The name as logged: Marco was renamed since.
    assert (MANAGER_NAME, "gewijzigd", "Reactie leidinggevende, Fase I: Zelfanalyse") in log
    assert all(e["wanneer"] and "T" in e["wanneer"] for e in plan["logboek"])
    assert plan["bestanden"][0] == f"{FOLDER.format(id=setup['plan'])}/{DOCX}"
    # No colleague was asked; what the note says of feedback given is in test_colleague_feedback.py.
    assert data["feedback"] == [] and "Feedback die u zelf aan anderen gaf" in data["feedback_toelichting"]
    assert "U heeft (nog) geen collega's om feedback gevraagd." in files["README.txt"].decode("utf-8")


PERSON_KEYS = {"id", "voornaam", "tussenvoegsel", "achternaam", "email", "personeelsnummer", "functie",
               "afdeling", "rol", "actief", "leidinggevende", "aangemaakt_op", "wachtwoord_ingesteld"}
TOP_KEYS = {"over_dit_bestand", "gemaakt_op", "persoon", "plannen", "geschreven_reacties",
            "logboek_eigen_handelingen", "budget", "feedback", "feedback_toelichting", "niet_opgenomen"}
PLAN_KEYS = {"id", "formulier", "periode", "status", "aangemaakt_op", "gewijzigd_op", "versienummer_nu",
             "vorig_plan", "leidinggevende", "bestanden", "antwoorden", "reacties_leidinggevende",
             "vastgestelde_versies", "logboek", "herinneringen"}


def test_the_json_holds_exactly_the_agreed_kinds_of_data(zoe_zip):
    """Nothing slips in unnoticed (a placement, a hash): every key of the person and the plans is known."""
    _, files = zoe_zip
    data = gegevens(files)
    assert set(data) == TOP_KEYS
    assert set(data["persoon"]) == PERSON_KEYS
    assert all(set(plan) == PLAN_KEYS for plan in data["plannen"]) and len(data["plannen"]) == 2
    assert all(set(v) == {"versie", "vastgesteld_op", "antwoorden", "reacties_leidinggevende"}
               for plan in data["plannen"] for v in plan["vastgestelde_versies"])


def test_the_json_has_no_password_hash_and_no_other_persons_answers(zoe_zip, setup):
    _, files = zoe_zip
    raw = files["gegevens.json"].decode("utf-8")
    assert setup["zoe_hash"] and setup["zoe_hash"] not in raw
    assert "password" not in raw and "session_version" not in raw and "pbkdf2" not in raw
    assert "password_hash" not in gegevens(files)["persoon"]
    everything = all_text(files)
    assert BRAM_SECRET not in everything and MIRA_REACTION not in everything
    assert "Bram" not in everything


def test_no_file_shows_the_matrix_placement_and_the_readme_sends_to_hr(zoe_zip, world, setup):
    _, files = zoe_zip
    everything = all_text(files).lower()
    found = [s for s in SECRET if s.lower() in everything]
    assert not found, found
    assert "prestaties" not in json.dumps(gegevens(files)).lower()
    readme = files["README.txt"].decode("utf-8")
    assert "matrix" in readme and "HR" in readme
    # The same sentence for someone nobody placed: it tells nothing about whether there is a placement.
    _, nina = download(world, "nina")
    nina_readme = nina["README.txt"].decode("utf-8")
    sentence = next(line for line in readme.splitlines() if "matrix" in line)
    assert sentence in nina_readme.splitlines()


def test_the_readme_describes_the_files_in_dutch(zoe_zip, setup):
    _, files = zoe_zip
    readme = files["README.txt"].decode("utf-8")
    for words in ("AVG artikel 15", "artikel 20", "gegevens.json", "Word", "Excel", "_versie1",
                  FOLDER.format(id=setup["plan"]), "Feedback van collega's"):
        assert words in readme, words


# ---------------------------------------------------------------- someone else's data


def test_the_manager_gets_his_own_reactions_without_his_employees_answers(world, setup):
    response, files = download(world, "m1")
    assert "Mijn_gegevens_Hernoemd_Marco.zip" in response.headers["Content-Disposition"]
    data = gegevens(files)
    assert data["persoon"]["email"] == "m1@test.nl" and data["plannen"] == []
    written = [{k: v for k, v in r.items() if k != "laatst_gewijzigd_op"} for r in data["geschreven_reacties"]]
    assert sorted(written, key=lambda r: r["plan_van"], reverse=True) == [
        {"plan_van": EMPLOYEE_NAME, "periode": "2026", "onderdeel": "Fase I: Zelfanalyse", "tekst": REACTION},
        {"plan_van": "Bram Beta", "periode": "2026", "onderdeel": "Fase II: Ontwikkelgesprek en opstellen POP",
         "tekst": MARCO_ON_BRAM}]
    assert all(r["laatst_gewijzigd_op"].startswith("20") for r in data["geschreven_reacties"])
    assert any(e["plan_van"] == EMPLOYEE_NAME and e["wat"] == "gewijzigd"
               for e in data["logboek_eigen_handelingen"])
    everything = all_text(files)
    for answer in (LONG_10K[:200], "Doel met belang drie", "NU-WAT", "VERSIE-EEN-WAT", BRAM_SECRET):
        assert answer not in everything, answer
    assert sorted(files) == ["README.txt", "gegevens.json"]


def test_a_reaction_someone_else_rewrote_is_no_longer_among_the_written_ones(world, setup):
    _, files = download(world, "m2")
    written = [(r["plan_van"], r["onderdeel"], r["tekst"]) for r in gegevens(files)["geschreven_reacties"]]
    assert written == [("Bram Beta", "Fase I: Zelfanalyse", MIRA_REACTION)]
    everything = all_text(files)
    assert MARCO_ON_BRAM not in everything and MIRA_OVERWRITTEN not in everything
    assert BRAM_SECRET not in everything


def test_no_route_takes_another_person_and_hr_gets_only_their_own(world, setup):
    rules = [r for r in world.app.url_map.iter_rules() if r.endpoint.startswith("my_data.")]
    assert {r.rule for r in rules} == {"/mijn-gegevens", "/mijn-gegevens/download"}
    assert all(not r.arguments for r in rules)
    zoe = setup["zoe_id"]
    for who in ("hr", "m1"):
        client = world.client(who)
        for url in (f"/mijn-gegevens/{zoe}", f"/mijn-gegevens/{zoe}/download", f"/mijn-gegevens/download/{zoe}"):
            assert client.get(url).status_code == 404, (who, url)
            assert client.post(url).status_code == 404, (who, url)
        # A person's id smuggled into the address or the form is not read: still their own zip.
        response = client.post(f"/mijn-gegevens/download?person={zoe}&id={zoe}",
                               data={"person": zoe, "person_id": zoe, "employee": zoe})
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            data = json.loads(archive.read("gegevens.json"))
            assert ZIP_NAME not in response.headers["Content-Disposition"]
            assert data["persoon"]["email"] == world.org[who]
            assert not any(n.endswith(".docx") for n in archive.namelist())


def test_anonymous_goes_to_log_in_and_a_get_or_a_post_without_token_downloads_nothing(world, setup):
    anonymous = world.app.test_client()
    token = csrf_from(anonymous.get("/login"))  # a valid token, so the log-in check is what answers
    response = anonymous.post("/mijn-gegevens/download", data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert response.mimetype != "application/zip"
    response = anonymous.get("/mijn-gegevens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    zoe = world.client("zoe")
    assert zoe.get("/mijn-gegevens/download").status_code == 405
    assert zoe.post("/mijn-gegevens/download", csrf=False).status_code == 400


# ---------------------------------------------------------------- no plans, the page, the log


def test_a_person_without_plans_gets_the_json_and_the_readme_only(world, setup):
    response, files = download(world, "nina")
    assert "Mijn_gegevens_Nul_Nina.zip" in response.headers["Content-Disposition"]
    assert sorted(files) == ["README.txt", "gegevens.json"]
    data = gegevens(files)
    assert data["persoon"]["voornaam"] == "Nina" and data["plannen"] == []
    assert data["geschreven_reacties"] == [] and data["feedback"] == []
    assert "geen plannen" in files["README.txt"].decode("utf-8")


def test_the_page_is_linked_from_the_header_and_explains_the_download(world, setup):
    client = world.client("zoe")
    assert 'href="/mijn-gegevens"' in client.get("/").get_data(as_text=True)
    page = client.get("/mijn-gegevens")
    assert page.status_code == 200
    text = text_of(page)
    for words in ("Mijn gegevens", "AVG artikel 15", "artikel 20", "Word", "Excel", "gegevens.json",
                  "vastgestelde versie", ZIP_NAME, "Feedback van collega's"):
        assert words in text, words
    assert 'action="/mijn-gegevens/download"' in page.get_data(as_text=True)


def test_the_download_is_written_in_the_log_of_each_plan(world, setup):
    with world.app.app_context():
        before = AuditEntry.select().where(AuditEntry.detail.startswith("Mijn gegevens")).count()
    download(world, "zoe")
    with world.app.app_context():
        lines = list(AuditEntry.select().where(AuditEntry.detail.startswith("Mijn gegevens"))
                     .order_by(AuditEntry.id))[before:]
    assert sorted(e.plan_id for e in lines) == sorted([setup["plan"], setup["full"]])
    assert all(e.action == "gedownload" and e.person_name == EMPLOYEE_NAME for e in lines)


# ---------------------------------------------------------------- the organisation's template


def test_the_organisations_active_template_makes_the_word_files(world, setup):
    hr = world.client("hr")
    response = upload(hr, simple_docx("Sjabloon van de organisatie: {{ medewerker.naam }}"), "eigen.docx")
    assert response.status_code == 302, text_of(response)[:800]
    with world.app.app_context():
        template = ExportTemplate.get()
    assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
    _, files = download(world, "zoe")
    folder = FOLDER.format(id=setup["plan"])
    for name in (DOCX, "POP_van-t-Hof-Test_Zoe_2026_versie1.docx"):
        assert f"Sjabloon van de organisatie: {EMPLOYEE_NAME}" in docx_text(files[f"{folder}/{name}"])
    # The compact plan's form has no template of its own: the default layout.
    compact = docx_text(files[f"2025_POP-compact_plan-{setup['full']}/POP_van-t-Hof-Test_Zoe_2025.docx"])
    assert "Sjabloon van de organisatie" not in compact
