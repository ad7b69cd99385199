"""A big CSV is validated in a reader process: the same outcome as in one process, and its
failures leave the registry as it was."""

import csv

import pytest

from lindungi.registry import loading
from lindungi.registry.importing import import_candidates
from lindungi.registry.models import CandidateImport, Person, RejectedRow
from lindungi.registry.tests.helpers import candidate, write_csv

pytestmark = pytest.mark.django_db


def rows():
    good = [candidate(serial) for serial in range(1, 41)]
    return [
        *good,
        candidate(41, NIK="123"),  # rejected while reading
        good[0],  # an identical repeat
        candidate(2, NAMA="Orang Lain"),  # a conflict within the file
        {},  # a blank line
        candidate(42, DESIL="sebelas"),
    ]


def outcome(result):
    return {
        "counts": (
            result.rows_read,
            result.rows_accepted,
            result.rows_updated,
            result.rows_unchanged,
            result.rows_rejected,
        ),
        "reasons": result.reason_counts,
        "rejected": sorted(
            RejectedRow.objects.filter(candidate_import=result).values_list(
                "row_number", "reason", "original"
            )
        ),
        "people": sorted(Person.objects.values_list("nik", "full_name", "desil", "source_row")),
    }


@pytest.fixture
def in_reader_process(monkeypatch):
    monkeypatch.setattr(loading, "CHUNK_ROWS", 7)  # several chunks through the pipe
    monkeypatch.setattr(loading, "READER_PROCESS_MIN_ROWS", 1)
    started = []
    original = loading._from_reader_process

    def counted(make_chunks):
        started.append(True)
        return original(make_chunks)

    monkeypatch.setattr(loading, "_from_reader_process", counted)
    return started


def test_reader_process_gives_the_same_result_as_one_process(
    tmp_path, monkeypatch, in_reader_process
):
    path = write_csv(tmp_path / "calon.csv", rows())
    with_reader = outcome(import_candidates(file=path, file_name="calon.csv"))
    assert in_reader_process == [True]
    assert with_reader["counts"] == (44, 39, 0, 1, 4)
    Person.objects.all().delete()
    RejectedRow.objects.all().delete()
    monkeypatch.setattr(loading, "READER_PROCESS_MIN_ROWS", 10**9)
    alone = outcome(import_candidates(file=path, file_name="calon.csv"))
    assert in_reader_process == [True]  # not started again
    assert alone == with_reader


def test_an_error_in_the_reader_leaves_the_registry_as_it_was(tmp_path, in_reader_process):
    path = write_csv(tmp_path / "calon.csv", [candidate(serial) for serial in range(1, 30)])
    with open(path, "a", encoding="utf-8") as handle:  # a cell past the csv module's limit
        handle.write("5305011503850099," + "x" * (csv.field_size_limit() + 1) + "\n")
    with pytest.raises(csv.Error):
        import_candidates(file=path, file_name="calon.csv")
    assert in_reader_process == [True]
    assert (Person.objects.count(), CandidateImport.objects.count()) == (0, 0)
    assert RejectedRow.objects.count() == 0


def test_an_error_raised_in_the_reader_process_reaches_the_import(
    tmp_path, monkeypatch, in_reader_process
):
    original = loading.validated_chunks

    def broken_in_the_reader(*args, share=None, **options):
        if share == 1:  # called inside the reader process only
            raise LookupError("reader broke")
        return original(*args, share=share, **options)

    monkeypatch.setattr(loading, "validated_chunks", broken_in_the_reader)
    path = write_csv(tmp_path / "calon.csv", [candidate(serial) for serial in range(1, 30)])
    with pytest.raises(LookupError, match="reader broke"):
        import_candidates(file=path, file_name="calon.csv")
    assert (Person.objects.count(), CandidateImport.objects.count()) == (0, 0)
    assert RejectedRow.objects.count() == 0


def test_a_reader_that_vanishes_fails_the_import(tmp_path, monkeypatch, in_reader_process):
    def vanish(make_chunks, sender):
        import os

        os._exit(3)  # killed, say, by the out-of-memory killer: nothing sent

    monkeypatch.setattr(loading, "_read", vanish)
    path = write_csv(tmp_path / "calon.csv", [candidate(serial) for serial in range(1, 30)])
    with pytest.raises(loading.ReaderFailed, match="reader stopped"):
        import_candidates(file=path, file_name="calon.csv")
    assert (Person.objects.count(), CandidateImport.objects.count()) == (0, 0)
