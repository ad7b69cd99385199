"""Faults with real processes on SQLite, the embedded default: a worker killed in the middle of
a statement import, and a login while an import runs. The test database is copied to a file
that separate processes open, as `make run` does with its web server and worker."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("fault_process.py")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def migrated_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The migrated test database (with the regions) as a file, copied outside any test
    transaction (a backup waits for the test's transaction otherwise)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock is what these faults are about")
    target = tmp_path_factory.mktemp("faults") / "migrated.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    return target


@pytest.fixture
def database_file(migrated_file, tmp_path):
    target = tmp_path / "fault.sqlite3"
    shutil.copyfile(migrated_file, target)
    return target


def environment(database_file: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database_file}",
        "LINDUNGI_VAR_DIR": str(database_file.parent / "var"),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }


def run(mode: str, database_file: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), mode],
        env=environment(database_file),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(mode: str, database_file: Path, marker: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), mode],
        env=environment(database_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    for line in process.stdout:
        if line.strip() == marker:
            return process
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError(f"{mode} never reached {marker}: {process.stderr.read()[-2000:]}")


def test_a_worker_killed_inside_the_import_leaves_nothing_and_the_job_is_shown_failed(
    database_file,
):
    run("setup", database_file)
    worker = start("hang-in-write", database_file, "INSIDE")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    after = run("sweep", database_file)
    assert (after["statements"], after["lines"]) == (0, 0)
    assert len(after["failed"]) == 1
    [(status, message)] = after["jobs"]
    assert status == "failed"
    assert message


def test_a_login_succeeds_while_a_statement_import_runs(database_file):
    run("setup", database_file)
    worker = start("hang-in-read", database_file, "READING")
    try:
        # The import reads its file outside any transaction: the write lock is free, so the
        # login's writes (session, last login, audit) go through at once. The old import held
        # the lock for its whole run and logins failed with "database is locked".
        assert run("login", database_file) == {"status": 302}
    finally:
        worker.kill()
        worker.wait(timeout=30)
