from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from lindungi.core.roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    # Only a regency officer is bound to one kabupaten/kota; the constraint keeps it that way.
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.REGENCY_OFFICER) & Q(regency__isnull=False))
                | (~Q(role=Role.REGENCY_OFFICER) & Q(regency__isnull=True)),
                name="accounts_user_regency_only_for_regency_officer",
            )
        ]

    @property
    def role_label(self) -> str:
        if self.is_superuser and not self.role:
            return "Superuser"
        return self.get_role_display()
