"""Indonesian month names, date formatting, and calendar months as values."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _aliases() -> dict[str, int]:
    aliases: dict[str, int] = {}
    for number, (indonesian, english) in enumerate(zip(MONTHS_ID, MONTHS_EN, strict=True), 1):
        for name in (indonesian, english):
            aliases[name.lower()] = number
            aliases[name[:3].lower()] = number
    # Abbreviations seen in Indonesian spreadsheets.
    aliases.update({"agt": 8, "agu": 8, "ags": 8, "okt": 10, "nop": 11, "des": 12, "peb": 2})
    aliases.update({"sept": 9, "pebruari": 2, "nopember": 11})
    return aliases


# Lower-case month name or abbreviation (Indonesian or English) → month number.
MONTH_ALIASES: dict[str, int] = _aliases()


def format_date(value: date | None, language: str = "id") -> str:
    """18 Juli 2025 (Indonesian) or 18 July 2025 (English)."""
    if value is None:
        return "–"
    names = MONTHS_EN if language.startswith("en") else MONTHS_ID
    return f"{value.day} {names[value.month - 1]} {value.year}"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, the unit of billing and coverage counting."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Parse "2025-07"."""
        try:
            year, month = text.strip().split("-")
            return cls(int(year), int(month))
        except ValueError:
            raise ValueError(f"{text!r} is not a month in the form YYYY-MM") from None

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self, language: str = "id") -> str:
        names = MONTHS_EN if language.startswith("en") else MONTHS_ID
        return f"{names[self.month - 1]} {self.year}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, inclusive."""
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = current.next()
    return months


def local_today() -> date:
    """Today where the programme runs (settings.TIME_ZONE, WITA for NTT), not on the server's
    clock: the one helper every "today" comes from. date.today() is the server's date, which
    differs for eight hours of every day on a UTC server."""
    return timezone.localdate()
