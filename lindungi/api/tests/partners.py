"""A small world for the partner endpoints (issue 16.1/16.2): two regencies (Alor 53.05 and
Timor Tengah Utara 53.03) with imports and their rejects, insurer files, an invoice, a
statement, claims and heirs; built through the services where they are cheap."""

import datetime
import io
from dataclasses import dataclass

from rest_framework.test import APIClient

from lindungi.benefits.models import Claim, ClaimImport, ClaimItem, Heir, RejectedClaimRow
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Invoice, StatementImport
from lindungi.contributions.reconciliation import import_statement, read_statement
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.enrollment.models import (
    ExitImport,
    RejectedExitRow,
    RejectedResponseRow,
    ResponseImport,
    SubmissionBatch,
)
from lindungi.programs.tests.factories import ProgrammeFactory, SharedCohortFactory

ALOR, TTU = "53.05", "53.03"
TTU_VILLAGE = "53.03.01.2005"
AUGUST = Month(2025, 8)


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@dataclass
class World:
    alor: list
    ttu: list
    invoice: Invoice
    statement: StatementImport
    alor_claim: Claim
    ttu_claim: Claim

    def niks(self, enrollments) -> set[str]:
        return {enrollment.person.nik for enrollment in enrollments}


def _claim(enrollment, number: str) -> Claim:
    claim = Claim.objects.create(
        number=number,
        source="insurer_file",
        person=enrollment.person,
        regency_id=enrollment.regency_id,
        kpj=enrollment.kpj,
        kind="jkm_death",
        consequence="death",
        incident_date=datetime.date(2025, 9, 14),
    )
    ClaimItem.objects.create(
        claim=claim, item="funeral", claimed_amount=10_000_000, paid_amount=10_000_000
    )
    Heir.objects.create(claim=claim, position=1, name=f"AHLI WARIS {number}", relation="spouse")
    return claim


def build_world(officer) -> World:
    programme = ProgrammeFactory()
    cohort = SharedCohortFactory(programme=programme)  # the province, and Alor for half
    alor = [enroll(cohort), enroll(cohort)]
    ttu = [enroll(cohort, village=TTU_VILLAGE)]
    invoices = bill_month(user=officer, programme=programme, month=AUGUST).created
    invoice = next(invoice for invoice in invoices if invoice.payer.regency_id is None)
    text = (
        "KPJ;NIK;Iuran;Periode\n"
        f"{alor[0].kpj};;16800;2025-08\n"
        f"{ttu[0].kpj};;8400;2025-08\n"
        "99999999999;;16800;2025-08\n"
    )
    statement = import_statement(
        programme=programme,
        month=AUGUST,
        statement_file=read_statement(io.BytesIO(text.encode())),
        file_name="agustus.csv",
        user=officer,
    )
    # Insurer files with a rejected row each, in both regencies where they are regional.
    batch = SubmissionBatch.objects.create(
        number="B-2025-001", programme=programme, start_date=datetime.date(2025, 7, 18)
    )
    response = ResponseImport.objects.create(
        batch=batch, file_name="jawaban.csv", file_sha256="0" * 64, rows_read=1, rows_rejected=1
    )
    RejectedResponseRow.objects.create(
        response=response, row_number=2, original={"NIK": ttu[0].person.nik}, message="?",
        nik=ttu[0].person.nik, reason="nik_not_in_batch",
    )  # fmt: skip
    for regency, enrollment in ((ALOR, alor[0]), (TTU, ttu[0])):
        exits = ExitImport.objects.create(
            file_name=f"keluar-{regency}.csv", file_sha256=regency * 8, regency_id=regency,
            rows_read=1, rows_rejected=1,
        )  # fmt: skip
        RejectedExitRow.objects.create(
            exit_import=exits, row_number=2, original={"NIK": enrollment.person.nik},
            message="?", nik=enrollment.person.nik, reason="reason_invalid",
        )  # fmt: skip
    claims = ClaimImport.objects.create(
        file_name="klaim.csv", file_sha256="1" * 64, created_by=officer, rows_read=1,
        rows_rejected=1,
    )  # fmt: skip
    RejectedClaimRow.objects.create(
        claim_import=claims, row_number=2, original={"NIK": ttu[0].person.nik}, message="?",
        nik=ttu[0].person.nik, reason="person_unknown",
    )  # fmt: skip
    return World(
        alor=alor,
        ttu=ttu,
        invoice=invoice,
        statement=statement,
        alor_claim=_claim(alor[0], "KLM-ALOR"),
        ttu_claim=_claim(ttu[0], "KLM-TTU"),
    )
