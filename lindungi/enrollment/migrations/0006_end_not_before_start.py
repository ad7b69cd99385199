"""A coverage period never ends before it starts (issue 19, point 4).

Adding the check rebuilds the table on SQLite, which drops the overlap triggers of 0002, so
the last operation creates them again (as 0003 does; a no-op elsewhere).
"""

import importlib

from django.db import migrations, models

_recreate_sqlite_triggers = importlib.import_module(
    "lindungi.enrollment.migrations.0003_lean_indexes_kpj_per_programme"
)._recreate_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0005_coverage_check_per_statement"),
        ("programs", "0007_decision_cohort_unchecked"),
        ("regions", "0002_boundaries_and_successor_codes"),
        ("registry", "0005_person_keys_without_database_checks"),
    ]

    operations = [
        # Places that ended before their coverage began carried an end before their start;
        # they now have no coverage period at all (their start stays in their events).
        migrations.RunSQL(
            "UPDATE enrollment_enrollment SET start_date = NULL, end_date = NULL"
            " WHERE end_date IS NOT NULL AND (start_date IS NULL OR end_date < start_date)",
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    models.Q(
                        ("end_date__gte", models.F("start_date")), ("start_date__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="enrollment_end_not_before_start",
            ),
        ),
        migrations.RunPython(_recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
