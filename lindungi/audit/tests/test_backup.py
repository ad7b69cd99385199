"""Issue 12.9: `lindungi backup` and `lindungi restore` lose nothing: after a round trip every
table has the same rows and the restored audit chain verifies."""

import json
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections

from lindungi.audit.chain import GENESIS_HASH, compute_hash
from lindungi.audit.models import AuditEvent
from lindungi.audit.services import record_event
from lindungi.core.backup import BackupError, backup_database, restore_database, table_counts
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import Person
from lindungi.registry.tests.helpers import candidate, write_csv

AUDIT_COLUMNS = (
    "id, previous_hash, hash, occurred_at, actor_id, actor_username, action, object_type, "
    "object_id, object_repr, changes, source, source_reference"
)


def lindungi_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("lindungi.") and model._meta.managed
    )


def chain_verifies(cursor) -> int:
    """Recompute the keyed chain from raw rows of any database; returns the rows checked."""
    cursor.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_auditevent ORDER BY id")  # noqa: S608
    previous = GENESIS_HASH
    rows = cursor.fetchall()
    for row in rows:
        (_id, previous_hash, stored, occurred_at, actor_id, username, action, object_type,
         object_id, object_repr, changes, source, reference) = row  # fmt: skip
        if isinstance(occurred_at, str):  # SQLite keeps UTC text
            occurred_at = datetime.fromisoformat(occurred_at).replace(tzinfo=UTC)
        if isinstance(changes, str):
            changes = json.loads(changes)
        assert previous_hash == previous
        assert stored == compute_hash(
            previous_hash=previous_hash, occurred_at=occurred_at.astimezone(UTC),
            actor_id=actor_id, actor_username=username, action=action, object_type=object_type,
            object_id=object_id, object_repr=object_repr, changes=changes, source=source,
            source_reference=reference,
        )  # fmt: skip
        previous = stored
    return len(rows)


def _some_data(tmp_path, user, name: str, serials: range) -> None:
    rows = [candidate(serial) for serial in serials]
    path = write_csv(tmp_path / name, rows)
    import_candidates(file=path, file_name=name, user=user, edition="2025-01")
    record_event(action="test.note", summary={"file": name}, user=user)


@pytest.mark.django_db
def test_sqlite_round_trip_loses_nothing(tmp_path, province_officer):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite online backup")
    _some_data(tmp_path, province_officer, "a.csv", range(1, 6))
    tables = lindungi_tables()
    with connection.cursor() as cursor:
        before = table_counts(cursor, tables)
    assert before["registry_person"] == 5
    backup = backup_database(tmp_path / "backup.sqlite3")
    assert backup.size > 0
    _some_data(tmp_path, province_officer, "b.csv", range(6, 9))  # written after the backup
    restored = tmp_path / "restored.sqlite3"
    restore_database(backup.path, database={"ENGINE": "django.db.backends.sqlite3",
                                            "NAME": str(restored)})  # fmt: skip
    with sqlite3.connect(restored) as target:
        cursor = target.cursor()
        assert table_counts(cursor, tables) == before
        assert chain_verifies(cursor) == before["audit_auditevent"]


@pytest.mark.django_db
def test_restore_refuses_without_confirmation_or_a_real_backup(tmp_path, province_officer):
    _some_data(tmp_path, province_officer, "a.csv", range(1, 3))
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError):
        call_command("restore", str(not_a_backup), "--yes")
    with pytest.raises(BackupError):
        restore_database(tmp_path / "missing.dump")
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="test.note").count() == 1


@pytest.mark.django_db
def test_backup_command_writes_the_file_and_audits_it(tmp_path, province_officer, capsys):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    target = tmp_path / "nightly.bak"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    event = AuditEvent.objects.get(action="system.backup")
    assert event.changes["summary"]["path"] == str(target)
    assert event.source == "command"
    assert "Backup written" in capsys.readouterr().out


# --- PostgreSQL: pg_dump sees committed rows only, so the data is committed from a thread and
# removed again at the end; the restore goes into a scratch database.


def _in_thread(function):
    errors: list[BaseException] = []

    def target():
        try:
            function()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _admin_connection(settings_dict, dbname="postgres"):
    return psycopg.connect(
        dbname=dbname,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_round_trip_loses_nothing(tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_restore"):
        pytest.skip("needs PostgreSQL and its client tools")
    source = connection.settings_dict
    scratch = f"{source['NAME']}_restore"
    tables = [*lindungi_tables(), "accounts_user"]
    highest = _highest_ids(source, tables)
    tasks_before = _task_ids(source)

    def commit_data():
        from lindungi.accounts.models import User

        user = User.objects.create(username="backup_officer", role="province_officer")
        _some_data(tmp_path, user, "a.csv", range(1, 6))

    try:
        _in_thread(commit_data)
        with _admin_connection(source, source["NAME"]) as committed:
            before = table_counts(committed.cursor(), tables)
        assert before["registry_person"] == 5
        backup = backup_database(tmp_path / "backup.dump")
        with _admin_connection(source) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            admin.execute(f'CREATE DATABASE "{scratch}"')
        restore_database(backup.path, database={**source, "NAME": scratch})
        with _admin_connection(source, scratch) as restored:
            cursor = restored.cursor()
            assert table_counts(cursor, tables) == before
            assert chain_verifies(cursor) == before["audit_auditevent"]
    finally:
        with _admin_connection(source) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        _remove_committed(source, highest, tasks_before)


def _highest_ids(source, tables) -> dict[str, int]:
    """The largest id of every table with an integer id, as committed before the test."""
    highest = {}
    with _admin_connection(source, source["NAME"]) as committed:
        for table in tables:
            try:
                row = committed.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()  # noqa: S608
            except psycopg.Error:
                continue  # no integer id column (region codes)
            highest[table] = row[0]
    return highest


def _task_ids(source) -> set:
    """The background tasks committed before the test."""
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    with _admin_connection(source, source["NAME"]) as committed:
        return {row[0] for row in committed.execute(f'SELECT id FROM "{table}"')}  # noqa: S608


def _remove_committed(source, highest: dict[str, int], tasks_before: set) -> None:
    """Delete what the test committed (triggers off for the audit table, as a superuser),
    including the background tasks its import queued (the summaries' refresh): tests that run
    later count the task queue."""
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult._meta.db_table
    with _admin_connection(source, source["NAME"]) as committed:
        committed.execute("SET session_replication_role = replica")
        for table, largest in highest.items():
            committed.execute(f'DELETE FROM "{table}" WHERE id > %s', [largest])  # noqa: S608
        known = [str(task) for task in tasks_before]
        committed.execute(f'DELETE FROM "{tasks}" WHERE NOT (id::text = ANY(%s))', [known])  # noqa: S608
        committed.execute("SET session_replication_role = origin")


def test_backup_paths_are_plain(tmp_path):
    # The partial file never stays behind under the final name.
    assert not (Path(tmp_path) / "x.partial").exists()
