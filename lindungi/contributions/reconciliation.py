"""Reconciling the insurer's monthly statement with the people covered here.

Each statement row is matched to an enrollment of the programme by KPJ, else by NIK; the
people the month rule covers here carry the expected amount. Then, set-based:
billed there but not covered here, covered here but missing from the statement, amounts that
differ, and matches. Every line can be resolved with a note (audited).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.billing import BILLING_SECTOR
from lindungi.contributions.choices import ReconciliationCategory as Category
from lindungi.contributions.coverage import ENROLLMENT, PERSON, table
from lindungi.contributions.models import StatementImport, StatementLine
from lindungi.contributions.policy import policy_for
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require
from lindungi.enrollment.coverage import covered_in_sql
from lindungi.programs.models import Cohort, Programme
from lindungi.programs.rates import ContributionKey, contributions_for_groups

LINE = table(StatementLine)
HEADER_ALIASES = {
    "kpj": {"kpj", "no_kpj", "nomor_kpj"},
    "nik": {"nik", "no_nik"},
    "amount": {"amount", "iuran", "jumlah", "nominal", "total_iuran"},
    "month": {"month", "periode", "bulan"},
}


@dataclass(frozen=True)
class StatementRow:
    row_number: int
    kpj: str
    nik: str
    amount: int


def read_statement(file: io.TextIOBase) -> tuple[list[StatementRow], str | None]:
    """Rows of a statement CSV (comma or semicolon) and the month it names, if any."""
    sample = file.read(4096)
    file.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(file, delimiter=delimiter)
    try:
        header = [cell.strip().lower().replace(" ", "_") for cell in next(reader)]
    except StopIteration:
        raise InvalidInput(_("The statement file is empty."), code="empty_file") from None
    columns = {
        name: next((i for i, cell in enumerate(header) if cell in aliases), None)
        for name, aliases in HEADER_ALIASES.items()
    }
    if columns["amount"] is None or (columns["kpj"] is None and columns["nik"] is None):
        raise InvalidInput(
            _("The statement needs an amount column and a KPJ or NIK column."),
            code="missing_columns",
        )
    rows, months = [], set()

    def cell(values, name):
        index = columns[name]
        return values[index].strip() if index is not None and index < len(values) else ""

    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        text = cell(values, "amount").replace(".", "").replace(",", "").removeprefix("Rp")
        if not text.lstrip("-").isdigit():
            raise InvalidInput(
                _("Row %(row)s: the amount %(value)s is not a whole number of rupiah.")
                % {"row": number, "value": cell(values, "amount")},
                code="invalid_amount",
            )
        rows.append(StatementRow(number, cell(values, "kpj"), cell(values, "nik"), int(text)))
        if cell(values, "month"):
            months.add(cell(values, "month"))
    if len(months) > 1:
        raise InvalidInput(_("The statement covers more than one month."), code="several_months")
    return rows, months.pop() if months else None


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def import_statement(
    *,
    programme: Programme,
    month: Month,
    rows: Iterable[StatementRow],
    file_name: str,
    user,
) -> StatementImport:
    require(user, Action.MANAGE_BILLING)
    rule = policy_for(programme).month_rule
    coverage = covered_in_sql(month, rule)
    cohorts = list(Cohort.objects.filter(programme=programme))
    keys = {
        cohort.pk: ContributionKey(
            programme.package, programme.income_basis, BILLING_SECTOR, cohort.funding_source
        )
        for cohort in cohorts
    }
    rates = contributions_for_groups(month=month, keys=keys.values())
    with transaction.atomic():
        statement = StatementImport.objects.create(
            programme=programme, month=month.first_day, file_name=file_name, imported_by=user
        )
        lines = [
            StatementLine(
                statement=statement,
                row_number=row.row_number,
                kpj=row.kpj,
                nik=row.nik,
                insurer_amount=row.amount,
                category=Category.NOT_ACTIVE_HERE,
            )
            for row in rows
        ]
        StatementLine.objects.bulk_create(lines, batch_size=2000)
        # Match by KPJ, then by NIK.
        _execute(
            f"UPDATE {LINE} SET enrollment_id = (SELECT e.id FROM {ENROLLMENT} e"  # noqa: S608
            f" WHERE e.programme_id = %s AND e.kpj = {LINE}.kpj)"
            f" WHERE statement_id = %s AND kpj <> ''",
            [programme.pk, statement.pk],
        )
        _execute(
            f"UPDATE {LINE} SET enrollment_id = (SELECT e.id FROM {ENROLLMENT} e"  # noqa: S608
            f" JOIN {PERSON} p ON p.id = e.person_id"
            f" WHERE e.programme_id = %s AND p.nik = {LINE}.nik)"
            f" WHERE statement_id = %s AND enrollment_id IS NULL AND nik <> ''",
            [programme.pk, statement.pk],
        )
        _execute(
            f"UPDATE {LINE} SET regency_id = (SELECT e.regency_id FROM {ENROLLMENT} e"  # noqa: S608
            f" WHERE e.id = {LINE}.enrollment_id) WHERE statement_id = %s",
            [statement.pk],
        )
        for cohort in cohorts:
            expected = rates[keys[cohort.pk]].total
            _execute(
                f"UPDATE {LINE} SET expected_amount = %s WHERE statement_id = %s"  # noqa: S608
                f" AND enrollment_id IN (SELECT e.id FROM {ENROLLMENT} e"
                f" WHERE e.programme_id = %s AND e.cohort_id = %s AND {coverage.sql})",
                [expected, statement.pk, programme.pk, cohort.pk, *coverage.params],
            )
            # Covered here, absent from the statement.
            _execute(
                f"INSERT INTO {LINE} (statement_id, row_number, kpj, nik, insurer_amount,"  # noqa: S608
                f" expected_amount, enrollment_id, regency_id, category, resolved,"
                f" resolution_note)"
                f" SELECT %s, NULL, COALESCE(e.kpj, ''), p.nik, 0, %s, e.id, e.regency_id, %s,"
                f" %s, '' FROM {ENROLLMENT} e JOIN {PERSON} p ON p.id = e.person_id"
                f" WHERE e.programme_id = %s AND e.cohort_id = %s AND {coverage.sql}"
                f" AND NOT EXISTS (SELECT 1 FROM {LINE} l WHERE l.statement_id = %s"
                f" AND l.enrollment_id = e.id)",
                [
                    statement.pk,
                    expected,
                    Category.NOT_BILLED.value,
                    False,
                    programme.pk,
                    cohort.pk,
                    *coverage.params,
                    statement.pk,
                ],
            )
        statement_lines = StatementLine.objects.filter(statement=statement)
        statement_lines.filter(row_number__isnull=False, expected_amount__gt=0).exclude(
            insurer_amount=F("expected_amount")
        ).update(category=Category.AMOUNT_MISMATCH)
        statement_lines.filter(
            row_number__isnull=False, expected_amount__gt=0, insurer_amount=F("expected_amount")
        ).update(category=Category.MATCHED)
        totals = statement_lines.aggregate(
            insurer=Sum("insurer_amount"), expected=Sum("expected_amount")
        )
        statement.rows_read = len(lines)
        statement.insurer_total = totals["insurer"] or 0
        statement.expected_total = totals["expected"] or 0
        statement.save(update_fields=["rows_read", "insurer_total", "expected_total"])
        record_event(
            action="contributions.statement_imported",
            target=statement,
            user=user,
            summary={"month": str(month), "rows": len(lines), **summarise(statement)},
        )
    return statement


def summarise(statement: StatementImport) -> dict:
    """Count and amounts per category."""

    rows = (
        StatementLine.objects.filter(statement=statement)
        .values("category")
        .annotate(count=Count("id"), insurer=Sum("insurer_amount"), expected=Sum("expected_amount"))
    )
    return {
        row["category"]: {
            "count": row["count"],
            "insurer": row["insurer"],
            "expected": row["expected"],
        }
        for row in rows
    }


def resolve_line(*, line: StatementLine, note: str, user) -> StatementLine:
    require(user, Action.MANAGE_BILLING)
    note = note.strip()
    if not note:
        raise InvalidInput(_("A resolution needs a note."), code="note_required")
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.resolved:
            raise InvalidInput(_("This line is already resolved."), code="already_resolved")
        line.resolved, line.resolution_note = True, note
        line.resolved_at, line.resolved_by = timezone.now(), user
        line.save(update_fields=["resolved", "resolution_note", "resolved_at", "resolved_by"])
        record_event(
            action="contributions.statement_line_resolved",
            target=line,
            user=user,
            before={"resolved": False},
            after={"resolved": True, "note": note, "category": line.category},
        )
    return line
