"""The insurer's claim file: its layout, declared once for the XLSX template and the page."""

from django.utils.translation import gettext_lazy as _

from lindungi.benefits.choices import BenefitItem
from lindungi.core.upload_templates import (
    DATE,
    WHOLE,
    TemplateColumn,
    UploadTemplate,
    register,
)

CLAIMS = register(
    UploadTemplate(
        key="claims",
        title=_("Insurer claim file"),
        sheet="Klaim",
        file_name="template-klaim.xlsx",
        columns=(
            TemplateColumn(
                "NOMOR_KLAIM", _("The insurer's claim number"), required=True, example="K-2025-0001"
            ),
            TemplateColumn(
                "NIK", _("16 digits, as text; NIK or KPJ is needed"), example="5305011503859999"
            ),
            TemplateColumn("KPJ", _("The participant number (11 digits)"), example="25071800001"),
            TemplateColumn(
                "JENIS_KLAIM",
                _("JKM (death), JKK (work accident) or JKK-PAK (occupational disease)"),
                required=True,
                choices=("JKM", "JKK", "JKK-PAK"),
                example="JKM",
            ),
            TemplateColumn(
                "AKIBAT",
                _("What the incident led to"),
                choices=("meninggal", "cacat total", "cacat sebagian", "stmb", "pengobatan"),
                example="meninggal",
            ),
            TemplateColumn(
                "TANGGAL_KEJADIAN",
                _("The date of the incident (or of death)"),
                required=True,
                kind=DATE,
                example="2025-10-02",
            ),
            TemplateColumn(
                "STATUS",
                _("Where the claim stands (empty: reported)"),
                choices=("dilaporkan", "diproses", "dibayar", "ditolak"),
                example="dibayar",
            ),
            TemplateColumn("ALASAN_TOLAK", _("Why the insurer refused the claim")),
            TemplateColumn(
                "DASAR_UPAH",
                _("The declared income basis, in whole rupiah"),
                kind=WHOLE,
                minimum=0,
                maximum=10**9,
                example=1_000_000,
            ),
            TemplateColumn(
                "PERSEN_CACAT", _("Disability percentage (partial disability), e.g. 12 or 4,5")
            ),
            TemplateColumn(
                "BULAN_STMB",
                _("Months of temporary incapacity to work"),
                kind=WHOLE,
                minimum=0,
                maximum=120,
            ),
            TemplateColumn(
                "MODA_TRANSPORT",
                _("How the worker was transported (transport benefit)"),
                choices=("darat", "laut", "udara"),
            ),
            TemplateColumn(
                "MANFAAT",
                _("The benefit item of this row (one row per item of a claim)"),
                required=True,
                choices=tuple(BenefitItem.values),
                example=BenefitItem.JKM_LUMP_SUM.value,
            ),
            TemplateColumn(
                "ANAK_KE",
                _("For a scholarship: which child (1 or 2)"),
                kind=WHOLE,
                minimum=1,
                maximum=2,
            ),
            TemplateColumn(
                "JUMLAH_DIAJUKAN",
                _("The amount claimed, in whole rupiah"),
                kind=WHOLE,
                minimum=0,
                maximum=10**10,
                example=20_000_000,
            ),
            TemplateColumn(
                "JUMLAH_DIBAYAR",
                _("The amount paid, in whole rupiah"),
                kind=WHOLE,
                minimum=0,
                maximum=10**10,
                example=20_000_000,
            ),
            TemplateColumn(
                "TANGGAL_BAYAR", _("The date the insurer paid"), kind=DATE, example="2025-11-03"
            ),
            TemplateColumn(
                "AHLI_WARIS",
                _("Heirs: Name|relation|birth date|school level; another; …"),
                example="Maria Laka|istri|1987-05-01|",
            ),
        ),
    )
)
