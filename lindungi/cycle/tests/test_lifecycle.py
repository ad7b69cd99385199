"""Programme lifecycle: draft -> active -> closing -> closed, and what may change in each."""

from datetime import date

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.models import Invoice
from lindungi.contributions.payments import record_payment
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.cycle.closing import begin_closing, close_programme
from lindungi.cycle.models import CloseOut
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import ProgrammeStatus
from lindungi.programs.services import update_programme
from lindungi.programs.tests.helpers import make_programme


def _bill_and_pay(user, programme, *, pay=True):
    month = Month.of(programme.coverage_start)
    while month <= Month.of(programme.coverage_end):
        for invoice in bill_month(programme=programme, month=month, user=user).created:
            if pay:
                record_payment(
                    invoice=invoice,
                    paid_on=month.last_day,
                    amount=invoice.total,
                    bank_reference=f"B-{invoice.number}",
                    user=user,
                )
        month = month.next()


def test_programme_becomes_active_when_its_approved_selection_is_covered(story):
    assert story.programme.status == ProgrammeStatus.ACTIVE
    assert AuditEvent.objects.filter(action="programs.programme_active").count() == 1


def test_a_draft_stays_draft_until_people_are_covered(province_officer):
    programme = make_programme(province_officer)
    assert programme.status == ProgrammeStatus.DRAFT


def test_status_cannot_be_typed_in(story, province_officer):
    # The old defect: setting "closed" by hand left every place active.
    with pytest.raises(InvalidInput) as error:
        update_programme(user=province_officer, programme=story.programme, status="closed")
    assert error.value.code == "status_not_editable"
    story.programme.refresh_from_db()
    assert story.programme.status == ProgrammeStatus.ACTIVE


def test_coverage_dates_are_locked_once_active(story, province_officer):
    with pytest.raises(InvalidTransition) as error:
        update_programme(
            user=province_officer, programme=story.programme, coverage_end=date(2026, 6, 30)
        )
    assert error.value.code == "coverage_locked"
    story.programme.refresh_from_db()
    assert story.programme.coverage_end == date(2025, 12, 31)
    # The name may still change.
    update_programme(user=province_officer, programme=story.programme, name="NTT 2025 (baru)")


def test_closing_before_coverage_ends_is_refused(story, province_officer):
    with pytest.raises(InvalidTransition) as error:
        begin_closing(user=province_officer, programme=story.programme, today=date(2025, 12, 31))
    assert error.value.code == "coverage_not_ended"
    assert Enrollment.objects.filter(state=EnrollmentState.ACTIVE).count() == 4


def test_closing_ends_every_open_place_on_the_last_day(story, province_officer):
    ended = begin_closing(user=province_officer, programme=story.programme, today=date(2026, 1, 5))
    assert ended["active"] == 4
    places = Enrollment.objects.filter(programme=story.programme)
    assert not places.filter(state=EnrollmentState.ACTIVE).exists()
    assert set(places.values_list("end_date", "end_reason")) == {
        (date(2025, 12, 31), ExitReason.PROGRAMME_ENDED)
    }
    story.programme.refresh_from_db()
    assert story.programme.status == ProgrammeStatus.CLOSING


def test_close_needs_every_covered_month_billed(story, province_officer):
    begin_closing(user=province_officer, programme=story.programme, today=date(2026, 1, 5))
    with pytest.raises(InvalidTransition) as error:
        close_programme(user=province_officer, programme=story.programme)
    assert error.value.code == "months_not_billed"
    assert not CloseOut.objects.exists()
    story.programme.refresh_from_db()
    assert story.programme.status == ProgrammeStatus.CLOSING


def test_close_out_report_and_nothing_changes_after(story, province_officer):
    from lindungi.benefits.choices import BenefitItem, ClaimKind, ClaimSource, Consequence
    from lindungi.benefits.models import Claim, ClaimItem

    _bill_and_pay(province_officer, story.programme)
    person = story.people[0]
    claim = Claim.objects.create(
        number="KLM-1",
        source=ClaimSource.INSURER_FILE,
        person=person,
        regency_id=person.regency_id,
        kind=ClaimKind.JKM_DEATH,
        consequence=Consequence.DEATH,
        incident_date=date(2025, 10, 1),
        programme=story.programme,
    )
    ClaimItem.objects.create(claim=claim, item=BenefitItem.JKM_LUMP_SUM, paid_amount=42_000_000)
    ClaimItem.objects.create(claim=claim, item=BenefitItem.FUNERAL, paid_amount=None)
    begin_closing(user=province_officer, programme=story.programme, today=date(2026, 1, 5))
    closeout = close_programme(user=province_officer, programme=story.programme)
    report = closeout.report
    assert [row["covered"] for row in report["months"]] == [4] * 6
    # 4 people x Rp16,800 x 6 months, all paid.
    assert report["totals"] == {"billed": 403_200, "paid": 403_200, "people_ever_covered": 4}
    (payer,) = report["payers"]
    assert (payer["billed"], payer["paid"], payer["unpaid"]) == (403_200, 403_200, 0)
    # Benefits paid: what the insurer paid on the programme's claims (unpaid items count 0).
    assert report["benefits_paid"] == 42_000_000
    story.programme.refresh_from_db()
    assert story.programme.status == ProgrammeStatus.CLOSED
    with pytest.raises(InvalidTransition):
        bill_month(programme=story.programme, month=Month(2025, 12), user=province_officer)
    with pytest.raises(InvalidTransition):
        update_programme(user=province_officer, programme=story.programme, name="x")
    assert Invoice.objects.count() == 6


def test_programme_page_shows_what_may_change(client, story, province_officer):
    client.force_login(province_officer)
    response = client.get(f"/programs/{story.programme.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Aktif" in body or "Active" in body
