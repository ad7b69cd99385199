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


def test_a_jkm_claim_records_the_death_once_and_ends_the_place(insured, insurer_liaison):
    """Issue 14/19: the person of a JKM claim is deceased (source "claim", the incident date)
    through enrollment's one home for deaths; the place ends that day; again changes nothing."""
    from lindungi.registry.models import Person

    rows = _jkm_rows(insured)
    result = _import(insurer_liaison, *rows)

    person = Person.objects.get(pk=insured.person_id)
    assert (person.died_on, person.death_source, person.death_reference) == (
        datetime.date(2025, 9, 14),
        "claim",
        "klaim.csv",
    )
    insured.refresh_from_db()
    assert (insured.state, insured.end_reason, insured.end_date) == (
        "ended",
        "death",
        datetime.date(2025, 9, 14),
    )
    assert (result.deaths_recorded, result.deaths_conflicting) == (1, 0)
    # Covered on the day of death: the place ends on it, inclusive.
    assert Claim.objects.get().verdict == CoverVerdict.COVERED
    recorded = AuditEvent.objects.filter(action="registry.deaths_recorded").count()
    ended = AuditEvent.objects.filter(action="enrollment.deceased_places_ended").count()
    assert (recorded, ended) == (1, 1)

    again = _import(insurer_liaison, *rows)

    assert (again.deaths_recorded, again.deaths_conflicting, again.claims_touched) == (0, 0, 0)
    assert Person.objects.filter(pk=person.pk).values_list("died_on", "updated_at").get() == (
        person.died_on,
        person.updated_at,
    )
    assert AuditEvent.objects.filter(action="registry.deaths_recorded").count() == recorded
    assert AuditEvent.objects.filter(action="enrollment.deceased_places_ended").count() == ended


def test_a_death_already_recorded_on_another_date_is_kept_and_counted(insured, insurer_liaison):
    from lindungi.registry.models import Person

    Person.objects.filter(pk=insured.person_id).update(
        died_on=datetime.date(2025, 9, 10), death_source="civil_registry"
    )
    result = _import(insurer_liaison, *_jkm_rows(insured))

    # The claim is the insurer's; the registry's date is not overwritten by a file.
    assert (result.rows_created, result.rows_rejected) == (3, 0)
    assert (result.deaths_recorded, result.deaths_conflicting) == (0, 1)
    person = Person.objects.get(pk=insured.person_id)
    assert (person.died_on, person.death_source) == (datetime.date(2025, 9, 10), "civil_registry")


def test_claims_that_are_not_deaths_and_rejected_rows_record_no_death(
    insured, cohort, insurer_liaison
):
    from lindungi.registry.models import Person

    treated = claim_row(
        NOMOR_KLAIM="KLM-JKK",
        NIK=insured.person.nik,
        JENIS_KLAIM="JKK",
        AKIBAT="pengobatan",
        TANGGAL_KEJADIAN="2025-09-01",
        MANFAAT="pengobatan",
        JUMLAH_DIAJUKAN="2500000",
    )
    stranger = PersonFactory()
    rejected = _jkm_rows(insured, number="KLM-X", NIK=stranger.nik, KPJ="")[0]
    result = _import(insurer_liaison, treated, rejected)

    assert (result.rows_created, result.rows_rejected, result.deaths_recorded) == (1, 1, 0)
    assert not Person.objects.filter(died_on__isnull=False).exists()


def test_a_file_without_the_optional_columns_is_read(insured, insurer_liaison):
    content = (
        "NOMOR_KLAIM,NIK,JENIS_KLAIM,TANGGAL_KEJADIAN,MANFAAT\n"
        f"KLM-S1,{insured.person.nik},JKM,2025-09-14,biaya pemakaman\n"
        f"KLM-S1,{insured.person.nik},JKM,14/09/2025,santunan sekaligus\n"
        f"KLM-S2,{insured.person.nik},JKM,2025-09-14,bonus\n"
    ).encode()
    result = import_claims(user=insurer_liaison, file_name="s.csv", content=content, today=TODAY)
    assert (result.rows_created, result.rows_rejected) == (2, 1)
    assert RejectedClaimRow.objects.get(claim_import=result).reason == "item_invalid"
    claim = Claim.objects.get()
    assert (claim.number, claim.kpj, claim.status, claim.transport_mode) == (
        "KLM-S1",
        "",
        "reported",
        "",
    )
    assert claim.incident_date == datetime.date(2025, 9, 14)


def test_repeated_cells_are_judged_against_the_rules_of_each_rows_day(insured, insurer_liaison):
    """The reader remembers what it worked out per distinct text: a percentage is in the
    table of one day and not of another, and an amount is refused on every row."""
    from lindungi.benefits.models import DisabilityRate

    DisabilityRate.objects.create(
        code="test_33",
        description="Test row from 10 September 2025",
        percent_bp=3300,
        effective_from=datetime.date(2025, 9, 10),
        legal_basis="test",
    )
    partial = {
        "NIK": insured.person.nik,
        "JENIS_KLAIM": "JKK",
        "AKIBAT": "cacat sebagian",
        "PERSEN_CACAT": "33",
        "MANFAAT": "cacat sebagian",
        "DASAR_UPAH": "1000000",
    }
    rows = [
        claim_row(NOMOR_KLAIM="P-1", TANGGAL_KEJADIAN="2025-09-14", **partial),
        claim_row(NOMOR_KLAIM="P-2", TANGGAL_KEJADIAN="2025-09-01", **partial),
        claim_row(NOMOR_KLAIM="P-3", TANGGAL_KEJADIAN="2025-09-15", **partial),
        claim_row(
            NOMOR_KLAIM="P-4", TANGGAL_KEJADIAN="2025-09-16", **{**partial, "DASAR_UPAH": "1,5"}
        ),
        claim_row(
            NOMOR_KLAIM="P-5", TANGGAL_KEJADIAN="2025-09-17", **{**partial, "DASAR_UPAH": "1,5"}
        ),
    ]
    result = _import(insurer_liaison, *rows)

    reasons = dict(
        RejectedClaimRow.objects.filter(claim_import=result).values_list("claim_number", "reason")
    )
    assert reasons == {
        "P-2": "percent_not_in_table",
        "P-4": "amount_invalid",
        "P-5": "amount_invalid",
    }
    assert set(Claim.objects.values_list("number", flat=True)) == {"P-1", "P-3"}
    assert ClaimItem.objects.get(claim__number="P-1").computed_amount == 26_400_000
