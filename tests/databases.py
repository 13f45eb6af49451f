"""The database a test runs on: SQLite in the test's folder, or, with POP_TEST_POSTGRES set to a
server's admin URL (postgresql://postgres@127.0.0.1:PORT/postgres), a fresh PostgreSQL database per
test, dropped afterwards. tests/with_postgres.sh starts a throwaway server and sets it."""
from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

from pop.migrations.m0025_change_count import SHARDS

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


# ---------------------------------------------------------------- one database per test, made quickly

_sqlite_template = None


def _sqlite_migrated() -> str:
    """A SQLite file with every migration applied, made once per test run."""
    global _sqlite_template
    if _sqlite_template is None:
        from playhouse.db_url import connect

        from pop import schema

        path = os.path.join(tempfile.mkdtemp(prefix="pop-template-"), "template.sqlite3")
        db = connect(f"sqlite:///{path}")
        try:
            schema.upgrade(db)
            db.execute_sql("PRAGMA journal_mode = delete")  # one file to copy, no -wal beside it
        finally:
            db.close()
        _sqlite_template = path
    return _sqlite_template


_reused = None  # (database name, the schema it must still have)
# Not the migrations' record, nor the rows of m0025's count of changes (pop/changes.py), which the
# triggers add to and never make: those are made again at 0, as in a new database.
_TABLES = ("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
           "('schema_migrations', 'change_count') ORDER BY tablename")
_SCHEMA = ("SELECT table_name, column_name, data_type, is_nullable, column_default "
           "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2")
# And the triggers, each on or off: a test that turns one off (tests/test_answer_stamps.py) leaves a
# database the next test must not get.
_TRIGGERS = "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"


def _schema_of(cursor) -> list:
    cursor.execute(_SCHEMA)
    columns = cursor.fetchall()
    cursor.execute(_TRIGGERS)
    return columns + cursor.fetchall()


def _emptied(name: str, schema: list) -> bool:
    """Empty every table of database `name` (identities restarted, so ids count from 1 again as in a
    new database). False when that cannot be done quickly (a connection of the test before still
    holds a lock) or the test before changed the schema: then the caller makes a new database."""
    import psycopg2

    connection = psycopg2.connect(_url_of(name))
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
            if _schema_of(cursor) != schema:
                return False
            cursor.execute(_TABLES)
            tables = ", ".join(f'"{t}"' for (t,) in cursor.fetchall())
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            # Its rows as m0025 makes them (a test may have deleted them: tests/test_kept_figures.py).
            cursor.execute("DELETE FROM change_count")
            cursor.execute("INSERT INTO change_count (shard, n) SELECT s, 0 FROM generate_series(0, %s) s",
                           (SHARDS - 1,))
        return True
    except psycopg2.OperationalError:  # lock_timeout: something of the test before is still there
        return False
    finally:
        connection.close()


def fresh_database_url(folder, name: str = "test") -> str:
    """What new_database_url(folder, name) gives, a migrated database no one else uses, made quicker
    for the per-test `app` fixture: on SQLite a copy of one migrated file, on PostgreSQL one database per
    test process, emptied before each test (creating and dropping a database per test took a third of
    a second each time, over half the PostgreSQL suite). Never for a fixture that outlives its test."""
    global _reused
    if not on_postgres():
        path = folder / (name + ".sqlite3")
        shutil.copyfile(_sqlite_migrated(), path)
        return f"sqlite:///{path}"
    if _reused is not None and _emptied(*_reused):
        return _url_of(_reused[0])
    url = new_database_url(folder, name)
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            _reused = (urlsplit(url).path.lstrip("/"), _schema_of(cursor))
    finally:
        connection.close()
    return url


def release_database_url(url: str) -> None:
    """The end of a test's use of fresh_database_url(): the reused database stays for the next test."""
    if _reused is None or urlsplit(url).path.lstrip("/") != _reused[0]:
        drop_database_url(url)


def module_world(make, tmp_path_factory, name: str):
    """For a module-scoped fixture: make(folder), an organisation with its own database (an object with
    .app) shared by the module's tests, and that database closed and dropped after them."""
    world = make(tmp_path_factory.mktemp(name))
    yield world
    from pop.db import database
    if getattr(database, "obj", None) is not None and not database.is_closed():
        database.close()
    drop_database_url(world.app.config["DATABASE_URL"])
