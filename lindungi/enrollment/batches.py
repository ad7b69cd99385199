"""Submission batches: who goes to the insurer next, the file they receive, its cover sheet.

`make_submission` moves every "selected" place of a programme into a new batch in a handful of
statements (INSERT..SELECT of the entries, one event INSERT..SELECT, one UPDATE) and writes the
CSV file, whose sha256 is the batch checksum. XLSX and the PDF cover sheet are built on demand
from the same rows.
"""

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.dates import Month, local_today
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.enrollment.choices import BatchStatus, EnrollmentState
from lindungi.enrollment.deaths import end_places_of_the_deceased
from lindungi.enrollment.models import BatchEntry, Enrollment, EnrollmentEvent, SubmissionBatch
from lindungi.enrollment.sql import record_transitions
from lindungi.programs.choices import Package, Sector
from lindungi.programs.models import Cohort, Programme
from lindungi.programs.rates import monthly_contribution
from lindungi.regions.models import Village
from lindungi.registry.models import Person

# The insurer's collective-registration layout (participation type SG: government-funded).
COLUMNS = (
    "NIK",
    "NAMA",
    "TANGGAL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "KODE_DESA",
    "DESA",
    "PEKERJAAN",
    # The KPJ the person already holds from an earlier programme (one KPJ for life): the
    # insurer continues it instead of registering the person a second time.
    "KPJ",
    "PENGHASILAN",
    "PAKET",
    "TANGGAL_MULAI",
    "NOMOR_BATCH",
)
PACKAGE_CODES: dict[str, str] = {Package.JKK_JKM: "JKK+JKM", Package.JKK_JKM_JHT: "JKK+JKM+JHT"}
PARTICIPATION_TYPE = "SG"


def batch_directory() -> Path:
    path = Path(settings.VAR_DIR) / "enrollment" / "batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_csv_path(batch: SubmissionBatch) -> Path:
    return batch_directory() / f"{batch.number}.csv"


def _next_number(programme: Programme) -> str:
    sequence = SubmissionBatch.objects.filter(programme=programme).count() + 1
    return f"{PARTICIPATION_TYPE}-{programme.year}-{programme.pk:03d}-{sequence:03d}"


def _insert_entries(batch: SubmissionBatch) -> int:
    """INSERT..SELECT every selected place of the programme whose person is in no open batch.

    NOT IN, not a correlated NOT EXISTS: the open entries are read once into a hash before
    any row is inserted. A per-row probe of the very table being filled turned quadratic on
    PostgreSQL (the new rows are invisible to the statement but still scanned: 100 s).
    """
    entry = BatchEntry._meta.db_table
    enrollment = Enrollment._meta.db_table
    person = Person._meta.db_table
    sql = f"""
        INSERT INTO {entry} (batch_id, enrollment_id, person_id, nik, is_open)
        SELECT %s, e.id, e.person_id, p.nik, %s
        FROM {enrollment} e JOIN {person} p ON p.id = e.person_id
        WHERE e.programme_id = %s AND e.state = %s
          AND e.person_id NOT IN (SELECT b.person_id FROM {entry} b WHERE b.is_open = %s)
    """  # noqa: S608 (table names are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk, True, batch.programme_id, EnrollmentState.SELECTED, True])
        people = cursor.rowcount
        if connection.vendor == "postgresql":
            # Fresh rows without statistics make the planner guess a handful; the statements
            # that follow join 100,000 of them.
            cursor.execute(f"ANALYZE {entry}")
    return people


def make_submission(
    *,
    user,
    programme: Programme,
    start_date: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> SubmissionBatch:
    """Put every selected place of the programme into a new batch and write its file."""
    require(user, Action.EXCHANGE_INSURER_FILES)
    start_date = start_date or max(programme.coverage_start, local_today())
    if not programme.coverage_start <= start_date <= programme.coverage_end:
        raise InvalidInput(
            _("The requested start is outside the programme's coverage."),
            code="date_outside_programme",
        )
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        # The deceased are never submitted: their places end before the batch is filled.
        end_places_of_the_deceased(user=user)
        batch = SubmissionBatch.objects.create(
            number=_next_number(programme),
            programme=programme,
            start_date=start_date,
            created_by=user,
        )
        people = _insert_entries(batch)
        if not people:
            raise InvalidInput(
                _("No selected person is waiting for submission."), code="nothing_to_submit"
            )
        _mark_submitted(batch, user)
        by_regency_cohort = _counts(batch)
        batch.people = people
        regency_totals: dict[str, int] = {}
        for (regency, _cohort), count in sorted(by_regency_cohort.items()):
            regency_totals[regency] = regency_totals.get(regency, 0) + count
        batch.regency_totals = regency_totals
        batch.monthly_contribution = _monthly_total(batch, programme, by_regency_cohort)
        batch.file_name = f"{batch.number}.csv"
        with batch_csv_path(batch).open("wb") as handle:
            batch.checksum = write_batch_csv(batch, handle, progress=progress)
        batch.save(
            update_fields=[
                "people",
                "regency_totals",
                "monthly_contribution",
                "file_name",
                "checksum",
            ]
        )
        notify("enrollment.submission")
        record_event(
            action="enrollment.batch_created",
            target=batch,
            summary={"people": people, "checksum": batch.checksum, "start_date": start_date},
            user=user,
        )
    return batch


def _mark_submitted(batch: SubmissionBatch, user) -> None:
    """Every entry's place becomes "submitted": one UPDATE, then one event INSERT..SELECT.

    The events are read from the batch entries, not the enrollments: every entry was a
    "selected" place a moment ago, so no join is needed to know the state it came from.
    """
    ops = connection.ops
    enrollment = Enrollment._meta.db_table
    entry = BatchEntry._meta.db_table
    events = EnrollmentEvent._meta.db_table
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {enrollment} SET state = %s, start_date = %s, updated_at = %s "  # noqa: S608
            f"WHERE id IN (SELECT enrollment_id FROM {entry} WHERE batch_id = %s)",
            [EnrollmentState.SUBMITTED, ops.adapt_datefield_value(batch.start_date), now, batch.pk],
        )
        cursor.execute(
            f"INSERT INTO {events} (enrollment_id, from_state, to_state, date, actor_id, note, "  # noqa: S608
            f"recorded_at) SELECT enrollment_id, %s, %s, %s, %s, %s, %s FROM {entry} "
            f"WHERE batch_id = %s",
            [
                EnrollmentState.SELECTED,
                EnrollmentState.SUBMITTED,
                ops.adapt_datefield_value(local_today()),
                user.pk,
                batch.number,
                now,
                batch.pk,
            ],
        )


def _counts(batch: SubmissionBatch) -> dict[tuple[str, int], int]:
    """(regency, cohort) -> people of the batch: the cover sheet and the contribution total."""
    return {
        (regency, cohort): count
        for regency, cohort, count in Enrollment.objects.filter(entries__batch=batch)
        .order_by()
        .values_list("regency_id", "cohort_id")
        .annotate(n=Count("id"))
        .values_list("regency_id", "cohort_id", "n")
    }


def _monthly_total(
    batch: SubmissionBatch, programme: Programme, counts: dict[tuple[str, int], int]
) -> int:
    month = Month(batch.start_date.year, batch.start_date.month)
    by_cohort: dict[int, int] = {}
    for (_regency, cohort_id), count in counts.items():
        by_cohort[cohort_id] = by_cohort.get(cohort_id, 0) + count
    total = 0
    for cohort in Cohort.objects.filter(pk__in=by_cohort).order_by("pk"):
        amount = monthly_contribution(
            package=programme.package,
            basis=programme.income_basis,
            month=month,
            sector=Sector.OTHER,
            funding_source=cohort.funding_source,
        )
        total += amount.total * by_cohort[cohort.pk]
    return total


def _fixed_values(batch: SubmissionBatch) -> tuple[str, str, str, str]:
    """The columns every row of a batch shares: income, package, coverage start, batch."""
    programme = batch.programme
    return (
        str(programme.income_basis),
        PACKAGE_CODES.get(programme.package, programme.package),
        batch.start_date.isoformat(),
        batch.number,
    )


def _known_kpj_sql() -> str:
    """The person's KPJ from an earlier place, if any (the newest by number, one probe of the
    (person, state) index per row)."""
    return (
        f"(SELECT MAX(o.kpj) FROM {Enrollment._meta.db_table} o"  # noqa: S608
        f" WHERE o.person_id = b.person_id AND o.kpj IS NOT NULL)"
    )


def _rows_sql(columns: str) -> str:
    return (
        f"SELECT {columns} FROM {BatchEntry._meta.db_table} b "  # noqa: S608
        f"JOIN {Person._meta.db_table} p ON p.id = b.person_id "
        f"JOIN {Village._meta.db_table} v ON v.code = p.village_id "
        f"WHERE b.batch_id = %s ORDER BY b.nik"
    )


def batch_rows(batch: SubmissionBatch) -> Iterator[tuple]:
    """The file's rows in NIK order, straight from one query (no model instances, no field
    converters: dates come out of the database as ISO text)."""
    fixed = _fixed_values(batch)
    birth = (
        "to_char(p.birth_date, 'YYYY-MM-DD')"
        if connection.vendor == "postgresql"
        else "p.birth_date"  # SQLite stores dates as ISO text
    )
    sql = _rows_sql(
        f"b.nik, p.full_name, {birth}, p.sex, p.address, p.village_id, v.name, p.occupation,"
        f" COALESCE({_known_kpj_sql()}, '')"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [batch.pk])
        while chunk := cursor.fetchmany(10_000):
            for row in chunk:
                yield (*row, *fixed)


def _copied_csv_lines(batch: SubmissionBatch) -> Iterator[bytes]:
    """PostgreSQL: the file's rows as CSV lines written by the server (COPY ... TO STDOUT).

    Byte for byte what csv.writer writes for the same rows (tested): both quote a field only
    when it holds a comma, a double quote, CR or LF, and double the quotes inside. Two
    differences are bridged here: COPY quotes an empty string (to tell it from NULL), so empty
    texts are sent as NULL, which it writes as nothing; and COPY ends a line with LF, which
    becomes CRLF. libpq hands over one row per message, so the LF replaced is always the row's
    last byte, never one inside a quoted address.
    """
    texts = ", ".join(
        f"NULLIF({column}, '')"
        for column in (
            "b.nik",
            "p.full_name",
            "to_char(p.birth_date, 'YYYY-MM-DD')",
            "p.sex",
            "p.address",
            "p.village_id",
            "v.name",
            "p.occupation",
            _known_kpj_sql(),
            *["CAST(%s AS text)"] * 4,
        )
    )
    sql = f"COPY ({_rows_sql(texts)}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        while hasattr(raw, "cursor"):  # unwrap Django's debug/cursor wrappers
            raw = raw.cursor
        with raw.copy(sql, [*_fixed_values(batch), batch.pk]) as copy:
            for line in copy:
                yield bytes(line[:-1]) + b"\r\n"


class _HashingWriter:
    """Text sink that encodes, hashes and forwards to a binary stream in one pass."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def write(self, text: str) -> int:
        self.write_bytes(text.encode("utf-8"))
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        self.digest.update(data)
        self.stream.write(data)


def write_batch_csv(
    batch: SubmissionBatch, stream: IO[bytes], *, progress: Progress = NULL_PROGRESS
) -> str:
    """Write the batch CSV to a binary stream; return its sha256."""
    sink = _HashingWriter(stream)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    progress.start(batch.people or None, _("Writing the submission file"))
    if connection.vendor == "postgresql":
        sink.write(buffer.getvalue())
        # The server formats the rows: a third of the time of csv.writer over fetched tuples.
        chunk: list[bytes] = []
        for line in _copied_csv_lines(batch):
            chunk.append(line)
            if len(chunk) == 10_000:
                sink.write_bytes(b"".join(chunk))
                progress.advance(len(chunk))
                chunk.clear()
        sink.write_bytes(b"".join(chunk))
        progress.advance(len(chunk))
        progress.finish()
        return sink.digest.hexdigest()
    pending = 0
    for row in batch_rows(batch):
        writer.writerow(row)
        pending += 1
        if pending == 10_000:
            sink.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            progress.advance(pending)
            pending = 0
    sink.write(buffer.getvalue())
    progress.advance(pending)
    progress.finish()
    return sink.digest.hexdigest()


def cover_lines(batch: SubmissionBatch) -> list[tuple[str, str]]:
    """The cover sheet's label/value pairs, shared by the XLSX sheet and the PDF."""
    from lindungi.core.money import format_number, format_rupiah

    programme = batch.programme
    lines = [
        (_("Batch number"), batch.number),
        (_("Programme"), programme.name),
        (_("Participation type"), PARTICIPATION_TYPE),
        (_("Requested coverage start"), batch.start_date.isoformat()),
        (_("Package"), PACKAGE_CODES.get(programme.package, programme.package)),
        (_("Declared income"), format_rupiah(programme.income_basis)),
        (_("People"), format_number(batch.people)),
        (_("Monthly contribution"), format_rupiah(batch.monthly_contribution)),
        (_("File"), batch.file_name),
        ("SHA-256", batch.checksum),
    ]
    from lindungi.regions.models import Regency

    names = dict(Regency.objects.filter(code__in=batch.regency_totals).values_list("code", "name"))
    lines += [
        (names.get(code, code), format_number(count))
        for code, count in sorted(batch.regency_totals.items())
    ]
    return lines


def write_batch_xlsx(batch: SubmissionBatch, stream: IO[bytes]) -> None:
    """The same rows as the CSV on sheet "Peserta", with the cover sheet "Ringkasan" first."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    cover = workbook.create_sheet("Ringkasan")
    for label, value in cover_lines(batch):
        cover.append([label, value])
    sheet = workbook.create_sheet("Peserta")
    sheet.append(list(COLUMNS))
    for row in batch_rows(batch):
        sheet.append(list(row))
    workbook.save(stream)


def write_cover_pdf(batch: SubmissionBatch, stream: IO[bytes]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from lindungi.core.letterhead import heading, signature

    styles = getSampleStyleSheet()
    # CJK wrapping breaks anywhere: the 64-character SHA-256 wraps inside its cell.
    cell = ParagraphStyle("cell", parent=styles["Normal"], wordWrap="CJK")
    document = SimpleDocTemplate(stream, pagesize=A4, title=batch.number)
    title = _("Collective registration: cover sheet")
    rows = [
        [Paragraph(str(label), cell), Paragraph(str(value), cell)]
        for label, value in cover_lines(batch)
    ]
    document.build(
        [
            *heading(styles),
            Paragraph(title, styles["Title"]),
            Table(rows, colWidths=[60 * mm, 110 * mm], hAlign="LEFT"),
            *signature(
                styles,
                place=settings.LINDUNGI_LETTERHEAD_PLACE,
                day=timezone.localdate(),
            ),
        ]
    )


def mark_batch_sent(*, user, batch: SubmissionBatch) -> SubmissionBatch:
    require(user, Action.EXCHANGE_INSURER_FILES)
    with transaction.atomic():
        current = SubmissionBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != BatchStatus.OPEN:
            raise InvalidTransition(_("Only an open batch can be sent."), code="batch_not_open")
        current.status = BatchStatus.SENT
        current.sent_at = timezone.now()
        current.save(update_fields=["status", "sent_at"])
        record_event(action="enrollment.batch_sent", target=current, user=user)
    return current


def close_batch(*, user, batch: SubmissionBatch) -> SubmissionBatch:
    """Close a batch; places the insurer never answered go back to "selected" for the next one."""
    require(user, Action.EXCHANGE_INSURER_FILES)
    with transaction.atomic():
        current = SubmissionBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status == BatchStatus.CLOSED:
            raise InvalidTransition(_("The batch is already closed."), code="batch_closed")
        unanswered = Enrollment.objects.filter(
            entries__batch=current, state=EnrollmentState.SUBMITTED
        )
        returned = record_transitions(
            unanswered,
            to_state=EnrollmentState.SELECTED,
            on=local_today(),
            actor_id=user.pk,
            note=_("no answer in %(batch)s") % {"batch": current.number},
        )
        Enrollment.objects.filter(pk__in=unanswered.values("pk")).update(
            state=EnrollmentState.SELECTED, start_date=None, updated_at=timezone.now()
        )
        BatchEntry.objects.filter(batch=current).update(is_open=False)
        current.status = BatchStatus.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["status", "closed_at"])
        record_event(
            action="enrollment.batch_closed",
            target=current,
            summary={"returned_to_selected": returned},
            user=user,
        )
    return current
