"""The database handle. A proxy, so models can be declared before the app knows which database to use:
SQLite in the instance folder by default, anything playhouse.db_url understands via DATABASE_URL."""
from peewee import DatabaseProxy
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "foreign_keys": 1,  # SQLite ignores ON DELETE rules without it
    "journal_mode": "wal",  # readers do not block the one writer
    "busy_timeout": 5000,
}


def open_database(url: str):
    if url.startswith("sqlite"):
        db = connect(url, pragmas=SQLITE_PRAGMAS)
    else:
        db = connect(url)
    database.initialize(db)
    return db


def init_app(app):
    open_database(app.config["DATABASE_URL"])
    from .models import create_tables
    create_tables()

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
