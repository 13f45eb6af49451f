"""Colleagues' feedback in headless Chromium on the demo site (see tests/test_browser.py for how it is
served): what the HTTP tests cannot show is that the buttons beside the Sterke punten / Verbeterpunten,
which stand inside the part's own form but belong to another (their form= attribute), send that other
form in a real browser, with its CSRF token, and leave the part's answers alone."""

from forms import get_form
from test_browser import (TIMEOUT_MS, base_url, browser, chromium_path, expect, go_to_phase,  # noqa: F401
                          log_in, open_own_plan)

DAAN = "daan.smit@voorbeeld.nl"  # an empty plan in the voorbereiding: Fase I is a form he can save
EVA = "eva.visser@voorbeeld.nl"
QUESTIONS = get_form("pop-uitgebreid").colleague_feedback[1].questions


def new_page(browser, site, email):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, email)
    return page


def test_asked_answered_and_shared_with_the_buttons_beside_the_table(browser, base_url):
    daan = new_page(browser, base_url, DAAN)
    open_own_plan(daan, "Daan Smit")
    go_to_phase(daan, "Fase I")
    daan.get_by_role("link", name="Een collega om feedback vragen").click()
    daan.get_by_label("Collega in POP").select_option(label="Eva Visser (Projecten)")
    daan.get_by_role("button", name="Vraag versturen").click()
    # The demo site sends no mail: Eva finds it on her list.
    expect(daan.get_by_role("status").filter(has_text="Eva Visser ziet uw vraag wel in POP")).to_be_visible()

    eva = new_page(browser, base_url, EVA)
    eva.get_by_role("link", name="Geef feedback aan Daan Smit").click()
    eva.get_by_label(QUESTIONS[0]).fill("Daan denkt vooruit.")
    eva.get_by_label(QUESTIONS[1]).fill("Vaker hulp vragen.")
    eva.get_by_role("button", name="Versturen").click()
    expect(eva.get_by_role("status").filter(has_text="Uw feedback is verstuurd naar Daan Smit")).to_be_visible()
    eva.context.close()

    daan.reload()
    block = daan.locator("#feedback")
    expect(block).to_contain_text("Daan denkt vooruit.")
    block.get_by_role("button", name="Delen met het plan").click()
    expect(daan.get_by_role("status").filter(
        has_text="Het antwoord van Eva Visser is gedeeld met het plan.")).to_be_visible()
    expect(daan.locator("#feedback")).to_contain_text("gedeeld met het plan")
    expect(daan.locator("#feedback").get_by_role("button", name="Niet meer delen")).to_be_visible()
    daan.context.close()
