"""lindungi import_statement FILE --as USER: reconcile the insurer's monthly statement."""

from pathlib import Path

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.contributions.management.commands._common import find_programme
from lindungi.contributions.models import Payer
from lindungi.contributions.reconciliation import import_statement, read_statement, summarise
from lindungi.core.dates import Month
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress


class Command(WritingCommand):
    help = (
        "Import the insurer's statement (CSV or XLSX: KPJ or NIK, amount[, periode]) and "
        "reconcile it."
    )

    def add_command_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", help="id or exact name (default: the active one)")
        parser.add_argument("--month", help="YYYY-MM (default: the file's periode column)")
        parser.add_argument("--payer", help="payer id or exact name (default: every payer)")

    def act(self, *args, file, programme, month, payer, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        try:
            statement_month = Month.parse(month) if month else None
            with path.open("rb") as handle:
                statement_file = read_statement(handle, month=statement_month)
            statement_month = statement_month or statement_file.named_month
            if statement_month is None:
                raise CommandError("the file names no month; pass --month YYYY-MM")
            statement = import_statement(
                programme=find_programme(programme),
                month=statement_month,
                statement_file=statement_file,
                file_name=path.name,
                payer=_find_payer(payer),
                user=user,
                progress=TerminalProgress(),
            )
        except (LindungiError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(
            f"statement {statement.pk} (version {statement.version}"
            + (f", supersedes {statement.supersedes_id}" if statement.supersedes_id else "")
            + f"): {statement.rows_read} rows read, {statement.rows_rejected} rejected,"
            f" insurer total {statement.insurer_total}, expected {statement.expected_total}"
        )
        summary = summarise(statement)
        rejected = summary.pop("rejected")
        for category, figures in sorted(summary.items()):
            self.stdout.write(f"  {category}: {figures['count']}")
        for code, count in sorted(rejected.items()):
            self.stdout.write(f"  rejected, {code}: {count}")


def _find_payer(text: str | None) -> Payer | None:
    if text is None:
        return None
    found = Payer.objects.filter(pk=int(text) if text.isdigit() else None) | Payer.objects.filter(
        name=text
    )
    if found.count() != 1:
        raise CommandError(f"no payer {text!r}")
    return found.get()
