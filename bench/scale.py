"""Does the cost grow linearly? The hot paths at several registry sizes, with the ratio of the
largest size to the smallest (issue 17, point 4: 5,000,000 candidates on PostgreSQL, each
step <= 5.5x its 1,000,000 figure, memory flat).

    .venv/bin/python -m bench.scale --postgres --rows 1000000,5000000
    .venv/bin/python -m bench.scale --postgres --rows 20000,100000      (a quick check)

Each size runs in its own process on its own new database (lindungi_bench_scale_N, dropped at
the end unless --keep), so its peak memory is its own:

1. import: `import_candidates` of a generated candidate CSV of N rows (the generator's file is
   cached under var/bench-cache/, as bench.registry_import does);
2. selection: `run_selection` of a programme whose target is 10% of N (500,000 at 5M);
3. billing: everyone selected becomes an active enrollment (one INSERT .. SELECT, not
   measured), then `bill_month` of July 2025;
4. dashboard: `refresh_summaries()` (measured), then the province dashboard /reports/
   (p50 of 10 requests through the whole Django stack);
5. lookup: the DCI sync search by NIK (p50 of 50 requests), beside the plain SQL lookup.

The table prints each step per size, the ratio last/first and the linear ratio (rows
last/first) times 1.1 as the target. Record `uptime` with the figures: run it on a quiet
machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import POSTGRES_ADMIN_URL, measure, print_table, settle, setup_django

STEPS = (
    ("import", "import_candidates (N rows)"),
    ("selection", "run_selection (target 10% of N)"),
    ("billing", "bill_month, everyone selected"),
    ("refresh", "refresh_summaries (after billing)"),
    ("dashboard", "province dashboard /reports/ (p50)"),
    ("lookup", "DCI search by NIK (p50)"),
    ("lookup_sql", "floor: plain SQL by NIK (p50)"),
)


def _p50(call, times: int) -> float:
    call()  # warm: templates compiled, connection open
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def one_size(rows: int, postgres: bool) -> dict:
    """Every step at one size, in this process; returns the figures."""
    vendor = setup_django(f"scale_{rows}", postgres=postgres)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.registry_import import generate
    from lindungi.accounts.models import User
    from lindungi.api.services import create_api_client
    from lindungi.contributions.billing import bill_month
    from lindungi.core.dates import Month
    from lindungi.core.roles import Role
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.selection import run_selection
    from lindungi.programs.services import add_cohort, create_programme
    from lindungi.regions.services import load_regions
    from lindungi.registry.importing import import_candidates
    from lindungi.reports.services import refresh_summaries

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", is_superuser=True, is_staff=True)
    path = Path(settings.VAR_DIR) / f"candidates_{rows}.csv"
    generator = generate(path, rows)
    figures: dict = {"rows": rows, "vendor": vendor, "generator": generator}

    def record(key: str, measured, **extra) -> None:
        figures[key] = {"seconds": measured.seconds, "peak_mb": measured.peak_rss_mb, **extra}

    settle()
    with measure() as imported:
        result = import_candidates(file=path, file_name=path.name, user=user, source="bench")
    record("import", imported, count=result.rows_accepted)
    path.unlink()

    target = max(rows // 10, 1)
    programme = create_programme(
        user=user,
        name="Scale",
        year=2025,
        coverage_start=date(2025, 7, 18),
        coverage_end=date(2025, 12, 31),
        target_headcount=target,
        province_code="53",
    )
    add_cohort(
        user=user,
        programme=programme,
        name="APBD",
        payer_type=PayerType.PROVINCE,
        payer_name="Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=target,
    )
    settle()
    with measure() as selection:
        summary = run_selection(user=user, programme=programme)
    record("selection", selection, count=summary.selected)

    kpj = "lpad(d.person_id::text, 11, '0')" if postgres else "printf('%%011d', d.person_id)"
    now = "now()" if postgres else "CURRENT_TIMESTAMP"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,"  # noqa: S608
            " decision_id, state, kpj, start_date, end_reason, rejection_reason, created_at,"
            f" updated_at) SELECT d.person_id, %s, d.cohort_id, d.regency_id, d.id, 'active',"
            f" {kpj}, %s, '', '', {now}, {now} FROM programs_decision d"
            " WHERE d.run_id = %s AND d.outcome = 'selected'",
            [programme.pk, programme.coverage_start, summary.run_id],
        )
        cursor.execute("ANALYZE")
    settle()
    with measure() as billing:
        billed = bill_month(programme=programme, month=Month(2025, 7), user=user)
    record("billing", billing, count=sum(invoice.headcount for invoice in billed.created))

    settle()
    with measure() as refresh:
        refresh_summaries()
    record("refresh", refresh)
    officer = User.objects.create(username="officer", role=Role.PROVINCE_OFFICER)
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(officer)

    def dashboard():
        assert browser.get("/reports/").status_code == 200

    with measure() as pages:
        seconds = _p50(dashboard, 10)
    figures["dashboard"] = {"seconds": seconds, "peak_mb": pages.peak_rss_mb}

    admin = User.objects.create(username="bench-admin", role=Role.PROVINCE_ADMIN)
    _client, token = create_api_client(user=admin, name="bench", role="province_officer")
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik FROM registry_person ORDER BY id LIMIT 1 OFFSET %s",
            [result.rows_accepted // 2],
        )
        nik = cursor.fetchone()[0]
    stamp = "2026-03-01T10:00:00+08:00"
    body = json.dumps(
        {
            "header": {"version": "1.0.0", "message_id": "m", "message_ts": stamp,
                       "action": "search", "sender_id": "bench", "total_count": 1},
            "message": {"transaction_id": "t", "search_request": [
                {"reference_id": "r", "timestamp": stamp, "search_criteria": {
                    "query_type": "idtype-value", "query": {"type": "NIK", "value": nik}}}]},
        }
    )  # fmt: skip

    def lookup():
        response = api.post("/api/dci/registry/sync/search", body, "application/json")
        assert response.status_code == 200 and nik in response.content.decode()

    def lookup_sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM registry_person WHERE nik = %s", [nik])
            cursor.fetchall()

    with measure() as lookups:
        seconds = _p50(lookup, 50)
    figures["lookup"] = {"seconds": seconds, "peak_mb": lookups.peak_rss_mb}
    figures["lookup_sql"] = {"seconds": _p50(lookup_sql, 50), "peak_mb": None}
    figures["load"] = os.getloadavg()
    return figures


def drop(rows: int, postgres: bool) -> None:
    if postgres:
        import psycopg

        with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as connection:
            connection.execute(
                f'DROP DATABASE IF EXISTS "lindungi_bench_scale_{rows}" WITH (FORCE)'
            )
    else:
        import shutil

        from bench.harness import ROOT

        shutil.rmtree(ROOT / "var" / "bench" / f"scale_{rows}", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rows", default="1000000,5000000", help="sizes, smallest first")
    parser.add_argument("--keep", action="store_true", help="keep each size's database")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process
    args = parser.parse_args()
    if args.one:
        print("FIGURES " + json.dumps(one_size(args.one, args.postgres)), flush=True)
        return
    sizes = sorted(int(value) for value in args.rows.split(","))
    results = []
    for rows in sizes:
        command = [sys.executable, "-m", "bench.scale", "--one", str(rows)]
        command += ["--postgres"] if args.postgres else []
        print(f"size {rows:,} ...", flush=True)
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent
        )
        if not args.keep:
            drop(rows, args.postgres)
        if done.returncode != 0:
            sys.exit(f"size {rows:,} failed:\n{done.stderr[-4000:]}")
        [line] = [line for line in done.stdout.splitlines() if line.startswith("FIGURES ")]
        results.append(json.loads(line.removeprefix("FIGURES ")))
        print(f"  done; load average {results[-1]['load']}", flush=True)
    first, last = results[0], results[-1]
    linear = last["rows"] / first["rows"]
    table = []
    for key, label in STEPS:
        entry = {"step": label}
        for figures in results:
            entry[f"{figures['rows']:,} s"] = figures[key]["seconds"]
        for figures in results:
            entry[f"{figures['rows']:,} peak MB"] = figures[key]["peak_mb"]
        if len(results) > 1:
            ratio = last[key]["seconds"] / first[key]["seconds"] if first[key]["seconds"] else 0
            entry["ratio"] = ratio
            # Per-row work should grow at most linearly; requests should not grow at all.
            entry["target"] = f"<= {linear * 1.1:.1f}x"
            entry["ok"] = "yes" if ratio <= linear * 1.1 else "NO"
        table.append(entry)
    vendor = results[0]["vendor"]
    sizes_label = " / ".join(f"{figures['rows']:,}" for figures in results)
    print_table(f"Scale ({vendor}): {sizes_label} candidates", table)
    for figures in results:
        counts = ", ".join(
            f"{key} {figures[key]['count']:,}" for key in ("import", "selection", "billing")
        )
        print(f"{figures['rows']:,}: {counts}; generator {figures['generator']}")
    print(f"load average at the end: {os.getloadavg()} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
