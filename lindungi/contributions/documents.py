"""Invoice documents: the PDF (reportlab) and the per-person XLSX (openpyxl, write-only,
streamed in chunks so a million rows never sit in memory at once)."""

import io
import tempfile
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lindungi.contributions.choices import InvoiceKind
from lindungi.contributions.models import Invoice, InvoiceDetail, InvoiceLine
from lindungi.contributions.terbilang import terbilang_rupiah
from lindungi.core.dates import Month, format_date
from lindungi.core.letterhead import heading, signature
from lindungi.core.money import format_number, format_rupiah


def invoice_pdf(invoice: Invoice, lines: QuerySet[InvoiceLine]) -> bytes:
    """The invoice as PDF: parties, number, period, due date, per-regency table, totals."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=invoice.number
    )
    title = _("CREDIT NOTE") if invoice.kind == InvoiceKind.CREDIT_NOTE else _("INVOICE")
    programme = invoice.programme
    facts = [
        [_("Number"), invoice.number],
        [_("Issued"), format_date(timezone.localtime(invoice.issued_at).date())],
        [_("Payer"), str(invoice.payer)],
        [_("Programme"), f"{programme.name} ({programme.region_name})"],
        [_("Period"), Month.of(invoice.month).label()],
        [_("Due date"), format_date(invoice.due_date)],
        [_("Headcount"), format_number(invoice.headcount)],
    ]
    if invoice.corrects_id:
        facts.append([_("Corrects"), invoice.corrects.number])
    rows = [
        [_("Regency/city"), _("Cohort"), _("Month"), _("People"), "JKK", "JKM", "JHT", _("Total")]
    ]
    for line in lines.select_related("regency", "cohort"):
        rows.append(
            [
                line.regency.name,
                line.cohort.name,
                Month.of(line.service_month).label(),
                format_number(line.headcount),
                format_rupiah(line.jkk),
                format_rupiah(line.jkm),
                format_rupiah(line.jht),
                format_rupiah(line.total),
            ]
        )
    rows.append(
        [
            "",
            "",
            _("Total"),
            format_number(invoice.headcount),
            format_rupiah(invoice.jkk),
            format_rupiah(invoice.jkm),
            format_rupiah(invoice.jht),
            format_rupiah(invoice.total),
        ]
    )
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    # Named outside the f-strings so that makemessages finds them.
    contributions_label = _("BPJS Ketenagakerjaan contributions")
    amount_due, in_words = _("Amount due"), _("In words")
    story = [
        *heading(styles),
        Paragraph(f"{title} – {contributions_label}", styles["Title"]),
        Table(facts, colWidths=[40 * mm, 130 * mm]),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{amount_due}:</b> {format_rupiah(invoice.total)}", styles["Normal"]),
        Paragraph(f"<i>{in_words}: {terbilang_rupiah(invoice.total)}</i>", styles["Normal"]),
    ]
    if invoice.adjustments:
        story.append(
            Paragraph(
                _("Includes adjustments of earlier months: %(amount)s")
                % {"amount": format_rupiah(invoice.adjustments)},
                styles["Normal"],
            )
        )
    story.extend(
        signature(
            styles,
            place=settings.LINDUNGI_LETTERHEAD_PLACE,
            day=timezone.localtime(invoice.issued_at).date(),
        )
    )
    document.build(story)
    return buffer.getvalue()


DETAIL_HEADER = (
    "NIK",
    "KPJ",
    "Nama",
    "Kab/Kota",
    "Kohort",
    "Bulan",
    "Jenis",
    "JKK",
    "JKM",
    "JHT",
    "Jumlah",
)


def detail_xlsx_chunks(
    details: QuerySet[InvoiceDetail],
    chunk_size: int = 1 << 16,
    *,
    show_nik: Callable[[str], str] = str,
) -> Iterator[bytes]:
    """The per-person detail as XLSX bytes, in chunks for a StreamingHttpResponse.

    `show_nik` is the reader's NIK rule (`core.permissions.nik_shown_to`): masked for a role
    whose work does not need the full number.

    openpyxl's write-only mode streams rows to a temporary file; the finished file is then
    read back in chunks, so memory stays flat however many rows there are.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rincian")
    sheet.append(DETAIL_HEADER)
    # The detail names the enrollment; who that is comes from the enrollment and registry.
    rows = details.order_by("regency_id", "enrollment_id", "service_month", "id").values_list(
        "enrollment__person__nik",
        "enrollment__kpj",
        "enrollment__person__full_name",
        "regency_id",
        "cohort__name",
        "service_month",
        "kind",
        "jkk",
        "jkm",
        "jht",
    )
    for nik, kpj, name, regency, cohort, month, kind, jkk, jkm, jht in rows.iterator(
        chunk_size=5000
    ):
        sheet.append(
            [
                show_nik(nik),
                kpj or "",
                name,
                regency,
                cohort,
                f"{month:%Y-%m}",
                kind,
                jkk,
                jkm,
                jht,
                jkk + jkm + jht,
            ]
        )
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(chunk_size):
            yield chunk
