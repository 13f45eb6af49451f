"""The performance/potential matrix (seed 004 §1.3-1.4, /matrix): the seed's quadrants and texts, who
places whom, every change in one transaction, and that a placement never reaches the person placed: not
on any page they can open, not in any export of their plan (Word, Excel, PDF, HR's bulk zip)."""
import html
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import make_person, text_of

from forms import FORMS
from pop import answers, cycle, matrix
from pop.demo import demo_example
from pop.models import Person, Placement, Plan
from pop.plans import current_period, start_plan

SEED = "004_b396dcc4a9002874.txt"
PERIOD = current_period()
# Everything a placement could show: the quadrants' names and texts, and the conversations only the
# matrix names (Evaluatiegesprek and POP-gesprek are also the extended form's own words).
SECRET = sorted({text for q in matrix.QUADRANTS for text in (q.name, q.group, q.advice, *q.traits)}
                | {"Breaksmen", "Solid Citizens", "High potentials", "Learners", "Correctiegesprek",
                   "Exitgesprek", "potentie", "Ingedeeld door"})


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_text():
    for folder in (Path(__file__).resolve().parents[2] / "shared" / "seeds",
                   Path(os.environ.get("POP_SEEDS", "/nonexistent"))):
        if (folder / SEED).is_file():
            return normalise((folder / SEED).read_text(encoding="utf-8"))
    message = f"seed {SEED} not found in ../shared/seeds or $POP_SEEDS"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def person_id(app, email):
    with app.app_context():
        return Person.get(Person.email == email).id


def place(client, person, prestaties, potentie, period=PERIOD, **extra):
    data = {"periode": period, f"p{person}-prestaties": prestaties, f"p{person}-potentie": potentie,
            **extra}
    return client.post("/matrix", data=data)


def placements(app):
    with app.app_context():
        return {(p.person_id, p.period): (p.prestaties, p.potentie, p.placed_by_id)
                for p in Placement.select()}


def quadrant_people(response) -> dict[str, list[str]]:
    """Per quadrant key, the names listed under "Ingedeeld" in its cell of the matrix."""
    body = response.get_data(as_text=True)
    found = {}
    for q in matrix.QUADRANTS:
        cell = re.search(rf'<td id="kwadrant-{q.key}">(.*?)</td>', body, re.S).group(1)
        listed = re.search(r'<ul class="people">(.*?)</ul>', cell, re.S)
        found[q.key] = [normalise(html.unescape(re.sub(r"<small>.*?</small>|<[^>]+>", " ", li)))
                        for li in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)] if listed else []
    return found


# ---------------------------------------------------------------- the seed's matrix


def test_the_quadrants_follow_the_seeds_axes():
    """Prestaties is the vertical axis (+ on top), potentie the horizontal one (+ on the right)."""
    assert matrix.quadrant_of("plus", "min").name == "Solid Citizens (70%)"
    assert matrix.quadrant_of("plus", "plus").name == "High potentials"
    assert matrix.quadrant_of("min", "min").name == "Breaksmen"
    assert matrix.quadrant_of("min", "plus").name == "Learners"
    assert matrix.quadrant_of("", "plus") is None


def test_every_text_of_the_matrix_stands_in_the_seed():
    seed = seed_text()
    texts = [matrix.INTRO, matrix.SELECTION]
    for q in matrix.QUADRANTS:
        texts += [q.name, q.group, q.advice, *q.traits, *q.talks]
    missing = [t for t in texts if normalise(t) not in seed]
    assert not missing, missing
    # §1.3's descriptions and §1.4's conversations stand in the seed in this quadrant's own block
    s13 = seed[seed.index("1.3 De medewerker"):seed.index("Vul hier je medewerkers in")]
    s14 = seed[seed.index("1.4 Welk gesprek met wie?"):seed.index("2.0 POP-gesprek")]
    for q in matrix.QUADRANTS:
        block = s13[s13.index(q.name.split(" (")[0]):]
        assert all(t in block for t in q.traits), q.key
        after = s14[s14.index(q.advice) + len(q.advice):]
        ends = [after.index(o.name) for o in matrix.QUADRANTS if o.name in after] + [after.index("potentie")]
        talks = [normalise(t) for t in after[:min(ends)].split("✔") if t.strip()]
        assert talks == list(q.talks), q.key


def test_the_page_shows_the_four_quadrants_with_the_seeds_texts(org, login):
    page = login(org["m1"]).get("/matrix")
    assert page.status_code == 200
    text = text_of(page)
    for q in matrix.QUADRANTS:
        for t in (q.name, q.group, q.advice, *q.traits, *q.talks):
            assert normalise(t) in text, t
    assert matrix.INTRO in text and matrix.SELECTION in text and "Welk gesprek met wie?" in text
    # laid out as the seed: Solid Citizens and High potentials on the prestaties + row
    body = page.get_data(as_text=True)
    top = body[body.index("prestaties +"):body.index("prestaties –")]
    assert "kwadrant-solid-citizens" in top and "kwadrant-high-potentials" in top
    assert top.index("solid-citizens") < top.index("high-potentials")
    bottom = body[body.index("prestaties –"):]
    assert bottom.index("kwadrant-breaksmen") < bottom.index("kwadrant-learners")


# ---------------------------------------------------------------- who sees whom


def test_an_employee_gets_403_and_an_anonymous_visitor_the_login(org, login, client, app):
    anna = login(org["a"])
    for response in (anna.get("/matrix"), anna.post("/matrix", data={"periode": PERIOD})):
        assert response.status_code == 403
        assert "alleen voor leidinggevenden en HR" in text_of(response)
        assert "Breaksmen" not in text_of(response)
    assert "Matrix" not in text_of(anna.get("/"))  # no link in the menu either
    response = client.get("/matrix")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert placements(app) == {}


def test_a_manager_sees_and_places_only_their_current_reports(org, login, app):
    m1 = login(org["m1"])
    page = m1.get("/matrix")
    text = text_of(page)
    assert "Matrix" in text_of(m1.get("/"))  # menu link
    assert "Anna Alfa" in text and "Bram Beta" not in text and "Marco Een" not in text.split("Indelen")[1]
    a, b = person_id(app, org["a"]), person_id(app, org["b"])
    # Bram is Mira's: an input for him in the post is not read
    response = place(m1, a, "min", "min", **{f"p{b}-prestaties": "plus", f"p{b}-potentie": "plus"})
    assert response.status_code == 302
    m1_id = person_id(app, org["m1"])
    assert placements(app) == {(a, PERIOD): ("min", "min", m1_id)}
    page = m1.get(response.headers["Location"])
    assert "Opgeslagen (1 gewijzigd)." in text_of(page)
    assert quadrant_people(page)["breaksmen"] == ["Anna Alfa"]
    row = re.search(rf'<tr id="p{a}".*?</tr>', page.get_data(as_text=True), re.S).group(0)
    row_text = normalise(html.unescape(re.sub(r"<[^>]+>", " ", row)))
    assert "Breaksmen" in row_text and "Correctiegesprek" in row_text and "Exitgesprek" in row_text
    assert "Ingedeeld door Marco Een" in row_text
    assert re.search(rf'name="p{a}-prestaties" value="min" checked', row)
    # Mira does not see Anna, nor her placement
    m2_page = login(org["m2"]).get("/matrix")
    assert "Anna Alfa" not in text_of(m2_page) and quadrant_people(m2_page)["breaksmen"] == []


def test_hr_sees_everyone_and_filters_by_department(org, login, app):
    m1 = login(org["m1"])
    a = person_id(app, org["a"])
    place(m1, a, "min", "plus")
    hr = login(org["hr"])
    page = hr.get("/matrix")
    text = text_of(page)
    assert all(n in text for n in ("Anna Alfa", "Bram Beta", "Marco Een", "Mira Twee"))
    assert "Hanna HR" not in text.split("Indelen")[1]  # not herself
    assert quadrant_people(page)["learners"] == ["Anna Alfa"]
    only_b = text_of(hr.get("/matrix?afdeling=B"))
    assert "Bram Beta" in only_b and "Anna Alfa" not in only_b
    # HR places too (someone without a manager, or when the manager is away)
    b = person_id(app, org["b"])
    assert place(hr, b, "plus", "plus", afdeling="B").status_code == 302
    assert placements(app)[(b, PERIOD)] == ("plus", "plus", person_id(app, org["hr"]))


def test_a_former_manager_no_longer_sees_the_report(org, login, app):
    m1 = login(org["m1"])
    a = person_id(app, org["a"])
    place(m1, a, "min", "min")
    with app.app_context():
        Person.update(manager=Person.get(Person.email == org["m2"])).where(Person.id == a).execute()
    page = m1.get("/matrix")
    assert "Anna Alfa" not in text_of(page) and quadrant_people(page)["breaksmen"] == []
    assert place(m1, a, "plus", "plus").status_code == 302  # her inputs are not read any more
    assert placements(app)[(a, PERIOD)][:2] == ("min", "min")
    # her new manager sees where she stands, and who placed her
    page = login(org["m2"]).get("/matrix")
    assert quadrant_people(page)["breaksmen"] == ["Anna Alfa"] and "Ingedeeld door Marco Een" in text_of(page)


def test_a_manager_does_not_see_their_own_placement(org, login, app):
    """Marco reports to Mira; Mira places him. Marco's matrix lists his own report only, and nothing
    of his placement."""
    with app.app_context():
        Person.update(manager=Person.get(Person.email == org["m2"])).where(
            Person.email == org["m1"]).execute()
    m1_id = person_id(app, org["m1"])
    assert place(login(org["m2"]), m1_id, "min", "min").status_code == 302
    page = login(org["m1"]).get("/matrix")
    assert "Marco Een" not in text_of(page).split("Uitloggen", 1)[1]
    assert all(names == [] for names in quadrant_people(page).values())
    assert f'id="p{m1_id}"' not in page.get_data(as_text=True)
    assert place(login(org["m1"]), m1_id, "plus", "plus").status_code == 302  # not read
    assert placements(app)[(m1_id, PERIOD)][:2] == ("min", "min")


# ---------------------------------------------------------------- changing placements


def test_placements_per_period_change_and_clear(org, login, app):
    m1 = login(org["m1"])
    a = person_id(app, org["a"])
    place(m1, a, "plus", "min", period="2025")
    assert quadrant_people(m1.get("/matrix?periode=2025"))["solid-citizens"] == ["Anna Alfa"]
    assert all(v == [] for v in quadrant_people(m1.get("/matrix")).values())  # current period: not yet
    assert f"Matrix prestaties en potentie {PERIOD}" in text_of(m1.get("/matrix"))
    place(m1, a, "plus", "plus", period="2025")
    assert placements(app) == {(a, "2025"): ("plus", "plus", person_id(app, org["m1"]))}
    response = m1.post("/matrix", data={"periode": "2025", f"p{a}-prestaties": "", f"p{a}-potentie": ""})
    assert response.status_code == 302 and placements(app) == {}


def test_a_half_placement_is_refused_next_to_the_row_and_nothing_is_saved(org, login, app):
    """Two reports in one post, one of them with only prestaties: neither is stored (one transaction),
    the message stands in the half one's row and both rows keep what was chosen."""
    with app.app_context():
        m1 = Person.get(Person.email == org["m1"])
        extra = make_person("c@test.nl", "Cas", "Gamma", manager=m1, afdeling="A")
        c = extra.id
    a = person_id(app, org["a"])
    client = login(org["m1"])
    response = client.post("/matrix", data={"periode": PERIOD, f"p{a}-prestaties": "min",
                                            f"p{a}-potentie": "min", f"p{c}-prestaties": "plus"})
    assert response.status_code == 422
    assert placements(app) == {}
    body = response.get_data(as_text=True)
    row = re.search(rf'<tr id="p{c}".*?</tr>', body, re.S).group(0)
    assert matrix.BOTH_NEEDED in html.unescape(row) and f'id="p{c}-error"' in row
    assert re.search(rf'name="p{c}-prestaties" value="plus" checked', row)
    assert re.search(rf'name="p{a}-potentie" value="min" checked', body)
    assert "Er is niets opgeslagen" in text_of(response)
    response = client.post("/matrix", data={"periode": PERIOD, f"p{a}-prestaties": "heel goed",
                                            f"p{a}-potentie": "min"})
    assert response.status_code == 422 and placements(app) == {}
    assert matrix.UNKNOWN_VALUE in text_of(response)


def test_an_odd_period_is_refused(org, login, app):
    client = login(org["m1"])
    a = person_id(app, org["a"])
    page = client.get("/matrix?periode=<script>")
    assert page.status_code == 200 and matrix.PERIOD_MESSAGE in text_of(page)
    assert "<script>" not in page.get_data(as_text=True)
    response = place(client, a, "min", "min", period="x" * 40)
    assert response.status_code == 400 and placements(app) == {}


def test_a_post_without_csrf_token_changes_nothing(org, login, app):
    a = person_id(app, org["a"])
    response = login(org["m1"]).post("/matrix", csrf=False, data={
        "periode": PERIOD, f"p{a}-prestaties": "min", f"p{a}-potentie": "min"})
    assert response.status_code == 400 and placements(app) == {}


# ---------------------------------------------------------------- never visible to the person placed


def _package_text(data: bytes) -> str:
    """All text of an Office file (every part: body, headers, footers, sheets, shared strings, names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                 if n.endswith((".xml", ".rels"))]
    return html.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))


def _pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                            timeout=60)
    assert result.returncode == 0
    return result.stdout.decode("utf-8")


def content_text(response) -> str:
    """What a person gets to see of a response: a page's text, a document's or workbook's text, a zip's
    documents and file names."""
    data = response.data
    if response.mimetype == "text/html":
        return text_of(response) + " " + response.get_data(as_text=True)
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            inner = [archive.read(n) for n in names if n.endswith((".docx", ".xlsx"))]
        if inner:  # the bulk zip
            return " ".join(names + [_package_text(d) for d in inner])
        return _package_text(data)
    if data[:4] == b"%PDF":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is needed to read the PDF back")
        return _pdf_text(data)
    return response.get_data(as_text=True)


def assert_nothing_of_the_placement(response, where):
    text = content_text(response)
    found = [s for s in SECRET if s.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


def crawl(client, start_urls, limit=150):
    """Every page reachable by following links (and the download links) from start_urls, as this
    person: {url: response} for the answers 200."""
    seen, queue, found = set(), deque(start_urls), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append(urlsplit(response.headers["Location"]).path or "/")
            continue
        if response.status_code != 200:
            continue
        found[url] = response
        if response.mimetype == "text/html":
            for href in re.findall(r'href="([^"#]+)', response.get_data(as_text=True)):
                href = html.unescape(href)
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.netloc or parts.path.startswith("/static") or parts.path == "/logout":
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.fixture
def placed(org, login, app):
    """Anna's plan is the extended form's demo plan, agreed (a version) and running, her next talk
    planned; a second plan on another form; and her manager places her as Breaksmen, this period and
    the plan's period."""
    with app.app_context():
        anna = Person.get(Person.email == org["a"])
        plan = Plan.get_by_id(org["plan_a"])
        _employee, _manager, _period, values = demo_example(form_key=plan.form_key)
        answers.save(plan, values)
        cycle.freeze(plan)
        Plan.update(status="uitvoering").where(Plan.id == plan.id).execute()
        other_key = next((k for k in FORMS if k != plan.form_key), plan.form_key)
        other = start_plan(anna, other_key, "2025")
        answers.save(other, demo_example(form_key=other_key)[3])
        Plan.update(status="ontwikkelgesprek").where(Plan.id == other.id).execute()
        plan_ids = [plan.id, other.id]
    m1 = login(org["m1"])
    a = person_id(app, org["a"])
    for period in {PERIOD, "2026", "2025"}:
        assert place(m1, a, "min", "min", period=period).status_code == 302
    assert quadrant_people(m1.get(f"/matrix?periode={PERIOD}"))["breaksmen"] == ["Anna Alfa"]
    return plan_ids


def _plan_urls(app, plan_ids):
    urls = []
    with app.app_context():
        for plan_id in plan_ids:
            plan = Plan.get_by_id(plan_id)
            base = f"/plans/{plan_id}"
            urls += [base, f"{base}/afdrukken", f"{base}/logboek", f"{base}/vergelijken",
                     f"{base}/volgend-gesprek.ics", f"{base}/versies/1", f"{base}/versies/1/download.docx",
                     f"{base}/versies/1/download.xlsx"]
            urls += [f"{base}/{part.key}" for part in FORMS[plan.form_key].parts]
            urls += [f"{base}/download.{fmt}" for fmt in ("docx", "xlsx", "pdf")]
            urls += [f"{base}/download.{fmt}?sjabloon=standaard" for fmt in ("docx", "xlsx")]
    return urls


def test_nothing_the_employee_can_open_shows_the_placement(placed, org, login, app):
    anna = login(org["a"])
    assert anna.get("/matrix").status_code == 403
    reached = crawl(anna, ["/", *_plan_urls(app, placed)])
    kinds = {r.mimetype for r in reached.values()}
    assert "text/html" in kinds
    assert any(r.data[:2] == b"PK" and u.endswith(".docx") for u, r in reached.items()), "no Word export"
    assert any(u.endswith(".xlsx") for u in reached), "no Excel export"
    for plan_id in placed:  # every part of both plans, the print view and the exports were read
        assert f"/plans/{plan_id}/afdrukken" in reached and f"/plans/{plan_id}/download.docx" in reached
    assert len(reached) > 20
    for url, response in reached.items():
        assert_nothing_of_the_placement(response, url)


def test_the_managers_view_of_the_plan_and_hrs_exports_do_not_show_it_either(placed, org, login, app):
    """The placement is on the matrix page only: not on the plan's pages or downloads for the manager or
    HR, and not in HR's bulk export of the plans."""
    for who in ("m1", "hr"):
        client = login(org[who])
        reached = crawl(client, _plan_urls(app, placed), limit=80)
        reached = {u: r for u, r in reached.items() if not u.startswith(("/matrix", "/budget", "/mensen",
                                                                          "/instellingen", "/sjablonen"))}
        assert any(u.endswith("download.docx") for u in reached)
        for url, response in reached.items():
            if url.startswith("/plans/") or url.startswith("/export"):
                assert_nothing_of_the_placement(response, f"{who} {url}")
    hr = login(org["hr"])
    response = hr.post("/export", data={"afdeling": "", "periode": "", "status": ""})
    assert response.status_code == 302
    job = hr.get(response.headers["Location"])
    assert "klaar" in text_of(job).lower()
    download = hr.get(urlsplit(response.headers["Location"]).path + "/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert any(n.endswith(".docx") for n in archive.namelist())
    assert_nothing_of_the_placement(download, "bulk zip")


def test_the_pdf_export_does_not_show_it(placed, org, login, app):
    from exports.pdf import convert as pdf
    if not pdf.available():
        pytest.skip("LibreOffice is not available: no PDF export")
    response = login(org["a"]).get(f"/plans/{placed[0]}/download.pdf")
    assert response.status_code == 200 and response.data[:4] == b"%PDF"
    assert "Anna" in content_text(response) or "POP" in content_text(response)
    assert_nothing_of_the_placement(response, "pdf")


def test_a_quadrant_names_its_first_people_and_links_to_the_rest(org, login, app, monkeypatch):
    """A large organisation's quadrant would list thousands: it names the first QUADRANT_NAMES by name,
    counts them all, and links to the list narrowed to that group, where they are placed page by page."""
    monkeypatch.setattr(matrix, "QUADRANT_NAMES", 1)
    hr = login(org["hr"])
    a, b, m2 = person_id(app, org["a"]), person_id(app, org["b"]), person_id(app, org["m2"])
    response = hr.post("/matrix", data={"periode": PERIOD, **{f"p{p}-{axis}": "plus" for p in (a, b)
                                                               for axis in ("prestaties", "potentie")}})
    assert response.status_code == 302
    page = hr.get("/matrix")
    assert quadrant_people(page)["high-potentials"] == ["Anna Alfa"]
    assert "Ingedeeld (2)" in text_of(page)
    link = re.search(r'href="([^"]*groep=high-potentials[^"]*)"', page.get_data(as_text=True)).group(1)
    assert "Alle 2 in High potentials tonen" in text_of(page)
    listed = hr.get(html.unescape(link))
    rows = re.findall(r'<tr id="p(\d+)"', listed.get_data(as_text=True))
    assert rows == [str(a), str(b)]
    # the post from the narrowed list goes back to it
    response = hr.post("/matrix", data={"periode": PERIOD, "groep": "high-potentials",
                                        f"p{b}-prestaties": "min", f"p{b}-potentie": "plus"})
    assert response.status_code == 302 and "groep=high-potentials" in response.headers["Location"]
    rows = re.findall(r'<tr id="p(\d+)"', hr.get(response.headers["Location"]).get_data(as_text=True))
    assert rows == [str(a)]
    not_placed = hr.get(f"/matrix?groep={matrix.NOT_PLACED}").get_data(as_text=True)
    assert f'<tr id="p{m2}"' in not_placed and f'<tr id="p{a}"' not in not_placed


def quadrant_count(response, key: str) -> int:
    cell = re.search(rf'<td id="kwadrant-{key}">(.*?)</td>', response.get_data(as_text=True), re.S).group(1)
    return int(re.search(r"Ingedeeld \((\d+)\)", cell).group(1))


def test_hrs_counts_leave_out_who_left_and_hr_themself(org, login, app):
    """HR's whole matrix counts the period's placements less those of people who left and of HR
    (pop/matrix.py cell_counts); a department or a search counts only its people, and the list of a
    group has as many rows as its quadrant counts."""
    a, b, m2, hr_id = (person_id(app, org[k]) for k in ("a", "b", "m2", "hr"))
    assert place(login(org["m1"]), a, "min", "plus").status_code == 302
    assert place(login(org["m2"]), b, "min", "plus").status_code == 302
    hr = login(org["hr"])
    assert place(hr, m2, "min", "plus").status_code == 302
    with app.app_context():
        Placement.create(person=hr_id, period=PERIOD, prestaties="min", potentie="plus", placed_by=b)
        Person.update(active=False).where(Person.id == b).execute()  # Bram leaves, his placement stays
    whole = hr.get("/matrix")
    assert quadrant_count(whole, "learners") == 2
    assert quadrant_people(whole)["learners"] == ["Anna Alfa", "Mira Twee"]
    assert quadrant_count(whole, "high-potentials") == 0
    assert quadrant_count(hr.get("/matrix?afdeling=A"), "learners") == 1
    assert quadrant_count(hr.get("/matrix?afdeling=B"), "learners") == 1  # Mira; Bram left
    listed = hr.get("/matrix?groep=learners&zoek=anna")
    assert quadrant_count(listed, "learners") == 1 and "1 medewerker in" in text_of(listed)
    assert re.findall(r'<tr id="p(\d+)"', listed.get_data(as_text=True)) == [str(a)]
    listed = hr.get("/matrix?groep=learners")
    assert "2 medewerkers in" in text_of(listed)
    assert re.findall(r'<tr id="p(\d+)"', listed.get_data(as_text=True)) == [str(a), str(m2)]
    assert quadrant_count(login(org["m2"]).get("/matrix"), "learners") == 0  # Bram left; Mira is not her own


def test_someone_not_on_the_posted_page_keeps_their_placement(org, login, app):
    """HR placed Cas; he becomes Marco's report while Marco has the page open; Marco's post (without
    inputs for Cas) changes Anna only."""
    a = person_id(app, org["a"])
    with app.app_context():
        c = make_person("c@test.nl", "Cas", "Gamma", afdeling="A").id
    hr = login(org["hr"])
    assert place(hr, c, "plus", "min").status_code == 302
    m1 = login(org["m1"])
    m1.get("/matrix")
    with app.app_context():
        Person.update(manager=Person.get(Person.email == org["m1"])).where(Person.id == c).execute()
    assert place(m1, a, "min", "plus").status_code == 302
    assert placements(app)[(c, PERIOD)] == ("plus", "min", person_id(app, org["hr"]))
    assert placements(app)[(a, PERIOD)][:2] == ("min", "plus")


def test_hr_and_the_manager_placing_at_the_same_moment_make_one_placement(org, app):
    """Against a running server, both at once: no error, one row (the unique person+period and the
    upsert in the save's transaction), holding one of the two placements whole."""
    import threading
    from support import Browser, served

    a = person_id(app, org["a"])
    with served(app) as base:
        browsers = {"m1": Browser(base), "hr": Browser(base)}
        tokens = {}
        for who, browser in browsers.items():
            browser.login(org[who])
            tokens[who] = browser.token("/matrix")
        chosen = {"m1": ("min", "min"), "hr": ("plus", "plus")}
        results, start = {}, threading.Barrier(2)

        def post(who):
            start.wait()
            results[who] = browsers[who].post("/matrix", {
                "csrf_token": tokens[who], "periode": PERIOD, f"p{a}-prestaties": chosen[who][0],
                f"p{a}-potentie": chosen[who][1]})

        threads = [threading.Thread(target=post, args=(who,)) for who in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(status for status, _ in results.values()) == [200, 200]
    stored = placements(app)
    assert list(stored) == [(a, PERIOD)]
    who = next(w for w in chosen if stored[(a, PERIOD)][:2] == chosen[w])
    assert stored[(a, PERIOD)][2] == person_id(app, org[who])


def test_a_manager_made_medewerker_loses_the_matrix_at_once(org, login, app):
    a = person_id(app, org["a"])
    m1 = login(org["m1"])
    assert place(m1, a, "min", "min").status_code == 302
    with app.app_context():
        Person.update(role="medewerker").where(Person.email == org["m1"]).execute()
    response = m1.get("/matrix")
    assert response.status_code == 403 and "Anna Alfa" not in text_of(response)
    assert place(m1, a, "plus", "plus").status_code == 403
    assert placements(app)[(a, PERIOD)][:2] == ("min", "min")
