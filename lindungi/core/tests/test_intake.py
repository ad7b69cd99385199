"""The shared intake: limits, zip bombs, NUL bytes, huge cells, storing and removing uploads."""

import io
import os
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.core.errors import InvalidInput
from lindungi.core.intake import (
    FileTooLarge,
    IntakeLimits,
    RowProblem,
    check_counts,
    inspect_file,
    open_table,
    purge_stale_uploads,
    read_text_table,
    remove_upload,
    store_upload,
    upload_path,
)


def _rows(data: bytes, **limits):
    handle = io.BytesIO(data)
    chosen = IntakeLimits(**{**IntakeLimits.from_settings().__dict__, **limits})
    facts = inspect_file(handle, limits=chosen)
    table = open_table(handle, facts=facts, limits=chosen)
    return table, list(table.rows)


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bomb(padding: int) -> bytes:
    """A real workbook whose sheet XML is padded with whitespace: it inflates `padding` bytes
    from a few kilobytes, as a zip bomb does."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["NIK"], ["5305011503850001"]])))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding)
            bomb.writestr(info.filename, data)
    return output.getvalue()


def test_a_nul_byte_rejects_its_row_and_the_file_goes_on():
    _table, rows = _rows(b"NIK,NAMA\n1,Ani\n2,B\x00di\n3,Citra\n")
    assert [number for number, _cells in rows] == [2, 3, 4]
    assert rows[0][1] == ["1", "Ani"] and rows[2][1] == ["3", "Citra"]
    problem = rows[1][1]
    assert isinstance(problem, RowProblem)
    assert problem.reason == "nul_byte"
    assert problem.cells == ["2", "B\N{REPLACEMENT CHARACTER}di"]


def test_a_one_megabyte_cell_rejects_its_row_in_csv_and_xlsx():
    huge = "x" * 1_048_576
    _table, rows = _rows(f"NIK,NAMA\n1,Ani\n2,{huge}\n3,Citra\n".encode())
    assert [type(cells) for _n, cells in rows] == [list, RowProblem, list]
    assert rows[1][1].reason == "cell_too_long"
    assert rows[2] == (4, ["3", "Citra"])
    _table, rows = _rows(_xlsx([["NIK", "NAMA"], ["1", "Ani"], ["2", huge], ["3", "Citra"]]))
    assert [type(cells) for _n, cells in rows] == [list, RowProblem, list]
    assert rows[1][1].reason == "cell_too_long"
    assert rows[1][1].cells[0] == "2"  # the rest of the row is kept as read
    assert rows[2] == (4, ["3", "Citra"])


def test_a_zip_bomb_stops_with_a_clear_error_before_it_inflates():
    bomb = _bomb(50 * 1024 * 1024)
    assert len(bomb) < 200_000
    with pytest.raises(FileTooLarge) as error:
        _rows(bomb)
    assert "mengembang" in error.value.message  # "would inflate", in Indonesian
    # Declared sizes past the limit are refused too, whatever the ratio.
    with pytest.raises(FileTooLarge):
        _rows(_xlsx([["NIK"], ["1"]]), max_inflated_bytes=1_000)


def test_row_and_column_limits_stop_the_file():
    with pytest.raises(FileTooLarge) as error:
        _table, _rows_read = _rows(b"NIK\n1\n2\n3\n", max_rows=2)
    assert "lebih dari 2 baris" in error.value.message  # "more than 2 rows"
    with pytest.raises(FileTooLarge):
        _rows(_xlsx([["NIK"], ["1"], ["2"], ["3"]]), max_rows=2)  # the declared dimension
    with pytest.raises(FileTooLarge):
        _rows(b"A,B,C\n1,2,3\n", max_columns=2)
    with pytest.raises(FileTooLarge):
        _rows(_xlsx([["A", "B", "C"]]), max_columns=2)


def test_upload_size_limit_is_checked_before_storing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LINDUNGI_INTAKE = {"max_upload_bytes": 10}
    with pytest.raises(FileTooLarge):
        store_upload(uploaded_file=SimpleUploadedFile("a.csv", b"NIK\n" + b"1" * 20), area="t")
    with pytest.raises(FileTooLarge):
        inspect_file(io.BytesIO(b"x" * 11))
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    with pytest.raises(InvalidInput):
        store_upload(uploaded_file=SimpleUploadedFile("a.exe", b"MZ"), area="t")


def test_uploads_are_removed_by_the_retention_rule(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LINDUNGI_INTAKE = {"retention_hours": 1}
    relative = store_upload(uploaded_file=SimpleUploadedFile("a.csv", b"NIK\n1\n"), area="t")
    assert upload_path(relative).read_bytes() == b"NIK\n1\n"
    remove_upload(relative)
    assert not upload_path(relative).exists()
    stale = store_upload(uploaded_file=SimpleUploadedFile("b.csv", b"NIK\n"), area="t")
    fresh = store_upload(uploaded_file=SimpleUploadedFile("c.csv", b"NIK\n"), area="t")
    two_hours_ago = time.time() - 7200
    os.utime(upload_path(stale), (two_hours_ago, two_hours_ago))
    assert purge_stale_uploads() == 1
    assert not upload_path(stale).exists() and upload_path(fresh).exists()
    # Nothing outside the uploads folder is ever removed.
    outside = Path(tmp_path) / "keep.txt"
    outside.write_text("x")
    remove_upload("keep.txt")
    assert outside.exists()


def test_streaming_xlsx_keeps_types_sheets_and_row_numbers():
    data = _xlsx(
        [["NIK", "LAHIR", "DESIL", "OK"], ["5305011503850001", date(1985, 3, 15), 2, True]]
    )
    table, rows = _rows(data)
    assert table.headers == ["NIK", "LAHIR", "DESIL", "OK"]
    assert rows == [(2, ["5305011503850001", date(1985, 3, 15), 2.0, True])]


def test_text_tables_account_for_every_row():
    table = read_text_table(
        b"NIK;KPJ\n1;2\n\n3\x00;4\n",
        "x.csv",
        aliases={"NIK": (), "KPJ": ("no_kpj",)},
        required=("NIK",),
    )
    assert table.rows == [(2, ["1", "2"])]
    assert list(table.problems) == [4]
    assert table.rows_read == 2


def test_counts_must_reconcile():
    check_counts(read=3, rejected=1, accepted=2)
    with pytest.raises(AssertionError):
        check_counts(read=3, rejected=1, accepted=1)
