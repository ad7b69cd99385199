"""Formula-safe, streamed XLSX exports (shared by every list page and report)."""

import io

import pytest
from openpyxl import load_workbook

from lindungi.core.exports import iter_rows, neutralise, write_xlsx
from lindungi.registry.models import Person
from lindungi.registry.tests.factories import PersonFactory


@pytest.fixture
def people(db):
    return {"alor": PersonFactory.create_batch(12), "ttu": PersonFactory.create_batch(3)}


def test_neutralise_formula_like_text_only():
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("+62 812") == "'+62 812"
    assert neutralise("-1") == "'-1"
    assert neutralise("@SUM") == "'@SUM"
    assert neutralise("Petani") == "Petani"
    assert neutralise(-5) == -5
    assert neutralise(None) is None


def test_write_xlsx_keeps_niks_as_text_and_neutralises(people):
    Person.objects.filter(pk=people["alor"][0].pk).update(full_name="=CMD()")
    buffer = io.BytesIO()
    count = write_xlsx(
        buffer,
        headers=["NIK", "Nama"],
        rows=iter_rows(Person.objects.order_by("nik"), ["nik", "full_name"], chunk_size=4),
        text_columns=[0],
    )
    assert count == 15
    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).active.values)
    assert rows[0] == ("NIK", "Nama")
    assert len(rows) == 16
    assert all(isinstance(row[0], str) and len(row[0]) == 16 for row in rows[1:])
    assert ("'=CMD()") in [row[1] for row in rows]
