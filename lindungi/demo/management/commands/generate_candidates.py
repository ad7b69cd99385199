"""`lindungi generate_candidates --count N --seed S OUT.csv|OUT.xlsx`: realistic candidate files."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindungi.core.errors import LindungiError
from lindungi.core.progress import TerminalProgress
from lindungi.demo.generation import DefectKind, generate_candidates, write_csv, write_xlsx


class Command(BaseCommand):
    help = (
        "Generate NTT candidates (valid NIKs, households sharing a KK, mostly desil 1-4) with a "
        "share of the defects real files carry, as CSV or XLSX."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="File to write: .csv or .xlsx")
        parser.add_argument("--count", type=int, required=True, help="Rows to write.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same file.")
        parser.add_argument(
            "--defects", type=float, default=0.03, help="Share of defective rows (default 0.03)."
        )
        parser.add_argument(
            "--defect-kind",
            action="append",
            dest="defect_kinds",
            choices=[kind.value for kind in DefectKind],
            help="Only this kind of defect (repeatable; default: all kinds equally).",
        )
        parser.add_argument(
            "--edition",
            help="Source edition YYYY-MM: ages are counted at its end, and a newer edition "
            "changes the desil, address, work or phone of some households.",
        )
        parser.add_argument(
            "--province-share-other",
            type=float,
            default=0.02,
            help="Share of NIKs issued in another province (default 0.02).",
        )
        parser.add_argument(
            "--pre-split-share",
            type=float,
            default=0.005,
            help="Share of NIKs with a district code no longer current (default 0.005).",
        )
        parser.add_argument("--province", default="53", help="Province to draw (default 53).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        output = Path(options["output"])
        suffix = output.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError("The output file must end in .csv or .xlsx.")
        count = options["count"]
        kinds = options["defect_kinds"]
        started = time.perf_counter()
        try:
            rows = generate_candidates(
                count=count,
                seed=options["seed"],
                defect_rate=options["defects"],
                defect_weights=dict.fromkeys(kinds, 1.0) if kinds else None,
                edition=options["edition"],
                other_province_share=options["province_share_other"],
                pre_split_share=options["pre_split_share"],
                province_code=options["province"],
            )
            progress = TerminalProgress(disable=True if options["no_progress"] else None)
            writer = write_xlsx if suffix == ".xlsx" else write_csv
            summary = writer(output, rows, progress=progress, total=count)
        except (LindungiError, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{output}: {summary.rows:,} rows, {summary.defective:,} defective, in {elapsed:.1f} s"
        )
        for kind, number in sorted(summary.defects.items()):
            self.stdout.write(f"  {kind}: {number:,}")
