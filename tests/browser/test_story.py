"""The programme office's day in a real browser: upload candidates and watch the job, run a
selection, open the map, download an invoice. The 2025 story is built by the demo service at a
small scale; jobs run in the request (the immediate task backend) so the job page shows the
finished progress bar as soon as the browser lands on it."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"  # what the persona fixtures set
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def story(province_admin, settings, tmp_path):
    from lindungi.demo.services import DemoScale, load_demo

    settings.VAR_DIR = tmp_path
    settings.TASKS = IMMEDIATE
    load_demo(user=province_admin, scale=DemoScale(candidates=600, target=400, seed=11))
    # The demo's 2025 and 2026 programmes are selected and approved; the office's day runs the
    # selection of a new draft.
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.services import add_cohort, create_programme

    draft = create_programme(
        user=province_admin,
        name="Uji Seleksi NTT 2027",
        year=2027,
        coverage_start=date(2027, 1, 1),
        coverage_end=date(2027, 12, 31),
        target_headcount=100,
        province_code="53",
    )
    add_cohort(
        user=province_admin,
        programme=draft,
        name="APBD Provinsi",
        headcount=100,
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
    )
    return province_admin


def _candidate_file(tmp_path):
    from lindungi.demo.generation import generate_candidates, write_csv

    path = tmp_path / "kandidat-desa.csv"
    write_csv(path, generate_candidates(count=120, seed=99, defect_rate=0.05))
    return path


def test_programme_office_day(page: Page, live_server, story, tmp_path, screenshots):
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_label("Nama pengguna").fill("prov_admin")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base}/")

    # Upload a candidate file: the page hands it to a job and shows its progress bar.
    page.goto(f"{base}/registry/upload/")
    page.locator("input[type=file]").set_input_files(str(_candidate_file(tmp_path)))
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("#job-progress progress")).to_have_attribute("value", "100")
    expect(page.locator("body")).to_contain_text("Berhasil")
    page.screenshot(path=str(screenshots / "job.png"), full_page=True)

    # Run the selection of a draft: again a job with its progress bar.
    page.goto(f"{base}/programs/")
    page.get_by_role("link", name="Uji Seleksi NTT 2027").click()
    page.get_by_role("button", name="Jalankan seleksi").click()
    expect(page.locator("#job-progress progress")).to_have_attribute("value", "100")
    expect(page.locator("body")).to_contain_text("Berhasil")

    # The province dashboard draws all 22 kabupaten/kota.
    page.goto(f"{base}/reports/")
    expect(page.locator("#coverage-map path.leaflet-interactive")).to_have_count(22)
    page.screenshot(path=str(screenshots / "dashboard-story.png"), full_page=True)

    # Download an invoice as PDF.
    page.goto(f"{base}/contributions/")
    page.locator("a[href*='/tagihan/']").first.click()
    with page.expect_download() as download:
        page.locator("a[href$='/pdf/']").first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
