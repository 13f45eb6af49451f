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


def new_database_url(folder, name: str = "test") -> str:
    if not on_postgres():
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    database = f"pop_test_{os.getpid()}_{next(_counter)}_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{database}" TEMPLATE template0 ENCODING \'UTF8\'')
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


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
