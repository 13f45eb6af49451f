"""The search of HR's lists with an index on SQLite too (PostgreSQL has its trigram index, m0021): an FTS5
table with the trigram tokenizer (SQLite 3.34 and later) over the text the search reads (pop/listing.py
searched_text: first name, tussenvoegsel, surname, e-mail address and personeelsnummer joined by
spaces), so a word of three letters or more is found inside a name through the index instead of by a
LIKE on every column of every person: about 0.1 ms against 9 at 10,000 people.

Contentless (content=''): the table holds the index alone, by the person's id (its rowid), not a second
copy of the names. Triggers keep it with the person table, in the same transaction as every insert,
change of a searched column and delete, whatever code writes the person; a contentless table forgets a
row by being given its old text, which the triggers have (old.*).

When this SQLite lacks FTS5 or the trigram tokenizer, nothing is made: the migration says so in the log
and is done, and the search reads every person as before (pop/listing.py asks whether the table is
there). On PostgreSQL nothing changes."""
import logging

from peewee import DatabaseError, SqliteDatabase

RELEASE = "0.2.0"
TABLE = "person_search"
COLUMNS = ("voornaam", "tussenvoegsel", "achternaam", "email", "personeelsnummer")
CREATE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, content='', tokenize='trigram')"
log = logging.getLogger("pop.schema")


def joined(row: str) -> str:
    """The searched text of `row` (new, old or a table's name), as pop/listing.py searched_text() has it."""
    return (f"{row}.voornaam || ' ' || {row}.tussenvoegsel || ' ' || {row}.achternaam || ' ' || {row}.email"
            f" || ' ' || COALESCE({row}.personeelsnummer, '')")


def upgrade(db, migrator):
    if not isinstance(db, SqliteDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the upgrade's own transaction usable
            db.execute_sql(CREATE)
    except DatabaseError as refused:
        log.warning("Zoeken zonder index: deze SQLite kent FTS5 met trigrammen niet (%s). Zoeken werkt, maar "
                    "leest alle mensen.", str(refused).strip().splitlines()[0])
        return
    db.execute_sql(f"INSERT INTO {TABLE} (rowid, text) SELECT id, {joined('person')} FROM person")
    forget = f"INSERT INTO {TABLE} ({TABLE}, rowid, text) VALUES ('delete', old.id, {joined('old')});"
    remember = f"INSERT INTO {TABLE} (rowid, text) VALUES (new.id, {joined('new')});"
    db.execute_sql(f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON person BEGIN {remember} END")
    db.execute_sql(f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON person BEGIN {forget} END")
    db.execute_sql(f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {', '.join(COLUMNS)} ON person "
                   f"BEGIN {forget} {remember} END")
