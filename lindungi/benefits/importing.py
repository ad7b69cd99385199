"""The insurer's claim file: one row per benefit item of a claim, checked row by row.

Columns (aliases in `claim_rows.ALIASES`): NOMOR_KLAIM, NIK and/or KPJ, JENIS_KLAIM, AKIBAT,
TANGGAL_KEJADIAN, STATUS, ALASAN_TOLAK, DASAR_UPAH, PERSEN_CACAT, BULAN_STMB, MODA_TRANSPORT,
MANFAAT, ANAK_KE, JUMLAH_DIAJUKAN, JUMLAH_DIBAYAR, TANGGAL_BAYAR, AHLI_WARIS
("Nama|hubungan|tanggal lahir|jenjang; ...").

Every row is checked in memory against a few grouped look-ups (people by NIK, places by KPJ,
first coverage start, claims already known); the valid rows become claims, items and heirs in
bulk; then cover verdicts and computed benefits are written set-based for the claims the file
touched; the people of the file's death claims are recorded deceased through enrollment's one
home for deaths (`enrollment.deaths.record_many_deaths`: set-based, their places ended on the
date of death, never billed after that month). Nothing lost: a rejected row keeps its cells
and a stable reason; created + updated + unchanged + rejected = read. The same file again
changes nothing. The page runs it as a background job (`start_claims_import`, `jobs.py`).
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.benefits.choices import (
    ClaimRejectReason as Reason,
)
from lindungi.benefits.choices import (
    ClaimSource,
    Consequence,
    CoverVerdict,
    SchoolLevel,
)
from lindungi.benefits.claim_rows import (
    ALIASES,
    CHUNK,
    CLAIM_FIELDS,
    REQUIRED,
    ClaimReader,
    ClaimRow,
    Rejected,
)
from lindungi.benefits.compute import compute_benefits
from lindungi.benefits.cover import assess_cover
from lindungi.benefits.models import Claim, ClaimImport, ClaimItem, Heir, RejectedClaimRow
from lindungi.benefits.rules import RuleBook
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.intake import check_counts, read_text_table, store_upload
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import (
    bulk_insert,
    date_value,
    datetime_value,
    execute,
    fetch_in,
    table,
)
from lindungi.enrollment.choices import COVERAGE_STATES
from lindungi.enrollment.deaths import record_many_deaths
from lindungi.enrollment.models import Enrollment
from lindungi.registry.choices import DeathSource
from lindungi.registry.models import Person

PROGRESS_STEP = 2_000


def _chunks(values: list) -> list[list]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def _people(rows: list[ClaimRow]) -> tuple[dict, dict, dict]:
    """NIK -> (person, regency); KPJ -> person; person -> first coverage start."""
    niks = sorted({row.nik for row in rows if row.nik})
    kpjs = sorted({row.kpj for row in rows if row.kpj})
    person, enrollment = table(Person), table(Enrollment)
    by_nik: dict[str, tuple[int, str]] = {
        nik: (pk, regency)
        for pk, nik, regency in fetch_in(
            f"SELECT id, nik, regency_id FROM {person} WHERE nik IN ({{marks}})",  # noqa: S608
            niks,
        )
    }
    by_kpj: dict[str, tuple[int, str]] = {
        kpj: (pk, regency)
        for kpj, pk, regency in fetch_in(
            f"SELECT e.kpj, e.person_id, p.regency_id FROM {enrollment} e"  # noqa: S608
            f" JOIN {person} p ON p.id = e.person_id WHERE e.kpj IN ({{marks}})",
            kpjs,
        )
    }
    person_ids = sorted({pk for pk, _r in (*by_nik.values(), *by_kpj.values())})
    states = [str(state) for state in COVERAGE_STATES]
    first_start: dict[int, date] = {
        pk: first if isinstance(first, date) else date.fromisoformat(first)
        for pk, first in fetch_in(
            f"SELECT person_id, MIN(start_date) FROM {enrollment}"  # noqa: S608
            f" WHERE state IN ({', '.join(['%s'] * len(states))}) AND start_date IS NOT NULL"
            " AND person_id IN ({marks}) GROUP BY person_id",
            person_ids,
            states,
        )
    }
    return by_nik, by_kpj, first_start


@dataclass
class _Outcome:
    rejected: dict[int, str] = field(default_factory=dict)
    valid: list[ClaimRow] = field(default_factory=list)


def _check(table, reader: ClaimReader, progress: Progress) -> _Outcome:
    outcome = _Outcome()
    read, valid, rejected = reader.read, outcome.valid.append, outcome.rejected
    rows = table.rows
    for start in range(0, len(rows), PROGRESS_STEP):
        for number, cells in rows[start : start + PROGRESS_STEP]:
            try:
                valid(read(number, cells))
            except Rejected as problem:
                rejected[number] = problem.reason
        progress.advance(len(rows[start : start + PROGRESS_STEP]))
    by_nik, by_kpj, first_start = _people(outcome.valid)
    resolved: list[ClaimRow] = []
    for row in outcome.valid:
        nik_person = by_nik.get(row.nik) if row.nik else None
        kpj_person = by_kpj.get(row.kpj) if row.kpj else None
        person = nik_person or kpj_person
        reason: str | None = None
        if person is None:
            reason = Reason.PERSON_UNKNOWN
        elif nik_person and kpj_person and nik_person[0] != kpj_person[0]:
            reason = Reason.KPJ_OTHER_PERSON
        elif person[0] not in first_start:
            reason = Reason.NOT_ENROLLED
        elif row.incident_date < first_start[person[0]]:
            reason = Reason.DATE_BEFORE_ENROLLMENT
        if reason or person is None:
            outcome.rejected[row.number] = reason or Reason.PERSON_UNKNOWN
            continue
        row.person_id, row.regency_id = person
        resolved.append(row)
    outcome.valid = resolved
    return outcome


def _settle_repeats(outcome: _Outcome) -> None:
    """A claim number's rows must agree, with each other and with the claim already known."""
    numbers = sorted({row.claim_number for row in outcome.valid})
    known: dict[str, tuple] = {
        number: tuple(header)
        for number, *header in fetch_in(
            f"SELECT number, person_id, kind, consequence, incident_date FROM {table(Claim)}"  # noqa: S608
            " WHERE number IN ({marks})",
            numbers,
        )
    }
    seen_items: set[tuple] = set()
    kept: list[ClaimRow] = []
    for row in outcome.valid:
        header = row.header()
        key = (row.claim_number, row.item, row.child)
        if known.setdefault(row.claim_number, header) != header:
            outcome.rejected[row.number] = Reason.CLAIM_CONFLICT
        elif key in seen_items:
            outcome.rejected[row.number] = Reason.ROW_REPEATED
        else:
            seen_items.add(key)
            kept.append(row)
    outcome.valid = kept


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _write_claims(rows: list[ClaimRow], claim_import: ClaimImport) -> tuple[dict, _Counts, set]:
    """Claims (new and changed headers), then items; returns number -> id, counts, changed ids."""
    counts = _Counts()
    first: dict[str, ClaimRow] = {}
    for row in rows:
        first.setdefault(row.claim_number, row)
    # What is known, as plain tuples (pk, number, *CLAIM_FIELDS): instances only for changes.
    existing: dict[str, tuple] = {
        row[1]: row
        for row in fetch_in(
            f"SELECT id, number, {', '.join(CLAIM_FIELDS)} FROM {table(Claim)}"  # noqa: S608
            " WHERE number IN ({marks})",
            sorted(first),
        )
    }
    _adopt_province_reports(first, existing)
    new_rows = [(number, row) for number, row in first.items() if number not in existing]
    new_ids = _insert_claims(new_rows, claim_import)
    changed: set[int] = set()
    header_changed: set[str] = set()
    to_update: list[Claim] = []
    for number, (pk, known_number, *values) in existing.items():
        wanted = first[number].claim_fields()
        if known_number != number or tuple(values) != tuple(wanted.values()):
            to_update.append(Claim(pk=pk, number=number, last_import=claim_import, **wanted))
            header_changed.add(number)
            changed.add(pk)
    Claim.objects.bulk_update(to_update, ["number", *CLAIM_FIELDS, "last_import"], batch_size=1000)
    ids = new_ids | {number: known[0] for number, known in existing.items()}
    changed.update(new_ids.values())
    new_numbers = set(new_ids)
    items_known: dict[tuple, tuple] = {
        (claim_id, item_code, child): (pk, *values)
        for pk, claim_id, item_code, child, *values in fetch_in(
            "SELECT id, claim_id, item, child, claimed_amount, paid_amount, paid_on"  # noqa: S608
            f" FROM {table(ClaimItem)} WHERE claim_id IN ({{marks}})",
            sorted(known[0] for known in existing.values()),
        )
    }
    days: dict[date | None, object] = {}
    new_items: list[tuple] = []
    changed_items: list[ClaimItem] = []
    for row in rows:
        claim_id = ids[row.claim_number]
        key = (claim_id, row.item, row.child)
        item = items_known.get(key)
        if row.claim_number in new_numbers or item is None:
            new_items.append(
                (
                    claim_id,
                    row.item,
                    row.child,
                    row.claimed,
                    row.paid,
                    days[row.paid_on]
                    if row.paid_on in days
                    else days.setdefault(row.paid_on, date_value(row.paid_on)),
                    "",
                    "",
                )
            )
            if row.claim_number in new_numbers:
                counts.created += 1
            else:
                counts.updated += 1
                changed.add(claim_id)
            continue
        if item[1:] != (row.claimed, row.paid, row.paid_on):
            changed_items.append(
                ClaimItem(
                    pk=item[0],
                    claimed_amount=row.claimed,
                    paid_amount=row.paid,
                    paid_on=row.paid_on,
                )
            )
            changed.add(claim_id)
            counts.updated += 1
        elif row is first[row.claim_number] and row.claim_number in header_changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    bulk_insert(
        table(ClaimItem),
        (
            "claim_id",
            "item",
            "child",
            "claimed_amount",
            "paid_amount",
            "paid_on",
            "rule",
            "legal_basis",
        ),
        new_items,
    )
    ClaimItem.objects.bulk_update(
        changed_items, ["claimed_amount", "paid_amount", "paid_on"], batch_size=1000
    )
    heirs_written = _write_heirs(rows, ids)
    changed.update(heirs_written)
    return ids, counts, changed


CLAIM_COLUMNS = (
    "number",
    "source",
    "person_id",
    "regency_id",
    "kpj",
    "kind",
    "consequence",
    "incident_date",
    *CLAIM_FIELDS,
    "note",
    "verdict",
    "verdict_reasons",
    "contribution_months",
    "last_import_id",
    "created_at",
    "updated_at",
)


def _insert_claims(rows: list[tuple[str, ClaimRow]], claim_import: ClaimImport) -> dict[str, int]:
    """New claims by the driver's bulk path (COPY on PostgreSQL); returns number -> id.

    Model instances and bulk_create cost more than the database work at 10,000 claims.
    """
    if not rows:
        return {}
    now = datetime_value(timezone.now())
    bulk_insert(
        table(Claim),
        CLAIM_COLUMNS,
        (
            (
                number,
                ClaimSource.INSURER_FILE.value,
                row.person_id,
                row.regency_id,
                row.kpj,
                row.kind,
                row.consequence,
                date_value(row.incident_date),
                *row.claim_fields().values(),
                "",
                CoverVerdict.UNKNOWN.value,
                "[]",
                0,
                claim_import.pk,
                now,
                now,
            )
            for number, row in rows
        ),
    )
    return dict(Claim.objects.filter(last_import=claim_import).values_list("number", "pk"))


def _adopt_province_reports(first: dict[str, ClaimRow], existing: dict[str, tuple]) -> None:
    """A death the province recorded first becomes the insurer's claim when the file brings
    one for the same person, kind and date: it takes the insurer's number, not a second row."""
    new = {
        (row.person_id, row.kind, row.incident_date): number
        for number, row in first.items()
        if number not in existing
    }
    if not new:
        return
    people = sorted({key[0] for key in new if key[0] is not None})
    for pk, known_number, *rest in fetch_in(
        f"SELECT id, number, {', '.join(CLAIM_FIELDS)}, person_id, kind, incident_date"  # noqa: S608
        f" FROM {table(Claim)} WHERE source = %s AND person_id IN ({{marks}})",
        people,
        [ClaimSource.PROVINCE_FORM.value],
    ):
        fields, key = rest[: len(CLAIM_FIELDS)], tuple(rest[len(CLAIM_FIELDS) :])
        number = new.get(key)
        if number is not None and number not in existing:
            existing[number] = (pk, known_number, *fields)


def _write_heirs(rows: list[ClaimRow], ids: dict[str, int]) -> set[int]:
    """Heirs as the file gives them (the first row of a claim that names any), when different."""
    given: dict[int, list[tuple]] = {}
    for row in rows:
        if row.heirs is not None:
            given.setdefault(ids[row.claim_number], row.heirs)
    if not given:
        return set()
    known: dict[int, list[tuple]] = defaultdict(list)
    for claim_id, name, relation, birth, level in fetch_in(
        "SELECT claim_id, name, relation, birth_date, school_level"  # noqa: S608
        f" FROM {table(Heir)} WHERE claim_id IN ({{marks}}) ORDER BY claim_id, position",
        sorted(given),
    ):
        known[claim_id].append((name, relation, birth, level))
    changed = {claim_id for claim_id, heirs in given.items() if known.get(claim_id, []) != heirs}
    for chunk in _chunks(sorted(changed)):
        Heir.objects.filter(claim_id__in=chunk).delete()
    bulk_insert(
        table(Heir),
        ("claim_id", "position", "name", "relation", "birth_date", "school_level"),
        (
            (claim_id, position, name, relation, date_value(birth), level or SchoolLevel.NONE.value)
            for claim_id in sorted(changed)
            for position, (name, relation, birth, level) in enumerate(given[claim_id], start=1)
        ),
    )
    return changed


def _mark_touched(claim_ids: list[int], claim_import: ClaimImport) -> None:
    """The claims this import created or changed: the ones to assess and compute."""
    for chunk in _chunks(claim_ids):
        execute(
            f"UPDATE {table(Claim)} SET last_import_id = %s"  # noqa: S608
            f" WHERE id IN ({', '.join(['%s'] * len(chunk))})",
            [claim_import.pk, *chunk],
        )


def _deaths(rows: list[ClaimRow]) -> dict[int, date]:
    """Person -> date of death, from every death claim of the file (JKM, or JKK with death as
    its consequence), whatever its status: a refused benefit does not undo the death. A
    person with two death claims of different dates: the earlier (a conflict either way)."""
    deaths: dict[int, date] = {}
    for row in rows:
        if row.consequence == Consequence.DEATH and row.person_id is not None:
            known = deaths.get(row.person_id)
            if known is None or row.incident_date < known:
                deaths[row.person_id] = row.incident_date
    return deaths


def import_claims(
    *,
    user,
    file_name: str,
    content: bytes,
    today: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> ClaimImport:
    """Read the insurer's claim file; one transaction, so a failure leaves nothing behind."""
    require(user, Action.EXCHANGE_INSURER_FILES)
    today = today or local_today()
    table = read_text_table(content, file_name, aliases=ALIASES, required=REQUIRED)
    if table.position("NIK") is None and table.position("KPJ") is None:
        raise InvalidInput(_("The file lacks the column(s): %(columns)s.") % {"columns": "NIK/KPJ"})
    progress.start(table.rows_read, _("Reading the claim file"))
    book = RuleBook()
    outcome = _check(table, ClaimReader(table, today, book), progress)
    progress.advance(len(table.problems))
    _settle_repeats(outcome)
    # Rows the intake could not read as cells (a NUL byte, a cell far too long).
    outcome.rejected.update((n, problem.reason) for n, problem in table.problems.items())
    read = table.rows_read
    progress.start(4, _("Writing the claims, their cover and their benefits"))
    with transaction.atomic():
        claim_import = ClaimImport.objects.create(
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            created_by=user,
            rows_read=read,
            rows_rejected=len(outcome.rejected),
            rows_unchanged=read - len(outcome.rejected),
        )
        _ids, counts, changed = _write_claims(outcome.valid, claim_import)
        changed_ids = sorted(changed)
        _mark_touched(changed_ids, claim_import)
        progress.advance(1)
        touched = Claim.objects.filter(last_import=claim_import)
        assess_cover(touched, as_of=today)
        progress.advance(1)
        compute_benefits(touched, book=book)
        progress.advance(1)
        deaths = record_many_deaths(
            user=user,
            deaths=_deaths(outcome.valid),
            source=DeathSource.CLAIM,
            reference=file_name,
            on=today,
        )
        check_counts(
            read=read,
            rejected=len(outcome.rejected),
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
        labels = dict(Reason.choices)
        cells_by_row = dict(table.rows)
        cells_by_row.update((n, problem.cells) for n, problem in table.problems.items())
        number_at = table.position("NOMOR_KLAIM")
        nik_at = table.position("NIK")
        RejectedClaimRow.objects.bulk_create(
            (
                RejectedClaimRow(
                    claim_import=claim_import,
                    row_number=number,
                    original=table.original(cells_by_row[number]),
                    reason=reason,
                    message=str(labels[reason]),
                    claim_number=_cell(cells_by_row[number], number_at)[:60],
                    nik=_cell(cells_by_row[number], nik_at)[:40],
                )
                for number, reason in sorted(outcome.rejected.items())
            ),
            batch_size=1000,
        )
        ClaimImport.objects.filter(pk=claim_import.pk).update(
            rows_created=counts.created,
            rows_updated=counts.updated,
            rows_unchanged=counts.unchanged,
            claims_touched=len(changed_ids),
            reason_counts=dict(sorted(Counter(outcome.rejected.values()).items())),
            deaths_recorded=deaths.recorded,
            deaths_conflicting=len(deaths.conflicting),
        )
        claim_import.refresh_from_db()
        record_event(
            action="benefits.claims_imported",
            target=claim_import,
            summary=counts_of(claim_import),
            user=user,
        )
    progress.advance(1)
    progress.finish()
    return claim_import


def _cell(cells: list, position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return str(cells[position] or "")


def counts_of(claim_import: ClaimImport) -> dict:
    return {
        "read": claim_import.rows_read,
        "created": claim_import.rows_created,
        "updated": claim_import.rows_updated,
        "unchanged": claim_import.rows_unchanged,
        "rejected": claim_import.rows_rejected,
        "claims": claim_import.claims_touched,
        "deaths_recorded": claim_import.deaths_recorded,
        "deaths_conflicting": claim_import.deaths_conflicting,
        "reasons": claim_import.reason_counts,
    }


CLAIMS_JOB_KIND = "benefits.claims_import"
UPLOAD_AREA = "claims"


def start_claims_import(*, user, uploaded_file):
    """Keep the upload (the shared intake refuses a wrong type or size at once) and queue its
    import as a background job (`jobs.py`); returns the Job."""
    from lindungi.jobs.services import start_job

    require(user, Action.EXCHANGE_INSURER_FILES)
    return start_job(
        kind=CLAIMS_JOB_KIND,
        params={
            "path": store_upload(uploaded_file=uploaded_file, area=UPLOAD_AREA),
            "file_name": uploaded_file.name,
        },
        user=user,
        label=_("Claim file %(file)s") % {"file": uploaded_file.name},
    )
