"""The insurer's claim file: valid rows become claims, every bad row is kept with its reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.benefits.choices import CoverVerdict
from lindungi.benefits.importing import import_claims
from lindungi.benefits.models import Claim, ClaimImport, ClaimItem, Heir, RejectedClaimRow
from lindungi.benefits.tests.conftest import (
    TODAY,
    bill_and_pay,
    claim_file,
    claim_row,
    enroll,
)
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.registry.tests.factories import PersonFactory


@pytest.fixture
def insured(cohort):
    enrollment = enroll(cohort)
    bill_and_pay(cohort.programme, Month(2025, 7), Month(2025, 10))
    return enrollment


def _jkm_rows(enrollment, number="KLM-0001", **extra) -> list[str]:
    common = {
        "NOMOR_KLAIM": number,
        "NIK": enrollment.person.nik,
        "KPJ": enrollment.kpj,
        "JENIS_KLAIM": "JKM",
        "TANGGAL_KEJADIAN": "2025-09-14",
        "STATUS": "dibayar",
        "TANGGAL_BAYAR": "2025-10-20",
    }
    items = [
        {
            "MANFAAT": "santunan sekaligus",
            "JUMLAH_DIAJUKAN": "20000000",
            "JUMLAH_DIBAYAR": "20000000",
            "AHLI_WARIS": "MARIA|istri|1988-04-02|-; YOHANES|anak|2016-01-20|sd",
        },
        {
            "MANFAAT": "santunan berkala",
            "JUMLAH_DIAJUKAN": "12000000",
            "JUMLAH_DIBAYAR": "12000000",
        },
        {"MANFAAT": "biaya pemakaman", "JUMLAH_DIAJUKAN": "10000000", "JUMLAH_DIBAYAR": "10000000"},
    ]
    return [claim_row(**{**common, **item, **extra}) for item in items]


def _import(user, *rows, name="klaim.csv"):
    return import_claims(user=user, file_name=name, content=claim_file(*rows), today=TODAY)


def test_a_jkm_claim_becomes_a_claim_with_items_heirs_and_a_verdict(insured, insurer_liaison):
    result = _import(insurer_liaison, *_jkm_rows(insured))

    assert (result.rows_read, result.rows_created, result.rows_rejected) == (3, 3, 0)
    claim = Claim.objects.get(number="KLM-0001")
    assert (claim.person_id, claim.regency_id, claim.kind, claim.status) == (
        insured.person_id,
        "53.05",
        "jkm_death",
        "paid",
    )
    assert claim.verdict == CoverVerdict.COVERED
    assert claim.verdict_reasons == ["active_that_day", "month_paid"]
    assert (claim.programme_id, claim.cohort_id) == (insured.programme_id, insured.cohort_id)
    items = {
        item.item: (item.claimed_amount, item.paid_amount, item.computed_amount)
        for item in claim.items.all()
    }
    assert items == {
        "jkm_lump_sum": (20_000_000, 20_000_000, 20_000_000),
        "jkm_periodic": (12_000_000, 12_000_000, 12_000_000),
        "funeral": (10_000_000, 10_000_000, 10_000_000),
    }
    heirs = list(Heir.objects.filter(claim=claim).values_list("name", "relation", "school_level"))
    assert heirs == [("MARIA", "spouse", "none"), ("YOHANES", "child", "tk_sd")]
    # Four months paid in 2025: no JKM scholarship.
    assert claim.contribution_months == 4
    assert AuditEvent.objects.filter(action="benefits.claims_imported").count() == 1


def test_reimporting_the_same_file_changes_nothing(insured, insurer_liaison):
    rows = _jkm_rows(insured)
    _import(insurer_liaison, *rows)
    before = list(ClaimItem.objects.values().order_by("pk"))
    claims = list(Claim.objects.values("pk", "status", "verdict", "verdict_reasons"))

    again = _import(insurer_liaison, *rows)

    assert (again.rows_read, again.rows_unchanged, again.claims_touched) == (3, 3, 0)
    assert list(ClaimItem.objects.values().order_by("pk")) == before
    assert list(Claim.objects.values("pk", "status", "verdict", "verdict_reasons")) == claims
    assert Heir.objects.count() == 2


def test_a_later_file_updates_the_status_and_paid_amounts(insured, insurer_liaison):
    _import(insurer_liaison, *_jkm_rows(insured, STATUS="diproses", JUMLAH_DIBAYAR=""))
    later = _import(insurer_liaison, *_jkm_rows(insured))
    assert (later.rows_updated, later.rows_unchanged) == (3, 0)
    assert Claim.objects.get().status == "paid"


def test_a_paid_amount_that_differs_from_the_regulation_is_kept_beside_it(insured, insurer_liaison):
    rows = _jkm_rows(insured)
    rows[2] = rows[2].replace(",10000000,10000000,", ",10000000,8000000,")
    _import(insurer_liaison, *rows)
    funeral = ClaimItem.objects.get(item="funeral")
    assert (funeral.paid_amount, funeral.computed_amount) == (8_000_000, 10_000_000)


BAD_ROWS = [
    ("unknown_nik", {"NIK": "5305019999999999", "KPJ": ""}, "person_unknown"),
    ("unknown_kpj", {"NIK": "", "KPJ": "99999999999"}, "person_unknown"),
    ("date_before_enrollment", {"TANGGAL_KEJADIAN": "2025-07-01"}, "date_before_enrollment"),
    ("date_in_future", {"TANGGAL_KEJADIAN": "2026-01-05"}, "date_future"),
    ("amount_with_sen", {"JUMLAH_DIAJUKAN": "20000000.50"}, "amount_invalid"),
    ("amount_with_comma", {"JUMLAH_DIBAYAR": "20.000.000,00"}, "amount_invalid"),
    (
        "percent_outside_table",
        {"JENIS_KLAIM": "JKK", "AKIBAT": "cacat sebagian", "PERSEN_CACAT": "33"},
        "percent_not_in_table",
    ),
    ("nik_damaged_by_excel", {"NIK": "5.30501E+15"}, "nik_invalid"),
    ("unknown_item", {"MANFAAT": "bonus"}, "item_invalid"),
]


@pytest.mark.parametrize(("case", "cells", "reason"), BAD_ROWS, ids=[row[0] for row in BAD_ROWS])
def test_bad_row_is_rejected_with_its_reason_and_original_values(
    insured, insurer_liaison, case, cells, reason
):
    good = {
        "NOMOR_KLAIM": "KLM-0009",
        "NIK": insured.person.nik,
        "KPJ": insured.kpj,
        "JENIS_KLAIM": "JKM",
        "TANGGAL_KEJADIAN": "2025-09-14",
        "MANFAAT": "santunan sekaligus",
        "JUMLAH_DIAJUKAN": "20000000",
    }
    bad = claim_row(**{**good, **cells, "NOMOR_KLAIM": "KLM-0010"})

    result = _import(insurer_liaison, claim_row(**good), bad)

    assert (result.rows_read, result.rows_created, result.rows_rejected) == (2, 1, 1)
    assert (
        result.rows_created + result.rows_updated + result.rows_unchanged + result.rows_rejected
        == 2
    )
    rejected = RejectedClaimRow.objects.get(claim_import=result)
    assert rejected.reason == reason
    assert rejected.row_number == 3
    for column, value in cells.items():
        assert rejected.original[column] == value
    # The NIK as read is kept beside the row, like every other import's rejects.
    assert rejected.nik == rejected.original["NIK"]
    assert not Claim.objects.filter(number="KLM-0010").exists()


def test_never_enrolled_person_is_rejected(insured, insurer_liaison):
    stranger = PersonFactory()
    rows = _jkm_rows(insured, number="KLM-0002", NIK=stranger.nik, KPJ="")
    result = _import(insurer_liaison, rows[0])
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "not_enrolled"


def test_kpj_of_another_person_is_rejected(insured, cohort, insurer_liaison):
    other = enroll(cohort)
    result = _import(insurer_liaison, _jkm_rows(insured, KPJ=other.kpj)[0])
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "kpj_other_person"


def test_duplicate_claim_number_in_the_file_is_rejected(insured, insurer_liaison):
    rows = _jkm_rows(insured)
    result = _import(insurer_liaison, rows[0], rows[0])
    assert (result.rows_created, result.rows_rejected) == (1, 1)
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "row_repeated"


def test_claim_number_already_used_for_another_person_is_rejected(insured, cohort, insurer_liaison):
    _import(insurer_liaison, *_jkm_rows(insured))
    other = enroll(cohort)
    result = _import(insurer_liaison, _jkm_rows(other)[0])
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "claim_conflict"
    assert Claim.objects.get().person_id == insured.person_id


def test_unreadable_heirs_are_rejected(insured, insurer_liaison):
    rows = _jkm_rows(insured, AHLI_WARIS="MARIA|tetangga|1988-04-02|-")
    result = _import(insurer_liaison, rows[1])
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "heirs_invalid"


def test_a_file_without_the_claim_number_column_changes_nothing(insured, insurer_liaison):
    content = (
        b"NIK,JENIS_KLAIM,TANGGAL_KEJADIAN,MANFAAT\n"
        + insured.person.nik.encode()
        + b",JKM,2025-09-14,funeral\n"
    )
    with pytest.raises(InvalidInput):
        import_claims(user=insurer_liaison, file_name="x.csv", content=content, today=TODAY)
    assert not ClaimImport.objects.exists()
    assert not Claim.objects.exists()


def test_only_the_insurer_files_role_may_import(insured, regency_officer, auditor):
    for user in (regency_officer, auditor):
        with pytest.raises(PermissionDenied):
            _import(user, *_jkm_rows(insured))
    assert not Claim.objects.exists()


def test_xlsx_claim_file_is_read_like_csv(insured, insurer_liaison, tmp_path):
    from openpyxl import Workbook

    from lindungi.benefits.tests.conftest import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    values = dict.fromkeys(COLUMNS, None)
    values.update(
        NOMOR_KLAIM="KLM-X1",
        NIK=insured.person.nik,
        JENIS_KLAIM="JKM",
        TANGGAL_KEJADIAN=datetime.date(2025, 9, 14),
        MANFAAT="biaya pemakaman",
        JUMLAH_DIAJUKAN=10_000_000,
    )
    sheet.append([values[column] for column in COLUMNS])
    path = tmp_path / "klaim.xlsx"
    workbook.save(path)
    result = import_claims(
        user=insurer_liaison, file_name="klaim.xlsx", content=path.read_bytes(), today=TODAY
    )
    assert (result.rows_created, result.rows_rejected) == (1, 0)
