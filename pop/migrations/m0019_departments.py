"""Departments as a list HR keeps (pop/departments.py): a department table, filled from the departments
people have today, and each person's afdeling set to their department's one name.

Free text split one department into several ("Klantenservice", "klantenservice ", "KLANTENSERVICE"):
names that are the same once spaces are collapsed and case is folded become one department. It takes
the spelling most people had (on a tie the first in sorting order, which puts capitals first), with its
spaces collapsed, and everyone who had a variant now has that name. A name of spaces only becomes no
department (""). Nobody loses their department and nobody gets another one.

Written with plain queries on the table names, not with the models of later releases."""
from collections import Counter, defaultdict

from peewee import CharField, Model

RELEASE = "0.2.0"


def clean(name: str) -> str:
    return " ".join((name or "").split())


def key_of(name: str) -> str:
    return clean(name).casefold()


def upgrade(db, migrator):
    class Department(Model):
        name = CharField(max_length=150, unique=True)
        key = CharField(max_length=300, unique=True)

        class Meta:
            database = db
            table_name = "department"

    db.create_tables([Department], safe=True)
    param = db.param
    counts = Counter(value for (value,) in db.execute_sql('SELECT "afdeling" FROM "person"').fetchall())
    spellings = defaultdict(Counter)
    for value, n in counts.items():
        if clean(value):
            spellings[key_of(value)][clean(value)] += n
    canonical = {}
    for key, names in spellings.items():
        name = min(names, key=lambda name: (-names[name], name))
        db.execute_sql(f'INSERT INTO "department" ("name", "key") VALUES ({param}, {param})', (name, key))
        canonical[key] = name
    for value in counts:
        wanted = canonical.get(key_of(value), "")
        if value != wanted:
            db.execute_sql(f'UPDATE "person" SET "afdeling" = {param} WHERE "afdeling" = {param}', (wanted, value))
