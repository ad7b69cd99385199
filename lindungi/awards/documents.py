"""Award documents: the winner's certificate (PDF, reportlab) and the export for the national
stage (XLSX, openpyxl)."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from lindungi.awards import uploads
from lindungi.awards.models import AssessmentPeriod, Entry
from lindungi.awards.results import CategoryResult
from lindungi.core.dates import format_date
from lindungi.core.exports import neutralise

# The national stage's category names; also the sheet names (no "/" allowed in a sheet name).
NATIONAL_CATEGORY = {
    "regency_government": "Pemda Kabupaten-Kota",
    "village": "Pemerintah Desa",
    "enterprise_large": "Perusahaan Besar",
    "enterprise_medium": "Perusahaan Menengah",
    "enterprise_small": "Perusahaan Kecil",
}
RANK_WORDS = {1: "Terbaik I", 2: "Terbaik II", 3: "Terbaik III"}
WINNING_RANKS = frozenset(RANK_WORDS)


def certificate_pdf(entry: Entry) -> bytes:
    """An A4 landscape certificate, printable, signed by the period's signatory."""
    period: AssessmentPeriod = entry.category.period
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Piagam Paritrana Award {period.year} - {entry.name}")
    pdf.setAuthor(period.signatory_name or "Pemerintah Provinsi Nusa Tenggara Timur")
    # A double frame, the way printed certificates are bordered.
    pdf.setStrokeColor(colors.HexColor("#1f5f8b"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    top = height - 30 * mm
    if period.emblem:
        path = uploads.absolute(period.emblem)
        if path.exists():
            pdf.drawImage(
                ImageReader(str(path)),
                width / 2 - 12 * mm,
                top - 22 * mm,
                width=24 * mm,
                height=24 * mm,
                preserveAspectRatio=True,
                mask="auto",
            )
            top -= 28 * mm
    pdf.setFillColor(colors.black)
    centre = width / 2
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(centre, top - 10 * mm, "PIAGAM PENGHARGAAN")
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(
        centre, top - 20 * mm, f"Paritrana Award Provinsi Nusa Tenggara Timur {period.year}"
    )
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(centre, top - 36 * mm, "diberikan kepada")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(centre, top - 50 * mm, entry.name)
    pdf.setFont("Helvetica", 14)
    rank = RANK_WORDS.get(entry.rank or 0, f"Peringkat {entry.rank}")
    pdf.drawCentredString(
        centre,
        top - 63 * mm,
        f"sebagai {rank} kategori {entry.category.get_kind_display()}",
    )
    pdf.setFont("Helvetica-Oblique", 11)
    pdf.drawCentredString(
        centre,
        top - 73 * mm,
        "atas komitmen dalam perlindungan jaminan sosial ketenagakerjaan bagi pekerja",
    )
    day = (period.published_at or timezone.now()).date()
    signature_x = width - 75 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(signature_x, 52 * mm, f"Kupang, {format_date(day, 'id')}")
    pdf.drawCentredString(signature_x, 46 * mm, period.signatory_title or "")
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawCentredString(signature_x, 24 * mm, period.signatory_name or "")
    pdf.line(signature_x - 35 * mm, 22 * mm, signature_x + 35 * mm, 22 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def national_xlsx(period: AssessmentPeriod, categories: list[CategoryResult]) -> bytes:
    """One sheet per category in rank order: province, region code, participant, each
    criterion's weight and score, the final score and the rank; a sheet of the criteria."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for result in categories:
        title = NATIONAL_CATEGORY[result.category.kind]
        sheet = workbook.create_sheet(title=title)
        sheet.append([neutralise(f"Paritrana Award {period.year} – {title}")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(["Provinsi", "Nusa Tenggara Timur"])
        if period.results_source:
            sheet.append(["Sumber hasil", neutralise(period.results_source)])
        sheet.append([])
        header = ["Peringkat", "Provinsi", "Kode wilayah", "Peserta", "Kabupaten/kota"]
        header += [f"{c.name} ({c.weight:g}%)" for c in result.criteria]
        header += ["Nilai akhir"]
        sheet.append([neutralise(value) for value in header])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in result.entries:
            entry = row.entry
            code = entry.village.code if entry.village_id else entry.regency_id
            line = [row.rank, "Nusa Tenggara Timur", code, entry.name, entry.regency.name]
            for criterion_result in row.criteria:
                line.append(
                    None
                    if criterion_result.combined is None
                    else float(round(criterion_result.combined, 2))
                )
            line.append(None if row.final is None else float(row.final))
            sheet.append([neutralise(value) for value in line])
        sheet.column_dimensions["D"].width = 34
        sheet.column_dimensions["E"].width = 28
    criteria_sheet = workbook.create_sheet(title="Kriteria")
    criteria_sheet.append(
        ["Kategori", "Kode", "Kriteria", "Bobot (%)", "Skala", "Sumber nilai", "Aturan nilai akhir"]
    )
    for result in categories:
        for criterion in result.criteria:
            criteria_sheet.append(
                [
                    NATIONAL_CATEGORY[result.category.kind],
                    neutralise(criterion.code),
                    neutralise(criterion.name),
                    float(criterion.weight),
                    f"{criterion.scale_min}–{criterion.scale_max}",
                    neutralise(str(criterion.get_kind_display())),
                    neutralise(str(period.get_score_rule_display())),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
