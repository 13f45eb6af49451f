"""Indexes that hold what HR's pages add up over a whole period, so those sums read an index instead of
every row of the table, and one for the overdue talks (issue 18: HR's pages at 10,000 employees):

- plan_period_totals on plan (period, employee_id, status, costs_euro, costs_uren, form_key, progress):
  every column the period's totals read. The budget's planned costs per person (the sort by remaining
  amount groups them by employee: in this index's order, no sort), the year's planned costs (the
  dashboard, the budget's departments), the dashboard's completion per phase (form and kept progress,
  m0020), "who has no plan this period" and HR's counts per state. The index of m0017 on (period,
  status, employee_id) stays: it serves a period and a state together (the plan list's filters).
- person_afdeling_active on person (afdeling, active): the active people per department (HR's to-do
  table and the dashboard count the people without a plan per department) from the index alone, where
  the department-and-name index of m0017 sent every person's row to be read for "active".

- answer_next_talk_date on answer (value, plan_id), partial: only the answers of the next talk's date
  (NEXT_TALK_FIELD, every form's next_talk_field in this release). The dashboard's overdue talks find
  the plans whose next talk date has passed (ISO text sorts as the dates do) from this small index
  instead of looking up every shared plan's date (5,360 look-ups at 10,000 people, a whole read of the
  answers on PostgreSQL: 85 ms). The query names the field as a literal, as a partial index needs.

At 10,000 people (bench/bench_hr_pages.py, SQLite) the search page, the budget sorted by remaining
euros and the dashboard took about a quarter less CPU time with them. No rows change. Named here rather
than by peewee's rule (the table and every column, which would pass PostgreSQL's 63 characters)."""
RELEASE = "0.2.0"

INDEXES = {
    "plan_period_totals": ("plan", ("period", "employee_id", "status", "costs_euro", "costs_uren", "form_key",
                                    "progress")),
    "person_afdeling_active": ("person", ("afdeling", "active")),
}

NEXT_TALK_FIELD = "volgend_gesprek_datum"
PARTIAL = {"answer_next_talk_date": ("answer", ("value", "plan_id"))}


def upgrade(db, migrator):
    for name, (table, columns) in INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed})')
    for name, (table, columns) in PARTIAL.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed}) '
                       f"WHERE \"field\" = '{NEXT_TALK_FIELD}'")
