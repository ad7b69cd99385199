"""Maker-checker beyond selection (issue 19, point 3): a payment above the threshold and a
write-off need a second person with the right, never the preparer; the audit shows both."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.contributions.approvals import (
    decide_payment,
    decide_write_off,
    propose_write_off,
    waiting_for,
)
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import HeldPayment, Invoice, Payment, WriteOff
from lindungi.contributions.payments import balances, record_payment
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.checker import ApprovalStatus
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.reports.attention import compute_attention, open_invoices
from lindungi.reports.integrity import self_approved

D = datetime.date
PER_PERSON = 16_800


@pytest.fixture
def invoice(cohort):
    for _ in range(3):
        enroll(cohort)
    return bill_month(
        programme=cohort.programme, month=Month(2025, 7), user=acting_officer()
    ).created[0]


@pytest.fixture
def checker(db):
    return acting_officer("checker")


def balance(invoice):
    return balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk]


def pay(invoice, amount, user, reference="BIG"):
    return record_payment(
        invoice=invoice, paid_on=D(2025, 7, 10), amount=amount, bank_reference=reference, user=user
    )


def test_a_payment_above_the_threshold_waits_for_a_second_person(
    invoice, province_officer, checker, settings
):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 2 * PER_PERSON
    held = pay(invoice, 3 * PER_PERSON, province_officer)
    assert isinstance(held, HeldPayment)
    assert held.status == ApprovalStatus.PENDING
    assert not Payment.objects.exists()
    assert balance(invoice).outstanding == 3 * PER_PERSON
    # The same reference again while it waits is a duplicate.
    with pytest.raises(InvalidInput) as error:
        pay(invoice, 3 * PER_PERSON, province_officer)
    assert error.value.code == "duplicate_reference"
    # The preparer cannot approve it.
    with pytest.raises(InvalidTransition) as error:
        decide_payment(held=held, approve=True, user=province_officer)
    assert error.value.code == "self_approval"
    assert not Payment.objects.exists()
    # A second person with the right records it.
    decided = decide_payment(held=held, approve=True, user=checker, note="cek rekening koran")
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by_id, decided.payment_id) == (
        3 * PER_PERSON,
        province_officer.pk,
        payment.pk,
    )
    assert balance(invoice).is_paid
    event = AuditEvent.objects.get(action="contributions.payment_approved")
    assert (event.changes["summary"]["prepared_by"], event.changes["summary"]["decided_by"]) == (
        province_officer.username,
        checker.username,
    )
    assert AuditEvent.objects.filter(
        action="contributions.payment_held", actor=province_officer
    ).exists()
    # Decided once only.
    with pytest.raises(InvalidTransition) as error:
        decide_payment(held=held, approve=False, user=checker)
    assert error.value.code == "decided"


def test_a_payment_at_or_under_the_threshold_is_recorded_at_once(invoice, settings):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = PER_PERSON
    assert isinstance(pay(invoice, PER_PERSON, acting_officer()), Payment)
    assert not HeldPayment.objects.exists()


def test_a_refused_payment_records_nothing(invoice, province_officer, checker, settings):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 1
    held = pay(invoice, PER_PERSON, province_officer)
    decide_payment(held=held, approve=False, user=checker)
    held.refresh_from_db()
    assert (held.status, held.decided_by_id, held.payment_id) == (
        ApprovalStatus.REFUSED,
        checker.pk,
        None,
    )
    assert not Payment.objects.exists()
    assert AuditEvent.objects.filter(action="contributions.payment_refused").exists()


def test_deciding_a_payment_needs_the_right(invoice, province_officer, auditor, settings):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 1
    held = pay(invoice, PER_PERSON, province_officer)
    with pytest.raises(PermissionDenied):
        decide_payment(held=held, approve=True, user=auditor)
    held.refresh_from_db()
    assert held.status == ApprovalStatus.PENDING


def test_a_write_off_needs_a_reason_and_a_second_person(invoice, province_officer, checker):
    pay(invoice, PER_PERSON, province_officer, reference="PART")
    with pytest.raises(InvalidInput) as error:
        propose_write_off(invoice=invoice, reason="  pendek ", user=province_officer)
    assert error.value.code == "reason_required"
    write_off = propose_write_off(
        invoice=invoice, reason="Kabupaten tidak menganggarkan sisa", user=province_officer
    )
    assert write_off.amount == 2 * PER_PERSON
    # Nothing changes until it is approved.
    assert balance(invoice).outstanding == 2 * PER_PERSON
    with pytest.raises(InvalidTransition) as error:
        propose_write_off(invoice=invoice, reason="sekali lagi diusulkan", user=checker)
    assert error.value.code == "already_proposed"
    with pytest.raises(InvalidTransition) as error:
        decide_write_off(write_off=write_off, approve=True, user=province_officer)
    assert error.value.code == "self_approval"
    decide_write_off(write_off=write_off, approve=True, user=checker)
    # The debt is closed; the money is not paid (it pays for nobody).
    assert (balance(invoice).outstanding, balance(invoice).is_paid) == (0, False)
    event = AuditEvent.objects.get(action="contributions.write_off_approved")
    assert (event.changes["summary"]["prepared_by"], event.changes["summary"]["decided_by"]) == (
        province_officer.username,
        checker.username,
    )
    # The invoice leaves the list of open invoices; nothing is owed any more.
    assert not open_invoices(checker, today=D(2025, 8, 30)).filter(pk=invoice.pk).exists()
    with pytest.raises(InvalidInput) as error:
        propose_write_off(invoice=invoice, reason="tidak ada lagi terutang", user=checker)
    assert error.value.code == "nothing_owed"


def test_a_write_off_whose_balance_changed_is_refused(invoice, province_officer, checker):
    write_off = propose_write_off(
        invoice=invoice, reason="Kabupaten tidak menganggarkan sisa", user=province_officer
    )
    pay(invoice, PER_PERSON, checker, reference="LATE")
    with pytest.raises(InvalidTransition) as error:
        decide_write_off(write_off=write_off, approve=True, user=checker)
    assert error.value.code == "balance_changed"
    write_off.refresh_from_db()
    assert write_off.status == ApprovalStatus.PENDING
    assert balance(invoice).outstanding == 2 * PER_PERSON


def test_decided_records_are_frozen_in_the_database(invoice, province_officer, checker):
    write_off = propose_write_off(
        invoice=invoice, reason="Kabupaten tidak menganggarkan sisa", user=province_officer
    )
    # Pending: still a working record.
    WriteOff.objects.filter(pk=write_off.pk).update(reason="Alasan yang diperbaiki sendiri")
    decide_write_off(write_off=write_off, approve=True, user=checker)
    for change in (
        lambda: WriteOff.objects.filter(pk=write_off.pk).update(amount=1),
        lambda: WriteOff.objects.filter(pk=write_off.pk).update(decided_by=province_officer),
        lambda: WriteOff.objects.filter(pk=write_off.pk).delete(),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            change()
    write_off.refresh_from_db()
    assert (write_off.amount, write_off.decided_by_id) == (3 * PER_PERSON, checker.pk)


def test_waiting_items_show_for_the_checker_not_the_preparer(
    invoice, province_officer, checker, settings
):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 1
    pay(invoice, PER_PERSON, province_officer)
    propose_write_off(invoice=invoice, reason="Kabupaten tidak menganggarkan sisa", user=checker)
    held, write_offs = waiting_for(province_officer)
    assert (held.count(), write_offs.count()) == (0, 1)
    items = {item.key: item.count for item in compute_attention(checker)}
    assert items["approvals"] == 1
    assert {item.key: item.count for item in compute_attention(province_officer)}["approvals"] == 1


def test_a_self_approval_written_around_the_service_is_counted(invoice, province_officer):
    write_off = propose_write_off(
        invoice=invoice, reason="Kabupaten tidak menganggarkan sisa", user=province_officer
    )
    assert self_approved(province_officer) == []
    # Written around the service while still pending (the trigger allows that one write).
    WriteOff.objects.filter(pk=write_off.pk).update(
        status=ApprovalStatus.APPROVED, decided_by=province_officer
    )
    (row,) = self_approved(province_officer)
    assert (row.kind, row.reference, row.prepared_by) == (
        "write_off",
        invoice.number,
        str(province_officer),
    )


def test_the_approvals_page_lists_and_decides(client, invoice, province_officer, checker, settings):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 1
    held = pay(invoice, PER_PERSON, province_officer)
    client.force_login(checker)
    page = client.get(reverse("contributions:approvals")).content.decode()
    assert reverse("contributions:decide_payment", args=[held.pk]) in page
    response = client.post(
        reverse("contributions:decide_payment", args=[held.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Payment.objects.get().amount == PER_PERSON
    # The invoice page shows both people.
    page = client.get(reverse("contributions:invoice", args=[invoice.pk])).content.decode()
    assert province_officer.username in page and checker.username in page


def test_the_preparer_cannot_decide_through_the_page(client, invoice, province_officer, settings):
    settings.LINDUNGI_PAYMENT_APPROVAL_ABOVE = 1
    held = pay(invoice, PER_PERSON, province_officer)
    client.force_login(province_officer)
    client.post(reverse("contributions:decide_payment", args=[held.pk]), {"decision": "approve"})
    held.refresh_from_db()
    assert held.status == ApprovalStatus.PENDING
    assert not Payment.objects.exists()


def test_the_write_off_form_proposes(client, invoice, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("contributions:write_off", args=[invoice.pk]),
        {"reason": "Kabupaten tidak menganggarkan sisa"},
    )
    assert response.status_code == 302
    assert WriteOff.objects.get().prepared_by_id == province_officer.pk
