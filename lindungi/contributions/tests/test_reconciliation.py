import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.choices import ReconciliationCategory as Category
from lindungi.contributions.choices import StatementRejection as Rejection
from lindungi.contributions.models import (
    Payer,
    StatementImport,
    StatementLine,
    StatementRejectedRow,
)
from lindungi.contributions.reconciliation import (
    import_statement,
    read_statement,
    resolve_line,
    summarise,
)
from lindungi.contributions.statement_file import parse_amount
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.programs.tests.factories import CohortFactory

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
    text = (
        "KPJ;NIK;Iuran;Periode\n"
        f"{people['matched'].kpj};;16800;2025-08\n"
        f";{people['by_nik'].person.nik};16.800;2025-08\n"
        f"{people['mismatch'].kpj};;8400;2025-08\n"
        f"{people['ended'].kpj};;16800;2025-08\n"
        "99999999999;;16800;2025-08\n"
    )
    return io.BytesIO(text.encode())


def test_every_reconciliation_category(cohort, people, province_officer):
    statement_file = read_statement(statement_csv(people))
    assert statement_file.named_month == AUGUST
    statement = import_statement(
        programme=cohort.programme,
        month=AUGUST,
        statement_file=statement_file,
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
        (people["missing"].pk, Category.NOT_BILLED, 0, 16_800),
    }
    # The unknown KPJ is a rejected row with its cells, not a line.
    rejected = StatementRejectedRow.objects.get(statement=statement)
    assert (rejected.row_number, rejected.code, rejected.kpj) == (
        6,
        Rejection.UNKNOWN_PERSON,
        "99999999999",
    )
    assert rejected.original == {
        "KPJ": "99999999999",
        "NIK": "",
        "Iuran": "16800",
        "Periode": "2025-08",
    }
    assert (
        statement.rows_read,
        statement.rows_rejected,
        statement.insurer_total,
        statement.expected_total,
    ) == (5, 1, 58_800, 4 * 16_800)
    assert summarise(statement)[Category.NOT_ACTIVE_HERE] == {
        "count": 1,
        "insurer": 16_800,
        "expected": 0,
    }
    assert (statement.version, statement.is_current, statement.scope) == (1, True, "programme")
    by_nik = StatementLine.objects.get(enrollment=people["by_nik"])
    assert by_nik.regency_id == "53.03"


def test_resolving_a_line_needs_a_note_and_is_audited(cohort, people, province_officer):
    statement = import_statement(
        programme=cohort.programme,
        month=AUGUST,
        statement_file=read_statement(statement_csv(people)),
        file_name="a.csv",
        user=province_officer,
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
    ],
)
def test_files_that_are_no_statement_are_refused(db, text, code):
    with pytest.raises(InvalidInput) as error:
        read_statement(io.BytesIO(text.encode()))
    assert error.value.code == code
    assert StatementImport.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("16800", 16_800),
        ("16.800", 16_800),
        ("Rp 16.800", 16_800),
        ("1,016,800", 1_016_800),
        ("16800,00", 16_800),
        ("16800.5", None),
        ("16.800,50", None),
        ("enam belas ribu", None),
        ("-16800", None),
        ("", None),
    ],
)
def test_amounts_are_whole_rupiah_or_nothing(text, amount):
    assert parse_amount(text) == amount


def reconcile(cohort, text, user, *, month=AUGUST, payer=None, name="s.csv"):
    return import_statement(
        programme=cohort.programme,
        month=month,
        statement_file=read_statement(io.BytesIO(text.encode()), month=month),
        file_name=name,
        payer=payer,
        user=user,
    )


def test_bad_rows_are_rejected_with_reasons_and_the_rest_reconciled(
    cohort, people, province_officer
):
    text = (
        "KPJ,NIK,Iuran,Periode\n"
        f"{people['matched'].kpj},,16800,2025-08\n"
        f'{people["mismatch"].kpj},,"16800,5",2025-08\n'  # not whole rupiah
        f"{people['matched'].kpj},,16800,2025-08\n"  # the same line again
        f",{people['matched'].person.nik},16800,2025-08\n"  # the same person by NIK
        f"{people['by_nik'].kpj},,16800,2025-07\n"  # another month
        ",,16800,2025-08\n"  # nobody
        "12345678901,,16800,2025-08\n"  # unknown KPJ
        ",3171010101010001,16800,2025-08\n"  # unknown NIK
        "\n"
    )
    statement = reconcile(cohort, text, province_officer)
    rejected = dict(
        StatementRejectedRow.objects.filter(statement=statement).values_list("row_number", "code")
    )
    assert rejected == {
        3: Rejection.INVALID_AMOUNT,
        4: Rejection.DUPLICATE,
        5: Rejection.DUPLICATE,
        6: Rejection.OTHER_MONTH,
        7: Rejection.NO_IDENTITY,
        8: Rejection.UNKNOWN_PERSON,
        9: Rejection.UNKNOWN_PERSON,
    }
    assert (
        StatementRejectedRow.objects.get(statement=statement, row_number=3).original["Iuran"]
        == "16800,5"
    )
    file_lines = StatementLine.objects.filter(statement=statement, row_number__isnull=False)
    assert list(file_lines.values_list("row_number", "category")) == [(2, Category.MATCHED)]
    # accepted + rejected = read
    assert (statement.rows_read, statement.rows_rejected) == (8, 7)
    # Everyone covered but not accepted from the file is "not billed".
    not_billed = set(
        StatementLine.objects.filter(statement=statement, category=Category.NOT_BILLED).values_list(
            "enrollment_id", flat=True
        )
    )
    assert not_billed == {people["by_nik"].pk, people["mismatch"].pk, people["missing"].pk}


def test_unknown_month_and_unknown_payer_are_refused(cohort, people, province_officer):
    text = f"KPJ,Iuran\n{people['matched'].kpj},16800\n"
    with pytest.raises(InvalidInput) as error:
        reconcile(cohort, text, province_officer, month=Month(2026, 3))
    assert error.value.code == "month_outside_programme"
    stranger = Payer.objects.create(payer_type="regency", name="Pemerintah Kabupaten Sikka")
    with pytest.raises(InvalidInput) as error:
        reconcile(cohort, text, province_officer, payer=stranger)
    assert error.value.code == "unknown_payer"
    assert StatementImport.objects.count() == 0
    assert StatementLine.objects.count() == 0


def test_only_billing_officers_import(cohort, people, auditor):
    with pytest.raises(PermissionDenied):
        reconcile(cohort, f"KPJ,Iuran\n{people['matched'].kpj},16800\n", auditor)
    assert StatementImport.objects.count() == 0


def test_the_same_file_twice_is_refused_and_nothing_doubles(cohort, people, province_officer):
    text = f"KPJ,Iuran\n{people['matched'].kpj},16800\n"
    first = reconcile(cohort, text, province_officer)
    lines = StatementLine.objects.count()
    with pytest.raises(InvalidInput) as error:
        reconcile(cohort, text, province_officer, name="again.csv")
    assert error.value.code == "statement_already_imported"
    assert str(first.pk) in error.value.message
    assert StatementImport.objects.count() == 1
    assert StatementLine.objects.count() == lines


def test_a_corrected_file_supersedes_the_current_version(cohort, people, province_officer):
    first = reconcile(cohort, f"KPJ,Iuran\n{people['matched'].kpj},8400\n", province_officer)
    second = reconcile(cohort, f"KPJ,Iuran\n{people['matched'].kpj},16800\n", province_officer)
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current, second.supersedes) == (2, True, first)
    assert StatementImport.objects.filter(is_current=True).get() == second
    # Each version keeps its own lines; the current one is the corrected reconciliation.
    assert StatementLine.objects.get(statement=second, row_number=2).category == Category.MATCHED
    assert (
        StatementLine.objects.get(statement=first, row_number=2).category
        == Category.AMOUNT_MISMATCH
    )


def test_a_payer_statement_covers_that_payers_cohorts_only(cohort, people, province_officer):
    # A cohort Alor pays for alone (a payer record of its own).
    alor_share = CohortFactory(
        programme=cohort.programme,
        name="Alor",
        position=2,
        payer_type="regency",
        payer_name="Pemerintah Kabupaten Alor",
        payer_regency_id="53.05",
    )
    alor_person = enroll(alor_share)
    bill_month(programme=cohort.programme, month=AUGUST, user=province_officer)
    province = Payer.objects.get(name="Pemerintah Provinsi NTT")
    text = f"KPJ,Iuran\n{people['matched'].kpj},16800\n{alor_person.kpj},16800\n"
    statement = reconcile(cohort, text, province_officer, payer=province)
    assert statement.scope == f"payer:{province.pk}"
    assert StatementRejectedRow.objects.get(statement=statement).code == Rejection.OTHER_PAYER
    assert not StatementLine.objects.filter(statement=statement, enrollment=alor_person).exists()
    # Another payer's statement of the same month is its own scope, not a new version.
    alor = Payer.objects.get(name="Pemerintah Kabupaten Alor")
    other = reconcile(cohort, text, province_officer, payer=alor)
    assert (other.version, other.is_current) == (1, True)
    statement.refresh_from_db()
    assert statement.is_current


def test_a_failure_in_the_middle_leaves_nothing(cohort, people, province_officer, monkeypatch):
    import lindungi.contributions.reconciliation as reconciliation

    def explode(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(reconciliation, "_write_lines", explode)
    with pytest.raises(RuntimeError):
        reconcile(cohort, f"KPJ,Iuran\n{people['matched'].kpj},16800\n", province_officer)
    assert StatementImport.objects.count() == 0
    assert StatementLine.objects.count() == 0
    assert StatementRejectedRow.objects.count() == 0
