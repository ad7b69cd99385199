"""Awards fixtures: a 2025 period whose kabupaten/kota category has one criterion of each kind,
Alor (the home regency) and Timor Tengah Utara (the outsider's) taking part, and a panel."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.awards import services
from lindungi.awards.choices import CategoryKind, ComputedIndicator, IndicatorKind, PeriodStatus
from lindungi.awards.models import AssessmentPeriod, Entry
from lindungi.core.roles import Role

# As in the root conftest: Alor is the regency officer's, TTU the outsider's.
HOME_REGENCY = "53.05"
OTHER_REGENCY = "53.03"
DEADLINE = datetime.date(2026, 3, 31)
BEFORE_DEADLINE = datetime.date(2026, 3, 1)
AFTER_DEADLINE = datetime.date(2026, 4, 1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def criteria_rows(*, regulation_weight="30"):
    return [
        services.CriterionInput(
            code="regulasi",
            name="Regulasi (perda/perkada)",
            weight=regulation_weight,
            scale_min=0,
            scale_max=100,
            kind=IndicatorKind.ENTERED,
        ),
        services.CriterionInput(
            code="cakupan-rentan",
            name="Cakupan pekerja rentan",
            weight="25",
            scale_min=0,
            scale_max=100,
            kind=IndicatorKind.COMPUTED,
            computed=ComputedIndicator.COVERAGE_OF_POOR,
        ),
        services.CriterionInput(
            code="anggaran",
            name="Kebijakan anggaran (APBD)",
            weight="25",
            scale_min=1,
            scale_max=5,
            kind=IndicatorKind.ENTERED,
            unit="rupiah",
        ),
        services.CriterionInput(
            code="wawancara",
            name="Wawancara",
            weight="20",
            scale_min=0,
            scale_max=100,
            kind=IndicatorKind.INTERVIEW,
        ),
    ]


@pytest.fixture
def period(province_officer) -> AssessmentPeriod:
    period = services.create_period(
        user=province_officer,
        year=2025,
        submission_deadline=DEADLINE,
        categories=(CategoryKind.REGENCY_GOVERNMENT, CategoryKind.VILLAGE),
        signatory_name="Drs. Kosmas D. Lana, M.Si",
        signatory_title="Sekretaris Daerah Provinsi NTT",
    )
    services.set_criteria(
        user=province_officer, category=regency_category(period), rows=criteria_rows()
    )
    return period


def regency_category(period):
    return period.categories.get(kind=CategoryKind.REGENCY_GOVERNMENT)


@pytest.fixture
def open_period(period, province_officer):
    services.set_criteria(
        user=province_officer,
        category=period.categories.get(kind=CategoryKind.VILLAGE),
        rows=[
            services.CriterionInput(
                code="desa",
                name="Komitmen desa",
                weight="100",
                scale_min=0,
                scale_max=100,
                kind=IndicatorKind.ENTERED,
            )
        ],
    )
    return services.advance_period(user=province_officer, period=period, to=PeriodStatus.OPEN)


@pytest.fixture
def home_entry(open_period, province_officer) -> Entry:
    return services.add_entry(
        user=province_officer, category=regency_category(open_period), regency_code=HOME_REGENCY
    )


@pytest.fixture
def other_entry(open_period, province_officer) -> Entry:
    return services.add_entry(
        user=province_officer, category=regency_category(open_period), regency_code=OTHER_REGENCY
    )


def _make_user(username: str, role: str, **extra):
    from lindungi.accounts.models import User

    user = User(username=username, role=role, **extra)
    user.set_password("test-password-123")
    user.save()
    return user


@pytest.fixture
def panel_users(db):
    return [
        _make_user(f"panel{number}", Role.PANEL_MEMBER, first_name=f"Anggota {number}")
        for number in range(1, 4)
    ]


@pytest.fixture
def panel(open_period, province_officer, panel_users):
    from lindungi.awards.panel import appoint_member

    seats = ("Ketua (Sekda)", "Sekretaris (BPJS Ketenagakerjaan)", "Anggota (akademisi)")
    return [
        appoint_member(user=province_officer, period=open_period, member=user, seat=seat)
        for user, seat in zip(panel_users, seats, strict=True)
    ]


def pdf_upload(name="perda.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_and_submit(entry, officer, today=BEFORE_DEADLINE):
    from lindungi.awards.assessment import save_entered_value, submit_self_assessment

    for criterion in entry.category.criteria.filter(kind=IndicatorKind.ENTERED):
        save_entered_value(
            user=officer,
            entry=entry,
            criterion=criterion,
            value="1",
            statement="Perda No. 3 Tahun 2024",
            source="Lembaran Daerah 2024 No. 3",
            today=today,
        )
    return submit_self_assessment(user=officer, entry=entry, today=today)
