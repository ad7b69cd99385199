"""The candidate import: read, validate in Python (pure, chunked), stage in bulk, apply in SQL.

Everything happens in one transaction, so an error half way leaves the registry exactly as it
was. Outcomes per staged row are decided by set-based SQL (see `_decide_outcomes`), and
accepted + updated + unchanged + rejected = read always holds (a check constraint on
CandidateImport enforces it too).
"""

import json
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.errors import InvalidInput
from lindungi.core.intake import original_json
from lindungi.core.permissions import Action, regency_scope, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import bulk_insert, execute, fetch, is_postgres, table
from lindungi.regions.models import Regency
from lindungi.regions.selectors import known_district_prefixes, village_regencies
from lindungi.registry.choices import DuplicateRule, ImportStatus, RejectReason
from lindungi.registry.loading import REJECT_COLUMNS, load
from lindungi.registry.models import (
    CandidateImport,
    DuplicateCandidate,
    Person,
    PersonVersion,
    RejectedRow,
)
from lindungi.registry.poverty import desil_poverty_labels
from lindungi.registry.reading import (
    inspect_file,
    open_table,
    resolve_columns,
)
from lindungi.registry.staging import (
    LOADED_COLUMNS,
    RAW_SEPARATOR,
    STAGE,
    bulk_settings,
    create_stage,
    index_stage,
    indexes_rebuilt_after,
)
from lindungi.registry.validation import (
    ValidationContext,
    build_village_index,
)

# A staged row's clean values: equal in every one for an identical repeat within the file.
_CLEAN_COLUMNS = LOADED_COLUMNS[LOADED_COLUMNS.index("nik") + 1 : LOADED_COLUMNS.index("raw")]
REPEATED = f"{STAGE}_repeated"
_EDITION_LENGTH = 7


def build_context(*, regency: str | None) -> ValidationContext:
    return ValidationContext(
        district_prefixes=known_district_prefixes(),
        villages=build_village_index(
            village_regencies(), served_region=settings.LINDUNGI_SERVED_REGION
        ),
        today=timezone.localdate(),
        poverty_labels=desil_poverty_labels(),
        user_regency=regency,
        served_region=settings.LINDUNGI_SERVED_REGION,
    )


def _check_edition(edition: str) -> str:
    edition = (edition or "").strip()
    if edition and (
        len(edition) != _EDITION_LENGTH
        or edition[4] != "-"
        or not (edition[:4] + edition[5:]).isdigit()
        or not 1 <= int(edition[5:]) <= 12
    ):
        raise InvalidInput(_("Edition %(value)s is not a month YYYY-MM") % {"value": edition})
    return edition


def import_candidates(
    *,
    file: IO[bytes] | str | Path,
    file_name: str,
    user,
    source: str = "",
    edition: str = "",
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    regency: str | None = None,
    job_reference: str = "",
    progress: Progress = NULL_PROGRESS,
) -> CandidateImport:
    """Import one candidate file; returns the finished CandidateImport with its counts.

    `edition` (YYYY-MM) is the source data's edition: a registered person's changeable fields
    are only overwritten by a strictly newer edition; a file without an edition only adds
    people. `regency` limits the import to residents of that regency (a regency officer's
    upload; a regency officer's import is always limited to their own regency). Raises
    InvalidInput when the file as a whole cannot be read, PermissionDenied when `user` may not
    import; nothing is written then.
    """
    require(user, Action.IMPORT_CANDIDATES)
    own_regency = regency_scope(user)
    if own_regency is not None:
        if regency not in (None, own_regency):
            raise PermissionDenied
        regency = own_regency
    edition = _check_edition(edition)
    if regency and not Regency.objects.filter(pk=regency).exists():
        raise InvalidInput(_("Regency %(value)s does not exist") % {"value": regency})
    started = time.perf_counter()
    with ExitStack() as stack:
        handle: IO[bytes] = (
            stack.enter_context(open(file, "rb")) if isinstance(file, str | Path) else file
        )
        facts = inspect_file(handle)
        table = open_table(handle, facts=facts, sheet=sheet)
        stack.callback(table.close)
        columns = resolve_columns(table.headers, mapping)
        progress.start(table.total_rows, _("Importing candidates"))
        stack.enter_context(bulk_settings())
        with transaction.atomic():
            # Inside the transaction: on SQLite no one can change the villages the rows are
            # checked against before the import commits (see staging.bulk_settings).
            context = build_context(regency=regency)
            candidate_import = CandidateImport.objects.create(
                file_name=file_name[:255],
                file_sha256=facts.sha256,
                source=source[:60],
                edition=edition,
                regency_id=regency,
                created_by=user,
                sheet_name=table.sheet_name[:100],
                column_mapping={name: table.headers[index] for name, index in columns.items()},
                headers=table.headers,
                job_reference=job_reference[:64],
            )
            create_stage()
            read, reasons = load(candidate_import.pk, table, columns, context, progress)
            index_stage()
            progress.start(None, _("Applying to the registry"))
            _serialise_imports()
            outcomes = _decide_outcomes(edition=edition, regency=regency or "")
            reasons.update(_reject_from_stage(candidate_import))
            _write_versions_and_updates(candidate_import, edition=edition)
            with indexes_rebuilt_after(
                Person._meta.db_table, adding=outcomes["insert"]
            ) as unindexed:
                _insert_people(candidate_import, edition=edition, in_nik_order=not unindexed)
            flagged = _flag_duplicates(
                candidate_import, touched=outcomes["insert"] + outcomes["update"]
            )
            _finish(
                candidate_import,
                read=read,
                outcomes=outcomes,
                reasons=reasons,
                flagged=flagged,
                started=started,
                facts_size=facts.size,
                user=user,
            )
        progress.finish()
    return candidate_import


# Any fixed number: the advisory lock that lets one import at a time apply on PostgreSQL.
_IMPORT_LOCK_KEY = 7_405_530_003


def _serialise_imports() -> None:
    """Two imports deciding against the registry at once could both insert one new NIK and
    one would fail on the unique index; the second waits instead. (SQLite writers are already
    serialised by BEGIN IMMEDIATE.) Validation and staging above still run in parallel."""
    if is_postgres():
        execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])


PERSON = table(Person)
PERSON_VERSION = table(PersonVersion)
DUPLICATE = table(DuplicateCandidate)
_IDENTITY_DIFFERS = (
    "p.name_normalised <> s.name_normalised OR p.birth_date <> s.birth_date OR p.sex <> s.sex"
)
_CHANGEABLE_DIFFER = (
    "p.kk_number <> s.kk_number OR p.village_id <> s.village_id OR p.address <> s.address "
    "OR p.occupation <> s.occupation OR p.phone <> s.phone "
    "OR COALESCE(p.desil, 0) <> COALESCE(s.desil, 0)"
)


def _decide_outcomes(*, edition: str, regency: str = "") -> Counter:
    """Give every staged row one outcome, in SQL:

    conflict   one NIK with differing identity (name, birth date, sex) within the file: all
               its rows are rejected together;
    repeat     an identical earlier repeat of the NIK's last row: counted once, as unchanged;
    superseded an earlier row of the NIK with other details: rejected, the last row counts;
    registry_conflict  the NIK is registered with another identity: rejected for review;
    other_regency  a regency's import (`regency` set) names a person registered in another
               regency: rejected whatever the row says (same, newer or different identity),
               so a regency never moves, changes or learns about another's people; the
               province reviews these rows (selectors.list_regency_move_requests);
    update / unchanged  against the registry; rows left with outcome '' are new people.
    """
    # Only NIKs staged more than once can conflict or repeat: a few thousand in a million.
    # Their rows are copied into a small table (two passes over the stage: grouping, then
    # fetching), settled there, and the outcomes written back in a third pass.
    execute(f"DROP TABLE IF EXISTS {REPEATED}")
    execute(
        f"""CREATE TEMPORARY TABLE {REPEATED} AS SELECT * FROM {STAGE} WHERE nik IN (
              SELECT nik FROM {STAGE} GROUP BY nik HAVING COUNT(*) > 1)"""  # noqa: S608
    )
    execute(f"CREATE INDEX {REPEATED}_nik ON {REPEATED} (nik, row_number)")
    execute(
        f"""UPDATE {REPEATED} SET outcome = 'conflict' WHERE nik IN (
              SELECT nik FROM {REPEATED} GROUP BY nik
              HAVING COUNT(DISTINCT name_normalised) > 1 OR COUNT(DISTINCT birth_date) > 1
                  OR COUNT(DISTINCT sex) > 1)"""  # noqa: S608
    )
    # Of every other repeated NIK, the last row counts; earlier ones repeat it or are
    # superseded by it.
    same_values = " AND ".join(
        f"COALESCE(r.{name}, 0) = COALESCE(last.{name}, 0)"
        if name == "desil"
        else f"r.{name} = last.{name}"
        for name in _CLEAN_COLUMNS
    )
    execute(
        f"""UPDATE {REPEATED} SET related_row = settled.last_row, outcome = settled.outcome
            FROM (SELECT r.row_number, last.row_number AS last_row,
                         CASE WHEN {same_values} THEN 'repeat' ELSE 'superseded' END AS outcome
                  FROM {REPEATED} r JOIN {REPEATED} last ON last.nik = r.nik
                  WHERE r.outcome = '' AND last.row_number = (
                    SELECT MAX(row_number) FROM {REPEATED} m WHERE m.nik = r.nik)
                    AND r.row_number < last.row_number) settled
            WHERE {REPEATED}.row_number = settled.row_number"""  # noqa: S608
    )
    execute(
        f"""UPDATE {STAGE} SET outcome = r.outcome, related_row = r.related_row
            FROM {REPEATED} r
            WHERE {STAGE}.nik = r.nik AND {STAGE}.row_number = r.row_number
              AND r.outcome <> ''"""  # noqa: S608
    )
    execute(f"DROP TABLE {REPEATED}")
    # An edition that is blank is never newer: a file of unknown date only adds people.
    newer = "(%s <> '' AND p.source_edition < %s)"
    # Identical repeats are compared too (they are equal to their NIK's last row): they stay
    # repeats, unless the registry holds another identity, when they are rejected with it.
    execute(
        f"""UPDATE {STAGE} SET person_id = p.id,
              outcome = CASE WHEN %s <> '' AND p.regency_id <> %s THEN 'other_regency'
                             WHEN {_IDENTITY_DIFFERS.replace("s.", STAGE + ".")}
                               THEN 'registry_conflict'
                             WHEN {STAGE}.outcome = 'repeat' THEN 'repeat'
                             WHEN ({_CHANGEABLE_DIFFER.replace("s.", STAGE + ".")})
                                  AND {newer} THEN 'update'
                             ELSE 'unchanged' END
            FROM {PERSON} p
            WHERE p.nik = {STAGE}.nik AND {STAGE}.outcome IN ('', 'repeat')""",  # noqa: S608
        [regency, regency, edition, edition],
    )
    # Rows still without an outcome are new people; they keep '' rather than being rewritten
    # to 'insert' (an UPDATE of every staged row costs seconds at a million rows).
    counted = fetch(f"SELECT outcome, COUNT(*) FROM {STAGE} GROUP BY outcome")  # noqa: S608
    outcomes = Counter(dict(counted))
    outcomes["insert"] = outcomes.pop("", 0)
    return outcomes


def _reject_from_stage(candidate_import: CandidateImport) -> Counter:
    """Write RejectedRow for the rows SQL refused (few: conflicts and repeats)."""
    rows = fetch(
        f"""SELECT row_number, nik, outcome, related_row, raw FROM {STAGE}
            WHERE outcome IN ('conflict', 'superseded', 'registry_conflict', 'other_regency')
            ORDER BY nik, row_number"""  # noqa: S608
    )
    rows_of_nik: dict[str, list[int]] = {}
    for row_number, nik, outcome, _related, _raw in rows:
        if outcome == "conflict":
            rows_of_nik.setdefault(nik, []).append(row_number)
    headers = candidate_import.headers
    reasons: Counter = Counter()
    rejected = []
    for row_number, nik, outcome, related_row, raw in rows:
        if outcome == "conflict":
            others = [number for number in rows_of_nik[nik] if number != row_number]
            reason = RejectReason.DUPLICATE_CONFLICT
            message = _(
                "NIK %(nik)s appears in rows %(rows)s with a different name, birth date or sex"
            ) % {"nik": nik, "rows": ", ".join(map(str, others))}
            related_rows, related_nik = others, ""
        elif outcome == "superseded":
            reason = RejectReason.DUPLICATE_IN_FILE
            message = _(
                "NIK %(nik)s appears again in row %(row)s with other details; that row is used"
            ) % {"nik": nik, "row": related_row}
            related_rows, related_nik = [related_row], ""
        elif outcome == "other_regency":
            reason = RejectReason.PERSON_OF_OTHER_REGENCY
            # Says neither where the person is registered nor whether the details match.
            message = _(
                "NIK %(nik)s belongs to a person this import may not change; the row was "
                "sent to the province for review"
            ) % {"nik": nik}
            related_rows, related_nik = [], nik
        else:
            reason = RejectReason.REGISTRY_CONFLICT
            message = _(
                "NIK %(nik)s is already registered with a different name, birth date or sex; "
                "the registry was not changed and the row needs review"
            ) % {"nik": nik}
            related_rows, related_nik = [], nik
        reasons[reason.value] += 1
        rejected.append(
            (
                candidate_import.pk,
                row_number,
                original_json(headers, raw.split(RAW_SEPARATOR)),
                reason.value,
                message[:300],
                nik,
                json.dumps(related_rows),
                related_nik,
            )
        )
    if rejected:
        bulk_insert(RejectedRow._meta.db_table, REJECT_COLUMNS, rejected)
    return reasons


_PERSON_CHANGEABLE = (
    "kk_number",
    "village_id",
    "regency_id",
    "address",
    "occupation",
    "phone",
    "desil",
    "poverty_label",
)


def _write_versions_and_updates(candidate_import: CandidateImport, *, edition: str) -> None:
    """Keep the values being replaced as a PersonVersion, then update, both set-based."""
    now = timezone.now()
    kept = ", ".join(_PERSON_CHANGEABLE)
    execute(
        f"""INSERT INTO {PERSON_VERSION}
              (person_id, {kept}, source_import_id, source_row, source_edition, valid_from,
               replaced_by_import_id, replaced_at)
            SELECT p.id, {", ".join("p." + name for name in _PERSON_CHANGEABLE)},
                   p.source_import_id, p.source_row, p.source_edition, p.updated_at, %s, %s
            FROM {PERSON} p JOIN {STAGE} s ON s.person_id = p.id
            WHERE s.outcome = 'update'""",  # noqa: S608
        [candidate_import.pk, now],
    )
    assignments = ", ".join(f"{name} = s.{name}" for name in _PERSON_CHANGEABLE)
    execute(
        f"""UPDATE {PERSON} SET {assignments}, source_import_id = %s,
              source_row = s.row_number, source_edition = %s, updated_at = %s
            FROM {STAGE} s WHERE s.person_id = {PERSON}.id AND s.outcome = 'update'""",  # noqa: S608
        [candidate_import.pk, edition, now],
    )


# Identity never changes on update; a new person takes identity and changeable fields.
_PERSON_IDENTITY = ("nik", "full_name", "name_normalised", "sex", "birth_place", "birth_date")
_PERSON_NEW = (*_PERSON_IDENTITY, *_PERSON_CHANGEABLE)


def _insert_people(candidate_import: CandidateImport, *, edition: str, in_nik_order: bool) -> None:
    # In NIK order into an indexed table: the unique index then grows at its end instead of
    # splitting random pages. Without indexes the order is the file's, and costs no sort.
    now = timezone.now()
    names = ", ".join(_PERSON_NEW)
    order = "ORDER BY nik" if in_nik_order else ""
    execute(
        f"""INSERT INTO {PERSON}
              ({names}, source_import_id, source_row, source_edition, created_at, updated_at)
            SELECT {names}, %s, row_number, %s, %s, %s FROM {STAGE}
            WHERE outcome = '' {order}""",  # noqa: S608
        [candidate_import.pk, edition, now, now],
    )


# The columns two people with different NIKs share when they are likely the same person.
_DUPLICATE_RULES = {
    DuplicateRule.SAME_NAME_BIRTH_VILLAGE: ("name_normalised", "birth_date", "village_id"),
    DuplicateRule.SAME_KK_NAME: ("kk_number", "name_normalised"),
}
# Pairs are found by grouping the whole registry on a rule's columns when the import touched
# at least 1/GROUPWISE_SHARE of it (one pass: 1,000,000 new people on PostgreSQL 0.8 s instead
# of 3.8 s joining them one by one), by looking up each touched person otherwise (a village
# list of a few hundred rows must not pay for a pass over a million people).
GROUPWISE_SHARE = 8


def _flag_duplicates(candidate_import: CandidateImport, *, touched: int) -> int:
    """Queue pairs of people (different NIKs) who look alike, for review; never merge.

    Only pairs involving someone this import added or changed are looked for; a pair already
    queued (in any status) is left alone by the unique constraint.
    """
    if not touched:
        return 0
    if is_postgres():
        # The planner still believes the table's size from before this import: without fresh
        # statistics it joins the new rows by scanning the whole table for each of them.
        # (Also the statistics of indexes rebuilt after a first import.)
        execute(f"ANALYZE {PERSON}")
    (registry_size,) = fetch(f"SELECT COALESCE(MAX(id), 0) FROM {PERSON}")[0]  # noqa: S608
    groupwise = touched * GROUPWISE_SHARE >= registry_size
    flagged = 0
    now = timezone.now()
    for rule, columns in _DUPLICATE_RULES.items():
        same = " AND ".join(f"o.{column} = t.{column}" for column in columns)
        params = [rule.value, candidate_import.pk, now, candidate_import.pk]
        if groupwise:
            keys = ", ".join(columns)
            in_group = " AND ".join(f"t.{column} = g.{column}" for column in columns)
            # Grouping reads the rule's columns only (SQLite: its index alone); groups without
            # anyone from this import drop out at the WHERE below.
            source = f"""(SELECT {keys} FROM {PERSON} GROUP BY {keys}
                          HAVING COUNT(*) > 1) g
                         JOIN {PERSON} t ON {in_group}"""  # noqa: S608
        else:
            source = f"{PERSON} t"
        flagged += execute(
            f"""INSERT INTO {DUPLICATE}
                  (first_person_id, second_person_id, first_nik, second_nik, rule, status, note,
                   found_by_import_id, created_at)
                SELECT DISTINCT
                  CASE WHEN t.id < o.id THEN t.id ELSE o.id END,
                  CASE WHEN t.id < o.id THEN o.id ELSE t.id END,
                  CASE WHEN t.id < o.id THEN t.nik ELSE o.nik END,
                  CASE WHEN t.id < o.id THEN o.nik ELSE t.nik END,
                  %s, 'open', '', %s, %s
                FROM {source} JOIN {PERSON} o ON {same} AND o.id <> t.id
                WHERE t.source_import_id = %s
                ON CONFLICT DO NOTHING""",  # noqa: S608
            params,
        )
    return flagged


def _finish(
    candidate_import: CandidateImport,
    *,
    read: int,
    outcomes: Counter,
    reasons: Counter,
    flagged: int,
    started: float,
    facts_size: int,
    user,
) -> None:
    candidate_import.rows_read = read
    candidate_import.rows_accepted = outcomes["insert"]
    candidate_import.rows_updated = outcomes["update"]
    candidate_import.rows_unchanged = outcomes["unchanged"] + outcomes["repeat"]
    candidate_import.rows_rejected = sum(reasons.values())
    candidate_import.reason_counts = dict(sorted(reasons.items()))
    candidate_import.duplicates_flagged = flagged
    candidate_import.status = ImportStatus.COMPLETED
    candidate_import.finished_at = timezone.now()
    candidate_import.duration_ms = int((time.perf_counter() - started) * 1000)
    candidate_import.save()
    record_event(
        action="registry.import_candidates",
        target=candidate_import,
        user=user,
        summary={
            "file_name": candidate_import.file_name,
            "file_sha256": candidate_import.file_sha256,
            "file_bytes": facts_size,
            "source": candidate_import.source,
            "edition": candidate_import.edition,
            "regency": candidate_import.regency_id,
            "read": read,
            "accepted": candidate_import.rows_accepted,
            "updated": candidate_import.rows_updated,
            "unchanged": candidate_import.rows_unchanged,
            "rejected": candidate_import.rows_rejected,
            "reasons": candidate_import.reason_counts,
            "duplicates_flagged": flagged,
            "duration_ms": candidate_import.duration_ms,
        },
    )


def summary(candidate_import: CandidateImport) -> dict[str, Any]:
    """The counts as the CLI prints them with --json."""
    return {
        "import": candidate_import.pk,
        "read": candidate_import.rows_read,
        "accepted": candidate_import.rows_accepted,
        "updated": candidate_import.rows_updated,
        "unchanged": candidate_import.rows_unchanged,
        "rejected": candidate_import.rows_rejected,
        "reasons": candidate_import.reason_counts,
        "duplicates_flagged": candidate_import.duplicates_flagged,
        "duration_ms": candidate_import.duration_ms,
    }
