"""Browser tests: the demo organisation served by a real HTTP server, used through headless Chromium.

They check what the HTTP tests cannot: that the labels really lead to the inputs, that a saved long
answer comes back after a reload, that the add-row button and the validation messages work in a
browser, and that one can log in with the keyboard alone. Below them, the main journeys end to end:
the manager's progress talk and akkoord in the Word file, HR's own Word template, and a Fase II grid
filled with the keyboard alone.

Debian's Chromium is used (`playwright install` is not needed). Without it these tests are skipped,
unless POP_REQUIRE_BROWSER=1 (as in CI), when a missing browser is a failure.
"""
import contextlib
import datetime as dt
import os
import re
import shutil
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from databases import new_database_url
from exports.pdf import preview as preview_pages

REQUIRE_BROWSER = os.environ.get("POP_REQUIRE_BROWSER") == "1"

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - depends on the environment
    if REQUIRE_BROWSER:
        raise  # CI must run these tests: a missing playwright is an error there
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)
expect = sync_api.expect

DEMO_PASSWORD = "demo-pop-2026"
EVA = "eva.visser@voorbeeld.nl"
FATIMA = "fatima.bouzid@voorbeeld.nl"
YOUSSEF = "youssef.elamrani@voorbeeld.nl"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000


def _chromium_path() -> str | None:
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def chromium_path():
    path = _chromium_path()
    if path is None:
        message = ("Chromium not found (/usr/bin/chromium or `chromium` on PATH); "
                   "install Debian's chromium package to run the browser tests")
        if REQUIRE_BROWSER:
            pytest.fail(f"POP_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    return path


@contextlib.contextmanager
def demo_site(tmp):
    """The app with the demo organisation, served on a free port in a daemon thread."""
    from werkzeug.serving import make_server

    import app as app_module
    from pop.demo import load_demo

    # The queue in immediate mode (pop/queue.py): a preview or export is made in the request, as there
    # is no worker here, and nothing is queued in the project's own instance folder.
    flask_app = app_module.create_app({"SECRET_KEY": "x", "POP_QUEUE_URL": "immediate",
                                       "DATABASE_URL": new_database_url(tmp, "b")})
    with flask_app.app_context():
        load_demo()
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="pop-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture
def own_site(tmp_path):
    """A demo site of its own, for a test that changes what the whole organisation uses."""
    with demo_site(tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh browser context (no cookies) per test, opened on the site."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                  locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def log_in(page, email, password=DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Plannen", exact=True)).to_be_visible()


def open_own_plan(page, name):
    """From the overview, one's own plan: the period link in the table under 'Mijn POP’s'."""
    own = page.locator("section").filter(has=page.get_by_role("heading", name="Mijn POP’s"))
    own.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile(rf"^POP van {name}"))).to_be_visible()


def go_to_phase(page, name):
    page.get_by_role("navigation", name="Fasen").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("navigation", name="Fasen")
           .get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def goal_rows(page):
    # Not the fold-out SMART block under each goal (tr.row-extra): only the goals themselves.
    return page.locator("#veld-ontwikkeldoelen table tbody tr:not(.row-extra)")


def test_long_answer_survives_save_and_reload(page):
    """Fatima's demo plan is in its evaluation: Fase IV is hers to write."""
    log_in(page, FATIMA)
    open_own_plan(page, "Fatima Bouzid")
    go_to_phase(page, "Fase IV")

    text = f"Ja, grotendeels gehaald ({uuid.uuid4().hex[:8]}).\nDe recap-mail werkt; één doel loopt door."
    answer = page.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True)
    answer.fill(text)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()

    page.reload()
    answer = page.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True)
    assert answer.input_value() == text


def test_add_goal_row_keeps_the_goals(page):
    """Youssef's demo plan is shared for the ontwikkelgesprek: still his to change."""
    log_in(page, YOUSSEF)
    open_own_plan(page, "Youssef el Amrani")
    go_to_phase(page, "Fase I")

    before = goal_rows(page).count()
    goal1 = page.get_by_label("Ontwikkeldoel, rij 1", exact=True).input_value()
    goal2 = page.get_by_label("Ontwikkeldoel, rij 2", exact=True).input_value()
    assert goal1 == "Verwachtingen managen met stakeholders"
    assert goal2 == "Heldere communicatie in het team"

    page.get_by_role("button", name="Ontwikkeldoel toevoegen").click()
    expect(goal_rows(page)).to_have_count(before + 1)

    assert page.get_by_label("Ontwikkeldoel, rij 1", exact=True).input_value() == goal1
    assert page.get_by_label("Ontwikkeldoel, rij 2", exact=True).input_value() == goal2
    new_row = before + 1
    assert page.get_by_label(f"Ontwikkeldoel, rij {new_row}", exact=True).input_value() == ""
    assert page.get_by_label(f"Belang, rij {new_row}", exact=True).input_value() == ""


def test_date_input_refuses_text(page):
    """An <input type=date> takes no free text: the browser refuses "morgen" (Playwright raises, or
    the browser sanitises the value to empty), so no wrong date can reach the server from here."""
    log_in(page, YOUSSEF)
    open_own_plan(page, "Youssef el Amrani")
    go_to_phase(page, "Gegevens")
    date = page.get_by_label("Datum POP-gesprek:", exact=True)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.input_value())
    try:
        date.fill("morgen")
    except sync_api.Error as error:
        assert "malformed" in str(error).lower()
    value = date.input_value()
    assert value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value


def test_duplicate_rank_shows_dutch_error_and_keeps_input(page):
    """Since the date input cannot take a wrong value, the validation round trip is tested with a
    rank used twice in Fase I."""
    log_in(page, YOUSSEF)
    open_own_plan(page, "Youssef el Amrani")
    go_to_phase(page, "Fase I")

    goal1 = f"Eerste doel {uuid.uuid4().hex[:6]} – één"
    goal2 = f"Tweede doel {uuid.uuid4().hex[:6]}"
    page.get_by_label("Ontwikkeldoel, rij 1", exact=True).fill(goal1)
    page.get_by_label("Ontwikkeldoel, rij 2", exact=True).fill(goal2)
    page.get_by_label("Belang, rij 1", exact=True).fill("1")
    page.get_by_label("Belang, rij 2", exact=True).fill("1")
    page.get_by_role("button", name="Opslaan", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Niet opgeslagen")
    expect(page.get_by_text("al aan een ander ontwikkeldoel gegeven").first).to_be_visible()
    assert page.get_by_label("Ontwikkeldoel, rij 1", exact=True).input_value() == goal1
    assert page.get_by_label("Ontwikkeldoel, rij 2", exact=True).input_value() == goal2
    assert page.get_by_label("Belang, rij 2", exact=True).get_attribute("aria-invalid") == "true"

    # Nothing was stored: a fresh load shows the demo goals again.
    page.goto(page.url.split("#")[0])
    assert page.get_by_label("Ontwikkeldoel, rij 1", exact=True).input_value() != goal1


def test_log_in_with_the_keyboard_only(page):
    page.goto("/login")
    email = page.get_by_label("E-mailadres")
    for _ in range(6):  # past the skip link and the brand link
        page.keyboard.press("Tab")
        if email.evaluate("el => el === document.activeElement"):
            break
    expect(email).to_be_focused()
    page.keyboard.type(EVA)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Plannen", exact=True)).to_be_visible()
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("heading", name="Mijn POP’s")).to_be_visible()


# ---------------------------------------------------------------- the main journeys
#
# Each journey below is one user's errand from log-in to the file they take away. They share the
# module's server and demo database with the tests above, so each leaves the demo organisation as it
# found it where that matters (HR's template is removed again) and finds its own data by a unique text
# rather than by position.

MARCO = "marco.jansen@voorbeeld.nl"
DAAN = "daan.smit@voorbeeld.nl"
HR = "hr@voorbeeld.nl"
TEMPLATE_FILE_LABEL = "Sjabloon (.docx of .xlsx, hoogstens 10 MB)"


def today_nl() -> str:
    return dt.date.today().strftime("%d-%m-%Y")


def signed_nl() -> str:
    """The day the demo's running plan (Eva's) was agreed: two weeks after its period started, which
    the demo counts back from the day it was loaded (the demo site is loaded today)."""
    from pop import clock
    from pop.demo import demo_start
    return (demo_start(clock.today()) + dt.timedelta(days=14)).strftime("%d-%m-%Y")


def save(page):
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()


def download(page, link_name, tmp_path):
    """Click a download link as the user does; the file the browser received, saved under tmp_path."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def docx_paragraphs(path) -> list[str]:
    """Every paragraph's text of a Word file, table cells included, in document order."""
    import docx
    from docx.oxml.ns import qn
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def docx_below(path, heading) -> list[str]:
    """The texts in the table cells below the cell that reads `heading`, in the same column."""
    import docx
    found = []
    for table in docx.Document(str(path)).tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        for r, row in enumerate(rows):
            if heading in row:
                column = row.index(heading)
                found += [later[column] for later in rows[r + 1:] if column < len(later)]
    return found


def signature_block(page, heading):
    return page.locator(".q-signature").filter(has=page.get_by_role("heading", name=heading, exact=True))


def talk_blocks(page):
    return page.locator("#veld-voortgangsgesprekken fieldset")


def test_manager_adds_progress_talk_cosigns_and_word_has_both(page, tmp_path):
    """Marco finds Eva's running plan among his team's, adds a progress talk, sets the next talk, and
    the Word file he downloads holds the talk and his name under Akkoord leidinggevende."""
    log_in(page, MARCO)
    team = page.locator("section").filter(
        has=page.get_by_role("heading", name="Plannen van mijn medewerkers"))
    expect(team.get_by_role("link", name="Daan Smit").first).to_be_visible()  # (another test adds plans)
    team.get_by_role("link", name="Eva Visser").click()
    expect(page.get_by_role("heading", name=re.compile(r"^POP van Eva Visser"))).to_be_visible()
    plan_url = page.url

    # Fase III: a second (or further) talk next to the demo's first one.
    go_to_phase(page, "Fase III")
    before = talk_blocks(page).count()
    assert before >= 1
    page.get_by_role("button", name="Voortgangsgesprek toevoegen").click()
    expect(talk_blocks(page)).to_have_count(before + 1)
    new_talk = talk_blocks(page).last
    expect(new_talk.locator("legend")).to_have_text(f"Voortgangsgesprek {before + 1}")
    expect(new_talk.get_by_label("Wat heeft u in de afgelopen tijd gedaan?")).to_have_value("")
    token = uuid.uuid4().hex[:8]
    done = f"Eva leidde het risicogesprek met de opdrachtgever zelf ({token})."
    new_talk.get_by_label("Datum voortgangsgesprek").fill("2026-10-05")
    new_talk.get_by_label("Wat heeft u in de afgelopen tijd gedaan?").fill(done)
    new_talk.get_by_label("Wat heeft dat opgeleverd?").fill("Risico’s op tijd op tafel; geen escalatie.")
    new_talk.get_by_label("Hoe tevreden bent u over de voorlopige resultaten?").fill("Tevreden.")
    new_talk.get_by_label("Hoe nu verder?").fill("Zelfstandig de stuurgroep voorbereiden.")
    save(page)

    page.reload()
    expect(talk_blocks(page)).to_have_count(before + 1)
    saved = [i for i in range(before + 1)
             if talk_blocks(page).nth(i).get_by_label("Wat heeft u in de afgelopen tijd gedaan?")
             .input_value() == done]
    assert len(saved) == 1, "the new talk is not stored exactly once"
    assert (talk_blocks(page).nth(saved[0]).get_by_label("Datum voortgangsgesprek").input_value()
            == "2026-10-05")

    # Afronding: the plan is agreed, so the akkoorden stand as given (no box to untick: changing
    # them is bijstellen); the next talk is set as the rhythm goes on.
    go_to_phase(page, "Afronding")
    manager_sig = signature_block(page, "Akkoord leidinggevende")
    expect(manager_sig).to_contain_text(f"Akkoord gegeven door Marco Jansen op {signed_nl()}.")
    expect(manager_sig.get_by_label(re.compile(r"Ik ga akkoord"))).to_have_count(0)
    expect(signature_block(page, "Akkoord medewerker")).to_contain_text("Akkoord gegeven door Eva Visser")
    page.get_by_label("Beoordelingsgesprek", exact=True).check()
    page.get_by_label("Dat gesprek zal gehouden worden op (datum):", exact=True).fill("2026-12-14")
    save(page)
    expect(page.get_by_label("Beoordelingsgesprek", exact=True)).to_be_checked()

    # The Word file from the plan page holds the new talk and his akkoord under the right heading.
    page.goto(plan_url)
    word = download(page, "Download Word", tmp_path)
    paragraphs = docx_paragraphs(word)
    assert done in paragraphs
    assert "05-10-2026" in " ".join(paragraphs)
    below = docx_below(word, "Akkoord leidinggevende")
    assert any("Marco Jansen" in text for text in below), below
    assert any(signed_nl() in text for text in below), below
    assert not any("Marco Jansen" in text for text in docx_below(word, "Akkoord medewerker"))
    assert any("☒\u00a0Beoordelingsgesprek" in p for p in paragraphs)


def _edit_docx(source, target, first_line=None, replace=None) -> int:
    """Copy a Word file, optionally with a new first paragraph and one text replaced in every run.
    Returns how many runs the replacement changed."""
    import docx
    from docx.oxml.ns import qn
    document = docx.Document(str(source))
    if first_line:
        document.paragraphs[0].insert_paragraph_before(first_line)
    changed = 0
    if replace:
        old, new = replace
        for t in document.element.body.iter(qn("w:t")):
            if t.text and old in t.text:
                t.text = t.text.replace(old, new)
                changed += 1
    document.save(str(target))
    return changed


def test_hr_changed_word_template_is_used_for_a_plan(page, tmp_path):
    """HR downloads the default Word template, adds a line to it, has a misspelled copy refused with a
    suggestion, uploads the good one, previews and activates it, and a plan's Word file shows the line."""
    log_in(page, HR)
    page.get_by_role("link", name="Sjablonen", exact=True).click()
    expect(page.get_by_role("heading", name="Eigen sjablonen")).to_be_visible()
    page.get_by_role("link", name="standaardsjabloon en de lijst met plaatshouders").click()
    expect(page.get_by_role("heading", name="Sjablonen maken: plaatshouders")).to_be_visible()
    default = download(page, "Word-sjabloon", tmp_path)

    token = uuid.uuid4().hex[:8]
    line = f"Gemeente Voorbeeld {token} – {{{{ medewerker.naam }}}}"
    good = tmp_path / f"gemeente-{token}.docx"
    wrong = tmp_path / f"gemeente-{token}-fout.docx"
    _edit_docx(default, good, first_line=line)
    assert _edit_docx(default, wrong, first_line=line,
                      replace=("{{ meer_doen }}", "{{ meer_doeen }}")) == 1

    page.get_by_role("link", name="Sjablonen", exact=True).click()
    uploads = page.get_by_role("table").get_by_role("row")

    # A misspelled placeholder is refused, named, with the nearest known name.
    page.get_by_label(TEMPLATE_FILE_LABEL).set_input_files(wrong)
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_text("Onbekende plaatshouder {{ meer_doeen }} in de hoofdtekst")).to_be_visible()
    expect(page.get_by_text("Bedoelt u {{ meer_doen }}?")).to_be_visible()
    expect(uploads.filter(has_text=wrong.name)).to_have_count(0)

    page.get_by_label(TEMPLATE_FILE_LABEL).set_input_files(good)
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("status")).to_contain_text(f"‘{good.name}’ is gecontroleerd en opgeslagen")
    row = uploads.filter(has_text=good.name)
    try:
        # The upload's report: what was found and where, and the demo plan filled in, in the page.
        expect(page.get_by_role("heading", name=f"Controle van ‘{good.name}’")).to_be_visible()
        expect(page.get_by_text("Niet actief: de exports gebruiken nog de standaardopmaak.")).to_be_visible()
        page.get_by_text("Alle velden en waar ze staan").click()
        found = page.locator("section", has=page.locator("#kop-gevonden")).get_by_role("row")
        expect(found.filter(has_text="{{ medewerker.naam }}").first).to_contain_text("de hoofdtekst, alinea 1")
        if preview_pages.available():
            first = page.get_by_role("img", name="Voorbeeld, pagina 1")
            expect(first).to_be_visible()
            assert first.evaluate("img => img.naturalWidth") > 300  # a real picture of the page
        with page.expect_download() as info:
            page.get_by_role("link", name="Voorbeeld downloaden").click()
        preview = tmp_path / "voorbeeld.docx"
        info.value.save_as(preview)
        assert docx_paragraphs(preview)[0] == f"Gemeente Voorbeeld {token} – Eva Visser"

        page.get_by_role("button", name="Activeren").click()
        expect(page.get_by_role("status")).to_contain_text(f"‘{good.name}’ wordt nu gebruikt")
        expect(row.get_by_role("cell").nth(4)).to_have_text("Actief")

        page.get_by_role("link", name="Plannen", exact=True).click()
        page.get_by_role("link", name="Eva Visser").click()
        word = download(page, "Download Word", tmp_path)
        paragraphs = docx_paragraphs(word)
        assert paragraphs[0] == f"Gemeente Voorbeeld {token} – Eva Visser"
        assert "Fase I: Zelfanalyse" in paragraphs  # the rest of the default layout is still there
    finally:
        # Back to the default layout for the other tests: remove this template.
        page.goto("/sjablonen")
        uploads.filter(has_text=good.name).get_by_role("button", name="Verwijderen").click()
        expect(uploads.filter(has_text=good.name)).to_have_count(0)


def test_fill_grid_and_cost_row_with_the_keyboard_only(page):
    """Fase II with Tab, Shift+Tab, Space, the arrow keys and Enter only: a +/±/– cell, a changed cell
    and two ja/nee cost rows are saved and found again after a reload."""
    log_in(page, DAAN)
    # A plan of his own for this test, so the grid starts empty however often it runs.
    period = f"2027 {uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="Nieuw POP").first.click()
    page.get_by_label("Periode").fill(period)
    page.get_by_role("button", name="Aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text(f"Het POP voor Daan Smit ({period}) is aangemaakt.")
    go_to_phase(page, "Fase II")

    def cell(row, column):
        return page.get_by_role("group", name=f"{row}: {column}", exact=True)

    projects_fit = cell("Leren van projecten/experimenten", "Past bij mijn leerdoel?")
    projects_like = cell("Leren van projecten/experimenten", "Ligt deze vorm mij?")
    working_time = cell("Werktijd die u niet kunt besteden aan productief werk", "Van toepassing")
    own_time = cell("Vrije tijd van uzelf", "Van toepassing")

    for group in (projects_fit, projects_like, working_time, own_time):
        expect(group).to_be_visible()  # each cell is a named group of its marks

    # From the top of the page, Tab to the first grid cell: one stop per cell, "+" first.
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(30):
        page.keyboard.press("Tab")
        if projects_fit.get_by_role("radio", name="+").evaluate("el => el === document.activeElement"):
            break
    expect(projects_fit.get_by_role("radio", name="+")).to_be_focused()
    page.keyboard.press("Space")
    expect(projects_fit.get_by_role("radio", name="+")).to_be_checked()

    page.keyboard.press("Tab")  # the next cell: Ligt deze vorm mij?
    expect(projects_like.get_by_role("radio", name="+")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(projects_like.get_by_role("radio", name="–")).to_be_checked()

    page.keyboard.press("Shift+Tab")  # back to the first cell, onto its chosen mark; change it to ±
    expect(projects_fit.get_by_role("radio", name="+")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(projects_fit.get_by_role("radio", name="±")).to_be_checked()
    expect(projects_fit.get_by_role("radio", name="+")).not_to_be_checked()

    # On to the cost rows (past the rest of the grids and the four POP answers).
    for _ in range(40):
        page.keyboard.press("Tab")
        if working_time.get_by_role("radio", name="ja").evaluate("el => el === document.activeElement"):
            break
    expect(working_time.get_by_role("radio", name="ja")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(own_time.get_by_role("radio", name="ja")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(own_time.get_by_role("radio", name="nee")).to_be_checked()

    page.keyboard.press("Enter")  # Enter in the form saves it
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()

    page.reload()
    expect(projects_fit.get_by_role("radio", name="±")).to_be_checked()
    expect(projects_like.get_by_role("radio", name="–")).to_be_checked()
    expect(working_time.get_by_role("radio", name="ja")).to_be_checked()
    expect(own_time.get_by_role("radio", name="nee")).to_be_checked()
    for untouched in (cell("Coaching", "Past bij mijn leerdoel?"), cell("Reis- en verblijfskosten",
                                                                        "Van toepassing")):
        expect(untouched.get_by_role("radio", checked=True)).to_have_count(0)


CONTRAST = """el => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el, colour;
  while (bg) {
    colour = rgb(getComputedStyle(bg).backgroundColor);
    if (colour.length === 3 || colour[3] > 0) break;
    bg = bg.parentElement;
  }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg ? colour : [255, 255, 255])];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_template_actions_are_legible(page, tmp_path):
    """HR must be able to see the Activeren and Verwijderen buttons of an uploaded template."""
    log_in(page, HR)
    page.goto("/sjablonen/hulp")
    default = download(page, "Word-sjabloon", tmp_path)
    upload = tmp_path / f"leesbaar-{uuid.uuid4().hex[:8]}.docx"
    upload.write_bytes(default.read_bytes())
    page.goto("/sjablonen")
    page.get_by_label(TEMPLATE_FILE_LABEL).set_input_files(upload)
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("heading", name=f"Controle van ‘{upload.name}’")).to_be_visible()
    for name in ("Activeren", "Voorbeeld downloaden", "← Alle sjablonen"):
        action = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
        ratio = action.evaluate(CONTRAST)
        assert ratio >= 4.5, f"‘{name}’ has a contrast of {ratio:.2f}:1 against its background"
    page.goto("/sjablonen")
    row = page.get_by_role("table").get_by_role("row").filter(has_text=upload.name)
    try:
        for name in ("Controle en voorbeeld", "Activeren", "Verwijderen"):
            action = row.get_by_role("link", name=name).or_(row.get_by_role("button", name=name))
            ratio = action.evaluate(CONTRAST)
            assert ratio >= 4.5, f"‘{name}’ has a contrast of {ratio:.2f}:1 against its background"
    finally:
        row.get_by_role("button", name="Verwijderen").click()
        expect(row).to_have_count(0)


def logged_in(browser, base_url, email):
    """A page in a browser context of its own (its own cookies), logged in as this person."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                  locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, email)
    return page


def current_state(page):
    return page.get_by_role("list", name="De POP-cyclus").locator("[aria-current]")


def step(page, name):
    """Take a step on the plan's overview; one with no way back asks first (a fold-out, then Ja)."""
    confirm = page.locator("details.confirm-step summary", has_text=name)
    if confirm.count():
        confirm.click()
        page.get_by_role("button", name=f"Ja, {name[0].lower()}{name[1:]}", exact=True).click()
    else:
        page.get_by_role("button", name=name, exact=True).click()


def test_one_plan_through_the_whole_cycle(browser, base_url, page):
    """Daan fills and shares, Marco reacts and gives his akkoord, Daan gives his, a progress talk is
    held, the evaluation is written, Marco closes the POP, HR sees it Afgerond, and the next cycle
    starts with the last one alongside."""
    def person(email):
        return logged_in(browser, base_url, email)

    token = uuid.uuid4().hex[:6]
    daan = page
    log_in(daan, DAAN)
    period = "2030"  # the module's database is new each run; the next cycle is 2031
    daan.get_by_role("link", name="Nieuw POP").first.click()
    daan.get_by_label("Periode").fill(period)
    daan.get_by_role("button", name="Aanmaken").click()
    go_to_phase(daan, "Fase I")
    goal = f"Presenteren voor de stuurgroep ({token})"
    daan.get_by_label("Meer doen", exact=True).fill("Vaker zelf de planning toelichten.")
    daan.get_by_label("Ontwikkeldoel, rij 1", exact=True).fill(goal)
    daan.get_by_label("Belang, rij 1", exact=True).fill("1")
    save(daan)
    daan.get_by_role("link", name=f"Daan Smit, {period}").click()
    plan_url = daan.url
    expect(current_state(daan)).to_have_text("Voorbereiding")
    step(daan, "Delen met leidinggevende")
    expect(daan.get_by_role("status")).to_contain_text("gedeeld met uw leidinggevende")
    expect(current_state(daan)).to_have_text("Ontwikkelgesprek")

    marco = person(MARCO)
    marco.goto(plan_url)
    go_to_phase(marco, "Fase I")
    expect(marco.get_by_text("Dit is de inbreng van de medewerker")).to_be_visible()
    marco.get_by_role("textbox", name="Reactie leidinggevende").fill(f"Goed doel; oefen eerst in het team ({token}).")
    marco.get_by_role("button", name="Reactie opslaan").click()
    expect(marco.get_by_role("status")).to_contain_text("Uw reactie is opgeslagen.")
    go_to_phase(marco, "Afronding")
    signature_block(marco, "Akkoord leidinggevende").get_by_label(re.compile("Ik ga akkoord")).check()
    save(marco)

    daan.goto(plan_url)
    go_to_phase(daan, "Fase I")
    expect(daan.locator("#reactie")).to_contain_text(f"oefen eerst in het team ({token})")
    go_to_phase(daan, "Afronding")
    signature_block(daan, "Akkoord medewerker").get_by_label(re.compile("Ik ga akkoord")).check()
    daan.get_by_role("button", name="Opslaan", exact=True).click()
    expect(daan.get_by_role("status").filter(has_text="het POP is vastgesteld (versie 1)")).to_be_visible()

    go_to_phase(daan, "Fase I")
    expect(daan.get_by_text("Alleen lezen.")).to_be_visible()
    expect(daan.get_by_role("button", name="Opslaan", exact=True)).to_have_count(0)
    go_to_phase(daan, "Fase III")
    talk = talk_blocks(daan).first
    talk.get_by_label("Datum voortgangsgesprek").fill("2030-06-01")
    talk.get_by_label("Wat heeft u in de afgelopen tijd gedaan?").fill("Twee keer de planning gepresenteerd.")
    save(daan)
    daan.goto(plan_url)
    expect(current_state(daan)).to_have_text("Uitvoering")
    step(daan, "Evaluatie starten")
    expect(current_state(daan)).to_have_text("Evaluatie")
    go_to_phase(daan, "Fase IV")
    daan.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True).fill("Ja.")
    daan.get_by_label("Hoe heb ik geleerd?", exact=True).fill(f"Door het te doen ({token}).")
    daan.get_by_label("Sluit uw POP af", exact=True).fill("Afgesloten.")
    save(daan)

    marco.goto(plan_url)
    step(marco, "POP afronden")
    expect(marco.get_by_role("status")).to_contain_text("Het POP is afgerond.")
    expect(current_state(marco)).to_have_text("Afgerond")

    hr = person(HR)
    hr.goto("/?status=afgerond")
    row = hr.get_by_role("row").filter(has_text=period)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Daan Smit")
    expect(row).to_contain_text("Afgerond")

    daan.goto(plan_url)
    step(daan, "Nieuw POP")
    expect(daan.get_by_role("status")).to_contain_text("Het nieuwe POP voor 2031 is aangemaakt")
    reference = daan.get_by_role("complementary", name=re.compile("Ter referentie: het vorige POP"))
    expect(reference).to_contain_text(goal)
    expect(reference).to_contain_text(f"Door het te doen ({token}).")
    for other in (marco, hr):
        other.context.close()


def test_errors_after_adding_a_row_are_in_view(page):
    """After "+ Ontwikkeldoel toevoegen" the page sits at the new row; a save with an error there
    used to come back at that row, with the message off-screen: the user saw nothing happen."""
    page.set_viewport_size({"width": 1024, "height": 500})  # a laptop with the browser not maximised
    log_in(page, YOUSSEF)
    open_own_plan(page, "Youssef el Amrani")
    go_to_phase(page, "Fase I")
    page.get_by_role("button", name="Ontwikkeldoel toevoegen").click()
    new_row = goal_rows(page).count()
    page.get_by_label(f"Ontwikkeldoel, rij {new_row}", exact=True).fill("Nog een doel")
    page.get_by_label(f"Belang, rij {new_row}", exact=True).fill("1")  # the demo's first goal has 1
    page.get_by_role("button", name="Opslaan", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("al aan een ander ontwikkeldoel gegeven")
    expect(alert).to_be_in_viewport()
    expect(alert).to_be_focused()
    assert page.get_by_label(f"Ontwikkeldoel, rij {new_row}", exact=True).input_value() == "Nog een doel"


def test_a_date_that_is_no_date_is_not_saved_silently(page):
    """A date box with one part wiped (the day emptied, month and year left) is "bad", and the
    browser then sends nothing: the server stored an empty date and said "Opgeslagen"."""
    log_in(page, YOUSSEF)
    open_own_plan(page, "Youssef el Amrani")
    go_to_phase(page, "Gegevens")
    date = page.get_by_label("Datum POP-gesprek:", exact=True)
    before = date.input_value()
    date.click()
    page.keyboard.press("Backspace")
    assert date.evaluate("el => el.validity.badInput"), "the box holds no complete date"
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".browser-error")).to_have_text(
        "Dit is geen geldige datum. Gebruik de vorm dd-mm-jjjj, bijvoorbeeld 15-03-2027.")
    expect(date).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_have_count(0)
    page.goto(page.url.split("#")[0])
    assert page.get_by_label("Datum POP-gesprek:", exact=True).input_value() == before


def test_hr_switches_to_the_compact_pop_and_a_new_plan_is_agreed_and_exported_on_it(browser, own_site,
                                                                                     tmp_path):
    """The issue's 'done when': HR switches the organisation to the compact POP, Daan's new plan uses
    it, Daan fills it and shares it, both agree, and the Word and Excel files hold his answers under
    the compact POP's own title."""
    import openpyxl
    token = uuid.uuid4().hex[:6]
    hr = logged_in(browser, own_site, HR)
    hr.get_by_role("link", name="Instellingen", exact=True).click()  # its first page: the forms
    hr.get_by_role("checkbox", name=re.compile(r"^POP \(uitgebreid\)")).uncheck()
    hr.get_by_role("radio", name="POP (compact)", exact=True).check()
    hr.get_by_role("button", name="Opslaan", exact=True).click()
    expect(hr.get_by_role("status")).to_contain_text("Opgeslagen.")

    daan = logged_in(browser, own_site, DAAN)
    daan.get_by_role("link", name="Nieuw POP").first.click()
    choice = daan.get_by_label("Formulier")
    expect(choice).to_have_value("pop-compact")
    expect(choice.locator("option")).to_have_count(3)
    expect(choice.locator('option[value="pop-uitgebreid"]')).to_have_count(0)
    daan.get_by_label("Periode").fill("2031")
    daan.get_by_role("button", name="Aanmaken").click()
    go_to_phase(daan, "Profiel")
    daan.get_by_label("Rol", exact=True).fill(f"Projectmedewerker ({token})")
    daan.get_by_label("Ambitie", exact=True).fill("Over twee jaar projectleider.")
    save(daan)
    go_to_phase(daan, "Doelen")
    goal = f"Zelf een stuurgroep voorzitten ({token})"
    daan.get_by_label("Doel / ontwikkelfocus", exact=True).first.fill(goal)
    daan.get_by_label("Waarom (impact)", exact=True).first.fill("Projecten lopen dan minder vertraging op.")
    daan.get_by_label("Specifiek", exact=True).first.fill("Drie vergaderingen van de stuurgroep in 2031.")
    save(daan)
    daan.get_by_role("link", name="Daan Smit, 2031").click()
    plan_url = daan.url
    expect(daan.get_by_role("heading", name="POP van Daan Smit 2031")).to_be_visible()
    expect(daan.get_by_text("Persoonlijk Ontwikkelplan (POP)").first).to_be_visible()
    smart = daan.locator("li").filter(has_text=goal)
    expect(smart).to_contain_text("ontbreekt: Meetbaar, Acceptabel, Realistisch, Tijdgebonden")
    step(daan, "Delen met leidinggevende")
    expect(current_state(daan)).to_have_text("Ontwikkelgesprek")

    marco = logged_in(browser, own_site, MARCO)
    marco.goto(plan_url)
    go_to_phase(marco, "Afronding")
    signature_block(marco, "Akkoord leidinggevende").get_by_label(re.compile("Ik ga akkoord")).check()
    save(marco)
    daan.goto(plan_url)
    go_to_phase(daan, "Afronding")
    signature_block(daan, "Akkoord medewerker").get_by_label(re.compile("Ik ga akkoord")).check()
    daan.get_by_role("button", name="Opslaan", exact=True).click()
    expect(daan.get_by_role("status").filter(has_text="het POP is vastgesteld (versie 1)")).to_be_visible()

    daan.goto(plan_url)
    expect(current_state(daan)).to_have_text("Vastgesteld")
    word = docx_paragraphs(download(daan, "Download Word", tmp_path))
    assert word[0] == "Persoonlijk Ontwikkelplan (POP)"
    assert f"Projectmedewerker ({token})" in word and goal in word
    assert "Drie vergaderingen van de stuurgroep in 2031." in word
    assert not any("Fase I" in line for line in word)  # nothing of the extended form
    workbook = openpyxl.load_workbook(download(daan, "Download Excel", tmp_path))
    cells = {str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None}
    assert goal in cells and f"Projectmedewerker ({token})" in cells
    for other in (hr, marco):
        other.context.close()
    daan.context.close()


def test_no_page_of_any_forms_demo_plan_is_wider_than_the_window(browser, base_url):
    """A wide grid scrolls inside its box; nothing may widen the page itself (the POP table's hidden
    cell labels once did, by 150 pixels, giving every page of it a sideways scroll bar)."""
    for email in (EVA, "noor.dewit@voorbeeld.nl", "kim.hendriks@voorbeeld.nl", "bas.verhoeven@voorbeeld.nl"):
        page = logged_in(browser, base_url, email)
        page.set_viewport_size({"width": 1024, "height": 800})
        own = page.locator("section").filter(has=page.get_by_role("heading", name="Mijn POP’s"))
        own.get_by_role("table").get_by_role("link").first.click()
        overview = urlsplit(page.url).path
        parts = [a.get_attribute("href") for a in
                 page.get_by_role("navigation", name="Fasen").get_by_role("link").all()]
        assert len(parts) >= 4, (email, parts)
        for path in [overview, *parts, overview + "/afdrukken"]:
            page.goto(path)
            width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width <= window, (email, path, width, window)
        page.context.close()


def test_the_akkoord_is_given_on_the_plans_overview(browser, own_site):
    """Issue 15: the akkoord is a step on the plan's page, not a checkbox inside Afronding. Youssef
    (shared, his akkoord given) withdraws and gives it again there, with what is still empty shown
    before he signs; Marco gives his on the same page and the plan is Vastgesteld. On a site of its
    own: the other tests edit Youssef's plan in the ontwikkelgesprek."""
    youssef = logged_in(browser, own_site, YOUSSEF)
    open_own_plan(youssef, "Youssef el Amrani")
    plan_url = youssef.url
    akkoord = youssef.locator("section#akkoord")
    expect(akkoord).to_contain_text("Akkoord medewerker: gegeven door Youssef el Amrani")
    expect(akkoord).to_contain_text("Akkoord leidinggevende: nog niet gegeven")
    youssef.get_by_role("button", name="Akkoord intrekken", exact=True).click()
    expect(youssef.get_by_role("status").filter(has_text="Uw akkoord is ingetrokken.")).to_be_visible()
    expect(akkoord).to_contain_text("Akkoord medewerker: nog niet gegeven")
    # Before signing: what is still empty, per part, and the goals' missing SMART letters.
    expect(akkoord).to_contain_text("Nog leeg in het plan waarvoor u tekent")
    expect(akkoord).to_contain_text("Fase II: Ontwikkelgesprek en opstellen POP:")
    youssef.get_by_role("button", name="Akkoord geven", exact=True).click()
    expect(youssef.get_by_role("status").filter(has_text="Uw akkoord is gegeven.")).to_be_visible()
    expect(current_state(youssef)).to_have_text("Ontwikkelgesprek")

    marco = logged_in(browser, own_site, MARCO)
    marco.goto(plan_url)
    expect(marco.locator("section#akkoord")).to_contain_text("Nog leeg in het plan waarvoor u tekent")
    marco.get_by_role("button", name="Akkoord geven", exact=True).click()
    expect(marco.get_by_role("status").filter(has_text="het POP is vastgesteld (versie 1)")).to_be_visible()
    expect(current_state(marco)).to_have_text("Vastgesteld")
    expect(marco.locator("section#akkoord")).to_contain_text("Akkoord leidinggevende: gegeven door Marco Jansen")
    expect(marco.get_by_role("button", name="Akkoord intrekken")).to_have_count(0)
    for page in (youssef, marco):
        page.context.close()


def test_text_typed_when_the_session_ended_elsewhere_comes_back_after_logging_in(browser, base_url):
    """Issue 15: Fatima writes her evaluation on one device while her session is ended on another
    (she logs out there). Opslaan takes her to the log-in page; after logging in she lands on her
    part with her text in place, not saved yet, and one click saves it."""
    laptop = logged_in(browser, base_url, FATIMA)
    open_own_plan(laptop, "Fatima Bouzid")
    go_to_phase(laptop, "Fase IV")
    text = f"Geschreven op de laptop ({uuid.uuid4().hex[:8]}).\nTweede regel."
    laptop.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True).fill(text)

    phone = logged_in(browser, base_url, FATIMA)
    phone.get_by_role("button", name="Uitloggen").click()  # ends her sessions on every device
    expect(phone.get_by_text("U bent uitgelogd.")).to_be_visible()

    laptop.get_by_role("button", name="Opslaan", exact=True).click()
    expect(laptop.get_by_text("er is nog niets opgeslagen")).to_be_visible()
    laptop.get_by_label("E-mailadres").fill(FATIMA)
    laptop.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    laptop.get_by_role("button", name="Inloggen").click()
    expect(laptop.get_by_role("alert")).to_contain_text("Nog niet opgeslagen: u was niet meer ingelogd")
    answer = laptop.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True)
    assert answer.input_value() == text
    laptop.get_by_role("button", name="Opslaan", exact=True).click()
    expect(laptop.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()
    laptop.reload()
    assert laptop.get_by_label("Heb ik mijn ontwikkeldoelen gehaald?", exact=True).input_value() == text
    for page in (laptop, phone):
        page.context.close()


def test_a_paste_past_the_limit_is_counted_not_cut_off(page):
    """Issue 15: the browser used to cut a paste at maxlength and the app said "Opgeslagen.". Now the
    counter under the box says how much is too much while the text stays whole, and the save is
    refused with the text given back."""
    from forms.limits import LONG_ANSWER_CHARS

    log_in(page, FATIMA)
    open_own_plan(page, "Fatima Bouzid")
    go_to_phase(page, "Fase IV")
    answer = page.get_by_label("Hoe heb ik geleerd?", exact=True)
    counter = page.locator("#hoe_geleerd-teller")
    answer.fill("Kort.")
    expect(counter).to_have_text(f"Nog {LONG_ANSWER_CHARS - 5:,} tekens over.".replace(",", "."))
    pasted = "p" * (LONG_ANSWER_CHARS + 25)
    answer.fill(pasted)
    assert answer.input_value() == pasted  # nothing cut off
    expect(counter).to_have_text("25 tekens te veel.")
    expect(page.get_by_role("alert").filter(has_text="Er is niets afgeknipt")).to_be_visible()
    expect(page.locator("#plan-tekens")).to_contain_text("met uw wijzigingen")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("Niet opgeslagen")
    assert page.get_by_label("Hoe heb ik geleerd?", exact=True).input_value() == pasted
