from datetime import date

import pytest

from lindungi.contributions.due_dates import (
    due_date,
    has_holiday_calendar,
    is_working_day,
    next_working_day,
)
from lindungi.contributions.models import Holiday
from lindungi.core.dates import Month

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (Month(2025, 7), date(2025, 7, 15)),  # Tuesday
        (Month(2025, 6), date(2025, 6, 16)),  # Sunday -> Monday
        (Month(2025, 11), date(2025, 11, 17)),  # Saturday -> Monday
        (Month(2026, 8), date(2026, 8, 17 + 1)),  # Saturday 15, Monday 17 is Independence Day
        (Month(2026, 1), date(2026, 1, 15)),  # Thursday; the 16th is the holiday, not the 15th
        (Month(2027, 5), date(2027, 5, 17 + 1)),  # Saturday 15, Monday 17 Iduladha (provisional)
    ],
)
def test_due_date_moves_to_next_working_day(month, expected):
    assert due_date(month) == expected


def test_holidays_and_weekends_are_not_working_days():
    assert is_working_day(date(2025, 8, 18)) is True
    assert is_working_day(date(2025, 12, 25)) is False
    assert is_working_day(date(2025, 12, 27)) is False
    assert next_working_day(date(2026, 3, 21)) == date(2026, 3, 23)


def test_a_year_without_holidays_warns_instead_of_failing(caplog):
    # The old defect: the table was code and raised for 2024 and 2028.
    with caplog.at_level("WARNING"):
        assert due_date(Month(2028, 1)) == date(2028, 1, 17)  # Saturday 15 -> Monday
    assert "2028" in caplog.text
    assert has_holiday_calendar(2028) is False


def test_an_administrator_adds_a_year_and_a_regional_holiday():
    Holiday.objects.create(day=date(2028, 1, 17), name="Contoh libur", source="SKB 2027")
    assert due_date(Month(2028, 1)) == date(2028, 1, 18)
    Holiday.objects.create(
        day=date(2025, 7, 15), name="HUT Kabupaten Alor", kind="regional", regency_id="53.05"
    )
    assert due_date(Month(2025, 7), "53.05") == date(2025, 7, 16)
    assert due_date(Month(2025, 7), "53.03") == date(2025, 7, 15)


def test_cuti_bersama_does_not_move_a_due_date_unless_marked():
    Holiday.objects.create(
        day=date(2025, 7, 15), name="Cuti bersama", kind="cuti_bersama", moves_due_date=False
    )
    assert due_date(Month(2025, 7)) == date(2025, 7, 15)
