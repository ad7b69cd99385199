"""The insurer's list of active participants: its layout, declared once for the template."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.upload_templates import TemplateColumn, UploadTemplate, register

ACTIVE_PARTICIPANTS = register(
    UploadTemplate(
        key="active_participants",
        title=_("Active participant list"),
        sheet="Peserta Aktif",
        file_name="template-peserta-aktif.xlsx",
        columns=(
            TemplateColumn(
                "NIK",
                _("16 digits, as text (format the column as Text so Excel keeps every digit)"),
                required=True,
                example="5305011503859999",
            ),
            TemplateColumn("KPJ", _("The participant number (11 digits)"), example="25071800001"),
            TemplateColumn(
                "SEGMENT",
                _("PU: a wage earner covered by an employer; BPU: anyone else"),
                choices=("PU", "BPU"),
                example="BPU",
            ),
        ),
    )
)
