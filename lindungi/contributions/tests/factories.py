"""factory_boy factory for invoices. An invoice is only ever issued by billing (it is
immutable and its lines, details and totals come from the coverage rule), so the factory
issues one through `bill_month` instead of writing the row itself."""

import factory

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Invoice
from lindungi.core.dates import Month
from lindungi.programs.tests.factories import CohortFactory


class InvoiceFactory(factory.django.DjangoModelFactory):
    """`InvoiceFactory(cohort=cohort, month=Month(2025, 7))`: the first invoice that billing
    issues for the cohort's programme and month (enroll people first)."""

    class Meta:
        model = Invoice

    cohort = factory.SubFactory(CohortFactory)
    month = Month(2025, 7)

    @classmethod
    def _create(cls, model_class, *, cohort, month, **_ignored):
        result = bill_month(user=acting_officer(), programme=cohort.programme, month=month)
        return (result.created or result.existing)[0]
