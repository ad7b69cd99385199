"""The insurer's response file, the exit file and the civil registry's death list: their
layouts, declared once for the XLSX templates and the upload pages."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.upload_templates import DATE, TemplateColumn, UploadTemplate, register

_NIK = _("16 digits, as text (format the column as Text so Excel keeps every digit)")
_EXAMPLE_NIK = "5305011503859999"

RESPONSES = register(
    UploadTemplate(
        key="responses",
        title=_("Insurer response file"),
        sheet="Respons BPJS",
        file_name="template-respons-bpjs.xlsx",
        columns=(
            TemplateColumn("NIK", _NIK, required=True, example=_EXAMPLE_NIK),
            TemplateColumn(
                "KPJ",
                _("The participant number the insurer gave (11 digits); empty when refused"),
                required=True,
                example="25071800001",
            ),
            TemplateColumn(
                "STATUS",
                _("diterima (accepted) or ditolak (refused)"),
                required=True,
                choices=("diterima", "ditolak"),
                example="diterima",
            ),
            TemplateColumn("ALASAN", _("Why the insurer refused (empty when accepted)")),
            TemplateColumn(
                "TANGGAL_EFEKTIF",
                _("The date coverage starts"),
                required=True,
                kind=DATE,
                example="2025-07-18",
            ),
            TemplateColumn(
                "NOMOR_BATCH",
                _("The submission batch number (when the file answers several)"),
                example="",
            ),
        ),
    )
)

EXITS = register(
    UploadTemplate(
        key="exits",
        title=_("Exit file"),
        sheet="Peserta Keluar",
        file_name="template-peserta-keluar.xlsx",
        columns=(
            TemplateColumn("NIK", _NIK, required=True, example=_EXAMPLE_NIK),
            TemplateColumn(
                "ALASAN",
                _("Why the person leaves the programme"),
                required=True,
                choices=(
                    "meninggal",
                    "penerima upah",
                    "pindah",
                    "mengundurkan diri",
                    "ganda",
                    "menunggak",
                    "program berakhir",
                ),
                example="pindah",
            ),
            TemplateColumn(
                "TANGGAL",
                _("The date the person left (a past date is allowed)"),
                required=True,
                kind=DATE,
                example="2025-09-30",
            ),
        ),
    )
)

DEATHS = register(
    UploadTemplate(
        key="deaths",
        title=_("Civil registry death list"),
        sheet="Daftar Kematian",
        file_name="template-daftar-kematian.xlsx",
        columns=(
            TemplateColumn("NIK", _NIK, required=True, example=_EXAMPLE_NIK),
            TemplateColumn(
                "TANGGAL_MENINGGAL",
                _("The date of death"),
                required=True,
                kind=DATE,
                example="2025-10-02",
            ),
        ),
    )
)
