"""Reading what people really send: encodings, delimiters, headers, sheets, date forms."""

import io
from datetime import date, datetime

import pytest

from lindungi.registry.reading import (
    FileFormatError,
    inspect_file,
    normalise_header,
    open_table,
    resolve_columns,
)
from lindungi.registry.validation import parse_date


def _read(data: bytes, sheet=None):
    handle = io.BytesIO(data)
    facts = inspect_file(handle)
    table = open_table(handle, facts=facts, sheet=sheet)
    return facts, table, list(table.rows)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_detects_encoding_and_keeps_accented_names(encoding, expected):
    data = "NIK,NAMA\n5305011503850001,Mariá Ñoña\n".encode(encoding)
    facts, table, rows = _read(data)
    assert facts.encoding == expected
    assert table.headers == ["NIK", "NAMA"]
    assert rows == [(2, ["5305011503850001", "Mariá Ñoña"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_sniffs_delimiter(delimiter):
    data = delimiter.join(["NIK", "NAMA", "DESIL"]).encode() + b"\n"
    data += delimiter.join(["5305011503850001", "Ana Bere", "2"]).encode() + b"\n"
    _facts, table, rows = _read(data)
    assert table.delimiter == delimiter
    assert rows == [(2, ["5305011503850001", "Ana Bere", "2"])]


def test_header_aliases_match_regardless_of_case_spaces_and_punctuation():
    headers = [
        "Nomor Induk Kependudukan",
        "No. KK",
        "Nama Lengkap",
        "L/P",
        "Tgl. Lahir",
        "Kode Wilayah Desa",
        "Desil Kesejahteraan",
        "date of birth ",
    ]
    columns = resolve_columns(headers)
    assert columns == {
        "NIK": 0,
        "NO_KK": 1,
        "NAMA": 2,
        "JENIS_KELAMIN": 3,
        "TANGGAL_LAHIR": 4,
        "KODE_DESA": 5,
        "DESIL": 6,
    }
    assert normalise_header(" Tgl. Lahir ") == "tgllahir"


def test_explicit_mapping_wins_over_aliases():
    headers = ["ID", "Keluarga", "Siapa", "Kelamin", "Lahir", "Desa"]
    mapping = {
        "NIK": "ID",
        "NO_KK": "Keluarga",
        "NAMA": "Siapa",
        "TANGGAL_LAHIR": "Lahir",
        "KODE_DESA": "desa",
    }
    assert resolve_columns(headers, mapping) == {
        "NIK": 0,
        "NO_KK": 1,
        "NAMA": 2,
        "TANGGAL_LAHIR": 4,
        "KODE_DESA": 5,
        "JENIS_KELAMIN": 3,
    }


def test_missing_required_columns_refuse_the_file():
    with pytest.raises(FileFormatError) as raised:
        resolve_columns(["NIK", "NAMA"])
    assert raised.value.code == "file_format"
    assert "NO_KK, JENIS_KELAMIN, TANGGAL_LAHIR, KODE_DESA" in raised.value.message


def test_mapping_to_a_header_not_in_the_file_is_refused():
    with pytest.raises(FileFormatError):
        resolve_columns(["NIK"], {"NIK": "Nomor"})


def test_reads_first_sheet_or_named_sheet_of_xlsx(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Ringkasan"
    workbook.active.append(["NIK", "NAMA"])
    workbook.active.append(["1", "satu"])
    data_sheet = workbook.create_sheet("Data")
    data_sheet.append(["NIK", "TGL"])
    data_sheet.append(["5305011503850001", datetime(1985, 3, 15)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _facts, table, rows = _read(buffer.getvalue())
    assert (table.sheet_name, rows) == ("Ringkasan", [(2, ["1", "satu"])])
    _facts, table, rows = _read(buffer.getvalue(), sheet="Data")
    assert table.sheet_name == "Data"
    assert rows == [(2, ["5305011503850001", date(1985, 3, 15)])]
    with pytest.raises(FileFormatError):
        _read(buffer.getvalue(), sheet="Tidak Ada")


def test_empty_file_is_refused():
    with pytest.raises(FileFormatError):
        _read(b"")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-03-15", date(1985, 3, 15)),
        ("15/03/1985", date(1985, 3, 15)),
        ("15-03-1985", date(1985, 3, 15)),
        ("5/3/1985", date(1985, 3, 5)),
        ("15 Maret 1985", date(1985, 3, 15)),
        ("15 Mar 1985", date(1985, 3, 15)),
        ("17 Agustus 1945", date(1945, 8, 17)),
        ("17 Agt 1945", date(1945, 8, 17)),
        ("1 Okt 2000", date(2000, 10, 1)),
        ("3 Des. 1999", date(1999, 12, 3)),
        ("15 March 1985", date(1985, 3, 15)),
        (date(1985, 3, 15), date(1985, 3, 15)),
        (datetime(1985, 3, 15, 0, 0), date(1985, 3, 15)),
        ("31/02/1985", None),
        ("1985-02-30", None),
        ("15 Marzo 1985", None),
        ("kemarin", None),
        (31123.0, None),
    ],
)
def test_parse_date_forms(value, expected):
    assert parse_date(value) == expected
