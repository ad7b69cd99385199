"""lindungi run_selection PROGRAMME [--dry-run]: rank and select, with a progress bar."""

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.programs.models import Programme
from lindungi.programs.selection import run_selection


class Command(WritingCommand):
    help = "Run the selection of a programme (id or exact name) as a new draft run."

    def add_command_arguments(self, parser):
        parser.add_argument("programme", help="programme id or exact name")
        parser.add_argument("--dry-run", action="store_true", help="count only; save nothing")
        parser.add_argument("--no-progress", action="store_true")

    def act(self, *args, programme, dry_run, user, no_progress, **options):
        found = Programme.objects.filter(
            pk=int(programme) if programme.isdigit() else None
        ) | Programme.objects.filter(name=programme)
        if found.count() != 1:
            raise CommandError(f"no single programme matches {programme!r}")
        progress = TerminalProgress(disable=True if no_progress else None, unit="step")
        summary = run_selection(
            user=user, programme=found.get(), dry_run=dry_run, progress=progress
        )
        label = "dry run (nothing saved)" if dry_run else f"run #{summary.run_id} (draft)"
        self.stdout.write(f"Selection {label}")
        self.stdout.write(
            f"  candidates {summary.candidates:,}  eligible {summary.eligible:,}  "
            f"selected {summary.selected:,} of {summary.target:,}  "
            f"waitlisted {summary.waitlisted:,}"
        )
        for reason, count in summary.ineligible_by_reason.items():
            if count:
                self.stdout.write(f"  not eligible, {reason}: {count:,}")
