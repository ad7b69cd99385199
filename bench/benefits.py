"""Benefits benchmark: import 10,000 insurer claim rows and compute their benefits (<= 2 s).

    .venv/bin/python bench/benefits.py [--rows 10000] [--postgres]

Setup (untimed): people and active enrollments from 18 July 2025 for one claim per living
person, July to November billed and paid. The claim file mixes the real cases: JKM deaths (three
items and heirs), partial disabilities, treatment with transport, temporary incapacity.

Timed: the import (validation, claims, items, heirs, cover verdicts, contribution months,
computed benefits and the JKM deaths recorded with their places ended, all set-based); the
same file again (nothing changes); recomputing every claim's benefits alone. Baseline, in
the same run on the same data: the per-row ORM way (for each row, look the person up, check
coverage and payment, create the claim and item, compute with the rules read for its date),
timed on a sample and extrapolated to all rows.
"""

import os
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.billing import load_enrollments
from bench.harness import measure, parse_args, print_table, settle, setup_django
from bench.selection import load_people

SAMPLE = 300


@contextmanager
def slowest_statements(count: int = 12):
    """With BENCH_PROFILE=1, the block's slowest SQL statements (seconds, text), else nothing."""
    found: list[tuple[float, str]] = []
    if not os.environ.get("BENCH_PROFILE"):
        yield found
        return
    from django.db import connection

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            found.append((time.perf_counter() - started, " ".join(str(sql).split())))

    with connection.execute_wrapper(timed):
        yield found
    found.sort(reverse=True)
    del found[count:]


@contextmanager
def cpu():
    """This process's CPU seconds for the block: on a shared, loaded machine the wall time
    mostly measures the queue for a core (PostgreSQL's own work is not in this figure)."""
    spent = {"seconds": 0.0}
    started = time.process_time()
    try:
        yield spent
    finally:
        spent["seconds"] = time.process_time() - started


HEADER = (
    "NOMOR_KLAIM,NIK,KPJ,JENIS_KLAIM,AKIBAT,TANGGAL_KEJADIAN,STATUS,DASAR_UPAH,PERSEN_CACAT,"
    "BULAN_STMB,MODA_TRANSPORT,MANFAAT,JUMLAH_DIAJUKAN,JUMLAH_DIBAYAR,TANGGAL_BAYAR,AHLI_WARIS"
)
HEIRS = "MARIA|istri|1988-04-02|-; YOHANES|anak|2015-01-20|sd; AGUSTINA|anak|2011-03-02|smp"


def claim_file(people: list[tuple[str, str]], rows: int) -> bytes:
    """`rows` claim rows over the people (one claim each), in the real mix of cases."""
    lines = [HEADER]
    index = 0
    while len(lines) - 1 < rows:
        nik, kpj = people[index]
        day = date(2025, 8, 1) + timedelta(days=index % 90)
        paid = (day + timedelta(days=25)).isoformat()
        head = f"B-{index:06d},{nik},{kpj}"
        case = index % 4
        if case == 0:
            items = [
                ("JKM", "meninggal", "", "", "", "santunan sekaligus", 20_000_000, HEIRS),
                ("JKM", "meninggal", "", "", "", "santunan berkala", 12_000_000, ""),
                ("JKM", "meninggal", "", "", "", "biaya pemakaman", 10_000_000, ""),
            ]
        elif case == 1:
            items = [("JKK", "cacat sebagian", "35", "", "", "cacat sebagian", 28_000_000, "")]
        elif case == 2:
            items = [
                ("JKK", "pengobatan", "", "", "darat", "pengobatan", 2_500_000, ""),
                ("JKK", "pengobatan", "", "", "darat", "transportasi", 600_000, ""),
            ]
        else:
            items = [("JKK", "stmb", "", "3", "", "stmb", 3_000_000, "")]
        for kind, consequence, percent, months, mode, item, amount, heirs in items:
            lines.append(
                f"{head},{kind},{consequence},{day.isoformat()},dibayar,1000000,{percent},"
                f"{months},{mode},{item},{amount},{amount},{paid},{heirs}"
            )
        index += 1
    return "\n".join(lines[: rows + 1]).encode()


def per_row_baseline(content: bytes, user, today: date) -> int:
    """The naive way: for each row, a few queries, a save, and a rule look-up for its date."""
    import csv
    import io

    from lindungi.benefits.calculator import Case, calculate
    from lindungi.benefits.models import Claim, ClaimItem
    from lindungi.benefits.rules import rules_on
    from lindungi.contributions.models import Invoice
    from lindungi.core.dates import Month
    from lindungi.enrollment.models import Enrollment
    from lindungi.registry.models import Person

    reader = csv.DictReader(io.StringIO(content.decode()))
    count = 0
    for row in reader:
        if count == SAMPLE:
            break
        person = Person.objects.get(nik=row["NIK"])
        incident = date.fromisoformat(row["TANGGAL_KEJADIAN"])
        enrollment = Enrollment.objects.filter(person=person, start_date__lte=incident).first()
        paid = Invoice.objects.filter(
            programme_id=enrollment.programme_id, month=Month.of(incident).first_day
        ).exists()
        claim, _created = Claim.objects.get_or_create(
            number="BASE-" + row["NOMOR_KLAIM"],
            defaults={
                "source": "insurer_file",
                "person": person,
                "regency_id": person.regency_id,
                "kind": "jkm_death" if row["JENIS_KLAIM"] == "JKM" else "jkk_accident",
                "consequence": "death",
                "incident_date": incident,
                "enrollment": enrollment,
                "verdict": "covered" if paid else "not_covered",
            },
        )
        result = calculate(Case(kind="jkm", basis=1_000_000, on=incident), rules=rules_on(incident))
        ClaimItem.objects.create(
            claim=claim,
            item="funeral" if count % 2 else "medical",
            child=count,
            paid_amount=int(row["JUMLAH_DIBAYAR"]),
            computed_amount=result.items[0].amount,
        )
        count += 1
    return count


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], default_rows=10_000)
    vendor = setup_django("benefits", postgres=args.postgres)
    from django.db import transaction

    from lindungi.accounts.models import User
    from lindungi.benefits.compute import compute_benefits
    from lindungi.benefits.importing import import_claims
    from lindungi.benefits.models import Claim, ClaimItem
    from lindungi.contributions.billing import bill_month
    from lindungi.contributions.payments import record_payment
    from lindungi.core.dates import Month
    from lindungi.core.roles import Role
    from lindungi.enrollment.models import Enrollment
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.models import Programme
    from lindungi.programs.tests.helpers import cohort_with_payer
    from lindungi.regions.services import load_regions

    load_regions(province_codes=["53"])
    user = User.objects.create(username="bench", role=Role.PROVINCE_OFFICER)
    people_needed = args.rows * 3 // 5 + 10  # 1.75 rows per claim on average
    with measure() as loading:
        load_people(people_needed)
        programme = Programme.objects.create(
            name="NTT 2025 (bench)",
            province_id="53",
            year=2025,
            coverage_start=date(2025, 7, 18),
            coverage_end=date(2025, 12, 31),
            target_headcount=people_needed,
        )
        cohort = cohort_with_payer(
            programme=programme,
            name="APBD Provinsi",
            payer_type=PayerType.PROVINCE,
            payer_name="Pemerintah Provinsi NTT",
            funding_source=FundingSource.APBD,
            headcount=people_needed,
        )
        load_enrollments(programme.pk, cohort.pk)
        month = Month(2025, 7)
        while month.first_day <= date(2025, 11, 1):
            for invoice in bill_month(programme=programme, month=month, user=user).created:
                record_payment(
                    invoice=invoice,
                    paid_on=month.first_day.replace(day=10),
                    amount=invoice.total,
                    bank_reference=f"B-{invoice.number}",
                    user=user,
                )
            month = month.next()
        # The living: the generated registry has 1% people recorded deceased in 2024, whose
        # places billing ended (issue 19); a claim names someone who was covered.
        people = list(
            Enrollment.objects.filter(state="active", person__died_on__isnull=True)
            .order_by("pk")
            .values_list("person__nik", "kpj")[:people_needed]
        )
        content = claim_file(people, args.rows)
    today = date(2025, 12, 20)

    settle()
    with measure() as first, cpu() as first_cpu, slowest_statements() as slowest:
        result = import_claims(user=user, file_name="claims.csv", content=content, today=today)
    settle()
    for seconds, sql in slowest:
        print(f"{seconds:7.3f} s  {sql[:160]}")
    with measure() as again, cpu() as again_cpu:
        repeat = import_claims(user=user, file_name="claims.csv", content=content, today=today)
    settle()
    with measure() as recompute, cpu() as recompute_cpu, transaction.atomic():
        written = compute_benefits(Claim.objects.all())
    settle()
    with measure() as baseline, cpu() as baseline_cpu:
        try:
            with transaction.atomic():
                sampled = per_row_baseline(content, user, today)
                raise RuntimeError("roll back the baseline")
        except RuntimeError:
            pass
    per_row_total = baseline.seconds / max(sampled, 1) * args.rows
    claims = Claim.objects.count()
    print_table(
        f"Importing {args.rows:,} insurer claim rows and computing their benefits ({vendor})",
        [
            {
                "step": "setup: people, enrollments, 5 months billed and paid",
                "seconds": loading.seconds,
                "cpu s": None,
                "rows": people_needed,
                "peak MB": loading.peak_rss_mb,
            },
            {
                "step": f"baseline: per-row ORM on {sampled:,} rows",
                "seconds": baseline.seconds,
                "cpu s": baseline_cpu["seconds"],
                "rows": sampled,
                "peak MB": baseline.peak_rss_mb,
            },
            {
                "step": "baseline extrapolated to all rows",
                "seconds": per_row_total,
                "cpu s": baseline_cpu["seconds"] / max(sampled, 1) * args.rows,
                "rows": args.rows,
                "peak MB": None,
            },
            {
                "step": f"import_claims ({claims:,} claims, verdicts, benefits)",
                "seconds": first.seconds,
                "cpu s": first_cpu["seconds"],
                "rows": result.rows_read,
                "peak MB": first.peak_rss_mb,
            },
            {
                "step": "import_claims again (nothing changes)",
                "seconds": again.seconds,
                "cpu s": again_cpu["seconds"],
                "rows": repeat.rows_unchanged,
                "peak MB": again.peak_rss_mb,
            },
            {
                "step": "compute_benefits for every claim",
                "seconds": recompute.seconds,
                "cpu s": recompute_cpu["seconds"],
                "rows": written,
                "peak MB": recompute.peak_rss_mb,
            },
        ],
    )
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    print(
        f"accepted {result.rows_created:,}, rejected {result.rows_rejected:,}; "
        f"items {ClaimItem.objects.count():,}; per-row / set-based = "
        f"{per_row_total / first.seconds:,.0f}x"
    )


if __name__ == "__main__":
    main()
