"""The database handle. A proxy, so models can be declared before the app knows which database to use:
SQLite in the instance folder by default, anything playhouse.db_url understands via DATABASE_URL."""
import os

import click
from peewee import DatabaseProxy, Value
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "foreign_keys": 1,  # SQLite ignores ON DELETE rules without it
    "journal_mode": "wal",  # readers do not block the one writer
    "busy_timeout": 5000,
}


# Connections kept open for the next request, up to this many per server process (a gunicorn worker's
# threads each hold one during a request). Opening one per request cost ~9 ms on PostgreSQL on the 2-core
# test machine, several times a page's own queries; on SQLite the file is opened quickly, but its three
# PRAGMAs and the close took as long as a whole hello-world page (bench/bench_pages.py).
POOL_SIZE = 32
POOL_STALE_SECONDS = 300


def open_database(url: str):
    previous = getattr(database, "obj", None)
    if url.startswith("sqlite") and ":memory:" not in url:
        # A pooled connection moves between a server's threads, one at a time.
        db = connect(url.replace("sqlite://", "sqlite+pool://", 1), pragmas=SQLITE_PRAGMAS,
                     check_same_thread=False, max_connections=POOL_SIZE, stale_timeout=POOL_STALE_SECONDS)
    elif url.startswith("sqlite"):
        db = connect(url, pragmas=SQLITE_PRAGMAS)
    elif url.split("://", 1)[0] in ("postgres", "postgresql"):
        scheme, rest = url.split("://", 1)
        db = connect(f"{scheme}+pool://{rest}", max_connections=POOL_SIZE, stale_timeout=POOL_STALE_SECONDS)
    else:
        db = connect(url)
    if previous is not None and previous is not db:
        _close_pool(previous)  # another app took the handle over (the tests make many): free its connections
    database.initialize(db)
    return db


def _close_before_fork() -> None:
    # A connection carried into a forked process would be shared by two (gunicorn --preload forks its
    # workers from the process that upgraded the database); each child opens its own.
    from playhouse.pool import PooledDatabase

    db = getattr(database, "obj", None)
    if isinstance(db, PooledDatabase):
        db.close_idle()


os.register_at_fork(before=_close_before_fork)


def _close_pool(db) -> None:
    """Close the connections a pooled database keeps for later. Before a server forks its workers
    (gunicorn --preload), none may be left: a connection shared by two processes mixes their queries."""
    from playhouse.pool import PooledDatabase

    if isinstance(db, PooledDatabase):
        if not db.is_closed():
            db.close()
        db.close_idle()


class Slot:
    """Where a prepared query takes a value of its own at each run (Prepared)."""
    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


class Prepared:
    """A query whose SQL peewee builds once per database, run with new values each time.

    Peewee builds a query's SQL again for every run, and for the small queries of every page (the
    person logged in, the plan with its employee and manager, its answers) building took longer than
    the database did: 45 % of the plan overview's CPU. build(*slots) returns the query with a slot where
    each value goes (compared as it is given: an id, a text); its SQL is built on the first run and kept
    with the query, whose rows the runs return as its own would be (models, joined models, tuples).
    What peewee's row reader works out from the first result's columns (which column goes to which
    model and field: a third of a join's reading) is kept too; the columns are the same on every run.
    Kept per database: the tests open one per app, a server one for good."""

    # What a row reader (peewee's CursorWrapper) holds about one run, not about the query's columns.
    _PER_RUN = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache"})

    def __init__(self, build, slots: int):
        self.build = build
        self.slots = slots
        self._compiled = None

    def cursor(self, *values):
        """The database's own cursor over the rows, values as the database gives them."""
        db = database.obj
        compiled = self._compiled
        if compiled is None or compiled["db"] is not db:
            query = self.build(*(Value(Slot(i), converter=False) for i in range(self.slots)))
            sql, params = query.sql()
            compiled = self._compiled = {"db": db, "query": query, "sql": sql, "params": params,
                                         "reader": None, "first": None}
        return db.execute_sql(compiled["sql"], [values[p.index] if isinstance(p, Slot) else p
                                                for p in compiled["params"]]), compiled

    def rows(self, *values):
        cursor, compiled = self.cursor(*values)
        reader = compiled["query"]._get_cursor_wrapper(cursor)  # what peewee's own run reads it with
        known = compiled["reader"]
        if known is None:
            first = compiled["first"]
            if first is not None and first.initialized:
                known = compiled["reader"] = {k: v for k, v in vars(first).items() if k not in self._PER_RUN}
            else:
                compiled["first"] = reader  # its columns worked out once it has read a row
        if known is not None:
            vars(reader).update(known)
            reader.initialized = True
        return reader

    def first(self, *values):
        return next(iter(self.rows(*values)), None)


def write_lock(db=None):
    """A transaction that holds the write lock from its first statement, for a check-then-write that
    must not interleave with another one: SQLite's BEGIN IMMEDIATE. On PostgreSQL a plain transaction;
    the caller locks the rows it checks with SELECT ... FOR UPDATE (lock_row). db: the app's database
    unless given (the migration runner works on a database it was handed)."""
    from peewee import SqliteDatabase

    db = db or database.obj
    if isinstance(db, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def lock_row(query):
    """query, locked until the end of the write_lock() transaction (SQLite's lock covers it already)."""
    from peewee import PostgresqlDatabase

    return query.for_update() if isinstance(database.obj, PostgresqlDatabase) else query


def upgrade_schema(app) -> list[str]:
    """Bring the database up to date (once per process; cheap when nothing is pending)."""
    from . import schema

    if app.extensions.get("pop_schema_current"):
        return []
    with database.connection_context():
        new = not database.get_tables()
        done = schema.upgrade(database)
    _close_pool(database.obj)
    app.extensions["pop_schema_current"] = True
    app.extensions["pop_schema_new"] = bool(done) and new
    if done and new:
        # Nothing to warn about on a first run: the database had no tables, it was made just now.
        app.logger.info("Nieuwe database aangemaakt (%d migraties).", len(done))
    elif done:
        app.logger.warning("Database bijgewerkt: %s", ", ".join(done))
    return done


def _started_by_flask_cli() -> bool:
    # `flask --app app db backup` must see the database as it is, before any upgrade: the flask
    # command line upgrades in its own commands (pop.cli), everything else (gunicorn, tests, a WSGI
    # server) at start.
    from flask.cli import ScriptInfo

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.find_object(ScriptInfo) is not None


def init_app(app):
    open_database(app.config["DATABASE_URL"])
    if not _started_by_flask_cli():
        upgrade_schema(app)

    @app.before_request
    def _connect():
        if not app.extensions.get("pop_schema_current"):
            upgrade_schema(app)  # `flask run`: the first request upgrades
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
