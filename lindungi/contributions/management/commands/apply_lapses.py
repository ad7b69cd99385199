"""lindungi apply_lapses [--programme P] [--as-of YYYY-MM-DD] --as USER: the daily lapse rule.

Run it once a day (cron or a systemd timer): it assesses who the payers left unpaid too long
and ends the lapsed places; running it twice on the same day changes nothing more.
"""

from datetime import date

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.contributions.lapses import run_daily_lapses
from lindungi.contributions.management.commands._common import find_programme
from lindungi.core.dates import local_today
from lindungi.core.progress import TerminalProgress


class Command(WritingCommand):
    help = "Assess payment standing and end lapsed places (every running programme by default)."

    def add_command_arguments(self, parser):
        parser.add_argument("--programme", help="id or exact name (default: every running one)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")

    def act(self, *args, programme, as_of, user, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else local_today()
        except ValueError:
            raise CommandError(f"not a date: {as_of!r}") from None
        programmes = None if programme is None else [find_programme(programme)]
        results = run_daily_lapses(
            as_of=day,
            user=user,
            programmes=programmes,
            progress=TerminalProgress(unit="programme"),
        )
        for result in results:
            self.stdout.write(
                f"programme {result.programme_id}: at risk {result.at_risk}, "
                f"lapsed {result.lapsed}, places ended {result.ended}"
            )
        if not results:
            self.stdout.write(f"no programme runs on {day}")
