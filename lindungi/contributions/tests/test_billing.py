import datetime

import pytest

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.choices import InvoiceKind, LineKind, MonthRule
from lindungi.contributions.models import BillingPolicy, Invoice, InvoiceDetail, InvoiceLine
from lindungi.contributions.tests.conftest import (
    TTU_VILLAGE,
    end_enrollment,
    enroll,
    shared_cohort,
)
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment

JULY, AUGUST, SEPTEMBER = Month(2025, 7), Month(2025, 8), Month(2025, 9)


def test_programme_starting_18_july_bills_july_in_full(cohort, province_officer):
    enroll(cohort)
    enroll(cohort)
    enroll(cohort, village=TTU_VILLAGE)

    result = bill_month(programme=cohort.programme, month=JULY, user=province_officer)

    (invoice,) = result.created
    assert (invoice.headcount, invoice.jkk, invoice.jkm, invoice.jht) == (3, 30_000, 20_400, 0)
    assert invoice.total == 50_400
    assert invoice.due_date == datetime.date(2025, 7, 15)
    assert invoice.number == f"LND/{cohort.programme.pk}/{invoice.payer.pk}/2025-07"
    lines = list(invoice.lines.values_list("regency_id", "headcount", "total"))
    assert lines == [("53.03", 1, 16_800), ("53.05", 2, 33_600)]
    assert invoice.details.count() == 3
    frozen_rate = invoice.basis["cohorts"][str(cohort.pk)]["rate"]
    assert frozen_rate == {"jkk": 10_000, "jkm": 6_800, "jht": 0}
    event = AuditEvent.objects.get(action="contributions.invoice_issued")
    assert event.object_id == str(invoice.pk)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [(MonthRule.ANY_DAY, 3), (MonthRule.FIRST_DAY, 2), (MonthRule.WHOLE_MONTH, 1)],
)
def test_month_rule_is_a_programme_setting(cohort, rule, expected):
    BillingPolicy.objects.create(programme=cohort.programme, month_rule=rule)
    enroll(cohort, start=datetime.date(2025, 7, 1), end=datetime.date(2025, 7, 20))  # part
    enroll(cohort, start=datetime.date(2025, 7, 18))  # from the 18th
    enroll(cohort, start=datetime.date(2025, 7, 1))  # whole month and on
    result = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    assert result.created[0].headcount == expected


def test_people_not_covered_are_not_billed(cohort):
    enroll(cohort)
    enroll(cohort, state=EnrollmentState.SUBMITTED, kpj=None, start=None)
    enroll(cohort, start=datetime.date(2025, 8, 1))  # from August
    # Left before coverage began: no coverage period at all.
    left = enroll(cohort, start=datetime.date(2025, 7, 18), end=datetime.date(2025, 7, 18))
    type(left).objects.filter(pk=left.pk).update(
        start_date=None, end_date=None, ended_on=datetime.date(2025, 7, 17)
    )
    result = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    assert result.created[0].headcount == 1


def test_billing_a_month_twice_yields_one_invoice(cohort):
    enroll(cohort)
    first = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    enroll(cohort)
    second = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    assert second.created == []
    assert second.existing == first.created
    assert Invoice.objects.count() == 1
    assert InvoiceDetail.objects.count() == 1


def test_month_outside_the_programme_is_refused(cohort):
    enroll(cohort)
    with pytest.raises(InvalidInput) as error:
        bill_month(user=acting_officer(), programme=cohort.programme, month=Month(2025, 6))
    assert error.value.code == "month_outside_programme"
    assert Invoice.objects.count() == 0


def test_a_payer_with_nobody_covered_gets_no_invoice(cohort):
    result = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    assert result.created == [] and [p.name for p in result.empty] == ["Pemerintah Provinsi NTT"]
    assert Invoice.objects.count() == 0 and InvoiceLine.objects.count() == 0


@pytest.mark.parametrize("headcount", [1, 3, 7, 13])
@pytest.mark.parametrize("share_bp", [3333, 2500, 1, 9999])
def test_split_between_payers_adds_up_exactly(programme, headcount, share_bp):
    cohort = shared_cohort(programme, share_bp=share_bp)
    for _ in range(headcount):
        enroll(cohort)
    result = bill_month(user=acting_officer(), programme=programme, month=JULY)
    province, alor = sorted(result.created, key=lambda invoice: invoice.payer.payer_type)
    assert province.payer.name == "Pemerintah Provinsi NTT"
    assert alor.payer.name == "Pemerintah Kabupaten Alor"
    assert province.total + alor.total == headcount * 16_800
    for component, rate in (("jkk", 10_000), ("jkm", 6_800)):
        assert getattr(province, component) + getattr(alor, component) == headcount * rate
    # Each payer's part is its exact share rounded to the rupiah.
    assert abs(alor.total - headcount * 16_800 * share_bp / 10_000) <= 1


def test_quarter_share_is_exact(programme):
    cohort = shared_cohort(programme, share_bp=2500)
    for _ in range(4):
        enroll(cohort)
    result = bill_month(user=acting_officer(), programme=programme, month=JULY)
    totals = sorted((invoice.payer.name, invoice.total) for invoice in result.created)
    assert totals == [("Pemerintah Kabupaten Alor", 16_800), ("Pemerintah Provinsi NTT", 50_400)]


def test_past_dated_exit_becomes_an_adjustment_on_the_next_invoice(cohort):
    stays = enroll(cohort)
    dies = enroll(cohort)
    bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    bill_month(user=acting_officer(), programme=cohort.programme, month=AUGUST)
    # Recorded in September: the death happened on 25 July, so August was billed wrongly.
    end_enrollment(dies, datetime.date(2025, 7, 25))
    late = enroll(cohort, start=datetime.date(2025, 8, 20))  # activated late for August

    september = bill_month(
        user=acting_officer(), programme=cohort.programme, month=SEPTEMBER
    ).created[0]
    assert september.headcount == 2  # `stays` and `late`
    assert september.adjustments == -16_800 + 16_800  # August: one removed, one added
    adjustments = list(
        september.lines.filter(kind=LineKind.ADJUSTMENT).values_list(
            "service_month", "headcount", "total", "corrects__month"
        )
    )
    assert adjustments == [(AUGUST.first_day, 0, 0, AUGUST.first_day)]
    rows = sorted(
        september.details.filter(kind=LineKind.ADJUSTMENT).values_list(
            "enrollment_id", "sign", "jkk", "service_month"
        )
    )
    assert rows == [
        (dies.pk, -1, -10_000, AUGUST.first_day),
        (late.pk, 1, 10_000, AUGUST.first_day),
    ]
    assert september.total == 2 * 16_800
    assert stays.pk not in {row[0] for row in rows}


def test_exit_before_coverage_began_removes_the_first_month_too(cohort):
    enroll(cohort)
    dies = enroll(cohort)
    bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    end_enrollment(dies, datetime.date(2025, 7, 10))  # before the 18 July start: never covered
    august = bill_month(user=acting_officer(), programme=cohort.programme, month=AUGUST).created[0]
    assert list(
        august.details.filter(kind=LineKind.ADJUSTMENT).values_list("service_month", "sign")
    ) == [(JULY.first_day, -1)]
    assert (august.headcount, august.adjustments, august.total) == (1, -16_800, 0)


def test_adjustment_is_not_repeated_on_later_invoices(cohort):
    enroll(cohort)
    dies = enroll(cohort)
    bill_month(user=acting_officer(), programme=cohort.programme, month=JULY)
    bill_month(user=acting_officer(), programme=cohort.programme, month=AUGUST)
    end_enrollment(dies, datetime.date(2025, 7, 31))
    september = bill_month(
        user=acting_officer(), programme=cohort.programme, month=SEPTEMBER
    ).created[0]
    october = bill_month(
        user=acting_officer(), programme=cohort.programme, month=Month(2025, 10)
    ).created[0]
    assert september.adjustments == -16_800
    assert september.total == 16_800 - 16_800
    assert october.adjustments == 0
    assert october.lines.filter(kind=LineKind.ADJUSTMENT).count() == 0


def test_issued_invoice_cannot_be_edited_or_deleted(cohort):
    enroll(cohort)
    invoice = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY).created[0]
    invoice.total = 1
    with pytest.raises(InvalidTransition):
        invoice.save()
    with pytest.raises(InvalidTransition):
        invoice.delete()
    with pytest.raises(InvalidTransition):
        Invoice.objects.filter(pk=invoice.pk).update(total=1)
    with pytest.raises(InvalidTransition):
        InvoiceDetail.objects.all().delete()
    invoice.refresh_from_db()
    assert invoice.total == 16_800
    assert invoice.kind == InvoiceKind.INVOICE


def test_invoice_freezes_the_data_it_was_computed_from(cohort):
    enrollment = enroll(cohort)
    invoice = bill_month(user=acting_officer(), programme=cohort.programme, month=JULY).created[0]
    # The person moves to TTU and the rate table is not consulted again: the invoice keeps
    # the regency, cohort and amounts it was billed with.
    Enrollment.objects.filter(pk=enrollment.pk).update(regency_id="53.03")
    detail = invoice.details.get()
    assert (detail.enrollment_id, detail.regency_id, detail.cohort_id) == (
        enrollment.pk,
        "53.05",
        cohort.pk,
    )
    assert (detail.jkk, detail.jkm, detail.jht, detail.sign) == (10_000, 6_800, 0, 1)
    assert list(invoice.lines.values_list("regency_id", "total")) == [("53.05", 16_800)]
