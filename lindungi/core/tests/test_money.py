from datetime import date

import pytest

from lindungi.core.dates import MONTH_ALIASES, Month, format_date, months_between
from lindungi.core.money import format_number, format_rupiah, largest_remainder


def test_formats_rupiah_with_dots_and_no_decimals():
    assert format_rupiah(1_680_000_000) == "Rp1.680.000.000"
    assert format_rupiah(16_800) == "Rp16.800"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(-8_400) == "-Rp8.400"
    assert format_rupiah(None) == "–"
    assert format_number(100_000) == "100.000"


def test_refuses_to_format_floats_as_money():
    with pytest.raises(TypeError):
        format_rupiah(16800.0)


def test_largest_remainder_adds_up_exactly_and_favours_largest_remainders():
    assert largest_remainder(10, [("a", 1), ("b", 1), ("c", 1)]) == {"a": 4, "b": 3, "c": 3}
    shares = largest_remainder(100_000, [(f"r{i}", 1000 + 37 * i) for i in range(22)])
    assert sum(shares.values()) == 100_000
    # 7 split 50:30:20 → exact 3.5, 2.1, 1.4 → floors 3,2,1 and the last unit to the .5
    assert largest_remainder(7, [("x", 50), ("y", 30), ("z", 20)]) == {"x": 4, "y": 2, "z": 1}


def test_largest_remainder_breaks_ties_deterministically_and_handles_zero_weights():
    assert largest_remainder(1, [("a", 1), ("b", 1)]) == {"a": 1, "b": 0}
    assert largest_remainder(5, [("a", 0), ("b", 2)]) == {"a": 0, "b": 5}
    assert largest_remainder(0, [("a", 0)]) == {"a": 0}
    with pytest.raises(ValueError):
        largest_remainder(5, [("a", 0)])
    with pytest.raises(ValueError):
        largest_remainder(-1, [("a", 1)])


def test_formats_dates_in_indonesian_and_english():
    assert format_date(date(2025, 7, 18)) == "18 Juli 2025"
    assert format_date(date(2025, 7, 18), "en") == "18 July 2025"
    assert MONTH_ALIASES["maret"] == 3
    assert MONTH_ALIASES["agt"] == 8
    assert MONTH_ALIASES["des"] == 12


def test_months_iterate_across_years():
    assert Month.parse("2025-12").next() == Month(2026, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    assert [str(m) for m in months_between(Month(2025, 7), Month(2025, 12))] == [
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
    ]
    with pytest.raises(ValueError):
        Month.parse("2025/07")
