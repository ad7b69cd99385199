"""lindungi bill_month PROGRAMME YYYY-MM: issue the month's invoices (safe to run twice)."""

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.contributions.billing import bill_month
from lindungi.contributions.management.commands._common import find_programme
from lindungi.core.dates import Month
from lindungi.core.progress import TerminalProgress


class Command(WritingCommand):
    help = "Bill one month of a programme (id or exact name): one invoice per payer."

    def add_command_arguments(self, parser):
        parser.add_argument("programme")
        parser.add_argument("month", help="YYYY-MM")

    def act(self, *args, programme, month, user, **options):
        try:
            month_value = Month.parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        result = bill_month(
            programme=find_programme(programme),
            month=month_value,
            user=user,
            progress=TerminalProgress(unit="payer"),
        )
        for invoice in result.created:
            self.stdout.write(
                f"issued {invoice.number}: {invoice.payer} {invoice.headcount} people, "
                f"total {invoice.total}, adjustments {invoice.adjustments}"
            )
        for invoice in result.existing:
            self.stdout.write(f"already issued {invoice.number}: total {invoice.total}")
        for payer in result.empty:
            self.stdout.write(f"nothing to bill for {payer}")
