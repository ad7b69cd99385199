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


class SummaryPart(models.TextChoices):
    """The summary tables a refresh can rebuild, in the order it rebuilds them."""

    PEOPLE = "people", _("Candidates by regency, sex, age band, desil and occupation")
    # Only the candidates column of the funnel (after an import, when decisions did not move).
    CANDIDATES = "candidates", _("Candidates per programme and regency")
    FUNNEL = "funnel", _("Quota, decisions and enrollments per programme and regency")
    HEADCOUNT = "headcount", _("Workers covered per month")


# What each kind of change can move. Money figures are read live from invoices, so billing
# only matters where it ends or lapses enrollments.
REFRESH_PARTS: dict[str, tuple[SummaryPart, ...]] = {
    "all": (SummaryPart.PEOPLE, SummaryPart.FUNNEL, SummaryPart.HEADCOUNT),
    "registry.import": (SummaryPart.PEOPLE, SummaryPart.CANDIDATES),
    "programs.selection": (SummaryPart.FUNNEL,),
    "programs.approval": (SummaryPart.FUNNEL,),
    "enrollment.submission": (SummaryPart.FUNNEL, SummaryPart.HEADCOUNT),
    "enrollment.response": (SummaryPart.FUNNEL, SummaryPart.HEADCOUNT),
    "enrollment.exit": (SummaryPart.FUNNEL, SummaryPart.HEADCOUNT),
    "contributions.billing": (SummaryPart.FUNNEL, SummaryPart.HEADCOUNT),
}
