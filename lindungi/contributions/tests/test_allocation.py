"""A partial payment is allocated per person (issue 19, point 4): oldest month first, then in
the invoice's detail order; coverage and lapse follow what was paid for each person, not the
cohort."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.allocation import invoice_allocation
from lindungi.contributions.billing import bill_month
from lindungi.contributions.choices import Standing
from lindungi.contributions.lapses import run_lapses
from lindungi.contributions.models import EnrollmentStanding, Invoice
from lindungi.contributions.payments import assess_standing, record_payment
from lindungi.contributions.tests.conftest import TTU_VILLAGE, enroll, shared_cohort
from lindungi.core.dates import Month
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment

D = datetime.date
PER_PERSON = 16_800
# November's invoice falls due on Monday 17 November: July to November are past due.
AS_OF = D(2025, 11, 18)
MONTHS = [Month(2025, m) for m in (7, 8, 9, 10, 11)]


def bill_all(programme):
    invoices = []
    for month in MONTHS:
        invoices += bill_month(programme=programme, month=month, user=acting_officer()).created
    return invoices


def pay(invoice, amount, reference):
    return record_payment(
        invoice=invoice,
        paid_on=D(2025, 11, 1),
        amount=amount,
        bank_reference=reference,
        user=acting_officer(),
    )


def flagged():
    return dict(EnrollmentStanding.objects.values_list("enrollment_id", "standing"))


def last_in_detail_order(people):
    """The person the rule leaves unpaid first: the last by regency, then enrollment."""
    return max(people, key=lambda place: (place.regency_id, place.pk))


@pytest.fixture
def three(cohort):
    """Three people of one cohort, two regencies; every month billed, paid one person short."""
    people = [enroll(cohort), enroll(cohort, village=TTU_VILLAGE), enroll(cohort)]
    invoices = bill_all(cohort.programme)
    for invoice in invoices:
        assert invoice.total == 3 * PER_PERSON
        pay(invoice, 2 * PER_PERSON, f"P-{invoice.month:%m}")
    return people, invoices


def test_a_one_person_shortfall_lapses_exactly_that_person(three, cohort):
    people, invoices = three
    result = assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    unpaid = last_in_detail_order(people)
    # Before the rule, the whole cohort lapsed (three people).
    assert (result.at_risk, result.lapsed) == (0, 1)
    assert flagged() == {unpaid.pk: Standing.LAPSED}
    standing = EnrollmentStanding.objects.get()
    assert (standing.unpaid_months, standing.unpaid_since) == (5, D(2025, 7, 1))
    assert invoice_allocation(invoices[0]).__dict__ == {"people": 3, "unpaid": 1}


def test_the_lapse_ends_only_the_unpaid_place_and_never_before_its_start(three, cohort):
    people, _ = three
    result = run_lapses(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    assert (result.lapsed, result.ended) == (1, 1)
    unpaid = last_in_detail_order(people)
    states = dict(Enrollment.objects.values_list("pk", "state"))
    assert states == {
        place.pk: EnrollmentState.ENDED if place == unpaid else EnrollmentState.ACTIVE
        for place in people
    }
    unpaid.refresh_from_db()
    # Never paid for: the place ends without a coverage period, not with an end before its start.
    assert (unpaid.end_reason, unpaid.start_date, unpaid.end_date) == (
        ExitReason.LAPSED,
        None,
        None,
    )
    for place in Enrollment.objects.exclude(end_date=None):
        assert place.end_date >= place.start_date


def test_a_later_payment_completes_the_people_left_unpaid(three, cohort):
    _, invoices = three
    assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    assert len(flagged()) == 1
    for invoice in invoices:
        pay(invoice, PER_PERSON, f"REST-{invoice.month:%m}")
        assert invoice_allocation(invoice).unpaid == 0
    result = assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    assert (result.at_risk, result.lapsed) == (0, 0)
    assert flagged() == {}


def test_paying_the_later_months_in_full_leaves_the_person_paid_up_to_there(three, cohort):
    _, invoices = three
    # August to November completed: the last person's July is unpaid, but later months are
    # paid, so there is no unpaid run at the end (as the cohort rule read a paid latest month).
    for invoice in invoices[1:]:
        pay(invoice, PER_PERSON, f"REST-{invoice.month:%m}")
    assessed = assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    assert (assessed.at_risk, assessed.lapsed) == (0, 0)
    assert flagged() == {}


def test_a_larger_shortfall_falls_on_the_last_people_in_order(cohort):
    people = [enroll(cohort) for _ in range(4)]
    for invoice in bill_all(cohort.programme):
        # Two people's contributions and one rupiah short: three people are not fully paid.
        pay(invoice, PER_PERSON + PER_PERSON - 1, f"P-{invoice.month:%m}")
    assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    ordered = sorted(people, key=lambda place: (place.regency_id, place.pk))
    assert set(flagged()) == {place.pk for place in ordered[1:]}


def test_a_person_s_own_run_of_short_months_counts(cohort):
    first, last = enroll(cohort), enroll(cohort)
    invoices = bill_all(cohort.programme)
    for invoice in invoices[:2]:
        pay(invoice, 2 * PER_PERSON, f"P-{invoice.month:%m}")
    for invoice in invoices[2:]:
        pay(invoice, PER_PERSON, f"P-{invoice.month:%m}")
    result = assess_standing(programme=cohort.programme, as_of=AS_OF, user=acting_officer())
    unpaid = last_in_detail_order([first, last])
    assert (result.at_risk, result.lapsed) == (1, 0)
    standing = EnrollmentStanding.objects.get()
    assert (standing.enrollment_id, standing.unpaid_months, standing.unpaid_since) == (
        unpaid.pk,
        3,
        D(2025, 9, 1),
    )


def test_with_two_payers_the_short_payer_leaves_only_its_unpaid_people(programme):
    cohort = shared_cohort(programme, share_bp=4_000)
    people = [enroll(cohort), enroll(cohort)]
    invoices = bill_all(programme)
    alor_share = PER_PERSON * 4_000 // 10_000
    for invoice in invoices:
        if invoice.payer.regency_id:
            assert invoice.total == 2 * alor_share
            pay(invoice, alor_share, f"A-{invoice.month:%m}")
        else:
            pay(invoice, invoice.total, f"P-{invoice.month:%m}")
    assess_standing(programme=programme, as_of=AS_OF, user=acting_officer())
    assert flagged() == {last_in_detail_order(people).pk: Standing.LAPSED}


def test_a_fully_paid_invoice_leaves_nobody_unpaid(cohort):
    enroll(cohort)
    (july,) = bill_month(programme=cohort.programme, month=MONTHS[0], user=acting_officer()).created
    assert invoice_allocation(july).__dict__ == {"people": 1, "unpaid": 1}
    pay(july, PER_PERSON, "J")
    assert invoice_allocation(july).__dict__ == {"people": 1, "unpaid": 0}
    assert Invoice.objects.count() == 1


def test_the_database_refuses_an_end_before_the_start(cohort):
    place = enroll(cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=place.pk).update(end_date=D(2025, 7, 1))


def test_the_payment_pages_state_the_rule(client, cohort, province_officer):
    enroll(cohort)
    (july,) = bill_month(programme=cohort.programme, month=MONTHS[0], user=acting_officer()).created
    client.force_login(province_officer)
    for url in (
        reverse("contributions:invoice", args=[july.pk]),
        reverse("contributions:payments"),
    ):
        assert "bulan layanan terlama lebih dulu" in client.get(url).content.decode()
