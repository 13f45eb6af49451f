"""Databases as earlier releases left them, for upgrade tests.

tests/old_databases/release-0.1.sqlite3 was made by release 0.1's own code (the last release without
migrations): the demo organisation, a plan with awkward text, a failed log-in, an active uploaded
template and a finished bulk export. For PostgreSQL the same rows are loaded into tables made as 0.1
made them (peewee's create_tables of its models, which m0001 keeps frozen). Every future migration is
tested against this data; add a file here for each release that changes the schema."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from peewee import PostgresqlDatabase
from playhouse.db_url import connect

RELEASE_0_1 = Path(__file__).parent / "old_databases" / "release-0.1.sqlite3"
TABLES = ["person", "plan", "answer", "exporttemplate", "exportjob"]  # in foreign-key order


def _plain(value):
    """One spelling for both databases: SQLite keeps datetimes as text and booleans as 0/1."""
    if isinstance(value, (dt.datetime, dt.date)):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def rows_of(cursor, table: str) -> list[dict]:
    cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, r)} for r in cursor.fetchall()]


def snapshot(path: Path = RELEASE_0_1) -> dict[str, list[dict]]:
    con = sqlite3.connect(path)
    try:
        return {t: rows_of(con.cursor(), t) for t in TABLES}
    finally:
        con.close()


def make_release_0_1(url: str) -> dict[str, list[dict]]:
    """Put release 0.1's database at url (SQLite file or an empty PostgreSQL database); returns its rows."""
    rows = snapshot()
    if url.startswith("sqlite:///"):
        shutil.copy(RELEASE_0_1, url.removeprefix("sqlite:///"))
        return rows
    from pop.migrations.m0001_release_0_1 import frozen_models

    db = connect(url)
    assert isinstance(db, PostgresqlDatabase)
    models = {m._meta.table_name: m for m in frozen_models(db)}
    with db.atomic():
        db.create_tables(list(models.values()))
        for table in TABLES:
            columns = list(rows[table][0]) if rows[table] else []
            for r in rows[table]:
                placeholders = ", ".join(["%s"] * len(columns))
                names = ", ".join(f'"{c}"' for c in columns)
                values = [_for_postgres(models[table], c, r[c]) for c in columns]
                db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', values)
            # Ids were given explicitly: the sequence must move past them, as the release's own
            # inserts would have moved it.
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))")
    db.close()
    return rows


def _for_postgres(model, column, value):
    field = model._meta.columns[column]
    if field.field_type == "BOOL":
        return bool(value)
    return value
