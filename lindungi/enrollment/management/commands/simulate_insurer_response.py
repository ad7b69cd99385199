from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungi.core.errors import LindungiError
from lindungi.enrollment.management.commands._common import fail
from lindungi.enrollment.simulator import simulate_response


class Command(BaseCommand):
    help = "Write a realistic, deterministic insurer response to a submission file (for demos)."

    def add_arguments(self, parser):
        parser.add_argument("batch_file", type=Path)
        parser.add_argument("out_file", type=Path)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        source: Path = options["batch_file"]
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        try:
            content = simulate_response(source.read_bytes(), seed=options["seed"])
        except LindungiError as error:
            raise fail(error) from error
        options["out_file"].write_bytes(content)
        rows = content.count(b"\r\n") - 1
        rejected = content.count(b",DITOLAK,")
        self.stdout.write(f"{rows} rows, {rejected} rejected -> {options['out_file']}")
