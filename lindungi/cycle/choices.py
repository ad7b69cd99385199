"""States and codes of the yearly cycle. Values are stable: they are stored and exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RenewalStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    VERIFIED = "verified", _("Re-verified")
    APPROVED = "approved", _("Approved and carried over")


class EntryOutcome(models.TextChoices):
    CONTINUES = "continues", _("Continues")
    LEAVES = "leaves", _("Leaves")
    NEWLY_ELIGIBLE = "newly_eligible", _("Newly eligible")


class LeaveReason(models.TextChoices):
    """Why a participant does not continue. The first that applies is the one given, in this
    order, so every person has exactly one reason."""

    DECEASED = "deceased", _("Died (death list)")
    WAGE_EARNER = "wage_earner", _("Became a wage earner (insurer's list)")
    LAPSED = "lapsed", _("Lapsed for non-payment")
    MOVED_OUT = "moved_out", _("Moved out of the region")
    AGE_LIMIT = "age_limit", _("Crossed the age limit")
    DESIL_ABOVE_LIMIT = "desil_above_limit", _("Welfare decile above the limit in the newer data")
    # Next year's cohort funds fewer places than continue (2026: the province funds 50,000).
    NO_PLACE = "no_place", _("No place left in next year's cohort")
    EXCEPTION = "exception", _("Removed by the province (exception)")
