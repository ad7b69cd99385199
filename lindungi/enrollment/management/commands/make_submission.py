from datetime import date

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.batches import batch_csv_path, make_submission
from lindungi.enrollment.management.commands._common import emit
from lindungi.programs.models import Programme


class Command(WritingCommand):
    help = "Put every selected place of a programme into a new submission batch and write its file."

    def add_command_arguments(self, parser):
        parser.add_argument("programme", type=int, help="programme id")
        parser.add_argument("--start", type=date.fromisoformat, help="requested start YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def act(self, *args, user, **options):
        programme = Programme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError("Unknown programme.")
        batch = make_submission(
            user=user,
            programme=programme,
            start_date=options["start"],
            progress=TerminalProgress(),
        )
        emit(
            self,
            {
                "batch": batch.number,
                "people": batch.people,
                "file": str(batch_csv_path(batch)),
                "sha256": batch.checksum,
                "monthly_contribution": batch.monthly_contribution,
            },
            as_json=options["json"],
        )
