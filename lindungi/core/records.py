"""The rejected-row record every import keeps, declared once (an abstract model: each import
has its own table, with its own reason codes and its own link to the import)."""

from django.db import models


class RejectedRowRecord(models.Model):
    """A row that was not taken, with its values exactly as read and a stable reason."""

    row_number = models.PositiveIntegerField()  # as a spreadsheet shows it: header is row 1
    original = models.JSONField()  # header -> value as read (text)
    message = models.CharField(max_length=300)
    nik = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True
