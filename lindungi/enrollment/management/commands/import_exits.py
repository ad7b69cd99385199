from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.exits import counts, import_exits
from lindungi.enrollment.management.commands._common import acting_user, emit, fail


class Command(BaseCommand):
    help = "Record exits from a file (NIK, reason, date); past dates are allowed."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="act as this user (default: first superuser)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = acting_user(options["user"])
        try:
            with audit_context(source="command", reference="import_exits", user_id=user.pk):
                result = import_exits(
                    user=user,
                    file_name=path.name,
                    content=path.read_bytes(),
                    progress=TerminalProgress(),
                )
        except LindungiError as error:
            raise fail(error) from error
        emit(self, {"exit_import": result.pk, **counts(result)}, as_json=options["json"])
