from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report the first row whose chain breaks."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"Audit trail intact: {report.checked} rows checked.")
            return
        broken = report.first_break
        raise CommandError(
            f"Audit chain broken at row {broken.event_id} ({broken.reason}); "
            f"{report.checked - 1} rows before it are intact."
        )
