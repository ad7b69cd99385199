from datetime import date

import pytest

from lindungi.contributions.due_dates import due_date, is_working_day, next_working_day
from lindungi.core.dates import Month


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


def test_refuses_a_year_without_holiday_table():
    with pytest.raises(ValueError, match="2028"):
        due_date(Month(2028, 1))
