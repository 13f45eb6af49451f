"""Blank uploads: HR's own blank form, kept while HR looks at the proposal of which question goes where.
A new table only: nothing existing changes."""
import datetime as dt

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, Model

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

    class BlankUpload(Base):
        form_key = CharField(max_length=50)
        format = CharField(max_length=4)
        name = CharField(max_length=200)
        data = BlobField()
        uploaded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
        uploaded_at = DateTimeField(default=_now, index=True)

        class Meta:
            table_name = "blankupload"

    db.create_tables([BlankUpload], safe=True)
