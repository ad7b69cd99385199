"""The per-import staging table and the bulk writes into it (COPY on PostgreSQL, executemany
on SQLite). It is a temporary table: private to the connection, gone with the transaction.

SQL here and in importing.py is built with f-strings only from module constants (table and
column names); every value goes through parameters, hence the S608 suppressions.
"""

import contextlib
from collections.abc import Iterator

from django.db import connection

from lindungi.core.sql import foreign_keys_unchecked, is_postgres, sqlite_cache

# PostgreSQL drops it at the commit. SQLite keeps it until the connection closes (after the
# request, job or command) or the next import replaces it: dropping a million staged rows
# inside the import cost 1.5 s, closing the connection costs nothing.
STAGE = "registry_import_stage"

# (column, PostgreSQL type, SQLite type); outcome and person_id are filled in by SQL later.
STAGE_COLUMNS = (
    ("row_number", "integer", "integer"),
    ("nik", "varchar(16)", "text"),
    ("kk_number", "varchar(16)", "text"),
    ("full_name", "varchar(150)", "text"),
    ("name_normalised", "varchar(150)", "text"),
    ("sex", "varchar(1)", "text"),
    ("birth_place", "varchar(100)", "text"),
    ("birth_date", "date", "text"),
    ("village_id", "varchar(13)", "text"),
    ("regency_id", "varchar(5)", "text"),
    ("address", "varchar(300)", "text"),
    ("occupation", "varchar(100)", "text"),
    ("phone", "varchar(20)", "text"),
    ("desil", "smallint", "integer"),
    ("poverty_label", "varchar(20)", "text"),
    # The cells as read, joined by U+001F, for rejecting this row later with its values.
    ("raw", "text", "text"),
)
LOADED_COLUMNS = tuple(name for name, _pg, _lite in STAGE_COLUMNS)
RAW_SEPARATOR = "\x1f"


# The main database's page cache during a bulk write (KiB, SQLite's negative form). A million
# new people put keys at random places in six indexes; once those outgrow the cache every
# insert rereads pages. 192 MB keeps a million-person registry's indexes in memory and the
# import's peak under 500 MB; the setting is put back afterwards.
SQLITE_BULK_CACHE_KIB = 98_304


@contextlib.contextmanager
def bulk_settings() -> Iterator[None]:
    """Connection settings for one bulk write into the registry (the import, and the
    benchmark's floor), restored afterwards; enter it before the transaction. PostgreSQL
    needs none.

    On SQLite foreign keys are not checked row by row meanwhile: every key the import writes
    comes from the village index loaded inside the same write transaction (or is the
    import's own row), so a million look-ups would only confirm it. SQLite ignores the
    switch inside a transaction, so a caller's outer transaction keeps its checks.
    """
    with sqlite_cache(SQLITE_BULK_CACHE_KIB), foreign_keys_unchecked():
        yield


@contextlib.contextmanager
def indexes_rebuilt_after(table: str, *, adding: int) -> Iterator[bool]:
    """Drop `table`'s indexes (all but the primary key, unique ones included) before a big
    insert and build them again after it: one sort per index instead of a million inserts at
    random places. Yields whether no index is left while the rows go in (then they need no
    sorting on the way; SQLite keeps its own index for a UNIQUE column). The definitions are
    read from the catalogue and everything runs in the caller's transaction, so a failure
    restores them; a unique index that the new rows would break fails its rebuild, and with
    it the transaction.

    1,000,000 people on PostgreSQL: inserting them in NIK order into the unique index took
    4.9 s, inserting them as they come and building the index after it 3.5 s.

    SQLite: when the insert at least doubles the table (readers keep their snapshot).
    PostgreSQL: only into an empty table, because DROP INDEX makes readers of the table wait
    until the commit, and waiting for people who do not exist yet costs nobody anything.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        (highest_id,) = cursor.fetchone()
        # PostgreSQL: an empty table only; SQLite: the insert at least doubles it.
        empty_only = is_postgres() and highest_id > 0
        rebuild = not empty_only and adding >= max(highest_id, 1)
        indexes, kept = _indexes(cursor, table) if rebuild else ([], True)
        if indexes:
            _run_deferred_checks(cursor)
        for drop, _create in indexes:
            cursor.execute(drop)
    yield not kept
    with connection.cursor() as cursor:
        if indexes:
            _run_deferred_checks(cursor)
        for _drop, create in indexes:
            cursor.execute(create)


def _run_deferred_checks(cursor) -> None:
    """PostgreSQL refuses to alter a table while deferred foreign-key checks on it are
    queued (the insert's, or a delete's earlier in the transaction): run them now (they
    would run at the commit anyway), then defer again."""
    if is_postgres():
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _indexes(cursor, table: str) -> tuple[list[tuple[str, str]], bool]:
    """(drop, create) statements of every index but the primary key (a unique constraint on
    PostgreSQL is dropped and added back as the constraint it is), and whether an index stays
    anyway: SQLite's own for a UNIQUE in the table definition cannot be dropped."""
    if is_postgres():
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
            [table],
        )
        statements = [
            (f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"',
             f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition}')
            if constraint
            else (f'DROP INDEX "{name}"', create)
            for name, create, constraint, definition in cursor.fetchall()
        ]  # fmt: skip
        return statements, False
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s ORDER BY name",
        [table],
    )
    found = cursor.fetchall()
    statements = [(f'DROP INDEX "{name}"', create) for name, create in found if create]
    return statements, len(statements) < len(found)


def create_stage() -> None:
    postgres = is_postgres()
    columns = ", ".join(f"{name} {pg if postgres else lite}" for name, pg, lite in STAGE_COLUMNS)
    extra = "outcome varchar(20) NOT NULL DEFAULT '', person_id bigint, related_row integer"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        if not postgres:
            _sqlite_temp_store_on_disk(cursor)
        suffix = " ON COMMIT DROP" if postgres else ""
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns}, {extra}){suffix}")
        if not postgres:
            cursor.execute("PRAGMA temp.cache_size = -32768")  # 32 MB, as main has 64 MB


def _sqlite_temp_store_on_disk(cursor) -> None:
    """Settings keep SQLite's temporary tables in memory; a million staged rows would cost
    ~400 MB of this process, so the stage goes to a temporary file when SQLite allows it.

    SQLite refuses the change inside a transaction once the connection has used temporary
    storage; the stage then stays in memory (connections are not reused on SQLite, so a
    command or job starts fresh).
    """
    from django.db import OperationalError

    with contextlib.suppress(OperationalError):
        cursor.execute("PRAGMA temp_store = FILE")


def index_stage() -> None:
    """Indexes are built once after loading: cheaper than maintaining them row by row.
    PostgreSQL needs none: it joins the stage by hashing (building the NIK index cost 1.5 s of
    a million-row import and saved less); SQLite joins through indexes only."""
    with connection.cursor() as cursor:
        if is_postgres():
            # Row counts and rough frequencies are all the plans need: a tenth of the usual
            # sample (0.39 s -> 0.05 s at a million rows).
            cursor.execute("SET LOCAL default_statistics_target = 10")
            cursor.execute(f"ANALYZE {STAGE}")
            cursor.execute("RESET default_statistics_target")
        else:
            cursor.execute(f"CREATE INDEX {STAGE}_nik ON {STAGE} (nik, row_number)")
            cursor.execute(f"CREATE INDEX {STAGE}_outcome ON {STAGE} (outcome)")
