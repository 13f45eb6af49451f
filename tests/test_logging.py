"""The application log (pop/logs.py): one configuration, to standard output, a line per request with its
id, status and duration, the security events beside them, and never a password, an answer or a
link's token."""
import logging
import re

import pytest

from app import create_app
from conftest import PASSWORD, Client, csrf_from
from pop import logs, passwords
from pop.models import Person

REQUEST_LINE = re.compile(r"^\S+ \S+ INFO pop\.request \[(?P<id>[^\]]+)\] (?P<method>[A-Z]+) (?P<path>\S+) "
                          r"(?P<status>\d{3}) (?P<ms>\d+) ms$", re.M)
SECRET_ANSWER = "Mijn geheime antwoord over de reorganisatie 7f3a"
WRONG_PASSWORD = "fout-geraden-wachtwoord-42"
NEW_PASSWORD = "nieuw-gekozen-wachtwoord-9"


def lines_for(output: str, method: str, path: str) -> list[re.Match]:
    return [m for m in REQUEST_LINE.finditer(output) if (m["method"], m["path"]) == (method, path)]


def test_a_journey_leaves_a_line_per_request_and_no_password_answer_or_token(app, org, capsys, caplog):
    capsys.readouterr()
    anna = Client(app)
    assert anna.login(org["a"], WRONG_PASSWORD).status_code == 200
    assert anna.login(org["a"]).status_code == 302
    saved = anna.post(f"/plans/{org['plan_a']}/fase-1", data={"meer_doen": SECRET_ANSWER})
    assert saved.status_code == 302
    with app.app_context():
        token = passwords.issue(Person.get(Person.email == org["b"]), passwords.RESET, app.config["SECRET_KEY"])
    path = f"/wachtwoord/herstel/{token}"
    stranger = Client(app)
    page = stranger.get(path)
    assert page.status_code == 200
    chosen = stranger.http.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                            "csrf_token": csrf_from(page)})
    assert chosen.status_code == 302
    assert Client(app).login(org["b"], NEW_PASSWORD).status_code == 302

    captured = capsys.readouterr()
    output = captured.out + captured.err
    # Standard output holds the request lines: method, path, status, duration, and the id the
    # response carried.
    failed, ok = lines_for(output, "POST", "/login")[:2]
    assert (failed["status"], ok["status"]) == ("200", "302")
    assert saved.headers["X-Request-ID"] in [m["id"] for m in lines_for(output, "POST", f"/plans/{org['plan_a']}/fase-1")]
    assert [m["status"] for m in lines_for(output, "GET", "/wachtwoord/herstel/[token]")] == ["200"]
    assert [m["status"] for m in lines_for(output, "POST", "/wachtwoord/herstel/[token]")] == ["302"]
    # The security events, in the same output and marked with their request's id.
    assert re.search(rf"WARNING pop\.security \[{failed['id']}\] inloggen mislukt", output), output
    assert re.search(rf"INFO pop\.security \[{ok['id']}\] ingelogd", output), output
    assert "nieuw wachtwoord ingesteld via herstellink" in output
    for secret in (PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, SECRET_ANSWER, "geheime antwoord", token,
                   token.split(".")[0]):
        assert secret not in output, secret
        assert secret not in caplog.text, secret  # every record, whatever handler writes it


def test_the_request_id_comes_from_a_trusted_proxy_when_it_is_sane(tmp_path, capsys):
    from databases import fresh_database_url, release_database_url

    url = fresh_database_url(tmp_path)
    try:
        behind = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "POP_TRUSTED_PROXIES": 1})
        client = behind.test_client()
        response = client.get("/login", headers={"X-Request-ID": "nginx-3f9a01c2"})
        assert response.headers["X-Request-ID"] == "nginx-3f9a01c2"
        assert "[nginx-3f9a01c2] GET /login 200" in capsys.readouterr().out
        for odd in ("twee woorden", "x" * 101, "<script>"):  # not an id: one of our own instead
            generated = client.get("/login", headers={"X-Request-ID": odd}).headers["X-Request-ID"]
            assert re.fullmatch(r"[0-9a-f]{16}", generated), odd
        direct = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
        # Without a proxy POP trusts, anyone could write anything there: ignored.
        generated = direct.test_client().get("/login", headers={"X-Request-ID": "zelfgekozen"})
        assert re.fullmatch(r"[0-9a-f]{16}", generated.headers["X-Request-ID"])
    finally:
        release_database_url(url)


def test_the_address_is_logged_without_query_values_tokens_or_line_breaks(app, capsys):
    client = app.test_client()
    capsys.readouterr()
    assert client.get("/login?next=/plans/3&q=Jansen&q=Visser").status_code == 200
    assert client.get("/feedback/link/Zg5HaWxrV2F0ZXJzdGFhdA.abc123XYZ/verder").status_code == 404
    assert client.get("/x%0Ay").status_code == 404
    output = capsys.readouterr().out
    assert "GET /login?next=…&q=… 200" in output
    assert "GET /feedback/link/[…]/verder 404" in output  # no route knows it: a long segment may be a token
    assert "GET /x\\x0ay 404" in output
    assert "Jansen" not in output and "Zg5HaWxr" not in output and "\ny" not in output


def test_one_handler_however_many_apps_and_werkzeugs_own_request_line_is_off(app, tmp_path):
    from databases import fresh_database_url, release_database_url

    url = fresh_database_url(tmp_path)
    try:
        create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "POP_LOG_LEVEL": "WARNING"})
    finally:
        release_database_url(url)
    root = logging.getLogger()
    assert [h.get_name() for h in root.handlers].count(logs.HANDLER_NAME) == 1
    assert root.level == logging.WARNING  # POP_LOG_LEVEL of the app made last
    assert logging.getLogger("werkzeug").level == logging.WARNING


@pytest.fixture(autouse=True)
def _root_level_back():
    level = logging.getLogger().level
    yield
    logging.getLogger().setLevel(level)
