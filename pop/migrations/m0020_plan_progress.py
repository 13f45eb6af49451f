"""Each plan's progress per part (pop/progress.py): plan.progress, which parts of its form are complete
and which begun ("fase-1=b,gegevens=c"), filled here for the plans there are, as answers.save keeps it
from now on. HR's dashboard counts per part the plans that have it complete, begun or empty from this
column instead of reading every plan's answers.

The column added with the migrator (nullable, so SQLite adds it without rebuilding the plan table). Its
values are judged by the rule of the plan's page (pop/plans.py part_progress) over the forms as this
release defines them: the figure is derived from the answers, which stay as they are, and the page
counts the same way. A plan whose form this release does not know keeps NULL (its parts are unknown).
Read a few hundred plans at a time, so an organisation of 10,000 plans takes seconds and bounded memory."""
from collections import defaultdict

from peewee import TextField

RELEASE = "0.2.0"
BATCH = 500


def upgrade(db, migrator):
    from forms import FORMS
    from pop.progress import summary

    migrator.add_column("plan", "progress", TextField(null=True, default="")).run()
    param = db.param
    every = db.execute_sql('SELECT "id", "form_key" FROM "plan" ORDER BY "id"').fetchall()
    plans = [(plan_id, FORMS[form_key]) for plan_id, form_key in every if form_key in FORMS]
    for plan_id, form_key in every:  # the column's default filled the rows there were: not known, not empty
        if form_key not in FORMS:
            db.execute_sql(f'UPDATE "plan" SET "progress" = NULL WHERE "id" = {param}', (plan_id,))
    for start in range(0, len(plans), BATCH):
        batch = dict(plans[start:start + BATCH])
        cells = defaultdict(lambda: defaultdict(dict))
        marks = ", ".join([param] * len(batch))
        for plan_id, key, row, column, value in db.execute_sql(
                'SELECT "plan_id", "field", "row", "column", "value" FROM "answer" '
                f'WHERE "plan_id" IN ({marks})', list(batch)).fetchall():
            cells[plan_id][key][(row, column)] = value
        for plan_id, definition in batch.items():
            mine = cells.get(plan_id, {})
            values = {f.key: f.from_cells(mine.get(f.key, {})) for f in definition.fields}
            db.execute_sql(f'UPDATE "plan" SET "progress" = {param} WHERE "id" = {param}',
                           (summary(definition, values), plan_id))
