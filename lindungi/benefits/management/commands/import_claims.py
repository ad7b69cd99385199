from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.benefits.importing import counts_of, import_claims
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.management.commands._common import emit


class Command(WritingCommand):
    help = "Import the insurer's claim file (CSV or XLSX); importing it again changes nothing."

    def add_command_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--today", help="assess cover as of this date (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def act(self, *args, user, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today must be YYYY-MM-DD") from None
        result = import_claims(
            user=user,
            file_name=path.name,
            content=path.read_bytes(),
            today=today,
            progress=TerminalProgress(),
        )
        emit(self, {"claim_import": result.pk, **counts_of(result)}, as_json=options["json"])
