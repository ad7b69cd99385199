"""`lindungi load_regions [--province 53 ...]`: load or refresh the Kemendagri reference regions."""

import time

from django.core.management.base import BaseCommand

from lindungi.regions.services import load_regions


class Command(BaseCommand):
    help = "Load (or refresh) provinces, regencies, districts, villages and the code history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="Load only this province's regencies, districts and villages (repeatable).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, provinces=None, no_progress=False, **options):
        from lindungi.core.progress import TerminalProgress

        started = time.perf_counter()
        progress = TerminalProgress(disable=True if no_progress else None)
        counts = load_regions(province_codes=provinces, progress=progress)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{table} {count:,}" for table, count in counts.items())
        self.stdout.write(f"Regions loaded in {elapsed:.1f} s: {summary}")
