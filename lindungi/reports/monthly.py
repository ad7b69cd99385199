"""The monthly programme report for the governor's office, as figures, PDF and XLSX."""

import io
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from lindungi.contributions.models import InvoiceLine, Payment
from lindungi.contributions.selectors import regency_paid_by_month
from lindungi.core.dates import Month, format_date, local_today
from lindungi.core.exports import write_xlsx
from lindungi.core.money import format_number, format_rupiah
from lindungi.core.permissions import Action, regency_scope, require, scoped
from lindungi.programs.models import Programme
from lindungi.reports import selectors
from lindungi.reports.benefits import monthly_impact
from lindungi.reports.models import MonthlyHeadcount


@dataclass(frozen=True)
class ReportRow:
    code: str
    name: str
    quota: int
    selected: int
    active: int
    ended: int
    covered: int
    billed: int
    # Benefits: families helped and paid for incidents in the month (benefits app).
    families: int = 0
    benefits_paid: int = 0


@dataclass(frozen=True)
class MonthlyReport:
    programme: Programme
    month: Month
    rows: list[ReportRow]
    paid: int | None
    generated_at: date

    def total(self, field: str) -> int:
        return sum(getattr(row, field) for row in self.rows)


def build_monthly_report(*, user, programme: Programme, month: Month) -> MonthlyReport:
    """Per regency: quota, selected, active, ended, covered in the month, billed for the month."""
    require(user, Action.VIEW_MONEY)
    figures = selectors.regency_figures(user=user, programme=programme)
    covered = dict(
        scoped(user, MonthlyHeadcount.objects.filter(programme=programme, month=month.first_day))
        .values("regency_id")
        .annotate(total=Sum("covered"))
        .values_list("regency_id", "total")
    )
    billed = dict(
        scoped(
            user,
            InvoiceLine.objects.filter(
                invoice__programme=programme, invoice__month=month.first_day
            ),
        )
        .values("regency_id")
        .annotate(total=Sum("total"))
        .values_list("regency_id", "total")
    )
    paid = None
    if regency_scope(user) is not None:
        paid = regency_paid_by_month(programme=programme, regency=regency_scope(user)).get(
            month.first_day, 0
        )
    else:
        paid = int(
            Payment.objects.filter(
                invoice__programme=programme, invoice__month=month.first_day
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
    impact = monthly_impact(user=user, month=month)
    rows = [
        ReportRow(
            code=row.code,
            name=row.name,
            quota=row.quota,
            selected=row.selected,
            active=row.active,
            ended=row.ended,
            covered=int(covered.get(row.code, 0)),
            billed=int(billed.get(row.code, 0)),
            families=impact.get(row.code, (0, 0))[0],
            benefits_paid=impact.get(row.code, (0, 0))[1],
        )
        for row in figures
    ]
    return MonthlyReport(programme, month, rows, paid, local_today())


COLUMNS = (
    "quota",
    "selected",
    "active",
    "ended",
    "covered",
    "billed",
    "families",
    "benefits_paid",
)


def _headers() -> list[str]:
    return [
        _("Code"),
        _("Regency"),
        _("Quota"),
        _("Selected"),
        _("Active"),
        _("Ended"),
        _("Covered in the month"),
        _("Billed (Rp)"),
        _("Families helped"),
        _("Benefits paid (Rp)"),
    ]


def report_xlsx(report: MonthlyReport, target) -> None:
    rows = [
        [row.code, row.name, *(getattr(row, column) for column in COLUMNS)] for row in report.rows
    ]
    rows.append(["", _("Total"), *(report.total(column) for column in COLUMNS)])
    if report.paid is not None:
        rows.append(["", _("Paid for the month (Rp)"), "", "", "", "", "", report.paid])
    write_xlsx(target, headers=_headers(), rows=rows, sheet_title=str(report.month))


def report_pdf(report: MonthlyReport) -> bytes:
    """A one- or two-page A4 landscape PDF: title, period, the regency table with totals."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"{report.programme.name} {report.month}",
        author="Lindungi",
    )
    styles = getSampleStyleSheet()
    money = {"billed", "benefits_paid"}

    def cell(column: str, value: int) -> str:
        return format_rupiah(value) if column in money else format_number(value)

    data = [_headers()]
    for row in report.rows:
        data.append([row.code, row.name, *(cell(c, getattr(row, c)) for c in COLUMNS)])
    data.append(["", _("Total"), *(cell(c, report.total(c)) for c in COLUMNS)])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#eef4f1")]),
            ]
        )
    )
    story = [
        Paragraph(_("Monthly programme report"), styles["Title"]),
        Paragraph(f"{report.programme.name} · {report.month.label('id')}", styles["Heading2"]),
        Paragraph(
            _("Prepared on %(day)s from the Lindungi figures.")
            % {"day": format_date(report.generated_at)},
            styles["Normal"],
        ),
        Spacer(1, 8),
        table,
    ]
    if report.paid is not None:
        story += [
            Spacer(1, 8),
            Paragraph(
                _("Paid for the month: %(amount)s") % {"amount": format_rupiah(report.paid)},
                styles["Normal"],
            ),
        ]
    document.build(story)
    return buffer.getvalue()
