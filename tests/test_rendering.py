"""What the pages show: every word of the paper form on its part, inputs that a screen reader can name,
and a print view with all texts and answers."""
import re
from collections import Counter

import pytest

from conftest import text_of
from forms.definition import FormDefinition
from support import FILL, FORM, PART_KEYS, doc, fill_plan, part_url, state_for_part, stored


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def texts_of_part(part) -> set[str]:
    """The texts of one part, through the definition's own texts() (so nothing is forgotten)."""
    single = FormDefinition(key="one", title="", short_title="", parts=(part,))
    return {normalise(t) for t in single.texts() if t and t.strip()}


@pytest.mark.parametrize("part_key", PART_KEYS)
def test_every_text_of_a_part_is_on_its_page(org, login, part_key):
    anna = login(org["a"])
    response = anna.get(part_url(org["plan_a"], part_key))
    assert response.status_code == 200
    page = text_of(response)
    expected = texts_of_part(FORM.part(part_key))
    assert expected, part_key
    missing = sorted(t for t in expected if t not in page)
    assert not missing, f"{part_key}: texts of the definition missing from the page:\n" + "\n".join(missing)


def test_texts_of_a_part_are_not_only_checked_against_themselves(org, login):
    """The check above really compares with the page: another part's question is not on fase-1."""
    anna = login(org["a"])
    page = text_of(anna.get(part_url(org["plan_a"], "fase-1")))
    assert "Heb ik mijn ontwikkeldoelen gehaald?" not in page
    assert "Hoe ziet uw werk er over 3 jaar uit?" in page


# ---------------------------------------------------------------- accessibility


def _has_name(element) -> bool:
    return bool(normalise(element.text_content()))


def unlabelled_controls(root) -> list[str]:
    """Form controls without an accessible name from a <label for>, an enclosing <label>, or an
    enclosing <fieldset> with a non-empty <legend>."""
    labels_for = {label.get("for") for label in root.xpath("//label[@for]") if _has_name(label)}
    problems = []
    for control in root.xpath("//input | //textarea | //select"):
        if control.get("type") in ("hidden", "submit", "button", "reset", "image"):
            continue
        ident = control.get("id")
        if ident and ident in labels_for:
            continue
        if any(_has_name(label) for label in control.xpath("ancestor::label")):
            continue
        if any(_has_name(legend) for legend in control.xpath("ancestor::fieldset/legend")):
            continue
        problems.append(f"<{control.tag} name={control.get('name')!r} id={ident!r}>")
    return problems


def aria_problems(root) -> list[str]:
    ids = [el.get("id") for el in root.xpath("//*[@id]")]
    problems = [f"id {i!r} used {n} times" for i, n in Counter(ids).items() if n > 1]
    known = set(ids)
    for el in root.xpath("//*[@aria-describedby]"):
        for ref in el.get("aria-describedby").split():
            if ref not in known:
                problems.append(f"{el.get('name') or el.get('id')}: aria-describedby points to "
                                f"missing id {ref!r}")
    for el in root.xpath("//*[@aria-invalid]"):
        if el.get("aria-invalid") not in ("true", "false"):
            problems.append(f"{el.get('name') or el.get('id')}: aria-invalid={el.get('aria-invalid')!r}")
    for el in root.xpath("//label[@for]"):
        if el.get("for") not in known:
            problems.append(f"label for missing id {el.get('for')!r}")
    return problems


@pytest.mark.parametrize("part_key", PART_KEYS)
def test_every_input_of_a_part_has_a_label(app, org, login, part_key):
    # As the one who writes the part, in a state where they may: a part someone can only read has no
    # inputs at all (issue 15).
    state_for_part(app, org["plan_a"], part_key)
    writer = login(org["m1"] if FORM.part(part_key).cycle == "gesprek" else org["a"])
    # Two progress talks and an extra table row: repeated rows must be labelled too.
    response = writer.get(part_url(org["plan_a"], part_key) + "?rij=voortgangsgesprekken&leeg=2")
    root = doc(response)
    assert root.xpath("//form//textarea | //form//input[@type!='hidden']"), "no inputs found"
    assert not unlabelled_controls(root), unlabelled_controls(root)


@pytest.mark.parametrize("part_key", PART_KEYS)
def test_aria_references_and_ids_are_valid(org, login, part_key):
    anna = login(org["a"])
    response = anna.get(part_url(org["plan_a"], part_key) + "?rij=voortgangsgesprekken&leeg=2")
    problems = aria_problems(doc(response))
    assert not problems, "\n".join(problems)


def test_errors_are_tied_to_their_input(org, login):
    """With an error shown, the input says it is invalid and points to its message."""
    anna = login(org["a"])
    response = anna.post(part_url(org["plan_a"], "gegevens"),
                         data={"datum_pop_gesprek": "morgen", "go": "stay"})
    assert response.status_code == 422
    root = doc(response)
    date_input = root.get_element_by_id("datum_pop_gesprek")
    assert date_input.get("aria-invalid") == "true"
    assert "datum_pop_gesprek-error" in date_input.get("aria-describedby", "").split()
    assert not aria_problems(root), aria_problems(root)


@pytest.mark.parametrize("url", ["/plans/nieuw", "/mensen/nieuw", "OVERVIEW", "/"])
def test_other_forms_have_labels_too(org, login, url):
    hr = login(org["hr"])
    root = doc(hr.get(f"/plans/{org['plan_a']}" if url == "OVERVIEW" else url))
    assert not unlabelled_controls(root), unlabelled_controls(root)
    assert not aria_problems(root), aria_problems(root)


def test_login_form_has_labels(client):
    root = doc(client.get("/login"))
    assert root.xpath("//input[@name='email']"), "no log-in form"
    assert not unlabelled_controls(root), unlabelled_controls(root)
    assert not aria_problems(root), aria_problems(root)


# ---------------------------------------------------------------- print view


def all_texts() -> set[str]:
    return {normalise(t) for t in FORM.texts() if t and t.strip()}


def test_print_view_of_an_empty_plan_has_every_text(org, login):
    """Printed blank, the plan is the paper form: every question, help text and option is on it."""
    anna = login(org["a"])
    response = anna.get(f"/plans/{org['plan_a']}/afdrukken")
    assert response.status_code == 200
    page = text_of(response)
    missing = sorted(t for t in all_texts() if t not in page)
    assert not missing, "texts missing from the print view:\n" + "\n".join(missing)


def test_print_view_has_every_text_and_every_answer(app, org, login):
    anna = login(org["a"])
    fill_plan(anna, org["plan_a"])
    response = anna.get(f"/plans/{org['plan_a']}/afdrukken")
    assert response.status_code == 200
    page = text_of(response)
    missing = sorted(t for t in all_texts() if t not in page)
    assert not missing, "texts missing from the filled print view:\n" + "\n".join(missing)

    values = stored(app, org["plan_a"])
    expected = []
    for data in FILL.values():
        for name, value in data.items():
            if "__" in name or name in ("evaluatie_optie", "volgend_gesprek", "akkoord_medewerker"):
                continue  # grids, choices and signatures are checked below
            if value:
                expected.append(normalise(value))
    # dates read the Dutch way
    expected = [re.sub(r"^(\d{4})-(\d\d)-(\d\d)$", r"\3-\2-\1", v) for v in expected]
    expected += [f"Anna Alfa, {values['akkoord_medewerker']['datum'].strftime('%d-%m-%Y')}"]
    missing = [v for v in expected if v not in page]
    assert not missing, f"answers missing from the print view: {missing}"

    # Line breaks of long answers are kept in the HTML (the box shows them with pre-wrap).
    assert "Antwoord bij pop_hoe.\nTweede regel van pop_hoe." in response.get_data(as_text=True)

    # Choices: every option is printed (that is checked above), the chosen one marked.
    body = response.get_data(as_text=True)
    chosen = re.findall(r'<span class="chosen">([^<]*)</span>', body)
    assert "Achteraf ‘bewijzen’ leveren" in chosen and "Beoordelingsgesprek" in chosen, chosen
    assert "Vooraf meetpunten bepalen" not in chosen and "Voortgangsgesprek" not in chosen, chosen

    # Grids: the chosen mark of each cell, row by row, in column order.
    for field_key in ("on_the_job", "off_the_job", "kosten"):
        field = FORM.field(field_key)
        for row in field.rows:
            chunk = _print_row(body, row.label)
            chosen = re.findall(r'class="chosen">([^<]*)<', chunk)
            want = [dict(field.scale)[values[field_key][row.key][c]]
                    for c, _ in field.columns if values[field_key][row.key][c]]
            assert chosen == want, (field_key, row.key, chosen, want)


def _print_row(body: str, label: str) -> str:
    """The HTML of the grid row whose lead text is `label`."""
    for chunk in body.split("<tr>"):
        if re.search(rf"<td>(<strong>)?{re.escape(label)}(:</strong>|</td>)", chunk):
            return chunk.split("</tr>")[0]
    raise AssertionError(f"grid row {label!r} not found in the print view")


def test_print_view_shows_unfilled_grid_cells_as_unchosen(org, login):
    anna = login(org["a"])
    body = anna.get(f"/plans/{org['plan_a']}/afdrukken").get_data(as_text=True)
    assert 'class="chosen"' not in body
