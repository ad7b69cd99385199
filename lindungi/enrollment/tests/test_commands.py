"""The command line round trip: make_submission -> simulate -> import -> exits, with --json."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from lindungi.enrollment.models import Enrollment
from lindungi.enrollment.services import enroll_selected


@pytest.mark.django_db
def test_round_trip(approved_run, programme, superuser, tmp_path):
    enroll_selected(run=approved_run, user=superuser)
    out = StringIO()
    call_command(
        "make_submission",
        str(programme.pk),
        "--as",
        superuser.username,
        "--start",
        "2025-07-18",
        "--json",
        stdout=out,
    )
    made = json.loads(out.getvalue())
    assert made["people"] == 5
    response_file = tmp_path / "jawaban.csv"
    call_command(
        "simulate_insurer_response",
        made["file"],
        str(response_file),
        "--seed",
        "7",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command(
        "import_insurer_response",
        str(response_file),
        "--as",
        superuser.username,
        "--json",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["read"] == 5
    assert summary["activated"] + summary["refused"] == 5
    active = Enrollment.objects.filter(state="active").first()
    exits = tmp_path / "keluar.csv"
    exits.write_text(f"NIK,ALASAN,TANGGAL\n{active.person.nik},meninggal,2025-08-01\n")
    out = StringIO()
    call_command("import_exits", str(exits), "--as", superuser.username, "--json", stdout=out)
    assert json.loads(out.getvalue())["ended"] == 1
    active.refresh_from_db()
    assert (active.state, active.ended_on) == ("ended", datetime.date(2025, 8, 1))
