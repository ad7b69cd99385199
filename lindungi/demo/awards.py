"""The Paritrana Award in the demo: two past periods with their announced results, and the
current one in progress (DOMAIN.md §6).

Past periods hold the ranking as it was announced in NTT; their scores were never public, so
none are invented. The criteria's weights are not public either: the weights below are an
example the province would replace. Everything goes through the awards services.
"""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lindungi.awards.choices import CategoryKind, ComputedIndicator, IndicatorKind, PeriodStatus

BELU, SIKKA, NAGEKEO, TTU, ALOR, ROTE_NDAO = "53.04", "53.07", "53.16", "53.03", "53.05", "53.14"
DAFALA, MARAPOKOT, PUKUAFU = "53.04.02.2007", "53.16.01.2012", "53.14.10.2006"
SIGNATORY_TITLE = "Sekretaris Daerah Provinsi Nusa Tenggara Timur, Ketua Panel Provinsi"

ENTERED, COMPUTED, INTERVIEW = (
    IndicatorKind.ENTERED,
    IndicatorKind.COMPUTED,
    IndicatorKind.INTERVIEW,
)
# (code, name, weight %, kind, computed figure, unit): an example, not the real weights.
REGENCY_CRITERIA = (
    ("regulasi", "Regulasi (perda/perkada jaminan sosial ketenagakerjaan)", "20", ENTERED, "", ""),
    ("anggaran", "Kebijakan anggaran (APBD untuk iuran)", "10", ENTERED, "", "rupiah"),
    ("cakupan-pu", "Cakupan pekerja penerima upah", "5", ENTERED, "", "orang"),
    ("cakupan-bpu", "Cakupan pekerja bukan penerima upah", "5", ENTERED, "", "orang"),
    (
        "cakupan-rentan",
        "Pekerja rentan terlindungi per penduduk miskin",
        "10",
        COMPUTED,
        ComputedIndicator.COVERAGE_OF_POOR,
        "%",
    ),
    (
        "dibiayai-apbd",
        "Pekerja dibiayai APBD kabupaten/kota",
        "5",
        COMPUTED,
        ComputedIndicator.OWN_BUDGET_PEOPLE,
        "orang",
    ),
    (
        "tepat-waktu",
        "Tagihan iuran dibayar tepat waktu",
        "5",
        COMPUTED,
        ComputedIndicator.INVOICES_ON_TIME,
        "%",
    ),
    (
        "tanpa-putus",
        "Bulan perlindungan tanpa putus",
        "5",
        COMPUTED,
        ComputedIndicator.UNBROKEN_MONTHS,
        "bulan",
    ),
    ("pemberi-kerja", "Pemberi kerja terdaftar", "5", ENTERED, "", "badan usaha"),
    ("komitmen", "Komitmen pimpinan daerah", "10", ENTERED, "", ""),
    ("inovasi", "Inovasi", "5", ENTERED, "", ""),
    ("dbh-cht", "Pemanfaatan DBH cukai hasil tembakau", "5", ENTERED, "", "rupiah"),
    ("wawancara", "Wawancara kepala daerah", "10", INTERVIEW, "", ""),
)
VILLAGE_CRITERIA = (
    ("perdes", "Peraturan desa tentang jaminan sosial", "30", ENTERED, "", ""),
    ("apbdes", "Alokasi APBDes untuk iuran", "30", ENTERED, "", "rupiah"),
    ("cakupan", "Warga desa terlindungi", "20", ENTERED, "", "orang"),
    ("wawancara", "Wawancara kepala desa", "20", INTERVIEW, "", ""),
)


def _rows(criteria):
    from lindungi.awards.services import CriterionInput

    return [
        CriterionInput(
            code=code,
            name=name,
            weight=weight,
            scale_min=0,
            scale_max=100,
            kind=kind,
            computed=computed,
            unit=unit,
        )
        for code, name, weight, kind, computed, unit in criteria
    ]


def _past_period(user, *, year, ceremony, rankings, with_criteria: bool):
    from lindungi.awards.results import mark_published, record_announced_results
    from lindungi.awards.services import create_period, set_criteria

    kinds = tuple(kind for kind, _ranking in rankings)
    period = create_period(
        user=user,
        year=year,
        ceremony=ceremony,
        signatory_title=SIGNATORY_TITLE,
        signatory_name="Penandatangan Demo",
        categories=kinds,
    )
    if with_criteria:
        for category in period.categories.all():
            criteria = (
                REGENCY_CRITERIA
                if category.kind == CategoryKind.REGENCY_GOVERNMENT
                else (VILLAGE_CRITERIA)
            )
            set_criteria(user=user, category=category, rows=_rows(criteria))
    for kind, ranking in rankings:
        record_announced_results(
            user=user,
            period=period,
            kind=kind,
            ranking=ranking,
            source=f"Diumumkan pada penganugerahan Paritrana Award Provinsi NTT, {ceremony}",
        )
    return mark_published(user=user, period=period)


def _evidence_pdf(title: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 760, title)
    pdf.drawString(72, 740, "Dokumen contoh untuk demo Lindungi.")
    pdf.save()
    return buffer.getvalue()


def _self_assess(entry, officer) -> None:
    """Fill every entered criterion with a demo figure, attach one document, and submit."""
    from lindungi.awards.assessment import (
        add_evidence,
        save_entered_value,
        submit_self_assessment,
    )

    for criterion in entry.category.criteria.filter(kind=IndicatorKind.ENTERED):
        save_entered_value(
            user=officer,
            entry=entry,
            criterion=criterion,
            value=None,
            statement=f"{criterion.name}: isian contoh demo {entry.name}.",
            source="Contoh demo (bukan data resmi)",
        )
    regulation = entry.category.criteria.filter(code="regulasi").first()
    add_evidence(
        user=officer,
        entry=entry,
        criterion=regulation,
        uploaded_file=SimpleUploadedFile(
            "perda-contoh.pdf", _evidence_pdf(f"Perda contoh {entry.name}")
        ),
    )
    submit_self_assessment(user=officer, entry=entry)


def build_awards(*, user) -> dict[str, int]:
    """The 2023 and 2024 periods as announced, and 2025 open for self-assessment."""
    from lindungi.accounts.models import User
    from lindungi.awards.panel import appoint_member
    from lindungi.awards.services import (
        add_all_regencies,
        add_entry,
        advance_period,
        copy_period,
        refresh_computed,
    )
    from lindungi.core.roles import Role

    # The 2024 ceremony (assessment year 2023): Belu, Sikka, Nagekeo.
    _past_period(
        user,
        year=2023,
        ceremony="2024",
        rankings=[
            (CategoryKind.REGENCY_GOVERNMENT, [(BELU, None), (SIKKA, None), (NAGEKEO, None)])
        ],
        with_criteria=False,
    )
    # The July 2025 ceremony (award 2024): Nagekeo, TTU, Belu; villages Dafala, Marapokot,
    # Pukuafu.
    past = _past_period(
        user,
        year=2024,
        ceremony="Juli 2025",
        rankings=[
            (CategoryKind.REGENCY_GOVERNMENT, [(NAGEKEO, None), (TTU, None), (BELU, None)]),
            (CategoryKind.VILLAGE, [(BELU, DAFALA), (NAGEKEO, MARAPOKOT), (ROTE_NDAO, PUKUAFU)]),
        ],
        with_criteria=True,
    )
    # The current period: last year's criteria in one action, every kabupaten/kota.
    current = copy_period(
        user=user,
        source=past,
        year=2025,
        submission_deadline=timezone.localdate() + timedelta(days=30),
    )
    regencies = current.categories.get(kind=CategoryKind.REGENCY_GOVERNMENT)
    add_all_regencies(user=user, category=regencies)
    villages = current.categories.get(kind=CategoryKind.VILLAGE)
    for regency, village in ((BELU, DAFALA), (NAGEKEO, MARAPOKOT), (ROTE_NDAO, PUKUAFU)):
        add_entry(user=user, category=villages, regency_code=regency, village_code=village)
    advance_period(user=user, period=current, to=PeriodStatus.OPEN)
    computed = refresh_computed(user=user, period=current)
    submitted = 0
    officers = User.objects.filter(role=Role.REGENCY_OFFICER, is_active=True).order_by("id")
    for officer in officers:
        entry = regencies.entries.filter(regency_id=officer.regency_id).first()
        if entry is not None and entry.status != "submitted":
            _self_assess(entry, officer)
            submitted += 1
    for seat, member in zip(
        ("Anggota (akademisi)",),
        User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).order_by("id")[:1],
        strict=False,
    ):
        appoint_member(user=user, period=current, member=member, seat=seat)
    return {"award_computed": computed, "award_submitted": submitted}
