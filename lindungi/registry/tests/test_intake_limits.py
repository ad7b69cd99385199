"""Hostile and damaged candidate files: a NUL byte or a 1 MB cell rejects its row, not the
file; a file over a limit stops with a clear message on the command line (no traceback)."""

import io

import pytest
from django.core.management import CommandError, call_command

from lindungi.registry.importing import import_candidates
from lindungi.registry.models import Person, RejectedRow
from lindungi.registry.tests.helpers import candidate, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _with_bad_rows(tmp_path, bad: dict[int, dict]):
    rows = [candidate(serial, **bad.get(serial, {})) for serial in range(1, 5)]
    return write_csv(tmp_path / "calon.csv", rows)


def test_nul_byte_and_huge_cell_reject_their_rows_only(tmp_path, province_officer):
    path = _with_bad_rows(tmp_path, {2: {"NAMA": "Warga\x00Rusak"}, 3: {"ALAMAT": "x" * 1_048_576}})
    result = import_candidates(file=path, file_name="calon.csv", user=province_officer)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 2, 2)
    assert dict(
        RejectedRow.objects.filter(candidate_import=result).values_list("row_number", "reason")
    ) == {3: "nul_byte", 4: "cell_too_long"}
    nul_row = RejectedRow.objects.get(candidate_import=result, row_number=3)
    assert nul_row.original["NAMA"] == "Warga\N{REPLACEMENT CHARACTER}Rusak"
    assert Person.objects.count() == 2


def test_huge_cell_in_xlsx_rejects_its_row_only(tmp_path, province_officer):
    rows = [candidate(1), candidate(2, ALAMAT="y" * 1_048_576), candidate(3)]
    path = write_xlsx(tmp_path / "calon.xlsx", rows)
    result = import_candidates(file=path, file_name="calon.xlsx", user=province_officer)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    assert result.reason_counts == {"cell_too_long": 1}


def test_command_reports_rejected_rows_and_limits_without_traceback(
    tmp_path, settings, province_admin
):
    path = _with_bad_rows(tmp_path, {1: {"NAMA": "A\x00"}, 2: {"ALAMAT": "z" * 1_048_576}})
    out = io.StringIO()
    call_command("import_candidates", str(path), "--as", province_admin.username, stdout=out)
    assert "dibaca 4, diterima 2" in out.getvalue()  # the command speaks Indonesian
    settings.LINDUNGI_INTAKE = {"max_rows": 2}
    with pytest.raises(CommandError) as error:
        call_command("import_candidates", str(path), "--as", province_admin.username)
    assert str(error.value).startswith("file_too_large: ")
    assert Person.objects.count() == 2  # the refused file changed nothing
