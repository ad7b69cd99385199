"""The candidate file's layout, declared once for the XLSX template and the upload page."""

from django.utils.translation import gettext_lazy as _

from lindungi.core.upload_templates import DATE, WHOLE, TemplateColumn, UploadTemplate, register
from lindungi.registry.choices import Sex
from lindungi.registry.reading import CANONICAL_COLUMNS, REQUIRED_COLUMNS

_DESCRIPTIONS = {
    "NIK": _("16 digits, as text (format the column as Text so Excel keeps every digit)"),
    "NO_KK": _("Family card number: 16 digits, as text"),
    "NAMA": _("Full name as on the ID card"),
    "JENIS_KELAMIN": _("L (male) or P (female)"),
    "TEMPAT_LAHIR": _("Place of birth"),
    "TANGGAL_LAHIR": _("Birth date: dd/mm/yyyy, yyyy-mm-dd or 15 Maret 1985"),
    "KODE_DESA": _("Kemendagri village code, dotted (53.05.01.2001) or 10 digits"),
    "ALAMAT": _("Address: RT/RW, hamlet"),
    "PEKERJAAN": _("Occupation, e.g. Petani, Nelayan, Penenun"),
    "DESIL": _("Welfare decile 1-10 from DTSEN (blank if unknown)"),
    "NO_HP": _("Mobile number, digits only (optional)"),
}
# A person the import accepts: a man born 15 March 1985 in Alor (NIK district 530501).
_EXAMPLE = {
    "NIK": "5305011503859999",
    "NO_KK": "5305010101000001",
    "NAMA": "Yohanes Laka",
    "JENIS_KELAMIN": Sex.MALE.value,
    "TEMPAT_LAHIR": "Kalabahi",
    "TANGGAL_LAHIR": "1985-03-15",
    "KODE_DESA": "53.05.01.1001",
    "ALAMAT": "RT 001 RW 002",
    "PEKERJAAN": "Petani",
    "DESIL": 2,
    "NO_HP": "081234567890",
}
_SPECIAL = {
    "JENIS_KELAMIN": {"choices": tuple(Sex.values)},
    "TANGGAL_LAHIR": {"kind": DATE},
    "DESIL": {"kind": WHOLE, "minimum": 1, "maximum": 10},
}

CANDIDATES = register(
    UploadTemplate(
        key="candidates",
        title=_("Candidate file"),
        sheet="Calon Peserta",
        file_name="template-calon-peserta.xlsx",
        columns=tuple(
            TemplateColumn(
                name=name,
                description=_DESCRIPTIONS[name],
                required=name in REQUIRED_COLUMNS,
                example=_EXAMPLE[name],
                **_SPECIAL.get(name, {}),  # type: ignore[arg-type]
            )
            for name in CANONICAL_COLUMNS
        ),
    )
)
