"""The regulation's amounts for many claims at once, written beside what the insurer paid.

Reads the claims, their children and their claimed transport and home-care costs in three
queries, computes in memory (arithmetic, no query per claim), and writes every computed item
with one upsert on (claim, item, child). Items the regulation no longer gives lose their
computed amount in one UPDATE first, so running it again changes nothing.
"""

from collections import defaultdict

from django.db.models import QuerySet

from lindungi.benefits import calculator
from lindungi.benefits.calculator import Case, Result, calculate
from lindungi.benefits.choices import (
    BenefitItem,
    ClaimKind,
    Consequence,
    HeirRelation,
    SchoolLevel,
)
from lindungi.benefits.models import Claim, ClaimItem, Heir
from lindungi.benefits.rules import RuleBook
from lindungi.core.errors import LindungiError
from lindungi.core.sql import (
    bulk_insert,
    create_temporary_table,
    drop_temporary_table,
    execute,
    fetch_in,
    table,
)

CHUNK = 5_000
# A temporary table (not a model): the computed amounts before the upsert.
STAGE = "benefits_computed_stage"
STAGE_DEFINITION = (
    ("claim_id", "bigint", "bigint"),
    ("item", "varchar(30)", "varchar(30)"),
    ("child", "smallint", "smallint"),
    ("amount", "bigint", "bigint"),
    ("rule", "varchar(300)", "varchar(300)"),
    ("legal_basis", "varchar(200)", "varchar(200)"),
)
JKK_CASES = {
    Consequence.DEATH: calculator.JKK_DEATH,
    Consequence.TOTAL_DISABILITY: calculator.JKK_TOTAL,
    Consequence.PARTIAL_DISABILITY: calculator.JKK_PARTIAL,
    Consequence.TEMPORARY_INCAPACITY: calculator.JKK_STMB,
    Consequence.TREATMENT: calculator.JKK_TREATMENT,
}


def case_kind(kind: str, consequence: str) -> str:
    """The calculator's case for a claim's kind and consequence."""
    return calculator.JKM if kind == ClaimKind.JKM_DEATH else JKK_CASES[Consequence(consequence)]


def _children(claim_ids: list[int]) -> dict[int, list[tuple]]:
    children: dict[int, list[tuple]] = defaultdict(list)
    rows = fetch_in(
        f"SELECT claim_id, school_level, birth_date FROM {table(Heir)}"  # noqa: S608
        " WHERE relation = %s AND school_level <> %s AND claim_id IN ({marks})"
        " ORDER BY claim_id, position",
        claim_ids,
        [HeirRelation.CHILD.value, SchoolLevel.NONE.value],
    )
    for claim_id, level, birth in rows:
        children[claim_id].append((level, birth))
    return children


def _costs(claim_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = fetch_in(
        f"SELECT claim_id, item, claimed_amount FROM {table(ClaimItem)}"  # noqa: S608
        " WHERE item IN (%s, %s) AND claim_id IN ({marks})",
        claim_ids,
        [BenefitItem.TRANSPORT.value, BenefitItem.HOME_CARE.value],
    )
    return {(claim_id, item): amount or 0 for claim_id, item, amount in rows}


def case_for(row: dict, children: list[tuple], costs: dict[tuple[int, str], int]) -> Case:
    pk = row["pk"]
    return Case(
        kind=case_kind(row["kind"], row["consequence"]),
        basis=row["income_basis"] or row["programme__income_basis"] or 0,
        on=row["incident_date"],
        percent_bp=row["disability_percent_bp"],
        months_incapacitated=row["months_incapacitated"],
        transport_mode=row["transport_mode"],
        transport_cost=costs.get((pk, BenefitItem.TRANSPORT)),
        home_care_cost=costs.get((pk, BenefitItem.HOME_CARE)),
        contribution_months=row["contribution_months"],
        children=tuple(level for level, _birth in children),
        birth_dates=tuple(birth for _level, birth in children),
    )


FIELDS = (
    "pk",
    "kind",
    "consequence",
    "income_basis",
    "programme__income_basis",
    "incident_date",
    "disability_percent_bp",
    "months_incapacitated",
    "transport_mode",
    "contribution_months",
)


def compute_benefits(claims: QuerySet[Claim], *, book: RuleBook | None = None) -> int:
    """Write the computed items of every claim in `claims`; returns how many were written."""
    book = book or RuleBook()
    rows = list(claims.order_by("pk").values(*FIELDS))
    written = 0
    # Claims of one kind and basis on one day compute alike: each distinct case once.
    results: dict[Case, Result | None] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [row["pk"] for row in chunk]
        children = _children(ids)
        costs = _costs(ids)
        items: list[tuple] = []
        for row in chunk:
            case = case_for(row, children.get(row["pk"], []), costs)
            if case not in results:
                try:
                    results[case] = calculate(case, rules=book.on(row["incident_date"]))
                except LindungiError:
                    # No basis, or no rule in force that day: nothing computed; the page says why.
                    results[case] = None
            result = results[case]
            if result is None:
                continue
            items.extend(
                (
                    row["pk"],
                    str(entry.item),
                    entry.child,
                    entry.amount,
                    entry.rule[:300],
                    entry.legal_basis[:200],
                )
                for entry in result.items
            )
        execute(
            f"UPDATE {table(ClaimItem)} SET computed_amount = NULL, rule = '', legal_basis = ''"  # noqa: S608
            f" WHERE computed_amount IS NOT NULL AND claim_id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        _upsert(items)
        written += len(items)
    return written


def _upsert(items: list[tuple]) -> None:
    """Computed amounts onto (claim, item, child): one INSERT .. ON CONFLICT from a staging
    table filled by the driver's bulk path (bulk_create's per-object work cost more)."""
    if not items:
        return
    create_temporary_table(STAGE, STAGE_DEFINITION)
    bulk_insert(STAGE, [name for name, _pg, _lite in STAGE_DEFINITION], items)
    # "WHERE true": SQLite needs it to read ON CONFLICT as the upsert clause.
    execute(
        f"INSERT INTO {table(ClaimItem)} (claim_id, item, child, computed_amount, rule,"  # noqa: S608
        f" legal_basis) SELECT claim_id, item, child, amount, rule, legal_basis FROM {STAGE}"
        " WHERE true ON CONFLICT (claim_id, item, child) DO UPDATE SET"
        " computed_amount = excluded.computed_amount, rule = excluded.rule,"
        " legal_basis = excluded.legal_basis"
    )
    drop_temporary_table(STAGE)


def explain(claim: Claim) -> Result | None:
    """The calculation of one claim, for its page (None when it cannot be computed)."""
    row = Claim.objects.filter(pk=claim.pk).values(*FIELDS).get()
    try:
        return calculate(case_for(row, _children([claim.pk]).get(claim.pk, []), _costs([claim.pk])))
    except LindungiError:
        return None
