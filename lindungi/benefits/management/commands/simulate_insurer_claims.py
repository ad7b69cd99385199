from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungi.benefits.simulator import simulate_claims
from lindungi.core.errors import LindungiError
from lindungi.programs.models import Programme


class Command(BaseCommand):
    help = "Write a realistic, deterministic insurer claim file for a programme (for demos)."

    def add_arguments(self, parser):
        parser.add_argument("out_file", type=Path)
        parser.add_argument("--programme", type=int, required=True, help="programme id")
        parser.add_argument("--families", type=int, default=40)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--as-of", required=True, help="the file's date, YYYY-MM-DD")
        parser.add_argument(
            "--no-problems", action="store_true", help="leave out the deliberate problems"
        )

    def handle(self, *args, **options):
        programme = Programme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']}")
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("--as-of must be YYYY-MM-DD") from None
        try:
            content = simulate_claims(
                programme=programme,
                families=options["families"],
                seed=options["seed"],
                as_of=as_of,
                problems=not options["no_problems"],
            )
        except LindungiError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        options["out_file"].write_bytes(content)
        rows = content.count(b"\r\n") - 1
        self.stdout.write(f"{rows} rows -> {options['out_file']}")
