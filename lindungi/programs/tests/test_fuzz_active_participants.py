"""Fuzzing the import of the insurer's active participants (issue 12): no crash, every row
accounted for, nothing half-written."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.core.errors import InvalidInput
from lindungi.core.tests.fuzzing import FUZZ, csv_file, fingerprint
from lindungi.programs.active_list import import_active_participants

pytestmark = pytest.mark.django_db

PARTICIPANTS = {
    "nik": st.from_regex(r"\A53[0-9]{14}\Z"),
    "kpj": st.from_regex(r"\A[0-9]{11}\Z"),
    "segment": st.sampled_from(["PU", "BPU", "pu", ""]),
}


@FUZZ
@given(content=csv_file(PARTICIPANTS))
def test_active_participant_import_never_crashes_and_accounts_for_every_row(
    province_officer, content
):
    before = fingerprint()
    try:
        result = import_active_participants(
            user=province_officer, file_name="aktif.csv", content=content
        )
    except InvalidInput:
        assert fingerprint() == before
        return
    assert result.rows_read == result.rows_accepted + result.rows_repeated + result.rows_rejected
