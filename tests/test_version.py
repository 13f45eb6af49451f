"""POP's version (pop/version.py): pyproject.toml's, printed by `flask --app app version` with the state
of the database, at the foot of HR's pages and nobody else's; every migration names the release that
brought it, in order, each in the CHANGELOG."""
import datetime as dt
import re
import tomllib
from pathlib import Path

from conftest import Client
from pop import schema
from pop.db import database
from pop.version import release_key, version
from support import doc

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
RELEASE = re.compile(r"\d+\.\d+\.\d+")


def test_the_version_is_pyprojects():
    assert version() == PYPROJECT_VERSION


def test_every_migration_names_its_release_in_order_and_none_after_this_one():
    releases = [(m.name, m.release) for m in schema.known()]
    assert releases[0] == ("m0001_release_0_1", "0.1.0")
    for name, release in releases:
        assert RELEASE.fullmatch(release), f"{name}: RELEASE = {release!r}; give it the version that brings it"
        assert release_key(release) <= release_key(version()), f"{name} names a release after {version()}"
    keys = [release_key(r) for _, r in releases]
    assert keys == sorted(keys), f"a migration names an earlier release than the one before it: {releases}"


def test_the_changelog_has_this_release_and_every_release_a_migration_names():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d+\.\d+\.\d+)\b", changelog, re.M)
    assert headings[0] == version()  # newest first
    assert {m.release for m in schema.known()} <= set(headings)


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_the_version_command_says_the_release_and_where_the_database_stands(app):
    known = schema.known()
    code, output = run(app, "version")
    assert code == 0, output
    assert output.splitlines()[0] == f"POP {version()}"
    assert (f"Database: {len(known)} van {len(known)} migraties toegepast; de laatste, {known[-1].name}, "
            f"kwam met versie {known[-1].release}.") in output
    # A step waiting (this release is newer than the database), and one this release does not know
    # (a newer release made the database: restore with that one, or a backup made by this one).
    recorded(app, remove=known[-1].name, add="m9999_van_later")
    try:
        code, output = run(app, "version")
        assert code == 0, output
        assert f"de laatste, {known[-2].name}, kwam met versie {known[-2].release}." in output
        assert f"Wachten: 1 ({known[-1].name}); flask --app app db upgrade --backup past ze toe." in output
        assert f"Onbekend in deze versie: m9999_van_later: de database is bijgewerkt door een nieuwere " \
               f"versie dan {version()}." in output
        # db status names each step's release beside it.
        code, output = run(app, "db", "status")
        assert code == 0, output
        assert re.search(r"^m0001_release_0_1 +0\.1\.0 +toegepast", output, re.M), output
        assert re.search(rf"^{known[-1].name} +{re.escape(known[-1].release)} +NOG NIET TOEGEPAST", output,
                         re.M), output
    finally:  # as it was: on PostgreSQL the next test gets this database, emptied but for this table
        recorded(app, remove="m9999_van_later", add=known[-1].name)


def recorded(app, remove: str, add: str) -> None:
    with app.app_context(), database.connection_context():
        record = schema._record_model(database.obj)
        record.delete().where(record.name == remove).execute()
        record.create(name=add, applied_at=dt.datetime(2030, 1, 1))


def footer(response) -> str:
    found = doc(response).xpath("//footer")
    return " ".join(found[0].text_content().split()) if found else ""


def test_hr_sees_the_version_at_the_foot_of_the_page_and_nobody_else_does(app, org, login):
    assert footer(login(org["hr"]).get("/mensen/")) == f"POP versie {version()}"
    for who in ("m1", "a"):
        page = login(org[who]).get("/")
        assert page.status_code == 200 and footer(page) == "" and version() not in page.get_data(as_text=True)
    assert footer(Client(app).get("/login")) == ""
