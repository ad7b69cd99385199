"""Selection benchmark: rank 1,000,000 candidates across NTT's 22 regencies and select 100,000.

    .venv/bin/python bench/selection.py [--rows 1000000] [--postgres]

Baseline, measured in the same run on the same data: one plain SELECT of the eligible
candidates in priority order (no decisions written). The selection itself stages the
candidates, ranks the eligible (ROW_NUMBER ranks joined to the quotas), writes a decision for
every candidate in one INSERT and commits. Below the table: the run's slowest statements, and
the commit (what the run took beyond its statements: WAL and checkpoint on SQLite, deferred
checks on PostgreSQL).
"""

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, setup_django

COLUMNS = (
    "nik, kk_number, full_name, name_normalised, sex, birth_place, birth_date, village_id,"
    " regency_id, address, occupation, phone, desil, poverty_label, died_on, source_edition,"
    " created_at, updated_at"
)
LABELS = {1: "extreme_poor", 2: "poor", 3: "near_poor", 4: "vulnerable"}


def people(rows: int, villages: list[tuple[str, str, str]]):
    rng = random.Random(20250718)
    now = "2025-07-01 00:00:00+00:00"
    first_birth = date(1950, 1, 1)
    household = None
    for index in range(rows):
        if index % 3 == 0:
            village, regency, district = villages[rng.randrange(len(villages))]
            household = f"{district}{index:010d}"
            desil = rng.randint(1, 10)
        birth = first_birth + timedelta(days=rng.randrange(365 * 62))
        died = date(2024, 1, 1) if rng.random() < 0.01 else None
        yield (
            f"{district}{index:010d}",
            household,
            f"WARGA {index}",
            f"WARGA {index}",
            "L" if index % 2 else "P",
            "",
            birth,
            village,
            regency,
            "",
            "Petani",
            "",
            desil,
            LABELS.get(desil, "not_poor"),
            died,
            "2025-06",
            now,
            now,
        )


def load_people(rows: int) -> None:
    from django.db import connection, transaction

    from lindungi.regions.models import Village

    villages = list(
        Village.objects.filter(regency__province="53").values_list(
            "code", "regency_id", "district__code_nik"
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY registry_person ({COLUMNS}) FROM STDIN") as copy:
                for row in people(rows, villages):
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(COLUMNS.split(",")))
            sql = f"INSERT INTO registry_person ({COLUMNS}) VALUES ({placeholders})"  # noqa: S608
            batch = []
            for row in people(rows, villages):
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            cursor.executemany(sql, batch)
        # 2% are already active at the insurer, a tenth of them as wage earners.
        cursor.execute(
            "INSERT INTO programs_activeinsurerparticipant (nik, kpj, is_wage_earner,"
            " source_file, imported_at, is_current) SELECT nik, '', (id %% 500 = 0), 'bench',"
            " created_at, %s FROM registry_person WHERE id %% 50 = 0",
            [True],
        )
        cursor.execute("ANALYZE")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("selection", postgres=args.postgres)
    from django.db import connection

    from lindungi.accounts.models import User
    from lindungi.core.roles import Role
    from lindungi.programs.selection import run_selection
    from lindungi.programs.services import create_ntt_2025_programme
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    with measure() as loading:
        load_people(args.rows)
    officer = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    programme = create_ntt_2025_programme(user=officer)

    with measure() as baseline, connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM registry_person WHERE desil <= 4 AND died_on IS NULL"
            " ORDER BY regency_id, desil, poverty_label, birth_date, nik"
        )
        baseline.extra["rows"] = len(cursor.fetchall())

    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = " ".join(sql.split())[:60]
            statements.append((time.perf_counter() - started, label))

    with measure() as selection, connection.execute_wrapper(timed):
        summary = run_selection(user=officer, programme=programme)

    print_table(
        f"Selection of {summary.target:,} from {args.rows:,} candidates ({vendor})",
        [
            {
                "step": "load people (setup, not measured)",
                "seconds": loading.seconds,
                "rows": args.rows,
                "peak MB": loading.peak_rss_mb,
            },
            {
                "step": "baseline: ordered SELECT of eligible",
                "seconds": baseline.seconds,
                "rows": baseline.extra["rows"],
                "peak MB": baseline.peak_rss_mb,
            },
            {
                "step": "run_selection (decisions for all, ranks, quotas)",
                "seconds": selection.seconds,
                "rows": summary.candidates,
                "peak MB": selection.peak_rss_mb,
            },
        ],
    )
    print(
        f"eligible {summary.eligible:,}, selected {summary.selected:,},"
        f" waitlisted {summary.waitlisted:,}"
    )
    print("\nslowest statements of run_selection:")
    for seconds, sql in sorted(statements, reverse=True)[:6]:
        print(f"  {seconds:6.2f} s  {sql}")
    outside = selection.seconds - sum(seconds for seconds, _sql in statements)
    print(f"  {outside:6.2f} s  commit and Python (the rest)")


if __name__ == "__main__":
    main()
