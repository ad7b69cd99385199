"""The office's letterhead and signatory on every document that is printed, signed and sent
(invoices, credit notes, submission cover letters), configured per installation.

Settings (from the environment, see .env.example): LINDUNGI_LETTERHEAD_NAME, _ADDRESS and
_LOGO (a PNG or JPEG file), LINDUNGI_SIGNATORY_NAME, _TITLE and _NIP.
"""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from lindungi.core.dates import format_date

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str
    logo: Path | None
    signatory_name: str
    signatory_title: str
    signatory_nip: str


def _readable_logo(path: str) -> Path | None:
    """The configured logo if reportlab can read it; a missing or broken file is logged and
    left out, so that no invoice fails to print because of the letterhead."""
    if not path:
        return None
    try:
        ImageReader(path).getSize()
    except (OSError, ValueError) as error:
        logger.warning("Letterhead logo %s is not a readable image: %s", path, error)
        return None
    return Path(path)


def letterhead() -> Letterhead:
    return Letterhead(
        name=settings.LINDUNGI_LETTERHEAD_NAME,
        address=settings.LINDUNGI_LETTERHEAD_ADDRESS,
        logo=_readable_logo(settings.LINDUNGI_LETTERHEAD_LOGO),
        signatory_name=settings.LINDUNGI_SIGNATORY_NAME,
        signatory_title=settings.LINDUNGI_SIGNATORY_TITLE,
        signatory_nip=settings.LINDUNGI_SIGNATORY_NIP,
    )


def heading(styles) -> list:
    """The letterhead: logo, the office's name and address, and a rule under them."""
    head = letterhead()
    text = [Paragraph(f"<b>{head.name}</b>", styles["Heading3"])]
    if head.address:
        text.append(Paragraph(head.address, styles["Normal"]))
    cells = (
        [[Image(str(head.logo), width=18 * mm, height=18 * mm), text]] if head.logo else [[text]]
    )
    widths = [22 * mm, 152 * mm] if head.logo else [174 * mm]
    table = Table(cells, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 1.2, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, Spacer(1, 4 * mm)]


def signature(styles, *, place: str, day: date) -> list:
    """Place and date, the signatory's title, room to sign, name and NIP, on the right."""
    head = letterhead()
    lines = [
        f"{place}, {format_date(day)}",
        head.signatory_title,
        "<br/><br/><br/>",
        f"<b><u>{head.signatory_name}</u></b>",
    ]
    if head.signatory_nip:
        lines.append(_("NIP %(nip)s") % {"nip": head.signatory_nip})
    block = Table([[[Paragraph(line, styles["Normal"]) for line in lines]]], colWidths=[70 * mm])
    block.hAlign = "RIGHT"
    return [Spacer(1, 8 * mm), block]
