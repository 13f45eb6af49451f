"""The database a test runs on: SQLite in the test's folder, or, with POP_TEST_POSTGRES set to a
server's admin URL (postgresql://postgres@127.0.0.1:PORT/postgres), a fresh PostgreSQL database per
test, dropped afterwards. tests/with_postgres.sh starts a throwaway server and sets it."""
from __future__ import annotations

import itertools
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

ADMIN_URL = os.environ.get("POP_TEST_POSTGRES", "")
_counter = itertools.count()


def on_postgres() -> bool:
    return bool(ADMIN_URL)


def _admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _url_of(database: str) -> str:
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


_template = None


def _current_template() -> str:
    """A database with every migration applied, made once per test run: copying it is much quicker
    than migrating a new database for each of some 400 tests."""
    global _template
    if _template is None:
        from playhouse.db_url import connect

        from pop import schema

        name = f"pop_template_{os.getpid()}_{secrets.token_hex(3)}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        db = connect(_url_of(name))
        try:
            schema.upgrade(db)
        finally:
            db.close()  # a template must have no one connected while it is copied
        _template = name
    return _template


def new_database_url(folder, name: str = "test", migrated: bool = True) -> str:
    """A database for one test: migrated to the current schema (the app would do that itself on
    start), or empty for tests that build an older schema first."""
    if not on_postgres():
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    database = f"pop_test_{os.getpid()}_{next(_counter)}_{secrets.token_hex(3)}"
    template = _current_template() if migrated else "template0"
    _admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}" ENCODING \'UTF8\'')
    return _url_of(database)


def drop_database_url(url: str) -> None:
    if not url.startswith("postgres"):
        return
    name = urlsplit(url).path.lstrip("/")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(url: str) -> str:
    """What peewee's Database.database holds for this URL: the file for SQLite, the name otherwise."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return urlsplit(url).path.lstrip("/")
