"""lindungi renew_programme 2025 --year 2026: next year's programme from this year's."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lindungi.audit.context import audit_context
from lindungi.core.errors import LindungiError
from lindungi.cycle.renewal import renew_programme
from lindungi.programs.models import Programme


def find_programme(text: str) -> Programme:
    """A programme by its year (when only one has it), its id, or its exact name."""
    found = Programme.objects.filter(name=text)
    if not found.exists() and text.isdigit():
        number = int(text)
        found = Programme.objects.filter(year=number) if 2000 <= number <= 2100 else found
        if not found.exists():
            found = Programme.objects.filter(pk=number)
    if found.count() != 1:
        names = ", ".join(f"#{p.pk} {p.name}" for p in found[:10]) or "none"
        raise CommandError(f"no single programme matches {text!r} (found: {names})")
    return found.get()


class Command(BaseCommand):
    help = "Renew a programme (its year, id or exact name) into the next year."

    def add_arguments(self, parser):
        parser.add_argument("programme", help="programme year, id or exact name")
        parser.add_argument("--year", type=int, required=True, help="the new programme's year")
        parser.add_argument(
            "--as", "--user", dest="username", default="admin", help="the acting user"
        )

    def handle(self, *args, programme, year, username, **options):
        source = find_programme(programme)
        try:
            actor = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        try:
            with audit_context(source="command", reference="renew_programme", user_id=actor.pk):
                renewal = renew_programme(user=actor, programme=source, year=year)
        except PermissionDenied:
            raise CommandError(f"user {username!r} may not renew programmes") from None
        except LindungiError as error:
            raise CommandError(error.message) from None
        counts = renewal.counts
        self.stdout.write(
            f"{source.name} -> #{renewal.to_programme_id} {renewal.to_programme.name}"
            f" ({renewal.get_status_display()})"
        )
        self.stdout.write(
            f"  continues {counts.get('continues', 0):,}  leaves {counts.get('leaves', 0):,}"
            f"  newly eligible {counts.get('newly_eligible', 0):,}"
        )
        for reason, count in counts.get("reasons", {}).items():
            self.stdout.write(f"  leaves, {reason}: {count:,}")
