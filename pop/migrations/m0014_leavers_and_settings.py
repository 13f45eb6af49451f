"""Leaving and the organisation's own choices: person.left_at (when someone was deactivated, from which
their retention period counts), person.erased_at (their data erased, AVG) and the setting table (HR's
choices, such as creating unknown people at their first directory log-in and the retention period).
Columns that may be NULL and a new table: no existing row changes. People inactive today get no left_at:
when they left was never recorded, and inventing a date would start their retention period wrongly."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField

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

    class Setting(Base):
        key = CharField(max_length=60, unique=True)
        value = TextField()
        changed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        changed_at = DateTimeField(default=_now)

        class Meta:
            table_name = "setting"

    migrator.add_column("person", "left_at", DateTimeField(null=True)).run()
    migrator.add_column("person", "erased_at", DateTimeField(null=True)).run()
    db.create_tables([Setting], safe=True)
