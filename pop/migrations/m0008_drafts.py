"""Drafts: the text of a save that arrived after its session had ended, kept briefly for its writer to
find back after logging in (pop/drafts.py). A new table only: nothing existing changes."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField

RELEASE = "0.2.0"


def _now():
    return dt.datetime.now().replace(microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class Person(Base):  # only what the foreign keys need
        class Meta:
            table_name = "person"

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class Draft(Base):
        token = CharField(max_length=64, unique=True)
        person = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
        plan = ForeignKeyField(Plan, backref="+", on_delete="CASCADE")
        part_key = CharField(max_length=60)
        kind = CharField(max_length=10)
        data = TextField()
        created_at = DateTimeField(default=_now, index=True)

        class Meta:
            table_name = "draft"

    db.create_tables([Draft], safe=True)
