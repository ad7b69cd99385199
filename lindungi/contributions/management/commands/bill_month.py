"""lindungi bill_month PROGRAMME YYYY-MM: issue the month's invoices (safe to run twice)."""

from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.contributions.billing import bill_month
from lindungi.contributions.management.commands._common import find_programme, find_user
from lindungi.core.dates import Month
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress


class Command(BaseCommand):
    help = "Bill one month of a programme (id or exact name): one invoice per payer."

    def add_arguments(self, parser):
        parser.add_argument("programme")
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--user", default="admin", help="username recorded as the biller")

    def handle(self, *args, programme, month, user, **options):
        try:
            month_value = Month.parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = find_user(user)
        try:
            with audit_context(source="command", reference="bill_month", user_id=actor.pk):
                result = bill_month(
                    programme=find_programme(programme),
                    month=month_value,
                    user=actor,
                    progress=TerminalProgress(unit="payer"),
                )
        except LindungiError as error:
            raise CommandError(error.message) from None
        for invoice in result.created:
            self.stdout.write(
                f"issued {invoice.number}: {invoice.payer} {invoice.headcount} people, "
                f"total {invoice.total}, adjustments {invoice.adjustments}"
            )
        for invoice in result.existing:
            self.stdout.write(f"already issued {invoice.number}: total {invoice.total}")
        for payer in result.empty:
            self.stdout.write(f"nothing to bill for {payer}")
