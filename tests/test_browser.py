"""Browser tests: the demo organisation served by a real HTTP server, used through headless Chromium.

They check what the HTTP tests cannot: that the labels really lead to the inputs, that a saved long
answer comes back after a reload, that the add-row button and the validation messages work in a
browser, and that one can log in with the keyboard alone.

Debian's Chromium is used (`playwright install` is not needed). Without it these tests are skipped,
unless POP_REQUIRE_BROWSER=1 (as in CI), when a missing browser is a failure.
"""
import os
import re
import shutil
import threading
import uuid
from urllib.parse import urlsplit

import pytest

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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The app with the demo organisation, served on a free port in a daemon thread."""
    from werkzeug.serving import make_server

    import app as app_module
    from pop.demo import load_demo

    tmp = tmp_path_factory.mktemp("browser")
    flask_app = app_module.create_app({"SECRET_KEY": "x",
                                       "DATABASE_URL": f"sqlite:///{tmp}/b.sqlite3"})
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


def open_eva_plan(page):
    """From the overview, Eva's own plan: the period link in the table under 'Mijn POP’s'."""
    own = page.locator("section").filter(has=page.get_by_role("heading", name="Mijn POP’s"))
    own.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^POP van Eva Visser"))).to_be_visible()


def go_to_phase(page, name):
    page.get_by_role("navigation", name="Fasen").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("navigation", name="Fasen")
           .get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def goal_rows(page):
    return page.locator("#veld-ontwikkeldoelen table tbody tr")


def test_long_answer_survives_save_and_reload(page):
    log_in(page, EVA)
    open_eva_plan(page)
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
    log_in(page, EVA)
    open_eva_plan(page)
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
    log_in(page, EVA)
    open_eva_plan(page)
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
    log_in(page, EVA)
    open_eva_plan(page)
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
    page.goto(page.url)
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
