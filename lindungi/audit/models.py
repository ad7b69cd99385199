"""The append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditRowIsImmutable(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRowIsImmutable("Audit rows cannot be updated.")

    def delete(self):
        raise AuditRowIsImmutable("Audit rows cannot be deleted.")

    # `_raw_delete` and `bulk_update` both end in update()/delete() above.


class AuditSource(models.TextChoices):
    REQUEST = "request", _("Web request")
    JOB = "job", _("Background job")
    COMMAND = "command", _("Command line")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Users are deactivated, never deleted, so the trail keeps pointing at them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # {"field": [before, after]} for changed fields; summaries of bulk work go under "summary".
    changes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=AuditSource.choices)
    source_reference = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRowIsImmutable("Audit rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRowIsImmutable("Audit rows cannot be deleted.")
