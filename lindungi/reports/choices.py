from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    """Working-age bands on the day the summaries were refreshed."""

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

# Public figures below this are shown as "<10" so that nobody can be singled out.
PUBLIC_MINIMUM_COUNT = 10
