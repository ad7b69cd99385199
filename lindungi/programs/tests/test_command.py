import io

import pytest
from django.core.management import CommandError, call_command

from lindungi.accounts.models import User
from lindungi.audit.models import AuditEvent
from lindungi.core.roles import Role
from lindungi.programs.models import Decision, RunQuota, SelectionRun
from lindungi.programs.tests.helpers import ALOR, TTU_VILLAGE, make_programme, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(province_officer):
    programme = make_programme(province_officer, quotas={ALOR: 1})
    person(desil=1)
    person(desil=2, poverty_label="poor")
    person(desil=7, poverty_label="not_poor")
    person(village=TTU_VILLAGE, desil=1)
    return programme


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("run_selection", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_prints_a_summary_and_makes_a_draft_run(programme, province_officer):
    output = run_command(str(programme.pk), "--as", province_officer.username)
    run = SelectionRun.objects.get()
    assert output.splitlines() == [
        f"Selection run #{run.pk} (draft)",
        "  candidates 4  eligible 3  selected 1 of 1  waitlisted 2",
        "  not eligible, desil_above_limit: 1",
    ]
    assert Decision.objects.filter(run=run).count() == 4
    event = AuditEvent.objects.get(action="programs.selection_run")
    assert event.source == "command"


def test_finds_the_programme_by_exact_name(programme, province_officer):
    output = run_command("Uji", "--as", province_officer.username)
    assert output.startswith("Selection run #")


def test_dry_run_changes_nothing(programme, province_officer):
    events = AuditEvent.objects.count()
    output = run_command(str(programme.pk), "--dry-run", "--as", province_officer.username)
    assert output.splitlines()[:2] == [
        "Selection dry run (nothing saved)",
        "  candidates 4  eligible 3  selected 1 of 1  waitlisted 2",
    ]
    assert SelectionRun.objects.count() == 0
    assert Decision.objects.count() == 0
    assert RunQuota.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_refuses_unknown_programme_user_or_role(programme, province_officer):
    with pytest.raises(CommandError, match="no single programme matches 'Tidak ada'"):
        run_command("Tidak ada", "--as", province_officer.username)
    with pytest.raises(CommandError, match="Tidak ada pengguna aktif nobody"):
        run_command(str(programme.pk), "--as", "nobody")
    User.objects.create(username="pengamat", role=Role.AUDITOR)
    with pytest.raises(CommandError, match="Pengguna pengamat tidak boleh melakukan ini"):
        run_command(str(programme.pk), "--as", "pengamat")
    assert SelectionRun.objects.count() == 0
