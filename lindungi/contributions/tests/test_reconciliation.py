import datetime
import io

import pytest

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.contributions.choices import ReconciliationCategory as Category
from lindungi.contributions.models import StatementImport, StatementLine
from lindungi.contributions.reconciliation import (
    import_statement,
    read_statement,
    resolve_line,
    summarise,
)
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput

AUGUST = Month(2025, 8)


@pytest.fixture
def people(cohort):
    return {
        "matched": enroll(cohort),
        "by_nik": enroll(cohort, village="53.03.01.2005"),
        "mismatch": enroll(cohort),
        "missing": enroll(cohort),
        "ended": enroll(cohort, end=datetime.date(2025, 7, 31)),
    }


def statement_csv(people):
    return io.StringIO(
        "KPJ;NIK;Iuran;Periode\n"
        f"{people['matched'].kpj};;16800;2025-08\n"
        f";{people['by_nik'].person.nik};16.800;2025-08\n"
        f"{people['mismatch'].kpj};;8400;2025-08\n"
        f"{people['ended'].kpj};;16800;2025-08\n"
        "99999999999;;16800;2025-08\n"
    )


def test_every_reconciliation_category(cohort, people, province_officer):
    rows, month = read_statement(statement_csv(people))
    assert month == "2025-08"
    statement = import_statement(
        programme=cohort.programme,
        month=AUGUST,
        rows=rows,
        file_name="agustus.csv",
        user=province_officer,
    )
    lines = {
        (line.enrollment_id, line.category, line.insurer_amount, line.expected_amount)
        for line in StatementLine.objects.filter(statement=statement)
    }
    assert lines == {
        (people["matched"].pk, Category.MATCHED, 16_800, 16_800),
        (people["by_nik"].pk, Category.MATCHED, 16_800, 16_800),
        (people["mismatch"].pk, Category.AMOUNT_MISMATCH, 8_400, 16_800),
        (people["ended"].pk, Category.NOT_ACTIVE_HERE, 16_800, 0),
        (None, Category.NOT_ACTIVE_HERE, 16_800, 0),
        (people["missing"].pk, Category.NOT_BILLED, 0, 16_800),
    }
    assert (statement.rows_read, statement.insurer_total, statement.expected_total) == (
        5,
        75_600,
        4 * 16_800,
    )
    assert summarise(statement)[Category.NOT_ACTIVE_HERE] == {
        "count": 2,
        "insurer": 33_600,
        "expected": 0,
    }
    by_nik = StatementLine.objects.get(enrollment=people["by_nik"])
    assert by_nik.regency_id == "53.03"


def test_resolving_a_line_needs_a_note_and_is_audited(cohort, people, province_officer):
    rows, _ = read_statement(statement_csv(people))
    statement = import_statement(
        user=acting_officer(),
        programme=cohort.programme,
        month=AUGUST,
        rows=rows,
        file_name="a.csv",
    )
    line = StatementLine.objects.get(statement=statement, category=Category.AMOUNT_MISMATCH)
    with pytest.raises(InvalidInput) as error:
        resolve_line(line=line, note="   ", user=province_officer)
    assert error.value.code == "note_required"
    line.refresh_from_db()
    assert line.resolved is False
    resolve_line(line=line, note="Diskon PP 50/2025 salah diterapkan BPJS", user=province_officer)
    line.refresh_from_db()
    assert (line.resolved, line.resolved_by) == (True, province_officer)
    assert AuditEvent.objects.filter(action="contributions.statement_line_resolved").count() == 1
    with pytest.raises(InvalidInput) as error:
        resolve_line(line=line, note="lagi", user=province_officer)
    assert error.value.code == "already_resolved"
    line.refresh_from_db()
    assert line.resolution_note == "Diskon PP 50/2025 salah diterapkan BPJS"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_file"),
        ("NIK;Nama\n123;X\n", "missing_columns"),
        ("KPJ,Iuran\n1,enam belas ribu\n", "invalid_amount"),
        ("KPJ,Iuran,Periode\n1,1,2025-08\n2,1,2025-09\n", "several_months"),
    ],
)
def test_bad_statement_files_are_refused(db, text, code):
    with pytest.raises(InvalidInput) as error:
        read_statement(io.StringIO(text))
    assert error.value.code == code
    assert StatementImport.objects.count() == 0
