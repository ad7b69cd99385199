"""lindungi import_statement FILE: compare the insurer's monthly statement with coverage."""

from pathlib import Path

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.contributions.management.commands._common import find_programme
from lindungi.contributions.reconciliation import import_statement, read_statement, summarise
from lindungi.core.dates import Month
from lindungi.core.errors import LindungiError


class Command(WritingCommand):
    help = "Import the insurer's statement (CSV: KPJ or NIK, amount[, periode]) and reconcile."

    def add_command_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", help="id or exact name (default: the active one)")
        parser.add_argument("--month", help="YYYY-MM (default: the file's periode column)")

    def act(self, *args, file, programme, month, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows, file_month = read_statement(handle)
            text = month or file_month
            if not text:
                raise CommandError("the file names no month; pass --month YYYY-MM")
            statement = import_statement(
                programme=find_programme(programme),
                month=Month.parse(text),
                rows=rows,
                file_name=path.name,
                user=user,
            )
        except (LindungiError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(
            f"statement {statement.pk}: {statement.rows_read} rows, insurer total "
            f"{statement.insurer_total}, expected {statement.expected_total}"
        )
        for category, figures in sorted(summarise(statement).items()):
            self.stdout.write(f"  {category}: {figures['count']}")
