from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from lindungi.core.dates import Month
from lindungi.web.templatetags.lindungi import angka, bulan, persen, rupiah, tanggal, waktu


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_680_000_000, "Rp1.680.000.000"),
        (0, "Rp0"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (-5000, "-Rp5.000"),
        (Decimal("43200"), "Rp43.200"),
        (None, "–"),
    ],
)
def test_rupiah(value, expected):
    assert rupiah(value) == expected


@pytest.mark.parametrize("value", [Decimal("10.50"), 10.5, "1000", True])
def test_rupiah_refuses_anything_but_whole_rupiah(value):
    with pytest.raises(TypeError):
        rupiah(value)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (100_000, None, "100.000"),
        (-1_234_567, None, "-1.234.567"),
        (1234.5, 1, "1.234,5"),
        (Decimal("1234.56"), 1, "1.234,6"),
        (0.25, 2, "0,25"),
        (1234.4, None, "1.234"),
        (None, None, "–"),
    ],
)
def test_angka(value, decimals, expected):
    assert angka(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.125, "12,5%"), (1, "100,0%"), (Decimal("0.3333"), "33,3%"), (0, "0,0%"), (None, "–")],
)
def test_persen(value, expected):
    assert persen(value) == expected


def test_persen_with_decimals():
    assert persen(0.12345, 2) == "12,35%"
    assert persen(0.5, 0) == "50%"


def test_tanggal_in_indonesian_and_english():
    with translation.override("id"):
        assert tanggal(date(2025, 7, 18)) == "18 Juli 2025"
        assert tanggal(date(2025, 2, 1)) == "1 Februari 2025"
    with translation.override("en"):
        assert tanggal(date(2025, 7, 18)) == "18 July 2025"
    assert tanggal(None) == "–"


def test_tanggal_shows_aware_datetimes_on_the_wita_calendar():
    # 17 July 20:00 UTC is already 18 July 04:00 in Kupang.
    moment = datetime(2025, 7, 17, 20, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"):
        assert tanggal(moment) == "18 Juli 2025"


def test_tanggal_refuses_text():
    with pytest.raises(TypeError):
        tanggal("2025-07-18")


def test_filters_work_in_templates():
    template = Template(
        "{% load lindungi %}{{ amount|rupiah }} | {{ count|angka }} | {{ day|tanggal }}"
        " | {{ share|persen }} | {{ missing|rupiah }}"
    )
    context = Context(
        {"amount": 1_680_000_000, "count": 100000, "day": date(2025, 7, 18), "share": 0.5}
    )
    with translation.override("id"):
        assert template.render(context) == "Rp1.680.000.000 | 100.000 | 18 Juli 2025 | 50,0% | –"


def test_waktu_shows_a_moment_on_the_wita_clock_in_words_not_iso():
    # 17 July 20:05 UTC is 18 July 04:05 in Kupang; pages showed "2025-07-17 20:05".
    moment = datetime(2025, 7, 17, 20, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"):
        assert waktu(moment) == "18 Juli 2025 04.05"
    with translation.override("en"):
        assert waktu(moment) == "18 July 2025 04:05"
    assert waktu(None) == "–"
    with pytest.raises(TypeError):
        waktu(date(2025, 7, 18))


def test_bulan_names_the_month():
    with translation.override("id"):
        assert bulan(Month(2025, 8)) == "Agustus 2025"
        assert bulan(date(2025, 8, 1)) == "Agustus 2025"
    with translation.override("en"):
        assert bulan(date(2025, 8, 1)) == "August 2025"
    with pytest.raises(TypeError):
        bulan("2025-08")
