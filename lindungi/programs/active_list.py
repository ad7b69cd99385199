"""The insurer's list of active participants: read through the shared intake, kept with its
history and its rejected rows like every other import.

Selection excludes the current list's NIKs (already active elsewhere, or wage earners). A new
list becomes the current one; the previous list's rows stay, marked not current, so nothing
the insurer sent is lost and an earlier selection can still be explained.
"""

import hashlib
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.intake import check_counts, read_text_table
from lindungi.core.permissions import Action, require
from lindungi.core.sql import bulk_insert, table_name
from lindungi.programs.choices import ActiveListRejectReason
from lindungi.programs.models import (
    ActiveInsurerParticipant,
    ActiveParticipantImport,
    RejectedActiveParticipantRow,
)

ALIASES = {
    "NIK": ("no_nik", "nomor_induk_kependudukan"),
    "KPJ": ("no_kpj", "nomor_kpj"),
    "SEGMENT": ("segmen", "kepesertaan", "segment_kepesertaan"),
}
WAGE_EARNER_SEGMENT = "PU"
_COLUMNS = (
    "nik",
    "kpj",
    "is_wage_earner",
    "source_file",
    "imported_at",
    "list_import_id",
    "is_current",
)


def import_active_participants(*, user, file_name: str, content: bytes) -> ActiveParticipantImport:
    """Make a CSV or XLSX (NIK[, KPJ][, SEGMENT]) the current list of active participants.

    SEGMENT PU marks a wage earner (covered by an employer), anything else a BPU participant.
    A NIK repeated with the same details counts once; with other details the repeat is
    rejected. Raises InvalidInput (nothing changes) when the file cannot be read or has no
    NIK column.
    """
    require(user, Action.EXCHANGE_INSURER_FILES)
    table = read_text_table(content, file_name, aliases=ALIASES, required=("NIK",))
    nik_at, kpj_at, segment_at = (table.position(name) for name in ("NIK", "KPJ", "SEGMENT"))
    labels = dict(ActiveListRejectReason.choices)
    rejected: dict[int, tuple[str, str, str]] = {
        number: (problem.reason, problem.message, "") for number, problem in table.problems.items()
    }
    accepted: dict[str, tuple[int, str, bool]] = {}
    repeated = 0
    for number, cells in table.rows:
        nik = cells[nik_at]
        kpj = cells[kpj_at][:20] if kpj_at is not None else ""
        wage_earner = segment_at is not None and cells[segment_at].upper() == WAGE_EARNER_SEGMENT
        if not (len(nik) == 16 and nik.isdigit()):
            reason = ActiveListRejectReason.NIK_INVALID
            rejected[number] = (reason, str(labels[reason]), nik)
        elif nik in accepted:
            first_row, first_kpj, first_wage = accepted[nik]
            if (first_kpj, first_wage) == (kpj, wage_earner):
                repeated += 1
            else:
                reason = ActiveListRejectReason.NIK_REPEATED
                message = _("NIK %(nik)s appears in row %(row)s with other details") % {
                    "nik": nik,
                    "row": first_row,
                }
                rejected[number] = (reason, message, nik)
        else:
            accepted[nik] = (number, kpj, wage_earner)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cells_by_row = dict(table.rows)
    cells_by_row.update((n, problem.cells) for n, problem in table.problems.items())
    with transaction.atomic():
        current = ActiveInsurerParticipant.objects.filter(is_current=True)
        replaced = current.count()
        list_import = ActiveParticipantImport.objects.create(
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            created_by=user,
            rows_read=table.rows_read,
            rows_accepted=len(accepted),
            rows_repeated=repeated,
            rows_rejected=len(rejected),
            wage_earners=sum(wage for _n, _k, wage in accepted.values()),
            replaced=replaced,
            reason_counts=dict(sorted(Counter(r for r, _m, _n in rejected.values()).items())),
        )
        check_counts(
            read=list_import.rows_read,
            rejected=list_import.rows_rejected,
            accepted=list_import.rows_accepted,
            repeated=list_import.rows_repeated,
        )
        current.update(is_current=False)
        bulk_insert(
            table_name(ActiveInsurerParticipant),
            _COLUMNS,
            (
                (nik, kpj, wage, file_name[:255], now, list_import.pk, True)
                for nik, (_n, kpj, wage) in accepted.items()
            ),
        )
        RejectedActiveParticipantRow.objects.bulk_create(
            (
                RejectedActiveParticipantRow(
                    list_import=list_import,
                    row_number=number,
                    original=table.original(cells_by_row[number]),
                    reason=reason,
                    message=message[:300],
                    nik=nik[:40],
                )
                for number, (reason, message, nik) in sorted(rejected.items())
            ),
            batch_size=2_000,
        )
        record_event(
            action="programs.active_participants_imported",
            target=list_import,
            summary=counts(list_import),
            user=user,
        )
    return list_import


def counts(list_import: ActiveParticipantImport) -> dict:
    return {
        "read": list_import.rows_read,
        "accepted": list_import.rows_accepted,
        "repeated": list_import.rows_repeated,
        "rejected": list_import.rows_rejected,
        "replaced": list_import.replaced,
        "wage_earners": list_import.wage_earners,
        "reasons": list_import.reason_counts,
    }
