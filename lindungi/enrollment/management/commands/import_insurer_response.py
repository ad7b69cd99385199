from pathlib import Path

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.management.commands._common import emit
from lindungi.enrollment.models import SubmissionBatch
from lindungi.enrollment.responses import counts, import_insurer_response


class Command(WritingCommand):
    help = "Import the insurer's response (NIK, KPJ, status, reason, effective date) to a batch."

    def add_command_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch", help="batch number, if the file does not carry one")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def act(self, *args, user, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        batch = None
        if options["batch"]:
            batch = SubmissionBatch.objects.filter(number=options["batch"]).first()
            if batch is None:
                raise CommandError("Unknown batch.")
        response = import_insurer_response(
            user=user,
            file_name=path.name,
            content=path.read_bytes(),
            batch=batch,
            progress=TerminalProgress(),
        )
        emit(self, {"response": response.pk, **counts(response)}, as_json=options["json"])
