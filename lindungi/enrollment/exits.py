"""Exits in bulk from a file (NIK, reason, date): death lists, the insurer's wage-earner list,
regency returns. Past dates are allowed: billing adjusts for exits dated before today.

Rows are checked in memory against one query of open places; the valid ones end with one event
INSERT..SELECT and one UPDATE per (reason, date) group, then freed places go to the waitlist.
"""

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import local_today
from lindungi.core.intake import TextTable
from lindungi.core.permissions import Action, regency_scope, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.enrollment.choices import (
    OPEN_STATES,
    EnrollmentState,
    ExitReason,
    ExitRejectReason,
)
from lindungi.enrollment.files import parse_date, read_table
from lindungi.enrollment.models import Enrollment, ExitImport, RejectedExitRow
from lindungi.enrollment.replacement import replace_freed_places
from lindungi.enrollment.services import end_places
from lindungi.enrollment.sql import record_transitions
from lindungi.registry.choices import DeathSource
from lindungi.registry.services import record_deaths

ALIASES = {
    "NIK": ("no_nik",),
    "ALASAN": ("reason", "sebab", "keterangan"),
    "TANGGAL": ("tanggal_keluar", "date", "exit_date", "tanggal_meninggal"),
}
# What the files say -> the stable reason code.
REASONS = {
    **{value: value for value in ExitReason.values},
    "meninggal": ExitReason.DEATH,
    "meninggal dunia": ExitReason.DEATH,
    "pu": ExitReason.WAGE_EARNER,
    "penerima upah": ExitReason.WAGE_EARNER,
    "pindah": ExitReason.MOVED,
    "pindah domisili": ExitReason.MOVED,
    "mengundurkan diri": ExitReason.WITHDREW,
    "ganda": ExitReason.DUPLICATE,
    "menunggak": ExitReason.LAPSED,
    "program berakhir": ExitReason.PROGRAMME_ENDED,
}
NIK_PATTERN = re.compile(r"^\d{16}$")
CHUNK = 5_000


def _open_places(niks: list[str], on: dict[str, date]) -> dict[str, tuple[int, str]]:
    """NIK -> (enrollment id, regency) of the open place the exit on `on[nik]` ends.

    With places in two programmes (December's and the renewed year's), the exit ends the
    place whose programme covers the exit date, never a later one: an exit dated 31 December
    2025 once ended everybody's 2026 place, before it had even started. Without such a place,
    the newest open place (a place not yet covered ends without coverage).
    """
    candidates: dict[str, list[tuple[int, str, date, date]]] = defaultdict(list)
    for start in range(0, len(niks), CHUNK):
        for nik, pk, regency, first, last in (
            Enrollment.objects.filter(
                person__nik__in=niks[start : start + CHUNK], state__in=OPEN_STATES
            )
            .order_by("created_at", "id")
            .values_list(
                "person__nik",
                "id",
                "regency_id",
                "programme__coverage_start",
                "programme__coverage_end",
            )
        ):
            candidates[nik].append((pk, regency, first, last))
    places: dict[str, tuple[int, str]] = {}
    for nik, rows in candidates.items():
        day = on.get(nik)
        covering = [row for row in rows if day is not None and row[2] <= day <= row[3]]
        chosen = (covering or rows)[-1]
        places[nik] = (chosen[0], chosen[1])
    return places


def _ended_places(niks: list[str]) -> dict[str, tuple[str, date | None]]:
    ended: dict[str, tuple[str, date | None]] = {}
    for start in range(0, len(niks), CHUNK):
        for nik, reason, ended_on in (
            Enrollment.objects.filter(
                person__nik__in=niks[start : start + CHUNK], state=EnrollmentState.ENDED
            )
            .order_by("ended_on", "id")
            .values_list("person__nik", "end_reason", "ended_on")
        ):
            ended[nik] = (reason, ended_on)
    return ended


def import_exits(
    *,
    user,
    file_name: str,
    content: bytes,
    today: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> ExitImport:
    require(user, Action.RECORD_EXIT)
    today = today or local_today()
    limit = regency_scope(user)
    table = read_table(content, file_name, aliases=ALIASES, required=("NIK", "ALASAN", "TANGGAL"))
    progress.start(table.rows_read, _("Recording exits"))
    rejected: dict[int, tuple[str, str]] = {
        n: (problem.reason, "") for n, problem in table.problems.items()
    }
    valid: dict[int, tuple[str, str, date]] = {}
    nik_rows: dict[str, list[int]] = defaultdict(list)
    nik_at, reason_at, date_at = (
        table.required_position(name) for name in ("NIK", "ALASAN", "TANGGAL")
    )
    for number, cells in table.rows:
        nik = cells[nik_at]
        reason_text = cells[reason_at]
        reason = REASONS.get(reason_text.lower())
        date_text = cells[date_at]
        ended_on = parse_date(date_text)
        problem = None
        if not nik or not date_text or not reason_text:
            problem = ExitRejectReason.MISSING_REQUIRED
        elif not NIK_PATTERN.match(nik):
            problem = ExitRejectReason.NIK_INVALID
        elif reason is None:
            problem = ExitRejectReason.REASON_INVALID
        elif ended_on is None:
            problem = ExitRejectReason.DATE_INVALID
        elif ended_on > today:
            problem = ExitRejectReason.DATE_FUTURE
        if problem or reason is None or ended_on is None:
            rejected[number] = (problem or ExitRejectReason.MISSING_REQUIRED, nik)
        else:
            valid[number] = (nik, reason, ended_on)
            nik_rows[nik].append(number)
    for nik, numbers in nik_rows.items():
        for number in numbers[1:]:
            rejected[number] = (ExitRejectReason.NIK_REPEATED, nik)
            valid.pop(number)
    with transaction.atomic():
        niks = sorted({nik for nik, _r, _d in valid.values()})
        exit_days = {nik: ended_on for nik, _r, ended_on in valid.values()}
        places = _open_places(niks, exit_days)
        ended = _ended_places(niks)
        groups: dict[tuple[str, date], list[int]] = defaultdict(list)
        unchanged = 0
        for number, (nik, reason, ended_on) in sorted(valid.items()):
            if nik not in places:
                if ended.get(nik) == (reason, ended_on):
                    unchanged += 1  # the same exit recorded before: importing again is harmless
                else:
                    rejected[number] = (ExitRejectReason.NOT_ENROLLED, nik)
                continue
            enrollment_id, regency = places[nik]
            if limit is not None and regency != limit:
                rejected[number] = (ExitRejectReason.OUTSIDE_USER_REGENCY, nik)
                continue
            groups[(reason, ended_on)].append(enrollment_id)
        ended_ids: list[int] = []
        now = timezone.now()
        for (reason, ended_on), ids in sorted(groups.items()):
            for start in range(0, len(ids), CHUNK):
                chunk = Enrollment.objects.filter(
                    pk__in=ids[start : start + CHUNK], state__in=OPEN_STATES
                )
                record_transitions(
                    chunk,
                    to_state=EnrollmentState.ENDED,
                    on=ended_on,
                    actor_id=user.pk,
                    note=reason,
                )
                end_places(chunk, reason=reason, ended_on=ended_on, updated_at=now)
            ended_ids.extend(ids)
        # A death reaches the registry too: the person is never selected or billed again.
        deaths = {
            person_id: ended_on
            for (reason, ended_on), ids in groups.items()
            if reason == ExitReason.DEATH
            for person_id in Enrollment.objects.filter(pk__in=ids).values_list(
                "person_id", flat=True
            )
        }
        if deaths:
            record_deaths(user=user, deaths=deaths, source=DeathSource.EXIT, reference=file_name)
        replacements = replace_freed_places(user=user, vacated_ids=ended_ids, on=today)
        exit_import = ExitImport.objects.create(
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            regency_id=limit,
            created_by=user,
            rows_read=table.rows_read,
            rows_ended=len(ended_ids),
            rows_unchanged=unchanged,
            rows_rejected=len(rejected),
            past_dated=sum(1 for ids_key, ids in groups.items() if ids_key[1] < today for _ in ids),
            replacements=replacements,
            reason_counts=dict(sorted(Counter(r for r, _n in rejected.values()).items())),
        )
        write_rejected_rows(exit_import, table, rejected)
        notify("enrollment.exit")
        record_event(
            action="enrollment.exits_imported",
            target=exit_import,
            summary=counts(exit_import),
            user=user,
        )
    progress.advance(table.rows_read)
    progress.finish()
    return exit_import


def counts(exit_import: ExitImport) -> dict:
    return {
        "read": exit_import.rows_read,
        "ended": exit_import.rows_ended,
        "unchanged": exit_import.rows_unchanged,
        "rejected": exit_import.rows_rejected,
        "past_dated": exit_import.past_dated,
        "replacements": exit_import.replacements,
        "reasons": exit_import.reason_counts,
    }


def write_rejected_rows(
    exit_import: ExitImport, table: TextTable, rejected: dict[int, tuple[str, str]]
) -> None:
    """Keep the rejected rows of an exit or death list: {row number: (reason, NIK as read)},
    each with its values as read (also rows the intake refused) and the reason's label."""
    labels = dict(ExitRejectReason.choices)
    cells_by_row = dict(table.rows)
    cells_by_row.update((n, problem.cells) for n, problem in table.problems.items())
    RejectedExitRow.objects.bulk_create(
        RejectedExitRow(
            exit_import=exit_import,
            row_number=number,
            original=table.original(cells_by_row[number]),
            reason=reason,
            message=str(labels[reason]),
            nik=nik[:40],
        )
        for number, (reason, nik) in sorted(rejected.items())
    )
