"""An HR template that compares or ticks what the employee chose prints the wrong thing after a small
slip, silently: a comparison with "+/-" as HR types it must match the paper's ±, and a per-option
placeholder ending in _nee must print X where "nee" was chosen (and nothing elsewhere). Uploaded,
activated and downloaded as the employee, the way it is used."""
import io

from docx import Document

from conftest import text_of
from export_support import simple_docx, upload, use_database, world  # noqa: F401
from export_support import _no_templates  # noqa: F401 - autouse: no template left behind
from pop.models import ExportTemplate

LINES = {
    # The ja/nee cost grid of Fase II: Zoë chose nee for vrije tijd, ja for werktijd, nothing for coach.
    "vrije-nee": "{{ kosten.vrije_tijd.van_toepassing_nee }}",
    "vrije-ja": "{{ kosten.vrije_tijd.van_toepassing_ja }}",
    "werk-nee": "{{ kosten.werktijd.van_toepassing_nee }}",
    "werk-ja": "{{ kosten.werktijd.van_toepassing_ja }}",
    "coach-nee": "{{ kosten.coach.van_toepassing_nee }}",
    # The +/±/– grids: instructie 'past' is ± (matig), projecten +, coaching –.
    "pm": "{% if on_the_job.instructie.past == '+/-' %}ja{% else %}nee{% endif %}",
    "pm-spaces": "{% if on_the_job.instructie.past == '+ / -' %}ja{% else %}nee{% endif %}",
    "pm-dash": "{% if on_the_job.instructie.past == '+/–' %}ja{% else %}nee{% endif %}",
    "pm-on-plus": "{% if on_the_job.projecten.past == '+/-' %}ja{% else %}nee{% endif %}",
    "min": "{% if on_the_job.coaching.past == '-' %}ja{% else %}nee{% endif %}",
    "plus-is-not-pm": "{% if on_the_job.instructie.past == '+' %}ja{% else %}nee{% endif %}",
}
EXPECTED = {"vrije-nee": "X", "vrije-ja": "", "werk-nee": "", "werk-ja": "X", "coach-nee": "",
            "pm": "ja", "pm-spaces": "ja", "pm-dash": "ja", "pm-on-plus": "nee", "min": "ja",
            "plus-is-not-pm": "nee"}


def test_per_option_placeholders_and_plus_minus_comparisons_print_what_was_chosen(world):
    hr = world.client("hr")
    template = simple_docx(*(f"{name}=[{line}]" for name, line in LINES.items()))
    response = upload(hr, template, "vergelijken.docx")
    assert response.status_code == 302, text_of(response)[:1500]
    with world.app.app_context():
        template_id = ExportTemplate.get().id
    assert hr.post(f"/sjablonen/{template_id}/activeren").status_code == 302

    zoe = world.client("zoe")
    download = zoe.get(f"/plans/{world.org['plan']}/download.docx")
    assert download.status_code == 200
    printed = {}
    for paragraph in Document(io.BytesIO(download.data)).paragraphs:
        name, _, rest = paragraph.text.partition("=[")
        if name in LINES:
            printed[name] = rest[:-1] if rest.endswith("]") else rest
    assert printed == EXPECTED
