"""Query methods of the enrollment models (reads only)."""

from datetime import date

from django.db import models

from lindungi.core.dates import Month
from lindungi.enrollment.coverage import covered_in_q, covered_on_q


class EnrollmentQuerySet(models.QuerySet):
    def covered_in(self, month: Month, rule: str) -> "EnrollmentQuerySet":
        """Enrollments covered in `month` under the programme's month rule (enrollment.coverage)."""
        return self.filter(covered_in_q(month, rule))

    def covered_on(self, day: date) -> "EnrollmentQuerySet":
        """Enrollments covered on `day`: the question a claim for an incident asks."""
        return self.filter(covered_on_q(day))
