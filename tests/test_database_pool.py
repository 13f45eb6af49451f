"""PostgreSQL connections are kept for the next request (pop/db.py): requests reuse them, none is left open
when the app has started (a server forks its workers after that, and a shared connection would mix two
processes' queries), and a connection the server closed meanwhile is replaced, not a failed page."""
import psycopg2
import pytest

from conftest import text_of
from databases import ADMIN_URL, database_name, on_postgres
from pop.db import database

pytestmark = pytest.mark.skipif(not on_postgres(), reason="connections are kept on PostgreSQL only")


def backends(app) -> list[int]:
    """The server's processes connected to the app's database, but the one asking."""
    connection = psycopg2.connect(ADMIN_URL)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           (database_name(app.config["DATABASE_URL"]),))
            return sorted(pid for (pid,) in cursor.fetchall())
    finally:
        connection.close()


def terminate(pids) -> None:
    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for pid in pids:
                cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        connection.close()


def test_no_connection_is_left_open_once_the_app_has_started(app):
    assert backends(app) == []


def test_requests_reuse_one_connection(app, org, login):
    anna = login(org["a"])
    assert "Anna Alfa" in text_of(anna.get("/"))
    kept = backends(app)
    assert len(kept) == 1
    for _ in range(5):
        assert anna.get("/").status_code == 200
    assert backends(app) == kept


def test_a_connection_the_server_closed_is_replaced_not_a_failed_page(app, org, login):
    anna = login(org["a"])
    assert anna.get("/").status_code == 200
    kept = backends(app)
    terminate(kept)  # as a restart of the database server would
    page = anna.get("/")
    assert page.status_code == 200 and "Anna Alfa" in text_of(page)
    now = backends(app)
    assert len(now) == 1 and now != kept
    database.close()
