"""Regression tests for the findings of the security review: each test is one attack that once worked."""
import io
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import csrf_from, text_of
from export_support import FORM_KEY, simple_docx, upload
from exports.word.engine import MAX_PLACEHOLDERS, TemplateProblem
from exports.uploads.check import check_template
from forms import FORMS
from pop import shared_files
from pop.models import ExportJob, ExportTemplate, Person
from support import error_text


# ---------------------------------------------------------------- logging in


@pytest.mark.parametrize("who", ["unknown", "inactive", "no-password", "wrong-password"])
def test_failed_login_always_checks_a_password_hash(app, org, client, hash_checks, who):
    """A log-in for an unknown e-mail answered in 2 ms, one with a wrong password in 75 ms (scrypt):
    the answer time told which e-mail addresses have an account."""
    with app.app_context():
        if who == "inactive":
            Person.update(active=False).where(Person.email == org["a"]).execute()
        if who == "no-password":
            Person.update(password_hash="").where(Person.email == org["a"]).execute()
    email = "niemand@test.nl" if who == "unknown" else org["a"]
    response = client.login(email, "wachtwoord-123" if who != "wrong-password" else "fout-wachtwoord")
    assert response.status_code == 200
    assert error_text(response, "password") == "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert len(hash_checks) == 1


def test_login_starts_a_fresh_session(org, client):
    """A token from before the log-in (one an attacker could have planted with the session cookie) is
    no longer valid afterwards."""
    before = csrf_from(client.get("/login"))
    assert client.login(org["a"]).status_code == 302
    response = client.post("/plans/nieuw", data={"csrf_token": before, "period": "2030"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200, "the log-in itself must hold"


# ---------------------------------------------------------------- people


def _edit(app, hr, email, **changes):
    with app.app_context():
        p = Person.get(Person.email == email)
    data = {"voornaam": p.voornaam, "achternaam": p.achternaam, "email": p.email, "manager": "0",
            "role": p.role, "active": "y"}
    data.update(changes)
    return hr.post(f"/mensen/{p.id}", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("changes, field", [({"role": "medewerker"}, "role"),
                                            ({"active": None}, "active")])
def test_the_last_hr_account_cannot_lock_itself_out(app, org, login, changes, field):
    hr = login(org["hr"])
    response = _edit(app, hr, org["hr"], **changes)
    assert response.status_code == 422
    assert error_text(response, field) == \
        "Dit is het laatste actieve HR-account. Geef eerst iemand anders de rol HR."
    assert hr.get("/mensen/").status_code == 200


def test_hr_may_step_down_when_another_hr_remains(app, org, login):
    hr = login(org["hr"])
    assert _edit(app, hr, org["m2"], role="hr").status_code == 302
    assert _edit(app, hr, org["hr"], role="medewerker").status_code == 302
    assert hr.get("/mensen/").status_code == 403
    assert "Mensen" in text_of(login(org["m2"]).get("/mensen/"))


# ---------------------------------------------------------------- uploaded templates

DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
TEMPLATE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


def changed_package(data: bytes, changes: dict) -> bytes:
    """The zip with members replaced (name -> function of the old bytes, or bytes for a new member)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            change = changes.get(info.filename)
            dst.writestr(info.filename, change(src.read(info)) if callable(change) else src.read(info))
        for name, change in changes.items():
            if name not in src.namelist():
                dst.writestr(name, change)
    return out.getvalue()


def with_relationship(rel_type: str, target: str) -> bytes:
    rel = (f'<Relationship Id="rIdSec" Type="{rel_type}" Target="{target}" '
           'TargetMode="External"/></Relationships>').encode()
    return changed_package(simple_docx("{{ medewerker.naam }}"), {
        "word/_rels/document.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel)})


def problems_of(app, data: bytes, fmt="docx") -> str:
    with app.app_context():
        try:
            return " ".join(check_template(data, fmt, FORMS[FORM_KEY]).problems)
        except TemplateProblem as exc:
            return str(exc)


MACROS_IN_DISGUISE = {
    # A .docm renamed .docx, its content type written in lower case: Office reads it all the same.
    "content type in lower case": lambda: changed_package(simple_docx("x"), {
        "[Content_Types].xml": lambda xml: xml.replace(
            DOCX_CT.encode(), b"application/vnd.ms-word.document.macroenabled.main+xml")}),
    # The macro part under another name, known by its content type alone.
    "macro part under another name": lambda: changed_package(simple_docx("x"), {
        "[Content_Types].xml": lambda xml: xml.replace(
            b"</Types>", b'<Default Extension="dat" ContentType="application/vnd.ms-office.'
                         b'VbaProject"/></Types>'),
        "word/macros.dat": b"\xd0\xcf\x11\xe0 macro"}),
    "content type written as a character reference": lambda: changed_package(simple_docx("x"), {
        "[Content_Types].xml": lambda xml: xml.replace(
            DOCX_CT.encode(), b"application/vnd.ms-word.document.macro&#69;nabled.main+xml")}),
}


@pytest.mark.parametrize("case", list(MACROS_IN_DISGUISE))
def test_macros_in_disguise_are_refused(app, case):
    assert "bevat macro's" in problems_of(app, MACROS_IN_DISGUISE[case]())


@pytest.mark.parametrize("target", ["http://127.0.0.1:8765/intern", "\\\\fileserver\\share\\x.png",
                                    "file:///etc/passwd"])
def test_a_linked_image_is_refused(app, target):
    """LibreOffice fetched an externally linked image of the template on every PDF export: a request
    from the server to any address the template named (and Word does the same on each PC)."""
    data = with_relationship(IMAGE_REL, target)
    assert "haalt inhoud van buiten het bestand op" in problems_of(app, data)


def test_a_remote_word_template_is_refused(app):
    data = with_relationship(TEMPLATE_REL, "https://evil.example/template.dotm")
    assert "haalt inhoud van buiten het bestand op" in problems_of(app, data)


@pytest.mark.parametrize("rel_type, target", [
    (HYPERLINK_REL, "https://intranet.example/pop"),
    (TEMPLATE_REL, "file:///C:\\Users\\hr\\AppData\\Roaming\\Microsoft\\Templates\\Huisstijl.dotx")])
def test_hyperlinks_and_the_local_word_template_stay_allowed(app, rel_type, target):
    assert problems_of(app, with_relationship(rel_type, target)) == ""


def test_a_template_with_too_many_placeholders_is_refused_quickly(app):
    """A 68 kB upload with half a million placeholders took a minute and 6 GB of memory to check."""
    data = simple_docx("{{ medewerker.naam }}" * (MAX_PLACEHOLDERS + 1))
    started = time.perf_counter()
    assert f"meer dan {MAX_PLACEHOLDERS} plaatshouders" in problems_of(app, data)
    assert time.perf_counter() - started < 5


def test_an_excel_template_with_too_many_placeholders_is_refused(app):
    workbook = Workbook()
    for row in range(1, MAX_PLACEHOLDERS // 10 + 2):
        for col in range(1, 11):
            workbook.active.cell(row, col, "{{ medewerker.naam }}")
    out = io.BytesIO()
    workbook.save(out)
    assert f"meer dan {MAX_PLACEHOLDERS} plaatshouders" in problems_of(app, out.getvalue(), "xlsx")


@pytest.fixture
def hr_no_propagate(app, org, login):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error must show as one, not raise here
    return login(org["hr"])


def _default_xlsx():
    from exports.excel.default_template import default_xlsx_template
    return default_xlsx_template(FORM_KEY)


LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %c "%s">' % (c, b"&%c;" % (c - 1) * 10)
                     for c in range(ord("b"), ord("j")))
          + b"]>")
BROKEN_UPLOADS = {
    # Jinja computed constants while compiling (too long a number to print raised a ValueError);
    # now folding is off and the sandbox refuses large powers.
    "huge constant": ("docx", lambda: simple_docx("{{ 7**6000 }}"), "Een macht in het sjabloon is te groot"),
    "worksheet XML with a duplicate attribute": ("xlsx", lambda: changed_package(_default_xlsx(), {
        "xl/worksheets/sheet1.xml": lambda xml: xml.replace(b'<c r="A1"', b'<c r="A1" r="A1"', 1)}),
        "beschadigd"),
    "truncated styles": ("xlsx", lambda: changed_package(_default_xlsx(), {
        "xl/styles.xml": lambda xml: xml[:50]}), "beschadigd"),
    "billion laughs in a worksheet": ("xlsx", lambda: changed_package(_default_xlsx(), {
        "xl/worksheets/sheet1.xml": lambda xml: LAUGHS + xml.replace(b"<t>Vraag</t>", b"<t>&i;</t>",
                                                                     1)}),
        "beschadigd"),
    "external entity in a worksheet": ("xlsx", lambda: changed_package(_default_xlsx(), {
        "xl/worksheets/sheet1.xml": lambda xml: b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM '
                                                b'"file:///etc/hostname">]>'
                                                + xml.replace(b"<t>Vraag</t>", b"<t>&x;</t>", 1)}),
        "beschadigd"),
}


@pytest.mark.parametrize("case", list(BROKEN_UPLOADS))
def test_a_broken_upload_gets_a_message_not_a_server_error(app, hr_no_propagate, case):
    fmt, make, phrase = BROKEN_UPLOADS[case]
    response = upload(hr_no_propagate, make(), f"sjabloon.{fmt}")
    assert response.status_code == 422, response.status_code
    assert phrase in text_of(response)
    with app.app_context():
        assert ExportTemplate.select().count() == 0


# ---------------------------------------------------------------- the web layer and the instance folder


@pytest.mark.parametrize("url", ["/plans/99999999999999999999", "/plans/99999999999999999999/fase-1",
                                 "/mensen/99999999999999999999", "/export/99999999999999999999",
                                 "/sjablonen/99999999999999999999/voorbeeld"])
def test_an_id_too_large_for_the_database_is_not_found(app, org, login, url):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # it was an OverflowError in SQLite: a server error
    assert login(org["hr"]).get(url).status_code == 404


def test_personal_pages_and_downloads_are_not_cached(org, login):
    anna = login(org["a"])
    for url in ("/", f"/plans/{org['plan_a']}", f"/plans/{org['plan_a']}/download.docx"):
        response = anna.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", url
    assert "base-uri 'none'" in anna.get("/").headers["Content-Security-Policy"]


def test_the_secret_key_file_is_owner_only_and_made_once(tmp_path, monkeypatch):
    from app import _secret_key

    monkeypatch.delenv("POP_SECRET_KEY", raising=False)
    # No moment at which the key is readable by others: its rights come with the file, from the
    # first byte, not from a chmod after writing it.
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    old_umask = os.umask(0)  # the most permissive: the file's mode must not come from the umask
    try:
        key = _secret_key(str(tmp_path))
    finally:
        os.umask(old_umask)
    assert len(key) == 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert _secret_key(str(tmp_path)) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "a draft was left behind"


def test_the_instance_folder_is_made_owner_only(tmp_path, monkeypatch):
    import app as app_module

    made = {}
    real = os.makedirs

    def makedirs(path, mode=0o777, exist_ok=False):
        made.setdefault(str(path), mode)
        return real(path, mode=mode, exist_ok=exist_ok)

    monkeypatch.setattr(app_module.os, "makedirs", makedirs)
    flask_app = app_module.create_app({"TESTING": True, "SECRET_KEY": "x",
                                       "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})  # only the folder is tested
    assert made[flask_app.instance_path] == 0o700


# ---------------------------------------------------------------- exports


def test_characters_xml_does_not_allow_do_not_break_the_excel_exports(app, org, login):
    """One answer holding U+FFFF made the plan's workbook a server error and HR's bulk export of every
    plan fail; HR's names of people (page header, overview) went the same way."""
    hr = login(org["hr"])
    with app.app_context():
        Person.update(achternaam="Alfa\ufffe").where(Person.email == org["a"]).execute()
    anna = login(org["a"])
    assert anna.post(f"/plans/{org['plan_a']}/fase-1", data={
        "meer_doen": "a\uffffb", "ontwikkeldoelen-0-doel": "Presenteren\uffff",
        "ontwikkeldoelen-0-belang": "1"}).status_code == 302
    response = anna.get(f"/plans/{org['plan_a']}/download.xlsx")
    assert response.status_code == 200
    cells = [c.value for ws in load_workbook(io.BytesIO(response.data)) for row in ws.iter_rows()
             for c in row]
    assert "ab" in cells
    from support import set_state
    set_state(app, org["plan_a"], "ontwikkelgesprek")  # shared: HR may file it
    hr.post("/export", data={"afdeling": "", "periode": "", "status": ""})
    with app.app_context():
        job = ExportJob.get()
    assert (job.status, job.error) == ("klaar", "")
    with app.app_context(), zipfile.ZipFile(io.BytesIO(shared_files.read(job.path))) as archive:
        overview = load_workbook(io.BytesIO(archive.read("Overzicht_POP.xlsx"))).active
    assert "1. Presenteren" in [c.value for row in overview.iter_rows() for c in row]


# ---------------------------------------------------------------- sandbox limits, sessions, throttling

@pytest.mark.parametrize("source", ["{{ 'a' * 10**9 }}", "{{ 10**99999999 }}", "{{ 'x'.ljust(10**8) }}",
                                    "{% for i in range(10**6) %}{% endfor %}", "{{ medewerker.naam|safe }}",
                                    "{{ '%0100000000d'|format(1) }}"])
def test_a_template_cannot_ask_for_huge_memory_or_raw_xml(app, hr_no_propagate, source):
    response = upload(hr_no_propagate, simple_docx(source), "sjabloon.docx")
    assert response.status_code == 422, response.status_code
    with app.app_context():
        assert ExportTemplate.select().count() == 0


def test_a_session_cookie_stops_working_after_log_out(app, org):
    from conftest import Client

    anna = Client(app)
    anna.login(org["a"])
    stolen = anna.http.get_cookie("session").value
    assert anna.get("/").status_code == 200
    anna.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_password_ends_the_old_sessions(app, org, login):
    anna = login(org["a"])
    assert anna.get("/").status_code == 200
    with app.app_context():
        from pop.models import Person
        person = Person.get(Person.email == org["a"])
        person.set_password("een-nieuw-wachtwoord")
        person.save()
    assert anna.get("/").status_code == 302


def test_characters_xml_does_not_allow_are_dropped_from_word_and_excel_alike():
    """One rule for both formats: a lone surrogate or U+FFFF would break either file."""
    from exports.word.engine import to_word_text
    from exports.excel.default import ILLEGAL

    for bad in ("\ud800", "\uffff", "\x0b"):
        assert str(to_word_text(f"a{bad}b")) == "ab"
        assert ILLEGAL.sub("", f"a{bad}b") == "ab"
