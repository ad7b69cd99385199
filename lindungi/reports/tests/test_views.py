import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.reports.models import SummaryState
from lindungi.reports.services import refresh_summaries


@pytest.fixture
def refreshed(programme):
    refresh_summaries()
    return programme


def test_dashboard_shows_every_regency_on_the_map(client, province_officer, refreshed):
    client.force_login(province_officer)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    marker = '<script id="map-data" type="application/json">'
    start = html.index(marker) + len(marker)
    map_data = json.loads(html[start : html.index("</script>", start)])
    assert len(map_data) == 22
    assert map_data["53.05"]["quota"] == 5
    assert map_data["53.05"]["covered"] == 5
    assert map_data["53.05"]["url"] == reverse("reports:regency", args=["53.05"])
    # The boundaries are not inlined: the map script fetches them from their own URL.
    assert 'id="map-shapes"' not in html
    assert f'data-shapes-url="{reverse("reports:shapes")}"' in html
    assert len(response.content) < 60_000


def test_boundaries_are_served_with_an_etag_and_cached(client, province_officer, refreshed):
    client.force_login(province_officer)
    response = client.get(reverse("reports:shapes"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "private, max-age=86400"
    shapes = json.loads(response.content)
    assert len(shapes["features"]) == 22
    again = client.get(reverse("reports:shapes"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    stale = client.get(reverse("reports:shapes"), HTTP_IF_NONE_MATCH='"other"')
    assert stale.status_code == 200


def test_boundaries_of_a_regency_officer_are_their_own(client, regency_officer, refreshed):
    client.force_login(regency_officer)
    response = client.get(reverse("reports:shapes"), {"regency": "53.05"})
    features = json.loads(response.content)["features"]
    assert [feature["properties"]["code"] for feature in features] == ["53.05"]
    # Without a regency they still get only theirs; another regency is refused.
    unlimited = json.loads(client.get(reverse("reports:shapes")).content)["features"]
    assert [feature["properties"]["code"] for feature in unlimited] == ["53.05"]
    assert client.get(reverse("reports:shapes"), {"regency": "53.03"}).status_code == 403


def test_boundaries_need_a_login(client, refreshed):
    response = client.get(reverse("reports:shapes"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dashboard_sends_a_regency_officer_to_their_regency(client, regency_officer, refreshed):
    client.force_login(regency_officer)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("reports:regency", args=["53.05"])


def test_regency_dashboard_lists_only_that_regency(client, regency_officer, people, refreshed):
    client.force_login(regency_officer)
    response = client.get(reverse("reports:regency", args=["53.05"]))
    assert response.status_code == 200
    assert list(response.context["map_data"]) == ["53.05"]
    html = response.content.decode()
    assert people["alor"][0].nik in html
    assert all(person.nik not in html for person in people["ttu"])


def test_regency_people_list_pages_without_counting_the_registry(
    client, province_officer, people, refreshed
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_officer)
    url = reverse("reports:regency", args=["53.05"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert not [q for q in queries if "COUNT(" in q["sql"] and "registry_person" in q["sql"]]
    page = response.context["people_page"]
    assert [person.nik for person in page.people] == sorted(p.nik for p in people["alor"])
    assert page.next_after is None and page.is_first
    # A cursor that is not a number is ignored, not an error.
    assert client.get(url, {"after": "abc"}).context["people_page"].is_first
    assert client.get(url, {"after": "9" * 30}).context["people_page"].is_first


def test_outsider_cannot_open_another_regency(client, outsider, people, refreshed):
    client.force_login(outsider)
    response = client.get(reverse("reports:regency", args=["53.05"]))
    assert response.status_code == 403


def test_regency_dashboard_search_by_name(client, province_officer, people, refreshed):
    client.force_login(province_officer)
    response = client.get(reverse("reports:regency", args=["53.03"]), {"q": "orang ttu 1"})
    rows = response.context["people_rows"]
    assert [person.nik for person, _state in rows] == [people["ttu"][1].nik]


def test_anonymous_is_sent_to_login(client, refreshed):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_refresh_is_refused_to_an_auditor_and_changes_nothing(client, auditor, programme):
    client.force_login(auditor)
    response = client.post(reverse("reports:refresh"))
    assert response.status_code == 403
    assert not SummaryState.objects.exists()


def test_refresh_by_a_province_officer(client, province_officer, programme):
    client.force_login(province_officer)
    response = client.post(reverse("reports:refresh"), {"next": "/reports/"})
    assert response.status_code == 302
    assert SummaryState.objects.get().people == 15


def test_monthly_report_xlsx_and_pdf(client, province_officer, refreshed):
    client.force_login(province_officer)
    url = reverse("reports:monthly")
    response = client.get(url, {"programme": refreshed.pk, "month": "2025-08", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    alor = next(row for row in rows if row[0] == "53.05")
    assert alor[2:5] == (5, 5, 0)
    assert rows[-2][1] in {"Total", "Jumlah"} and rows[-2][2] == 7
    pdf = client.get(url, {"programme": refreshed.pk, "month": "2025-08", "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_monthly_report_rejects_a_bad_month(client, province_officer, refreshed):
    client.force_login(province_officer)
    response = client.get(reverse("reports:monthly"), {"programme": refreshed.pk, "month": "08-25"})
    assert response.status_code == 400


def test_monthly_report_needs_money_permission(client, insurer_liaison, refreshed):
    client.force_login(insurer_liaison)
    response = client.get(reverse("reports:monthly"), {"programme": refreshed.pk})
    assert response.status_code == 403


def test_monthly_report_opens_on_the_latest_month_with_data(client, province_officer, refreshed):
    """Without a month it shows the newest month that has figures, and the selector says so.

    It used to open on today's month (outside the programme, every figure zero) while the
    selector showed the programme's first month.
    """
    import datetime

    from lindungi.reports.models import MonthlyHeadcount

    MonthlyHeadcount.objects.bulk_create(
        MonthlyHeadcount(programme=refreshed, regency_id="53.05", month=month, covered=covered)
        for month, covered in [(datetime.date(2025, 8, 1), 4), (datetime.date(2025, 9, 1), 5)]
    )
    client.force_login(province_officer)
    response = client.get(reverse("reports:monthly"), {"programme": refreshed.pk})
    assert response.status_code == 200
    assert str(response.context["month"]) == "2025-09"
    html = response.content.decode()
    assert '<option value="2025-09" selected>' in html
    assert html.count(" selected>") == 1
    assert response.context["report"].total("covered") == 5


def test_monthly_report_month_outside_the_programme_falls_back(client, province_officer, refreshed):
    client.force_login(province_officer)
    response = client.get(
        reverse("reports:monthly"), {"programme": refreshed.pk, "month": "2030-01"}
    )
    assert response.status_code == 200
    month = response.context["month"]
    assert month in response.context["months"]
    assert f'<option value="{month}" selected>' in response.content.decode()
