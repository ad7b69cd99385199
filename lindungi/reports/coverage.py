"""Counts from the enrollment app for the summaries: states per regency and monthly headcount.

Kept apart from services.py because it is the one place that reads the enrollment tables.
"""

from django.db.models import Count, F, Q

from lindungi.core.dates import Month, months_between
from lindungi.enrollment.choices import COVERAGE_STATES, EnrollmentState
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Programme


def enrollment_counts() -> list[dict]:
    """Per programme and regency: enrollments active now, and ended."""
    return list(
        Enrollment.objects.values("programme_id", "regency_id")
        .annotate(
            active=Count("id", filter=Q(state=EnrollmentState.ACTIVE)),
            ended=Count("id", filter=Q(state=EnrollmentState.ENDED)),
        )
        .order_by()
    )


def covered_in(month: Month) -> Q:
    """Covered on at least one day of the month (the insurer bills whole months).

    An ended enrollment whose end is before its start never had coverage.
    """
    return (
        Q(state__in=COVERAGE_STATES, start_date__lte=month.last_day)
        & (Q(end_date__isnull=True) | Q(end_date__gte=month.first_day))
        & (Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")))
    )


def monthly_headcounts() -> list[dict]:
    """Per programme, regency and month of its coverage window: people covered that month.

    One grouped query per programme month (a dozen a year), each using the
    (programme, state, regency) index.
    """
    rows = []
    for programme in Programme.objects.only("id", "coverage_start", "coverage_end"):
        months = months_between(
            Month.of(programme.coverage_start), Month.of(programme.coverage_end)
        )
        for month in months:
            counts = (
                Enrollment.objects.filter(covered_in(month), programme=programme)
                .values("regency_id")
                .annotate(covered=Count("id"))
                .order_by()
            )
            rows.extend(
                {
                    "programme_id": programme.pk,
                    "regency_id": row["regency_id"],
                    "month": month.first_day,
                    "covered": row["covered"],
                }
                for row in counts
                if row["covered"]
            )
    return rows
