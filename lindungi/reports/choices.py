from django.db import models
from django.utils.translation import gettext_lazy as _

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
