"""The insurer's monthly statement: its layout, declared once for the XLSX template and the
reconciliation page."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.upload_templates import MONTH, WHOLE, TemplateColumn, UploadTemplate, register

STATEMENT = register(
    UploadTemplate(
        key="statement",
        title=_("Insurer statement"),
        sheet="Tagihan BPJS",
        file_name="template-tagihan-bpjs.xlsx",
        columns=(
            TemplateColumn(
                "KPJ",
                _("The participant number (11 digits, as text); KPJ or NIK is required"),
                example="25071800001",
            ),
            TemplateColumn(
                "NIK",
                _("16 digits, as text; used when the KPJ is empty"),
                example="5305011503859999",
            ),
            TemplateColumn(
                "IURAN",
                _("The contribution the insurer bills for the month, in whole rupiah"),
                required=True,
                kind=WHOLE,
                minimum=0,
                maximum=10**9,
                example=16800,
            ),
            TemplateColumn(
                "PERIODE",
                _("The month billed (YYYY-MM); rows of another month are rejected"),
                kind=MONTH,
                example="2025-08",
            ),
        ),
    )
)
