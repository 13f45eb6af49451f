"""Browser tests of issue 15's pages that read clearly, in headless Chromium on the demo site (see
tests/test_browser.py for how it is served): a part the manager can only read is a document; the POP
table's eight columns all readable at 1024 and 1280 px without sideways scrolling, on the form and read
as a document; the matrix on a 390 px phone says which mark is Prestaties and which Potentie."""
import re

import pytest

from test_browser import (TIMEOUT_MS, base_url, browser, chromium_path, expect, go_to_phase,  # noqa: F401
                          log_in, open_own_plan, own_site)
from forms import get_form

MARCO = "marco.jansen@voorbeeld.nl"
SANNE = "sanne.bakker@voorbeeld.nl"
KIM = "kim.hendriks@voorbeeld.nl"
POP_TABLE = get_form("pop-tabel").field("doelen")


def new_page(browser, site, email, width, height=900):
    context = browser.new_context(base_url=site, viewport={"width": width, "height": height},
                                  locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, email)
    return page


def open_team_plan(page, name):
    team = page.locator("section").filter(
        has=page.get_by_role("heading", name="Plannen van mijn medewerkers"))
    team.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", name=re.compile(rf"^POP van {name}"))).to_be_visible()


def test_the_manager_reads_an_agreed_part_as_a_document(browser, base_url):
    page = new_page(browser, base_url, MARCO, 1280)
    open_team_plan(page, "Eva Visser")
    go_to_phase(page, "Fase II")
    part = page.locator(".paper-form")
    expect(part).to_have_count(1)
    # Nothing to type into or tick: no text box, radio button, check box or drop-down in the part.
    for role in ("textbox", "radio", "checkbox", "combobox", "spinbutton"):
        expect(part.get_by_role(role)).to_have_count(0)
    expect(part).not_to_contain_text("Hoogstens")
    # The chosen marks in words, next to their row: the +/±/– grid of Leeractiviteiten.
    grid = part.locator("table.matrix").first
    expect(grid).to_be_visible()
    first_row = grid.locator("tbody tr").first
    marks = first_row.locator("td.doc-mark")
    expect(marks.first).to_have_text(re.compile(r"^[+±–] (plus|matig|min)$"))
    # The ja/nee grid of the costs: the word itself.
    expect(part.locator("td.doc-mark").filter(has_text=re.compile(r"^(ja|nee)$")).first).to_be_visible()
    # No SMART panel or writing row open to type into.
    expect(part.locator("details[open]")).to_have_count(0)
    page.context.close()


def columns_in_view(page, table):
    """Per column of the POP table: is its name and its cell of the first row inside the window, and
    the row not wider than the table? (The column's name is the heading above the cell.)"""
    return page.evaluate("""([table, labels]) => {
        const width = window.innerWidth;
        const row = table.querySelector('tbody tr:not(.row-extra)');
        const box = table.getBoundingClientRect();
        return labels.map(label => {
            const cell = [...row.children].find(td => td.dataset.label === label);
            if (!cell) return [label, 'no cell'];
            const r = cell.getBoundingClientRect();
            const name = getComputedStyle(cell, '::before').content;
            const shown = r.width > 40 && r.height > 0 && r.left >= 0 && r.right <= width
                && r.left >= box.left - 1 && r.right <= box.right + 1 && name.includes(label);
            return [label, shown ? 'ok' : `${Math.round(r.left)}..${Math.round(r.right)} of ${width}, ${name}`];
        });
    }""", [table.element_handle(), [c.label for c in POP_TABLE.columns if c.kind != "smart"]])


def assert_pop_table_fits(page, table, width):
    seen = columns_in_view(page, table)
    assert len(seen) == 8
    assert all(state == "ok" for _, state in seen), (width, seen)
    # Nothing wider than its box: not the table, not the page.
    assert page.evaluate("t => t.scrollWidth <= t.clientWidth + 1 && "
                         "t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1",
                         table.element_handle()), width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_pop_table_read_by_the_manager_shows_all_eight_columns(browser, base_url, width):
    page = new_page(browser, base_url, SANNE, width)
    open_team_plan(page, "Kim Hendriks")
    go_to_phase(page, "Plan")
    table = page.locator("table.wide")
    expect(table).to_have_count(1)
    assert_pop_table_fits(page, table, width)
    page.context.close()


def test_the_pop_table_on_the_form_shows_all_eight_columns(browser, own_site):
    """Kim adjusts her agreed POP table (Bijstellen): the form of eight columns, at 1024 and 1280 px."""
    page = new_page(browser, own_site, KIM, 1280)
    open_own_plan(page, "Kim Hendriks")
    page.get_by_role("button", name="Bijstellen", exact=True).click()
    go_to_phase(page, "Plan")
    table = page.locator("#veld-doelen table")
    expect(table.get_by_role("textbox").first).to_be_editable()
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        assert_pop_table_fits(page, table, width)
        # The inputs of the last column are there to type into, with the keyboard too.
        last_column = [c for c in POP_TABLE.columns if c.kind != "smart"][-1].label  # Beloning
        last = table.get_by_label(re.compile(rf"^{last_column}, rij 1$"))
        last.focus()
        expect(last).to_be_focused()
        box = last.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
    # No sideways-scrolling region is left around it (WCAG 2.1.1: nothing focusable could reach it).
    assert page.evaluate("""() => [...document.querySelectorAll('.q-table, .q-table *')].every(
        el => !['auto', 'scroll'].includes(getComputedStyle(el).overflowX) || el.scrollWidth <= el.clientWidth)""")
    page.context.close()


def test_the_matrix_on_a_phone_names_prestaties_and_potentie(browser, base_url):
    page = new_page(browser, base_url, MARCO, 390, 844)
    page.goto("/matrix")
    first = page.locator("table.placements tbody tr").first
    for axis in ("Prestaties", "Potentie"):
        label = first.locator("td.axis .cell-label").filter(has_text=re.compile(rf"^{axis}$"))
        expect(label).to_be_visible()
        box = label.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (axis, box)
    # The group's quarters say where they stand, with the table's headings hidden on the phone.
    expect(page.locator("#kwadrant-high-potentials .cell-label")).to_have_text("Prestaties +, potentie +")
    expect(page.locator("#kwadrant-high-potentials .cell-label")).to_be_visible()
    # On a laptop the table's own headings say it; the cells do not repeat it.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(first.locator("td.axis .cell-label").first).to_be_hidden()
    page.context.close()


def test_a_long_link_in_a_check_in_does_not_widen_the_phone_page(browser, base_url):
    """A walk on a phone: a SharePoint link pasted into a GROW check-in made Noor's page 47,000 px
    wide and covered Opslaan (a fieldset is as wide as its content by default)."""
    page = new_page(browser, base_url, "noor.dewit@voorbeeld.nl", 390, 844)
    open_own_plan(page, "Noor de Wit")
    go_to_phase(page, "Ritme")
    page.locator("fieldset.block textarea").last.fill("https://sharepoint.voorbeeld.nl/sites/" + "x" * 3000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save = page.get_by_role("button", name="Opslaan", exact=True)
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.context.close()
