"""Pages: who sees what (regency officer, outsider, auditor, panel, public) and the refusals a
user reads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.awards import results, services
from lindungi.awards.choices import PeriodStatus, SubmissionStatus
from lindungi.awards.models import Evidence, Score
from lindungi.awards.panel import record_scores
from lindungi.web.navigation import modules_for

from .conftest import PDF_BYTES, fill_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submitted(home_entry, other_entry, regency_officer, outsider):
    fill_and_submit(home_entry, regency_officer)
    fill_and_submit(other_entry, outsider)
    return home_entry, other_entry


@pytest.fixture
def published(submitted, open_period, panel, province_officer):
    home_entry, other_entry = submitted
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    for member in panel:
        for entry, value in ((home_entry, "90"), (other_entry, "50")):
            rows = [
                (c, value if c.scale_max == 100 else "3", "") for c in entry.category.criteria.all()
            ]
            record_scores(user=member.user, entry=entry, scores=rows)
    return results.publish_results(user=province_officer, period=open_period)


def test_anonymous_users_are_sent_to_the_login(client, home_entry):
    for url in (reverse("awards:index"), reverse("awards:entry", args=[home_entry.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_regency_officer_sees_only_their_own_regency(client, regency_officer, submitted):
    home_entry, other_entry = submitted
    client.force_login(regency_officer)
    period_page = client.get(reverse("awards:period", args=[home_entry.category.period_id]))
    assert period_page.status_code == 200
    assert "Kabupaten Alor" in period_page.text
    assert "Timor Tengah Utara" not in period_page.text
    assert client.get(reverse("awards:entry", args=[home_entry.pk])).status_code == 200
    assert client.get(reverse("awards:entry", args=[other_entry.pk])).status_code == 404


def test_another_regencys_evidence_is_not_found_for_an_officer(
    client, regency_officer, outsider, open_period, other_entry
):
    from lindungi.awards.assessment import add_evidence

    from .conftest import BEFORE_DEADLINE, pdf_upload

    evidence = add_evidence(
        user=outsider, entry=other_entry, uploaded_file=pdf_upload(), today=BEFORE_DEADLINE
    )
    client.force_login(outsider)
    assert client.get(reverse("awards:evidence", args=[evidence.pk])).status_code == 200
    client.force_login(regency_officer)
    assert client.get(reverse("awards:evidence", args=[evidence.pk])).status_code == 404


def test_results_before_publication_are_for_the_province_and_auditors_only(
    client, submitted, open_period, regency_officer, outsider, panel, auditor, province_officer
):
    url = reverse("awards:results", args=[open_period.pk])
    export = reverse("awards:export", args=[open_period.pk])
    for user in (regency_officer, outsider, panel[0].user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(export).status_code == 403
    for user in (auditor, province_officer):
        client.force_login(user)
        assert client.get(url).status_code == 200
    # Nor is anything public.
    client.logout()
    public = client.get(reverse("awards:public"))
    assert "Kabupaten Alor" not in public.text
    assert client.get(reverse("awards:public_year", args=[2025])).status_code == 404
    assert client.get(reverse("awards:public_entry", args=[submitted[0].pk])).status_code == 404


def test_an_auditor_reads_everything_and_changes_nothing(client, auditor, submitted):
    home_entry, other_entry = submitted
    client.force_login(auditor)
    assert client.get(reverse("awards:entry", args=[other_entry.pk])).status_code == 200
    upload = SimpleUploadedFile("perda.pdf", PDF_BYTES)
    response = client.post(
        reverse("awards:evidence_upload", args=[home_entry.pk]), {"file": upload}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("awards:period_action", args=[home_entry.category.period_id, "review"])
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_a_refused_upload_tells_the_officer_why(client, regency_officer, home_entry):
    client.force_login(regency_officer)
    upload = SimpleUploadedFile("perda.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        reverse("awards:evidence_upload", args=[home_entry.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "perda.pdf" in response.text
    assert "PDF" in response.text
    assert not Evidence.objects.exists()


def test_an_officer_saves_figures_uploads_and_submits_through_the_page(
    client, regency_officer, home_entry, settings
):
    from django.utils import timezone

    period = home_entry.category.period
    period.submission_deadline = timezone.localdate()
    period.save(update_fields=["submission_deadline"])
    client.force_login(regency_officer)
    criteria = {c.code: c.pk for c in home_entry.category.criteria.all()}
    response = client.post(
        reverse("awards:entry_values", args=[home_entry.pk]),
        {
            f"c{criteria['regulasi']}-value": "1",
            f"c{criteria['regulasi']}-source": "Perda Alor 5/2024",
            f"c{criteria['anggaran']}-value": "1250000000",
            f"c{criteria['anggaran']}-source": "DPA 2025",
        },
    )
    assert response.status_code == 302
    upload = SimpleUploadedFile("perda.pdf", PDF_BYTES)
    response = client.post(
        reverse("awards:evidence_upload", args=[home_entry.pk]),
        {"file": upload, "criterion": criteria["regulasi"]},
    )
    assert response.status_code == 302
    response = client.post(reverse("awards:entry_submit", args=[home_entry.pk]))
    assert response.status_code == 302
    home_entry.refresh_from_db()
    assert home_entry.status == SubmissionStatus.SUBMITTED
    page = client.get(reverse("awards:entry", args=[home_entry.pk]))
    assert "perda.pdf" in page.text
    assert 'name="file"' not in page.text  # locked: no upload form


def test_a_score_outside_the_scale_is_refused_on_the_page(
    client, submitted, open_period, panel, province_officer
):
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    home_entry = submitted[0]
    budget = home_entry.category.criteria.get(code="anggaran")
    client.force_login(panel[0].user)
    response = client.post(
        reverse("awards:entry_scores", args=[home_entry.pk]), {f"s{budget.pk}-score": "7"}
    )
    assert response.status_code == 400
    assert "7" in response.text
    assert not Score.objects.exists()


def test_a_panel_member_sees_only_their_own_scores_before_publication(
    client, submitted, open_period, panel, province_officer
):
    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    home_entry = submitted[0]
    regulation = home_entry.category.criteria.get(code="regulasi")
    record_scores(user=panel[1].user, entry=home_entry, scores=[(regulation, "77", "rahasia")])
    client.force_login(panel[0].user)
    page = client.get(reverse("awards:entry", args=[home_entry.pk]))
    assert "rahasia" not in page.text
    client.force_login(province_officer)
    assert "rahasia" in client.get(reverse("awards:entry", args=[home_entry.pk])).text


def test_published_results_are_public_with_certificates_and_export(client, published, auditor):
    client.logout()
    page = client.get(reverse("awards:public"))
    assert page.status_code == 200
    assert page.text.index("Kabupaten Alor") < page.text.index("Kabupaten Timor Tengah Utara")
    entry = published.categories.get(kind="regency_government").entries.get(rank=1)
    breakdown = client.get(reverse("awards:public_entry", args=[entry.pk]))
    assert breakdown.status_code == 200
    assert "Regulasi" in breakdown.text
    pdf = client.get(reverse("awards:certificate", args=[entry.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    shapes = client.get(reverse("awards:shapes")).json()
    assert len(shapes["features"]) == 22
    client.force_login(auditor)
    export = client.get(reverse("awards:export", args=[published.pk]))
    workbook = load_workbook(io.BytesIO(export.content))
    sheet = workbook["Pemda Kabupaten-Kota"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (1, 2)]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (1, "53.05", "Kabupaten Alor"),
        (2, "53.03", "Kabupaten Timor Tengah Utara"),
    ]
    assert "Kriteria" in workbook.sheetnames


def test_the_menu_offers_the_award_only_to_roles_that_may_open_it(
    rf, panel_users, regency_officer, insurer_liaison, auditor
):
    def keys(user):
        return {item.key for item in modules_for(user)}

    assert "awards" in keys(panel_users[0])
    # A panel member sees no people: neither the registry nor the dashboards.
    assert not {"registry", "reports", "contributions"} & keys(panel_users[0])
    assert "awards" in keys(regency_officer)
    assert "awards" in keys(auditor)
    assert "awards" not in keys(insurer_liaison)


def test_every_page_renders_for_the_province(client, province_officer, published):
    client.force_login(province_officer)
    category = published.categories.first()
    for url in (
        reverse("awards:index"),
        reverse("awards:period", args=[published.pk]),
        reverse("awards:results", args=[published.pk]),
        reverse("awards:criteria", args=[category.pk]),
        reverse("awards:entry", args=[category.entries.first().pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_period_page_costs_the_same_queries_for_2_or_22_participants(
    client, province_officer, open_period, home_entry, other_entry
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_officer)
    url = reverse("awards:period", args=[open_period.pk])
    client.get(url)  # the menu counts the work waiting once a minute: warm that first
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    services.add_all_regencies(
        user=province_officer, category=open_period.categories.get(kind="regency_government")
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_emblem_is_an_image_checked_by_content_and_printed_on_the_certificate(
    client, province_officer, published
):
    import base64

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    client.force_login(province_officer)
    url = reverse("awards:period_settings", args=[published.pk])
    form = {"title": published.title, "score_rule": published.score_rule}
    refused = client.post(
        url, {**form, "emblem": SimpleUploadedFile("lambang.png", PDF_BYTES)}, follow=True
    )
    assert "lambang.png" in refused.text
    published.refresh_from_db()
    assert published.emblem == ""
    client.post(url, {**form, "emblem": SimpleUploadedFile("lambang.png", png)})
    published.refresh_from_db()
    assert published.emblem.endswith(".png")
    winner = published.categories.get(kind="regency_government").entries.get(rank=1)
    with_emblem = client.get(reverse("awards:certificate", args=[winner.pk])).content
    assert b"/Subtype /Image" in with_emblem


def test_no_page_links_a_panel_member_or_officer_to_a_refusal(
    client, submitted, open_period, panel, province_officer, regency_officer
):
    from lindungi.web.tests.test_links import crawl

    services.advance_period(user=province_officer, period=open_period, to=PeriodStatus.REVIEW)
    for user in (panel[0].user, regency_officer):
        client.force_login(user)
        start = [item.url for item in modules_for(user) if item.key == "awards"]
        refused = crawl(client, start, depth=3)
        # Other modules' links are their own tests' business.
        assert {url: why for url, why in refused.items() if url.startswith("/awards/")} == {}
