"""The sample plans an upload is tried on exercise every name a template can use: each takes a filled and
an empty value, every option is chosen and every phase (plan.status) taken in one of them. A template
slow or broken only behind a condition the old samples never met ({% if medewerker.tussenvoegsel %}:
always "" there) passed the upload check and then took a server thread per download for the time limit;
now it is refused at upload. Also: a report rebuilt for an old template keeps its switch-off note."""
import datetime as dt
import hashlib
import json
from collections.abc import Mapping

import pytest

from conftest import text_of
from export_support import FORM_KEY, person_id, simple_docx, upload, upload_errors, use_database
from export_support import world  # noqa: F401 - the fixture
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from exports.context import Group
from exports.pdf import preview as preview_pages
from exports.uploads.check import check_template
from exports.uploads.sample_plans import _options_needed, trial_contexts
from exports.word.engine import MAX_RANGE, TemplateProblem
from forms import FORMS
from pop.models import STATUSES, ExportTemplate

# Names that hold the form's own words (a SMART letter's name, a cost row's description, a checklist
# item's text and group): the same in every plan, so nothing to vary.
LABELS = ("_naam", ".omschrijving", ".groep", ".tekst", ".titel")
# Names a real plan always fills: a person has a first and last name and an e-mail address (the people
# form requires them), a plan has a period, a form and a time it was last changed.
ALWAYS_FILLED = {"medewerker.naam", "medewerker.voornaam", "medewerker.achternaam", "medewerker.email",
                 "plan.periode", "plan.formulier", "plan.bijgewerkt"}


def leaves(value, path="", out=None) -> dict[str, list]:
    """Every name of a context with the values it has there; a table's rows all under name[]."""
    out = {} if out is None else out
    if isinstance(value, Mapping):
        if isinstance(value, Group):  # {% if smart %}: false when nothing of it is filled in
            out.setdefault(path, []).append(value)
        for key, item in value.items():
            leaves(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for row in value:
            leaves(row, path + "[]", out)
    else:
        out.setdefault(path, []).append(value)
    return out


def values_per_name(definition, excel) -> dict[str, list]:
    seen: dict[str, list] = {}
    for _, context in trial_contexts(definition, excel=excel):
        for name, values in leaves(context).items():
            seen.setdefault(name, []).extend(values)
    return seen


@pytest.mark.parametrize("excel", [False, True], ids=["word", "excel"])
@pytest.mark.parametrize("form_key", list(FORMS))
def test_every_name_is_filled_in_one_sample_plan_and_empty_in_another(world, form_key, excel):
    with world.app.app_context():
        seen = values_per_name(FORMS[form_key], excel)
    missing = []
    for name, values in seen.items():
        if name.endswith(LABELS) or name in ALWAYS_FILLED or name == "plan.status":
            continue
        if name.endswith(("vakje", "_vakjes")):  # ☒ or ☐ as text, never empty: both must occur
            if len({str(v) for v in values}) < 2:
                missing.append(name)
        elif not (any(values) and not all(values)):
            missing.append(name)
    assert not missing, f"never both filled and empty: {missing}"
    # The person names the old plans left empty (or filled) throughout are among those checked.
    assert {"medewerker.tussenvoegsel", "leidinggevende.naam", "medewerker.afdeling"} <= set(seen)


@pytest.mark.parametrize("form_key", list(FORMS))
def test_every_phase_is_taken_by_a_sample_plan(world, form_key):
    with world.app.app_context():
        statuses = {str(v) for v in values_per_name(FORMS[form_key], False)["plan.status"]}
    assert statuses == set(STATUSES.values())


@pytest.mark.parametrize("form_key", list(FORMS))
def test_the_phases_add_few_plans_and_only_cheap_ones(world, form_key):
    # Upload check time is bounded (POP_TEMPLATE_CHECK_TIMEOUT): the full plans, the expensive ones,
    # stay as many as the options need; the plans added for the phases are the demo plan's size.
    definition = FORMS[form_key]
    with world.app.app_context():
        trials = trial_contexts(definition)
    names = [name for name, _ in trials]
    assert names[0] == "het voorbeeldplan" and names[-1] == "een leeg plan"
    full = [n for n in names if "maximum" in n]
    copies = [context for name, context in trials if name.startswith("het voorbeeldplan in fase")]
    assert len(full) == _options_needed(definition)
    assert 1 <= len(copies) <= max(len(STATUSES) - 2 - len(full), 1)
    assert len(trials) == 1 + len(full) + len(copies) + 1
    demo = trials[0][1]
    tables = [f.key for f in definition.fields if f.kind == "table"]
    for copy in copies:
        assert all(len(copy[key]) == len(demo[key]) for key in tables)


# ---------------------------------------------------------------- refused at upload

def behind(condition: str) -> bytes:
    """A template fine on the demo plan with a loop past the sandbox's limit behind condition: it fails
    only for a plan that meets it."""
    return simple_docx("Naam: {{ medewerker.naam }}",
                       "{% if " + condition + " %}{% for i in range(" + str(MAX_RANGE * 5) + ") %}"
                       "x{% endfor %}{% endif %}")


CONDITIONS = {
    "a tussenvoegsel": "medewerker.tussenvoegsel",
    "the manager's tussenvoegsel": "leidinggevende.tussenvoegsel",
    "a plan without a manager": "not leidinggevende.naam",
    "an employee without a department": "not medewerker.afdeling",
    "a name at its length limit": "medewerker.naam|length > 200",
    "SMART letters left open": "ontwikkeldoelen[0].smart.ontbreekt",
    **{f"phase {label}": f'plan.status == "{label}"' for key, label in STATUSES.items()
       if key not in ("voorbereiding", "uitvoering")},  # the two phases the old samples had
}


@pytest.mark.parametrize("case", list(CONDITIONS))
def test_a_template_failing_only_behind_a_condition_is_refused(world, case):
    # The demo plan (the preview) does not meet any of these: only the other sample plans can.
    with world.app.app_context():
        report = check_template(behind("false"), "docx", FORMS[FORM_KEY])
        assert report.problems == []
        report = check_template(behind(CONDITIONS[case]), "docx", FORMS[FORM_KEY])
    assert report.problems and "range() in het sjabloon is te groot" in report.problems[0], report.problems
    assert report.problems[0].startswith("Ingevuld met ")


def test_a_template_slow_only_for_a_tussenvoegsel_is_refused_at_upload(world, monkeypatch):
    # The case: a billion loop turns, only for an employee with a tussenvoegsel. At download
    # it held a server thread for the whole time limit; now the upload check runs into its own.
    monkeypatch.setitem(world.app.config, "POP_TEMPLATE_CHECK_TIMEOUT", 3.0)
    slow = simple_docx("Naam: {{ medewerker.naam }}",
                       "{% if medewerker.tussenvoegsel %}{% for i in range(1000) %}{% for j in range(1000) %}"
                       "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}{% endif %}")
    hr = world.client("hr")
    response = upload(hr, slow, "traag.docx")
    assert response.status_code == 422, text_of(response)[:1500]
    assert "duurde langer dan 3 seconden" in upload_errors(response)
    with world.app.app_context():
        assert ExportTemplate.select().count() == 0


# ---------------------------------------------------------------- the report rebuilt keeps the switch-off

def test_a_rebuilt_report_keeps_the_switch_off_note_and_the_hits(world, monkeypatch):
    # An old template (no preview) switched off at download: the report page rebuilds its report,
    # and must not drop why it is off, nor the hits that counted towards it.
    monkeypatch.setattr(preview_pages, "available", lambda: False)
    data = simple_docx("Naam: {{ medewerker.naam }}")
    note = ("Dit sjabloon is op 1 januari uitgeschakeld: het liep bij het downloaden 3 keer tegen een "
            "grens aan.")
    hits = [dt.datetime(2026, 1, 1, 9, i).isoformat() for i in range(3)]
    use_database(world.app)
    with world.app.app_context():
        template = ExportTemplate.create(
            form_key=FORM_KEY, format="docx", name="oud.docx", data=data,
            sha256=hashlib.sha256(data).hexdigest(), uploaded_by=person_id(world.app, world.org["hr"]),
            active=False, report=json.dumps({"limit_hits": hits, "switched_off": note, "notes": [note]}),
            preview=None)
    page = text_of(world.client("hr").get(f"/sjablonen/{template.id}"))
    assert note in page, page[:2000]
    assert "Naam:" in page  # the report was made: the demo plan's text is shown
    with world.app.app_context():
        stored = ExportTemplate.get_by_id(template.id)
    report = json.loads(stored.report)
    assert stored.preview is not None and report["notes"][0] == note
    assert report["switched_off"] == note and report["limit_hits"] == hits
    assert "found" in report and report["notes"].count(note) == 1
