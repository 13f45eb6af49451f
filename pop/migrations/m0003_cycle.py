"""The POP cycle: six states instead of three, versions of the agreed plan, the plan before.

Old states map to where such a plan stands in the cycle: "concept" was already open to the manager, so
it becomes "ontwikkelgesprek" (not "voorbereiding", which would hide it from the manager); "lopend"
becomes "uitvoering" when both akkoorden are there (its agreed content is then recorded as version 1)
and "ontwikkelgesprek" otherwise; "afgerond" stays, with version 1 recorded when it was signed."""
import datetime as dt
import json

from peewee import SQL, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

RELEASE = "0.2.0"

SIGNATURES = ("akkoord_medewerker", "akkoord_leidinggevende")


def upgrade(db, migrator):
    class Plan(Model):
        class Meta:
            database = db
            table_name = "plan"

    class PlanVersion(Model):
        plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
        number = IntegerField()
        cells = TextField()
        agreed_at = DateTimeField()

        class Meta:
            database = db
            table_name = "planversion"
            indexes = ((("plan", "number"), True),)

    # A constant DEFAULT in the column itself: SQLite then adds the column in place instead of
    # rebuilding the table to make it NOT NULL.
    migrator.add_column("plan", "version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")]),
                        allow_not_null=True).run()
    migrator.add_column("plan", "previous_id", ForeignKeyField(
        Plan, null=True, field=Plan.id, on_delete="SET NULL")).run()
    db.create_tables([PlanVersion], safe=True)

    p = db.param
    signed = set()
    for plan_id, field in db.execute_sql(
            f'SELECT plan_id, field FROM "answer" WHERE "column" = {p} AND field IN ({p}, {p})',
            ("naam",) + SIGNATURES).fetchall():
        signed.add((plan_id, field))
    both = {plan_id for plan_id, _ in signed
            if all((plan_id, s) in signed for s in SIGNATURES)}
    plans = db.execute_sql('SELECT id, status, updated_at FROM "plan"').fetchall()
    for plan_id, status, updated_at in plans:
        if status == "lopend":
            new = "uitvoering" if plan_id in both else "ontwikkelgesprek"
        elif status == "afgerond":
            new = "afgerond"
        else:
            new = "ontwikkelgesprek"
        db.execute_sql(f'UPDATE "plan" SET status = {p} WHERE id = {p}', (new, plan_id))
        if plan_id in both and new != "ontwikkelgesprek":
            cells = db.execute_sql(
                f'SELECT field, "row", "column", value FROM "answer" WHERE plan_id = {p} '
                'ORDER BY field, "row", "column"', (plan_id,)).fetchall()
            if isinstance(updated_at, str):
                updated_at = dt.datetime.fromisoformat(updated_at)
            PlanVersion.insert(plan=plan_id, number=1, cells=json.dumps([list(c) for c in cells]),
                               agreed_at=updated_at).execute()
