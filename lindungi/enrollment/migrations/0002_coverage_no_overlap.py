"""The database refuses two overlapping coverage periods for one person.

Neither form is portable, so each runs only on its own database: an exclusion constraint over
daterange on PostgreSQL (needs btree_gist for the equality on person_id) and BEFORE triggers
on SQLite. Empty periods (end_date before start_date: left before coverage began) never clash.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

COVERED = (
    "{t}.state IN ('active', 'ended') AND {t}.start_date IS NOT NULL"
    " AND ({t}.end_date IS NULL OR {t}.end_date >= {t}.start_date)"
)

POSTGRES_UP = f"""
ALTER TABLE enrollment_enrollment ADD CONSTRAINT enrollment_coverage_no_overlap
EXCLUDE USING gist (person_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
WHERE ({COVERED.format(t="enrollment_enrollment")});
"""
POSTGRES_DOWN = (
    "ALTER TABLE enrollment_enrollment DROP CONSTRAINT IF EXISTS enrollment_coverage_no_overlap;"
)

SQLITE_CHECK = f"""
WHEN {COVERED.format(t="NEW")}
BEGIN
  SELECT RAISE(ABORT, 'enrollment_coverage_no_overlap')
  WHERE EXISTS (
    SELECT 1 FROM enrollment_enrollment AS other
    WHERE other.person_id = NEW.person_id AND other.id IS NOT NEW.id
      AND {COVERED.format(t="other")}
      AND other.start_date <= COALESCE(NEW.end_date, '9999-12-31')
      AND NEW.start_date <= COALESCE(other.end_date, '9999-12-31')
  );
END;
"""  # noqa: S608 (constant SQL, no input)
SQLITE_UP = [
    "CREATE TRIGGER enrollment_coverage_no_overlap_insert BEFORE INSERT ON enrollment_enrollment "
    + SQLITE_CHECK,
    "CREATE TRIGGER enrollment_coverage_no_overlap_update BEFORE UPDATE OF "
    "person_id, state, start_date, end_date ON enrollment_enrollment " + SQLITE_CHECK,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_insert;",
    "DROP TRIGGER IF EXISTS enrollment_coverage_no_overlap_update;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial")]

    operations = [
        # A no-op outside PostgreSQL.
        BtreeGistExtension(),
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}),
        ),
    ]
