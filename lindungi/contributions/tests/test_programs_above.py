"""Programs asks the apps above it through `programs.above` (registered at start-up by enrollment
and contributions), never through the app registry by a model's name."""

import datetime
from pathlib import Path

import pytest

from lindungi.accounts.testing import acting_officer
from lindungi.contributions.billing import bill_month
from lindungi.contributions.tests.conftest import enroll
from lindungi.core.dates import Month
from lindungi.core.sql import table
from lindungi.enrollment.models import Enrollment
from lindungi.programs import above

PROGRAMS = Path(above.__file__).resolve().parent


def test_programs_never_looks_up_a_model_by_its_name():
    sources = sorted(PROGRAMS.glob("*.py"))
    assert len(sources) > 10
    for source in sources:
        assert "get_model(" not in source.read_text(encoding="utf-8"), source.name


def test_enrollment_answers_with_its_table():
    assert above.enrollment_table() == table(Enrollment)


def test_the_answers_read_the_real_tables(cohort):
    programme = cohort.programme
    assert above.active_places(programme.pk) == 0
    assert above.billed_from(programme.pk, datetime.date(2025, 7, 1)) is False
    enroll(cohort)
    assert above.active_places(programme.pk) == 1
    bill_month(user=acting_officer(), programme=programme, month=Month(2025, 7))
    assert above.billed_from(programme.pk, datetime.date(2025, 7, 1)) is True
    assert above.billed_from(programme.pk, datetime.date(2025, 8, 1)) is False


def test_an_unregistered_answer_names_the_missing_app(monkeypatch):
    monkeypatch.setattr(above, "_billed_from", None)
    with pytest.raises(RuntimeError, match="contributions"):
        above.billed_from(1, datetime.date(2025, 7, 1))
