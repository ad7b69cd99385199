"""An approved selection is frozen by the database itself (issue 19.7): its decisions cannot
be changed or removed through the ORM or plain SQL; a draft's still can."""

import pytest
from django.db import DatabaseError, transaction

from lindungi.programs.approval import approve_run
from lindungi.programs.choices import Outcome
from lindungi.programs.models import Decision, SelectionRun
from lindungi.programs.selection import run_selection
from lindungi.programs.tests.helpers import make_programme, person

pytestmark = pytest.mark.django_db


def test_approved_decisions_are_frozen_but_drafts_are_not(province_officer, province_admin):
    programme = make_programme(province_officer, quotas={"53.05": 1, "53.03": 0}, headcount=1)
    chosen, waiting = person(desil=1), person(desil=2)
    summary = run_selection(user=province_officer, programme=programme)
    draft = Decision.objects.filter(run_id=summary.run_id)
    # A draft may still change (exclusions do that).
    assert draft.filter(person=waiting).update(outcome=Outcome.WAITLISTED) == 1
    approve_run(user=province_admin, run=SelectionRun.objects.get(pk=summary.run_id))
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(person=waiting).update(outcome=Outcome.SELECTED)
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(person=chosen).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        SelectionRun.objects.filter(pk=summary.run_id).update(status="draft")
    assert Decision.objects.get(person=chosen).outcome == Outcome.SELECTED
    assert Decision.objects.get(person=waiting).outcome == Outcome.WAITLISTED
