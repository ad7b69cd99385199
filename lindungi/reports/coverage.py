"""Counts from the enrollment app for the summaries: states per regency and monthly headcount.

Kept apart from services.py because it is the one place that reads the enrollment tables.
"""

from django.db.models import Count, Q

from lindungi.contributions.policy import policy_for
from lindungi.core.dates import Month, months_between
from lindungi.enrollment.choices import EnrollmentState
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


def monthly_headcounts() -> list[dict]:
    """Per programme, regency and month of its coverage window: people covered that month.

    Covered as the programme's month rule counts it (enrollment.coverage), so the headcount
    of the dashboards and the monthly report is the headcount the invoice bills. One grouped
    query per programme month (a dozen a year), each using the (programme, state, regency)
    index.
    """
    rows = []
    for programme in Programme.objects.only("id", "coverage_start", "coverage_end"):
        rule = policy_for(programme).month_rule
        months = months_between(
            Month.of(programme.coverage_start), Month.of(programme.coverage_end)
        )
        for month in months:
            counts = (
                Enrollment.objects.covered_in(month, rule)
                .filter(programme=programme)
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
