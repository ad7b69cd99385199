"""The dashboards, the monthly report and the invoice count the same people in a month.

All three ask enrollment's coverage rule with the programme's month rule; before, the reports
counted "any day of the month" whatever the programme billed.
"""

import datetime

import pytest

from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import BillingPolicy
from lindungi.contributions.tests.conftest import TTU_VILLAGE, enroll
from lindungi.core.dates import Month
from lindungi.enrollment.choices import MonthRule
from lindungi.programs.tests.helpers import cohort_with_payer
from lindungi.reports import selectors
from lindungi.reports.monthly import build_monthly_report
from lindungi.reports.services import refresh_summaries

JULY = Month(2025, 7)
D = datetime.date


@pytest.fixture
def cohort(db):
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.models import Programme

    programme = Programme.objects.create(
        name="Perlindungan Pekerja Rentan NTT 2025",
        province_id="53",
        year=2025,
        coverage_start=D(2025, 7, 1),
        coverage_end=D(2025, 12, 31),
        target_headcount=100,
    )

    return cohort_with_payer(
        programme=programme,
        name="APBD Provinsi NTT 2025",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemerintah Provinsi NTT",
        funding_source=FundingSource.APBD,
        headcount=100,
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [(MonthRule.ANY_DAY, 4), (MonthRule.FIRST_DAY, 2), (MonthRule.WHOLE_MONTH, 1)],
)
def test_dashboard_monthly_report_and_invoice_agree(cohort, province_officer, rule, expected):
    programme = cohort.programme
    BillingPolicy.objects.create(programme=programme, month_rule=rule)
    enroll(cohort, start=D(2025, 7, 1), end=D(2025, 7, 20))  # the first 20 days
    enroll(cohort, start=D(2025, 7, 18))  # from the 18th
    enroll(cohort, start=D(2025, 7, 18), village=TTU_VILLAGE)  # from the 18th, elsewhere
    enroll(cohort, start=D(2025, 7, 1))  # the whole month and on

    (invoice,) = bill_month(programme=programme, month=JULY, user=province_officer).created
    refresh_summaries()
    dashboard = dict(selectors.monthly_headcount(user=province_officer, programme=programme))
    report = build_monthly_report(user=province_officer, programme=programme, month=JULY)

    assert invoice.headcount == expected
    assert dashboard[JULY.first_day] == expected
    assert report.total("covered") == expected
