from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.benefits.importing import counts_of, import_claims
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.management.commands._common import acting_user, emit, fail


class Command(BaseCommand):
    help = "Import the insurer's claim file (CSV or XLSX); importing it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="act as this user (default: first superuser)")
        parser.add_argument("--today", help="assess cover as of this date (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = acting_user(options["user"])
        today = date.fromisoformat(options["today"]) if options["today"] else None
        try:
            with audit_context(source="command", reference="import_claims", user_id=user.pk):
                result = import_claims(
                    user=user,
                    file_name=path.name,
                    content=path.read_bytes(),
                    today=today,
                    progress=TerminalProgress(),
                )
        except LindungiError as error:
            raise fail(error) from error
        emit(self, {"claim_import": result.pk, **counts_of(result)}, as_json=options["json"])
