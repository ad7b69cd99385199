"""Enrollment.sector (issue 13, point 7): the participant's sector, so that PP 50/2025's
transport-sector discount is billed to the payers it applies to. Places already made are
"other" (the database default), and those of people whose occupation is a transport one
become "transport" (programs.reference.transport_occupations, read when migrating).

On SQLite, adding a NOT NULL column rebuilds enrollment_enrollment, which drops the
coverage-overlap triggers of migration 0002: they are created again here (PostgreSQL adds
the column in place and keeps its exclusion constraint and statement triggers).
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import Q

OVERLAP = import_module("lindungi.enrollment.migrations.0002_coverage_no_overlap")


def recreate_overlap_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in OVERLAP.SQLITE_DOWN + OVERLAP.SQLITE_UP:
        schema_editor.execute(statement)


def sectors_from_occupations(apps, schema_editor):
    from lindungi.programs.reference import transport_occupations

    person_model = apps.get_model("registry", "Person")
    enrollment_model = apps.get_model("enrollment", "Enrollment")
    words = transport_occupations()
    if not words:
        return
    condition = Q()
    for word in words:
        condition |= Q(occupation__icontains=word)
    enrollment_model.objects.filter(
        person_id__in=person_model.objects.filter(condition).values("pk")
    ).update(sector="transport")


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0009_exit_reject_reasons_of_both_branches"),
        ("registry", "0009_merge_integrity_with_main"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="sector",
            field=models.CharField(
                choices=[("transport", "Transport (e.g. ojek riders)"), ("other", "Other sectors")],
                db_default="other",
                default="other",
                max_length=10,
                verbose_name="sector",
            ),
        ),
        migrations.RunPython(recreate_overlap_triggers, migrations.RunPython.noop),
        migrations.RunPython(sectors_from_occupations, migrations.RunPython.noop),
    ]
