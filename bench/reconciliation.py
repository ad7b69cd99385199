"""Reconciliation benchmark: import a statement of 100,000 lines (target <= 3 s, read + match +
categorise).

    .venv/bin/python -m bench.reconciliation [--rows 100000] [--postgres]

The statement names every enrolled person at the programme's contribution, except: 1% are
billed another amount, 0.5% are left out (covered here, not billed), 0.5% carry an unknown
KPJ, 0.2% repeat an earlier line and 0.1% have an amount that is not whole rupiah.

Baseline, in the same run on the same data: the per-row way (for each statement row, look up
the enrollment, check its coverage, compare the amount, save one line), timed on a sample of
2,000 rows and extrapolated. Floor: reading the file and bulk-writing its rows into a table,
nothing else.
"""

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, settle, setup_django
from bench.selection import load_people

SAMPLE = 2_000


def write_statement(path: Path, kpjs: list[str], amount: int, *, variant: int = 0) -> dict:
    """The statement file; returns how many rows of each kind it has."""
    counts = {"rows": 0, "mismatch": 0, "left_out": 0, "unknown": 0, "repeat": 0, "bad": 0}
    with path.open("w", encoding="utf-8") as handle:
        handle.write("NO_KPJ;NIK;TOTAL_IURAN;PERIODE\n")
        for index, kpj in enumerate(kpjs):
            if index % 200 == 7:
                counts["left_out"] += 1
                continue
            value = str(amount)
            if index % 100 == 3:
                value = str(amount // 2 + variant)
                counts["mismatch"] += 1
            elif index % 1000 == 5:
                value = f"{amount},50"
                counts["bad"] += 1
            if index % 200 == 11:
                kpj = f"9{kpj[1:]}"
                counts["unknown"] += 1
            handle.write(f"{kpj};;{value};2025-08\n")
            counts["rows"] += 1
            if index % 500 == 13:
                handle.write(f"{kpj};;{value};2025-08\n")
                counts["repeat"] += 1
                counts["rows"] += 1
    return counts


def per_row_baseline(programme, month, kpjs: list[str], amount: int, user) -> int:
    """The naive way on a sample: a query per row for the enrollment, one INSERT per line."""
    from lindungi.contributions.choices import ReconciliationCategory as Category
    from lindungi.contributions.models import StatementImport, StatementLine
    from lindungi.enrollment.models import Enrollment

    statement = StatementImport.objects.create(
        programme=programme, month=month.first_day, scope="baseline", file_name="baseline"
    )
    for number, kpj in enumerate(kpjs[:SAMPLE], start=2):
        enrollment = Enrollment.objects.filter(programme=programme, kpj=kpj).first()
        covered = enrollment is not None and (
            enrollment.start_date <= month.last_day
            and (enrollment.end_date is None or enrollment.end_date >= month.first_day)
        )
        expected = amount if covered else 0
        StatementLine(
            statement=statement,
            row_number=number,
            kpj=kpj,
            insurer_amount=amount,
            expected_amount=expected,
            enrollment=enrollment,
            regency_id=enrollment.regency_id if enrollment else None,
            category=Category.MATCHED if covered else Category.NOT_ACTIVE_HERE,
        ).save()
    return min(SAMPLE, len(kpjs))


def floor(path: Path) -> None:
    """Read the file and bulk-write its rows into a scratch table: the least any import does."""
    from django.db import connection, transaction

    from lindungi.contributions.statement_file import read_statement
    from lindungi.core.sql import bulk_insert as copy_rows

    with path.open("rb") as handle:
        statement_file = read_statement(handle)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_floor (row_number integer, kpj text, nik text,"
                " amount bigint, rejection text, raw text)"
            )
        copy_rows(
            "bench_floor",
            ("row_number", "kpj", "nik", "amount", "rejection", "raw"),
            (
                (r.row_number, r.kpj, r.nik, r.amount, r.rejection, r.raw)
                for r in statement_file.rows
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_floor")


def row(step: str, measured) -> dict:
    return {
        "step": step,
        "seconds": measured.seconds,
        "cpu s": measured.cpu_seconds,
        "peak MB": measured.peak_rss_mb,
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=100_000)
    vendor = setup_django("reconciliation", postgres=args.postgres)
    from django.db import transaction

    from bench.billing import load_enrollments
    from lindungi.accounts.models import User
    from lindungi.contributions.models import StatementLine
    from lindungi.contributions.reconciliation import import_statement, read_statement, summarise
    from lindungi.core.dates import Month
    from lindungi.core.errors import InvalidInput
    from lindungi.enrollment.models import Enrollment
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.models import Cohort, Programme
    from lindungi.programs.rates import monthly_contribution
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    month = Month(2025, 8)
    with measure() as loading:
        load_people(args.rows)
        programme = Programme.objects.create(
            name="NTT 2025 (bench)",
            province_id="53",
            year=2025,
            coverage_start=date(2025, 7, 18),
            coverage_end=date(2025, 12, 31),
            target_headcount=args.rows,
        )
        cohort = Cohort.objects.create(
            programme=programme,
            name="APBD Provinsi",
            payer_type=PayerType.PROVINCE,
            payer_name="Pemerintah Provinsi NTT",
            funding_source=FundingSource.APBD,
            headcount=args.rows,
        )
        load_enrollments(programme.pk, cohort.pk)
    user = User.objects.create(username="bench", is_superuser=True)
    amount = monthly_contribution(
        package=programme.package,
        basis=programme.income_basis,
        month=month,
        sector="other",
        funding_source=cohort.funding_source,
    ).total
    kpjs = list(Enrollment.objects.order_by("pk").values_list("kpj", flat=True))
    scratch = Path(tempfile.mkdtemp())
    path, corrected = scratch / "statement.csv", scratch / "statement-v2.csv"
    counts = write_statement(path, kpjs, amount)
    write_statement(corrected, kpjs, amount, variant=1)

    def run(file: Path):
        with file.open("rb") as handle:
            statement_file = read_statement(handle, month=month)
        return import_statement(
            programme=programme,
            month=month,
            statement_file=statement_file,
            file_name=file.name,
            user=user,
        )

    settle()
    with measure() as floor_run:
        floor(path)
    settle()
    with measure() as first:
        statement = run(path)
    settle()
    with measure() as repeat:
        try:
            run(path)
        except InvalidInput as error:
            refused = error.code
        else:
            refused = "NOT REFUSED"
    settle()
    with measure() as second:
        version2 = run(corrected)
    with measure() as baseline:
        try:
            with transaction.atomic():
                sampled = per_row_baseline(programme, month, kpjs, amount, user)
                raise RuntimeError("roll back the baseline")
        except RuntimeError:
            pass
    per_row_total = baseline.seconds / max(sampled, 1) * counts["rows"]
    summary = summarise(statement)
    rejected = summary.pop("rejected")
    print_table(
        f"Reconciling a statement of {counts['rows']:,} rows against {args.rows:,} enrollments"
        f" ({vendor})",
        [
            row("load people + enrollments (setup)", loading),
            row(f"baseline: per-row ORM on {sampled:,} rows", baseline),
            {
                "step": "baseline extrapolated to all rows",
                "seconds": per_row_total,
                "peak MB": None,
            },
            row("floor: read the file + bulk-write its rows", floor_run),
            row("import v1 (read + match + categorise + write)", first),
            row(f"the same file again ({refused})", repeat),
            row(f"corrected file: version {version2.version} supersedes 1", second),
        ],
    )
    lines = StatementLine.objects.filter(statement=statement).count()
    print(f"load (uptime): {os.getloadavg()}")
    print(
        f"file: {counts}; lines {lines:,}, rejected {statement.rows_rejected:,} {rejected}; "
        + ", ".join(f"{key} {value['count']:,}" for key, value in sorted(summary.items()))
        + f"; per-row / set-based = {per_row_total / first.seconds:,.0f}x"
    )


if __name__ == "__main__":
    main()
