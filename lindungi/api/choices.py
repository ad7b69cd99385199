"""States and codes of the API app. Values are stable: they are stored and exchanged."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.core.roles import Role


class ClientRole(models.TextChoices):
    """What a system client acts as: a user role, or public statistics (no personal data)."""

    PROVINCE_OFFICER = Role.PROVINCE_OFFICER.value, Role.PROVINCE_OFFICER.label
    REGENCY_OFFICER = Role.REGENCY_OFFICER.value, Role.REGENCY_OFFICER.label
    INSURER_LIAISON = Role.INSURER_LIAISON.value, Role.INSURER_LIAISON.label
    AUDITOR = Role.AUDITOR.value, Role.AUDITOR.label
    PUBLIC_STATISTICS = "public_statistics", _("Public statistics")


class TransactionStatus(models.TextChoices):
    """DCI request status (`rcvd|pdng|succ|rjct`)."""

    RECEIVED = "rcvd", _("Received")
    PENDING = "pdng", _("Pending")
    SUCCEEDED = "succ", _("Succeeded")
    REJECTED = "rjct", _("Rejected")


class SubscriptionStatus(models.TextChoices):
    SUBSCRIBED = "subscribe", _("Subscribed")
    UNSUBSCRIBED = "unsubscribe", _("Unsubscribed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (retries exhausted)")


class NotifyEvent(models.TextChoices):
    """What happened to a subscribed person, in Lindungi's words."""

    JOINED = "joined", _("Joined the registry")
    ENROLLED = "enrolled", _("Enrolled")
    EXITED = "exited", _("Exited")
