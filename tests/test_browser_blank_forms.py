"""Browser test: HR's own blank Word form (no placeholders) through the proposal page, in headless
Chromium, end to end (pop/views/blank_forms.py, templates/exports/blank_form.html).

HR uploads the blank form on Sjablonen, lands on the proposal, finds the manager's name proposed for
"Naam:" under "Leidinggevende", changes one place to another question, confirms, activates the new
template, and the plan's Word file holds the newly chosen question's answer in that place.

Like tests/test_browser.py: Debian's Chromium, skipped without it unless POP_REQUIRE_BROWSER=1.
"""
import re

import pytest
from test_blank_forms import blank_word_form
from test_browser import (CHROMIUM_ARGS, HR, TEMPLATE_FILE_LABEL, TIMEOUT_MS, chromium_path,  # noqa: F401
                          demo_site, download, expect, log_in, sync_api)

EVA_NAME = "Eva Visser"
MARCO_NAME = "Marco Jansen"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    # A site of its own: the test activates a Word template for the demo's form.
    with demo_site(tmp_path_factory.mktemp("browser-blank")) as url:
        yield url


@pytest.fixture(scope="module")
def page(chromium_path, base_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                          locale="nl-NL")
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
        finally:
            browser.close()


def place_row(page, printed: str):
    """The row of the proposal whose text printed on the form reads `printed` (heading included)."""
    rows = page.locator("table.blank-places tbody tr")
    return rows.filter(has=page.locator("td:nth-child(2)", has_text=re.compile(printed)))


def test_hr_turns_a_blank_word_form_into_a_template_and_the_plan_s_word_file_follows_it(page, tmp_path):
    import docx
    from pop.demo import demo_answers
    from pop import clock
    answers = demo_answers(clock.today())

    form = tmp_path / "Ons POP-formulier.docx"
    form.write_bytes(blank_word_form())

    log_in(page, HR)
    page.get_by_role("link", name="Sjablonen", exact=True).click()
    expect(page.get_by_role("heading", name="Eigen sjablonen")).to_be_visible()
    page.get_by_label("Formulier", exact=True).select_option(value="pop-uitgebreid")
    page.get_by_label(TEMPLATE_FILE_LABEL).set_input_files(form)
    page.get_by_role("button", name="Uploaden en controleren").click()

    # The proposal: each empty place found, with the question proposed for it.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ons POP-formulier.docx")
    assert re.search(r"/sjablonen/blanco/\d+$", page.url), page.url
    manager_name = place_row(page, r"^\s*Naam:\s*\(onder ‘Leidinggevende’\)")
    expect(manager_name).to_have_count(1)
    expect(manager_name.get_by_role("combobox").first).to_have_value("leidinggevende_naam")
    expect(manager_name.locator("select option:checked").first).to_have_text("Naam leidinggevende")
    employee_name = place_row(page, r"^\s*Naam:\s*\(onder ‘Medewerker’\)")
    expect(employee_name.get_by_role("combobox").first).to_have_value("medewerker_naam")

    # HR changes one place: the lines under "Meer doen:" are to hold "Nieuwe ontwikkelingen". Each
    # select is named for its place, so a screen reader (and this test) finds it by its label too.
    meer_doen = place_row(page, r"^\s*Meer doen:").get_by_role("combobox").first
    expect(meer_doen).to_have_value("meer_doen")
    select_id = meer_doen.get_attribute("id")
    label = page.locator(f'label[for="{select_id}"]')
    expect(label).to_have_count(1)
    meer_doen.focus()
    meer_doen.select_option(value="nieuwe_ontwikkelingen")
    expect(meer_doen).to_have_value("nieuwe_ontwikkelingen")

    page.get_by_role("button", name="Bevestigen en sjabloon maken").click()
    expect(page.get_by_role("status")).to_contain_text("‘Ons POP-formulier.docx’ is nu een sjabloon")
    expect(page.get_by_role("heading", name="Controle van ‘Ons POP-formulier.docx’")).to_be_visible()
    page.get_by_role("button", name="Activeren").click()
    expect(page.get_by_role("status")).to_contain_text("‘Ons POP-formulier.docx’ wordt nu gebruikt")

    # Eva's plan, downloaded by HR as Word: each answer in the place HR confirmed.
    page.get_by_role("link", name="Plannen", exact=True).click()
    page.get_by_role("link", name=EVA_NAME).first.click()
    expect(page.get_by_role("heading", name=re.compile(rf"^POP van {EVA_NAME}"))).to_be_visible()
    word = docx.Document(str(download(page, "Download Word", tmp_path)))
    employee, manager = word.tables[0], word.tables[1]
    assert [employee.cell(0, 0).text, employee.cell(0, 1).text] == ["Naam:", EVA_NAME]
    assert [manager.cell(1, 0).text, manager.cell(1, 1).text] == ["Naam:", MARCO_NAME]
    texts = [p.text for p in word.paragraphs]
    assert texts[texts.index("Meer doen:") + 1] == answers["nieuwe_ontwikkelingen"], \
        "the place HR changed holds the answer of the question HR chose"
    assert answers["meer_doen"] not in "\n".join(texts), "Meer doen has no place any more"
