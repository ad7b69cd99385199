"""Which enrollments a month bills, as SQL: shared by billing, adjustments, reconciliation.

Coverage is [start_date, end_date] (inclusive) of an active or ended enrollment (enrollment
app); an end_date before the start_date is an empty period and never billed.
"""

from dataclasses import dataclass

from django.db import connection

from lindungi.contributions.choices import MonthRule
from lindungi.core.dates import Month
from lindungi.enrollment.choices import COVERAGE_STATES
from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass(frozen=True)
class CoverageSQL:
    """A WHERE fragment over alias `e` (enrollment) and its parameters."""

    sql: str
    params: list


def covered_in(month: Month, rule: str, alias: str = "e") -> CoverageSQL:
    """Enrollments (alias `e`) that the month rule bills in `month`."""
    first, last = month.first_day, month.last_day
    states = list(COVERAGE_STATES)
    placeholders = ", ".join(["%s"] * len(states))
    base = (
        f"{alias}.state IN ({placeholders}) AND {alias}.start_date IS NOT NULL"
        f" AND ({alias}.end_date IS NULL OR {alias}.end_date >= {alias}.start_date)"
    )
    params: list = [str(state) for state in states]
    # (latest start, earliest end) the period must reach to be billed in the month.
    bounds = {
        MonthRule.ANY_DAY: (last, first),
        MonthRule.FIRST_DAY: (first, first),
        MonthRule.WHOLE_MONTH: (first, last),
    }
    if rule not in bounds:
        raise ValueError(f"unknown month rule {rule!r}")
    sql = f" AND {alias}.start_date <= %s AND ({alias}.end_date IS NULL OR {alias}.end_date >= %s)"
    params += list(bounds[rule])
    return CoverageSQL(base + sql, params)


ENROLLMENT = table(Enrollment)
PERSON = table(Person)
