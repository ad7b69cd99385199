"""The roles a Lindungi user can hold. Kept in core so permissions need no domain model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    REGENCY_OFFICER = "regency_officer", _("Regency officer")
    INSURER_LIAISON = "insurer_liaison", _("Insurer liaison")
    AUDITOR = "auditor", _("Auditor")
    # Paritrana Award assessors (awards app): score the regencies, see no people or money.
    PANEL_MEMBER = "panel_member", _("Panel member")
