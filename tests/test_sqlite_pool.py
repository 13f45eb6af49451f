"""SQLite connections are kept for the next request too (pop/db.py): opening one per request, with its
three PRAGMAs and the close, cost as much as a whole small page. None is left open when the app has
started or when the process forks (gunicorn --preload forks its workers), and the PRAGMAs hold on a
kept connection. tests/test_database_pool.py does the same for PostgreSQL."""
import os
import sqlite3

import pytest

from conftest import text_of
from databases import on_postgres
from pop.db import database

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's pool; PostgreSQL's in test_database_pool")


@pytest.fixture
def opened(monkeypatch):
    """The connections SQLite opens from now on."""
    made = []
    real = sqlite3.connect

    def counting(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(sqlite3, "connect", counting)
    return made


def test_no_connection_is_left_open_once_the_app_has_started(app):
    assert database.obj._in_use == {} and database.obj._connections == []


def test_requests_reuse_one_connection_with_its_pragmas(app, org, login, opened):
    anna = login(org["a"])
    assert "Anna Alfa" in text_of(anna.get("/"))
    for _ in range(5):
        assert anna.get("/").status_code == 200
    assert opened == []  # the one the set-up opened served them all
    assert len(database.obj._connections) == 1
    with app.app_context():
        database.connect(reuse_if_open=True)
        # ON DELETE rules and WAL still hold on the kept connection.
        assert database.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
        assert database.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
        database.close()
    assert opened == []


def test_a_fork_gets_no_connection_of_its_parent(app, org, login):
    anna = login(org["a"])
    assert anna.get("/").status_code == 200
    assert len(database.obj._connections) == 1  # kept for the next request
    pid = os.fork()
    if pid == 0:
        os._exit(0)  # the child: nothing else runs here
    os.waitpid(pid, 0)
    assert database.obj._connections == []  # closed before the fork: no child shares one
    assert anna.get("/").status_code == 200
