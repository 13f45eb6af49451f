"""Log-in throttling in its own table, per typed e-mail address and per client address.

Replaces person.failed_logins and person.locked_until: counting on the person row told an outsider
which addresses exist (only they could be locked), and a read-then-write count lost failures under
parallel attempts."""
from peewee import CharField, DateTimeField, IntegerField, Model

RELEASE = "0.2.0"


def upgrade(db, migrator):
    class LoginThrottle(Model):
        key = CharField(max_length=300, primary_key=True)
        failures = IntegerField(default=0)
        window_start = DateTimeField(index=True)
        wait_until = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "loginthrottle"

    db.create_tables([LoginThrottle], safe=True)
    # A short wait left over from the old rule is not worth a column's life: the new table starts empty.
    migrator.drop_column("person", "failed_logins").run()
    migrator.drop_column("person", "locked_until").run()
