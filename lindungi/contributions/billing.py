"""The monthly billing run: one invoice per payer, built set-based, safe to run twice.

Per payer, in one transaction: claim the invoice row (the unique constraint on payer,
programme and month makes a second or concurrent run find it instead of billing again), copy
the people the month bills into the detail with INSERT .. SELECT, add adjustment rows for
earlier billed months whose coverage changed since (past-dated exits, late activations), then
sum the detail per regency and cohort into lines, apportioning the payer's share.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.contributions.choices import InvoiceKind, LineKind
from lindungi.contributions.coverage import ENROLLMENT
from lindungi.contributions.due_dates import due_date, has_holiday_calendar
from lindungi.contributions.models import Invoice, InvoiceDetail, InvoiceLine, Payer
from lindungi.contributions.policy import Share, cohort_shares, policy_for
from lindungi.core.changes import notify
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput
from lindungi.core.money import largest_remainder
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.core.sql import table
from lindungi.enrollment.coverage import covered_in_sql
from lindungi.enrollment.deaths import end_places_of_the_deceased
from lindungi.programs.choices import Sector
from lindungi.programs.lifecycle import check_editable
from lindungi.programs.models import Programme
from lindungi.programs.rates import Contribution, ContributionKey, contributions_for_groups

DETAIL = table(InvoiceDetail)
INVOICE = table(Invoice)
DETAIL_COLUMNS = (
    "invoice_id, kind, service_month, enrollment_id, regency_id, cohort_id, sign, jkk, jkm, jht"
)
GROUP_KEY = ("kind", "service_month", "regency_id", "cohort_id")
AMOUNTS = ("jkk", "jkm", "jht")
# The sector of a cohort-wide figure (reconciliation's expectation, the renewal's budgets):
# every place is billed at its own sector's rate (Enrollment.sector, SectorRates below).
BILLING_SECTOR = Sector.OTHER


@dataclass
class BillingResult:
    month: Month
    created: list[Invoice] = field(default_factory=list)
    existing: list[Invoice] = field(default_factory=list)
    # Payers with nobody to bill this month.
    empty: list[Payer] = field(default_factory=list)


def apportion(amount: int, share: Share) -> int:
    """The payer's part of a line amount; the parts of all payers add up to `amount`."""
    weights = list(enumerate(share.weights))
    part = largest_remainder(abs(amount), weights)[share.position]
    return part if amount >= 0 else -part


@dataclass(frozen=True)
class SectorRates:
    """One payer's monthly contribution for one cohort in each sector: PP 50/2025 discounts
    the transport sector from other months than the rest (DOMAIN.md §2)."""

    transport: Contribution
    other: Contribution

    def of(self, sector: str) -> Contribution:
        return self.transport if sector == Sector.TRANSPORT else self.other

    def columns(self, alias: str = "e") -> tuple[str, list]:
        """SQL for a place's jkk, jkm, jht at its sector's rate, with the parameters."""
        parts, params = [], []
        for name in AMOUNTS:
            transport, other = getattr(self.transport, name), getattr(self.other, name)
            if transport == other:
                parts.append("%s")
                params.append(other)
            else:
                parts.append(f"CASE WHEN {alias}.sector = %s THEN %s ELSE %s END")
                params += [Sector.TRANSPORT.value, transport, other]
        return ", ".join(parts), params


class Groups(dict):
    """Detail sums per (kind, service month, regency, cohort): what the lines are built from."""

    def add(self, key: tuple, headcount: int, jkk: int, jkm: int, jht: int) -> None:
        total = self.setdefault(key, {"headcount": 0, "jkk": 0, "jkm": 0, "jht": 0})
        for name, value in (("headcount", headcount), ("jkk", jkk), ("jkm", jkm), ("jht", jht)):
            total[name] += int(value)


def sums_in_statement() -> Groups | None:
    """An empty Groups when each detail INSERT can also sum what it wrote, else None.

    PostgreSQL sums the rows an INSERT returns in the same statement (a data-modifying
    WITH), so the lines need no second pass over a million rows, nor table statistics that
    a fresh insert does not have yet (without ANALYZE the second pass took a slow plan).
    SQLite cannot, and reads the rows back through the invoice index.
    """
    return Groups() if connection.vendor == "postgresql" else None


def _write_detail(sql: str, params: list, groups: Groups | None) -> None:
    if groups is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    sums = ", ".join(f"CAST(SUM({name}) AS BIGINT)" for name in ("sign", *AMOUNTS))
    key = ", ".join(GROUP_KEY)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH written AS ({sql} RETURNING {key}, sign, {', '.join(AMOUNTS)})"  # noqa: S608
            f" SELECT {key}, {sums} FROM written GROUP BY {key}",
            params,
        )
        for kind, month, regency_id, cohort_id, *amounts in cursor.fetchall():
            groups.add((kind, month, regency_id, cohort_id), *amounts)


def _rates(
    programme: Programme, month: Month, shares: list[Share]
) -> dict[tuple[int, int], SectorRates]:
    """(cohort, payer) -> the monthly contribution per sector at the rate that payer's money
    attracts.

    The funding source is the payer's: PP 50/2025's discount reaches a CSR- or self-paid share
    and never an APBD/APBN-paid one (DOMAIN.md §2); the sector is each place's own.
    """

    def key(share: Share, sector: str) -> ContributionKey:
        return ContributionKey(
            package=programme.package,
            basis=programme.income_basis,
            sector=sector,
            funding_source=share.payer.funding_source,
        )

    keys = [key(share, sector) for share in shares for sector in Sector.values]
    by_key = contributions_for_groups(month=month, keys=keys)
    return {
        (share.cohort.pk, share.payer.pk): SectorRates(
            transport=by_key[key(share, Sector.TRANSPORT)], other=by_key[key(share, Sector.OTHER)]
        )
        for share in shares
    }


def _insert_regular(
    invoice: Invoice,
    month: Month,
    rule: str,
    share: Share,
    rate: SectorRates,
    groups: Groups | None,
) -> None:
    coverage = covered_in_sql(month, rule)
    amounts, amount_params = rate.columns()
    sql = (
        f"INSERT INTO {DETAIL} ({DETAIL_COLUMNS})"  # noqa: S608 (names are ours)
        f" SELECT %s, %s, %s, e.id, e.regency_id, e.cohort_id, 1, {amounts}"
        f" FROM {ENROLLMENT} e"
        f" WHERE e.programme_id = %s AND e.cohort_id = %s AND {coverage.sql}"
    )
    params = [invoice.pk, LineKind.REGULAR.value, month.first_day, *amount_params]
    params += [invoice.programme_id, share.cohort.pk, *coverage.params]
    _write_detail(sql, params, groups)


def _net_billed(alias: str = "e") -> str:
    """How many times the payer has billed enrollment `alias` for a month, net of removals."""
    return (
        f"(SELECT COALESCE(SUM(d.sign), 0) FROM {DETAIL} d JOIN {INVOICE} i"  # noqa: S608
        f" ON i.id = d.invoice_id WHERE d.enrollment_id = {alias}.id AND d.service_month = %s"
        f" AND i.payer_id = %s AND i.programme_id = %s AND d.cohort_id = {alias}.cohort_id)"
    )


def insert_removals(
    *,
    invoice: Invoice,
    payer: Payer,
    service_month: Month,
    rule: str,
    cohort_ids: list[int],
    groups: Groups | None = None,
) -> None:
    """Negative rows for people billed for `service_month` who are no longer covered in it.

    Driven by the programme's enrollments not covered in the month (after the first months,
    the few who left or never started), each looked up in the detail by (month, enrollment):
    scanning the month's million billed rows instead took seconds. An enrollment's cohort is
    set when it is created and never changes (enrollment app), so coverage alone decides.
    """
    coverage = covered_in_sql(service_month, rule)
    cohorts = ", ".join(["%s"] * len(cohort_ids))
    sql = (
        f"INSERT INTO {DETAIL} ({DETAIL_COLUMNS})"  # noqa: S608 (names are ours)
        f" SELECT %s, %s, d.service_month, d.enrollment_id, MAX(d.regency_id), d.cohort_id,"
        f" -1, -SUM(d.jkk), -SUM(d.jkm), -SUM(d.jht)"
        f" FROM {DETAIL} d JOIN {INVOICE} i ON i.id = d.invoice_id"
        f" WHERE d.service_month = %s AND d.enrollment_id IN (SELECT e.id FROM {ENROLLMENT} e"
        f" WHERE e.programme_id = %s AND NOT COALESCE(({coverage.sql}), FALSE))"
        f" AND i.payer_id = %s AND i.programme_id = %s AND d.cohort_id IN ({cohorts})"
        f" GROUP BY d.enrollment_id, d.service_month, d.cohort_id HAVING SUM(d.sign) > 0"
    )
    params = [invoice.pk, LineKind.ADJUSTMENT.value, service_month.first_day]
    params += [invoice.programme_id, *coverage.params, payer.pk, invoice.programme_id]
    params += cohort_ids
    _write_detail(sql, params, groups)


def _insert_additions(
    *,
    invoice: Invoice,
    payer: Payer,
    service_month: Month,
    rule: str,
    share: Share,
    rate: SectorRates,
    groups: Groups | None,
) -> None:
    """Rows for people covered in `service_month` whom the payer never billed for it."""
    coverage = covered_in_sql(service_month, rule)
    amounts, amount_params = rate.columns()
    sql = (
        f"INSERT INTO {DETAIL} ({DETAIL_COLUMNS})"  # noqa: S608 (names are ours)
        f" SELECT %s, %s, %s, e.id, e.regency_id, e.cohort_id, 1, {amounts}"
        f" FROM {ENROLLMENT} e"
        f" WHERE e.programme_id = %s AND e.cohort_id = %s AND {coverage.sql}"
        f" AND {_net_billed()} = 0"
    )
    params = [invoice.pk, LineKind.ADJUSTMENT.value, service_month.first_day]
    params += [*amount_params, invoice.programme_id, share.cohort.pk]
    params += [*coverage.params, service_month.first_day, payer.pk, invoice.programme_id]
    _write_detail(sql, params, groups)


def last_detail_id() -> int:
    """The highest detail id so far: rows written after it are read back by id range."""
    return InvoiceDetail.objects.aggregate(last=models.Max("id"))["last"] or 0


def detail_groups(invoice: Invoice, *, written_after: int = 0) -> Groups:
    """The invoice's detail summed per line, read back from the table.

    The detail has no index on the invoice (it cost a second per million rows written on
    PostgreSQL); the rows an invoice was just given are found by their id range instead.
    """
    groups = Groups()
    rows = (
        InvoiceDetail.objects.filter(invoice=invoice, id__gt=written_after)
        .values(*GROUP_KEY)
        .annotate(
            headcount=models.Sum("sign"),
            jkk=models.Sum("jkk"),
            jkm=models.Sum("jkm"),
            jht=models.Sum("jht"),
        )
        .order_by()
    )
    for row in rows:
        groups.add(
            tuple(row[name] for name in GROUP_KEY),
            row["headcount"],
            row["jkk"],
            row["jkm"],
            row["jht"],
        )
    return groups


def build_lines(
    invoice: Invoice,
    shares: list[Share],
    groups: Groups | None = None,
    *,
    written_after: int = 0,
    shares_by_month: dict | None = None,
) -> dict:
    """Sum the invoice's detail into lines with the payer's share; return the header totals.

    `groups` are the sums the detail INSERTs returned (PostgreSQL); without them the detail
    written after id `written_after` is read back. A line of an earlier month (an adjustment)
    is apportioned with the shares of that month (`shares_by_month`: month -> this payer's
    shares), since a cohort's payers may change from one month to the next.
    """
    share_of = {share.cohort.pk: share for share in shares}
    by_month = {
        (service_month, share.cohort.pk): share
        for service_month, month_shares in (shares_by_month or {}).items()
        for share in month_shares
    }
    if groups is None:
        groups = detail_groups(invoice, written_after=written_after)
    corrected = dict(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, payer=invoice.payer, programme=invoice.programme
        ).values_list("month", "pk")
    )
    lines: list = []
    totals: defaultdict[str, int] = defaultdict(int)
    for key in sorted(groups):
        kind, service_month, regency_id, cohort_id = key
        group = groups[key]
        share = by_month.get((Month.of(service_month), cohort_id)) or share_of[cohort_id]
        parts = {name: apportion(group[name], share) for name in AMOUNTS}
        is_adjustment = kind == LineKind.ADJUSTMENT
        lines.append(
            InvoiceLine(
                invoice=invoice,
                kind=kind,
                regency_id=regency_id,
                cohort_id=cohort_id,
                service_month=service_month,
                corrects_id=corrected.get(service_month) if is_adjustment else None,
                headcount=group["headcount"],
                share_bp=share.share_bp,
                total=sum(parts.values()),
                **parts,
            )
        )
        for name, value in parts.items():
            totals[name] += value
        totals["adjustments" if is_adjustment else "headcount"] += (
            sum(parts.values()) if is_adjustment else group["headcount"]
        )
    if not lines:
        return {}
    InvoiceLine.objects.bulk_create(lines, batch_size=1000)
    totals["total"] = totals["jkk"] + totals["jkm"] + totals["jht"]
    return dict(totals)


def finalise_header(invoice: Invoice, totals: dict[str, int]) -> None:
    """Write the totals of an invoice being issued, inside the issuing transaction.

    The row was inserted first to claim (payer, programme, month); nobody outside this
    transaction has seen it, so this is still the issuing write, not an edit.
    """
    values = {
        name: totals.get(name, 0) for name in ("headcount", "jkk", "jkm", "jht", "adjustments")
    }
    values["total"] = totals.get("total", 0)
    # The last write an invoice ever gets: the database refuses any after it (frozen).
    models.QuerySet(Invoice).filter(pk=invoice.pk).update(**values, is_final=True)
    for name, value in values.items():
        setattr(invoice, name, value)
    invoice.is_final = True


def _rate_json(rate: Contribution) -> dict[str, int]:
    return {"jkk": rate.jkk, "jkm": rate.jkm, "jht": rate.jht}


def _basis(programme, month, rule, shares, rates) -> dict:
    return {
        "month_rule": rule,
        # False: the due date skipped weekends only (no holiday records for the year).
        "holiday_calendar": has_holiday_calendar(month.year),
        "package": programme.package,
        "income_basis": programme.income_basis,
        # Each place is billed at its own sector's rate (Enrollment.sector).
        "sector": "per place",
        "cohorts": {
            str(share.cohort.pk): {
                "name": share.cohort.name,
                "funding_source": share.payer.funding_source,
                "share_bp": share.share_bp,
                "weights": list(share.weights),
                "rate": _rate_json(rates[(share.cohort.pk, share.payer.pk)].other),
                "rate_transport": _rate_json(rates[(share.cohort.pk, share.payer.pk)].transport),
            }
            for share in shares
        },
    }


def invoice_number(programme: Programme, payer: Payer, month: Month) -> str:
    return f"LND/{programme.pk}/{payer.pk}/{month}"


def _bill_payer(
    *, programme, month, rule, payer, shares, user, billed_months, rates_by_month, shares_by_month
) -> tuple[Invoice, bool]:
    """Bill one payer: `shares` are its shares this month, `shares_by_month` in every month
    it billed before (a payer may leave a cohort, or join one, from a month on)."""
    rates = rates_by_month[month]
    # One savepoint per payer: a payer with nobody to bill leaves no invoice behind.
    with transaction.atomic():
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(
                    kind=InvoiceKind.INVOICE,
                    number=invoice_number(programme, payer, month),
                    payer=payer,
                    programme=programme,
                    month=month.first_day,
                    due_date=due_date(month, payer.regency_id),
                    headcount=0,
                    total=0,
                    basis=_basis(programme, month, rule, shares, rates),
                    issued_by=user,
                )
        except IntegrityError:
            # Another run (or an earlier one) holds this month: one invoice, never two.
            existing = Invoice.objects.get(
                kind=InvoiceKind.INVOICE, payer=payer, programme=programme, month=month.first_day
            )
            return existing, False
        groups = sums_in_statement()
        written_after = last_detail_id() if groups is None else 0
        for share in shares:
            _insert_regular(invoice, month, rule, share, rates[(share.cohort.pk, payer.pk)], groups)
        for earlier in billed_months.get(payer.pk, []):
            earlier_shares = shares_by_month.get(earlier, [])
            if not earlier_shares:
                continue
            insert_removals(
                invoice=invoice,
                payer=payer,
                service_month=earlier,
                rule=rule,
                cohort_ids=[share.cohort.pk for share in earlier_shares],
                groups=groups,
            )
            for share in earlier_shares:
                _insert_additions(
                    invoice=invoice,
                    payer=payer,
                    service_month=earlier,
                    rule=rule,
                    share=share,
                    rate=rates_by_month[earlier][(share.cohort.pk, payer.pk)],
                    groups=groups,
                )
        totals = build_lines(
            invoice,
            shares,
            groups,
            written_after=written_after,
            shares_by_month=shares_by_month,
        )
        if not totals:
            raise _NothingToBill
        finalise_header(invoice, totals)
        notify("contributions.billing")
        record_event(
            action="contributions.invoice_issued",
            target=invoice,
            user=user,
            summary={
                "month": str(month),
                "headcount": invoice.headcount,
                "total": invoice.total,
                "adjustments": invoice.adjustments,
            },
        )
    return invoice, True


def _refresh_statistics(programme: Programme, month: Month) -> None:
    """ANALYZE the detail on PostgreSQL before the adjustment pass looks back.

    The look-ups of earlier months are planned from table statistics, which a million rows
    billed last month leave stale until autovacuum catches up; with stale statistics the
    planner combined the invoice index into every look-up and read the whole month once per
    person (minutes instead of seconds). ANALYZE samples ~30,000 rows. Run before the billing
    transaction when there is none around it, so its lock is released at once.
    """
    if connection.vendor != "postgresql":
        return
    if not Invoice.objects.filter(programme=programme, month__lt=month.first_day).exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DETAIL}")


class _NothingToBill(Exception):
    pass


def bill_month(
    *, programme: Programme, month: Month, user, progress: Progress = NULL_PROGRESS
) -> BillingResult:
    """Issue the month's invoices for every payer of the programme (idempotent)."""
    require(user, Action.MANAGE_BILLING)
    first, last = Month.of(programme.coverage_start), Month.of(programme.coverage_end)
    if not first <= month <= last:
        raise InvalidInput(
            _("%(month)s is outside the programme's coverage (%(first)s to %(last)s).")
            % {"month": month, "first": first, "last": last},
            code="month_outside_programme",
        )
    check_editable(programme, "billing")
    rule = policy_for(programme).month_rule
    result = BillingResult(month=month)
    _refresh_statistics(programme, month)
    with transaction.atomic():
        # Deaths recorded since the last run end their places first, so nobody is billed for a
        # month after the month of death and earlier months come back as adjustments.
        end_places_of_the_deceased(user=user)
        shares = cohort_shares(programme, month)
        if not shares:
            raise InvalidInput(_("The programme has no cohorts to bill."), code="no_cohorts")
        billed_months: dict[int, list[Month]] = defaultdict(list)
        for payer_id, billed in Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, programme=programme, month__lt=month.first_day
        ).values_list("payer_id", "month"):
            billed_months[payer_id].append(Month.of(billed))
        months = {month, *(m for months in billed_months.values() for m in months)}
        # The shares in force in every month billed here: each month is apportioned with its
        # own payers (a kabupaten that takes over half a cohort from July pays from July).
        month_shares = {m: (shares if m == month else cohort_shares(programme, m)) for m in months}
        rates_by_month = {m: _rates(programme, m, month_shares[m]) for m in months}
        payers: dict[int, Payer] = {}
        by_payer_month: dict[int, dict[Month, list[Share]]] = defaultdict(lambda: defaultdict(list))
        for m, m_shares in month_shares.items():
            for share in m_shares:
                by_payer_month[share.payer.pk][m].append(share)
                if m == month or m in billed_months.get(share.payer.pk, []):
                    payers[share.payer.pk] = share.payer
        progress.start(len(payers), _("Billing %(month)s") % {"month": month})
        # Payers in primary-key order, so concurrent runs take their locks in the same order.
        for payer_id in sorted(payers):
            try:
                invoice, created = _bill_payer(
                    programme=programme,
                    month=month,
                    rule=rule,
                    payer=payers[payer_id],
                    shares=by_payer_month[payer_id].get(month, []),
                    user=user,
                    billed_months={k: sorted(v) for k, v in billed_months.items()},
                    rates_by_month=rates_by_month,
                    shares_by_month=by_payer_month[payer_id],
                )
            except _NothingToBill:
                result.empty.append(payers[payer_id])
            else:
                (result.created if created else result.existing).append(invoice)
            progress.advance(1)
        progress.finish()
    return result
