"""A small 2025 programme run through the real services: selected, enrolled, billed."""

from dataclasses import dataclass
from datetime import date

import pytest

from lindungi.programs.models import Programme
from lindungi.programs.tests.helpers import ALOR, ALOR_VILLAGE, TTU, TTU_VILLAGE, make_programme
from lindungi.registry.tests.factories import PersonFactory


@dataclass
class Story:
    programme: Programme
    people: list


def enroll_everyone(user, programme, *, start: date, seed: int = 1):
    from lindungi.enrollment.batches import batch_csv_path, make_submission, mark_batch_sent
    from lindungi.enrollment.responses import import_insurer_response
    from lindungi.enrollment.simulator import simulate_response

    batch = make_submission(user=user, programme=programme, start_date=start)
    mark_batch_sent(user=user, batch=batch)
    content = simulate_response(batch_csv_path(batch).read_bytes(), seed=seed, rejection_rate=0)
    import_insurer_response(
        user=user, file_name=f"{batch.number}.csv", content=content, batch=batch
    )
    return batch


def checker():
    """The second person who approves what the officer prepared (maker-checker, issue 19.3):
    a province administrator, made once per test."""
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    user, _created = User.objects.get_or_create(
        username="checker", defaults={"role": Role.PROVINCE_ADMIN}
    )
    return user


def run_and_approve(user, programme):
    """`user` runs the selection; a second person (`checker`) approves it."""
    from lindungi.programs.approval import approve_run
    from lindungi.programs.selection import run_selection

    summary = run_selection(user=user, programme=programme)
    return approve_run(user=checker(), run=programme.runs.get(pk=summary.run_id))


@pytest.fixture
def story(province_officer, settings, tmp_path):
    """2025: 3 selected in Alor and 1 in TTU (of 5 and 2 candidates), all active from 18 July."""
    from lindungi.enrollment.services import enroll_selected

    settings.VAR_DIR = tmp_path
    people = [PersonFactory(village_code=ALOR_VILLAGE, desil=1 + n % 2) for n in range(5)]
    people += [PersonFactory(village_code=TTU_VILLAGE, desil=1) for _ in range(2)]
    programme = make_programme(province_officer, quotas={ALOR: 3, TTU: 1})
    run = run_and_approve(province_officer, programme)
    enroll_selected(run=run, user=province_officer)
    enroll_everyone(province_officer, programme, start=date(2025, 7, 18))
    programme.refresh_from_db()
    return Story(programme, people)
