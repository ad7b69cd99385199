"""The close-out report as PDF (reportlab) and XLSX (openpyxl)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from lindungi.core.dates import Month
from lindungi.core.money import format_number, format_rupiah

MONTH_COLUMNS = ("covered", "billed", "paid", "outstanding", "statements", "insurer_total")
PAYER_COLUMNS = ("budget", "billed", "paid", "unpaid", "unspent")


def _month_headers() -> list[str]:
    return [
        _("Month"),
        _("People covered"),
        _("Billed"),
        _("Paid"),
        _("Outstanding"),
        _("Insurer statements"),
        _("Insurer total"),
    ]


def _payer_headers() -> list[str]:
    return [
        _("Payer"),
        _("Funding"),
        _("Budget"),
        _("Billed"),
        _("Paid"),
        _("Unpaid"),
        _("Unspent budget"),
    ]


def closeout_xlsx(report: dict) -> bytes:
    workbook = Workbook()
    months = workbook.active
    months.title = _("Months")[:31]
    months.append(_month_headers())
    for row in report["months"]:
        months.append([row["month"], *(row[name] for name in MONTH_COLUMNS)])
    payers = workbook.create_sheet(_("Payers")[:31])
    payers.append(_payer_headers())
    for row in report["payers"]:
        payers.append([row["payer"], row["funding_source"], *(row[n] for n in PAYER_COLUMNS)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def closeout_pdf(report: dict) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm
    )
    month_rows = [_month_headers()]
    for row in report["months"]:
        month_rows.append(
            [
                Month.parse(row["month"]).label(),
                format_number(row["covered"]),
                format_rupiah(row["billed"]),
                format_rupiah(row["paid"]),
                format_rupiah(row["outstanding"]),
                format_number(row["statements"]),
                format_rupiah(row["insurer_total"]),
            ]
        )
    payer_rows = [_payer_headers()]
    for row in report["payers"]:
        payer_rows.append(
            [row["payer"], row["funding_source"], *(format_rupiah(row[n]) for n in PAYER_COLUMNS)]
        )
    benefits = (
        _("Benefits paid: not recorded in Lindungi yet (no claims module).")
        if report.get("benefits_paid") is None
        else _("Benefits paid: %(amount)s") % {"amount": format_rupiah(report["benefits_paid"])}
    )
    story = [
        Paragraph(_("Close-out report: %(name)s") % {"name": report["programme"]}, styles["Title"]),
        Table(month_rows),
        Spacer(1, 6 * mm),
        Table(payer_rows),
        Spacer(1, 6 * mm),
        Paragraph(benefits, styles["Normal"]),
    ]
    document.build(story)
    return buffer.getvalue()
