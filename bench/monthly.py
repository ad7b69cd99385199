"""The monthly work at size: payments, exits with replacements, lapses, the invoice PDF and
cover sheet, and the monthly report page, each next to a baseline measured in the same run.

    .venv/bin/python -m bench.monthly [--postgres] [--rows 100000] [--exits 10000]
    .venv/bin/python -m bench.monthly [--postgres] --rows 1000000 --only report

`--rows` people are enrolled (active from 18 July 2025) through an approved selection run that
also waitlists 1.5 x `--exits` more, and billed July to November 2025 (not measured). Then:

- payments: `record_payment` of half the July invoice (100,000 detail rows), then of the rest
  (it settles), the invoice page and PDF; floor: one plain Payment INSERT;
- documents: the invoice PDF (reads the per-regency lines, never the detail) and the
  submission batch's cover sheet PDF of `--rows` people, with their query counts; floor: a
  one-paragraph reportlab PDF;
- report: the monthly report page (HTML, PDF, XLSX) after `refresh_summaries`; baseline: the
  same figures counted live from the enrollments and the invoice detail;
- exits: `import_exits` of `--exits` rows (deaths and moves), each freed place replaced from
  the waitlist, then the same file again; baseline: `record_exit` per row on a sample of 200,
  extrapolated;
- lapses: July is paid, August to November are not: `assess_standing` flags everyone lapsed,
  `run_lapses` ends their places; baselines: the plain INSERT .. SELECT / UPDATE of the same
  rows (floor), and `change_state` per place on a sample of 200, extrapolated.

Baselines that write are rolled back. Benchmarks print; they never fail a build.
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import measure, print_table, settle, setup_django

PARTS = ("payments", "documents", "report", "exits", "lapses")
SAMPLE = 200
START = date(2025, 7, 18)


class Rollback(Exception):
    pass


def rolled_back(function):
    """Run `function` in a transaction that is rolled back; return what it returned."""
    from django.db import transaction

    result = []
    try:
        with transaction.atomic():
            result.append(function())
            raise Rollback
    except Rollback:
        pass
    return result[0]


def fill(rows: int, waitlisted: int) -> dict:
    """People, an approved run (selected + waitlisted decisions) and active enrollments, in
    three set-based statements (as bench.dashboard)."""
    from django.db import connection, transaction

    from lindungi.programs.models import Cohort, Programme, RunQuota, SelectionRun
    from lindungi.regions.models import Regency

    programme = Programme.objects.create(
        name="Bench monthly 2025",
        province_id="53",
        year=2025,
        coverage_start=START,
        coverage_end=date(2025, 12, 31),
        target_headcount=rows,
        status="active",
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name="APBD",
        payer_type="province",
        payer_name="Provinsi NTT",
        funding_source="APBD",
        headcount=rows,
    )
    run = SelectionRun.objects.create(programme=programme, status="approved")
    regencies = list(Regency.objects.filter(province_id="53"))
    RunQuota.objects.bulk_create(
        RunQuota(
            run=run,
            cohort=cohort,
            regency=regency,
            initial_quota=rows // len(regencies),
            quota=rows // len(regencies),
            rank_from=0,
            rank_to=rows // len(regencies),
            eligible=0,
        )
        for regency in regencies
    )
    postgres = connection.vendor == "postgresql"
    if postgres:
        counter, prefix = "SELECT generate_series(1, %s) AS n", ""
        pad16, kpj = "lpad(n::text, 16, '0')", "lpad(d.person_id::text, 11, '0')"
        birth, now, true = "DATE '1960-01-01' + (n %% 16000)", "now()", "TRUE"
    else:
        counter, prefix = "SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < %s", "RECURSIVE "
        pad16, kpj = "printf('%%016d', n)", "printf('%%011d', d.person_id)"
        birth = "date('1960-01-01', '+' || (n %% 16000) || ' days')"
        now, true = "CURRENT_TIMESTAMP", "1"
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
                v.regency_id, '', 'Petani', '', 1 + n %% 4, 'poor', '', {now}, {now}
            FROM seq, total JOIN v ON 1 = 1 WHERE v.i = seq.n %% total.c
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [rows + waitlisted],
        )
        cursor.execute("SELECT MIN(id) FROM registry_person")
        first_id, everyone = cursor.fetchone()[0], rows + waitlisted
        # Exactly `waitlisted` people spread evenly over the villages (and so the regencies):
        # person r (from 0) waits when floor((r + 1) W / N) > floor(r W / N).
        waits = f"((p.id - {int(first_id)} + 1) * {int(waitlisted)}) / {int(everyone)}"
        waits += f" > ((p.id - {int(first_id)}) * {int(waitlisted)}) / {int(everyone)}"
        cursor.execute(
            f"""
            INSERT INTO programs_decision (run_id, person_id, nik, kk_number, regency_id, desil,
                poverty_label, birth_date, age, reasons, household_first, tie_break, rank,
                outcome, cohort_id)
            SELECT %s, p.id, p.nik, p.kk_number, p.regency_id, p.desil, p.poverty_label,
                p.birth_date, 40, 0, {true}, p.id, p.id,
                CASE WHEN {waits} THEN 'waitlisted' ELSE 'selected' END,
                CASE WHEN {waits} THEN NULL ELSE %s END
            FROM registry_person p
            """,  # noqa: S608 - only integers and constant SQL fragments are interpolated
            [run.pk, cohort.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO enrollment_enrollment (person_id, programme_id, cohort_id, regency_id,
                decision_id, state, kpj, start_date, end_reason, rejection_reason,
                created_at, updated_at)
            SELECT d.person_id, %s, %s, d.regency_id, d.id, 'active', {kpj}, %s, '', '',
                {now}, {now}
            FROM programs_decision d WHERE d.outcome = 'selected'
            """,  # noqa: S608 - only constant SQL fragments are interpolated
            [programme.pk, cohort.pk, START],
        )
        cursor.execute("ANALYZE")
    return {"programme": programme, "cohort": cohort}


def row(step: str, measured, rows: int | None = None, **extra) -> dict:
    return {
        "step": step,
        "rows": rows,
        "seconds": measured.seconds,
        "cpu s": measured.cpu_seconds,
        "peak MB": measured.peak_rss_mb,
        **extra,
    }


def estimate(step: str, seconds: float, rows: int) -> dict:
    return {"step": step, "rows": rows, "seconds": seconds, "cpu s": None, "peak MB": None}


def queries(function) -> tuple[object, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured.captured_queries)


def requests(client, url: str, times: int) -> dict:
    """p50/p95 of `times` GETs of `url` (after one warm-up) and the size of the answer."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = len(b"".join(response.streaming_content) if response.streaming else response.content)
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "p50 s": statistics.median(timings),
        "p95 s": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "KB": size / 1024,
    }


# --- payments ---------------------------------------------------------------------------


def bench_payments(context: dict) -> list[dict]:
    from lindungi.contributions.models import Invoice, Payment
    from lindungi.contributions.payments import balances, record_payment

    invoice, user = context["july"], context["user"]
    details = context["july_details"]

    def plain_payment():
        return Payment.objects.create(
            invoice=invoice, source="bank", paid_on=date(2025, 8, 10), amount=1, recorded_by=user
        )

    with measure() as floor:
        rolled_back(plain_payment)
    half = invoice.total // 2
    with measure() as first:
        record_payment(
            invoice=invoice, paid_on=date(2025, 8, 10), amount=half, bank_reference="B-1", user=user
        )
    with measure() as second:
        record_payment(
            invoice=invoice,
            paid_on=date(2025, 8, 12),
            amount=invoice.total - half,
            bank_reference="B-2",
            user=user,
        )
    settled = balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk]
    assert settled.is_paid and settled.outstanding == 0, settled
    client = context["client"]
    page = requests(client, f"/contributions/tagihan/{invoice.pk}/", 5)
    pdf = requests(client, f"/contributions/tagihan/{invoice.pk}/pdf/", 5)
    return [
        row("floor: one plain Payment INSERT (rolled back)", floor, 1),
        row(f"record_payment, half of an invoice of {details:,} people", first, details),
        row("record_payment, the rest (settles it)", second, details),
        {
            "step": "invoice page after settling (p50 of 5)",
            "rows": details,
            "seconds": page["p50 s"],
        },
        {"step": "invoice PDF page (p50 of 5)", "rows": details, "seconds": pdf["p50 s"]},
    ]


# --- documents --------------------------------------------------------------------------


def bench_documents(context: dict) -> list[dict]:
    from django.db.models import Count
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from lindungi.contributions.documents import invoice_pdf
    from lindungi.enrollment.batches import write_cover_pdf
    from lindungi.enrollment.models import Enrollment, SubmissionBatch

    invoice, programme = context["july"], context["programme"]
    totals = dict(
        Enrollment.objects.filter(programme=programme)
        .values("regency_id")
        .annotate(people=Count("id"))
        .values_list("regency_id", "people")
    )
    batch = SubmissionBatch.objects.create(
        number="BENCH-0001",
        programme=programme,
        start_date=START,
        file_name="bench.csv",
        checksum="0" * 64,
        people=sum(totals.values()),
        regency_totals=totals,
        monthly_contribution=invoice.total,
    )

    def floor_pdf():
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer).build([Paragraph("Lindungi", getSampleStyleSheet()["Normal"])])
        return buffer.getvalue()

    with measure() as floor:
        floor_pdf()
    with measure() as invoice_run:
        document, invoice_queries = queries(lambda: invoice_pdf(invoice, invoice.lines.all()))
    cover = io.BytesIO()
    with measure() as cover_run:
        _none, cover_queries = queries(lambda: write_cover_pdf(batch, cover))
    people = context["july_details"]
    return [
        row("floor: a one-paragraph reportlab PDF", floor, None),
        row(
            f"invoice PDF, {people:,} people ({invoice_queries} queries,"
            f" {len(document) / 1024:.0f} KB)",
            invoice_run,
            people,
        ),
        row(
            f"batch cover sheet PDF, {batch.people:,} people ({cover_queries} queries,"
            f" {len(cover.getvalue()) / 1024:.0f} KB)",
            cover_run,
            batch.people,
        ),
    ]


# --- the monthly report -----------------------------------------------------------------


def bench_report(context: dict) -> list[dict]:
    from django.db import connection

    from lindungi.contributions.models import Invoice, InvoiceDetail
    from lindungi.contributions.policy import policy_for
    from lindungi.core.dates import Month
    from lindungi.core.sql import table
    from lindungi.enrollment.coverage import covered_in_sql
    from lindungi.enrollment.models import Enrollment
    from lindungi.reports.services import refresh_summaries

    programme, client = context["programme"], context["client"]
    with measure() as refresh:
        refresh_summaries()
    month = Month(2025, 8)
    coverage = covered_in_sql(month, policy_for(programme).month_rule)

    def live():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.regency_id, COUNT(*) FROM {table(Enrollment)} e"  # noqa: S608
                f" WHERE e.programme_id = %s AND {coverage.sql} GROUP BY e.regency_id",
                [programme.pk, *coverage.params],
            )
            cursor.fetchall()
            cursor.execute(
                f"SELECT d.regency_id, SUM(d.sign * (d.jkk + d.jkm + d.jht))"  # noqa: S608
                f" FROM {table(InvoiceDetail)} d JOIN {table(Invoice)} i ON i.id = d.invoice_id"
                " WHERE i.programme_id = %s AND i.month = %s GROUP BY d.regency_id",
                [programme.pk, month.first_day],
            )
            cursor.fetchall()

    with measure() as baseline:
        live()
    url = f"/reports/bulanan/?programme={programme.pk}&month=2025-08"
    rows = [
        row("refresh_summaries() (after billing; not per request)", refresh, context["rows"]),
        row(
            "baseline: the report's figures counted live (no summaries)", baseline, context["rows"]
        ),
    ]
    for name, suffix in (("page", ""), ("PDF", "&format=pdf"), ("XLSX", "&format=xlsx")):
        figures = requests(client, url + suffix, 10)
        rows.append(
            {
                "step": f"monthly report {name} (p50 of 10; p95 {figures['p95 s']:.3f} s,"
                f" {figures['KB']:.0f} KB)",
                "rows": context["rows"],
                "seconds": figures["p50 s"],
            }
        )
    return rows


# --- exits ------------------------------------------------------------------------------


def bench_exits(context: dict, exits: int) -> list[dict]:
    from lindungi.core.dates import local_today
    from lindungi.enrollment.choices import EnrollmentState, ExitReason, ReplacementMode
    from lindungi.enrollment.exits import import_exits
    from lindungi.enrollment.models import Enrollment, ReplacementPolicy
    from lindungi.enrollment.services import record_exit

    programme, user = context["programme"], context["user"]
    ReplacementPolicy.objects.create(
        programme=programme,
        cutoff_date=local_today() + timedelta(days=365),
        mode=ReplacementMode.AUTOMATIC,
    )
    active = Enrollment.objects.filter(programme=programme, state=EnrollmentState.ACTIVE)
    step = max(context["rows"] // (exits + SAMPLE), 1)
    chosen = list(active.order_by("pk").values_list("pk", "person__nik")[::step])
    leaving, sample = chosen[:exits], chosen[exits : exits + SAMPLE]
    ended_on = date(2025, 9, 30)
    content = "NIK,ALASAN,TANGGAL\n" + "".join(
        f"{nik},{'meninggal' if index % 4 == 0 else 'pindah'},{ended_on.isoformat()}\n"
        for index, (_pk, nik) in enumerate(leaving)
    )

    def per_row():
        for pk, _nik in sample:
            record_exit(
                user=user,
                enrollment=Enrollment.objects.get(pk=pk),
                reason=ExitReason.MOVED,
                ended_on=ended_on,
            )
        return len(sample)

    with measure() as baseline:
        sampled = rolled_back(per_row)
    settle()
    with measure() as first:
        result = import_exits(user=user, file_name="exits.csv", content=content.encode())
    settle()
    with measure() as again:
        repeat = import_exits(user=user, file_name="exits.csv", content=content.encode())
    assert repeat.rows_ended == 0, "the same exits again ended something"
    return [
        row(f"baseline: record_exit per row on {sampled}", baseline, sampled),
        estimate("baseline extrapolated to the file", baseline.seconds / sampled * exits, exits),
        row(
            f"import_exits: {result.rows_ended:,} ended, {result.replacements:,} replaced,"
            f" {result.rows_rejected:,} rejected",
            first,
            result.rows_read,
        ),
        row(f"the same file again ({repeat.rows_unchanged:,} unchanged)", again, repeat.rows_read),
    ]


# --- lapses -----------------------------------------------------------------------------


def bench_lapses(context: dict) -> list[dict]:
    from django.db import connection

    from lindungi.contributions.due_dates import due_date
    from lindungi.contributions.lapses import run_lapses
    from lindungi.contributions.models import EnrollmentStanding
    from lindungi.contributions.payments import assess_standing
    from lindungi.core.dates import Month
    from lindungi.core.sql import table
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import Enrollment
    from lindungi.enrollment.services import change_state

    programme, user = context["programme"], context["user"]
    as_of = due_date(Month(2025, 11)) + timedelta(days=1)
    enrollment = table(Enrollment)

    def floor_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table(EnrollmentStanding)} (enrollment_id, regency_id, standing,"  # noqa: S608
                " unpaid_months, unpaid_since, assessed_on) SELECT id, regency_id, 'lapsed', 4,"
                f" %s, %s FROM {enrollment} WHERE programme_id = %s AND state = 'active'",
                [date(2025, 8, 1), as_of, programme.pk],
            )
            return cursor.rowcount

    def floor_update():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {enrollment} SET state = 'ended', end_reason = 'lapsed',"  # noqa: S608
                " ended_on = %s, end_date = %s WHERE programme_id = %s AND state = 'active'",
                [date(2025, 7, 31), date(2025, 7, 31), programme.pk],
            )
            return cursor.rowcount

    def per_row():
        places = Enrollment.objects.filter(programme=programme, state=EnrollmentState.ACTIVE)
        for place in places.order_by("pk")[:SAMPLE]:
            change_state(
                user=user,
                enrollment=place,
                to_state=EnrollmentState.ENDED,
                on=date(2025, 7, 31),
                reason="lapsed",
            )
        return SAMPLE

    with measure() as floor_flag:
        flagged = rolled_back(floor_insert)
    with measure() as floor_end:
        rolled_back(floor_update)
    with measure() as baseline:
        rolled_back(per_row)
    settle()
    with measure() as assessed:
        standing = assess_standing(programme=programme, as_of=as_of, user=user)
    settle()
    with measure() as lapsed:
        result = run_lapses(programme=programme, as_of=as_of, user=user)
    settle()
    with measure() as again:
        repeat = run_lapses(programme=programme, as_of=as_of, user=user)
    assert repeat.ended == 0, "the lapse rule again ended something"
    return [
        row("floor: plain INSERT .. SELECT of the standing rows", floor_flag, flagged),
        row("floor: plain UPDATE ending the same places", floor_end, flagged),
        row(f"baseline: change_state per place on {SAMPLE}", baseline, SAMPLE),
        estimate(
            "baseline extrapolated to every place", baseline.seconds / SAMPLE * flagged, flagged
        ),
        row(
            f"assess_standing ({standing.lapsed:,} lapsed, {standing.at_risk:,} at risk)",
            assessed,
            standing.lapsed + standing.at_risk,
        ),
        row(f"run_lapses (assess + end {result.ended:,} places)", lapsed, result.ended),
        row("run_lapses again (ends nothing)", again, repeat.ended),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rows", type=int, default=100_000, help="people enrolled")
    parser.add_argument("--exits", type=int, default=10_000, help="rows of the exits file")
    parser.add_argument("--only", default=",".join(PARTS), help=f"any of {','.join(PARTS)}")
    args = parser.parse_args()
    parts = [part for part in args.only.split(",") if part]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    vendor = setup_django("monthly", postgres=args.postgres)
    from django.test import Client

    from lindungi.accounts.models import User
    from lindungi.contributions.billing import bill_month
    from lindungi.contributions.models import InvoiceDetail
    from lindungi.core.dates import Month
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", is_superuser=True, is_staff=True)
    with measure() as loading:
        context = fill(args.rows, max(args.exits * 3 // 2, 100))
    months = [Month(2025, 7), Month(2025, 8)]
    if {"exits", "lapses"} & set(parts):
        months += [Month(2025, 9), Month(2025, 10), Month(2025, 11)]
    with measure() as billing:
        invoices = [
            bill_month(programme=context["programme"], month=month, user=user).created[0]
            for month in months
        ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    context.update(
        rows=args.rows,
        user=user,
        client=client,
        july=invoices[0],
        july_details=InvoiceDetail.objects.filter(invoice=invoices[0]).count(),
    )
    print(
        f"setup: {args.rows:,} enrolled in {loading.seconds:.1f} s; billed"
        f" {', '.join(str(month) for month in months)} in {billing.seconds:.1f} s",
        flush=True,
    )
    if "lapses" in parts and "payments" not in parts:
        parts.insert(0, "payments")  # the lapse rule needs July paid
    order = [
        part for part in ("payments", "documents", "report", "exits", "lapses") if part in parts
    ]
    for part in order:
        settle()
        if part == "payments":
            rows = bench_payments(context)
        elif part == "documents":
            rows = bench_documents(context)
        elif part == "report":
            rows = bench_report(context)
        elif part == "exits":
            rows = bench_exits(context, args.exits)
        else:
            rows = bench_lapses(context)
        print_table(f"{part} ({vendor}, {args.rows:,} enrolled)", rows)
        print(f"load average: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
