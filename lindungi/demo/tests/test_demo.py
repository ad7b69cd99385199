"""The demo tells the whole 2025 story through the real services, once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindungi.demo.services import PROGRAMME_2025, PROGRAMME_2026, DemoScale, load_demo

pytestmark = pytest.mark.django_db

SMALL = DemoScale(candidates=1_500, target=1_000, seed=7)


@pytest.fixture
def demo(province_admin, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return load_demo(user=province_admin, scale=SMALL)


def test_demo_builds_the_2025_story(demo):
    from lindungi.contributions.models import Invoice
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import Enrollment
    from lindungi.programs.choices import RunStatus
    from lindungi.programs.models import Programme

    figures = demo.figures
    assert demo.created
    assert figures["read"] == 1_500
    assert figures["accepted"] + figures["rejected"] <= figures["read"]
    assert figures["selected"] == 1_000
    programme = Programme.objects.get(name=PROGRAMME_2025)
    assert programme.runs.get().status == RunStatus.APPROVED
    states = set(Enrollment.objects.filter(programme=programme).values_list("state", flat=True))
    assert {EnrollmentState.ACTIVE, EnrollmentState.ENDED} <= states
    invoices = Invoice.objects.filter(programme=programme)
    # July to December, one payer: six invoices, all paid in full.
    assert invoices.count() == 6
    assert figures["billed"] == figures["paid"] == sum(invoice.total for invoice in invoices)
    # The province's 2025 APBD covers its places for July to December at Rp16,800 a month.
    from lindungi.contributions.models import Appropriation

    budget_2025 = Appropriation.objects.get(fiscal_year=2025)
    assert budget_2025.amount == 1_000 * 16_800 * 6
    draft = Programme.objects.get(name=PROGRAMME_2026)
    assert draft.cohorts.count() == 3
    assert Appropriation.objects.filter(fiscal_year=2026).count() == 3
    assert draft.runs.count() == 0


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
    with pytest.raises(CommandError):
        call_command(
            "load_demo", "--as", "admin", "--candidates", "10", "--target", "5", "--no-progress"
        )
