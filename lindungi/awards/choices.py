"""States and codes of the Paritrana Award. Values are stable: they are stored and exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    # Criteria are being set; nobody fills anything in yet.
    DRAFT = "draft", _("Preparing criteria")
    # Regency officers fill in and submit their self-assessments.
    OPEN = "open", _("Self-assessment open")
    # The panel verifies evidence, interviews and scores.
    REVIEW = "review", _("Panel review")
    # The ranking is final and public.
    PUBLISHED = "published", _("Results published")


class CategoryKind(models.TextChoices):
    REGENCY_GOVERNMENT = "regency_government", _("Kabupaten/kota government")
    VILLAGE = "village", _("Village government")
    ENTERPRISE_LARGE = "enterprise_large", _("Large enterprise")
    ENTERPRISE_MEDIUM = "enterprise_medium", _("Medium enterprise")
    ENTERPRISE_SMALL = "enterprise_small", _("Small enterprise")


class IndicatorKind(models.TextChoices):
    # Lindungi computes the figure from its own data.
    COMPUTED = "computed", _("Computed by Lindungi")
    # The participant enters the figure and names its source.
    ENTERED = "entered", _("Entered with its source")
    # Nothing to fill in: the panel scores it (the interview).
    INTERVIEW = "interview", _("Interview (panel only)")


class ComputedIndicator(models.TextChoices):
    """What Lindungi can compute for a kabupaten/kota over the assessment year."""

    COVERAGE_OF_POOR = "coverage_of_poor", _("Vulnerable workers covered per poor population")
    OWN_BUDGET_PEOPLE = "own_budget_people", _("People funded by the regency's own budget")
    INVOICES_ON_TIME = "invoices_on_time", _("Share of the regency's invoices paid on time")
    UNBROKEN_MONTHS = "unbroken_months", _("Months of unbroken coverage")


class ScoreRule(models.TextChoices):
    MEAN = "mean", _("Mean of the panel's scores")
    # With at least three scores the highest and the lowest are dropped.
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and lowest score")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled in")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned by the panel")
