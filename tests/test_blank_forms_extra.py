"""HR's own blank forms made independently of the mapper's corpus (tests/blank_forms_extra/make_extra.py):
each goes through the app as HR would send it. Asserted: no crash anywhere, the proposal page shows,
confirming the proposal as it stands stores a template that passes the upload check, and (for the
default form) the employee's download of it works. The mapper's accuracy per form is printed, not
asserted (run with -s):

    .venv/bin/python -m pytest tests/test_blank_forms_extra.py -q -p no:randomly -s
"""
import re

import lxml.html
import pytest

from blank_measure import score_file
from conftest import text_of
from export_support import FORM_KEY, upload, upload_errors, use_database, world  # noqa: F401
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import BlankUpload, ExportTemplate
from test_blank_forms import selects
from tests.blank_forms_extra.make_extra import extra_forms

FORMS_EXTRA = extra_forms()


@pytest.fixture
def hr(world):
    return world.client("hr")


@pytest.fixture(autouse=True)
def _no_blank_uploads(world):
    yield
    use_database(world.app)
    with world.app.app_context():
        BlankUpload.delete().execute()


def _columns(page) -> dict[str, str]:
    out = {}
    for select in page.xpath('//select[starts-with(@name, "kolom-")]'):
        chosen = select.xpath('./option[@selected]/@value')
        out[select.get("name")] = chosen[0] if chosen else ""
    return out


@pytest.mark.parametrize("blank", FORMS_EXTRA, ids=[f.name for f in FORMS_EXTRA])
def test_an_independent_blank_form_gets_a_proposal_that_confirms_into_a_template(world, hr, blank):
    score, _ = score_file(blank)
    print(f"\n{blank.name:28} {blank.form_key:16} plaatsen {score.expected:3}  gevonden {score.found:3}  "
          f"goed voorgesteld {score.right:3}  extra voorgesteld {score.extra_proposed}")
    for miss in score.misses:
        print("    ", miss)

    response = upload(hr, blank.data, blank.name, form_key=blank.form_key)
    assert response.status_code != 500
    if response.status_code == 422:
        message = upload_errors(response)
        assert message, "refused without a message beside the file field"
        print(f"    GEWEIGERD bij upload (geen voorstel): {message}")
        with world.app.app_context():
            assert BlankUpload.select().count() == 0 and ExportTemplate.select().count() == 0
        return
    assert response.status_code == 302, (response.status_code, upload_errors(response))
    url = response.headers["Location"]
    assert re.search(r"/sjablonen/blanco/\d+$", url), url
    page = hr.get(url)
    assert page.status_code == 200, text_of(page)[:800]
    page = lxml.html.fromstring(page.get_data(as_text=True))
    chosen = selects(page)
    assert chosen, "a proposal page without any place"

    posted = {f"plaats-{k}": v for k, v in chosen.items()}
    posted.update(_columns(page))
    posted["actie"] = "download"
    marked = hr.post(url, data=posted)
    assert marked.status_code == 200, text_of(marked)[:1500]

    posted["actie"] = "bevestigen"
    response = hr.post(url, data=posted)
    assert response.status_code != 500
    assert response.status_code == 302, f"confirming the proposal as it stands: {text_of(response)[:1500]}"
    with world.app.app_context():
        template = ExportTemplate.get()
        assert template.format == blank.kind
    report = hr.get(response.headers["Location"])
    assert report.status_code == 200

    if blank.form_key == FORM_KEY:  # the organisation's plans are of the default form
        assert hr.post(f"/sjablonen/{template.id}/activeren").status_code == 302
        download = world.client("zoe").get(f"/plans/{world.org['plan']}/download.{blank.kind}")
        assert download.status_code == 200, download.status_code


def test_the_independent_forms_together_get_four_of_five_places_right():
    """Made apart from the corpus, these forms measured the mapper at 69 of 150 places right; what they
    showed was then fixed (symbol-font boxes, tables in cells, page headers, unnamed content controls
    and legacy fields, numbered tables, signature lines), so they are no longer independent: this
    keeps that work from sliding back. New independent forms are the honest measure."""
    expected = found = right = 0
    for blank in FORMS_EXTRA:
        score, _ = score_file(blank)
        expected, found, right = expected + score.expected, found + score.found, right + score.right
    print(f"\nonafhankelijke formulieren: {expected} plaatsen, gevonden {found}, goed voorgesteld {right}")
    assert found / expected >= 0.95 and right / expected >= 0.8
