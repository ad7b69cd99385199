"""Fuzzing the candidate import (issue 12): no crash, every row accounted for, nothing
half-written."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.core.errors import InvalidInput
from lindungi.core.tests.fuzzing import FUZZ, csv_file, dates, fingerprint
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import RejectedRow
from lindungi.registry.tests.helpers import candidate

pytestmark = pytest.mark.django_db

GOOD = [candidate(serial, prefix="530501") for serial in range(1, 4)]  # no database at import


def _good(column: str) -> st.SearchStrategy[str]:
    return st.sampled_from([str(row[column]) for row in GOOD])


COLUMNS = {column: _good(column) for column in GOOD[0]}
COLUMNS["TANGGAL_LAHIR"] = _good("TANGGAL_LAHIR") | dates()


@FUZZ
@given(content=csv_file(COLUMNS), edition=st.sampled_from(["", "2025-01", "2025-06"]),
       regency=st.sampled_from([None, "53.05"]))  # fmt: skip
def test_candidate_import_never_crashes_and_accounts_for_every_row(
    tmp_path_factory, regency_officer, content, edition, regency
):
    path = tmp_path_factory.mktemp("fuzz") / "calon.csv"
    path.write_bytes(content)
    before = fingerprint()
    try:
        result = import_candidates(
            file=path, file_name="calon.csv", user=regency_officer, edition=edition,
            regency=regency,
        )  # fmt: skip
    except InvalidInput:
        assert fingerprint() == before  # refused as a whole: nothing written
        return
    assert result.rows_read == (
        result.rows_accepted + result.rows_updated + result.rows_unchanged + result.rows_rejected
    )
    assert RejectedRow.objects.filter(candidate_import=result).count() == result.rows_rejected
