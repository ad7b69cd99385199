"""System API clients, their DCI transactions, subscriptions and notify deliveries.

A client acts through its own system user (role and region copied from the client), so every
read and write it makes passes the same `core.permissions` checks and audit as a person's.
Its token is shown once; only a SHA-256 hash is kept (tokens are 256-bit random, so a fast
hash is enough: there is nothing to guess that a slow hash would protect).
"""

from django.conf import settings
from django.db import models

from lindungi.api.choices import (
    ClientRole,
    DeliveryStatus,
    NotifyEvent,
    SubscriptionStatus,
    TransactionStatus,
)


class ApiClient(models.Model):
    REGENCY_SCOPE_FIELD = "regency_id"

    name = models.CharField(max_length=80, unique=True)
    role = models.CharField(max_length=20, choices=ClientRole.choices)
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    # The first characters of the token find the client; the hash proves the rest.
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    # An Ed25519 public key (PEM) when the client signs its DCI messages.
    signing_key = models.TextField(blank=True)
    requests_per_minute = models.PositiveIntegerField(default=600)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DciTransaction(models.Model):
    """One DCI request as received, and what was answered: the log that txn/status reads.

    A refused request keeps only this row (nothing else is stored from it)."""

    client = models.ForeignKey(ApiClient, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    path = models.CharField(max_length=100)
    message_id = models.CharField(max_length=200, blank=True)
    transaction_id = models.CharField(max_length=200, blank=True)
    correlation_id = models.CharField(max_length=40, unique=True)
    reference_ids = models.JSONField(default=list, blank=True)
    sender_uri = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=4, choices=TransactionStatus.choices)
    status_reason_code = models.CharField(max_length=60, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    request = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "transaction_id"], name="api_dcitxn_client_txn")]

    def __str__(self) -> str:
        return f"{self.action} {self.correlation_id} ({self.status})"


class Subscription(models.Model):
    REGENCY_SCOPE_FIELD = "client__regency_id"

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="subscriptions")
    code = models.CharField(max_length=40, unique=True)
    reference_id = models.CharField(max_length=200)
    reg_event_type = models.CharField(max_length=100)
    notify_record_type = models.CharField(max_length=60)
    filter_type = models.CharField(max_length=20)
    filter = models.JSONField()
    notify_uri = models.CharField(max_length=500)
    status = models.CharField(
        max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.SUBSCRIBED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class NotifyDelivery(models.Model):
    """One notify callback: what was sent where, how often it was tried, and the outcome."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.CharField(max_length=10, choices=NotifyEvent.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription_id} ({self.status})"


class NotifyCursor(models.Model):
    """How far the notify dispatcher has read the registry and the enrollment events (one row):
    each change is matched against the subscriptions once."""

    last_person_id = models.BigIntegerField(default=0)
    last_enrollment_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"person {self.last_person_id}, event {self.last_enrollment_event_id}"
