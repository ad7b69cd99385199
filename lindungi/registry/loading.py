"""The import's first half: read and validate every row, stage the clean ones, keep the
rejected ones with their reasons. Pure Python per row, written to the database in chunks.

A big CSV is shared with a second process (forked, so it has the validation context without
copying it): each reads the whole file but validates every other chunk, and the second sends
its chunks through a pipe for this one to write. The reader never touches the database; this
process writes everything, in its transaction. 1,000,000 rows on SQLite: the phase took 8.5 s
in one process.
"""

import gc
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from lindungi.core.progress import Progress
from lindungi.registry.models import RejectedRow
from lindungi.registry.reading import Table, cell_text
from lindungi.registry.staging import LOADED_COLUMNS, RAW_SEPARATOR, STAGE, copy_rows
from lindungi.registry.validation import Rejection, ValidationContext, make_validator

CHUNK_ROWS = 20_000
# Files with fewer data lines are read in this process: a second one costs ~20 ms to start.
READER_PROCESS_MIN_ROWS = 50_000
REJECT_COLUMNS = (
    "candidate_import_id",
    "row_number",
    "original",
    "reason",
    "message",
    "nik",
    "related_rows",
    "related_nik",
)


@dataclass
class Chunk:
    staged: list[tuple]
    rejected: list[tuple]
    reasons: Counter
    read: int  # rows that were not blank
    lines: int  # rows taken from the file, blank ones included (for the progress bar)


class ReaderFailed(RuntimeError):
    pass


def load(
    import_id: int,
    table: Table,
    columns: dict[str, int],
    context: ValidationContext,
    progress: Progress,
    *,
    reopen: Callable[[], Table] | None = None,
) -> tuple[int, Counter]:
    """Validate every row and stage the clean ones; write rejections as they come. Returns
    (rows read, rejections per reason). `reopen` gives another Table over the same file (its
    own handle) for the reader process; without it everything happens here.

    The cyclic garbage collector is paused meanwhile: the loop makes millions of tuples and
    lists but no reference cycles, and the collector's passes over the growing heap cost
    more than the validation itself (1,000,000 rows: 11.6 s with it, 7.6 s without).
    """
    collecting = gc.isenabled()
    gc.disable()
    shared = (
        reopen is not None
        and table.delimiter
        and table.total_rows >= READER_PROCESS_MIN_ROWS
        and _can_fork()
    )
    try:
        if shared:
            theirs = _from_reader_process(
                lambda: validated_chunks(import_id, reopen(), columns, context, share=1)
            )
            mine = validated_chunks(import_id, table, columns, context, share=0)
            chunks = _alternate(mine, theirs)
        else:
            chunks = validated_chunks(import_id, table, columns, context)
        read = 0
        reasons: Counter = Counter()
        for chunk in chunks:
            if chunk.staged:
                copy_rows(STAGE, LOADED_COLUMNS, chunk.staged)
            if chunk.rejected:
                copy_rows(RejectedRow._meta.db_table, REJECT_COLUMNS, chunk.rejected)
            read += chunk.read
            reasons.update(chunk.reasons)
            progress.advance(chunk.lines)
        return read, reasons
    finally:
        if shared:
            theirs.close()  # stops the reader if this process stopped first
        if collecting:
            gc.enable()


def _alternate(mine: Iterator[Chunk], theirs: Iterator[Chunk]) -> Iterator[Chunk]:
    """One chunk of each in turn: while this process validates its next chunk, the reader
    validates the one after it."""
    for chunk in mine:
        yield chunk
        if (other := next(theirs, None)) is not None:
            yield other
    yield from theirs


def validated_chunks(
    import_id: int,
    table: Table,
    columns: dict[str, int],
    context: ValidationContext,
    *,
    share: int | None = None,
) -> Iterator[Chunk]:
    """Chunks of validated rows. With `share` 0 or 1, only the even or odd chunks are
    validated (the others are read and skipped: the other process takes them)."""
    headers = table.headers
    # CSV cells are already text; XLSX cells are turned into the text a person saw.
    cells_are_text = bool(table.delimiter)
    validate = make_validator(columns, len(headers), context)
    join = RAW_SEPARATOR.join
    rows = table.rows
    index = -1
    while chunk := list(islice(rows, CHUNK_ROWS)):
        index += 1
        if share is not None and index % 2 != share:
            continue
        staged: list[tuple] = []
        rejected: list[tuple] = []
        reasons: Counter = Counter()
        read = 0
        for row_number, cells in chunk:
            if not any(cells):
                continue  # a blank line is not a row
            read += 1
            outcome = validate(row_number, cells)
            if type(outcome) is not Rejection:
                texts = cells if cells_are_text else [cell_text(c) for c in cells]
                staged.append((row_number, *outcome, join(texts)))
            else:
                reasons[outcome.reason] += 1
                rejected.append(
                    (
                        import_id,
                        row_number,
                        original_json(headers, cells),
                        outcome.reason,
                        outcome.message[:300],
                        outcome.nik,
                        "[]",
                        "",
                    )
                )
        yield Chunk(staged, rejected, reasons, read, len(chunk))


def original_json(headers: list[str], cells: list[Any]) -> str:
    values = [cell_text(cell) for cell in cells]
    original = {}
    for index, value in enumerate(values):
        key = headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"
        original[key] = value
    return json.dumps(original, ensure_ascii=False)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _from_reader_process(make_chunks: Callable[[], Iterator[Chunk]]) -> Iterator[Chunk]:
    """The chunks of `make_chunks()`, made in a forked process (which opens the file there)
    and received here through a pipe.

    An error in the reader is raised here (as itself when it can be pickled); a reader that
    vanishes raises ReaderFailed. Leaving early (an error while writing) stops the reader.
    """
    receiver, sender = multiprocessing.Pipe(duplex=False)
    reader = multiprocessing.get_context("fork").Process(
        target=_read, args=(make_chunks, sender), name="lindungi-import-reader", daemon=True
    )
    reader.start()
    sender.close()  # this process only receives; EOF then means the reader is gone
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise ReaderFailed(
                    _("The file reader stopped before the end of the file")
                ) from None
            if message is None:
                break
            if isinstance(message, BaseException):
                raise message
            yield message
    finally:
        receiver.close()
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _read(make_chunks: Callable[[], Iterator[Chunk]], sender) -> None:
    """The reader process: send every chunk, then None; an error is sent instead of the rest.
    It exits without running this program's clean-up (multiprocessing ends it with _exit), so
    the database connection it inherited is never used or closed here."""
    try:
        for chunk in make_chunks():
            sender.send(chunk)
        sender.send(None)
    except Exception as error:  # sent to the importing process, which raises it
        try:
            sender.send(error)
        except Exception:  # an exception that cannot be pickled: its text then
            sender.send(ReaderFailed(f"{type(error).__name__}: {error}"))
    finally:
        sender.close()
