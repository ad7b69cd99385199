"""Decision.continued: the person was carried over from last year's programme by the renewal
(issue 13), the criterion "continued from last year first" ranks them.

On SQLite, adding a NOT NULL column rebuilds programs_decision, which drops the frozen-record
triggers of migration 0009: they are created again here (PostgreSQL adds the column in
place and keeps them).
"""

from importlib import import_module

from django.db import migrations, models

FROZEN = import_module("lindungi.programs.migrations.0009_frozen_approved_selection")
DECISION_TRIGGERS = [
    statement for statement in FROZEN.SQLITE_FORWARD if " ON programs_decision " in statement
]


def recreate_decision_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for operation in ("update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS programs_decision_frozen_{operation};")
    for statement in DECISION_TRIGGERS:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_payer_records_and_funding_shares"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="continued",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(recreate_decision_triggers, migrations.RunPython.noop),
    ]
