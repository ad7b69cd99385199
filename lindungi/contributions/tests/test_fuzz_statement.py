"""Fuzzing the insurer statement import (issue 12): no crash, every row read becomes a line,
nothing half-written."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.contributions.models import StatementLine
from lindungi.contributions.reconciliation import import_statement, read_statement
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
def test_statement_import_never_crashes_and_keeps_every_row(
    programme, cohort, province_officer, content
):
    if not StatementLine.objects.exists():
        enroll(cohort)
    before = fingerprint()
    try:
        rows, _month = read_statement(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig"))
        statement = import_statement(
            programme=programme, month=Month(2025, 8), rows=rows, file_name="tagihan.csv",
            user=province_officer,
        )  # fmt: skip
    except (InvalidInput, UnicodeDecodeError):
        assert fingerprint() == before
        return
    # Every row of the file is a line (lines without a row number are our billed people the
    # statement left out).
    from_file = StatementLine.objects.filter(statement=statement, row_number__isnull=False)
    assert sorted(from_file.values_list("row_number", flat=True)) == sorted(
        row.row_number for row in rows
    )
