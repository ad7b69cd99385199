"""Benchmark: a 100,000-person submission file and a 100,000-row insurer response import.

    .venv/bin/python bench/enrollment.py [--rows N] [--postgres]

Targets (issue 5): submission <= 3 s, response import <= 5 s. Each figure is printed beside a
baseline measured in the same run: a plain csv.writer over a values_list for the file, and a
plain executemany of the response rows into a scratch table for the import.
"""

import csv
import datetime
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, setup_django


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=100_000)
    vendor = setup_django("enrollment", postgres=args.postgres)
    from django.db import connection
    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.enrollment.batches import batch_csv_path, make_submission
    from lindungi.enrollment.models import Enrollment
    from lindungi.enrollment.responses import import_insurer_response
    from lindungi.enrollment.simulator import simulate_response
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.models import Programme
    from lindungi.programs.tests.helpers import cohort_with_payer
    from lindungi.regions.models import Village
    from lindungi.regions.services import load_regions
    from lindungi.registry.models import Person

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", is_superuser=True, is_staff=True)
    villages = list(Village.objects.filter(regency__province="53").values_list("code", "regency"))
    now = timezone.now()
    Person.objects.bulk_create(
        (
            Person(
                nik=f"5305{i:012d}",
                kk_number=f"5305{i:012d}",
                full_name=f"WARGA {i}",
                name_normalised=f"WARGA {i}",
                sex="L" if i % 2 else "P",
                birth_date=datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                village_id=villages[i % len(villages)][0],
                regency_id=villages[i % len(villages)][1],
                address=f"RT {i % 20:03d} RW 001",
                occupation="Petani",
                desil=1,
            )
            for i in range(args.rows)
        ),
        batch_size=5_000,
    )
    programme = Programme.objects.create(
        name="Bench",
        province_id="53",
        year=2025,
        coverage_start=datetime.date(2025, 7, 18),
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=args.rows,
    )
    cohort = cohort_with_payer(
        programme=programme,
        name="APBD",
        payer_type=PayerType.PROVINCE,
        payer_name="Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=args.rows,
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                person_id=pk,
                programme=programme,
                cohort=cohort,
                regency_id=regency,
                created_at=now,
                updated_at=now,
            )
            for pk, regency in Person.objects.values_list("id", "regency_id").iterator()
        ),
        batch_size=5_000,
    )

    rows = []
    with measure() as baseline:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in (
            Person.objects.order_by("nik")
            .values_list(
                "nik", "full_name", "birth_date", "sex", "address", "village_id", "occupation"
            )
            .iterator(chunk_size=10_000)
        ):
            writer.writerow(row)
    rows.append(_row("submission file: baseline csv.writer", baseline, args.rows, None))
    with measure() as submission:
        batch = make_submission(
            user=user, programme=programme, start_date=datetime.date(2025, 7, 18)
        )
    rows.append(
        _row("submission file: make_submission (batch+events+CSV)", submission, args.rows, 3.0)
    )

    response = simulate_response(batch_csv_path(batch).read_bytes(), seed=1)
    parsed = list(csv.reader(io.StringIO(response.decode())))[1:]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_response (nik varchar(16), kpj varchar(11), status varchar(10), "
            "reason varchar(300), effective varchar(10), batch varchar(30))"
        )
    with measure() as plain, connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_response VALUES (%s, %s, %s, %s, %s, %s)", parsed)
    rows.append(_row("response import: baseline executemany", plain, args.rows, None))
    with measure() as imported:
        result = import_insurer_response(user=user, file_name="response.csv", content=response)
    rows.append(_row("response import: import_insurer_response", imported, args.rows, 5.0))
    assert result.rows_read == args.rows
    print_table(
        f"Enrollment, {args.rows:,} people, {vendor} "
        f"(activated {result.rows_activated:,}, refused {result.rows_refused:,})",
        rows,
    )


def _row(name, measurement, count, target: float | None) -> dict:
    """One table row; `target` is issue 5's limit in seconds (None for a baseline)."""
    return {
        "step": name,
        "seconds": measurement.seconds,
        "target s": target,
        "rows/s": int(count / measurement.seconds) if measurement.seconds else 0,
        "peak RSS MB": measurement.peak_rss_mb,
    }


if __name__ == "__main__":
    main()
