from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindungi.audit.context import audit_context
from lindungi.audit.services import record_event
from lindungi.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole database: SQLite through its online backup "
        "API, PostgreSQL through pg_dump (custom format). Default file: "
        "VAR_DIR/backups/lindungi-YYYYMMDD-HHMMSS.(sqlite3|dump). The backup is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the backup file to write")

    def handle(self, *args, **options):
        vendor = (
            "sqlite3" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "dump"
        )
        path = Path(
            options["path"]
            or Path(settings.VAR_DIR)
            / "backups"
            / f"lindungi-{timezone.now():%Y%m%d-%H%M%S}.{vendor}"
        )
        try:
            result = backup_database(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        # A backup holds everyone's personal data: who made it, and where, is audited.
        with audit_context(source="command", reference="backup"):
            record_event(
                action="system.backup",
                object_type="database",
                summary={"path": str(result.path), "bytes": result.size, "vendor": result.vendor},
            )
        self.stdout.write(f"Backup written: {result.path} ({result.size} bytes)")
