"""The demo's Paritrana Award: past periods as announced, the current one in progress."""

import pytest

from lindungi.awards.choices import CategoryKind, PeriodStatus, SubmissionStatus
from lindungi.awards.models import AssessmentPeriod, ComputedValue, Entry, PanelMember
from lindungi.core.roles import Role
from lindungi.demo.services import DemoScale, load_demo

pytestmark = pytest.mark.django_db

SMALL = DemoScale(candidates=1_500, target=1_000, seed=7)


@pytest.fixture
def demo(province_admin, regency_officer, settings, tmp_path):
    from lindungi.accounts.models import User

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.create(username="panel", role=Role.PANEL_MEMBER)
    return load_demo(user=province_admin, scale=SMALL)


def ranking(year, kind):
    return list(
        Entry.objects.filter(category__period__year=year, category__kind=kind)
        .order_by("rank")
        .values_list("rank", "name")
    )


def test_past_periods_hold_the_announced_results(demo):
    assert ranking(2023, CategoryKind.REGENCY_GOVERNMENT) == [
        (1, "Kabupaten Belu"),
        (2, "Kabupaten Sikka"),
        (3, "Kabupaten Nagekeo"),
    ]
    assert ranking(2024, CategoryKind.REGENCY_GOVERNMENT) == [
        (1, "Kabupaten Nagekeo"),
        (2, "Kabupaten Timor Tengah Utara"),
        (3, "Kabupaten Belu"),
    ]
    assert ranking(2024, CategoryKind.VILLAGE) == [
        (1, "Desa Dafala"),
        (2, "Desa Marapokot"),
        (3, "Desa Pukuafu"),
    ]
    for year in (2023, 2024):
        period = AssessmentPeriod.objects.get(year=year)
        assert period.status == PeriodStatus.PUBLISHED
        # Their scores were never public, so none are recorded.
        assert not Entry.objects.filter(category__period=period, final_score__isnull=False)


def test_the_current_period_is_open_with_computed_figures_and_a_submission(demo):
    current = AssessmentPeriod.objects.get(year=2025)
    assert current.status == PeriodStatus.OPEN
    assert (
        Entry.objects.filter(category__period=current, category__kind="regency_government").count()
        == 22
    )
    alor = Entry.objects.get(category__period=current, regency_id="53.05", village__isnull=True)
    assert alor.status == SubmissionStatus.SUBMITTED
    assert alor.evidence.count() == 1
    coverage = ComputedValue.objects.get(entry=alor, criterion__code="cakupan-rentan")
    covered = coverage.figures["covered"]
    assert covered > 0
    assert coverage.figures["poor_population"] > 0
    unbroken = ComputedValue.objects.get(entry=alor, criterion__code="tanpa-putus")
    # Coverage ran from July to December 2025.
    assert unbroken.figures["longest_run"] == 6
    assert PanelMember.objects.filter(period=current, user__username="panel").exists()
    assert demo.figures["award_submitted"] == 1
