"""The lapse rule can be reached: a daily job, a command, the arrears page; contributions
calls enrollment downward (issue 11, point 5)."""

import datetime
import inspect
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from lindungi.accounts.testing import acting_officer
from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.lapses import run_daily_lapses, run_lapses
from lindungi.contributions.models import EnrollmentStanding, Invoice
from lindungi.contributions.payments import record_payment
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.enrollment import services as enrollment_services
from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.jobs.models import Job
from lindungi.jobs.services import execute_job

D = datetime.date
# November's invoice falls due on Monday 17 November: July paid, August to November unpaid.
AS_OF = D(2025, 11, 18)


@pytest.fixture
def behind(cohort):
    """One person whose payer paid July only, then nothing for four months."""
    person = enroll(cohort)
    invoices = [
        bill_month(programme=cohort.programme, month=Month(2025, m), user=acting_officer()).created[
            0
        ]
        for m in (7, 8, 9, 10, 11)
    ]
    record_payment(
        invoice=invoices[0],
        paid_on=D(2025, 7, 15),
        amount=16_800,
        bank_reference="J",
        user=acting_officer(),
    )
    return person


@pytest.mark.django_db
def test_run_lapses_ends_the_lapsed_place_on_its_last_paid_day(behind, province_officer):
    result = run_lapses(programme=behind.programme, as_of=AS_OF, user=province_officer)
    assert (result.at_risk, result.lapsed, result.ended) == (0, 1, 1)
    behind.refresh_from_db()
    assert (behind.state, behind.end_reason, behind.end_date) == (
        EnrollmentState.ENDED,
        ExitReason.LAPSED,
        D(2025, 7, 31),
    )
    # The next invoice takes the unpaid months back from the payer.
    december = bill_month(
        programme=behind.programme, month=Month(2025, 12), user=acting_officer()
    ).created[0]
    assert december.adjustments == -4 * 16_800
    # Running again ends nothing more.
    again = run_lapses(programme=behind.programme, as_of=AS_OF, user=province_officer)
    assert again.ended == 0


@pytest.mark.django_db
def test_run_lapses_refuses_a_regency_officer_and_changes_nothing(behind, regency_officer):
    with pytest.raises(PermissionDenied):
        run_lapses(programme=behind.programme, as_of=AS_OF, user=regency_officer)
    behind.refresh_from_db()
    assert behind.state == EnrollmentState.ACTIVE
    assert not EnrollmentStanding.objects.exists()


@pytest.mark.django_db
def test_the_daily_run_takes_every_programme_running_that_day(behind, province_officer):
    assert run_daily_lapses(as_of=D(2026, 3, 1), user=province_officer) == []
    (result,) = run_daily_lapses(as_of=AS_OF, user=province_officer)
    assert (result.programme_id, result.ended) == (behind.programme_id, 1)


@pytest.mark.django_db
def test_the_command_applies_the_lapse_rule(behind, province_officer):
    out = StringIO()
    call_command(
        "apply_lapses", "--as-of", "2025-11-18", "--as", province_officer.username, stdout=out
    )
    assert f"programme {behind.programme_id}: at risk 0, lapsed 1, places ended 1" in out.getvalue()
    assert Enrollment.objects.get(pk=behind.pk).state == EnrollmentState.ENDED
    event = AuditEvent.objects.get(action="enrollment.lapses_applied")
    assert (event.actor_id, event.source) == (province_officer.pk, "command")


@pytest.mark.django_db
def test_the_arrears_page_starts_the_job(client, behind, province_officer):
    client.force_login(province_officer)
    page = client.get(reverse("contributions:arrears"))
    assert reverse("contributions:run_lapses") in page.content.decode()
    response = client.post(reverse("contributions:run_lapses"), {"as_of": "2025-11-18"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    execute_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_detail
    assert (job.result["lapsed"], job.result["ended"]) == (1, 1)


@pytest.mark.django_db
def test_the_arrears_page_refuses_the_auditor(client, behind, auditor):
    client.force_login(auditor)
    assert (
        reverse("contributions:run_lapses")
        not in client.get(reverse("contributions:arrears")).content.decode()
    )
    response = client.post(reverse("contributions:run_lapses"), {"as_of": "2025-11-18"})
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_credit_note_and_credit_are_page_actions(client, cohort, province_officer):
    enroll(cohort)
    dies = enroll(cohort)
    december = bill_month(
        programme=cohort.programme, month=Month(2025, 12), user=acting_officer()
    ).created[0]
    record_payment(
        invoice=december,
        paid_on=D(2025, 12, 15),
        amount=33_600,
        bank_reference="DES",
        user=acting_officer(),
    )
    Enrollment.objects.filter(pk=dies.pk).update(
        state=EnrollmentState.ENDED,
        end_date=D(2025, 11, 30),
        ended_on=D(2025, 11, 30),
        end_reason=ExitReason.DEATH,
    )
    client.force_login(province_officer)
    page = client.get(reverse("contributions:invoice", args=[december.pk])).content.decode()
    assert reverse("contributions:issue_credit_note", args=[december.pk]) in page
    response = client.post(reverse("contributions:issue_credit_note", args=[december.pk]))
    note = Invoice.objects.get(corrects=december)
    assert response["Location"] == reverse("contributions:invoice", args=[note.pk])
    assert note.total == -16_800


def test_enrollment_no_longer_reads_contributions():
    """Contributions calls enrollment downward; enrollment names no contributions table."""
    source = inspect.getsource(enrollment_services)
    assert "contributions" not in source.replace("contributions.lapses", "")
    assert 'standing="lapsed"' not in source and "apps.get_model" not in source
