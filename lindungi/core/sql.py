"""Raw SQL in one place: execute and fetch, bulk writes, per-database switches, table names.

Set-based work (imports, selection, billing) writes SQL by hand; this module is the only place
that talks to the cursor for it. Table names always come from the models (`table(Person)`), so
renaming a model's table breaks at import time of the caller, not when a statement first runs.
SQL built with f-strings in the callers interpolates only these names and code constants;
every value is a parameter (hence their S608 suppressions).
"""

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

Params = Sequence[Any] | Mapping[str, Any] | None


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def table(model: type[Model]) -> str:
    """The model's table name, quoted for the current database."""
    return connection.ops.quote_name(model._meta.db_table)


def table_name(model: type[Model]) -> str:
    """The model's table name unquoted, for catalogue look-ups (pg_class, sqlite_master)."""
    return model._meta.db_table


def execute(sql: str, params: Params = None) -> int:
    """Run one statement; returns the number of rows it changed (-1 when unknown)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params: Params = None) -> list[tuple]:
    """Every row a statement returns (none for a statement that returns nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


IN_CHUNK = 5_000


def fetch_in(sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of `sql` for many values: `{marks}` in it becomes one placeholder per value,
    chunk after chunk of IN_CHUNK, after `params` (so the IN list comes last in the statement).

    For look-ups by thousands of keys (a file's NIKs, claim numbers): the ORM prepares an
    `__in` list value by value, which costs more than the query itself.
    """
    rows: list[tuple] = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        rows.extend(fetch(sql.format(marks=", ".join(["%s"] * len(chunk))), [*params, *chunk]))
    return rows


def fetch_one(sql: str, params: Params = None) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_value(sql: str, params: Params = None) -> Any:
    row = fetch_one(sql, params)
    return row[0] if row else None


def date_value(day: date | None) -> Any:
    """A date as the driver stores it, for `bulk_insert` rows (no model field to adapt it)."""
    return connection.ops.adapt_datefield_value(day)


def datetime_value(moment: datetime | None) -> Any:
    """A timestamp as the driver stores it (time zone handled), for `bulk_insert` rows."""
    return connection.ops.adapt_datetimefield_value(moment)


def bulk_insert(table_name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert many plain tuples by the driver's fastest path: COPY on PostgreSQL, one
    executemany on the sqlite3 cursor (no per-row Django overhead) on SQLite.

    For rows that grow with the number of people, where model instances for bulk_create
    would cost more than the database work. Values must already be database-ready.
    """
    names = ", ".join(columns)
    connection.ensure_connection()
    if is_postgres():
        with connection.cursor() as cursor:
            raw = cursor.cursor
            while hasattr(raw, "cursor"):  # unwrap Django's debug and wrapper cursors
                raw = raw.cursor
            with raw.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw_cursor = connection.connection.cursor()
    try:
        raw_cursor.executemany(
            f"INSERT INTO {table_name} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    finally:
        raw_cursor.close()


def analyze(table_name: str) -> None:
    """Fresh statistics for a table PostgreSQL has not analysed yet (a new temporary table,
    or one a bulk write just grew); SQLite plans without them."""
    if is_postgres():
        execute(f"ANALYZE {table_name}")


def create_temporary_table(name: str, columns: Sequence[tuple[str, str, str]]) -> None:
    """A fresh temporary table private to the connection (any earlier one of that name is
    dropped first); `columns` are (name, PostgreSQL type, SQLite type)."""
    drop_temporary_table(name)
    index = 1 if is_postgres() else 2
    definition = ", ".join(f"{column[0]} {column[index]}" for column in columns)
    execute(f"CREATE TEMPORARY TABLE {name} ({definition})")


def drop_temporary_table(name: str) -> None:
    """Drop the connection's temporary table `name` if there is one; a permanent table of
    the same name is never touched (the schema is the connection's temporary one)."""
    schema = "pg_temp" if is_postgres() else "temp"
    execute(f"DROP TABLE IF EXISTS {schema}.{name}")


def bytes_collation() -> str:
    """Text compared as bytes: PostgreSQL's collation otherwise (SQLite compares bytes)."""
    return ' COLLATE "C"' if is_postgres() else ""


@contextlib.contextmanager
def sqlite_cache(kib: int, *, schema: str = "main") -> Iterator[None]:
    """A larger SQLite page cache for one bulk operation, put back afterwards (a worker keeps
    its connection). PostgreSQL needs nothing. Straight on the driver: Django refuses queries
    on a connection whose transaction is marked for rollback, as a dry run's is by the end.
    """
    if is_postgres():
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    (previous,) = raw.execute(f"PRAGMA {schema}.cache_size").fetchone()
    raw.execute(f"PRAGMA {schema}.cache_size = -{int(kib)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA {schema}.cache_size = {int(previous)}")


@contextlib.contextmanager
def foreign_keys_unchecked() -> Iterator[None]:
    """SQLite: no foreign-key check per row during a bulk write whose keys the caller has
    already checked; ignored inside a transaction (a caller's outer transaction keeps its
    checks). PostgreSQL checks them at the end of the statement anyway."""
    if is_postgres():
        yield
        return
    unchecked = connection.disable_constraint_checking()
    try:
        yield
    finally:
        if unchecked:
            connection.enable_constraint_checking()
