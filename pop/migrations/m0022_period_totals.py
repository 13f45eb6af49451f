"""Indexes that hold what HR's pages add up over a whole period, so those sums read an index instead of
every row of the table (issue 18: HR's pages at 10,000 employees):

- plan_period_totals on plan (period, employee_id, status, costs_euro, costs_uren, form_key, progress):
  every column the period's totals read. The budget's planned costs per person (the sort by remaining
  amount groups them by employee: in this index's order, no sort), the year's planned costs (the
  dashboard, the budget's departments), the dashboard's completion per phase (form and kept progress,
  m0020), "who has no plan this period" and HR's counts per state. The index of m0017 on (period,
  status, employee_id) stays: it serves a period and a state together (the plan list's filters).
- person_afdeling_active on person (afdeling, active): the active people per department (HR's to-do
  table and the dashboard count the people without a plan per department) from the index alone, where
  the department-and-name index of m0017 sent every person's row to be read for "active".

At 10,000 people (bench/bench_hr_pages.py, SQLite) the search page, the budget sorted by remaining
euros and the dashboard took about a quarter less CPU time with them. No rows change. Named here rather
than by peewee's rule (the table and every column, which would pass PostgreSQL's 63 characters)."""
RELEASE = "0.2.0"

INDEXES = {
    "plan_period_totals": ("plan", ("period", "employee_id", "status", "costs_euro", "costs_uren", "form_key",
                                    "progress")),
    "person_afdeling_active": ("person", ("afdeling", "active")),
}


def upgrade(db, migrator):
    for name, (table, columns) in INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed})')
