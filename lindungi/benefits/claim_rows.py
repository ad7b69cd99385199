"""Reading the insurer's claim file: the columns it may have, the codes it uses, and one
`ClaimRow` per valid row (or `Rejected` with a stable reason), checked against the registry and
the enrollments by `importing.import_claims`."""

import re
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

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


# The columns in the order the reader takes them from a row (one itemgetter call).
PICKED = (
    "NOMOR_KLAIM",
    "NIK",
    "KPJ",
    "JENIS_KLAIM",
    "AKIBAT",
    "MANFAAT",
    "STATUS",
    "MODA_TRANSPORT",
    "TANGGAL_KEJADIAN",
    "TANGGAL_BAYAR",
    "DASAR_UPAH",
    "JUMLAH_DIAJUKAN",
    "JUMLAH_DIBAYAR",
    "PERSEN_CACAT",
    "BULAN_STMB",
    "ANAK_KE",
    "ALASAN_TOLAK",
    "AHLI_WARIS",
)
_MISSING = object()


def _is_code(text: str, length: int) -> bool:
    """`length` ASCII digits (str.isdigit alone also takes other scripts' digits)."""
    return len(text) == length and text.isascii() and text.isdigit()


class ClaimReader:
    """Turns the cells of one row into a ClaimRow, or raises Rejected with the first problem.

    The hot loop of a 10,000-row file: the row's cells come out in one itemgetter call, and
    everything that repeats across rows is worked out once per distinct text and remembered:
    the codes (kind, consequence, item, status, transport), dates, amounts, the percentage
    against the table of its day, the heirs. The checks and their order (which reason a row
    with several problems gets) are those of the file's description in the README.
    """

    def __init__(self, table, today: date, book: RuleBook) -> None:
        at = {name: table.position(name) for name in ALIASES}
        width = len(table.headers)
        self.pad = [""] if any(position is None for position in at.values()) else None
        self.pick = itemgetter(*(width if at[name] is None else at[name] for name in PICKED))
        self.today = today
        self.book = book
        self._codes: dict[tuple, tuple | str] = {}
        self._dates: dict[str, date | None] = {"": None}
        self._amounts: dict[str, int | str | None] = {"": None}
        self._percents: dict[tuple, int | str | None] = {}
        self._smalls: dict[str, int | str | None] = {"": None}
        self._heirs: dict[str, list[tuple] | str | None] = {}

    def _code(
        self, kind_text: str, consequence_text: str, item_text: str, status: str, transport: str
    ) -> tuple | str:
        try:
            kind = _mapped(KINDS, kind_text, Reason.KIND_INVALID)
            if not consequence_text:
                consequence_text = "death" if kind == ClaimKind.JKM_DEATH else "treatment"
            consequence = _mapped(CONSEQUENCES, consequence_text, Reason.CONSEQUENCE_INVALID)
            if kind == ClaimKind.JKM_DEATH and consequence != Consequence.DEATH:
                raise Rejected(Reason.CONSEQUENCE_INVALID)
            item_key = item_text.strip().lower()
            if item_key == "santunan berkala" and kind == ClaimKind.JKM_DEATH:
                item_key = "santunan berkala jkm"
            return (
                kind,
                consequence,
                _mapped(ITEMS, item_key, Reason.ITEM_INVALID),
                _mapped(STATUSES, status, Reason.STATUS_INVALID),
                _mapped(TRANSPORTS, transport, Reason.TRANSPORT_INVALID),
            )
        except Rejected as problem:
            return str(problem.reason)

    def _date(self, text: str) -> date | None:
        try:
            return self._dates[text]
        except KeyError:
            day = self._dates[text] = parse_date(text)
            return day

    @staticmethod
    def _remembered(cache: dict, key, parse, text: str):
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            try:
                value = parse(text)
            except Rejected as problem:
                value = str(problem.reason)
            cache[key] = value
        if type(value) is str:
            raise Rejected(value)
        return value

    def _amount(self, text: str) -> int | None:
        return self._remembered(self._amounts, text, _rupiah, text)

    def _percent(self, text: str, incident: date) -> int | None:
        def parse(text: str) -> int | None:
            percent = _percent_bp(text)
            if percent is not None and percent not in self.book.on(incident).disability_percents():
                raise Rejected(Reason.PERCENT_NOT_IN_TABLE)
            return percent

        return self._remembered(self._percents, (text, incident), parse, text)

    def read(self, number: int, cells: list[str]) -> ClaimRow:
        (
            claim_number,
            nik,
            kpj,
            kind_text,
            consequence_text,
            item_text,
            status_text,
            transport_text,
            date_text,
            paid_on_text,
            basis_text,
            claimed_text,
            paid_text,
            percent_text,
            months_text,
            child_text,
            refusal_reason,
            heirs_text,
        ) = self.pick(cells + self.pad if self.pad else cells)
        if not claim_number or not (nik or kpj) or not kind_text or not item_text or not date_text:
            raise Rejected(Reason.MISSING_REQUIRED)
        if nik and not _is_code(nik, 16):
            raise Rejected(Reason.NIK_INVALID)
        if kpj and not _is_code(kpj, 11):
            raise Rejected(Reason.KPJ_INVALID)
        key = (kind_text, consequence_text, item_text, status_text, transport_text)
        codes = self._codes.get(key)
        if codes is None:
            codes = self._codes[key] = self._code(*key)
        if type(codes) is str:
            raise Rejected(codes)
        kind, consequence, item, status, transport = codes
        incident = self._date(date_text)
        paid_on = self._date(paid_on_text)
        if incident is None or (paid_on_text and paid_on is None):
            raise Rejected(Reason.DATE_INVALID)
        if incident > self.today:
            raise Rejected(Reason.DATE_FUTURE)
        basis = self._amount(basis_text)
        claimed = self._amount(claimed_text)
        paid = self._amount(paid_text)
        if percent_text:
            percent = self._percent(percent_text, incident)
        elif consequence == Consequence.PARTIAL_DISABILITY:
            raise Rejected(Reason.MISSING_REQUIRED)
        else:
            percent = None
        months = self._remembered(self._smalls, months_text, _small, months_text)
        child = self._remembered(self._smalls, child_text, _small, child_text) or 0
        if (item == BenefitItem.SCHOLARSHIP) != (child > 0):
            raise Rejected(Reason.NUMBER_INVALID)
        heirs = (
            self._remembered(self._heirs, heirs_text, parse_heirs, heirs_text)
            if heirs_text
            else None
        )
        return ClaimRow(
            number,
            claim_number[:60],
            nik,
            kpj,
            kind,
            consequence,
            incident,
            status,
            refusal_reason,
            basis,
            percent,
            months,
            transport,
            item,
            child,
            claimed,
            paid,
            paid_on,
            heirs,
        )
