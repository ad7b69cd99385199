"""Money lists as `web.lists` lists: invoices and a statement's reconciliation lines."""

from django.utils.translation import gettext_lazy as _

from lindungi.contributions.choices import ReconciliationCategory
from lindungi.contributions.selectors import (
    list_invoices,
    list_statement_lines,
    list_statements,
)
from lindungi.core.lists import Column, ListDefinition, register
from lindungi.core.permissions import Action


def invoice_rows(user, query):
    return list_invoices(user)


INVOICES = register(
    ListDefinition(
        name="contributions.invoices",
        title=_("Invoices"),
        action=Action.VIEW_MONEY,
        rows=invoice_rows,
        export_kind="invoices",
        default_sort="-month",
        columns=(
            Column("number", _("Number"), "number", sortable=True, text=True),
            Column("payer", _("Payer"), "payer__name", sortable=True),
            Column("month", _("Month"), "month", sortable=True),
            Column("due", _("Due date"), "due_date", sortable=True),
            # The whole total, or a regency officer's share of it (see list_invoices).
            Column("total", _("Total"), "visible_total", sortable=True),
        ),
    )
)


def statement_line_rows(user, query, *, statement_id: int):
    lines = list_statement_lines(user, statement_id)
    category = query.get("category", "")
    if category in ReconciliationCategory.values:
        lines = lines.filter(category=category)
    if query.get("open"):
        lines = lines.filter(resolved=False)
    return lines


STATEMENT_LINES = register(
    ListDefinition(
        name="contributions.statement_lines",
        title=_("Lines"),
        action=Action.VIEW_MONEY,
        rows=statement_line_rows,
        export_kind="statement_lines",
        default_sort="category",
        columns=(
            Column("row", _("Row"), "row_number"),
            Column("kpj", "KPJ", "kpj", sortable=True, text=True),
            Column("nik", "NIK", "nik", sortable=True, text=True),
            Column("regency", _("Regency/city"), "regency_id", text=True),
            Column("category", _("Category"), "category", sortable=True),
            Column("insurer", _("Billed by the insurer"), "insurer_amount", sortable=True),
            Column("expected", _("Expected"), "expected_amount", sortable=True),
            Column("resolution", _("Resolution"), "resolution_note"),
        ),
    )
)


def statement_rows(user, query):
    return list_statements(user)


STATEMENTS = register(
    ListDefinition(
        name="contributions.statements",
        title=_("Reconciliation"),
        action=Action.VIEW_MONEY,
        rows=statement_rows,
        export_kind="statements",
        default_sort="-month",
        columns=(
            Column("month", _("Month"), "month", sortable=True),
            Column("programme", _("Programme"), "programme__name", sortable=True),
            Column("payer", _("Payer"), "payer__name"),
            Column("file", _("File"), "file_name", sortable=True),
            Column("version", _("Version"), "version", sortable=True),
            Column("imported", _("Imported"), "imported_at", sortable=True),
        ),
    )
)
