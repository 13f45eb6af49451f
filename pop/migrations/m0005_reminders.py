"""Reminder mails sent: one row per plan, kind and date, so that the reminders command sends each once."""
import datetime as dt

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, Model, TextField

RELEASE = "0.2.0"


def upgrade(db, migrator):
    class Plan(Model):
        class Meta:
            database = db
            table_name = "plan"

    class Reminder(Model):
        plan = ForeignKeyField(Plan, backref="reminders", on_delete="CASCADE")
        kind = CharField(max_length=30)
        day = DateField()
        recipients = TextField(default="")
        sent_at = DateTimeField(default=lambda: dt.datetime.now().replace(microsecond=0))

        class Meta:
            database = db
            table_name = "reminder"
            indexes = ((("plan", "kind", "day"), True),)

    db.create_tables([Reminder], safe=True)
