"""Templates as an attacker writes them: each is stopped at a limit (sandbox, or the child process it is
rendered in) with a Dutch message, in bounded time, without harming the server process; at download
time a template that fails on a real plan gives the plan in the default layout and says so."""
import hashlib
import io
import os
import pickle
import resource
import time
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook

from conftest import text_of
from export_support import (EMPLOYEE_NAME, FORM, FORM_KEY, LONG_10K, World, body_texts, docx_bytes,
                            docx_of, person_id, simple_docx, upload, use_database, workbook_of)
from exports.uploads import isolation
from exports.context import example_plan_context
from exports.word.engine import TemplateProblem
from exports.uploads.isolation import TemplateLimit, decode_reply, encode_frame, render_upload
from exports.uploads.rendered_check import check_rendered
from pop import shared_files
from pop.models import ExportJob, ExportTemplate, Plan

TIMEOUT = 1.5  # seconds per call: small, so the tests of the time limit are quick
MEMORY_MB = 400
WALL_BOUND = 15  # a correctness bound on a request: far above TIMEOUT, far below "forever"
ENGLISH = ("Exceeds", "limit", "object", "has no", "undefined", "Error", "Traceback", "line ")

TRIPLE_LOOP = ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
               "{% endfor %}{% endfor %}{% endfor %}")
POWER = "{{ ((10**64)**64)**64 }}"
# 10 GB of text in one call the sandbox cannot see into: only the child's memory limit stops it. (A
# width in '{:>500000000}'.format(1) or '%0500000000d' % 1 the sandbox now refuses before building it.)
MEMORY_BOMB = "{{ ('\\t' * 99999).expandtabs(99999) }}"


def doubling(step: str) -> str:
    """A text that doubles 40 times (a terabyte) through one filter or method."""
    return ("{% set ns = namespace(s='ab', l=['ab']) %}{% for i in range(40) %}"
            f"{{% set ns.s = {step} %}}{{% endfor %}}{{{{ ns.s|length }}}}")


GROWTH = {
    "replace filter": doubling("ns.s|replace('a', 'aa')|replace('b', 'bb')"),
    "replace method": doubling("ns.s.replace('a', 'aa').replace('b', 'bb')"),
    "join": doubling("[ns.s, ns.s]|join"),
    "format": doubling("'{0}{0}'.format(ns.s)"),
    "concatenation": doubling("ns.s ~ ns.s"),
    "plus": doubling("ns.s + ns.s"),
    # Each bounded, but loops over them are not: 10**10 items.
    "batch": "{% for a in ([1]|batch(99999, 'x'))|first %}{% for b in ([1]|batch(99999, 'y'))|first %}"
             "{{ a }}{% endfor %}{% endfor %}",
    "slice": "{% for a in [1]|slice(99999, 'x') %}{% for b in [1]|slice(99999, 'y') %}{{ b }}"
             "{% endfor %}{% endfor %}",
    "center": "{% for i in range(1000) %}{% for j in range(1000) %}{{ 'x'.center(99999) }}"
              "{% endfor %}{% endfor %}",
}


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setenv("POP_TEMPLATE_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("POP_TEMPLATE_CHECK_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("POP_TEMPLATE_MEMORY_MB", str(MEMORY_MB))
    monkeypatch.setenv("POP_TEMPLATE_CHILDREN", "1")


def example_context():
    return example_plan_context(FORM)[0]


def assert_dutch(message: str) -> None:
    assert message and not any(word in message for word in ENGLISH), message


def process_gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)  # the child's own process group: anything it started as well
    except ProcessLookupError:
        return True
    return False


def warm_child() -> int:
    render_upload(simple_docx("{{ medewerker.naam }}"), "docx", FORM_KEY, [example_context()])
    (pid,) = isolation.child_pids()
    return pid


# ---------------------------------------------------------------- render_upload on its own

def test_a_template_is_filled_in_another_process(small_limits):
    (document,) = render_upload(simple_docx("Naam: {{ medewerker.naam }}"), "docx", FORM_KEY,
                                [example_context()])
    assert "Naam: Eva Visser" in body_texts(Document(io.BytesIO(document)))
    assert isolation.child_pids() and os.getpid() not in isolation.child_pids()


def test_huge_powers_are_refused_in_dutch(small_limits):
    with pytest.raises(TemplateProblem) as refused:
        render_upload(simple_docx(POWER), "docx", FORM_KEY, [example_context()])
    assert "te groot getal" in str(refused.value)
    assert_dutch(str(refused.value))


@pytest.mark.parametrize("how", sorted(GROWTH))
def test_text_growing_through_filters_is_stopped(small_limits, how):
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as refused:
        render_upload(simple_docx(GROWTH[how]), "docx", FORM_KEY, [example_context()])
    assert time.monotonic() - started < WALL_BOUND
    message = str(refused.value)
    assert any(reason in message for reason in ("te lange tekst", "te lange lijst", "te veel geheugen",
                                                "seconden")), message
    assert_dutch(message)


def test_a_long_loop_is_stopped_at_the_time_limit_and_its_process_killed(small_limits):
    pid = warm_child()
    started = time.monotonic()
    with pytest.raises(TemplateLimit) as refused:
        render_upload(simple_docx(TRIPLE_LOOP), "docx", FORM_KEY, [example_context()])
    took = time.monotonic() - started
    assert TIMEOUT <= took < TIMEOUT + 5, took
    assert "langer dan 1,5 seconden" in str(refused.value)
    assert_dutch(str(refused.value))
    assert process_gone(pid)
    assert isolation.child_pids() == []
    # The next template gets a fresh child and works.
    assert warm_child() != pid


def test_a_memory_bomb_is_stopped_and_the_server_process_is_unaffected(small_limits):
    pid = warm_child()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB
    with pytest.raises(TemplateLimit) as refused:
        render_upload(simple_docx(MEMORY_BOMB), "docx", FORM_KEY, [example_context()])
    assert f"te veel geheugen (meer dan {MEMORY_MB} MB)" in str(refused.value)
    assert_dutch(str(refused.value))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100_000
    assert process_gone(pid)
    assert warm_child() != pid


def test_each_context_gives_its_own_document_and_a_cached_compile_is_reused(small_limits):
    data = simple_docx("Periode {{ plan.periode }}")
    contexts = [dict(example_context(), plan={"periode": p}) for p in ("2024", "2025")]
    first = render_upload(data, "docx", FORM_KEY, contexts)
    assert [body_texts(Document(io.BytesIO(d))) for d in first] == [["Periode 2024"], ["Periode 2025"]]
    # Sent without its bytes the second time (the child knows it by its hash); same result.
    (again,) = render_upload(data, "docx", FORM_KEY, contexts[1:])
    assert body_texts(Document(io.BytesIO(again))) == ["Periode 2025"]


def test_a_template_the_child_let_go_is_sent_again(small_limits):
    from exports.uploads.render_child import CACHE_SIZE
    templates = [simple_docx(f"Sjabloon {n}: {{{{ medewerker.naam }}}}") for n in range(CACHE_SIZE + 1)]
    for data in templates:
        render_upload(data, "docx", FORM_KEY, [example_context()])
    # The parent still counts the first one as known; the child has dropped it from its cache.
    (document,) = render_upload(templates[0], "docx", FORM_KEY, [example_context()])
    assert body_texts(Document(io.BytesIO(document))) == ["Sjabloon 0: Eva Visser"]


def test_the_context_a_template_fails_on_is_named_and_all_share_one_time_limit(small_limits):
    data = simple_docx("{% if plan.periode == '2025' %}" + TRIPLE_LOOP + "{% endif %}"
                       "{% if plan.periode == '2026' %}{{ medewerker.niet_er }}{% endif %}ok")
    contexts = [dict(example_context(), plan={"periode": p}) for p in ("2024", "2026", "2025")]
    with pytest.raises(TemplateProblem) as refused:
        render_upload(data, "docx", FORM_KEY, contexts)
    assert refused.value.context_index == 1 and "niet_er" in str(refused.value)
    started = time.monotonic()
    with pytest.raises(TemplateLimit) as refused:
        render_upload(data, "docx", FORM_KEY, [contexts[0], contexts[2], contexts[2]])
    assert refused.value.context_index == 1
    assert time.monotonic() - started < TIMEOUT + 5
    with pytest.raises(TemplateProblem) as refused:
        render_upload(simple_docx("{% if %}"), "docx", FORM_KEY, contexts)
    assert refused.value.context_index is None


def test_a_child_killed_while_it_waited_is_replaced(small_limits):
    pid = warm_child()
    os.killpg(pid, 9)
    time.sleep(0.1)
    (document,) = render_upload(simple_docx("{{ medewerker.naam }}"), "docx", FORM_KEY,
                                [example_context()])
    assert body_texts(Document(io.BytesIO(document))) == ["Eva Visser"]
    assert isolation.child_pids() != [pid]


def test_a_template_error_is_told_in_dutch_and_the_child_stays(small_limits):
    pid = warm_child()
    with pytest.raises(TemplateProblem) as refused:
        render_upload(simple_docx("{{ medewerker.niet_er }}"), "docx", FORM_KEY,
                      [example_context()])
    assert "niet_er" in str(refused.value)
    assert_dutch(str(refused.value))
    assert isolation.child_pids() == [pid]


def test_an_excel_template_is_filled_in_the_child(small_limits):
    wb = Workbook()
    wb.active["A1"] = "{{ medewerker.naam }}"
    out = io.BytesIO()
    wb.save(out)
    (document,) = render_upload(out.getvalue(), "xlsx", FORM_KEY, [example_plan_context(FORM, True)[0]],
                                thorough=True)
    assert workbook_of(document).active["A1"].value == "Eva Visser"


# ---------------------------------------------------------------- the parent believes no pickle

class _Trap:
    def __reduce__(self):
        return (os.mkdir, ("/tmp/pop-unpickled-by-the-parent",))


def test_the_parent_never_unpickles_what_the_child_sends():
    trap = "/tmp/pop-unpickled-by-the-parent"
    if os.path.isdir(trap):
        os.rmdir(trap)
    for header in (pickle.dumps({"status": "done"}), pickle.dumps(_Trap()), b'{"status": "pickle"}',
                   b'{"status": "problem", "message": ["x"]}', b"\xff\xfe", b"[]"):
        with pytest.raises(TemplateProblem):
            decode_reply(header)
    assert not os.path.exists(trap)
    assert decode_reply(b'{"status": "done"}') == {"status": "done"}
    with pytest.raises(TypeError):
        encode_frame({"status": "ok"})


# ---------------------------------------------------------------- the result must be a document

def tr_loop_closed_in_a_paragraph() -> bytes:
    """{%tr for %} in one row, and its end written as a plain {% endfor %} in the next: every plan's
    document is broken XML once a table has two rows or more."""
    doc = Document()
    table = doc.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "Sterk"
    table.cell(1, 0).text = "{%tr for r in kwaliteiten %}"
    table.cell(2, 0).text = "{{ r.sterk }}{% endfor %}"
    return docx_bytes(doc)


def test_a_broken_result_is_refused_with_the_fix():
    from exports.uploads.check import compile_template
    document = compile_template(tr_loop_closed_in_a_paragraph(), "docx", FORM).render(example_context())
    with pytest.raises(TemplateProblem) as refused:
        check_rendered(document, "docx")
    assert "geen geldig Word-document" in str(refused.value)
    assert "{%tr for … %} en {%tr endfor %}" in str(refused.value)
    with pytest.raises(TemplateProblem):
        check_rendered(b"PK\x03\x04 no zip", "xlsx")


def test_a_well_formed_document_passes_the_thorough_check():
    check_rendered(simple_docx("Gewoon een document"), "docx", thorough=True)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:  # well-formed XML, but not a Word document
        archive.writestr("word/document.xml", "<x/>")
    check_rendered(broken.getvalue(), "docx")
    with pytest.raises(TemplateProblem) as refused:
        check_rendered(broken.getvalue(), "docx", thorough=True)
    assert "kan niet als Word-document worden geopend" in str(refused.value)


# ---------------------------------------------------------------- through the app

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("template_isolation"))
    w.app.config.update(POP_TEMPLATE_TIMEOUT=TIMEOUT, POP_TEMPLATE_CHECK_TIMEOUT=TIMEOUT,
                        POP_TEMPLATE_MEMORY_MB=MEMORY_MB, POP_TEMPLATE_CHILDREN=1)
    w.app.config["PROPAGATE_EXCEPTIONS"] = False
    return w


@pytest.fixture
def in_app(world):
    use_database(world.app)
    yield world
    use_database(world.app)
    with world.app.app_context():
        ExportTemplate.delete().execute()


def active_upload(world, data: bytes, fmt="docx") -> None:
    """An active template stored as it is, past the upload checks: one that passed them on the sample
    plans and fails on a real one (or a template stored before the checks were there)."""
    with world.app.app_context():
        ExportTemplate.create(form_key=FORM_KEY, format=fmt, name=f"aanval.{fmt}", data=data,
                              sha256=hashlib.sha256(data).hexdigest(),
                              uploaded_by=person_id(world.app, world.org["hr"]), active=True)


def explodes_on_real_data() -> bytes:
    # Zoë's plan has 3 rows of kwaliteiten, each multiplied by a million loops.
    return simple_docx("Naam: {{ medewerker.naam }}",
                       "{% for r in kwaliteiten %}{% for i in range(1000) %}{% for j in range(1000) %}"
                       "{{ r.sterk[:0] }}{% endfor %}{% endfor %}{% endfor %}")


def assert_default_layout_with_answers(document) -> None:
    texts = body_texts(document)
    assert "Fase I: Zelfanalyse" in texts
    assert f"Naam: {EMPLOYEE_NAME}" in texts
    assert any(t.endswith("[EINDE-10K]") and len(t) >= len(LONG_10K) for t in texts)


def flashed(client) -> str:
    return text_of(client.get("/"))


@pytest.mark.parametrize("template, reason", [
    (explodes_on_real_data, "langer dan 1,5 seconden"),
    (tr_loop_closed_in_a_paragraph, "{%tr for … %} en {%tr endfor %}"),
    (lambda: simple_docx(POWER), "te groot getal"),
    (lambda: simple_docx(MEMORY_BOMB), f"te veel geheugen (meer dan {MEMORY_MB} MB)"),
])
def test_a_template_failing_on_a_real_plan_gives_the_default_layout_and_says_why(in_app, template,
                                                                                   reason):
    active_upload(in_app, template())
    zoe = in_app.client("zoe")
    started = time.monotonic()
    response = zoe.get(f"/plans/{in_app.org['plan']}/download.docx")
    assert time.monotonic() - started < WALL_BOUND
    assert_default_layout_with_answers(docx_of(response))
    page = flashed(zoe)
    assert "in de standaardopmaak gemaakt" in page and reason in page, page[:1500]
    assert "Error" not in page and "Traceback" not in page
    assert "(Het " not in page  # the reason reads on inside the sentence's brackets


def test_an_excel_template_failing_on_a_real_plan_gives_the_default_workbook(in_app):
    wb = Workbook()
    wb.active["A1"] = "{{ medewerker.naam }}"
    wb.active["A2"] = POWER
    out = io.BytesIO()
    wb.save(out)
    active_upload(in_app, out.getvalue(), "xlsx")
    zoe = in_app.client("zoe")
    workbook = workbook_of(zoe.get(f"/plans/{in_app.org['plan']}/download.xlsx"))
    cells = [c.value for ws in workbook for row in ws.iter_rows() for c in row]
    assert EMPLOYEE_NAME in cells and POWER not in cells
    assert "te groot getal" in flashed(zoe)


def test_a_good_template_still_fills_the_real_plan_through_the_child(in_app):
    active_upload(in_app, simple_docx("Naam: {{ medewerker.naam }}", "Meer doen: {{ meer_doen }}"))
    document = docx_of(in_app.client("zoe").get(f"/plans/{in_app.org['plan']}/download.docx"))
    assert body_texts(document) == [f"Naam: {EMPLOYEE_NAME}", "Meer doen: <script>alert(1)</script>"]


def test_a_bulk_export_gives_the_default_layout_per_failing_plan_within_the_limit(in_app, monkeypatch):
    from exports import templates
    world = in_app
    with world.app.app_context():
        Plan.update(status="ontwikkelgesprek").where(Plan.id == world.org["plan_b"]).execute()
    monkeypatch.setattr(templates, "BULK_LIMIT_HITS", 1)  # Zoë's plan times out; Bram's is skipped
    active_upload(world, explodes_on_real_data())
    hr = world.client("hr")
    started = time.monotonic()
    response = hr.post("/export", data={"afdeling": "", "periode": "", "status": ""})
    assert time.monotonic() - started < WALL_BOUND
    assert response.status_code == 302
    with world.app.app_context():
        job = ExportJob.select().order_by(ExportJob.id.desc()).get()
    assert job.status == "klaar", job.error
    page = text_of(hr.get(f"/export/{job.id}"))
    assert "2 plannen zijn in de standaardopmaak gemaakt" in page, page
    assert EMPLOYEE_NAME in page and "langer dan 1,5 seconden" in page
    assert "niet meer geprobeerd" in page
    with world.app.app_context(), zipfile.ZipFile(io.BytesIO(shared_files.read(job.path))) as archive:
        names = [n for n in archive.namelist() if n.endswith(".docx")]
        assert len(names) == 2
        for name in names:
            assert "Fase I: Zelfanalyse" in body_texts(Document(io.BytesIO(archive.read(name))))


# ---------------------------------------------------------------- at upload (the lead's check renders here)

@pytest.mark.parametrize("source, reason", [
    (TRIPLE_LOOP, "langer dan 1,5 seconden"),
    (MEMORY_BOMB, "te veel geheugen"),
    (POWER, "te groot getal"),
])
def test_an_attack_is_refused_at_upload_in_dutch_within_bounded_time(in_app, source, reason):
    hr = in_app.client("hr")
    started = time.monotonic()
    response = upload(hr, simple_docx("Naam: {{ medewerker.naam }}", source), "aanval.docx")
    assert time.monotonic() - started < WALL_BOUND
    assert response.status_code == 422, response.status_code
    page = text_of(response)
    assert reason in page, page[:2000]
    with in_app.app.app_context():
        assert ExportTemplate.select().count() == 0
    assert all(not process_gone(pid) for pid in isolation.child_pids())
    # The server is unharmed: the next download works.
    assert docx_of(in_app.client("zoe").get(f"/plans/{in_app.org['plan']}/download.docx"))
