from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lindungi.audit.context import audit_context
from lindungi.audit.selectors import verify_chain
from lindungi.audit.services import record_event
from lindungi.core.backup import BackupError, restore_database, table_counts


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `lindungi backup`, then verify the "
        "audit chain and print the rows per table. Stop the web server and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data is replaced"
        )

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Restoring replaces every row of the database: add --yes.")
        try:
            restore_database(Path(options["path"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Restored, but the audit chain is broken at row {report.first_break.event_id} "
                f"({report.first_break.reason})."
            )
        tables = sorted(
            model._meta.db_table
            for model in apps.get_models()
            if model.__module__.startswith("lindungi.") and model._meta.managed
        )
        with connection.cursor() as cursor:
            counts = table_counts(cursor, tables)
        with audit_context(source="command", reference="restore"):
            record_event(
                action="system.restore",
                object_type="database",
                summary={"path": str(options["path"]), "audit_rows": report.checked},
            )
        for table, rows in counts.items():
            self.stdout.write(f"  {table:<45} {rows:>10}")
        self.stdout.write(
            f"Restored {options['path']}; audit trail intact ({report.checked} rows). "
            "Checkpoints written after this backup was made will not match: run "
            "`lindungi audit_checkpoint` now."
        )
