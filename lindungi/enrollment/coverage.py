"""Who is covered in a month or on a day: the one definition of coverage.

Billing, reconciliation, the reports and claims all ask this module; nobody else writes the
rule. Coverage is [start_date, end_date] (both inclusive) of an active or ended enrollment;
an end_date before the start_date is an empty period and covers nothing.

A month counts under a programme's month rule (`MonthRule`); a day counts when it falls in the
period. Both reduce to two bounds, the latest start and the earliest end the period must
reach, rendered once as a `Q` for the ORM and once as a WHERE fragment for the set-based SQL
of billing and reconciliation (INSERT .. SELECT over a million enrollments).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q

from lindungi.core.dates import Month
from lindungi.enrollment.choices import COVERAGE_STATES, MonthRule


@dataclass(frozen=True)
class Bounds:
    """The period must start on or before `latest_start` and end on or after `earliest_end`."""

    latest_start: date
    earliest_end: date


def month_bounds(month: Month, rule: str) -> Bounds:
    """What a period must reach to count in `month` under `rule`; ValueError for an unknown rule."""
    first, last = month.first_day, month.last_day
    bounds = {
        MonthRule.ANY_DAY: Bounds(last, first),
        MonthRule.FIRST_DAY: Bounds(first, first),
        MonthRule.WHOLE_MONTH: Bounds(first, last),
    }
    if rule not in bounds:
        raise ValueError(f"unknown month rule {rule!r}")
    return bounds[MonthRule(rule)]


def day_bounds(day: date) -> Bounds:
    return Bounds(day, day)


def covering(bounds: Bounds, *, prefix: str = "") -> Q:
    """Enrollments whose coverage reaches `bounds`; `prefix` ("enrollment__") from a relation."""

    def field(lookup: str, value) -> Q:
        return Q(**{f"{prefix}{lookup}": value})

    open_ended = field("end_date__isnull", True)
    return (
        field("state__in", COVERAGE_STATES)
        & field("start_date__lte", bounds.latest_start)
        & (open_ended | field("end_date__gte", bounds.earliest_end))
        # An end before the start is an empty period.
        & (open_ended | field("end_date__gte", F(f"{prefix}start_date")))
    )


def covered_in_q(month: Month, rule: str, *, prefix: str = "") -> Q:
    return covering(month_bounds(month, rule), prefix=prefix)


def covered_on_q(day: date, *, prefix: str = "") -> Q:
    return covering(day_bounds(day), prefix=prefix)


@dataclass(frozen=True)
class CoverageSQL:
    """A WHERE fragment over an enrollment alias and its parameters."""

    sql: str
    params: list


def _covering_sql(alias: str, latest_start: str, earliest_end: str) -> CoverageSQL:
    states = [str(state) for state in COVERAGE_STATES]
    placeholders = ", ".join(["%s"] * len(states))
    sql = (
        f"{alias}.state IN ({placeholders}) AND {alias}.start_date IS NOT NULL"
        f" AND ({alias}.end_date IS NULL OR {alias}.end_date >= {alias}.start_date)"
        f" AND {alias}.start_date <= {latest_start}"
        f" AND ({alias}.end_date IS NULL OR {alias}.end_date >= {earliest_end})"
    )
    return CoverageSQL(sql, states)


def covering_sql(bounds: Bounds, alias: str = "e") -> CoverageSQL:
    """The same rule as `covering`, over the enrollment table aliased `alias`."""
    coverage = _covering_sql(alias, "%s", "%s")
    return CoverageSQL(coverage.sql, [*coverage.params, bounds.latest_start, bounds.earliest_end])


def covered_in_sql(month: Month, rule: str, alias: str = "e") -> CoverageSQL:
    """Enrollments (alias `alias`) covered in `month` under the month rule `rule`."""
    return covering_sql(month_bounds(month, rule), alias)


def covered_on_sql(day: date, alias: str = "e") -> CoverageSQL:
    """Enrollments (alias `alias`) covered on `day`."""
    return covering_sql(day_bounds(day), alias)


def covered_on_column_sql(day_column: str, alias: str = "e") -> CoverageSQL:
    """Enrollments covered on the date a column of the outer query holds (one per row).

    For set-based checks of many dates at once, such as every claim's incident date:
    `day_column` is SQL we write (a qualified column name), never user input.
    """
    return _covering_sql(alias, day_column, day_column)
