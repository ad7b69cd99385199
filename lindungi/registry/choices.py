from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class PovertyLabel(models.TextChoices):
    """Derived from the welfare decile by a configurable mapping (DOMAIN.md §5)."""

    EXTREME_POOR = "extreme_poor", _("Extremely poor")
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near poor")
    VULNERABLE = "vulnerable", _("Vulnerable")
    NOT_POOR = "not_poor", _("Not poor")
    UNKNOWN = "unknown", _("Unknown")
