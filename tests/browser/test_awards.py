"""The Paritrana Award end to end in a browser: a regency officer fills in and submits on a
phone, a panel member scores, the province publishes, and the public sees the ranking."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"  # what the persona fixtures set
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}/")


@pytest.fixture
def award(province_officer, outsider):
    from lindungi.accounts.models import User
    from lindungi.awards import assessment, panel, services
    from lindungi.awards.choices import IndicatorKind, PeriodStatus
    from lindungi.core.roles import Role

    period = services.create_period(
        user=province_officer,
        year=2025,
        submission_deadline=datetime.date.today() + datetime.timedelta(days=10),
        signatory_name="Penandatangan Uji",
        signatory_title="Sekretaris Daerah Provinsi NTT",
    )
    category = period.categories.get()
    services.set_criteria(
        user=province_officer,
        category=category,
        rows=[
            services.CriterionInput(
                code="regulasi", name="Regulasi daerah", weight="60", scale_min=0,
                scale_max=100, kind=IndicatorKind.ENTERED,
            ),
            services.CriterionInput(
                code="wawancara", name="Wawancara", weight="40", scale_min=0, scale_max=100,
                kind=IndicatorKind.INTERVIEW,
            ),
        ],
    )  # fmt: skip
    services.advance_period(user=province_officer, period=period, to=PeriodStatus.OPEN)
    services.add_entry(user=province_officer, category=category, regency_code="53.05")
    other = services.add_entry(user=province_officer, category=category, regency_code="53.03")
    assessment.save_entered_value(
        user=outsider,
        entry=other,
        criterion=category.criteria.get(code="regulasi"),
        value=None,
        statement="Perbup TTU",
        source="Berita Daerah TTU",
    )
    assessment.submit_self_assessment(user=outsider, entry=other)
    member = User(username="panelis", role=Role.PANEL_MEMBER, first_name="Panelis")
    member.set_password(PASSWORD)
    member.save()
    panel.appoint_member(user=province_officer, period=period, member=member, seat="Ketua")
    return period


def test_self_assessment_scoring_and_public_results(
    page: Page, live_server, award, regency_officer, province_officer, screenshots, tmp_path,
    settings,
):  # fmt: skip
    from lindungi.awards import panel, results, services
    from lindungi.awards.choices import PeriodStatus
    from lindungi.awards.models import Entry

    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    page.set_viewport_size(PHONE)

    # The regency officer, on a phone, finds the award in the menu and opens their regency.
    _sign_in(page, base, regency_officer.username)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Paritrana Award"
    ).click()
    page.get_by_role("link", name="2025").click()
    expect(page.get_by_role("link", name="Kabupaten Timor Tengah Utara")).to_have_count(0)
    page.get_by_role("link", name="Kabupaten Alor").click()

    page.get_by_label("Sumber").fill("Lembaran Daerah Kabupaten Alor 2024 No. 5")
    page.get_by_label("Pernyataan").fill("Perda No. 5 Tahun 2024 tentang jaminan sosial")
    page.get_by_role("button", name="Simpan isian").click()
    expect(page.get_by_text("Tersimpan.")).to_be_visible()

    # A renamed executable is refused with a message saying why.
    upload = page.get_by_label("Bukti (PDF, PNG atau JPEG)")
    upload.set_input_files(
        {"name": "perda.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00not"}
    )
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_role("alert")).to_contain_text("perda.pdf bukan berkas")
    page.get_by_label("Bukti (PDF, PNG atau JPEG)").set_input_files(
        {"name": "perda.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_role("link", name="perda.pdf")).to_be_visible()
    page.get_by_role("button", name="Kirim penilaian mandiri").click()
    expect(page.get_by_text("Penilaian mandiri sudah dikirim.")).to_be_visible()
    expect(page.get_by_role("button", name="Unggah")).to_have_count(0)
    page.screenshot(path=str(screenshots / "award-self-assessment-phone.png"), full_page=True)

    # The panel scores during the review.
    services.advance_period(user=province_officer, period=award, to=PeriodStatus.REVIEW)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, base, "panelis")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Registri")).to_have_count(0)
    menu.get_by_role("link", name="Paritrana Award").click()
    page.get_by_role("link", name="2025").click()
    page.get_by_role("link", name="Kabupaten Alor").click()
    scores = page.get_by_label(re.compile("^Nilai Anda"))
    scores.nth(0).fill("90")
    scores.nth(1).fill("80")
    page.get_by_role("button", name="Simpan nilai saya").click()
    expect(page.get_by_text("2 nilai tersimpan.")).to_be_visible()
    ttu = Entry.objects.get(regency_id="53.03")
    panel.record_scores(
        user=award.panel.get().user,
        entry=ttu,
        scores=[(criterion, "50", "") for criterion in ttu.category.criteria.all()],
    )
    results.publish_results(user=province_officer, period=award)

    # Anyone sees the ranking, the map and the winner's certificate.
    page.context.clear_cookies()
    page.goto(f"{base}/awards/publik/")
    expect(page.get_by_role("heading", name=re.compile("Hasil Paritrana Award"))).to_be_visible()
    first_row = page.locator("table tbody tr").first
    expect(first_row).to_contain_text("Kabupaten Alor")
    expect(first_row).to_contain_text("86")
    expect(page.locator("#award-map")).to_have_attribute("data-shapes", "22")
    page.screenshot(path=str(screenshots / "award-public-results.png"), full_page=True)
    response = page.request.get(
        f"{base}/awards/publik/peserta/{Entry.objects.get(regency_id='53.05').pk}/piagam.pdf"
    )
    assert response.ok
    assert response.body().startswith(b"%PDF")
