"""A death recorded after billing is taken back by the next invoice, automatically (issue 19.1)."""

import datetime

from lindungi.contributions.billing import bill_month
from lindungi.contributions.choices import LineKind
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.registry.choices import DeathSource
from lindungi.registry.services import record_death


def test_a_death_recorded_after_billing_is_credited_on_the_next_invoice(cohort, province_officer):
    enroll(cohort)
    dies = enroll(cohort)
    for month in (7, 8, 9):
        bill_month(programme=cohort.programme, month=Month(2025, month), user=province_officer)
    # A JKM claim tells us in October that the person died on 20 August.
    record_death(
        user=province_officer,
        person=dies.person,
        died_on=datetime.date(2025, 8, 20),
        source=DeathSource.CLAIM,
        reference="JKM-1",
    )
    october = bill_month(
        programme=cohort.programme, month=Month(2025, 10), user=province_officer
    ).created[0]
    # Billed for August (the month of death), never after: September comes back as a credit.
    assert list(
        october.details.filter(kind=LineKind.ADJUSTMENT).values_list(
            "enrollment_id", "service_month", "sign"
        )
    ) == [(dies.pk, datetime.date(2025, 9, 1), -1)]
    assert (october.headcount, october.adjustments) == (1, -16_800)
    dies.refresh_from_db()
    assert (dies.state, dies.end_reason, dies.end_date) == (
        "ended",
        "death",
        datetime.date(2025, 8, 20),
    )
