"""Fuzzing the insurer statement import (issue 12): no crash, every row read becomes a line,
nothing half-written."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.contributions.models import StatementLine, StatementRejectedRow
from lindungi.contributions.reconciliation import import_statement
from lindungi.contributions.statement_file import read_statement
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.tests.fuzzing import FUZZ, csv_file, fingerprint

pytestmark = pytest.mark.django_db

STATEMENT = {
    "KPJ": st.from_regex(r"\A[0-9]{11}\Z"),
    "NIK": st.from_regex(r"\A53[0-9]{14}\Z"),
    "Iuran": st.sampled_from(["16800", "16.800", "Rp16.800", "8400", "-16800"]),
    "Periode": st.sampled_from(["2025-08", "", "2025-09"]),
}


@FUZZ
@given(content=csv_file(STATEMENT))
def test_statement_import_never_crashes_and_accounts_for_every_row(
    programme, cohort, province_officer, content
):
    if not StatementLine.objects.exists():
        enroll(cohort)
    before = fingerprint()
    try:
        statement = import_statement(
            programme=programme, month=Month(2025, 8),
            statement_file=read_statement(io.BytesIO(content)),
            file_name=f"tagihan-{len(content)}.csv", user=province_officer,
        )  # fmt: skip
    except InvalidInput:
        assert fingerprint() == before
        return
    # rows_read = lines from the file + rows rejected (lines without a row number are our billed
    # people the statement left out).
    from_file = StatementLine.objects.filter(statement=statement, row_number__isnull=False)
    assert statement.rows_read == from_file.count() + statement.rows_rejected
    assert StatementRejectedRow.objects.filter(statement=statement).count() == (
        statement.rows_rejected
    )
