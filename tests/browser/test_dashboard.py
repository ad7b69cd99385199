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
    # Switching the measure repaints without leaving the page.
    page.get_by_label("terhadap penduduk miskin").check()
    expect(page.locator("#coverage-map")).to_have_attribute("data-shapes", "22")
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
