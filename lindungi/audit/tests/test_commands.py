"""Who acted: every writing command takes --as USERNAME, and every write service takes the
acting user and checks the permission itself (not only the page that calls it)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from lindungi.audit.commands import WritingCommand
from lindungi.audit.models import AuditEvent
from lindungi.contributions.billing import bill_month
from lindungi.contributions.budget import add_appropriation
from lindungi.contributions.models import Payer
from lindungi.core.dates import Month
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import CandidateImport
from lindungi.registry.tests.helpers import candidate, write_csv

pytestmark = pytest.mark.django_db

WRITING_COMMANDS = (
    "apply_lapses",
    "bill_month",
    "import_candidates",
    "import_exits",
    "import_insurer_response",
    "import_statement",
    "load_demo",
    "make_submission",
    "run_selection",
)


@pytest.mark.parametrize("name", WRITING_COMMANDS)
def test_every_writing_command_takes_as_username(name):
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    assert isinstance(command, WritingCommand)
    with pytest.raises(CommandError, match="--as"):
        call_command(name)


def test_command_records_the_acting_user_in_the_audit_trail(tmp_path, province_officer):
    path = write_csv(tmp_path / "calon.csv", [candidate(1)])
    call_command(
        "import_candidates", str(path), "--as", province_officer.username, "--no-progress",
        stdout=io.StringIO(),
    )  # fmt: skip
    event = AuditEvent.objects.get(action="registry.import_candidates")
    assert (event.actor, event.actor_username, event.source) == (
        province_officer,
        province_officer.username,
        "command",
    )
    assert CandidateImport.objects.get().created_by == province_officer


def test_command_refuses_a_user_without_the_right(tmp_path, auditor):
    path = write_csv(tmp_path / "calon.csv", [candidate(1)])
    with pytest.raises(CommandError, match="tidak boleh"):
        call_command("import_candidates", str(path), "--as", auditor.username, "--no-progress")
    with pytest.raises(CommandError, match="Tidak ada pengguna aktif"):
        call_command("import_candidates", str(path), "--as", "nobody", "--no-progress")
    assert CandidateImport.objects.count() == 0


def test_services_check_the_permission_themselves(tmp_path, auditor, regency_officer):
    path = write_csv(tmp_path / "calon.csv", [candidate(1)])
    with pytest.raises(PermissionDenied):
        import_candidates(file=path, file_name="calon.csv", user=auditor)
    # A regency officer's import is limited to their regency even when the caller forgets.
    with pytest.raises(PermissionDenied):
        import_candidates(file=path, file_name="calon.csv", user=regency_officer, regency="53.03")
    assert CandidateImport.objects.count() == 0
    payer = Payer.objects.create(payer_type="province", name="Pemprov")
    with pytest.raises(PermissionDenied):
        add_appropriation(user=auditor, payer=payer, fiscal_year=2025, account_code="X", amount=1)
    with pytest.raises(TypeError):  # the acting user is required
        add_appropriation(payer=payer, fiscal_year=2025, account_code="X", amount=1)


def test_billing_refuses_a_user_without_the_right(auditor):
    from lindungi.accounts.testing import acting_officer
    from lindungi.programs.services import create_ntt_2025_programme

    programme = create_ntt_2025_programme(user=acting_officer())
    with pytest.raises(PermissionDenied):
        bill_month(programme=programme, month=Month.of(datetime.date(2025, 7, 1)), user=auditor)
