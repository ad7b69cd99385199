"""lindungi apply_lapses [--programme P] [--as-of YYYY-MM-DD]: the daily lapse rule.

Run it once a day (cron or a systemd timer): it assesses who the payers left unpaid too long
and ends the lapsed places; running it twice on the same day changes nothing more.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindungi.audit.commands import find_acting_user
from lindungi.audit.context import audit_context
from lindungi.contributions.lapses import run_daily_lapses
from lindungi.contributions.management.commands._common import find_programme
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress


class Command(BaseCommand):
    help = "Assess payment standing and end lapsed places (every running programme by default)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="id or exact name (default: every running one)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--as", dest="username", default="admin", help="acting username")

    def handle(self, *args, programme, as_of, username, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"not a date: {as_of!r}") from None
        actor = find_acting_user(username)
        programmes = None if programme is None else [find_programme(programme)]
        try:
            with audit_context(source="command", reference="apply_lapses", user_id=actor.pk):
                results = run_daily_lapses(
                    as_of=day,
                    user=actor,
                    programmes=programmes,
                    progress=TerminalProgress(unit="programme"),
                )
        except LindungiError as error:
            raise CommandError(error.message) from None
        for result in results:
            self.stdout.write(
                f"programme {result.programme_id}: at risk {result.at_risk}, "
                f"lapsed {result.lapsed}, places ended {result.ended}"
            )
        if not results:
            self.stdout.write(f"no programme runs on {day}")
