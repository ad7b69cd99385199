"""The import's bulk-write machinery: indexes dropped and rebuilt on a first SQLite import,
restored by a failure, kept on a registry that an import does not double; settings put back."""

import datetime

import pytest
from django.db import connection

from lindungi.registry import importing, staging
from lindungi.registry.models import CandidateImport, Person
from lindungi.registry.tests.factories import PersonFactory
from lindungi.registry.tests.helpers import candidate, importer, write_csv

pytestmark = pytest.mark.django_db


def person_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_person'"
            )
        else:
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'registry_person'"
            )
        return sorted(cursor.fetchall())


def run(tmp_path, rows):
    path = write_csv(tmp_path / "calon.csv", rows)
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = importing.import_candidates(file=path, file_name="calon.csv", user=importer())
    return result, statements


def test_first_import_rebuilds_the_same_indexes(tmp_path):
    before = person_indexes()
    assert "registry_person_reg_nik" in [name for name, _sql in before]
    result, statements = run(tmp_path, [candidate(1), candidate(2), candidate(3)])
    assert result.rows_accepted == 3
    assert person_indexes() == before
    dropped = sorted(
        sql for sql in statements if sql.startswith(("DROP INDEX", "ALTER TABLE registry_person"))
    )
    # Every index but the primary key: four plain ones (one partial) and the unique NIK, a
    # constraint on PostgreSQL (dropped and added back as one) and SQLite's own index, which
    # stays.
    names = sorted(name for name, _sql in before if not name.endswith("_pkey"))
    (insert,) = [
        sql
        for sql in statements
        if sql.replace('"', "").split()[:3] == ["INSERT", "INTO", "registry_person"]
    ]
    if connection.vendor == "postgresql":
        assert len(names) == 5
        assert sorted(sql.split('"')[1] for sql in dropped if "DROP" in sql) == names
        assert "ORDER BY" not in insert  # no index while they went in: no sorting on the way
    else:
        assert "registry_person_deceased" in names
        assert names[-1] == "sqlite_autoindex_registry_person_1"
        assert dropped == [f'DROP INDEX "{name}"' for name in names[:-1]]
        assert "ORDER BY nik" in insert  # into the unique index that stays, in its order
    kk_number = candidate(2)["NO_KK"]
    assert list(Person.objects.filter(kk_number=kk_number).values_list("nik", flat=True)) == [
        candidate(2)["NIK"]
    ]


def test_failure_after_the_insert_restores_the_indexes(tmp_path, monkeypatch):
    before = person_indexes()
    insert = importing._insert_people

    def insert_then_fail(candidate_import, **options):
        insert(candidate_import, **options)
        assert Person.objects.count() == 2  # inserted, indexes not yet rebuilt
        raise RuntimeError("power cut")

    monkeypatch.setattr(importing, "_insert_people", insert_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        run(tmp_path, [candidate(1), candidate(2)])
    assert person_indexes() == before
    assert Person.objects.count() == 0
    assert CandidateImport.objects.count() == 0


def test_an_import_that_does_not_double_the_registry_keeps_its_indexes(tmp_path):
    PersonFactory.create_batch(3, birth_date=datetime.date(1970, 1, 1))
    before = person_indexes()
    result, statements = run(tmp_path, [candidate(1), candidate(2)])
    assert result.rows_accepted == 2
    assert [sql for sql in statements if "INDEX" in sql.split("(")[0].upper()
            and "registry_person" in sql and "stage" not in sql] == []  # fmt: skip
    assert person_indexes() == before


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_bulk_settings_put_the_cache_back():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA main.cache_size")
        (before,) = cursor.fetchone()
        with staging.bulk_settings():
            cursor.execute("PRAGMA main.cache_size")
            assert cursor.fetchone() == (-staging.SQLITE_BULK_CACHE_KIB,)
            # Inside the test's transaction SQLite keeps checking foreign keys.
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone() == (1,)
        cursor.execute("PRAGMA main.cache_size")
        assert cursor.fetchone() == (before,)
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)
