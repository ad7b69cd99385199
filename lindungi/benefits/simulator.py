"""A stand-in for the insurer's claim file, for demos and tests: deterministic for a seed.

The 2025 story in the real programme's proportions (DOMAIN.md §1: the insurer's NTT office had
paid about Rp846 million to 40 participants' families by December 2025): JKM deaths are the
largest group and most of the money; one JKK total disability with a child's scholarship; two
partial disabilities; the rest treatment, temporary incapacity and transport. Paid amounts are
what the regulation gives (the calculator, same rules), except the deliberate problems when
`problems` is set: a claim in a month not yet paid, a partial disability paid at a higher
percentage than the file states, a claim after the person's exit (not covered that day), a
claim for a person who was never enrolled, and an amount with sen.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from lindungi.benefits.calculator import Case, calculate
from lindungi.benefits.rules import RuleBook
from lindungi.core.errors import InvalidInput
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person

COLUMNS = (
    "NOMOR_KLAIM",
    "NIK",
    "KPJ",
    "JENIS_KLAIM",
    "AKIBAT",
    "TANGGAL_KEJADIAN",
    "STATUS",
    "ALASAN_TOLAK",
    "DASAR_UPAH",
    "PERSEN_CACAT",
    "BULAN_STMB",
    "MODA_TRANSPORT",
    "MANFAAT",
    "ANAK_KE",
    "JUMLAH_DIAJUKAN",
    "JUMLAH_DIBAYAR",
    "TANGGAL_BAYAR",
    "AHLI_WARIS",
)
# Of 40 families: 17 JKM deaths (the largest group: at Rp42 million each, more would pass the
# Rp846 million reported), 1 total and 2 partial disabilities, 20 treatments (8 of them for
# occupational diseases).
JKM_SHARE, TOTAL_SHARE, PARTIAL_SHARE = 17 / 40, 1 / 40, 2 / 40
PARTIAL_PERCENTS = (1200, 400)  # thumb of the left hand, another finger of the right hand
CHILD_NAMES = ("YOHANES", "MARIA", "PETRUS", "AGUSTINA", "FRANSISKUS", "KRISTINA")
LEVELS = ("tk_sd", "smp", "sma", "tk_sd")


@dataclass(frozen=True)
class Plan:
    kind: str
    consequence: str
    calculator_kind: str
    percent_bp: int | None = None
    months: int | None = None
    medical: int = 0
    transport: int = 0
    child_level: str = ""


def _plans(families: int) -> list[Plan]:
    jkm = round(families * JKM_SHARE)
    total = max(1, round(families * TOTAL_SHARE)) if families >= 4 else 0
    partial = round(families * PARTIAL_SHARE)
    plans = [Plan("JKM", "meninggal", "jkm") for _ in range(jkm)]
    plans += [
        Plan("JKK", "cacat total", "jkk-total-disability", child_level="tk_sd")
        for _ in range(total)
    ]
    plans += [
        Plan(
            "JKK",
            "cacat sebagian",
            "jkk-partial-disability",
            percent_bp=PARTIAL_PERCENTS[index % 2],
            medical=2_000_000,
        )
        for index in range(partial)
    ]
    for index in range(families - len(plans)):
        plans.append(
            Plan(
                # Two in five are occupational diseases (a fisher's decompression sickness).
                "JKK-PAK" if index % 5 in (1, 3) else "JKK",
                "stmb" if index % 3 == 0 else "pengobatan",
                "jkk-stmb" if index % 3 == 0 else "jkk-treatment",
                months=1 if index % 3 == 0 else None,
                medical=1_000_000 + (index % 5) * 400_000,
                transport=250_000 if index % 2 == 0 else 0,
            )
        )
    return plans


class _Writer:
    def __init__(self, basis: int) -> None:
        self.out = io.StringIO()
        self.writer = csv.writer(self.out, lineterminator="\r\n")
        self.writer.writerow(COLUMNS)
        self.basis = basis

    def row(self, **cells) -> None:
        cells.setdefault("DASAR_UPAH", str(self.basis))
        self.writer.writerow([cells.get(column, "") for column in COLUMNS])


def _heirs(rng: random.Random, child_level: str = "") -> str:
    name = rng.choice(("MARIA", "YOSEFINA", "ELISABETH"))
    children = [f"{name}|istri|1988-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}|-"]
    for number in range(rng.randrange(1, 3)):
        level = child_level if number == 0 and child_level else LEVELS[rng.randrange(len(LEVELS))]
        year = {"tk_sd": 2016, "smp": 2012, "sma": 2009}.get(level, 2016)
        children.append(
            f"{CHILD_NAMES[rng.randrange(len(CHILD_NAMES))]}|anak|{year}-05-0{number + 1}|{level}"
        )
    return "; ".join(children)


def simulate_claims(
    *, programme, families: int = 40, seed: int = 0, as_of: date, problems: bool = True
) -> bytes:
    """The insurer's claim file for `programme` as of `as_of` (incidents before it)."""
    active = list(
        Enrollment.objects.filter(
            programme=programme, state=EnrollmentState.ACTIVE, kpj__isnull=False
        )
        .order_by("pk")
        .values_list("person__nik", "kpj", "start_date")
    )
    if len(active) < families + 1:
        raise InvalidInput(_("Too few active participants for the simulated claims."))
    rng = random.Random(seed)
    chosen = rng.sample(active, families + 1)
    book = RuleBook()
    writer = _Writer(programme.income_basis)
    # Incidents from the month after coverage starts to a month before `as_of`: all paid.
    first = max(programme.coverage_start + timedelta(days=14), date(as_of.year, 1, 1))
    span = max((as_of - timedelta(days=45) - first).days, 1)
    for index, (plan, (nik, kpj, start)) in enumerate(zip(_plans(families), chosen, strict=False)):
        incident = max(first, start) + timedelta(days=rng.randrange(span))
        paid_on = incident + timedelta(days=20 + rng.randrange(20))
        number = f"KLM/{incident:%Y%m}/{index + 1:04d}"
        result = calculate(
            Case(
                kind=plan.calculator_kind,
                basis=programme.income_basis,
                on=incident,
                percent_bp=plan.percent_bp,
                months_incapacitated=plan.months,
                transport_mode="land" if plan.transport else "",
                transport_cost=plan.transport or None,
                children=(plan.child_level,) if plan.child_level else (),
            ),
            rules=book.on(incident),
        )
        common = {
            "NOMOR_KLAIM": number,
            "NIK": nik,
            "KPJ": kpj,
            "JENIS_KLAIM": plan.kind,
            "AKIBAT": plan.consequence,
            "TANGGAL_KEJADIAN": incident.isoformat(),
            "STATUS": "dibayar",
            "PERSEN_CACAT": f"{plan.percent_bp / 100:g}" if plan.percent_bp else "",
            "BULAN_STMB": str(plan.months or ""),
            "MODA_TRANSPORT": "darat" if plan.transport else "",
            "TANGGAL_BAYAR": paid_on.isoformat(),
        }
        heirs = _heirs(rng, plan.child_level) if plan.kind == "JKM" or plan.child_level else ""
        wrong_percent = problems and plan.calculator_kind == "jkk-partial-disability" and index % 2
        for position, item in enumerate(result.items):
            paid = item.amount
            if wrong_percent:
                # Paid at 15 % while the file states 12 %: a difference the checks must show.
                paid = item.amount * 1500 // (plan.percent_bp or 1)
            writer.row(
                **common,
                MANFAAT=item.item,
                ANAK_KE=str(item.child or ""),
                JUMLAH_DIAJUKAN=str(item.amount),
                JUMLAH_DIBAYAR=str(paid),
                AHLI_WARIS=heirs if position == 0 else "",
            )
            wrong_percent = False
        if plan.medical:
            writer.row(
                **common,
                MANFAAT="pengobatan",
                JUMLAH_DIAJUKAN=str(plan.medical),
                JUMLAH_DIBAYAR=str(plan.medical),
            )
    if problems:
        _problems(writer, rng, programme, chosen[-1], as_of)
    return writer.out.getvalue().encode("utf-8")


def _problems(writer: _Writer, rng: random.Random, programme, spare, as_of: date) -> None:
    nik, kpj, _start = spare
    # A death in the month of the file: that month is not paid yet.
    unpaid_day = as_of.replace(day=max(1, min(as_of.day - 3, 5)))
    writer.row(
        NOMOR_KLAIM=f"KLM/{unpaid_day:%Y%m}/9001",
        NIK=nik,
        KPJ=kpj,
        JENIS_KLAIM="JKM",
        AKIBAT="meninggal",
        TANGGAL_KEJADIAN=unpaid_day.isoformat(),
        STATUS="diproses",
        MANFAAT="santunan sekaligus",
        JUMLAH_DIAJUKAN="20000000",
        AHLI_WARIS=_heirs(rng),
    )
    # A death after the person left the programme: not covered that day.
    ended = (
        Enrollment.objects.filter(
            programme=programme,
            state=EnrollmentState.ENDED,
            end_date__lt=as_of - timedelta(days=10),
        )
        .exclude(kpj__isnull=True)
        .order_by("pk")
        .values_list("person__nik", "kpj", "end_date")
        .first()
    )
    if ended:
        day = ended[2] + timedelta(days=5)
        writer.row(
            NOMOR_KLAIM=f"KLM/{day:%Y%m}/9002",
            NIK=ended[0],
            KPJ=ended[1],
            JENIS_KLAIM="JKM",
            AKIBAT="meninggal",
            TANGGAL_KEJADIAN=day.isoformat(),
            STATUS="diproses",
            MANFAAT="biaya pemakaman",
            JUMLAH_DIAJUKAN="10000000",
        )
    # Someone the programme never enrolled: the row is refused with its reason.
    stranger = (
        Person.objects.exclude(
            pk__in=Enrollment.objects.filter(start_date__isnull=False).values("person_id")
        )
        .order_by("pk")
        .values_list("nik", flat=True)
        .first()
    )
    if stranger:
        writer.row(
            NOMOR_KLAIM=f"KLM/{as_of:%Y%m}/9003",
            NIK=stranger,
            JENIS_KLAIM="JKM",
            AKIBAT="meninggal",
            TANGGAL_KEJADIAN=(as_of - timedelta(days=30)).isoformat(),
            STATUS="dilaporkan",
            MANFAAT="santunan sekaligus",
            JUMLAH_DIAJUKAN="20000000",
        )
    # An amount with sen: refused, kept with its original text.
    writer.row(
        NOMOR_KLAIM=f"KLM/{as_of:%Y%m}/9004",
        NIK=nik,
        KPJ=kpj,
        JENIS_KLAIM="JKK",
        AKIBAT="pengobatan",
        TANGGAL_KEJADIAN=(as_of - timedelta(days=40)).isoformat(),
        STATUS="diproses",
        MANFAAT="pengobatan",
        JUMLAH_DIAJUKAN="1250000,50",
    )
