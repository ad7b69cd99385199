from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.checkpoints import verify_checkpoints
from lindungi.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain and compare it with the signed checkpoints; "
        "report the first row whose chain breaks and every checkpoint that does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints", help="checkpoint file (default: AUDIT_CHECKPOINT_FILE)"
        )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            broken = report.first_break
            raise CommandError(
                f"Audit chain broken at row {broken.event_id} ({broken.reason}); "
                f"{report.checked - 1} rows before it are intact."
            )
        checked, problems = verify_checkpoints(path=options.get("checkpoints"))
        if problems:
            described = "; ".join(
                f"line {problem.line} (row {problem.event_id}): {problem.reason}"
                for problem in problems
            )
            raise CommandError(
                f"Audit chain does not match {len(problems)} of {checked} checkpoints: {described}"
            )
        self.stdout.write(
            f"Audit trail intact: {report.checked} rows checked, {checked} checkpoints match."
        )
