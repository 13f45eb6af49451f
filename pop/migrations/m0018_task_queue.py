"""Work off the request path on a task queue (pop/queue.py): a bulk export keeps its plans, the run that
counts, the worker running it and its heartbeat; its path now names its zip in the new sharedfile table,
which every server reaches (before, a file in one server's instance folder). The dailyrun table lets
one server's worker claim a day's reminders. Existing jobs keep their rows as they were: an old path
names no stored zip (the page says the export is no longer there), and a job left 'bezig' by a stopped
server has no heartbeat, so it shows as failed. Neither kept its plans: HR makes them again with the
form."""
import datetime as dt

from peewee import BlobField, CharField, DateField, DateTimeField, IntegerField, Model, TextField

RELEASE = "0.2.0"  # pop/version.py: the release that brings it (CHANGELOG.md)


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def upgrade(db, migrator):
    class Base(Model):
        class Meta:
            database = db

    class SharedFile(Base):
        name = CharField(max_length=200)
        part = IntegerField(default=0)
        data = BlobField()
        expires_at = DateTimeField(null=True, index=True)
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "sharedfile"
            indexes = ((("name", "part"), True),)

    class DailyRun(Base):
        task = CharField(max_length=30)
        day = DateField()
        status = CharField(max_length=10, default="bezig")
        started_at = DateTimeField(default=_now)
        finished_at = DateTimeField(null=True)
        detail = CharField(max_length=500, default="")

        class Meta:
            table_name = "dailyrun"
            indexes = ((("task", "day"), True),)

    migrator.add_column("exportjob", "plan_ids", TextField(default="")).run()
    migrator.add_column("exportjob", "attempt", IntegerField(default=1)).run()
    migrator.add_column("exportjob", "worker", CharField(max_length=200, default="")).run()
    migrator.add_column("exportjob", "started_at", DateTimeField(null=True)).run()
    migrator.add_column("exportjob", "heartbeat_at", DateTimeField(null=True)).run()
    db.create_tables([SharedFile, DailyRun], safe=True)
