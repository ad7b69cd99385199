"""Who a partial payment paid for: the allocation rule, per person, set-based.

An invoice bills each person's contribution (the payer's share of it, `InvoiceLine.share_bp`).
When the payer pays less than is due, the money is allocated by one stated rule:

1. oldest service month first (an invoice's adjustment rows for earlier months before the
   month it bills),
2. then by person in the order of the invoice's detail (regency, then enrollment: the order of
   the detail export the payer receives),

so the shortfall falls on the people at the end of that order: a person's month is unpaid when
the payer's share of everyone after them on the invoice is less than the shortfall. A Rp16,800
shortfall on a single-payer invoice leaves exactly one person unpaid, not the cohort. A later
payment (or a credit note, or the payer's credit applied) shrinks the shortfall and completes
them. The shortfall is the invoice's total plus its credit notes minus what was paid; people a
credit note takes off the invoice take no part of the allocation.

Everything is one SQL statement per question, with a running sum (window) over the detail rows of
the invoices that are short; fully paid invoices are never scanned row by row.
"""

from dataclasses import dataclass
from datetime import date

from lindungi.contributions.choices import InvoiceKind, Standing
from lindungi.contributions.coverage import ENROLLMENT
from lindungi.contributions.models import (
    EnrollmentStanding,
    Invoice,
    InvoiceDetail,
    InvoiceLine,
    Payment,
)
from lindungi.core.sql import execute, fetch_one, table

# The payer's share of a person's contribution, in rupiah x 10,000 (basis points), so the
# comparison with the shortfall is exact: no rounding of any person's share.
_WEIGHT = "(d.jkk + d.jkm + d.jht) * l.share_bp"


def _short_invoices_sql(where: str) -> str:
    """Invoices (matching `where` on `i`) with what is still owed on them, when positive."""
    invoice, payment = table(Invoice), table(Payment)
    return (
        f"SELECT i.id, i.total"  # noqa: S608 (names are ours)
        f" + COALESCE((SELECT SUM(c.total) FROM {invoice} c WHERE c.corrects_id = i.id), 0)"
        f" - COALESCE((SELECT SUM(p.amount) FROM {payment} p WHERE p.invoice_id = i.id), 0)"
        f" AS short FROM {invoice} i WHERE i.kind = '{InvoiceKind.INVOICE.value}' AND {where}"
    )


def _allocation_sql(short_sql: str) -> str:
    """Per positive detail row of a short invoice: its weight and the weight after it."""
    detail, line, invoice = table(InvoiceDetail), table(InvoiceLine), table(Invoice)
    order = "d.service_month DESC, d.regency_id DESC, d.enrollment_id DESC"
    return (
        f"SELECT d.invoice_id, d.enrollment_id, d.service_month, s.short, {_WEIGHT} AS w,"  # noqa: S608
        f" SUM({_WEIGHT}) OVER (PARTITION BY d.invoice_id ORDER BY {order}"
        f" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS tail"
        f" FROM ({short_sql}) s"
        f" JOIN {detail} d ON d.invoice_id = s.id"
        f" JOIN {line} l ON l.invoice_id = d.invoice_id AND l.kind = d.kind"
        f" AND l.service_month = d.service_month AND l.regency_id = d.regency_id"
        f" AND l.cohort_id = d.cohort_id"
        f" WHERE s.short > 0 AND d.sign > 0 AND NOT EXISTS ("
        f" SELECT 1 FROM {invoice} c JOIN {detail} r ON r.invoice_id = c.id"
        f" WHERE c.corrects_id = d.invoice_id AND r.enrollment_id = d.enrollment_id"
        f" AND r.service_month = d.service_month AND r.sign < 0)"
    )


def _unpaid_rows_sql(short_sql: str) -> str:
    """The person-months the shortfall falls on (the tail of the allocation order)."""
    return (
        f"SELECT a.invoice_id, a.enrollment_id, a.service_month"  # noqa: S608
        f" FROM ({_allocation_sql(short_sql)}) a WHERE a.tail - a.w < a.short * 10000"
    )


@dataclass(frozen=True)
class Allocation:
    """How an invoice's payments fall on its people."""

    people: int  # person-months the invoice bills (positive rows, net of its credit notes)
    unpaid: int  # of which the shortfall leaves unpaid


def invoice_allocation(invoice: Invoice) -> Allocation:
    """The rule applied to one invoice (for its page): how many person-months are unpaid."""
    detail = table(InvoiceDetail)
    short_sql = _short_invoices_sql("i.id = %s")
    billed = fetch_one(
        f"SELECT COUNT(*) FROM {detail} d WHERE d.invoice_id = %s AND d.sign > 0",  # noqa: S608
        [invoice.pk],
    )
    unpaid = fetch_one(f"SELECT COUNT(*) FROM ({_unpaid_rows_sql(short_sql)}) u", [invoice.pk])  # noqa: S608
    return Allocation(people=billed[0] if billed else 0, unpaid=unpaid[0] if unpaid else 0)


def flag_unpaid_people(*, programme_id: int, as_of: date, limit: int) -> None:
    """Write `EnrollmentStanding` for everyone whose own latest billed months are unpaid.

    Per person and service month on the programme's past-due invoices (billed net of removals
    and credit notes): unpaid when the allocation leaves any of its rows unpaid (with two payers,
    either payer's share). A person's unpaid run is their unpaid months after their latest paid
    month; a run of `limit` months is `at_risk` (the last month arrears may still be paid),
    longer is `lapsed`, `unpaid_since` its oldest month. One INSERT .. SELECT.
    """
    detail, invoice = table(InvoiceDetail), table(Invoice)
    standing = table(EnrollmentStanding)
    short_sql = _short_invoices_sql("i.programme_id = %s AND i.due_date < %s")
    due_kind = InvoiceKind.INVOICE.value
    sql = (
        f"WITH unpaid AS (SELECT DISTINCT u.enrollment_id, u.service_month"  # noqa: S608
        f" FROM ({_unpaid_rows_sql(short_sql)}) u),"
        f" billed AS (SELECT d.enrollment_id, d.service_month, SUM(d.sign) AS net,"
        f" MAX(CASE WHEN d.sign > 0 AND i.kind = '{due_kind}' AND i.due_date < %s"
        f" THEN 1 ELSE 0 END) AS due"
        f" FROM {detail} d JOIN {invoice} i ON i.id = d.invoice_id"
        f" WHERE i.programme_id = %s AND d.enrollment_id IN (SELECT enrollment_id FROM unpaid)"
        f" GROUP BY d.enrollment_id, d.service_month),"
        f" status AS (SELECT m.enrollment_id, m.service_month,"
        f" CASE WHEN u.enrollment_id IS NULL THEN 0 ELSE 1 END AS is_unpaid"
        f" FROM billed m LEFT JOIN unpaid u ON u.enrollment_id = m.enrollment_id"
        f" AND u.service_month = m.service_month WHERE m.net > 0 AND m.due = 1),"
        f" marked AS (SELECT s.enrollment_id, s.service_month, s.is_unpaid,"
        f" MAX(CASE WHEN s.is_unpaid = 0 THEN s.service_month END)"
        f" OVER (PARTITION BY s.enrollment_id) AS last_paid FROM status s),"
        f" runs AS (SELECT enrollment_id, COUNT(*) AS months, MIN(service_month) AS since"
        f" FROM marked WHERE is_unpaid = 1"
        f" AND (last_paid IS NULL OR service_month > last_paid) GROUP BY enrollment_id)"
        f" INSERT INTO {standing} (enrollment_id, regency_id, standing, unpaid_months,"
        f" unpaid_since, assessed_on)"
        f" SELECT e.id, e.regency_id,"
        f" CASE WHEN r.months > %s THEN '{Standing.LAPSED.value}'"
        f" ELSE '{Standing.AT_RISK.value}' END, r.months, r.since, %s"
        f" FROM runs r JOIN {ENROLLMENT} e ON e.id = r.enrollment_id"
        f" WHERE r.months >= %s AND e.programme_id = %s"
    )
    params = [programme_id, as_of, as_of, programme_id, limit, as_of, limit, programme_id]
    execute(sql, params)
