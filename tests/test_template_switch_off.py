"""A template that runs into the time limit at download again and again (slow only on real plans, so the
upload check passed it) is switched off for its form after SWITCH_OFF_HITS within a day: downloads then
use the default layout without trying it (no server thread held for the time limit), and HR reads why on
the template's report page and sees it "Niet actief". Activated again, it starts with a clean count."""
import datetime as dt
import hashlib
import json
import time

import pytest

from conftest import text_of
from export_support import (EMPLOYEE_NAME, FORM_KEY, body_texts, docx_of, person_id, simple_docx,
                            use_database, world)  # noqa: F401 - world: the fixture
from exports import templates
from exports.pdf import preview as preview_pages
from pop import clock
from pop.models import ExportTemplate

TIMEOUT = 1.0


@pytest.fixture
def in_app(world, monkeypatch):
    monkeypatch.setitem(world.app.config, "POP_TEMPLATE_TIMEOUT", TIMEOUT)
    monkeypatch.setitem(world.app.config, "POP_TEMPLATE_CHILDREN", 1)
    use_database(world.app)
    yield world
    use_database(world.app)
    with world.app.app_context():
        ExportTemplate.delete().execute()


def slow_on_real_plans() -> bytes:
    # Zoë's plan has rows of kwaliteiten, each multiplied by a million loops; the upload check's plans
    # would have caught a plain loop, so only her name starts it.
    return simple_docx("Naam: {{ medewerker.naam }}",
                       "{% if medewerker.naam == '" + EMPLOYEE_NAME.replace("'", "\\'") + "' %}"
                       "{% for r in kwaliteiten %}{% for i in range(1000) %}{% for j in range(1000) %}"
                       "{{ r.sterk[:0] }}{% endfor %}{% endfor %}{% endfor %}{% endif %}")


def active_upload(world, data: bytes, report=None) -> int:
    with world.app.app_context():
        return ExportTemplate.create(
            form_key=FORM_KEY, format="docx", name="traag.docx", data=data,
            sha256=hashlib.sha256(data).hexdigest(), uploaded_by=person_id(world.app, world.org["hr"]),
            active=True, report=json.dumps(report or {"notes": [], "found": [], "unused": []}),
            preview=data).id


def stored(world, template_id: int) -> ExportTemplate:
    with world.app.app_context():
        return ExportTemplate.get_by_id(template_id)


def download(world):
    zoe = world.client("zoe")
    started = time.monotonic()
    response = zoe.get(f"/plans/{world.org['plan']}/download.docx")
    took = time.monotonic() - started
    assert f"Naam: {EMPLOYEE_NAME}" in body_texts(docx_of(response))
    return took, text_of(zoe.get("/"))


def test_a_template_that_times_out_three_times_is_switched_off(in_app, monkeypatch):
    monkeypatch.setattr(preview_pages, "available", lambda: False)  # the report page shows the text
    template_id = active_upload(in_app, slow_on_real_plans())
    for attempt in range(1, templates.SWITCH_OFF_HITS + 1):
        assert stored(in_app, template_id).active, attempt
        took, page = download(in_app)
        assert took >= TIMEOUT, "the template was not tried"
        assert "in de standaardopmaak gemaakt" in page
    template = stored(in_app, template_id)
    assert not template.active
    # Now it is not tried at all: the default layout at once, and no note that it failed.
    took, page = download(in_app)
    assert took < TIMEOUT and "in de standaardopmaak gemaakt" not in page
    # HR reads why on the report page and sees it not active on the templates page.
    hr = in_app.client("hr")
    report = text_of(hr.get(f"/sjablonen/{template_id}"))
    assert "uitgeschakeld" in report and "3 keer binnen 24 uur" in report and "langer dan 1 seconden" \
        in report, report[:2000]
    assert "Niet actief" in text_of(hr.get("/sjablonen"))


def test_hits_older_than_the_window_do_not_count(in_app, monkeypatch):
    old = (clock.utc_now() - templates.SWITCH_OFF_WINDOW - dt.timedelta(minutes=1)).isoformat()
    template_id = active_upload(in_app, slow_on_real_plans(),
                                {"notes": ["Een notitie."], "found": [], "unused": [],
                                 "limit_hits": [old] * (templates.SWITCH_OFF_HITS - 1)})
    download(in_app)
    template = stored(in_app, template_id)
    assert template.active
    report = json.loads(template.report)
    assert len(report["limit_hits"]) == 1 and report["notes"] == ["Een notitie."]


def test_activated_again_it_starts_with_a_clean_count(in_app):
    template_id = active_upload(in_app, slow_on_real_plans())
    with in_app.app.app_context():
        for _ in range(templates.SWITCH_OFF_HITS):
            templates._count_limit_hit(template_id, "Het sjabloon deed er te lang over.")
        template = ExportTemplate.get_by_id(template_id)
        assert not template.active and json.loads(template.report)["notes"][0].startswith(
            "Dit sjabloon is op")
        templates.activate(template)
        template = ExportTemplate.get_by_id(template_id)
        report = json.loads(template.report)
        assert template.active and "limit_hits" not in report and report["notes"] == []
        templates._count_limit_hit(template_id, "Het sjabloon deed er te lang over.")
        assert ExportTemplate.get_by_id(template_id).active


def test_a_template_error_that_is_not_a_limit_does_not_count(in_app):
    template_id = active_upload(in_app, simple_docx("{{ 1 / 0 }}"))
    for _ in range(templates.SWITCH_OFF_HITS):
        download(in_app)
    template = stored(in_app, template_id)
    assert template.active and "limit_hits" not in json.loads(template.report)
