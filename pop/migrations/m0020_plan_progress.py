"""Each plan's progress per part (pop/progress.py): the planprogress table, a row per plan and part with
the part's answered questions of those to answer, filled here for the plans there are, as answers.save
keeps it from now on. HR's dashboard counts per part the plans that have it complete, started or empty
from these rows instead of reading every plan's answers.

The table with a model of its own here, not the one of later releases. Its rows are counted by the rule
of the plan's page (pop/plans.py part_progress) over the forms as this release defines them: the figure
is derived from the answers, which stay as they are, and the page counts the same way. A plan whose
form this release does not know gets no rows (its parts are unknown). Read a few hundred plans at a time,
so an organisation of 10,000 plans takes seconds and bounded memory."""
from collections import defaultdict

from peewee import CharField, ForeignKeyField, IntegerField, Model

RELEASE = "0.2.0"
BATCH = 500


def upgrade(db, migrator):
    from forms import FORMS
    from pop.progress import rows

    class Base(Model):
        class Meta:
            database = db

    class Plan(Base):  # only what the foreign key needs
        class Meta:
            table_name = "plan"

    class PlanProgress(Base):
        plan = ForeignKeyField(Plan, backref="+", on_delete="CASCADE", index=False)  # the unique one serves
        part = CharField(max_length=60)
        answered = IntegerField()
        total = IntegerField()

        class Meta:
            table_name = "planprogress"
            indexes = ((("plan", "part"), True),)

    db.create_tables([PlanProgress], safe=True)
    plans = [(plan_id, FORMS[form_key]) for plan_id, form_key in
             db.execute_sql('SELECT "id", "form_key" FROM "plan" ORDER BY "id"').fetchall() if form_key in FORMS]
    for start in range(0, len(plans), BATCH):
        batch = dict(plans[start:start + BATCH])
        cells = defaultdict(lambda: defaultdict(dict))
        marks = ", ".join([db.param] * len(batch))
        for plan_id, key, row, column, value in db.execute_sql(
                'SELECT "plan_id", "field", "row", "column", "value" FROM "answer" '
                f'WHERE "plan_id" IN ({marks})', list(batch)).fetchall():
            cells[plan_id][key][(row, column)] = value
        found = []
        for plan_id, definition in batch.items():
            mine = cells.get(plan_id, {})
            values = {f.key: f.from_cells(mine.get(f.key, {})) for f in definition.fields}
            found += rows(plan_id, definition, values)
        for at in range(0, len(found), 200):  # SQLite limits the variables in one statement
            PlanProgress.insert_many(found[at:at + 200]).execute()
