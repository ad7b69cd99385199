"""A second process for the fault tests (test_faults.py): run as

    python lindungi/contributions/tests/fault_process.py MODE [ARGS]

against DATABASE_URL (an SQLite file copied from the test database, or a PostgreSQL database
cloned from it). Modes:
- setup: a programme with 30 covered people and a user; queue a statement import job;
- hang-in-write: run the worker; the import stops inside its write transaction (prints INSIDE)
  and waits to be killed;
- hang-in-read: run the worker; the import stops while reading the file (prints READING);
- login: POST /login/ with a 2 s busy timeout, print the status code;
- sweep: mark abandoned jobs failed, print what the database holds as JSON;
- setup-race PATH: a programme with two cohorts paid by two payers (20 people each) and a user;
  writes the statement of the first payer's people to PATH, prints the ids;
- race PROGRAMME PAYER PATH GO: reads the statement, prints READY, waits until the file GO
  exists, then imports it for that payer and August; prints the outcome;
- statements PROGRAMME: what the database holds for the programme's statements, as JSON.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def setup() -> None:
    from lindungi.accounts.models import User
    from lindungi.contributions.reconciliation import start_statement_import
    from lindungi.contributions.tests.conftest import enroll
    from lindungi.core.dates import Month
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.tests.helpers import cohort_with_payer

    programme = _programme("Fault", 30)
    cohort = cohort_with_payer(
        programme=programme,
        name="APBD",
        payer_type=PayerType.PROVINCE,
        payer_name="Pemprov NTT",
        funding_source=FundingSource.APBD,
        headcount=30,
    )
    kpjs = [enroll(cohort).kpj for _ in range(30)]
    # The fixtures may have made the acting officer already (cohort_with_payer writes shares
    # as a user): the same account, given a password for the login.
    user, _created = User.objects.get_or_create(
        username="officer", defaults={"role": "province_officer"}
    )
    user.set_password("test-password-123")
    user.save()
    content = "KPJ,Iuran\n" + "".join(f"{kpj},16800\n" for kpj in kpjs)
    job = start_statement_import(
        user=user,
        uploaded_file=SimpleUploadedFile("agustus.csv", content.encode()),
        programme=programme,
        month=Month(2025, 8),
    )
    print(json.dumps({"job": job.pk}), flush=True)


def hang(marker: str, target: str) -> None:
    import lindungi.contributions.jobs as jobs
    import lindungi.contributions.reconciliation as reconciliation

    module = reconciliation if target == "_write_lines" else jobs
    original = getattr(module, target)

    def stop_here(*args, **kwargs):
        result = original(*args, **kwargs)
        print(marker, flush=True)
        time.sleep(600)
        return result

    setattr(module, target, stop_here)
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0
    )


def login() -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name is allowed
    connection.settings_dict["OPTIONS"]["timeout"] = 2
    response = Client(raise_request_exception=False).post(
        "/login/", {"username": "officer", "password": "test-password-123"}
    )
    print(json.dumps({"status": response.status_code}), flush=True)


def sweep() -> None:
    from lindungi.contributions.models import StatementImport, StatementLine
    from lindungi.jobs.models import Job
    from lindungi.jobs.worker import fail_abandoned_jobs

    failed = fail_abandoned_jobs()
    print(
        json.dumps(
            {
                "failed": failed,
                "jobs": list(Job.objects.values_list("status", "error_message")),
                "statements": StatementImport.objects.count(),
                "lines": StatementLine.objects.count(),
            }
        ),
        flush=True,
    )


def _programme(name: str, headcount: int):
    from lindungi.programs.models import Programme

    return Programme.objects.create(
        name=name,
        province_id="53",
        year=2025,
        coverage_start=datetime.date(2025, 7, 18),
        coverage_end=datetime.date(2025, 12, 31),
        target_headcount=headcount,
    )


def setup_race(path: str) -> None:
    from lindungi.accounts.models import User
    from lindungi.contributions.policy import cohort_shares
    from lindungi.contributions.tests.conftest import enroll
    from lindungi.programs.choices import FundingSource, PayerType
    from lindungi.programs.tests.helpers import cohort_with_payer

    programme = _programme("Race", 40)
    cohorts = [
        cohort_with_payer(
            programme=programme,
            name=name,
            payer_type=payer_type,
            payer_name=payer_name,
            payer_regency_id=regency,
            funding_source=FundingSource.APBD,
            headcount=20,
        )
        for name, payer_type, payer_name, regency in (
            ("APBD Provinsi", PayerType.PROVINCE, "Pemprov NTT", None),
            ("APBD Alor", PayerType.REGENCY, "Pemkab Alor", "53.05"),
        )
    ]
    kpjs = {cohort.pk: [enroll(cohort).kpj for _ in range(20)] for cohort in cohorts}
    # The fixtures may have made the acting officer already (cohort_with_payer writes shares
    # as a user): the same account, given a password for the login.
    user, _created = User.objects.get_or_create(
        username="officer", defaults={"role": "province_officer"}
    )
    user.set_password("test-password-123")
    user.save()
    [payer] = [share.payer for share in cohort_shares(programme) if share.cohort == cohorts[0]]
    Path(path).write_text(
        "KPJ,Iuran\n" + "".join(f"{kpj},16800\n" for kpj in kpjs[cohorts[0].pk]),
        encoding="utf-8",
    )
    print(json.dumps({"programme": programme.pk, "payer": payer.pk}), flush=True)


def race(programme_id: str, payer_id: str, path: str, go: str) -> None:
    from lindungi.accounts.models import User
    from lindungi.contributions.models import Payer
    from lindungi.contributions.reconciliation import import_statement, read_statement
    from lindungi.core.dates import Month
    from lindungi.core.errors import InvalidInput
    from lindungi.programs.models import Programme

    programme = Programme.objects.get(pk=programme_id)
    payer = Payer.objects.get(pk=payer_id)
    user = User.objects.get(username="officer")
    with open(path, "rb") as handle:
        statement_file = read_statement(handle, month=Month(2025, 8))
    connection.close()  # both processes start from a fresh connection at the same moment
    print("READY", flush=True)
    while not Path(go).exists():
        time.sleep(0.005)
    try:
        statement = import_statement(
            programme=programme,
            month=Month(2025, 8),
            statement_file=statement_file,
            file_name="race.csv",
            user=user,
            payer=payer,
        )
    except InvalidInput as error:
        outcome = error.code
    else:
        outcome = f"imported {statement.version}"
    print(json.dumps({"outcome": outcome}), flush=True)


def statements(programme_id: str) -> None:
    from lindungi.contributions.models import StatementImport, StatementLine

    found = StatementImport.objects.filter(programme_id=programme_id)
    print(
        json.dumps(
            {
                "statements": list(
                    found.order_by("pk").values_list("scope", "version", "is_current")
                ),
                "lines": StatementLine.objects.filter(statement__in=found).count(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "setup":
        setup()
    elif mode == "hang-in-write":
        hang("INSIDE", "_write_lines")
    elif mode == "hang-in-read":
        hang("READING", "read_statement")
    elif mode == "login":
        login()
    elif mode == "sweep":
        sweep()
    elif mode == "setup-race":
        setup_race(sys.argv[2])
    elif mode == "race":
        race(*sys.argv[2:6])
    elif mode == "statements":
        statements(sys.argv[2])
    else:
        raise SystemExit(f"unknown mode {mode}")
