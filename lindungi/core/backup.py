"""Backups of the whole database and their restore (issue 12.9).

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while
the application keeps running, and copies a backup back page by page. PostgreSQL: `pg_dump
--format=custom` and `pg_restore --clean --single-transaction`, the tools PostgreSQL ships;
they must be installed (Debian: postgresql-client) and match the server's major version.

These functions know databases, not domain models: `lindungi backup` / `lindungi restore`
(audit app) add the audit event and verify the chain after a restore.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    size: int


def _settings(database: dict[str, Any] | None) -> dict[str, Any]:
    return database or connection.settings_dict


def _vendor(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"no backup method for {engine}")


def _pg_environment(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password travels in the environment."""
    options = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options += [flag, str(database[key])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return options, environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def backup_database(path: Path, *, database: dict[str, Any] | None = None) -> BackupResult:
    """Write a consistent copy of the database to `path` (replaced if it exists)."""
    database = _settings(database)
    vendor = _vendor(database)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if vendor == "sqlite":
        if database is connection.settings_dict:
            connection.ensure_connection()
            source = connection.connection
        else:
            source = sqlite3.connect(database["NAME"])
        if source.in_transaction:
            # The online backup would wait forever for the lock this very connection holds
            # (a caller's transaction, or a test's): take this connection's view in memory.
            partial.write_bytes(source.serialize())
        else:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
    else:
        options, environment = _pg_environment(database)
        completed = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *options,
             database["NAME"]],
            env=environment, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if completed.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {completed.stderr.strip()[-500:]}")
    partial.replace(path)  # a backup file is either whole or absent
    return BackupResult(path=path, vendor=vendor, size=path.stat().st_size)


def restore_database(path: Path, *, database: dict[str, Any] | None = None) -> None:
    """Replace the database's contents with the backup at `path`, all or nothing."""
    database = _settings(database)
    vendor = _vendor(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("PRAGMA schema_version").fetchone()  # fails on a non-SQLite file
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup: {error}") from None
        if database is connection.settings_dict:
            connections.close_all()
            connection.ensure_connection()
            target = connection.connection
        else:
            target = sqlite3.connect(database["NAME"])
        try:
            source.backup(target)  # page by page, under one lock: all or nothing
        finally:
            source.close()
            if target is not connection.connection:
                target.close()
        return
    options, environment = _pg_environment(database)
    # Read the archive's table of contents first: a file that is not a pg_dump archive is
    # refused before anything is touched.
    listed = subprocess.run(
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise BackupError(f"{path} is not a pg_dump archive: {listed.stderr.strip()[-300:]}")
    if database is connection.settings_dict:
        connections.close_all()
    completed = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--exit-on-error", *options, "--dbname", database["NAME"], str(path)],
        env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise BackupError(f"pg_restore failed: {completed.stderr.strip()[-500:]}")


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    """Rows per table, in one statement, through any DB-API cursor."""
    counts = ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    cursor.execute(f"SELECT {counts}")
    return dict(zip(tables, cursor.fetchone(), strict=True))
