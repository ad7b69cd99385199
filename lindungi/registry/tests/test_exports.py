"""Rejected rows and templates as files: original values, reasons, formulas neutralised."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lindungi.registry.exports import (
    neutralise,
    rejects_csv,
    template_bytes,
    template_csv,
    write_rejects,
)
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import CandidateImport, Person
from lindungi.registry.reading import CANONICAL_COLUMNS
from lindungi.registry.tests.helpers import candidate, importer, write_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Ana", "Ana"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def formula_import(tmp_path):
    rows = [
        candidate(1),
        candidate(2, NAMA='=HYPERLINK("http://jahat.example","klik")', ALAMAT="@cmd"),
        candidate(3, NIK="+5305011503850003", PEKERJAAN="-2+3"),
    ]
    path = write_csv(tmp_path / "formula.csv", rows)
    return import_candidates(file=path, file_name="formula.csv", user=importer())


def test_rejects_csv_keeps_original_values_and_neutralises_formulas(formula_import):
    text = "".join(rejects_csv(formula_import))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [*CANONICAL_COLUMNS, "BARIS", "KODE_ALASAN", "ALASAN"]
    assert len(rows) == 3
    name_row, nik_row = rows[1], rows[2]
    assert name_row[2] == '\'=HYPERLINK("http://jahat.example","klik")'
    assert name_row[7] == "'@cmd"
    assert name_row[11:13] == ["3", "name_invalid"]
    assert nik_row[0] == "'+5305011503850003"
    assert nik_row[8] == "'-2+3"
    assert nik_row[11:13] == ["4", "nik_invalid"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_rejects_xlsx_neutralises_formulas(formula_import, tmp_path):
    path = tmp_path / "rejects.xlsx"
    assert write_rejects(formula_import, str(path)) == 2
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == '\'=HYPERLINK("http://jahat.example","klik")'
    assert values[2][0] == "'+5305011503850003"
    assert all(
        cell.data_type != "f" for row in sheet.iter_rows() for cell in row
    )  # no formula cells at all


def test_template_xlsx_has_notes_and_drop_downs():
    workbook = load_workbook(io.BytesIO(template_bytes()))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    assert headers == list(CANONICAL_COLUMNS)
    assert all(cell.comment is not None and cell.comment.text for cell in sheet[1])
    validations = {
        (validation.type, validation.formula1, str(validation.sqref))
        for validation in sheet.data_validations.dataValidation
    }
    assert validations == {("list", '"L,P"', "D2:D100000"), ("whole", "1", "J2:J100000")}
    assert sheet["A2"].number_format == "@"  # NIK typed as text keeps all 16 digits


def test_template_csv_is_the_header_row():
    assert template_csv() == "\ufeff" + ",".join(CANONICAL_COLUMNS) + "\r\n"


def test_command_prints_json_summary_and_writes_rejects(tmp_path, capsys, province_officer):
    path = write_csv(tmp_path / "calon.csv", [candidate(1), candidate(2, DESIL="0")])
    rejects = tmp_path / "tolak.csv"
    call_command(
        "import_candidates", str(path), "--as", province_officer.username, "--json",
        "--no-progress", "--source", "DTSEN",
        "--edition", "2025-06", "--rejects", str(rejects),
    )  # fmt: skip
    output = json.loads(capsys.readouterr().out)
    assert {key: output[key] for key in ("read", "accepted", "updated", "unchanged")} == {
        "read": 2,
        "accepted": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert (output["rejected"], output["reasons"]) == (1, {"desil_invalid": 1})
    imported = CandidateImport.objects.get()
    assert (imported.source, imported.edition) == ("DTSEN", "2025-06")
    assert Person.objects.count() == 1
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(",".join(str(v) for v in candidate(2, DESIL="0").values()))
    assert ",3,desil_invalid," in lines[1]


@pytest.mark.parametrize(
    ("language", "start"),
    [
        (
            "en",
            "calon.csv: read 2, accepted 1, updated 0, unchanged 0, rejected 1 (nik_invalid 1);",
        ),
        (
            "id",
            "calon.csv: dibaca 2, diterima 1, diperbarui 0, tidak berubah 0, ditolak 1 "
            "(nik_invalid 1);",
        ),
    ],
)
def test_command_prints_one_line_summary(tmp_path, capsys, language, start, province_officer):
    from django.utils import translation

    path = write_csv(tmp_path / "calon.csv", [candidate(1), candidate(2, NIK="12")])
    with translation.override(language):
        call_command(
            "import_candidates", str(path), "--as", province_officer.username, "--no-progress"
        )
    output = capsys.readouterr().out.strip().splitlines()
    assert len(output) == 1
    assert output[0].startswith(start)


def test_command_refuses_unreadable_file(tmp_path, province_officer):
    from django.core.management.base import CommandError

    path = tmp_path / "kosong.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError):
        call_command(
            "import_candidates", str(path), "--as", province_officer.username, "--no-progress"
        )
    assert CandidateImport.objects.count() == 0
