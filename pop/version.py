"""POP's version, and which release brought each step of the database's schema.

The version is written in one place, pyproject.toml. A checkout reads it there: an editable install's
metadata keeps the version of its last `pip install -e .` and would lag behind a `git pull`. An
installed package, without pyproject.toml beside it, reads its metadata (importlib.metadata).

Each migration module names the release that brought it (RELEASE = "0.2.0"), never lower than the one
before. A backup is restored with the release that made it: `flask --app app version` and
`flask --app app db status` say which release a database's last step came from, CHANGELOG.md what each
release holds. HR sees the version at the foot of every page (others do not: it tells an outsider
which release to attack)."""
from __future__ import annotations

import importlib.metadata
import tomllib
from functools import lru_cache
from pathlib import Path

import click
from flask.cli import with_appcontext

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@lru_cache(maxsize=1)
def version() -> str:
    if PYPROJECT.is_file():
        with PYPROJECT.open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    return importlib.metadata.version("pop")


def release_key(release: str) -> tuple[int, ...]:
    """"0.10.0" after "0.9.1": compared as numbers."""
    return tuple(int(part) for part in release.split("."))


def schema_state() -> list[str]:
    """The database's schema in a few Dutch lines: how many steps are applied, the release of the last
    one, what waits and what this release does not know (a newer release made the database)."""
    from . import schema
    from .db import database

    with database.connection_context():
        done = schema.applied(database)
    known = schema.known()
    applied = [m for m in known if m.name in done]
    waiting = [m for m in known if m.name not in done]
    unknown = sorted(set(done) - {m.name for m in known})
    lines = []
    if applied:
        last = applied[-1]
        lines.append(f"Database: {len(applied)} van {len(known)} migraties toegepast; de laatste, "
                     f"{last.name}, kwam met versie {last.release}.")
    else:
        lines.append("Database: nog geen migraties toegepast (nieuw, of van vóór versie 0.1.0).")
    if waiting:
        names = [m.name for m in waiting]
        shown = ", ".join(names) if len(names) <= 3 else f"{names[0]} … {names[-1]}"
        lines.append(f"Wachten: {len(names)} ({shown}); flask --app app db upgrade --backup past ze toe.")
    if unknown:
        lines.append(f"Onbekend in deze versie: {', '.join(unknown)}: de database is bijgewerkt door een "
                     f"nieuwere versie dan {version()}. Start die versie, of zet een reservekopie terug "
                     f"die door deze versie is gemaakt.")
    return lines


@click.command("version")
@with_appcontext
def version_command():
    """Toon de versie van POP en de stand van de database."""
    click.echo(f"POP {version()}")
    try:
        lines = schema_state()
    except Exception as error:  # the version is worth printing even when the database is not there
        raise click.ClickException(f"De database is niet te lezen: {error}") from error
    for line in lines:
        click.echo(line)


def init_app(app) -> None:
    app.cli.add_command(version_command)

    @app.context_processor
    def pop_version():
        return {"pop_version": version()}
