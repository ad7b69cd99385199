"""Billing benchmark: bill one month for 1,000,000 active enrollments (target <= 5 s).

    .venv/bin/python bench/billing.py [--rows 1000000] [--postgres]

Baseline, in the same run on the same data: the per-row ORM way (for each enrollment, check
its coverage, compute its contribution, save one detail row), timed on a sample of 2,000 and
extrapolated to all rows. The set-based run copies the detail with INSERT .. SELECT per cohort
and sums the lines in SQL. The second month is timed too: it also checks the first month for
adjustments.
"""

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, setup_django
from bench.selection import load_people

SAMPLE = 2_000


def load_enrollments(programme_id: int, cohort_id: int) -> None:
    """Every person becomes an active enrollment from 18 July 2025, set-based."""
    from django.db import connection, transaction

    kpj = (
        "lpad(p.id::text, 11, '0')"
        if connection.vendor == "postgresql"
        else ("printf('%%011d', p.id)")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,"  # noqa: S608
            " state, kpj, start_date, end_reason, rejection_reason, created_at, updated_at)"
            f" SELECT p.id, %s, %s, p.regency_id, 'active', {kpj}, %s, '', '',"
            " p.created_at, p.created_at FROM registry_person p",
            [programme_id, cohort_id, date(2025, 7, 18)],
        )
        cursor.execute("ANALYZE")


def per_row_baseline(programme, month) -> int:
    """The naive way on a sample: one query per person plus one INSERT per detail row."""
    # Billed for September so it meets none of the rows the measured runs wrote.
    from lindungi.contributions.choices import LineKind
    from lindungi.contributions.models import Invoice, InvoiceDetail, Payer
    from lindungi.enrollment.models import Enrollment
    from lindungi.programs.rates import monthly_contribution

    payer = Payer.objects.get()
    invoice = Invoice.objects.create(
        number="BASELINE",
        payer=payer,
        programme=programme,
        month=month.first_day,
        due_date=month.first_day,
        headcount=0,
        total=0,
    )
    count = 0
    for enrollment in Enrollment.objects.filter(programme=programme).order_by("pk")[:SAMPLE]:
        enrollment = Enrollment.objects.select_related("person", "cohort").get(pk=enrollment.pk)
        covered = enrollment.start_date <= month.last_day and (
            enrollment.end_date is None or enrollment.end_date >= month.first_day
        )
        if not covered:
            continue
        rate = monthly_contribution(
            package=programme.package,
            basis=programme.income_basis,
            month=month,
            sector="other",
            funding_source=enrollment.cohort.funding_source,
        )
        InvoiceDetail(
            invoice=invoice,
            kind=LineKind.REGULAR,
            service_month=month.first_day,
            enrollment=enrollment,
            regency_id=enrollment.regency_id,
            cohort=enrollment.cohort,
            jkk=rate.jkk,
            jkm=rate.jkm,
            jht=rate.jht,
        ).save()
        count += 1
    return count


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("billing", postgres=args.postgres)
    from django.db import transaction

    from lindungi.contributions.billing import bill_month
    from lindungi.core.dates import Month
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.models import Cohort, Programme
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
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

    from lindungi.accounts.testing import acting_officer

    user = acting_officer()
    with measure() as billing:
        result = bill_month(user=user, programme=programme, month=Month(2025, 7))
    invoice = result.created[0]
    # The next month also looks back at July for adjustments (none here: nobody left).
    with measure() as second:
        august = bill_month(user=user, programme=programme, month=Month(2025, 8)).created[0]

    # The baseline writes into a throwaway invoice for another month, then is rolled back.
    with measure() as baseline:
        try:
            with transaction.atomic():
                sampled = per_row_baseline(programme, Month(2025, 9))
                raise RuntimeError("roll back the baseline")
        except RuntimeError:
            pass
    per_row_total = baseline.seconds / max(sampled, 1) * args.rows

    print_table(
        f"Billing one month for {args.rows:,} active enrollments ({vendor})",
        [
            {
                "step": "load people + enrollments (setup)",
                "seconds": loading.seconds,
                "rows": args.rows,
                "peak MB": loading.peak_rss_mb,
            },
            {
                "step": f"baseline: per-row ORM on {sampled:,}",
                "seconds": baseline.seconds,
                "rows": sampled,
                "peak MB": baseline.peak_rss_mb,
            },
            {
                "step": "baseline extrapolated to all rows",
                "seconds": per_row_total,
                "rows": args.rows,
                "peak MB": None,
            },
            {
                "step": "bill_month July (set-based)",
                "seconds": billing.seconds,
                "rows": invoice.headcount,
                "peak MB": billing.peak_rss_mb,
            },
            {
                "step": "bill_month August (+ adjustment pass over July)",
                "seconds": second.seconds,
                "rows": august.headcount,
                "peak MB": second.peak_rss_mb,
            },
        ],
    )
    print(
        f"invoice {invoice.number}: total Rp{invoice.total:,}; "
        f"per-row / set-based = {per_row_total / billing.seconds:,.0f}x"
    )


if __name__ == "__main__":
    main()
