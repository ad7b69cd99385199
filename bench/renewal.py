"""Renewal benchmark: renew and re-verify 1,000,000 participants, then carry them over.

    .venv/bin/python bench/renewal.py [--rows 1000000] [--postgres]

Every generated person is an active 2025 participant (bench/billing.py's loader); 2% are on
the insurer's active list, a tenth of those as wage earners (bench/selection.py's loader), so
the diff has leavers. Timed: `renew_programme` (the new programme, cohorts, budgets and the
re-verification diff of everyone: one INSERT..SELECT for last year's people, one for the
newly eligible), `reverify` again (a newer edition: the diff rebuilt), and `approve_renewal`
(last year's places ended on 31 December, the continuing places inserted from 1 January).
Target (issue 13): re-verifying and renewing 1,000,000 participants <= 10 s.

Baseline, in the same run: the floor of the work, copying the million enrollment rows with
their person's desil into a scratch table with one INSERT..SELECT (no reasons computed).
"""

import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.billing import load_enrollments
from bench.harness import measure, parse_args, print_table, settle, setup_django
from bench.selection import load_people


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=1_000_000)
    vendor = setup_django("renewal", postgres=args.postgres)
    from datetime import date

    from django.db import connection

    from lindungi.accounts.models import User
    from lindungi.core.roles import Role
    from lindungi.cycle.renewal import renew_programme
    from lindungi.cycle.verification import approve_renewal, reverify
    from lindungi.programs.choices import FundingSource, PayerType, ProgrammeStatus
    from lindungi.programs.models import Programme
    from lindungi.programs.tests.helpers import cohort_with_payer
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", role=Role.PROVINCE_ADMIN)
    # Maker-checker: the diff is approved by a second person.
    checker = User.objects.create(username="bench-checker", role=Role.PROVINCE_ADMIN)
    with measure() as loading:
        load_people(args.rows)
        programme = Programme.objects.create(
            name="NTT 2025 (bench)",
            province_id="53",
            year=2025,
            coverage_start=date(2025, 7, 18),
            coverage_end=date(2025, 12, 31),
            target_headcount=args.rows,
            status=ProgrammeStatus.ACTIVE,
        )
        cohort = cohort_with_payer(
            programme=programme,
            name="APBD Provinsi 2025",
            payer_type=PayerType.PROVINCE,
            payer_name="Pemerintah Provinsi NTT",
            funding_source=FundingSource.APBD,
            headcount=args.rows,
        )
        load_enrollments(programme.pk, cohort.pk)

    settle()
    with measure() as floor, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor AS SELECT e.id, e.person_id, p.regency_id, p.desil"
            " FROM enrollment_enrollment e JOIN registry_person p ON p.id = e.person_id"
            " WHERE e.programme_id = %s",
            [programme.pk],
        )
        cursor.execute("DROP TABLE bench_floor")
    settle()
    slow: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            slow.append((time.perf_counter() - started, " ".join(sql.split())[:160]))

    wrapper = (
        connection.execute_wrapper(timed) if os.environ.get("BENCH_PROFILE") else nullcontext()
    )
    with wrapper, measure() as renewing:
        renewal = renew_programme(user=user, programme=programme, year=2026)
    settle()
    with measure() as again:
        reverify(user=user, renewal=renewal)
    settle()
    with (
        connection.execute_wrapper(timed) if os.environ.get("BENCH_PROFILE") else nullcontext(),
        measure() as approving,
    ):
        counts = approve_renewal(user=checker, renewal=renewal)
    for seconds, sql in sorted(slow, reverse=True)[:12]:
        print(f"{seconds:7.2f}s  {sql}")
    print_table(
        f"Renewing {args.rows:,} participants into 2026 ({vendor})",
        [
            {"step": "load (setup)", "seconds": loading.seconds, "rows": args.rows},
            {"step": "floor: copy the rows once", "seconds": floor.seconds, "rows": args.rows},
            {
                "step": "renew_programme (with the diff)",
                "seconds": renewing.seconds,
                "rows": args.rows,
            },
            {"step": "reverify again", "seconds": again.seconds, "rows": args.rows},
            {
                "step": "approve_renewal (end + carry over)",
                "seconds": approving.seconds,
                "rows": counts["carried"],
            },
        ],
    )
    print("counts:", {key: value for key, value in counts.items() if key != "reasons"})
    print("leaving by reason:", counts["reasons"])


if __name__ == "__main__":
    main()
