"""The one definition of coverage: the ORM and SQL renderings agree, month rules and days."""

import datetime

import pytest
from django.db import connection

from lindungi.core.dates import Month
from lindungi.enrollment.choices import EnrollmentState, ExitReason, MonthRule
from lindungi.enrollment.coverage import covered_in_sql, covered_on_sql
from lindungi.enrollment.models import Enrollment
from lindungi.registry.tests.factories import PersonFactory

JULY = Month(2025, 7)
D = datetime.date


def enroll(cohort, *, start, end=None, state=None, kpj="auto"):
    person = PersonFactory()
    ended = end is not None
    # Ended before it started: no coverage period at all (the database refuses an end before
    # the start, issue 19.4); the exit date stays.
    never_covered = ended and start is not None and end < start
    return Enrollment.objects.create(
        person=person,
        programme=cohort.programme,
        cohort=cohort,
        regency_id=person.regency_id,
        state=state or (EnrollmentState.ENDED if ended else EnrollmentState.ACTIVE),
        kpj=f"{person.pk:011d}" if kpj == "auto" else kpj,
        start_date=None if never_covered else start,
        end_date=None if never_covered else end,
        end_reason=ExitReason.DEATH if ended else "",
        ended_on=end,
    )


@pytest.fixture
def periods(cohort):
    """Named enrollments whose periods sit differently against July 2025."""
    return {
        "part": enroll(cohort, start=D(2025, 7, 1), end=D(2025, 7, 20)),
        "from_18th": enroll(cohort, start=D(2025, 7, 18)),
        "whole": enroll(cohort, start=D(2025, 7, 1)),
        "june_only": enroll(cohort, start=D(2025, 6, 1), end=D(2025, 6, 30)),
        "august": enroll(cohort, start=D(2025, 8, 1)),
        "waiting": enroll(cohort, state=EnrollmentState.SUBMITTED, kpj=None, start=None),
    }


def _names(periods, ids) -> set[str]:
    return {name for name, enrollment in periods.items() if enrollment.pk in set(ids)}


def _sql_ids(coverage) -> list[int]:
    table = connection.ops.quote_name(Enrollment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.id FROM {table} e WHERE {coverage.sql}", coverage.params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (MonthRule.ANY_DAY, {"part", "from_18th", "whole"}),
        (MonthRule.FIRST_DAY, {"part", "whole"}),
        (MonthRule.WHOLE_MONTH, {"whole"}),
    ],
)
def test_month_rule_selects_the_same_people_in_orm_and_sql(periods, rule, expected):
    orm = Enrollment.objects.covered_in(JULY, rule).values_list("id", flat=True)
    assert _names(periods, orm) == expected
    assert _names(periods, _sql_ids(covered_in_sql(JULY, rule))) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 7, 1), {"part", "whole"}),
        (D(2025, 7, 20), {"part", "from_18th", "whole"}),
        (D(2025, 7, 21), {"from_18th", "whole"}),
        (D(2025, 6, 15), {"june_only"}),
        (D(2025, 7, 9), {"part", "whole"}),
    ],
)
def test_covered_on_a_day_in_orm_and_sql(periods, day, expected):
    orm = Enrollment.objects.covered_on(day).values_list("id", flat=True)
    assert _names(periods, orm) == expected
    assert _names(periods, _sql_ids(covered_on_sql(day))) == expected


def test_unknown_month_rule_is_a_wiring_error(db):
    with pytest.raises(ValueError, match="unknown month rule"):
        Enrollment.objects.covered_in(JULY, "some_days")


def test_covered_on_a_date_column_matches_covered_on_a_day(periods):
    """The set-based form (one date per outer row, e.g. claims) keeps the same rule."""
    from lindungi.enrollment.coverage import covered_on_column_sql

    table = connection.ops.quote_name(Enrollment._meta.db_table)
    coverage = covered_on_column_sql("days.day")
    days = [D(2025, 7, 1), D(2025, 7, 9), D(2025, 7, 21), D(2025, 6, 15)]
    union = " UNION ALL ".join(["SELECT %s AS day"] * len(days))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT days.day, e.id FROM ({union}) days JOIN {table} e ON {coverage.sql}",  # noqa: S608
            [*days, *coverage.params],
        )
        found = cursor.fetchall()
    for day in days:
        expected = set(Enrollment.objects.covered_on(day).values_list("id", flat=True))
        got = {pk for when, pk in found if str(when)[:10] == day.isoformat()}
        assert got == expected, day
