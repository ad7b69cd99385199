import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"  # what the persona fixtures set


@pytest.fixture
def figures(db):
    """Fifteen people and their summaries. The summaries are built without the audited service:
    the live server's database is flushed after each test, and SQLite's append-only audit
    trigger refuses to delete the event refresh_summaries() would record."""
    from django.utils import timezone

    from lindungi.registry.tests.factories import PersonFactory
    from lindungi.reports.models import PeopleSummary, SummaryState
    from lindungi.reports.services import _people_rows

    PersonFactory.create_batch(12)
    PersonFactory.create_batch(3, village_code="53.03.01.2005")
    PeopleSummary.objects.bulk_create(_people_rows(timezone.localdate()))
    # A programme whose regencies filled their quotas to different degrees, so that the map
    # has something to tell apart.
    import datetime

    from lindungi.programs.models import Programme
    from lindungi.reports.models import ProgrammeRegencySummary

    programme = Programme.objects.create(
        name="Uji 2025",
        province_id="53",
        year=2025,
        coverage_start=datetime.date(2025, 7, 1),
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=40,
    )
    ProgrammeRegencySummary.objects.bulk_create(
        ProgrammeRegencySummary(
            programme=programme, regency_id=code, quota=10, selected=filled, active=filled
        )
        for code, filled in [("53.05", 10), ("53.03", 5), ("53.01", 2), ("53.02", 7)]
    )
    SummaryState.objects.create(pk=1, refreshed_at=timezone.now(), as_of=timezone.localdate())


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}/")


def test_dashboard_map_and_public_page(
    page: Page, live_server, province_officer, figures, screenshots
):
    base = live_server.url
    _sign_in(page, base, "prov_officer")
    page.goto(f"{base}/reports/")
    expect(page.locator("#coverage-map")).to_have_attribute("data-shapes", "22")
    expect(page.locator("#coverage-map path.leaflet-interactive")).to_have_count(22)
    expect(page.get_by_test_id("funnel")).to_contain_text("15")
    # The map has a legend, and regencies that differ are drawn in different colours.
    expect(page.get_by_test_id("map-legend")).to_be_visible()
    # Switching the measure repaints without leaving the page.
    fills = page.eval_on_selector_all(
        "#coverage-map path.leaflet-interactive", "paths => paths.map(p => p.getAttribute('fill'))"
    )
    assert len(set(fills)) > 2, fills
    page.get_by_label("terhadap penduduk miskin").check()
    expect(page.locator("#coverage-map")).to_have_attribute("data-shapes", "22")
    # Leaflet's zoom buttons keep their own small square shape, not Pico's button style.
    box = page.locator(".leaflet-control-zoom-in").bounding_box()
    assert box is not None and box["width"] <= 40 and box["height"] <= 40
    # Every chart is drawn, and the headcount axis starts at zero.
    expect(page.locator("#chart-headcount")).to_have_attribute("data-drawn", "true")
    assert (
        page.evaluate("Chart.getChart(document.getElementById('chart-headcount')).scales.y.min")
        == 0
    )
    page.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)

    # The public page, in the same test: the live server's flush after a test also empties the
    # regions, which the test package only reloads at the end of the module.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/publik/")
    expect(page.get_by_role("cell", name="Kabupaten Alor")).to_be_visible()
    expect(page.get_by_role("cell", name="<10").first).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshots / "public.png"), full_page=True)
