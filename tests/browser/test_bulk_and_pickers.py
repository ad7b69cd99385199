"""The registry's region pickers and a bulk review, driven in the browser (issue 18): picking
a regency fetches its districts, a district its villages, another regency empties both; the
head checkbox ticks every pair of the page, the review asks for confirmation, then acts."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"  # what the persona fixtures set
TTU_VILLAGE = "53.03.01.2005"


@pytest.fixture
def pairs(tmp_path):
    from lindungi.registry.importing import import_candidates
    from lindungi.registry.tests.helpers import candidate, importer, write_csv

    rows = [
        candidate(1, name="Maria Bere", sex="P"),
        candidate(2, name="Maria Bere", sex="P"),
        candidate(3, name="Yosef Lake"),
        candidate(4, name="Yosef Lake"),
        candidate(5, name="Agus Tefa", village=TTU_VILLAGE),
        candidate(6, name="Agus Tefa", village=TTU_VILLAGE),
    ]
    path = write_csv(tmp_path / "calon.csv", rows)
    import_candidates(file=path, file_name="calon.csv", user=importer())


def test_pickers_follow_each_other_and_a_bulk_review_confirms_first(
    page: Page, live_server, province_officer, pairs, screenshots
):
    from lindungi.regions.models import District, Village
    from lindungi.registry.models import DuplicateCandidate

    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_label("Nama pengguna").fill("prov_officer")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base}/")

    page.goto(f"{base}/registry/")
    # The filters fold away above the list (a laptop sees the results first): open them.
    page.locator("details.list-filters summary").click()
    district = District.objects.filter(regency_id="53.05").order_by("code").first()
    village = Village.objects.filter(district=district).order_by("code").first()
    regency_picker, district_picker = page.locator("#id_regency"), page.locator("#id_district")
    village_picker = page.locator("#id_village")
    expect(district_picker.locator("option")).to_have_count(1)
    regency_picker.select_option(label="Kabupaten Alor")
    expect(district_picker.locator(f'option[value="{district.code}"]')).to_have_text(district.name)
    district_picker.select_option(district.code)
    expect(village_picker.locator(f'option[value="{village.code}"]')).to_have_text(village.name)
    # Another regency: Alor's districts and villages go.
    regency_picker.select_option("53.03")
    expect(district_picker.locator(f'option[value="{district.code}"]')).to_have_count(0)
    expect(village_picker.locator("option")).to_have_count(1)
    # A typed name is understood; a wrong one is explained.
    page.goto(f"{base}/registry/?regency=Alor")
    expect(page.locator("tbody tr")).to_have_count(4)
    page.goto(f"{base}/registry/?regency=Atlantis")
    expect(page.get_by_text("Tidak ada kabupaten/kota bernama “Atlantis”")).to_be_visible()

    page.goto(f"{base}/registry/duplicates/")
    rows = page.locator('input[name="ids"]')
    expect(rows).to_have_count(3)
    page.get_by_title("Pilih semua di halaman ini").check()
    for index in range(3):
        expect(rows.nth(index)).to_be_checked()
    page.locator("#bulk-review select[name=status]").select_option("dismissed")
    page.get_by_role("button", name="Tinjau pasangan yang dipilih").click()
    expect(page.get_by_text("Tandai 3 pasangan")).to_be_visible()
    assert DuplicateCandidate.objects.filter(status="open").count() == 3
    page.screenshot(path=str(screenshots / "bulk-confirm.png"), full_page=True)
    page.get_by_role("button", name="Ya, lakukan").click()
    expect(page).to_have_url(re.compile(r"/registry/duplicates/$"))
    expect(page.get_by_text("3 pasangan ditinjau.")).to_be_visible()
    assert DuplicateCandidate.objects.filter(status="dismissed").count() == 3
