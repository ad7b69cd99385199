"""Summary tables behind the dashboards and the public page.

At a million people, counting the registry, the decisions and the enrollments on every page view
costs seconds; these tables hold the same counts grouped by the few dimensions the dashboards
show (a few thousand rows), rebuilt in SQL by `reports.services.refresh_summaries()`.
They are derived data: deleting them loses nothing, refreshing them rebuilds them exactly.
"""

from django.db import models


class SummaryState(models.Model):
    """One row: when the summaries were last rebuilt (the dashboards show it)."""

    refreshed_at = models.DateTimeField()
    # The day ages were computed for (age bands move with time).
    as_of = models.DateField()
    people = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"summaries of {self.refreshed_at:%Y-%m-%d %H:%M}"


class PeopleSummary(models.Model):
    """Candidates in the registry counted by regency, sex, age band, desil and occupation."""

    REGENCY_SCOPE_FIELD = "regency_id"

    regency = models.ForeignKey("regions.Regency", on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=1)
    age_band = models.CharField(max_length=8)
    desil = models.PositiveSmallIntegerField(null=True)
    occupation = models.CharField(max_length=100)
    deceased = models.BooleanField(default=False)
    people = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["regency"], name="reports_people_regency")]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.sex} {self.age_band} {self.desil}: {self.people}"


class ProgrammeRegencySummary(models.Model):
    """The funnel of one programme in one regency: its current run, then its enrollments."""

    REGENCY_SCOPE_FIELD = "regency_id"

    programme = models.ForeignKey("programs.Programme", on_delete=models.CASCADE, related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["programme", "regency"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "regency"], name="reports_programme_regency_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.regency_id}"


class MonthlyHeadcount(models.Model):
    """People covered on any day of a month, per programme and regency (from enrollments)."""

    REGENCY_SCOPE_FIELD = "regency_id"

    programme = models.ForeignKey("programs.Programme", on_delete=models.CASCADE, related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    covered = models.PositiveIntegerField()

    class Meta:
        ordering = ["programme", "month", "regency"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "regency", "month"], name="reports_headcount_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.regency_id} {self.month:%Y-%m}: {self.covered}"
