"""Reading the insurer's claim file: the columns it may have, the codes it uses, and one
`ClaimRow` per valid row (or `Rejected` with a stable reason), checked against the registry and
the enrollments by `importing.import_claims`."""

import re
from dataclasses import dataclass
from datetime import date

from lindungi.benefits.choices import (
    SCHOOL_ALIASES,
    BenefitItem,
    ClaimKind,
    ClaimStatus,
    Consequence,
    HeirRelation,
    TransportMode,
)
from lindungi.benefits.choices import (
    ClaimRejectReason as Reason,
)
from lindungi.benefits.rules import RuleBook
from lindungi.enrollment.files import parse_date

ALIASES = {
    "NOMOR_KLAIM": ("no_klaim", "claim_number", "nomor"),
    "NIK": ("no_nik",),
    "KPJ": ("no_kpj", "nomor_kpj"),
    "JENIS_KLAIM": ("jenis", "program", "kind"),
    "AKIBAT": ("consequence", "dampak"),
    "TANGGAL_KEJADIAN": ("tgl_kejadian", "incident_date", "tanggal_meninggal"),
    "STATUS": ("status_klaim",),
    "ALASAN_TOLAK": ("alasan", "refusal_reason"),
    "DASAR_UPAH": ("upah", "penghasilan", "basis"),
    "PERSEN_CACAT": ("persentase_cacat", "percent"),
    "BULAN_STMB": ("stmb_bulan", "months_incapacitated"),
    "MODA_TRANSPORT": ("transportasi", "transport"),
    "MANFAAT": ("jenis_manfaat", "item", "benefit"),
    "ANAK_KE": ("anak", "child"),
    "JUMLAH_DIAJUKAN": ("diajukan", "claimed"),
    "JUMLAH_DIBAYAR": ("dibayar", "paid"),
    "TANGGAL_BAYAR": ("tgl_bayar", "paid_on"),
    "AHLI_WARIS": ("waris", "heirs"),
}
REQUIRED = ("NOMOR_KLAIM", "JENIS_KLAIM", "TANGGAL_KEJADIAN", "MANFAAT")
KINDS = {
    **{value: value for value in ClaimKind.values},
    "jkm": ClaimKind.JKM_DEATH,
    "kematian": ClaimKind.JKM_DEATH,
    "jkk": ClaimKind.JKK_ACCIDENT,
    "jkk-kk": ClaimKind.JKK_ACCIDENT,
    "kecelakaan kerja": ClaimKind.JKK_ACCIDENT,
    "jkk-pak": ClaimKind.JKK_DISEASE,
    "penyakit akibat kerja": ClaimKind.JKK_DISEASE,
}
CONSEQUENCES = {
    **{value: value for value in Consequence.values},
    "meninggal": Consequence.DEATH,
    "meninggal dunia": Consequence.DEATH,
    "cacat total": Consequence.TOTAL_DISABILITY,
    "cacat total tetap": Consequence.TOTAL_DISABILITY,
    "cacat sebagian": Consequence.PARTIAL_DISABILITY,
    "stmb": Consequence.TEMPORARY_INCAPACITY,
    "pengobatan": Consequence.TREATMENT,
    "perawatan": Consequence.TREATMENT,
}
STATUSES = {
    **{value: value for value in ClaimStatus.values},
    "": ClaimStatus.REPORTED,
    "dilaporkan": ClaimStatus.REPORTED,
    "diproses": ClaimStatus.UNDER_REVIEW,
    "verifikasi": ClaimStatus.UNDER_REVIEW,
    "dibayar": ClaimStatus.PAID,
    "ditolak": ClaimStatus.REFUSED,
}
ITEMS = {
    **{value: value for value in BenefitItem.values},
    "santunan sekaligus": BenefitItem.JKM_LUMP_SUM,
    "santunan berkala jkm": BenefitItem.JKM_PERIODIC,
    "santunan berkala": BenefitItem.PERIODIC,
    "biaya pemakaman": BenefitItem.FUNERAL,
    "santunan kematian": BenefitItem.JKK_DEATH,
    "cacat total": BenefitItem.TOTAL_DISABILITY,
    "cacat sebagian": BenefitItem.PARTIAL_DISABILITY,
    "transportasi": BenefitItem.TRANSPORT,
    "homecare": BenefitItem.HOME_CARE,
    "perawatan di rumah": BenefitItem.HOME_CARE,
    "pengobatan": BenefitItem.MEDICAL,
    "beasiswa": BenefitItem.SCHOLARSHIP,
}
TRANSPORTS = {
    **{value: value for value in TransportMode.values},
    "": "",
    "darat": TransportMode.LAND,
    "laut": TransportMode.SEA,
    "udara": TransportMode.AIR,
}
RELATIONS = {
    **{value: value for value in HeirRelation.values},
    "pasangan": HeirRelation.SPOUSE,
    "istri": HeirRelation.SPOUSE,
    "suami": HeirRelation.SPOUSE,
    "anak": HeirRelation.CHILD,
    "orang tua": HeirRelation.PARENT,
    "ayah": HeirRelation.PARENT,
    "ibu": HeirRelation.PARENT,
    "lainnya": HeirRelation.OTHER,
}
NIK = re.compile(r"^\d{16}$")
KPJ = re.compile(r"^\d{11}$")
# Digits, or digits with dots between thousands; a decimal part (",50" or ".5") is refused.
RUPIAH = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")
PERCENT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")
SMALL = re.compile(r"^\d{1,3}$")
CHUNK = 5_000
# The claim's fields a later file may change (the insurer's review moves on).
CLAIM_FIELDS = (
    "status",
    "refusal_reason",
    "income_basis",
    "disability_percent_bp",
    "months_incapacitated",
    "transport_mode",
)


class Rejected(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass
class ClaimRow:
    number: int
    claim_number: str
    nik: str
    kpj: str
    kind: str
    consequence: str
    incident_date: date
    status: str
    refusal_reason: str
    basis: int | None
    percent_bp: int | None
    months: int | None
    transport: str
    item: str
    child: int
    claimed: int | None
    paid: int | None
    paid_on: date | None
    heirs: list[tuple] | None
    person_id: int | None = None
    regency_id: str = ""

    def header(self) -> tuple:
        """What every row of one claim must agree on."""
        return (self.person_id, self.kind, self.consequence, self.incident_date)

    def claim_fields(self) -> dict:
        return {
            "status": self.status,
            "refusal_reason": self.refusal_reason[:300],
            "income_basis": self.basis,
            "disability_percent_bp": self.percent_bp,
            "months_incapacitated": self.months,
            "transport_mode": self.transport,
        }


def _rupiah(text: str) -> int | None:
    if not text:
        return None
    if not RUPIAH.match(text):
        raise Rejected(Reason.AMOUNT_INVALID)
    return int(text.replace(".", ""))


def _percent_bp(text: str) -> int | None:
    if not text:
        return None
    if not PERCENT.match(text):
        raise Rejected(Reason.PERCENT_NOT_IN_TABLE)
    whole, _sep, fraction = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def _small(text: str) -> int | None:
    if not text:
        return None
    if not SMALL.match(text):
        raise Rejected(Reason.NUMBER_INVALID)
    return int(text)


def _mapped(mapping: dict, text: str, reason: str) -> str:
    value = mapping.get(text.strip().lower())
    if value is None:
        raise Rejected(reason)
    return str(value)


def parse_heirs(text: str) -> list[tuple] | None:
    """'Nama|hubungan|YYYY-MM-DD|jenjang; ...' -> [(name, relation, birth, level)]."""
    if not text.strip():
        return None
    heirs = []
    for part in text.split(";"):
        if not part.strip():
            continue
        cells = [cell.strip() for cell in part.split("|")] + ["", "", ""]
        name, relation, birth_text, level = cells[:4]
        birth = parse_date(birth_text) if birth_text else None
        if not name or relation.lower() not in RELATIONS or (birth_text and birth is None):
            raise Rejected(Reason.HEIRS_INVALID)
        if level.lower() not in SCHOOL_ALIASES:
            raise Rejected(Reason.HEIRS_INVALID)
        heirs.append(
            (
                name[:150],
                str(RELATIONS[relation.lower()]),
                birth,
                str(SCHOOL_ALIASES[level.lower()]),
            )
        )
    return heirs


class ClaimReader:
    """Turns the cells of one row into a ClaimRow, or raises Rejected with the first problem."""

    def __init__(self, table, today: date, book: RuleBook) -> None:
        self.at = {name: table.position(name) for name in ALIASES}
        self.today = today
        self.book = book

    def cell(self, cells: list[str], name: str) -> str:
        position = self.at[name]
        return cells[position] if position is not None else ""

    def read(self, number: int, cells: list[str]) -> ClaimRow:
        cell = self.cell
        claim_number, nik, kpj = cell(cells, "NOMOR_KLAIM"), cell(cells, "NIK"), cell(cells, "KPJ")
        kind_text, item_text = cell(cells, "JENIS_KLAIM"), cell(cells, "MANFAAT")
        date_text = cell(cells, "TANGGAL_KEJADIAN")
        if not claim_number or not (nik or kpj) or not kind_text or not item_text or not date_text:
            raise Rejected(Reason.MISSING_REQUIRED)
        if nik and not NIK.match(nik):
            raise Rejected(Reason.NIK_INVALID)
        if kpj and not KPJ.match(kpj):
            raise Rejected(Reason.KPJ_INVALID)
        kind = _mapped(KINDS, kind_text, Reason.KIND_INVALID)
        consequence_text = cell(cells, "AKIBAT")
        if not consequence_text:
            consequence_text = "death" if kind == ClaimKind.JKM_DEATH else "treatment"
        consequence = _mapped(CONSEQUENCES, consequence_text, Reason.CONSEQUENCE_INVALID)
        if kind == ClaimKind.JKM_DEATH and consequence != Consequence.DEATH:
            raise Rejected(Reason.CONSEQUENCE_INVALID)
        item_key = item_text.strip().lower()
        if item_key == "santunan berkala" and kind == ClaimKind.JKM_DEATH:
            item_key = "santunan berkala jkm"
        item = _mapped(ITEMS, item_key, Reason.ITEM_INVALID)
        status = _mapped(STATUSES, cell(cells, "STATUS"), Reason.STATUS_INVALID)
        transport = _mapped(TRANSPORTS, cell(cells, "MODA_TRANSPORT"), Reason.TRANSPORT_INVALID)
        incident = parse_date(date_text)
        paid_on_text = cell(cells, "TANGGAL_BAYAR")
        paid_on = parse_date(paid_on_text) if paid_on_text else None
        if incident is None or (paid_on_text and paid_on is None):
            raise Rejected(Reason.DATE_INVALID)
        if incident > self.today:
            raise Rejected(Reason.DATE_FUTURE)
        basis = _rupiah(cell(cells, "DASAR_UPAH"))
        claimed = _rupiah(cell(cells, "JUMLAH_DIAJUKAN"))
        paid = _rupiah(cell(cells, "JUMLAH_DIBAYAR"))
        percent = _percent_bp(cell(cells, "PERSEN_CACAT"))
        if consequence == Consequence.PARTIAL_DISABILITY and percent is None:
            raise Rejected(Reason.MISSING_REQUIRED)
        if percent is not None and percent not in self.book.on(incident).disability_percents():
            raise Rejected(Reason.PERCENT_NOT_IN_TABLE)
        months = _small(cell(cells, "BULAN_STMB"))
        child = _small(cell(cells, "ANAK_KE")) or 0
        if (item == BenefitItem.SCHOLARSHIP) != (child > 0):
            raise Rejected(Reason.NUMBER_INVALID)
        return ClaimRow(
            number=number,
            claim_number=claim_number[:60],
            nik=nik,
            kpj=kpj,
            kind=kind,
            consequence=consequence,
            incident_date=incident,
            status=status,
            refusal_reason=cell(cells, "ALASAN_TOLAK"),
            basis=basis,
            percent_bp=percent,
            months=months,
            transport=transport,
            item=item,
            child=child,
            claimed=claimed,
            paid=paid,
            paid_on=paid_on,
            heirs=parse_heirs(cell(cells, "AHLI_WARIS")),
        )
