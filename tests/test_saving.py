"""The save of a part as one story (pop/saving.py): its four outcomes, what the HTTP tests of the pages do
not already pin (test_fill_save, test_nothing_lost, test_limits, test_read_only, test_cycle hold the
pages), and the one read of the answers a save takes.

Before pop/saving.py a save of Fase I read the plan's answers three times (the view's read, the read
under the lock, the version after the write) and a save that fixed the plan four (the frozen version
read them again); now once, measured with the queries fixture."""
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from conftest import csrf_from, text_of
from forms import DEFAULT_FORM, get_form, limits
from forms.web import build_part_form
from pop import answers, saving
from pop.models import Answer, AuditEntry, Person, Plan, PlanVersion
from support import FILL, doc, part_url, queries, set_state, shown_values  # noqa: F401 (fixture)

FORM = get_form(DEFAULT_FORM)


def page_form(response) -> dict:
    """The part form as the browser posts it, with its token, version and basis."""
    data = {name: value for name, value in shown_values(response).items() if value not in (None, False)}
    data.update(versie=doc(response).xpath('//input[@name="versie"]/@value')[0],
                basis=doc(response).xpath('//input[@name="basis"]/@value')[0],
                csrf_token=csrf_from(response), go="stay")
    return data


def answer_reads(queries) -> list[str]:
    """The SELECTs of the answer table, in the order they ran."""
    return [sql for sql, _ in queries.sql
            if sql.lstrip().upper().startswith("SELECT") and 'FROM "answer"' in sql]


def whole_plan(sql: str) -> bool:
    """A read of all of a plan's answers (not of some fields: the progress of pop/progress.py reads a
    part's other answers when a save holds only some of them)."""
    return '"field"' not in sql.split("WHERE", 1)[1]


def stored_cells(app, plan_id) -> list[list]:
    with app.app_context():
        return sorted([list(c) for c in Answer.select(Answer.field, Answer.row, Answer.column, Answer.value)
                       .where(Answer.plan == plan_id).tuples()])


# ---------------------------------------------------------------- one read

def test_a_save_reads_the_answers_once(app, org, login, queries):
    anna = login(org["a"])
    data = {**page_form(anna.get(part_url(org["plan_a"], "fase-1"))), **FILL["fase-1"]}
    queries.sql.clear()
    response = anna.post(part_url(org["plan_a"], "fase-1"), data=data)
    assert response.status_code == 302
    reads = answer_reads(queries)
    assert len(reads) == 1, reads  # was 3
    with app.app_context():
        log = [(e.action, e.detail) for e in AuditEntry.select().where(AuditEntry.plan == org["plan_a"])]
    assert ("gewijzigd", "Fase I: Zelfanalyse") in log  # the log's test takes the version from that read


def test_the_save_that_fixes_the_plan_freezes_what_is_stored_from_its_one_read(app, org, login, queries):
    """Both akkoorden: the version frozen is every stored cell (the manager's reaction, outside the
    form's fields, too) as the database holds it after the save, without reading them again."""
    plan = org["plan_a"]
    anna, marco = login(org["a"]), login(org["m1"])
    filled = anna.post(part_url(plan, "fase-1"), data={**page_form(anna.get(part_url(plan, "fase-1"))),
                                                       **FILL["fase-1"]})
    assert filled.status_code == 302
    set_state(app, plan, "ontwikkelgesprek")
    token = csrf_from(marco.get(part_url(plan, "fase-1")))
    reaction = marco.post(part_url(plan, "fase-1") + "/reactie",
                          data={"reactie": "Goed begin.", "csrf_token": token})
    assert reaction.status_code == 302
    signed = anna.post(part_url(plan, "afronding"),
                       data={**page_form(anna.get(part_url(plan, "afronding"))), "akkoord_medewerker": "y"})
    assert signed.status_code == 302
    data = {**page_form(marco.get(part_url(plan, "afronding"))), "akkoord_leidinggevende": "y"}
    queries.sql.clear()
    response = marco.post(part_url(plan, "afronding"), data=data)
    assert response.status_code == 302
    reads = [sql for sql in answer_reads(queries) if whole_plan(sql)]
    assert len(reads) == 1, reads  # was 4: the view, the lock, the version after the write, the freeze
    assert "het POP is vastgesteld (versie 1)" in text_of(marco.get(part_url(plan, "afronding")))
    with app.app_context():
        frozen = json.loads(PlanVersion.get((PlanVersion.plan == plan) & (PlanVersion.number == 1)).cells)
        assert Plan.get_by_id(plan).status == "vastgesteld"
    cells = stored_cells(app, plan)
    assert frozen == cells
    assert ["reactie:fase-1", 0, "", "Goed begin."] in frozen
    assert any(c[0] == "akkoord_leidinggevende" for c in frozen)  # this save's own signature


# ---------------------------------------------------------------- the outcomes, through HTTP

def test_refused_on_the_state_the_plan_has_when_the_save_arrives(app, org, login):
    """The rights are asked under the lock: a page opened in the voorbereiding and posted after the
    plan was agreed is refused with the reason of the state it is in now, with what was typed."""
    anna = login(org["a"])
    data = page_form(anna.get(part_url(org["plan_a"], "fase-1")))
    before = stored_cells(app, org["plan_a"])
    set_state(app, org["plan_a"], "vastgesteld")
    data["meer_doen"] = "Getypt na het vaststellen"
    response = anna.post(part_url(org["plan_a"], "fase-1"), data=data)
    assert response.status_code == 403
    page = text_of(response)
    assert "Niet opgeslagen: Dit deel is vastgesteld in de POP-overeenkomst (versie 1)." in page
    assert "Getypt na het vaststellen" in page
    assert stored_cells(app, org["plan_a"]) == before
    with app.app_context():
        assert not AuditEntry.select().where((AuditEntry.plan == org["plan_a"])
                                             & (AuditEntry.action == "gewijzigd")).exists()


def test_an_answer_with_a_message_and_a_plan_too_long_are_told_at_once(app, org, login):
    """Validation and the plan's total are both decided on the one read: one page says both, keeps
    everything typed, and carries the version it was built from."""
    plan = org["plan_a"]
    anna = login(org["a"])
    data = page_form(anna.get(part_url(plan, "fase-1")))
    with app.app_context():  # Fase I near the total, as a plan stored before the limits could be
        answers.save(Plan.get_by_id(plan), {"meer_doen": "m" * limits.LONG_ANSWER_CHARS})
        room = FORM.max_chars - FORM.chars(answers.load(Plan.get_by_id(plan)))
        talks = []
        while room > 0:
            text = "t" * min(room, limits.TALK_ANSWER_CHARS)
            talks.append({"datum": None, "gedaan": text, "opgeleverd": "", "tevreden": "", "verder": ""})
            room -= len(text)
        answers.save(Plan.get_by_id(plan), {"voortgangsgesprekken": talks})
    data = page_form(anna.get(part_url(plan, "fase-1")))
    before = stored_cells(app, plan)
    data["nieuwe_eisen"] = "Nieuw en te veel"
    data["ontwikkeldoelen-0-belang"] = "abc"  # a rank is a number
    response = anna.post(part_url(plan, "fase-1"), data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Niet opgeslagen: 1 antwoord vraagt aandacht." in page
    assert f"Een plan kan hoogstens {limits.number(FORM.max_chars)} tekens bevatten" in page
    assert shown_values(response)["nieuwe_eisen"] == "Nieuw en te veel"
    assert shown_values(response)["ontwikkeldoelen-0-belang"] == "abc"
    assert doc(response).xpath('//input[@name="versie"]/@value')[0] == data["versie"]
    assert stored_cells(app, plan) == before


# ---------------------------------------------------------------- the outcomes, as the domain returns them

def _save(app, plan_id, part_key, email, posted: dict, version=None, basis=None):
    """saving.save called as the view calls it, with a form built from posted (and a valid token)."""
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context(method="POST"):
        plan = Plan.get_by_id(plan_id)
        part = answers.form_of(plan).part(part_key)
        formdata = MultiDict({**posted, "csrf_token": generate_csrf()})
        form = build_part_form(plan.form_key, part, formdata=formdata)
        if version is None:
            from pop.plans import part_version
            version = part_version(plan, part)
        outcome = saving.save(plan, part, Person.get(Person.email == email),
                              saving.Posted(form, version, basis))
        typed = {key: outcome.form[key].data for key in posted} if hasattr(outcome, "form") else None
        return outcome, typed


def test_each_outcome_says_what_the_page_needs(app, org):
    plan = org["plan_a"]
    with app.app_context():
        opened = answers.read(Plan.get_by_id(plan))
        from pop.plans import part_version
        old_version = part_version(Plan.get_by_id(plan), FORM.part("fase-1"), opened)

    saved, _ = _save(app, plan, "fase-1", org["a"], {"meer_doen": "Eerste"})
    assert isinstance(saved, saving.Saved) and saved.notices == [] and saved.advice == []

    # From the page opened before "Eerste": the other's text, beside what was typed, which stays.
    conflict, typed = _save(app, plan, "fase-1", org["a"], {"meer_doen": "Tweede"}, version=old_version)
    assert isinstance(conflict, saving.Conflict)
    assert conflict.theirs == {"meer_doen": "Eerste"}
    assert typed == {"meer_doen": "Tweede"}
    assert "door uzelf, in een ander venster" in conflict.notice
    assert conflict.snapshot.values["meer_doen"] == "Eerste"

    too_long = "x" * (limits.LONG_ANSWER_CHARS + 1)
    invalid, typed = _save(app, plan, "fase-1", org["a"], {"meer_doen": too_long})
    assert isinstance(invalid, saving.Invalid)
    assert [label for _, label, _ in invalid.problems] == [FORM.field("meer_doen").label.rstrip(":")]
    assert invalid.too_long is None and typed == {"meer_doen": too_long}
    with app.app_context():
        assert invalid.version == part_version(Plan.get_by_id(plan), FORM.part("fase-1"))

    refused, typed = _save(app, plan, "fase-1", org["m1"], {"meer_doen": "Van de leidinggevende"})
    assert isinstance(refused, saving.Refused)
    assert refused.notice.startswith("Niet opgeslagen: Dit is de inbreng van de medewerker.")
    assert typed == {"meer_doen": "Van de leidinggevende"}
    with app.app_context():
        assert answers.load(Plan.get_by_id(plan))["meer_doen"] == "Eerste"


# ---------------------------------------------------------------- what a read after the save would give

@pytest.mark.parametrize("change", [
    {"meer_doen": "Anders", "werk_over_3_jaar": ""},  # one changed, one emptied
    {"ontwikkeldoelen": [{"doel": "Alleen dit doel", "belang": 1}]},  # fewer rows than stored
    {"akkoord_medewerker": None},  # an akkoord withdrawn
])
def test_a_snapshot_after_a_save_is_what_a_read_gives(app, org, login, change):
    plan = org["plan_a"]
    anna = login(org["a"])
    for key in ("fase-1", "afronding"):
        set_state(app, plan, "voorbereiding" if key == "fase-1" else "ontwikkelgesprek")
        data = {**page_form(anna.get(part_url(plan, key))), **FILL[key]}
        response = anna.post(part_url(plan, key), data=data)
        assert response.status_code == 302
    with app.app_context():
        stored = Plan.get_by_id(plan)
        Answer.create(plan=plan, field="reactie:fase-1", row=0, column="", value="Een reactie")
        before = answers.read(stored)
        after = before.saved(change)
        answers.save(stored, change)
        read = answers.read(stored)
    assert dict(after.cells) == dict(read.cells)
    assert after.values == read.values
    assert after.fingerprint(list(read.cells)) == read.fingerprint(list(read.cells))
    assert before.values != read.values  # and the snapshot it came from is as it was read
