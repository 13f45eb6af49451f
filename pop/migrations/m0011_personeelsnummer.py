"""Import of people from the HR system: person.personeelsnummer (the HR system's number, empty for everyone
who is there already) and peopleimport (an uploaded export, kept while HR maps its columns and looks at
the preview). A column that may be NULL and a new table: no existing row changes."""
import datetime as dt

from peewee import BlobField, BooleanField, CharField, DateTimeField, ForeignKeyField, Model, TextField

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):  # only what the foreign key needs
        class Meta:
            table_name = "person"

    class PeopleImport(Base):
        name = CharField(max_length=200)
        data = BlobField()
        mapping = TextField(default="")
        deactivate = BooleanField(default=False)
        uploaded_by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        uploaded_at = DateTimeField(default=_now, index=True)

        class Meta:
            table_name = "peopleimport"

    # NULL for everyone there now: unique allows many NULLs on SQLite and PostgreSQL alike.
    migrator.add_column("person", "personeelsnummer", CharField(max_length=50, null=True)).run()
    migrator.add_index("person", ("personeelsnummer",), True).run()
    db.create_tables([PeopleImport], safe=True)
