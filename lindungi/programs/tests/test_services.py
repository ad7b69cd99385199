from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from lindungi.audit.models import AuditEvent
from lindungi.core.errors import InvalidInput
from lindungi.programs.active_list import counts
from lindungi.programs.models import ActiveInsurerParticipant, ActiveParticipantImport, Programme
from lindungi.programs.services import (
    add_cohort,
    create_ntt_2025_programme,
    create_programme,
    import_active_participants,
    set_quotas,
    update_programme,
)

pytestmark = pytest.mark.django_db


def test_ntt_2025_programme(province_officer):
    programme = create_ntt_2025_programme(user=province_officer)
    assert (programme.coverage_start, programme.coverage_end) == (
        date(2025, 7, 18),
        date(2025, 12, 31),
    )
    assert (programme.target_headcount, programme.income_basis, programme.province_id) == (
        100_000,
        1_000_000,
        "53",
    )
    assert list(
        programme.cohorts.values_list(
            "headcount", "funding_shares__payer__funding_source", "funding_shares__share_bp"
        )
    ) == [(100_000, "APBD", 10_000)]
    assert AuditEvent.objects.filter(action__startswith="programs.").count() == 2


def test_2026_shape_province_and_regency_cohorts_with_shared_cost(province_officer):
    programme = create_programme(
        user=province_officer,
        name="NTT 2026",
        year=2026,
        coverage_start=date(2026, 1, 1),
        coverage_end=date(2026, 12, 31),
        target_headcount=64_880,
        province_code="53",
    )
    add_cohort(
        user=province_officer,
        programme=programme,
        name="Provinsi",
        payer_type="province",
        payer_name="Pemprov NTT",
        funding_source="APBD",
        headcount=50_000,
    )
    ttu = add_cohort(
        user=province_officer,
        programme=programme,
        name="TTU",
        payer_type="regency",
        payer_name="Pemkab TTU",
        payer_regency_code="53.03",
        funding_source="APBD",
        headcount=14_880,
        regency_code="53.03",
        second_payer_type="csr_company",
        second_payer_name="PT Contoh",
        second_funding_source="CSR",
        second_payer_share_bp=2_500,
    )
    assert (ttu.position, ttu.regency_id) == (2, "53.03")
    assert list(
        ttu.funding_shares.order_by("-share_bp").values_list(
            "payer__name", "payer__regency_id", "payer__funding_source", "share_bp", "from_month"
        )
    ) == [
        ("Pemkab TTU", "53.03", "APBD", 7_500, date(2026, 1, 1)),
        ("PT Contoh", None, "CSR", 2_500, date(2026, 1, 1)),
    ]


@pytest.mark.parametrize("basis", [999_999, 20_700_001])
def test_income_basis_outside_bounds_is_refused(province_officer, basis):
    with pytest.raises(InvalidInput) as error:
        create_programme(
            user=province_officer,
            name="x",
            year=2025,
            coverage_start=date(2025, 1, 1),
            coverage_end=date(2025, 2, 1),
            target_headcount=1,
            province_code="53",
            income_basis=basis,
        )
    assert error.value.code == "income_basis_out_of_bounds"
    assert Programme.objects.count() == 0


def test_income_bounds_come_from_settings(province_officer, settings):
    settings.LINDUNGI_INCOME_BASIS_MIN = 2_000_000
    with pytest.raises(InvalidInput):
        create_programme(
            user=province_officer,
            name="x",
            year=2025,
            coverage_start=date(2025, 1, 1),
            coverage_end=date(2025, 2, 1),
            target_headcount=1,
            province_code="53",
        )


def test_update_is_audited_and_validated(province_officer):
    programme = create_ntt_2025_programme(user=province_officer)
    update_programme(user=province_officer, programme=programme, max_desil=2)
    event = AuditEvent.objects.filter(action="programs.programme_updated").get()
    assert event.changes["max_desil"] == [4, 2]
    with pytest.raises(InvalidInput):
        update_programme(user=province_officer, programme=programme, criteria=["desil", "bogus"])
    programme.refresh_from_db()
    assert programme.criteria == ["desil", "poverty_label", "household_first", "older_first"]


def test_regency_officer_cannot_create_programmes(regency_officer):
    with pytest.raises(PermissionDenied):
        create_ntt_2025_programme(user=regency_officer)
    assert Programme.objects.count() == 0


def test_typed_quotas_must_add_up(province_officer):
    programme = create_ntt_2025_programme(user=province_officer)
    cohort = programme.cohorts.get()
    with pytest.raises(InvalidInput) as error:
        set_quotas(user=province_officer, cohort=cohort, headcounts={"53.05": 99_999})
    assert error.value.code == "quota_sum_mismatch"
    set_quotas(user=province_officer, cohort=cohort, headcounts={"53.05": 60_000, "53.03": 40_000})
    assert dict(cohort.quotas.values_list("regency_id", "headcount")) == {
        "53.05": 60_000,
        "53.03": 40_000,
    }


def test_import_active_participants_keeps_history_and_rejected_rows(insurer_liaison):
    content = (
        b"NIK,KPJ,Segment\n5305011503850001,123,BPU\n5305011503850002,124,PU\n"
        b"12345,1,BPU\n5305011503850001,123,BPU\n5305011503850002,999,PU\n"
    )
    first = import_active_participants(user=insurer_liaison, file_name="aktif.csv", content=content)
    assert counts(first) == {
        "read": 5,
        "accepted": 2,
        "repeated": 1,
        "rejected": 2,
        "replaced": 0,
        "wage_earners": 1,
        "reasons": {"nik_invalid": 1, "nik_repeated": 1},
    }
    assert list(first.rejected_rows.values_list("row_number", "reason", "nik", "original")) == [
        (4, "nik_invalid", "12345", {"NIK": "12345", "KPJ": "1", "Segment": "BPU"}),
        (
            6,
            "nik_repeated",
            "5305011503850002",
            {"NIK": "5305011503850002", "KPJ": "999", "Segment": "PU"},
        ),
    ]
    current = ActiveInsurerParticipant.objects.filter(is_current=True)
    assert dict(current.values_list("nik", "is_wage_earner")) == {
        "5305011503850001": False,
        "5305011503850002": True,
    }
    second = import_active_participants(
        user=insurer_liaison, file_name="b.csv", content=b"nik\n5305011503850003\n"
    )
    assert (second.rows_accepted, second.replaced) == (1, 2)
    assert list(current.values_list("nik", flat=True)) == ["5305011503850003"]
    # The earlier list is kept, no longer current: nothing the insurer sent is lost.
    assert list(
        ActiveInsurerParticipant.objects.filter(list_import=first).values_list("nik", "is_current")
    ) == [("5305011503850001", False), ("5305011503850002", False)]
    assert ActiveParticipantImport.objects.count() == 2


def test_active_list_reads_xlsx_and_semicolons(insurer_liaison, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["No NIK", "No KPJ"])
    workbook.active.append(["5305011503850001", "12345678901"])
    workbook.save(tmp_path / "aktif.xlsx")
    result = import_active_participants(
        user=insurer_liaison,
        file_name="aktif.xlsx",
        content=(tmp_path / "aktif.xlsx").read_bytes(),
    )
    assert (result.rows_read, result.rows_accepted) == (1, 1)
    result = import_active_participants(
        user=insurer_liaison,
        file_name="aktif.csv",
        content=b"nik;kpj\n5305011503850009;1\n",
    )
    assert list(
        ActiveInsurerParticipant.objects.filter(is_current=True).values_list("nik", flat=True)
    ) == ["5305011503850009"]


def test_import_without_nik_column_changes_nothing(insurer_liaison, regency_officer):
    ActiveInsurerParticipant.objects.create(
        nik="5305011503850001", source_file="a", imported_at="2025-01-01T00:00Z"
    )
    with pytest.raises(InvalidInput):
        import_active_participants(user=insurer_liaison, file_name="x.csv", content=b"kpj\n1\n")
    with pytest.raises(PermissionDenied):
        import_active_participants(user=regency_officer, file_name="x.csv", content=b"nik\n")
    assert ActiveInsurerParticipant.objects.count() == 1
