import datetime

import pytest

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.choices import Standing
from lindungi.contributions.credit_notes import issue_credit_note
from lindungi.contributions.models import BillingPolicy, EnrollmentStanding, Invoice, Payment
from lindungi.contributions.payments import (
    apply_credit,
    assess_standing,
    balances,
    payer_credit,
    record_payment,
)
from lindungi.contributions.tests.conftest import end_enrollment, enroll
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput

JULY = Month(2025, 7)


def balance(invoice):
    return balances(Invoice.objects.filter(pk=invoice.pk))[invoice.pk]


def bill(cohort, *months):
    return [
        bill_month(user=acting_officer(), programme=cohort.programme, month=m).created[0]
        for m in months
    ]


def test_partial_then_full_payment(cohort, province_officer):
    enroll(cohort)
    enroll(cohort)
    (invoice,) = bill(cohort, JULY)
    record_payment(
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 15),
        amount=20_000,
        bank_reference="BNTT-001",
        user=province_officer,
    )
    assert (balance(invoice).outstanding, balance(invoice).credit) == (13_600, 0)
    record_payment(
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 20),
        amount=13_600,
        bank_reference="BNTT-002",
        user=province_officer,
    )
    assert balance(invoice).is_paid and balance(invoice).outstanding == 0


def test_over_payment_becomes_credit_for_the_next_invoice(cohort, province_officer):
    enroll(cohort)
    july, august = bill(cohort, JULY, Month(2025, 8))
    record_payment(
        user=acting_officer(),
        invoice=july,
        paid_on=datetime.date(2025, 7, 15),
        amount=30_000,
        bank_reference="X1",
    )
    assert balance(july).credit == 13_200
    assert payer_credit(july.payer) == 13_200
    used = apply_credit(user=acting_officer(), invoice=august)
    assert used.amount == 13_200
    assert balance(august).outstanding == 3_600
    assert payer_credit(july.payer) == 0
    with pytest.raises(InvalidInput) as error:
        apply_credit(user=acting_officer(), invoice=august)
    assert error.value.code == "no_credit"
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "reference", "code"),
    [(0, "R", "amount"), (-5, "R", "amount"), (10, "  ", "reference_required")],
)
def test_bad_payments_are_refused(cohort, amount, reference, code):
    enroll(cohort)
    (invoice,) = bill(cohort, JULY)
    with pytest.raises(InvalidInput) as error:
        record_payment(
            user=acting_officer(),
            invoice=invoice,
            paid_on=datetime.date(2025, 7, 1),
            amount=amount,
            bank_reference=reference,
        )
    assert error.value.code == code
    assert Payment.objects.count() == 0


def test_same_bank_reference_twice_is_refused(cohort):
    enroll(cohort)
    (invoice,) = bill(cohort, JULY)
    record_payment(
        user=acting_officer(),
        invoice=invoice,
        paid_on=datetime.date(2025, 7, 1),
        amount=1,
        bank_reference="R",
    )
    with pytest.raises(InvalidInput) as error:
        record_payment(
            user=acting_officer(),
            invoice=invoice,
            paid_on=datetime.date(2025, 7, 2),
            amount=1,
            bank_reference="R",
        )
    assert error.value.code == "duplicate_reference"
    assert Payment.objects.count() == 1


def test_credit_note_corrects_the_last_month(cohort, province_officer):
    enroll(cohort)
    dies = enroll(cohort)
    (december,) = bill(cohort, Month(2025, 12))
    record_payment(
        user=acting_officer(),
        invoice=december,
        paid_on=datetime.date(2025, 12, 15),
        amount=33_600,
        bank_reference="DES",
    )
    end_enrollment(dies, datetime.date(2025, 11, 30))
    note = issue_credit_note(user=acting_officer(), invoice=december)
    assert (note.total, note.corrects_id, note.number) == (
        -16_800,
        december.pk,
        f"{december.number}/KR1",
    )
    assert balance(december).credit == 16_800
    with pytest.raises(InvalidInput) as error:
        issue_credit_note(user=acting_officer(), invoice=december)
    assert error.value.code == "nothing_to_correct"
    assert Invoice.objects.count() == 2


def months(*numbers):
    return [Month(2025, n) for n in numbers]


def test_lapse_rule_flags_at_risk_then_lapsed(cohort):
    person = enroll(cohort)
    invoices = bill(cohort, *months(7, 8, 9, 10))
    record_payment(
        user=acting_officer(),
        invoice=invoices[0],
        paid_on=datetime.date(2025, 7, 15),
        amount=16_800,
        bank_reference="JUL",
    )
    programme = cohort.programme
    # On 15 October (October's due date) August and September are unpaid: two, below 3.
    assert (
        assess_standing(
            user=acting_officer(), programme=programme, as_of=datetime.date(2025, 10, 15)
        ).at_risk
        == 0
    )
    assert EnrollmentStanding.objects.count() == 0
    # A day later October is past due too: three unpaid months, the last that may be paid.
    result = assess_standing(
        user=acting_officer(), programme=programme, as_of=datetime.date(2025, 10, 16)
    )
    assert (result.at_risk, result.lapsed) == (1, 0)
    standing = EnrollmentStanding.objects.get()
    assert (standing.enrollment_id, standing.unpaid_months) == (person.pk, 3)
    assert standing.unpaid_since == datetime.date(2025, 8, 1)
    assert standing.standing == Standing.AT_RISK
    bill(cohort, Month(2025, 11))
    # November is due on Monday 17 November (the 15th is a Saturday): four unpaid months.
    result = assess_standing(
        user=acting_officer(), programme=programme, as_of=datetime.date(2025, 11, 18)
    )
    assert (result.at_risk, result.lapsed) == (0, 1)
    assert EnrollmentStanding.objects.get().standing == Standing.LAPSED


def test_the_lapse_rule_counts_each_persons_own_unpaid_months(cohort):
    """Someone billed for November and removed again by December's adjustment (an exit dated
    in October, recorded late) owes nothing for November, only August to October: three
    unpaid months, at risk, not lapsed; the one who stays owes four and lapses (the per-person
    rule of contributions/allocation.py)."""
    stays, leaves = enroll(cohort), enroll(cohort)
    bill(cohort, *months(7, 8, 9, 10, 11))
    end_enrollment(leaves, datetime.date(2025, 10, 31))
    bill(cohort, Month(2025, 12))
    for invoice in Invoice.objects.filter(month=datetime.date(2025, 7, 1)):
        record_payment(
            user=acting_officer(),
            invoice=invoice,
            paid_on=datetime.date(2025, 7, 15),
            amount=invoice.total,
            bank_reference=f"JUL-{invoice.pk}",
        )
    # 1 December: August to November are past due and unpaid, December is not due.
    result = assess_standing(
        user=acting_officer(), programme=cohort.programme, as_of=datetime.date(2025, 12, 1)
    )
    assert (result.at_risk, result.lapsed) == (1, 1)
    standings = dict(EnrollmentStanding.objects.values_list("enrollment_id", "standing"))
    assert standings == {stays.pk: Standing.LAPSED, leaves.pk: Standing.AT_RISK}
    assert EnrollmentStanding.objects.get(enrollment=leaves).unpaid_months == 3


def test_paying_the_latest_month_clears_the_flag(cohort):
    enroll(cohort)
    invoices = bill(cohort, *months(7, 8, 9))
    programme = cohort.programme
    assert (
        assess_standing(
            user=acting_officer(), programme=programme, as_of=datetime.date(2025, 9, 16)
        ).at_risk
        == 1
    )
    record_payment(
        user=acting_officer(),
        invoice=invoices[-1],
        paid_on=datetime.date(2025, 9, 16),
        amount=16_800,
        bank_reference="SEP",
    )
    assert (
        assess_standing(
            user=acting_officer(), programme=programme, as_of=datetime.date(2025, 9, 16)
        ).at_risk
        == 0
    )
    assert EnrollmentStanding.objects.count() == 0


def test_no_lapse_when_the_insurer_accepts_the_payer_delay(cohort):
    enroll(cohort)
    bill(cohort, *months(7, 8, 9, 10, 11))
    BillingPolicy.objects.create(
        programme=cohort.programme, payer_delay_accepted=True, payer_delay_note="PKS 12/2025"
    )
    result = assess_standing(
        user=acting_officer(), programme=cohort.programme, as_of=datetime.date(2025, 12, 1)
    )
    assert (result.at_risk, result.lapsed) == (0, 0)
    assert EnrollmentStanding.objects.count() == 0


def test_list_standings_reads_what_the_assessment_flagged(cohort):
    from lindungi.contributions.selectors import list_standings

    enrollment = enroll(cohort)
    EnrollmentStanding.objects.create(
        enrollment=enrollment,
        regency_id=enrollment.regency_id,
        standing=Standing.LAPSED,
        unpaid_months=4,
        unpaid_since=datetime.date(2025, 7, 1),
        assessed_on=datetime.date(2025, 11, 20),
    )
    assert list(list_standings(cohort.programme, standing=Standing.LAPSED)) == [
        EnrollmentStanding.objects.get()
    ]
    assert list(list_standings(cohort.programme, standing=Standing.AT_RISK)) == []


def test_credit_is_applied_on_todays_date_in_ntt_not_on_the_servers(
    cohort, province_officer, monkeypatch
):
    """At 20:00 UTC on 31 December it is already 1 January in NTT (WITA, UTC+8)."""
    from django.utils import timezone

    enroll(cohort)
    july, august = bill(cohort, JULY, Month(2025, 8))
    record_payment(
        user=province_officer,
        invoice=july,
        paid_on=datetime.date(2025, 7, 15),
        amount=30_000,
        bank_reference="X1",
    )
    evening_utc = datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening_utc)
    used = apply_credit(user=province_officer, invoice=august)
    assert used.paid_on == datetime.date(2026, 1, 1)
