"""Fuzzing the insurer response and exit imports (issue 12): no crash, every row accounted
for, nothing half-written."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.core.errors import InvalidInput
from lindungi.core.tests.fuzzing import FUZZ, csv_file, dates, fingerprint
from lindungi.enrollment.batches import make_submission
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.exits import import_exits
from lindungi.enrollment.models import Enrollment, RejectedExitRow, RejectedResponseRow
from lindungi.enrollment.responses import import_insurer_response
from lindungi.enrollment.services import enroll_selected
from lindungi.registry.models import Person

pytestmark = pytest.mark.django_db
START = datetime.date(2025, 7, 18)


@pytest.fixture
def submitted(approved_run, programme, province_officer):
    enroll_selected(run=approved_run, user=province_officer)
    return make_submission(user=province_officer, programme=programme, start_date=START)


def _niks():
    # Evaluated when hypothesis draws, inside the test's transaction.
    return st.builds(lambda: list(Person.objects.values_list("nik", flat=True))).flatmap(
        lambda niks: st.sampled_from(niks or ["5305011503850001"])
    )


RESPONSE = {
    "NIK": _niks(),
    "KPJ": st.from_regex(r"\A[0-9]{11}\Z"),
    "STATUS": st.sampled_from(["diterima", "ditolak", "aktif", "accepted", "DITERIMA"]),
    "ALASAN": st.sampled_from(["", "NIK tidak valid", "Sudah terdaftar"]),
    "TANGGAL_EFEKTIF": st.sampled_from(["2025-07-18", "2025-08-01"]) | dates(),
    "NOMOR_BATCH": st.sampled_from(["", "X-1"]),
}


@FUZZ
@given(content=csv_file(RESPONSE))
def test_response_import_never_crashes_and_accounts_for_every_row(
    submitted, province_officer, content
):
    before = fingerprint()
    try:
        result = import_insurer_response(
            user=province_officer, file_name="jawaban.csv", content=content, batch=submitted
        )
    except InvalidInput:
        assert fingerprint() == before
        return
    assert result.rows_read == (
        result.rows_activated + result.rows_refused + result.rows_unchanged + result.rows_rejected
    )
    assert RejectedResponseRow.objects.filter(response=result).count() == result.rows_rejected


EXITS = {
    "NIK": _niks(),
    "ALASAN": st.sampled_from(["meninggal", "death", "moved", "bosan", "wage_earner"]),
    "TANGGAL": st.sampled_from(["2025-08-03", "20/08/2025", "2025-10-01"]) | dates(),
}


@FUZZ
@given(content=csv_file(EXITS))
def test_exit_import_never_crashes_and_accounts_for_every_row(
    approved_run, province_officer, content
):
    if not Enrollment.objects.exists():
        enroll_selected(run=approved_run, user=province_officer)
        for number, place in enumerate(Enrollment.objects.order_by("pk"), start=1):
            Enrollment.objects.filter(pk=place.pk).update(
                state=EnrollmentState.ACTIVE, kpj=f"{number:011d}", start_date=START
            )
    before = fingerprint()
    try:
        result = import_exits(
            user=province_officer, file_name="keluar.csv", content=content,
            today=datetime.date(2025, 9, 15),
        )  # fmt: skip
    except InvalidInput:
        assert fingerprint() == before
        return
    assert result.rows_read == result.rows_ended + result.rows_unchanged + result.rows_rejected
    assert RejectedExitRow.objects.filter(exit_import=result).count() == result.rows_rejected
