"""The insurer's claim file: one row per benefit item of a claim, checked row by row.

Columns (aliases in ALIASES): NOMOR_KLAIM, NIK and/or KPJ, JENIS_KLAIM, AKIBAT,
TANGGAL_KEJADIAN, STATUS, ALASAN_TOLAK, DASAR_UPAH, PERSEN_CACAT, BULAN_STMB, MODA_TRANSPORT,
MANFAAT, ANAK_KE, JUMLAH_DIAJUKAN, JUMLAH_DIBAYAR, TANGGAL_BAYAR, AHLI_WARIS
("Nama|hubungan|tanggal lahir|jenjang; ...").

Every row is checked in memory against a few grouped look-ups (people by NIK, places by KPJ,
first coverage start, claims already known); the valid rows become claims, items and heirs in
bulk; then cover verdicts and computed benefits are written set-based for the claims the file
touched. Nothing lost: a rejected row keeps its cells and a stable reason;
created + updated + unchanged + rejected = read. The same file again changes nothing.
"""

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.benefits.choices import (
    SCHOOL_ALIASES,
    BenefitItem,
    ClaimKind,
    ClaimSource,
    ClaimStatus,
    Consequence,
    CoverVerdict,
    HeirRelation,
    SchoolLevel,
    TransportMode,
)
from lindungi.benefits.choices import (
    ClaimRejectReason as Reason,
)
from lindungi.benefits.compute import compute_benefits
from lindungi.benefits.cover import assess_cover
from lindungi.benefits.models import Claim, ClaimImport, ClaimItem, Heir, RejectedClaimRow
from lindungi.benefits.rules import RuleBook
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.intake import check_counts, read_text_table
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import bulk_insert, table
from lindungi.enrollment.choices import COVERAGE_STATES
from lindungi.enrollment.files import parse_date
from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person

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


class _Reader:
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


def _chunks(values: list) -> list[list]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def _people(rows: list[ClaimRow]) -> tuple[dict, dict, dict]:
    """NIK -> (person, regency); KPJ -> person; person -> first coverage start."""
    niks = sorted({row.nik for row in rows if row.nik})
    kpjs = sorted({row.kpj for row in rows if row.kpj})
    by_nik: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(niks):
        for pk, nik, regency in Person.objects.filter(nik__in=chunk).values_list(
            "pk", "nik", "regency_id"
        ):
            by_nik[nik] = (pk, regency)
    by_kpj: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(kpjs):
        for kpj, pk, regency in Enrollment.objects.filter(kpj__in=chunk).values_list(
            "kpj", "person_id", "person__regency_id"
        ):
            by_kpj[kpj] = (pk, regency)
    person_ids = sorted({pk for pk, _r in (*by_nik.values(), *by_kpj.values())})
    first_start: dict[int, date] = {}
    for chunk in _chunks(person_ids):
        first_start.update(
            Enrollment.objects.filter(
                person_id__in=chunk, state__in=COVERAGE_STATES, start_date__isnull=False
            )
            .values("person_id")
            .annotate(first=Min("start_date"))
            .values_list("person_id", "first")
        )
    return by_nik, by_kpj, first_start


@dataclass
class _Outcome:
    rejected: dict[int, str] = field(default_factory=dict)
    valid: list[ClaimRow] = field(default_factory=list)


def _check(table, reader: _Reader) -> _Outcome:
    outcome = _Outcome()
    for number, cells in table.rows:
        try:
            outcome.valid.append(reader.read(number, cells))
        except Rejected as problem:
            outcome.rejected[number] = problem.reason
    by_nik, by_kpj, first_start = _people(outcome.valid)
    resolved: list[ClaimRow] = []
    for row in outcome.valid:
        nik_person = by_nik.get(row.nik) if row.nik else None
        kpj_person = by_kpj.get(row.kpj) if row.kpj else None
        person = nik_person or kpj_person
        problem = None
        if person is None:
            problem = Reason.PERSON_UNKNOWN
        elif nik_person and kpj_person and nik_person[0] != kpj_person[0]:
            problem = Reason.KPJ_OTHER_PERSON
        elif person[0] not in first_start:
            problem = Reason.NOT_ENROLLED
        elif row.incident_date < first_start[person[0]]:
            problem = Reason.DATE_BEFORE_ENROLLMENT
        if problem:
            outcome.rejected[row.number] = problem
            continue
        row.person_id, row.regency_id = person
        resolved.append(row)
    outcome.valid = resolved
    return outcome


def _settle_repeats(outcome: _Outcome) -> None:
    """A claim number's rows must agree, with each other and with the claim already known."""
    numbers = sorted({row.claim_number for row in outcome.valid})
    known: dict[str, tuple] = {}
    for chunk in _chunks(numbers):
        for number, *header in Claim.objects.filter(number__in=chunk).values_list(
            "number", "person_id", "kind", "consequence", "incident_date"
        ):
            known[number] = tuple(header)
    seen_items: set[tuple] = set()
    kept: list[ClaimRow] = []
    for row in outcome.valid:
        header = known.setdefault(row.claim_number, row.header())
        key = (row.claim_number, row.item, row.child)
        if header != row.header():
            outcome.rejected[row.number] = Reason.CLAIM_CONFLICT
        elif key in seen_items:
            outcome.rejected[row.number] = Reason.ROW_REPEATED
        else:
            seen_items.add(key)
            kept.append(row)
    outcome.valid = kept


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _write_claims(rows: list[ClaimRow], claim_import: ClaimImport) -> tuple[dict, _Counts, set]:
    """Claims (new and changed headers), then items; returns number -> id, counts, changed ids."""
    counts = _Counts()
    first: dict[str, ClaimRow] = {}
    for row in rows:
        first.setdefault(row.claim_number, row)
    numbers = sorted(first)
    existing: dict[str, Claim] = {}
    for chunk in _chunks(numbers):
        existing.update({claim.number: claim for claim in Claim.objects.filter(number__in=chunk)})
    _adopt_province_reports(first, existing)
    new_rows = [(number, row) for number, row in first.items() if number not in existing]
    new_ids = _insert_claims(new_rows, claim_import)
    changed: set[int] = set()
    header_changed: set[str] = set()
    to_update: list[Claim] = []
    for number, claim in existing.items():
        wanted = first[number].claim_fields()
        adopted = claim.number != number
        if adopted or any(getattr(claim, name) != value for name, value in wanted.items()):
            claim.number = number
            for name, value in wanted.items():
                setattr(claim, name, value)
            claim.last_import = claim_import
            to_update.append(claim)
            header_changed.add(number)
            changed.add(claim.pk)
    Claim.objects.bulk_update(to_update, ["number", *CLAIM_FIELDS, "last_import"], batch_size=1000)
    ids = new_ids | {number: claim.pk for number, claim in existing.items()}
    changed.update(new_ids.values())
    new_numbers = set(new_ids)
    # What is known of the items, as plain tuples: instances only for the ones that change.
    items_known: dict[tuple, tuple] = {}
    existing_ids = [claim.pk for claim in existing.values()]
    for chunk in _chunks(existing_ids):
        for pk, claim_id, item_code, child, *values in ClaimItem.objects.filter(
            claim_id__in=chunk
        ).values_list(
            "pk", "claim_id", "item", "child", "claimed_amount", "paid_amount", "paid_on"
        ):
            items_known[(claim_id, item_code, child)] = (pk, *values)
    new_items: list[tuple] = []
    changed_items: list[ClaimItem] = []
    for row in rows:
        claim_id = ids[row.claim_number]
        key = (claim_id, row.item, row.child)
        item = items_known.get(key)
        values = {"claimed_amount": row.claimed, "paid_amount": row.paid, "paid_on": row.paid_on}
        if row.claim_number in new_numbers or item is None:
            new_items.append(
                (claim_id, row.item, row.child, row.claimed, row.paid, _day(row.paid_on), "", "")
            )
            if row.claim_number in new_numbers:
                counts.created += 1
            else:
                counts.updated += 1
                changed.add(claim_id)
            continue
        if item[1:] != (row.claimed, row.paid, row.paid_on):
            changed_items.append(ClaimItem(pk=item[0], **values))
            changed.add(claim_id)
            counts.updated += 1
        elif row is first[row.claim_number] and row.claim_number in header_changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    bulk_insert(
        table(ClaimItem),
        (
            "claim_id",
            "item",
            "child",
            "claimed_amount",
            "paid_amount",
            "paid_on",
            "rule",
            "legal_basis",
        ),
        new_items,
    )
    ClaimItem.objects.bulk_update(
        changed_items, ["claimed_amount", "paid_amount", "paid_on"], batch_size=1000
    )
    heirs_written = _write_heirs(rows, ids)
    changed.update(heirs_written)
    return ids, counts, changed


def _day(day: date | None):
    return connection.ops.adapt_datefield_value(day)


CLAIM_COLUMNS = (
    "number",
    "source",
    "person_id",
    "regency_id",
    "kpj",
    "kind",
    "consequence",
    "incident_date",
    *CLAIM_FIELDS,
    "note",
    "verdict",
    "verdict_reasons",
    "contribution_months",
    "last_import_id",
    "created_at",
    "updated_at",
)


def _insert_claims(rows: list[tuple[str, ClaimRow]], claim_import: ClaimImport) -> dict[str, int]:
    """New claims by the driver's bulk path (COPY on PostgreSQL); returns number -> id.

    Model instances and bulk_create cost more than the database work at 10,000 claims.
    """
    if not rows:
        return {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    bulk_insert(
        table(Claim),
        CLAIM_COLUMNS,
        (
            (
                number,
                ClaimSource.INSURER_FILE.value,
                row.person_id,
                row.regency_id,
                row.kpj,
                row.kind,
                row.consequence,
                _day(row.incident_date),
                *row.claim_fields().values(),
                "",
                CoverVerdict.UNKNOWN.value,
                "[]",
                0,
                claim_import.pk,
                now,
                now,
            )
            for number, row in rows
        ),
    )
    return dict(Claim.objects.filter(last_import=claim_import).values_list("number", "pk"))


def _adopt_province_reports(first: dict[str, ClaimRow], existing: dict[str, Claim]) -> None:
    """A death the province recorded first becomes the insurer's claim when the file brings
    one for the same person, kind and date: it takes the insurer's number, not a second row."""
    new = {
        (row.person_id, row.kind, row.incident_date): number
        for number, row in first.items()
        if number not in existing
    }
    if not new:
        return
    people = sorted({key[0] for key in new})
    for chunk in _chunks(people):
        for claim in Claim.objects.filter(source=ClaimSource.PROVINCE_FORM, person_id__in=chunk):
            number = new.get((claim.person_id, claim.kind, claim.incident_date))
            if number is not None and number not in existing:
                existing[number] = claim


def _write_heirs(rows: list[ClaimRow], ids: dict[str, int]) -> set[int]:
    """Heirs as the file gives them (the first row of a claim that names any), when different."""
    given: dict[int, list[tuple]] = {}
    for row in rows:
        if row.heirs is not None:
            given.setdefault(ids[row.claim_number], row.heirs)
    if not given:
        return set()
    known: dict[int, list[tuple]] = defaultdict(list)
    for chunk in _chunks(sorted(given)):
        for claim_id, name, relation, birth, level in (
            Heir.objects.filter(claim_id__in=chunk)
            .order_by("claim_id", "position")
            .values_list("claim_id", "name", "relation", "birth_date", "school_level")
        ):
            known[claim_id].append((name, relation, birth, level))
    changed = {claim_id for claim_id, heirs in given.items() if known.get(claim_id, []) != heirs}
    for chunk in _chunks(sorted(changed)):
        Heir.objects.filter(claim_id__in=chunk).delete()
    bulk_insert(
        table(Heir),
        ("claim_id", "position", "name", "relation", "birth_date", "school_level"),
        (
            (claim_id, position, name, relation, _day(birth), level or SchoolLevel.NONE.value)
            for claim_id in sorted(changed)
            for position, (name, relation, birth, level) in enumerate(given[claim_id], start=1)
        ),
    )
    return changed


def import_claims(
    *,
    user,
    file_name: str,
    content: bytes,
    today: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> ClaimImport:
    """Read the insurer's claim file; one transaction, so a failure leaves nothing behind."""
    require(user, Action.EXCHANGE_INSURER_FILES)
    today = today or local_today()
    table = read_text_table(content, file_name, aliases=ALIASES, required=REQUIRED)
    if table.position("NIK") is None and table.position("KPJ") is None:
        raise InvalidInput(_("The file lacks the column(s): %(columns)s.") % {"columns": "NIK/KPJ"})
    progress.start(table.rows_read, _("Reading the claim file"))
    book = RuleBook()
    outcome = _check(table, _Reader(table, today, book))
    _settle_repeats(outcome)
    # Rows the intake could not read as cells (a NUL byte, a cell far too long).
    outcome.rejected.update((n, problem.reason) for n, problem in table.problems.items())
    read = table.rows_read
    with transaction.atomic():
        claim_import = ClaimImport.objects.create(
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            created_by=user,
            rows_read=read,
            rows_rejected=len(outcome.rejected),
            rows_unchanged=read - len(outcome.rejected),
        )
        _ids, counts, changed = _write_claims(outcome.valid, claim_import)
        changed_ids = sorted(changed)
        for chunk in _chunks(changed_ids):
            Claim.objects.filter(pk__in=chunk).update(last_import=claim_import)
        touched = Claim.objects.filter(last_import=claim_import)
        assess_cover(touched, as_of=today)
        compute_benefits(touched, book=book)
        check_counts(
            read=read,
            rejected=len(outcome.rejected),
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
        labels = dict(Reason.choices)
        cells_by_row = dict(table.rows)
        cells_by_row.update((n, problem.cells) for n, problem in table.problems.items())
        number_at = table.position("NOMOR_KLAIM")
        RejectedClaimRow.objects.bulk_create(
            (
                RejectedClaimRow(
                    claim_import=claim_import,
                    row_number=number,
                    original=table.original(cells_by_row[number]),
                    reason=reason,
                    message=str(labels[reason]),
                    claim_number=_cell(cells_by_row[number], number_at)[:60],
                )
                for number, reason in sorted(outcome.rejected.items())
            ),
            batch_size=1000,
        )
        ClaimImport.objects.filter(pk=claim_import.pk).update(
            rows_created=counts.created,
            rows_updated=counts.updated,
            rows_unchanged=counts.unchanged,
            claims_touched=len(changed_ids),
            reason_counts=dict(sorted(Counter(outcome.rejected.values()).items())),
        )
        claim_import.refresh_from_db()
        record_event(
            action="benefits.claims_imported",
            target=claim_import,
            summary=counts_of(claim_import),
            user=user,
        )
    progress.advance(read)
    progress.finish()
    return claim_import


def _cell(cells: list, position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return str(cells[position] or "")


def counts_of(claim_import: ClaimImport) -> dict:
    return {
        "read": claim_import.rows_read,
        "created": claim_import.rows_created,
        "updated": claim_import.rows_updated,
        "unchanged": claim_import.rows_unchanged,
        "rejected": claim_import.rows_rejected,
        "claims": claim_import.claims_touched,
        "reasons": claim_import.reason_counts,
    }
