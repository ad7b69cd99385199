"""Benchmark: load all of Indonesia's regions (83,762 villages) beside a raw-insert floor.

    .venv/bin/python -m bench.regions_load [--postgres]

The floor inserts the same village rows with a plain executemany into an unconstrained table;
the loader upserts every table (editions to code history) through the ORM in batches.
"""

import csv

from bench.harness import measure, parse_args, print_table, setup_django


def main() -> None:
    args = parse_args("Load the reference regions")
    vendor = setup_django("regions_load", postgres=args.postgres)
    from django.db import connection, transaction

    from lindungi.regions.services import NATIONAL, load_regions

    with (NATIONAL / "villages.csv").open(newline="", encoding="utf-8") as handle:
        villages = [tuple(row.values())[:7] for row in csv.DictReader(handle)]

    with measure() as floor, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_village (code text, code_undotted text, district text,"
            " district_nik text, regency text, name text, type text)"
        )
        cursor.executemany(
            "INSERT INTO bench_village VALUES (%s, %s, %s, %s, %s, %s, %s)", villages
        )
    with measure() as first:
        counts = load_regions()
    with measure() as again:
        load_regions()

    rows = sum(counts.values())
    print_table(
        f"Regions load ({vendor})",
        [
            {
                "step": "floor: executemany villages only",
                "rows": len(villages),
                "seconds": floor.seconds,
                "peak MB": floor.peak_rss_mb,
            },
            {
                "step": "load_regions (empty database)",
                "rows": rows,
                "seconds": first.seconds,
                "peak MB": first.peak_rss_mb,
            },
            {
                "step": "load_regions again (no change)",
                "rows": rows,
                "seconds": again.seconds,
                "peak MB": again.peak_rss_mb,
            },
        ],
    )


if __name__ == "__main__":
    main()
