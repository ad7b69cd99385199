"""Was the person covered on the incident date? One verdict per claim, with its reasons.

Set-based over any number of claims (an import's 10,000 at once):
1. the enrollment covering the incident date, by enrollment's own rule (`covered_on_column_sql`),
   with its programme and cohort (and so its payers), in two UPDATEs;
2. the contribution month's standing per (programme, cohort, month), a handful of groups read
   through contributions' balances: paid; unpaid but within the arrears period or accepted late
   from a government payer (DOMAIN.md §2, the programme's billing policy); or unpaid;
3. paid contribution months per person across every programme and payer (the JKM
   scholarship's 36 months), one grouped query.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from lindungi.benefits.choices import CoverReason, CoverVerdict
from lindungi.benefits.models import Claim
from lindungi.contributions.choices import InvoiceKind, LineKind
from lindungi.contributions.models import Invoice, InvoiceDetail
from lindungi.contributions.payments import balances
from lindungi.contributions.policy import policy_for
from lindungi.core.dates import Month
from lindungi.core.sql import execute, fetch, table
from lindungi.enrollment.coverage import covered_on_column_sql
from lindungi.enrollment.models import Enrollment
from lindungi.programs.models import Programme

CHUNK = 5_000


def _match_enrollments(claims: QuerySet[Claim]) -> None:
    claim, enrollment = table(Claim), table(Enrollment)
    ids_sql, ids_params = claims.order_by().values("id").query.sql_with_params()
    coverage = covered_on_column_sql(f"{claim}.incident_date")
    # A person's coverage periods never overlap (enrollment's triggers): at most one matches.
    execute(
        f"UPDATE {claim} SET enrollment_id = (SELECT e.id FROM {enrollment} e"  # noqa: S608
        f" WHERE e.person_id = {claim}.person_id AND {coverage.sql}"
        f" ORDER BY e.start_date DESC LIMIT 1) WHERE id IN ({ids_sql})",
        [*coverage.params, *ids_params],
    )
    execute(
        f"UPDATE {claim} SET"  # noqa: S608
        f" programme_id = (SELECT e.programme_id FROM {enrollment} e"
        f" WHERE e.id = {claim}.enrollment_id),"
        f" cohort_id = (SELECT e.cohort_id FROM {enrollment} e WHERE e.id = {claim}.enrollment_id)"
        f" WHERE id IN ({ids_sql})",
        list(ids_params),
    )


@dataclass(frozen=True)
class MonthStanding:
    verdict: str
    reason: str


def _add_months(day: date, months: int) -> date:
    month = Month.of(day)
    for _ in range(months):
        month = month.next()
    return month.first_day.replace(day=min(day.day, month.last_day.day))


def month_standing(
    programme: Programme, cohort_id: int, month: Month, as_of: date
) -> MonthStanding:
    """The contribution month of a cohort as the cover verdict sees it on `as_of`.

    Only payments made by `as_of` count: a claim assessed in December sees December unpaid
    even though the province pays it in January.
    """
    policy = policy_for(programme)
    invoices = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE,
        programme=programme,
        month=month.first_day,
        lines__cohort_id=cohort_id,
        lines__kind=LineKind.REGULAR,
    ).distinct()
    balance = balances(invoices, as_of=as_of)
    # Arrears may be paid for `lapse_after_months` months after the month (DOMAIN.md §2).
    grace_until = _add_months(month.last_day, policy.lapse_after_months)
    if balance and all(entry.is_paid for entry in balance.values()):
        return MonthStanding(CoverVerdict.COVERED, CoverReason.MONTH_PAID)
    if policy.payer_delay_accepted:
        return MonthStanding(CoverVerdict.COVERED_IN_GRACE, CoverReason.PAYER_DELAY_ACCEPTED)
    if as_of <= grace_until:
        reason = CoverReason.MONTH_UNPAID_IN_GRACE if balance else CoverReason.MONTH_NOT_BILLED
        return MonthStanding(CoverVerdict.COVERED_IN_GRACE, reason)
    return MonthStanding(CoverVerdict.NOT_COVERED, CoverReason.MONTH_UNPAID)


def _set_verdicts(claims: QuerySet[Claim], as_of: date) -> None:
    claims.filter(enrollment__isnull=True).update(
        verdict=CoverVerdict.NOT_COVERED,
        verdict_reasons=[CoverReason.NOT_ACTIVE_THAT_DAY.value],
        assessed_on=as_of,
    )
    # The (programme, cohort, month) groups: a handful, whatever the number of claims.
    covered = claims.filter(enrollment__isnull=False)
    groups = {
        (programme_id, cohort_id, Month.of(incident))
        for programme_id, cohort_id, incident in covered.values_list(
            "programme_id", "cohort_id", "incident_date"
        ).distinct()
    }
    programmes = Programme.objects.in_bulk({key[0] for key in groups})
    for programme_id, cohort_id, month in sorted(groups, key=str):
        standing = month_standing(programmes[programme_id], cohort_id, month, as_of)
        covered.filter(
            programme_id=programme_id,
            cohort_id=cohort_id,
            incident_date__range=(month.first_day, month.last_day),
        ).update(
            verdict=standing.verdict,
            verdict_reasons=[CoverReason.ACTIVE_THAT_DAY.value, str(standing.reason)],
            assessed_on=as_of,
        )


def contribution_months(person_ids: list[int], *, as_of: date | None = None) -> dict[int, int]:
    """Paid contribution months per person, across every programme, cohort and payer.

    A month counts when the person is billed for it (net of removals) on invoices that are
    paid; a month billed twice (two payers sharing a cohort) counts once.
    """
    if not person_ids:
        return {}
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    unpaid = [pk for pk, balance in balances(invoices, as_of=as_of).items() if not balance.is_paid]
    months = list(invoices.values_list("month", flat=True).distinct())
    if not months:
        return {}
    detail, enrollment = table(InvoiceDetail), table(Enrollment)
    counted: dict[int, int] = {}
    month_marks = ", ".join(["%s"] * len(months))
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        people = ", ".join(["%s"] * len(chunk))
        unpaid_sql = (
            f" AND d.invoice_id NOT IN ({', '.join(['%s'] * len(unpaid))})" if unpaid else ""
        )
        sql = (
            f"SELECT person_id, COUNT(*) FROM (SELECT e.person_id, d.service_month"  # noqa: S608
            f" FROM {enrollment} e JOIN {detail} d ON d.service_month IN ({month_marks})"
            f" AND d.enrollment_id = e.id WHERE e.person_id IN ({people}){unpaid_sql}"
            f" GROUP BY e.person_id, d.service_month HAVING SUM(d.sign) > 0) billed"
            f" GROUP BY person_id"
        )
        rows = fetch(sql, [*months, *chunk, *unpaid])
        counted.update({person: int(count) for person, count in rows})
    return counted


def _set_contribution_months(claims: QuerySet[Claim], as_of: date) -> None:
    person_ids = sorted(set(claims.values_list("person_id", flat=True)))
    counted = contribution_months(person_ids, as_of=as_of)
    by_count: dict[int, list[int]] = defaultdict(list)
    for person in person_ids:
        by_count[counted.get(person, 0)].append(person)
    ids_sql, ids_params = claims.order_by().values("id").query.sql_with_params()
    for count, people in by_count.items():
        for start in range(0, len(people), CHUNK):
            chunk = people[start : start + CHUNK]
            execute(
                f"UPDATE {table(Claim)} SET contribution_months = %s"  # noqa: S608
                f" WHERE id IN ({ids_sql}) AND person_id IN ({', '.join(['%s'] * len(chunk))})",
                [count, *ids_params, *chunk],
            )


def assess_cover(claims: QuerySet[Claim], *, as_of: date) -> None:
    """Write the verdict, its reasons and the contribution months of every claim in `claims`.

    Call inside the writing service's transaction; it reads and writes nothing else.
    """
    _match_enrollments(claims)
    _set_verdicts(claims, as_of)
    _set_contribution_months(claims, as_of)
