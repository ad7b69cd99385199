"""Faults with real processes on both databases: a worker killed in the middle of a statement
import, two statement imports of the same payer and month at once, and (SQLite) a login while
an import runs. The migrated test database (with the regions) is copied for the processes to
open, as `make run` does with its web server and worker: a file on SQLite, a database cloned
from the test database on PostgreSQL (CREATE DATABASE .. TEMPLATE), dropped afterwards."""

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


def _admin(settings_dict, dbname="postgres"):
    import psycopg

    return psycopg.connect(
        dbname=dbname,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def _clone_postgres(source: dict, template: str, target: str) -> None:
    """CREATE DATABASE target TEMPLATE template; waits out a connection that is closing."""
    import psycopg

    with _admin(source) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        for attempt in range(20):
            try:
                admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.5)


def _drop_postgres(source: dict, name: str) -> None:
    with _admin(source) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_url(source: dict, name: str) -> str:
    user = source.get("USER") or "postgres"
    password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
    host = source.get("HOST") or "127.0.0.1"
    port = source.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture(scope="module")
def migrated(django_db_setup, django_db_blocker, tmp_path_factory):
    """The migrated test database (with the regions), copied outside any test transaction:
    an SQLite file, or on PostgreSQL a template database cloned before any test opens its
    transaction (a database being used cannot be a template)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            target = tmp_path_factory.mktemp("faults") / "migrated.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            origin = ("sqlite", target)
        else:
            source = dict(connection.settings_dict)
            template = f"{source['NAME']}_faults"
            connection.close()
            _clone_postgres(source, source["NAME"], template)
            origin = ("postgresql", (source, template))
    try:
        yield origin
    finally:
        if origin[0] == "postgresql":
            _drop_postgres(*origin[1])


@pytest.fixture
def database_file(migrated, tmp_path):
    """What the processes open: DATABASE_URL for a fresh copy of the migrated database."""
    vendor, origin = migrated
    if vendor == "sqlite":
        target = tmp_path / "fault.sqlite3"
        shutil.copyfile(origin, target)
        yield f"sqlite:///{target}"
        return
    source, template = origin
    name = f"{template}_run"
    _clone_postgres(source, template, name)
    try:
        yield _postgres_url(source, name)
    finally:
        _drop_postgres(source, name)


def environment(database_url: str, var_dir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "LINDUNGI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }


@pytest.fixture
def var_dir(tmp_path) -> Path:
    """The processes' var directory (uploads, cache), shared by them all."""
    return tmp_path / "var"


def run(mode: str, database_url: str, var_dir: Path, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), mode, *args],
        env=environment(database_url, var_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(mode: str, database_url: str, var_dir: Path, marker: str, *args: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), mode, *args],
        env=environment(database_url, var_dir),
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


def on(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"the {vendor} variant")


def test_a_worker_killed_inside_the_import_on_sqlite(database_file, var_dir):
    on("sqlite")
    killed_inside_the_import(database_file, var_dir)


@pytest.mark.postgres
def test_a_worker_killed_inside_the_import_on_postgresql(database_file, var_dir):
    """The server rolls the transaction back when the killed worker's connection drops."""
    on("postgresql")
    killed_inside_the_import(database_file, var_dir)


def killed_inside_the_import(database_file: str, var_dir: Path) -> None:
    """A worker killed while its import's write transaction is open leaves nothing half
    applied, and the job is shown failed at the next sweep."""
    run("setup", database_file, var_dir)
    worker = start("hang-in-write", database_file, var_dir, "INSIDE")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    after = run("sweep", database_file, var_dir)
    assert (after["statements"], after["lines"]) == (0, 0)
    assert len(after["failed"]) == 1
    [(status, message)] = after["jobs"]
    assert status == "failed"
    assert message


def test_a_login_succeeds_while_a_statement_import_runs(database_file, var_dir):
    on("sqlite")  # SQLite's single write lock is what this fault is about
    run("setup", database_file, var_dir)
    worker = start("hang-in-read", database_file, var_dir, "READING")
    try:
        # The import reads its file outside any transaction: the write lock is free, so the
        # login's writes (session, last login, audit) go through at once. The old import held
        # the lock for its whole run and logins failed with "database is locked".
        assert run("login", database_file, var_dir) == {"status": 302}
    finally:
        worker.kill()
        worker.wait(timeout=30)


def test_two_imports_of_one_payers_statement_at_once_on_sqlite(database_file, var_dir, tmp_path):
    on("sqlite")
    two_imports_at_once(database_file, var_dir, tmp_path)


@pytest.mark.postgres
def test_two_imports_of_one_payers_statement_at_once_on_postgresql(
    database_file, var_dir, tmp_path
):
    on("postgresql")
    two_imports_at_once(database_file, var_dir, tmp_path)


def two_imports_at_once(database_file: str, var_dir: Path, tmp_path: Path) -> None:
    """Two processes import the same payer's statement for the same month at the same moment:
    one reconciles it, the other is refused as a repeat; one current statement, its lines
    once. On SQLite the second waits for the write lock; on PostgreSQL for the programme row."""
    statement = tmp_path / "statement.csv"
    ids = run("setup-race", database_file, var_dir, str(statement))
    go = tmp_path / "go"
    arguments = (str(ids["programme"]), str(ids["payer"]), str(statement), str(go))
    racers = [start("race", database_file, var_dir, "READY", *arguments) for _ in range(2)]
    go.touch()
    outcomes = []
    for racer in racers:
        output, errors = racer.communicate(timeout=120)
        assert racer.returncode == 0, errors[-3000:]
        outcomes.append(json.loads(output.strip().splitlines()[-1])["outcome"])
    assert sorted(outcomes) == ["imported 1", "statement_already_imported"]
    held = run("statements", database_file, var_dir, str(ids["programme"]))
    assert held == {"statements": [[f"payer:{ids['payer']}", 1, True]], "lines": 20}
