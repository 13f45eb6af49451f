"""flask --app app db upgrade | status | backup: the database by hand."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import SqliteDatabase

from . import schema
from .db import database, upgrade_schema


@click.group("db")
def db_group():
    """Database: bijwerken, status en reservekopie."""


@db_group.command("status")
@with_appcontext
def status():
    """Welke migraties zijn toegepast en welke nog niet."""
    from .version import version
    click.echo(f"POP {version()}; per migratie de versie die haar bracht (CHANGELOG.md).")
    with database.connection_context():
        done = schema.applied(database)
        for migration in schema.known():
            when = done.get(migration.name)
            mark = f"toegepast {when:%d-%m-%Y %H:%M}" if when else "NOG NIET TOEGEPAST"
            click.echo(f"{migration.name:<28} {migration.release:<7} {mark:<28} {migration.doc}")
        waiting = [m for m in schema.known() if m.name not in done]
    unknown = sorted(set(done) - {m.name for m in schema.known()})
    for name in unknown:
        click.echo(f"{name:<28} toegepast, maar onbekend in deze versie (nieuwere versie geïnstalleerd?)")
    click.echo(f"{len(waiting)} migratie(s) wachten." if waiting else "De database is bijgewerkt.")


@db_group.command("upgrade")
@with_appcontext
@click.option("--backup", "make_backup", is_flag=True,
              help="Eerst een reservekopie maken als er iets bij te werken is.")
def upgrade(make_backup):
    """Werk de database bij (gebeurt ook vanzelf bij het starten)."""
    with database.connection_context():
        waiting = schema.pending(database)
        has_data = database.obj.table_exists("person")
    if waiting and make_backup and has_data:
        click.echo(f"Reservekopie: {backup_to(None)}")
    done = upgrade_schema(current_app)
    if current_app.extensions.get("pop_schema_new"):
        click.echo("Nieuwe database aangemaakt.")
    else:
        click.echo(("Toegepast: " + ", ".join(done)) if done else "De database was al bijgewerkt.")


@db_group.command("backup")
@with_appcontext
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Bestand voor de kopie (standaard in instance/backups/).")
def backup(output):
    """Maak een reservekopie van de database (SQLite: online, PostgreSQL: pg_dump)."""
    click.echo(f"Reservekopie gemaakt: {backup_to(output)}")


def _default_target(suffix: str) -> Path:
    folder = Path(current_app.instance_path, "backups")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"pop-{dt.datetime.now():%Y%m%d-%H%M%S}{suffix}"


def backup_to(output: str | None) -> Path:
    db = database.obj
    if isinstance(db, SqliteDatabase):
        target = Path(output) if output else _default_target(".sqlite3")
        if target.exists():
            raise click.ClickException(f"{target} bestaat al; kies een ander bestand.")
        # The online backup API: a consistent copy while the app goes on writing (copying the file
        # could catch a half-written page or miss what is still in the -wal file).
        source = sqlite3.connect(db.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.chmod(target, 0o600)  # it holds every plan and password hash
        return target
    target = Path(output) if output else _default_target(".dump")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException("pg_dump is niet gevonden; installeer postgresql-client.")
    result = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={target}",
                             current_app.config["DATABASE_URL"]], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0 or not target.exists():
        raise click.ClickException(f"pg_dump mislukte: {result.stderr.strip()}")
    os.chmod(target, 0o600)
    return target
