"""Benchmark: dashboard pages at a million candidates, beside the same figures computed live.

    .venv/bin/python -m bench.dashboard [--postgres] [--rows N]

Builds N candidates across NTT's villages with one INSERT ... SELECT (a recursive counter, no
Python loop), a selection run with a decision for each, and active enrollments for a tenth of
them; refreshes the summaries; then requests the province dashboard, a regency dashboard (first
and second page of its people list), the boundaries the map fetches and the public page with
Django's test client. Baselines, measured in the same run: what a page would cost without the
summary tables (the same aggregates computed live from the registry, decisions and
enrollments), and the people summary built the former way (ORM rows into Python objects, then
bulk_create) beside the INSERT ... SELECT the refresh now uses.
"""

import statistics
import time
from datetime import date

from bench.harness import measure, parse_args, print_table, setup_django

REQUESTS = 20


def _fill(rows: int, vendor: str) -> None:
    """Candidates, decisions and enrollments in three set-based statements."""
    from django.db import connection, transaction

    if vendor == "postgresql":
        counter = "SELECT generate_series(1, %s) AS n"
        pad16 = "lpad(n::text, 16, '0')"
        kpj = "lpad(d.person_id::text, 11, '0')"
        birth = "DATE '1960-01-01' + (n %% 16000)"
        now = "now()"
        prefix = ""
    else:
        counter = "SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < %s"
        pad16 = "printf('%%016d', n)"
        kpj = "printf('%%011d', d.person_id)"
        birth = "date('1960-01-01', '+' || (n %% 16000) || ' days')"
        now = "CURRENT_TIMESTAMP"
        prefix = "RECURSIVE "
    occupations = (
        "CASE n %% 8 WHEN 0 THEN 'Petani' WHEN 1 THEN 'Nelayan' WHEN 2 THEN 'Penenun' "
        "WHEN 3 THEN 'Peternak' WHEN 4 THEN 'Buruh Harian Lepas' WHEN 5 THEN 'Pedagang Kecil' "
        "WHEN 6 THEN 'Pengemudi Ojek' ELSE 'Petani' END"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {prefix}seq(n) AS ({counter}),
            v AS (SELECT code, regency_id, ROW_NUMBER() OVER (ORDER BY code) - 1 AS i
                  FROM regions_village WHERE code LIKE '53.%%'),
            total AS (SELECT COUNT(*) AS c FROM v)
            INSERT INTO registry_person (nik, kk_number, full_name, name_normalised, sex,
                birth_place, birth_date, village_id, regency_id, address, occupation, phone,
                desil, poverty_label, source_edition, created_at, updated_at)
            SELECT {pad16}, {pad16}, 'WARGA ' || n, 'WARGA ' || n,
                CASE WHEN n %% 2 = 0 THEN 'L' ELSE 'P' END, 'Kupang', {birth}, v.code,
                v.regency_id, '', {occupations}, '', 1 + n %% 6, 'poor', '', {now}, {now}
            FROM seq, total JOIN v ON 1 = 1 WHERE v.i = seq.n %% total.c
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [rows],
        )
        cursor.execute(
            f"""
            INSERT INTO programs_decision (run_id, person_id, nik, kk_number, regency_id, desil,
                poverty_label, birth_date, age, reasons, household_first, tie_break, rank,
                outcome, cohort_id, continued)
            SELECT %s, p.id, p.nik, p.kk_number, p.regency_id, p.desil, p.poverty_label,
                p.birth_date, 40, CASE WHEN p.desil > 4 THEN 4 ELSE 0 END, {_true(vendor)},
                p.id, CASE WHEN p.desil > 4 THEN NULL ELSE p.id END,
                CASE WHEN p.desil > 4 THEN 'ineligible'
                     WHEN p.id %% 10 = 0 THEN 'selected' ELSE 'waitlisted' END,
                CASE WHEN p.desil <= 4 AND p.id %% 10 = 0 THEN %s END, {_false(vendor)}
            FROM registry_person p
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [_RUN["run"], _RUN["cohort"]],
        )
        cursor.execute(
            f"""
            INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,
                decision_id, state, kpj, start_date, end_reason, rejection_reason,
                created_at, updated_at)
            SELECT d.person_id, %s, %s, d.regency_id, d.id, 'active',
                {kpj}, %s, '', '', {now}, {now}
            FROM programs_decision d WHERE d.outcome = 'selected'
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [_RUN["programme"], _RUN["cohort"], date(2025, 7, 18)],
        )


def _true(vendor: str) -> str:
    return "TRUE" if vendor == "postgresql" else "1"


def _false(vendor: str) -> str:
    return "FALSE" if vendor == "postgresql" else "0"


_RUN: dict[str, int] = {}


def _programme() -> None:
    from lindungi.programs.models import Programme, RunQuota, SelectionRun
    from lindungi.programs.tests.helpers import cohort_with_payer
    from lindungi.regions.models import Regency

    programme = Programme.objects.create(
        name="Bench 2025",
        province_id="53",
        year=2025,
        coverage_start=date(2025, 7, 18),
        coverage_end=date(2025, 12, 31),
        target_headcount=100_000,
        status="active",
    )
    cohort = cohort_with_payer(
        programme=programme,
        name="APBD",
        payer_type="province",
        payer_name="Provinsi NTT",
        funding_source="APBD",
        headcount=100_000,
    )
    run = SelectionRun.objects.create(programme=programme, status="approved")
    RunQuota.objects.bulk_create(
        RunQuota(
            run=run,
            cohort=cohort,
            regency=regency,
            initial_quota=4545,
            quota=4545,
            rank_from=0,
            rank_to=4545,
            eligible=0,
        )
        for regency in Regency.objects.filter(province_id="53")
    )
    _RUN.update(programme=programme.pk, cohort=cohort.pk, run=run.pk)


def _timings(call, times: int) -> list[float]:
    results = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        results.append((time.perf_counter() - started) * 1000)
    return results


def _row(name: str, timings: list[float]) -> dict:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "what": name,
        "requests": len(timings),
        "p50 ms": statistics.median(ordered),
        "p95 ms": p95,
    }


def main() -> None:
    args = parse_args("Dashboard pages at scale", default_rows=1_000_000)
    vendor = setup_django("dashboard", postgres=args.postgres)
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.core.roles import Role
    from lindungi.regions.services import load_regions
    from lindungi.registry.search import PeopleSearch, people_page, search_people
    from lindungi.reports import coverage
    from lindungi.reports.models import PeopleSummary
    from lindungi.reports.services import (
        _people_rows,
        _programme_rows,
        _rebuild_people,
        refresh_after,
        refresh_summaries,
    )

    load_regions(province_codes=["53"])
    _programme()
    with measure() as fill:
        _fill(args.rows, vendor)
    with measure() as refresh:
        result = refresh_summaries()
    officer = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    alor = User.objects.create(username="alor", role=Role.REGENCY_OFFICER, regency_id="53.05")
    province, regency, anonymous = (Client(HTTP_HOST="localhost") for _ in range(3))
    province.force_login(officer)
    regency.force_login(alor)

    def get(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    # Warm-up: templates compiled, connections open, as in a running server.
    for client, url in ((province, "/reports/"), (regency, "/reports/kabupaten/53.05/")):
        get(client, url)()
    get(anonymous, "/reports/publik/")()
    get(province, "/reports/peta/batas.json")()
    today = timezone.localdate()

    def live():
        _people_rows(today)
        _programme_rows()
        coverage.monthly_headcounts()

    second_page = "/reports/kabupaten/53.05/?after=" + str(
        people_page(
            search_people(user=alor, search=PeopleSearch(regency="53.05")), after=None
        ).next_after
    )
    pages = [
        ("province dashboard /reports/", province, "/reports/"),
        ("regency dashboard (Alor officer)", regency, "/reports/kabupaten/53.05/"),
        ("regency dashboard, 2nd page of people", regency, second_page),
        ("map boundaries /reports/peta/batas.json", province, "/reports/peta/batas.json"),
        ("public page /reports/publik/", anonymous, "/reports/publik/"),
    ]
    rows = []
    for name, client, url in pages:
        row = _row(name, _timings(get(client, url), REQUESTS))
        row["KB"] = len(client.get(url).content) / 1024
        rows.append(row)
    # Proposed to the registry (not in its migrations yet): an index in the people list's
    # order, so a page is an index range instead of sorting the regency's ~45,000 rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX bench_person_regency_nik ON registry_person (regency_id, nik)")
        cursor.execute("ANALYZE registry_person")
    for name, client, url in pages[1:3]:
        row = _row(f"{name}, with a (regency, nik) index", _timings(get(client, url), REQUESTS))
        row["KB"] = len(client.get(url).content) / 1024
        rows.append(row)
    baseline = _row("baseline: same aggregates live, no summary", _timings(live, 3))
    rows.append({**baseline, "KB": None})

    def orm_people():
        # The former refresh of the people summary: grouped rows into Python, then bulk_create.
        with transaction.atomic():
            objects = _people_rows(today)
            PeopleSummary.objects.all().delete()
            PeopleSummary.objects.bulk_create(objects, batch_size=2000)

    refreshes = [
        _row("refresh_summaries() (everything)", _timings(refresh_summaries, 3)),
        _row(
            "refresh_after('registry.import', regency='53.05')",
            _timings(lambda: refresh_after("registry.import", regency="53.05"), 3),
        ),
        _row(
            "refresh_after('programs.approval')",
            _timings(lambda: refresh_after("programs.approval"), 3),
        ),
        _row(
            "refresh_after('enrollment.exit')",
            _timings(lambda: refresh_after("enrollment.exit"), 3),
        ),
        _row(
            "people summary by INSERT ... SELECT",
            _timings(lambda: transaction.atomic(_rebuild_people)(today), 3),
        ),
        _row("baseline: people summary via ORM objects + bulk_create", _timings(orm_people, 3)),
    ]
    print(
        f"\n{args.rows:,} candidates, {result.people_rows:,} people-summary rows; "
        f"fill {fill.seconds:.1f} s, refresh_summaries {refresh.seconds:.1f} s "
        f"(peak {refresh.peak_rss_mb:.0f} MB)"
    )
    print_table(f"Dashboard pages ({vendor}, {args.rows:,} candidates)", rows)
    print_table(f"Summary refreshes ({vendor}, {args.rows:,} candidates)", refreshes)


if __name__ == "__main__":
    main()
