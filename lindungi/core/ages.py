"""Ages and working-age bands, computed from birth dates by plain date comparisons.

Comparing a birth date with cut-off dates (rather than computing ages in SQL) keeps queries
portable between SQLite and PostgreSQL and lets the database use an index on the birth date.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    """Working-age bands used by the dashboards and the people lists."""

    FROM_15 = "15-24", _("15–24 years")
    FROM_25 = "25-34", _("25–34 years")
    FROM_35 = "35-44", _("35–44 years")
    FROM_45 = "45-54", _("45–54 years")
    FROM_55 = "55-65", _("55–65 years")
    OTHER = "other", _("Under 15 or over 65")


# band, youngest age, oldest age (inclusive)
AGE_BANDS: tuple[tuple[AgeBand, int, int], ...] = (
    (AgeBand.FROM_15, 15, 24),
    (AgeBand.FROM_25, 25, 34),
    (AgeBand.FROM_35, 35, 44),
    (AgeBand.FROM_45, 45, 54),
    (AgeBand.FROM_55, 55, 65),
)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def band_limits(as_of: date) -> list[tuple[str, date, date]]:
    """(band, born after, born on or before) for each band: aged youngest..oldest on `as_of`."""
    return [
        (band.value, years_before(as_of, oldest + 1), years_before(as_of, youngest))
        for band, youngest, oldest in AGE_BANDS
    ]
