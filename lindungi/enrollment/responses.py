"""Importing the insurer's answer to a submission batch: KPJ numbers and rejections.

Rows are validated in memory against the batch (one query for its entries, one for the KPJs
already known, cells read by column position, the garbage collector held meanwhile), then
applied with set-based SQL: the valid rows are staged as ResponseRow (executemany, or COPY on
PostgreSQL) and two UPDATE..FROM statements activate or reject the places they name. A row
already applied is "unchanged", so importing the same file twice changes nothing. Every row is
accounted for: activated + refused + unchanged + rejected = read.
"""

import hashlib
import time
from collections import Counter, defaultdict
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import bulk_insert
from lindungi.enrollment.choices import (
    COVERAGE_STATES,
    BatchStatus,
    EnrollmentState,
    ResponseOutcome,
    ResponseRejectReason,
    RowResult,
)
from lindungi.enrollment.files import parse_date, read_table
from lindungi.enrollment.models import (
    BatchEntry,
    Enrollment,
    EnrollmentEvent,
    RejectedResponseRow,
    ResponseImport,
    ResponseRow,
    SubmissionBatch,
)
from lindungi.enrollment.replacement import replace_freed_places
from lindungi.enrollment.sql import gc_paused
from lindungi.programs.lifecycle import activate_if_started

ALIASES = {
    "NIK": ("no_nik", "nomor_induk_kependudukan"),
    "KPJ": ("no_kpj", "nomor_kpj", "kpj_number"),
    "STATUS": ("hasil", "result", "outcome"),
    "ALASAN": ("keterangan", "reason"),
    "TANGGAL_EFEKTIF": ("tgl_efektif", "effective_date", "tanggal_mulai"),
    "NOMOR_BATCH": ("batch", "no_batch", "batch_number"),
}
REQUIRED = ("NIK", "KPJ", "STATUS", "TANGGAL_EFEKTIF")
OUTCOMES = {
    "diterima": ResponseOutcome.ACCEPTED,
    "accepted": ResponseOutcome.ACCEPTED,
    "aktif": ResponseOutcome.ACCEPTED,
    "ditolak": ResponseOutcome.REJECTED,
    "rejected": ResponseOutcome.REJECTED,
}


def _resolve_batch(table, batch: SubmissionBatch | None) -> SubmissionBatch:
    if batch is not None:
        return batch
    at = table.position("NOMOR_BATCH")
    numbers = {cells[at] for _number, cells in table.rows} - {""} if at is not None else set()
    if len(numbers) != 1:
        raise InvalidInput(
            _("Name the batch: the file must carry exactly one batch number."),
            code="batch_unknown",
        )
    found = SubmissionBatch.objects.filter(number=numbers.pop()).first()
    if found is None:
        raise InvalidInput(_("The file names an unknown batch."), code="batch_unknown")
    return found


def _known_kpjs() -> dict[str, int]:
    """KPJ -> the person holding it, over every programme: one plain scan, cheaper than IN
    lists of the file's 100,000 numbers. A KPJ is a person's for life (DOMAIN.md), so it may
    come back for the same person in a later programme but never for anyone else."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kpj, person_id FROM {Enrollment._meta.db_table} WHERE kpj IS NOT NULL"  # noqa: S608
        )
        return dict(cursor.fetchall())


def _other_coverage(batch: SubmissionBatch, exclude_ids: set[int]) -> dict[int, list]:
    """Person -> coverage periods of the batch's people outside their place in this batch."""
    periods: dict[int, list] = defaultdict(list)
    people = BatchEntry.objects.filter(batch=batch).values("person_id")
    for pk, person, first, last in (
        Enrollment.objects.filter(
            person_id__in=people, state__in=COVERAGE_STATES, start_date__isnull=False
        )
        .order_by()
        .values_list("id", "person_id", "start_date", "end_date")
    ):
        if pk not in exclude_ids and first is not None and (last is None or last >= first):
            periods[person].append((first, last))
    return periods


_UNSET = object()


def _check_rows(table, entries: dict, programme) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Check each row on its own and against the file: (valid rows, rejected rows).

    Valid: row number -> (nik, kpj, outcome, reason text, effective date), in file order.
    Rejected: row number -> (reason code, nik).
    """
    nik_at, kpj_at, status_at, date_at = (table.position(name) for name in REQUIRED)
    reason_at = table.position("ALASAN")
    first, last = programme.coverage_start, programme.coverage_end
    accepted = ResponseOutcome.ACCEPTED
    dates: dict[str, object] = {}  # a response carries few distinct dates: parse each once
    rejected: dict[int, tuple[str, str]] = {}
    parsed: dict[int, tuple] = {}
    first_row: dict[str, int] = {}  # NIK -> the first valid row naming it
    repeated: dict[str, list[int]] = {}
    for number, cells in table.rows:
        nik = cells[nik_at]
        kpj = cells[kpj_at]
        status = cells[status_at].lower()
        effective_text = cells[date_at]
        outcome = OUTCOMES.get(status)
        effective = dates.get(effective_text, _UNSET)
        if effective is _UNSET:
            effective = dates[effective_text] = (
                parse_date(effective_text) if effective_text else None
            )
        reason = None
        if not nik or not status:
            reason = ResponseRejectReason.MISSING_REQUIRED
        elif outcome is None:
            reason = ResponseRejectReason.OUTCOME_INVALID
        elif nik not in entries:
            reason = ResponseRejectReason.NIK_NOT_IN_BATCH
        elif outcome == accepted and not (len(kpj) == 11 and kpj.isdigit()):
            reason = ResponseRejectReason.KPJ_MALFORMED
        elif outcome == accepted and not effective_text:
            reason = ResponseRejectReason.MISSING_REQUIRED
        elif effective_text and effective is None:
            reason = ResponseRejectReason.DATE_INVALID
        elif effective and not first <= effective <= last:
            reason = ResponseRejectReason.DATE_OUTSIDE_PROGRAMME
        if reason:
            rejected[number] = (reason, nik)
            continue
        parsed[number] = (
            nik,
            kpj if outcome == accepted else "",
            outcome,
            cells[reason_at] if reason_at is not None else "",
            effective,
        )
        if nik in first_row:
            repeated.setdefault(nik, [first_row[nik]]).append(number)
        else:
            first_row[nik] = number
    # One NIK twice: the first stands if every repeat says the same, else none does.
    for nik, numbers in repeated.items():
        same = len({parsed[n] for n in numbers}) == 1
        for n in numbers[1:] if same else numbers:
            rejected[n] = (ResponseRejectReason.NIK_REPEATED, nik)
            del parsed[n]
    # One KPJ given to two NIKs: neither can be trusted.
    kpj_nik: dict[str, str] = {}
    shared: set[str] = set()
    for nik, kpj, *_rest in parsed.values():
        if kpj and kpj_nik.setdefault(kpj, nik) != nik:
            shared.add(kpj)
    if shared:
        for n in [n for n, row in parsed.items() if row[1] in shared]:
            rejected[n] = (ResponseRejectReason.KPJ_TWO_NIKS, parsed.pop(n)[0])
    return parsed, rejected


def import_insurer_response(
    *,
    user,
    file_name: str,
    content: bytes,
    batch: SubmissionBatch | None = None,
    progress: Progress = NULL_PROGRESS,
    on: date | None = None,
) -> ResponseImport:
    """Apply the insurer's answer to a batch. `on` is the day it is recorded (today unless
    given): the replacement cut-off is checked on it for the places the insurer refused."""
    require(user, Action.EXCHANGE_INSURER_FILES)
    with gc_paused():
        return _import_response(
            user=user,
            file_name=file_name,
            content=content,
            batch=batch,
            progress=progress,
            on=on or timezone.localdate(),
        )


def _import_response(
    *,
    user,
    file_name: str,
    content: bytes,
    batch: SubmissionBatch | None,
    progress: Progress,
    on: date,
) -> ResponseImport:
    started = time.monotonic()
    table = read_table(content, file_name, aliases=ALIASES, required=REQUIRED)
    batch = _resolve_batch(table, batch)
    programme = batch.programme
    progress.start(table.rows_read, _("Checking the response"))
    with transaction.atomic():
        SubmissionBatch.objects.select_for_update().get(pk=batch.pk)
        entries = {
            nik: (pk, person, state, kpj)
            for nik, pk, person, state, kpj in BatchEntry.objects.filter(batch=batch).values_list(
                "nik", "enrollment_id", "person_id", "enrollment__state", "enrollment__kpj"
            )
        }
        parsed, rejected = _check_rows(table, entries, programme)
        rejected.update((n, (problem.reason, "")) for n, problem in table.problems.items())
        known = _known_kpjs()
        activating: dict[int, tuple] = {}
        # (row number, enrollment, nik, outcome, kpj, reason, effective date, result): plain
        # tuples, because 100,000 model instances would cost more than the database work.
        rows: list[tuple] = []
        results: Counter = Counter()
        submitted, active_states = EnrollmentState.SUBMITTED, set(COVERAGE_STATES)
        for n, (nik, kpj, outcome, reason_text, effective) in parsed.items():
            enrollment_id, person_id, state, current_kpj = entries[nik]
            result = None
            problem = None
            if outcome == ResponseOutcome.ACCEPTED:
                owner = known.get(kpj)
                if owner is not None and owner != person_id:
                    problem = ResponseRejectReason.KPJ_TAKEN
                elif state == submitted:
                    result = RowResult.ACTIVATED
                    activating[n] = (person_id, enrollment_id, effective)
                elif state in active_states and current_kpj == kpj:
                    result = RowResult.UNCHANGED
                else:
                    problem = ResponseRejectReason.CONFLICTS_WITH_RECORD
            elif state == submitted:
                result = RowResult.REFUSED
            elif state == EnrollmentState.REJECTED:
                result = RowResult.UNCHANGED
            else:
                problem = ResponseRejectReason.CONFLICTS_WITH_RECORD
            if problem:
                rejected[n] = (problem, nik)
                continue
            results[result] += 1
            rows.append((n, enrollment_id, nik, outcome, kpj, reason_text[:300], effective, result))
        # The database would refuse an overlapping activation; say so row by row instead.
        periods = _other_coverage(batch, {enrollment for _p, enrollment, _d in activating.values()})
        overlapping = {
            n
            for n, (person, _enrollment, start) in activating.items()
            if any(last is None or last >= start for _first, last in periods.get(person, ()))
        }
        if overlapping:
            for row in [row for row in rows if row[0] in overlapping]:
                rejected[row[0]] = (ResponseRejectReason.COVERAGE_OVERLAP, row[2])
                results[RowResult.ACTIVATED] -= 1
            rows = [row for row in rows if row[0] not in overlapping]
        progress.advance(table.rows_read)
        response = ResponseImport.objects.create(
            batch=batch,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            created_by=user,
            rows_read=table.rows_read,
            rows_activated=results[RowResult.ACTIVATED],
            rows_refused=results[RowResult.REFUSED],
            rows_unchanged=results[RowResult.UNCHANGED],
            rows_rejected=len(rejected),
            reason_counts=dict(sorted(Counter(r for r, _n in rejected.values()).items())),
        )
        adapt_date = connection.ops.adapt_datefield_value
        bulk_insert(
            ResponseRow._meta.db_table,
            (
                "response_id",
                "row_number",
                "enrollment_id",
                "nik",
                "outcome",
                "kpj",
                "reason",
                "effective_date",
                "result",
            ),
            [(response.pk, *row[:6], adapt_date(row[6]), row[7]) for row in rows],
        )
        if rejected:
            _store_rejected(response, table, rejected)
        try:
            _apply(response, user)
        except IntegrityError as error:
            raise InvalidInput(
                _("Applying the response would break a coverage or KPJ rule."),
                code="apply_failed",
            ) from error
        # Places the insurer refused are refilled from the waitlist like exits, up to the
        # cut-off (issue 19, point 5).
        refused = list(
            ResponseRow.objects.filter(response=response, result=RowResult.REFUSED).values_list(
                "enrollment_id", flat=True
            )
        )
        if refused:
            replacements = replace_freed_places(user=user, vacated_ids=refused, on=on)
            ResponseImport.objects.filter(pk=response.pk).update(replacements=replacements)
            response.replacements = replacements
        if not BatchEntry.objects.filter(
            batch=batch, enrollment__state=EnrollmentState.SUBMITTED
        ).exists():
            # Every place has its answer: the batch is done and its people free for others.
            BatchEntry.objects.filter(batch=batch).update(is_open=False)
            SubmissionBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.CLOSED, closed_at=timezone.now()
            )
        response.duration_ms = int((time.monotonic() - started) * 1000)
        response.save(update_fields=["duration_ms"])
        notify("enrollment.response")
        record_event(
            action="enrollment.response_imported",
            target=response,
            summary=counts(response),
            user=user,
        )
        # The first people covered make a programme with an approved selection active.
        activate_if_started(user=user, programme=batch.programme, covered=response.rows_activated)
    progress.finish()
    return response


def _store_rejected(response: ResponseImport, table, rejected: dict[int, tuple]) -> None:
    """Every rejected row with its original cells and reason (nothing lost)."""
    labels = dict(ResponseRejectReason.choices)
    cells = dict(table.rows)
    cells.update((n, problem.cells) for n, problem in table.problems.items())
    RejectedResponseRow.objects.bulk_create(
        (
            RejectedResponseRow(
                response=response,
                row_number=n,
                original=table.original(cells[n]),
                reason=reason,
                message=str(labels[reason])[:300],
                nik=nik[:40],
            )
            for n, (reason, nik) in sorted(rejected.items())
        ),
        batch_size=2_000,
    )


def _apply(response: ResponseImport, user) -> None:
    """Two INSERT..SELECT for the events, two UPDATE..FROM for the places (PG and SQLite)."""
    ops = connection.ops
    events = EnrollmentEvent._meta.db_table
    rows = ResponseRow._meta.db_table
    table = Enrollment._meta.db_table
    now = ops.adapt_datetimefield_value(timezone.now())
    today = ops.adapt_datefield_value(local_today())
    note = f"response {response.pk}"
    with connection.cursor() as cursor:
        for result, to_state in (
            (RowResult.ACTIVATED, EnrollmentState.ACTIVE),
            (RowResult.REFUSED, EnrollmentState.REJECTED),
        ):
            cursor.execute(
                f"INSERT INTO {events} (enrollment_id, from_state, to_state, date, actor_id, "  # noqa: S608
                f"note, recorded_at) SELECT r.enrollment_id, %s, %s, COALESCE(r.effective_date, "
                f"%s), %s, CASE WHEN r.reason = '' THEN %s ELSE r.reason END, %s FROM {rows} r "
                f"WHERE r.response_id = %s AND r.result = %s",
                [
                    EnrollmentState.SUBMITTED,
                    to_state,
                    today,
                    user.pk,
                    note,
                    now,
                    response.pk,
                    result,
                ],
            )
        cursor.execute(
            f"UPDATE {table} SET state = %s, kpj = r.kpj, start_date = r.effective_date, "  # noqa: S608
            f"updated_at = %s FROM {rows} r WHERE r.enrollment_id = {table}.id "
            f"AND r.response_id = %s AND r.result = %s AND {table}.state = %s",
            [
                EnrollmentState.ACTIVE,
                now,
                response.pk,
                RowResult.ACTIVATED,
                EnrollmentState.SUBMITTED,
            ],
        )
        cursor.execute(
            f"UPDATE {table} SET state = %s, rejection_reason = r.reason, updated_at = %s "  # noqa: S608
            f"FROM {rows} r WHERE r.enrollment_id = {table}.id AND r.response_id = %s "
            f"AND r.result = %s AND {table}.state = %s",
            [
                EnrollmentState.REJECTED,
                now,
                response.pk,
                RowResult.REFUSED,
                EnrollmentState.SUBMITTED,
            ],
        )


def counts(response: ResponseImport) -> dict:
    return {
        "read": response.rows_read,
        "activated": response.rows_activated,
        "refused": response.rows_refused,
        "unchanged": response.rows_unchanged,
        "rejected": response.rows_rejected,
        "replacements": response.replacements,
        "reasons": response.reason_counts,
    }
