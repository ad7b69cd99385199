"""The demo tells the whole 2025 story through the real services, once."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindungi.demo.services import PROGRAMME_2025, PROGRAMME_2026, DemoScale, load_demo
from lindungi.programs.choices import ProgrammeStatus

pytestmark = pytest.mark.django_db

SMALL = DemoScale(candidates=1_500, target=1_000, seed=7)


@pytest.fixture
def demo(province_admin, province_officer, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return load_demo(user=province_admin, scale=SMALL)


def test_demo_builds_the_2025_story(demo):
    from lindungi.contributions.models import Invoice
    from lindungi.demo.payments import LAPSING_REGENCY
    from lindungi.enrollment.choices import EnrollmentState, ExitReason
    from lindungi.enrollment.models import Enrollment
    from lindungi.programs.choices import RunStatus
    from lindungi.programs.models import Programme

    figures = demo.figures
    assert demo.created
    assert figures["read"] == 1_500
    assert figures["accepted"] + figures["rejected"] <= figures["read"]
    assert figures["selected"] == 1_000
    programme = Programme.objects.get(name=PROGRAMME_2025)
    run = programme.runs.get()
    assert run.status == RunStatus.APPROVED
    # Maker-checker: prepared by one person, approved by another.
    assert run.created_by.role == "province_officer"
    assert run.approved_by_id != run.created_by_id
    # Renewed into 2026 and closed: nothing of 2025 stays active after its year.
    assert programme.status == ProgrammeStatus.CLOSED
    states = set(Enrollment.objects.filter(programme=programme).values_list("state", flat=True))
    assert EnrollmentState.ACTIVE not in states
    invoices = Invoice.objects.filter(programme=programme)
    # July to December, two payers: the province and the kabupaten of the small cohort.
    assert invoices.count() == 12
    # The province paid everything (August and October after the due date); the kabupaten
    # paid July only, lapsed on 16 December, and December took its unpaid months back.
    assert figures["billed"] == figures["paid"] == sum(invoice.total for invoice in invoices)
    assert figures["late_payments"] == 2
    # Places refused by the insurer and places freed by exits before the cut-off are refilled.
    assert figures["refilled_refusals"] > 0
    assert figures["exit_replacements"] > 0
    lapsing = programme.cohorts.get(funding_shares__payer__regency_id=LAPSING_REGENCY)
    places = Enrollment.objects.filter(programme=programme, cohort=lapsing)
    lapsed = places.filter(state=EnrollmentState.ENDED, end_reason=ExitReason.LAPSED)
    assert figures["lapsed"] == lapsed.count() > 0
    assert not places.filter(state=EnrollmentState.ACTIVE).exists()
    # Covered until the last paid day (31 July), or never covered if they began after it.
    assert set(lapsed.values_list("end_date", flat=True)) <= {date(2025, 7, 31), None}
    december = invoices.get(payer__regency_id=LAPSING_REGENCY, month=date(2025, 12, 1))
    assert december.headcount == 0
    assert december.adjustments <= -4 * 16_800
    # The province's 2025 APBD covers its places for July to December at Rp16,800 a month.
    from lindungi.contributions.models import Appropriation

    budget_2025 = Appropriation.objects.get(fiscal_year=2025, payer__regency__isnull=True)
    assert budget_2025.amount == 990 * 16_800 * 6


def test_demo_continues_into_2026(demo):
    from lindungi.contributions.models import Appropriation, Invoice, Payment
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import BatchEntry, Enrollment
    from lindungi.programs.models import Programme

    figures = demo.figures
    new = Programme.objects.get(name=PROGRAMME_2026)
    assert new.status == ProgrammeStatus.ACTIVE
    # Province 500 (50,000 at full scale), the renewed Sabu Raijua cohort, TTU 148 and
    # Manggarai Barat 28 of their own.
    assert list(new.cohorts.order_by("position").values_list("headcount", flat=True)) == [
        500,
        10,
        148,
        28,
    ]
    carried = Enrollment.objects.filter(programme=new, decision__isnull=True)
    assert carried.count() == figures["continued_2026"] == 500
    assert set(carried.values_list("state", "start_date")) == {
        (EnrollmentState.ACTIVE, date(2026, 1, 1))
    }
    assert not BatchEntry.objects.filter(enrollment__in=carried).exists()
    # Five payers: the province, Sabu Raijua, TTU, Manggarai Barat, and Belu from July.
    invoices = Invoice.objects.filter(programme=new)
    assert invoices.values("payer").distinct().count() == 5
    belu = invoices.filter(payer__regency_id="53.04")
    assert list(belu.values_list("month", flat=True).order_by("month")) == [date(2026, 7, 1)]
    unpaid = invoices.exclude(pk__in=Payment.objects.values("invoice_id"))
    assert set(unpaid.values_list("payer__regency_id", flat=True)) == {"53.15"}
    assert unpaid.count() == 4
    assert Appropriation.objects.filter(fiscal_year=2026).count() == 5


def test_demo_twice_changes_nothing(demo, province_admin):
    from lindungi.audit.models import AuditEvent
    from lindungi.registry.models import Person

    people, events = Person.objects.count(), AuditEvent.objects.count()
    again = load_demo(user=province_admin, scale=SMALL)
    assert not again.created
    assert (Person.objects.count(), AuditEvent.objects.count()) == (people, events)


def test_load_demo_needs_an_acting_user():
    with pytest.raises(CommandError):
        call_command("load_demo", "--candidates", "10", "--target", "5", "--no-progress")


def test_the_demo_passes_every_integrity_check(demo, province_admin):
    """Issue 19: deceased, duplicates, households and self-approvals are all zero."""
    from lindungi.registry.models import DuplicateCandidate, Person
    from lindungi.reports.integrity import checks

    assert {check.key: check.count for check in checks(province_admin)} == {
        "deceased": 0,
        "duplicates": 0,
        "households": 0,
        "self_approved": 0,
    }
    # The deaths among the demo's exits reached the registry.
    assert Person.objects.filter(died_on__isnull=False, death_source="exit").exists()
    assert DuplicateCandidate.objects.exists()
    with pytest.raises(CommandError):
        call_command(
            "load_demo", "--as", "admin", "--candidates", "10", "--target", "5", "--no-progress"
        )


def test_demo_claims_in_the_real_programmes_proportions(demo):
    from django.db.models import Count, F, Sum

    from lindungi.benefits.models import Claim, ClaimItem, RejectedClaimRow

    paid = Claim.objects.filter(status="paid")
    assert paid.count() == 40
    total = ClaimItem.objects.filter(claim__status="paid").aggregate(total=Sum("paid_amount"))
    # About Rp846 million (DOMAIN.md §1).
    assert 800_000_000 <= total["total"] <= 900_000_000
    kinds = dict(paid.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    assert kinds["jkm_death"] == max(kinds.values())
    assert paid.filter(consequence="total_disability").exists()
    assert ClaimItem.objects.filter(item="scholarship", paid_amount__gt=0).exists()
    # The deliberate problems: an unpaid month, a paid amount off the regulation, a death
    # after the exit, a person never enrolled, an amount with sen.
    verdicts = set(Claim.objects.values_list("verdict", flat=True))
    assert {"covered", "covered_in_grace", "not_covered"} <= verdicts
    assert ClaimItem.objects.filter(
        item="partial_disability", paid_amount__gt=F("computed_amount")
    ).exists()
    reasons = set(RejectedClaimRow.objects.values_list("reason", flat=True))
    assert {"not_enrolled", "amount_invalid"} <= reasons
    assert Claim.objects.filter(source="province_form").count() == 1
