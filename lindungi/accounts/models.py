from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.db.models import Q

from lindungi.core.roles import Role


class UserManager(DjangoUserManager):
    """create_user and create_superuser (also `createsuperuser --noinput`) refuse a password
    that AUTH_PASSWORD_VALIDATORS reject (issue 12.5); None still means an unusable one."""

    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, None, **extra_fields)
        if password is not None:
            validate_password(password, user)
            user.set_password(password)
        return user


class User(AbstractUser):
    objects = UserManager()

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
