from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress
from lindungi.enrollment.batches import batch_csv_path, make_submission
from lindungi.enrollment.management.commands._common import acting_user, emit, fail
from lindungi.programs.models import Programme


class Command(BaseCommand):
    help = "Put every selected place of a programme into a new submission batch and write its file."

    def add_arguments(self, parser):
        parser.add_argument("programme", type=int, help="programme id")
        parser.add_argument("--start", type=date.fromisoformat, help="requested start YYYY-MM-DD")
        parser.add_argument("--user", help="act as this user (default: first superuser)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        programme = Programme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError("Unknown programme.")
        user = acting_user(options["user"])
        try:
            with audit_context(source="command", reference="make_submission", user_id=user.pk):
                batch = make_submission(
                    user=user,
                    programme=programme,
                    start_date=options["start"],
                    progress=TerminalProgress(),
                )
        except LindungiError as error:
            raise fail(error) from error
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
