"""The public page and the public API: no person, no count under 10, small, no script."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from lindungi.reports.models import MonthlyHeadcount, ProgrammeRegencySummary
from lindungi.reports.services import refresh_summaries


def _approve(programme, user):
    from lindungi.programs.approval import approve_run
    from lindungi.programs.selectors import current_run

    approve_run(user=user, run=current_run(programme))


@pytest.fixture
def published(programme, province_admin):
    """Refreshed summaries of an approved programme, plus monthly headcounts on each side of
    the threshold: August 9 (Alor only), September 5 + 5 = 10, October 30 + 4 = 34."""
    _approve(programme, province_admin)
    refresh_summaries()
    rows = [
        ("53.05", datetime.date(2025, 8, 1), 9),
        ("53.05", datetime.date(2025, 9, 1), 5),
        ("53.03", datetime.date(2025, 9, 1), 5),
        ("53.05", datetime.date(2025, 10, 1), 30),
        ("53.03", datetime.date(2025, 10, 1), 4),
    ]
    MonthlyHeadcount.objects.bulk_create(
        MonthlyHeadcount(programme=programme, regency_id=code, month=month, covered=covered)
        for code, month, covered in rows
    )
    return programme


def _cells(html: str) -> list[str]:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_public_page_shows_no_nik_and_no_name(client, people, published):
    html = client.get(reverse("reports:public")).content.decode()
    for person in people["alor"] + people["ttu"]:
        assert person.nik not in html
        assert person.full_name not in html
        assert person.kk_number not in html
    assert "Kabupaten Alor" in html


def test_public_page_hides_small_counts_per_regency(client, published):
    response = client.get(reverse("reports:public"))
    regencies = response.context["bars"]
    assert len(regencies) == 22
    # Alor 12 candidates and 5 selected, TTU 3: all hidden (12 would give TTU's 3 away).
    for bar in regencies:
        assert bar["row"].candidates is None and bar["row"].covered is None
        assert bar["width"] == 0
    cells = _cells(response.content.decode())
    numbers = [cell for cell in cells if cell and cell[0].isdigit()]
    # The only numbers in the tables are the months at or above 10 (Sep 10, Oct 34).
    assert numbers == ["10", "34"]
    assert cells.count("&lt;10") == 22 * 2 + 1


def test_public_page_hides_small_counts_per_month(client, published):
    response = client.get(reverse("reports:public"))
    months = response.context["months"]
    assert months == [("Agustus 2025", None), ("September 2025", 10), ("Oktober 2025", 34)]
    html = response.content.decode()
    assert '<td>Agustus 2025</td><td class="n">&lt;10</td>' in html


def test_public_totals_hide_small_counts(client, published):
    totals = client.get(reverse("reports:public")).context["totals"]
    # 15 candidates shown; 7 selected and 0 active hidden; the quota is a target, not people.
    assert totals == {"candidates": 15, "quota": 7, "selected": None, "active": None}


def test_public_page_is_small_described_and_needs_no_script(client, published):
    response = client.get(reverse("reports:public"))
    html = response.content.decode()
    assert len(response.content) < 30_000
    assert "<script" not in html
    assert '<link rel="stylesheet"' not in html
    assert '<meta name="description" content="' in html
    assert '<meta property="og:title" content="Pekerja terlindungi dalam angka · Uji 2025">' in html
    assert '<meta property="og:url" content="http://testserver/reports/publik/">' in html
    assert response["Cache-Control"] == "public, max-age=300"


def test_public_page_needs_no_login_and_works_before_any_figures(client, db):
    response = client.get(reverse("reports:public"))
    assert response.status_code == 200
    assert response.context["months"] == []


def test_public_api_never_returns_a_count_under_ten(client, published):
    ProgrammeRegencySummary.objects.filter(regency_id="53.05").update(selected=40, active=40)
    ProgrammeRegencySummary.objects.filter(regency_id="53.03").update(active=2)
    rows = json.loads(client.get(reverse("api:public-regencies")).content)
    assert len(rows) == 22
    values = [row[key] for row in rows for key in ("candidates", "covered")]
    assert all(value is None or value >= 10 for value in values)
    alor = next(row for row in rows if row["code"] == "53.05")
    # 40 covered in Alor, every other regency 2 or 0: hidden ones add up to 2 (TTU), so the
    # smallest shown one (Alor's 40) is hidden as well.
    assert alor["covered"] is None


def test_public_page_explains_the_programme_with_a_language_switch_and_a_contact(client, db):
    page = client.get(reverse("reports:public")).content.decode()
    assert "Tentang program ini" in page
    assert "membayar iuran bulanannya dari APBD" in page
    assert 'href="?lang=en"' in page
    assert "layanan masyarakat 175" in page
    english = client.get(reverse("reports:public"), {"lang": "en"}).content.decode()
    assert "About the programme" in english
    assert '<html lang="en">' in english
    # The switch is for that page only: the next page is Indonesian again.
    assert "Tentang program ini" in client.get(reverse("reports:public")).content.decode()
