"""lindungi run_selection PROGRAMME [--dry-run]: rank and select, with a progress bar."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress
from lindungi.programs.models import Programme
from lindungi.programs.selection import run_selection


class Command(BaseCommand):
    help = "Run the selection of a programme (id or exact name) as a new draft run."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="programme id or exact name")
        parser.add_argument("--dry-run", action="store_true", help="count only; save nothing")
        parser.add_argument(
            "--user", default="admin", help="username recorded as the one running it"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, programme, dry_run, user, no_progress, **options):
        found = Programme.objects.filter(
            pk=int(programme) if programme.isdigit() else None
        ) | Programme.objects.filter(name=programme)
        if found.count() != 1:
            raise CommandError(f"no single programme matches {programme!r}")
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {user!r}") from None
        progress = TerminalProgress(disable=True if no_progress else None, unit="step")
        try:
            with audit_context(source="command", reference="run_selection", user_id=actor.pk):
                summary = run_selection(
                    user=actor, programme=found.get(), dry_run=dry_run, progress=progress
                )
        except PermissionDenied:
            raise CommandError(f"user {user!r} may not run a selection") from None
        except LindungiError as error:
            raise CommandError(error.message) from None
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
