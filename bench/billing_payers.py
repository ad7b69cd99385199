"""Billing a month for 1,000,000 people split over 23 payers, next to one payer (issue 13).

    .venv/bin/python bench/billing_payers.py [--rows 1000000] [--postgres]

Three programmes over the same people, in three different years so their coverage never
overlaps (the database refuses overlapping periods for a person):

- baseline (2025): one cohort, one payer (the province), as before payers became records;
- 23 payers (2024): the province pays for the people with an even id, each of the 22
  kabupaten/kota for its own people with an odd id (23 cohorts, each with one payer);
- shared (2023): 22 regency cohorts, each co-funded 80 % by the province and 20 % by the
  regency (23 payers, every person on two invoices: twice the detail rows).

Each run bills July of its programme with `bill_month`.
"""

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, parse_args, print_table, setup_django
from bench.selection import load_people


def _enroll(programme, cohort_id: int, year: int, where: str, params: list) -> None:
    from django.db import connection

    kpj = (
        "lpad(p.id::text, 11, '0')"
        if connection.vendor == "postgresql"
        else ("printf('%%011d', p.id)")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,"  # noqa: S608
            " state, kpj, start_date, end_date, ended_on, end_reason, rejection_reason,"
            " created_at, updated_at)"
            f" SELECT p.id, %s, %s, p.regency_id, 'ended', {kpj}, %s, %s, %s, 'programme_ended',"
            f" '', p.created_at, p.created_at FROM registry_person p WHERE {where}",
            [
                programme.pk,
                cohort_id,
                date(year, 7, 18),
                date(year, 12, 31),
                date(year, 12, 31),
                *params,
            ],
        )


def _programme(name: str, year: int, rows: int):
    from lindungi.programs.models import Programme

    return Programme.objects.create(
        name=name,
        province_id="53",
        year=year,
        coverage_start=date(year, 7, 18),
        coverage_end=date(year, 12, 31),
        target_headcount=rows,
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("billing_payers", postgres=args.postgres)
    from django.db import connection, transaction

    from lindungi.accounts.models import User
    from lindungi.contributions.billing import bill_month
    from lindungi.core.dates import Month
    from lindungi.core.roles import Role
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.funding import ShareSpec, find_or_create_payer, write_shares
    from lindungi.programs.models import Cohort
    from lindungi.programs.tests.helpers import cohort_with_payer
    from lindungi.regions.models import Regency
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", role=Role.PROVINCE_ADMIN)
    regencies = list(Regency.objects.filter(province_id="53").order_by("code"))
    # Executed with parameters, so "%%" is a literal "%" on both databases.
    odd, even = "p.id %% 2 = 1", "p.id %% 2 = 0"
    with measure() as loading, transaction.atomic():
        load_people(args.rows)
        province = find_or_create_payer(
            payer_type=PayerType.PROVINCE,
            name="Pemerintah Provinsi NTT",
            funding_source=FundingSource.APBD,
            province_code="53",
        )
        single = _programme("one payer (bench)", 2025, args.rows)
        cohort = cohort_with_payer(
            programme=single,
            name="APBD Provinsi",
            payer_type=PayerType.PROVINCE,
            payer_name="Pemerintah Provinsi NTT",
            funding_source=FundingSource.APBD,
            headcount=args.rows,
        )
        _enroll(single, cohort.pk, 2025, "1 = 1", [])
        split = _programme("23 payers (bench)", 2024, args.rows)
        shared = _programme("shared cohorts (bench)", 2023, args.rows)
        province_cohort = Cohort.objects.create(
            programme=split, name="Provinsi", headcount=args.rows
        )
        write_shares(province_cohort, date(2024, 7, 1), [ShareSpec(province, 10_000)])
        _enroll(split, province_cohort.pk, 2024, even, [])
        for regency in regencies:
            payer = find_or_create_payer(
                payer_type=PayerType.REGENCY,
                name=f"Pemerintah {regency.name}",
                funding_source=FundingSource.APBD,
                regency_code=regency.code,
            )
            own = Cohort.objects.create(
                programme=split, name=regency.name, headcount=args.rows, regency=regency
            )
            write_shares(own, date(2024, 7, 1), [ShareSpec(payer, 10_000)])
            _enroll(split, own.pk, 2024, f"{odd} AND p.regency_id = %s", [regency.code])
            both = Cohort.objects.create(
                programme=shared, name=regency.name, headcount=args.rows, regency=regency
            )
            write_shares(
                both,
                date(2023, 7, 1),
                [ShareSpec(province, 8_000), ShareSpec(payer, 2_000)],
            )
            _enroll(shared, both.pk, 2023, "p.regency_id = %s", [regency.code])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    results = {}
    for label, programme, year in (
        ("baseline: one payer", single, 2025),
        ("23 payers, each person on one invoice", split, 2024),
        ("23 payers, shared cohorts (each person on two invoices)", shared, 2023),
    ):
        with measure() as run:
            result = bill_month(programme=programme, month=Month(year, 7), user=user)
        results[label] = (run, result)

    rows = [
        {
            "step": "load people + 3 programmes (setup)",
            "seconds": loading.seconds,
            "rows": args.rows,
            "peak MB": loading.peak_rss_mb,
        }
    ]
    for label, (run, result) in results.items():
        rows.append(
            {
                "step": f"{label}: {len(result.created)} invoices",
                "seconds": run.seconds,
                "rows": sum(invoice.headcount for invoice in result.created),
                "peak MB": run.peak_rss_mb,
            }
        )
    print_table(f"Billing July for {args.rows:,} people, one payer vs 23 ({vendor})", rows)
    totals = {
        label: sum(invoice.total for invoice in result.created)
        for label, (_run, result) in results.items()
    }
    print("totals:", {label: f"Rp{total:,}" for label, total in totals.items()})


if __name__ == "__main__":
    main()
