from pathlib import Path

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.exits import counts, import_exits
from lindungi.enrollment.management.commands._common import emit


class Command(WritingCommand):
    help = "Record exits from a file (NIK, reason, date); past dates are allowed."

    def add_command_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def act(self, *args, user, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = import_exits(
            user=user,
            file_name=path.name,
            content=path.read_bytes(),
            progress=TerminalProgress(),
        )
        emit(self, {"exit_import": result.pk, **counts(result)}, as_json=options["json"])
