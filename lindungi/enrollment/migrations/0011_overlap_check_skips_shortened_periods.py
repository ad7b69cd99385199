"""The coverage-overlap check skips updates that only shorten a period (issue 13, speed).

A covered period that keeps its person and start and ends no later than before lies inside
the period it replaces, which the check already cleared when it was written: it cannot
overlap anything the old one did not. The year's end (31 December: every running place
ended) is such an update, and on SQLite the per-row check was most of the approval's time.

Invariant relied on: every covered row was checked when it became covered or changed its
period (the triggers of 0002/0005, re-created after every table rebuild). Rows the same
statement lengthens, moves or (re)activates are still checked, against the current table; an
overlap with a shortened row is found either way, since its new period lies inside its old.

SQLite: the BEFORE UPDATE trigger of 0002 gains the condition in its WHEN clause (evaluated
per row without a query). PostgreSQL: the statement-level UPDATE trigger of 0005 also reads
the old rows (transition table) and checks, and takes the advisory lock, only when some row
is not a shortening. The INSERT trigger is unchanged on both.
"""

from importlib import import_module

from django.db import migrations

OVERLAP = import_module("lindungi.enrollment.migrations.0002_coverage_no_overlap")
PER_STATEMENT = import_module("lindungi.enrollment.migrations.0005_coverage_check_per_statement")
COVERED = OVERLAP.COVERED


def shortened(new: str, old: str, infinity: str) -> str:
    """True (never NULL) when row `new` is row `old` covered over a part of its period."""
    return (
        f"COALESCE({COVERED.format(t=old)} AND {new}.person_id = {old}.person_id"
        f" AND {new}.start_date = {old}.start_date"
        f" AND COALESCE({new}.end_date, {infinity}) <= COALESCE({old}.end_date, {infinity}),"
        " FALSE)"
    )


SQLITE_UPDATE = (
    "CREATE TRIGGER enrollment_coverage_no_overlap_update BEFORE UPDATE OF "
    "person_id, state, start_date, end_date ON enrollment_enrollment "
    + OVERLAP.SQLITE_CHECK.replace(
        f"WHEN {COVERED.format(t='NEW')}",
        f"WHEN {COVERED.format(t='NEW')}"
        f" AND NOT {shortened('NEW', 'OLD', chr(39) + '9999-12-31' + chr(39))}",
        1,
    )
)
assert "OLD.start_date" in SQLITE_UPDATE  # the replacement above found its place

CHANGED = (
    "FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id"
    f" WHERE {COVERED.format(t='n')}"
    f" AND NOT {shortened('n', 'o', chr(39) + 'infinity' + chr(39) + '::date')}"
)

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION enrollment_coverage_no_overlap_update_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  found integer;
BEGIN
  -- count(*), not EXISTS: an EXISTS is planned for its first row, a nested loop over the two
  -- transition tables (no index): 491 s for 50,000 rows. A count hashes them once.
  SELECT count(*) INTO found {CHANGED};
  IF found = 0 THEN
    RETURN NULL;
  END IF;
  -- One writer of coverage at a time from here to its commit (see migration 0005).
  PERFORM pg_advisory_xact_lock(hashtext('enrollment_coverage_no_overlap'));
  SELECT count(*) INTO found FROM (SELECT n.* {CHANGED}) n
    JOIN enrollment_enrollment e ON e.person_id = n.person_id AND e.id <> n.id
    WHERE {COVERED.format(t="e")}
      AND e.start_date <= COALESCE(n.end_date, 'infinity'::date)
      AND n.start_date <= COALESCE(e.end_date, 'infinity'::date);
  IF found > 0 THEN
    RAISE EXCEPTION 'enrollment_coverage_no_overlap'
      USING ERRCODE = 'exclusion_violation',
            CONSTRAINT = 'enrollment_coverage_no_overlap';
  END IF;
  RETURN NULL;
END;
$$;
"""  # noqa: S608 (constant SQL, no input)

UP = {
    "sqlite": ["DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_update;", SQLITE_UPDATE],
    "postgresql": [
        POSTGRES_FUNCTION,
        "DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_update ON enrollment_enrollment;",
        "CREATE TRIGGER enrollment_coverage_no_overlap_update AFTER UPDATE ON enrollment_enrollment"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT"
        " EXECUTE FUNCTION enrollment_coverage_no_overlap_update_check();",
    ],
}
DOWN = {
    "sqlite": ["DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_update;", OVERLAP.SQLITE_UP[1]],
    "postgresql": [
        "DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_update ON enrollment_enrollment;",
        "DROP FUNCTION IF EXISTS enrollment_coverage_no_overlap_update_check();",
        PER_STATEMENT.POSTGRES_UP[-1],
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0010_enrollment_sector")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
