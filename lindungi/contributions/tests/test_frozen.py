"""Issued invoices and recorded payments are frozen by the database itself (issue 19.7):
a change through the ORM's bulk update or plain SQL is refused on both databases."""

import datetime

import pytest
from django.db import DatabaseError, connection, models, transaction

from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Invoice, InvoiceDetail, InvoiceLine, Payment
from lindungi.contributions.payments import record_payment
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month


@pytest.fixture
def issued(cohort, province_officer):
    enroll(cohort)
    invoice = bill_month(
        programme=cohort.programme, month=Month(2025, 7), user=province_officer
    ).created[0]
    payment = record_payment(
        invoice=invoice,
        paid_on=datetime.date(2025, 8, 10),
        amount=invoice.total,
        bank_reference="B1",
        user=province_officer,
    )
    return invoice, payment


def _refused(statement, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_an_issued_invoice_cannot_be_changed_behind_the_services(issued):
    invoice, payment = issued
    assert invoice.is_final
    _refused("UPDATE contributions_invoice SET total = 1 WHERE id = %s", [invoice.pk])
    _refused("DELETE FROM contributions_invoice WHERE id = %s", [invoice.pk])
    _refused("UPDATE contributions_invoiceline SET total = 1 WHERE invoice_id = %s", [invoice.pk])
    _refused("DELETE FROM contributions_invoicedetail WHERE invoice_id = %s", [invoice.pk])
    _refused("UPDATE contributions_payment SET amount = 1 WHERE id = %s", [payment.pk])
    _refused("DELETE FROM contributions_payment WHERE id = %s", [payment.pk])
    # The ORM's plain queryset (not the immutable manager) is refused the same way.
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(Invoice).filter(pk=invoice.pk).update(total=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(InvoiceDetail).filter(invoice=invoice).update(jkm=0)
    invoice.refresh_from_db()
    assert invoice.total == 16_800
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 1
    assert Payment.objects.get(pk=payment.pk).amount == 16_800
