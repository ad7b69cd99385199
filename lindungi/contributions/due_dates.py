"""When a month's contribution is due: the 15th, moved to the next working day.

Working days exclude Saturdays, Sundays and the national holidays (hari libur nasional) of the
joint decree of the Ministers of Religious Affairs, Manpower and Administrative Reform (SKB 3
Menteri) for each year. Collective leave days (cuti bersama) are not holidays for payment
purposes: banks and the regional treasury settle on them, so they are not listed.

2025: SKB No. 1017/2024, 2/2024, 2/2024. 2026: SKB No. 1497/2025, 2/2025, 5/2025.
2027: no decree yet when this table was written; the fixed-date holidays are certain and the
lunar ones are the Ministry of Religious Affairs' calendar estimates, marked PROVISIONAL below.
Replace them when the 2027 SKB is published.
"""

import logging
from datetime import date, timedelta

from lindungi.core.dates import Month

DUE_DAY = 15

# The seed of the Holiday records (migration contributions 0005); the records are what is read.
NATIONAL_HOLIDAYS: dict[date, str] = {
    # 2025
    date(2025, 1, 1): "Tahun Baru Masehi",
    date(2025, 1, 27): "Isra Mikraj",
    date(2025, 1, 29): "Tahun Baru Imlek",
    date(2025, 3, 29): "Hari Suci Nyepi",
    date(2025, 3, 31): "Idulfitri 1446 H",
    date(2025, 4, 1): "Idulfitri 1446 H",
    date(2025, 4, 18): "Wafat Yesus Kristus",
    date(2025, 4, 20): "Kebangkitan Yesus Kristus",
    date(2025, 5, 1): "Hari Buruh Internasional",
    date(2025, 5, 12): "Hari Raya Waisak",
    date(2025, 5, 29): "Kenaikan Yesus Kristus",
    date(2025, 6, 1): "Hari Lahir Pancasila",
    date(2025, 6, 6): "Iduladha 1446 H",
    date(2025, 6, 27): "Tahun Baru Islam 1447 H",
    date(2025, 8, 17): "Proklamasi Kemerdekaan",
    date(2025, 9, 5): "Maulid Nabi Muhammad",
    date(2025, 12, 25): "Kelahiran Yesus Kristus",
    # 2026
    date(2026, 1, 1): "Tahun Baru Masehi",
    date(2026, 1, 16): "Isra Mikraj",
    date(2026, 2, 17): "Tahun Baru Imlek",
    date(2026, 3, 19): "Hari Suci Nyepi",
    date(2026, 3, 21): "Idulfitri 1447 H",
    date(2026, 3, 22): "Idulfitri 1447 H",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 4, 5): "Kebangkitan Yesus Kristus",
    date(2026, 5, 1): "Hari Buruh Internasional",
    date(2026, 5, 14): "Kenaikan Yesus Kristus",
    date(2026, 5, 27): "Iduladha 1447 H",
    date(2026, 5, 31): "Hari Raya Waisak",
    date(2026, 6, 1): "Hari Lahir Pancasila",
    date(2026, 6, 16): "Tahun Baru Islam 1448 H",
    date(2026, 8, 17): "Proklamasi Kemerdekaan",
    date(2026, 8, 25): "Maulid Nabi Muhammad",
    date(2026, 12, 25): "Kelahiran Yesus Kristus",
    # 2027 (fixed dates certain; PROVISIONAL: lunar and moving dates pending the SKB)
    date(2027, 1, 1): "Tahun Baru Masehi",
    date(2027, 1, 5): "Isra Mikraj (PROVISIONAL)",
    date(2027, 2, 6): "Tahun Baru Imlek (PROVISIONAL)",
    date(2027, 3, 8): "Hari Suci Nyepi (PROVISIONAL)",
    date(2027, 3, 10): "Idulfitri 1448 H (PROVISIONAL)",
    date(2027, 3, 11): "Idulfitri 1448 H (PROVISIONAL)",
    date(2027, 3, 26): "Wafat Yesus Kristus",
    date(2027, 3, 28): "Kebangkitan Yesus Kristus",
    date(2027, 5, 1): "Hari Buruh Internasional",
    date(2027, 5, 6): "Kenaikan Yesus Kristus",
    date(2027, 5, 17): "Iduladha 1448 H (PROVISIONAL)",
    date(2027, 5, 20): "Hari Raya Waisak (PROVISIONAL)",
    date(2027, 6, 1): "Hari Lahir Pancasila",
    date(2027, 6, 6): "Tahun Baru Islam 1449 H (PROVISIONAL)",
    date(2027, 8, 15): "Maulid Nabi Muhammad (PROVISIONAL)",
    date(2027, 8, 17): "Proklamasi Kemerdekaan",
    date(2027, 12, 25): "Kelahiran Yesus Kristus",
}

SKB_SOURCES = {
    2025: "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024",
    2026: "SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025",
    2027: "no SKB yet: fixed dates certain, lunar dates estimated (PROVISIONAL)",
}

logger = logging.getLogger(__name__)


def _days_off(year: int, regency_code: str | None) -> frozenset[date] | None:
    """The year's days off that move a due date, from the Holiday records; None without any."""
    from django.db.models import Q

    from lindungi.contributions.models import Holiday

    rows = Holiday.objects.filter(day__year=year)
    if not rows.filter(regency__isnull=True).exists():
        return None
    rows = rows.filter(moves_due_date=True).filter(
        Q(regency__isnull=True) | Q(regency_id=regency_code)
    )
    return frozenset(rows.values_list("day", flat=True))


def has_holiday_calendar(year: int) -> bool:
    from lindungi.contributions.models import Holiday

    return Holiday.objects.filter(day__year=year, regency__isnull=True).exists()


def is_working_day(day: date, days_off: frozenset[date] | None = None) -> bool:
    if days_off is None:
        days_off = _days_off(day.year, None) or frozenset()
    return day.weekday() < 5 and day not in days_off


def next_working_day(day: date, regency_code: str | None = None) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    days_off = _days_off(day.year, regency_code) or frozenset()
    while not is_working_day(day, days_off):
        day += timedelta(days=1)
        if day.month == 1 and day.day == 1:
            days_off = _days_off(day.year, regency_code) or frozenset()
    return day


def due_date(month: Month, regency_code: str | None = None) -> date:
    """The payment due date of a contribution month (DOMAIN.md §2).

    A year without holiday records warns (logged, and `has_holiday_calendar` is False so the
    invoice says so) and moves the date over weekends only, instead of refusing to bill: the
    administrator adds the year's holidays when the SKB is published.
    """
    if not has_holiday_calendar(month.year):
        logger.warning(
            "no holiday calendar for %s: due dates skip weekends only; add the year's holidays",
            month.year,
        )
    return next_working_day(date(month.year, month.month, DUE_DAY), regency_code)
