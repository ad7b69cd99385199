"""Payers and funding shares: who pays which part of a cohort, from which month.

A cohort has any number of shares; the shares that start in the same month add up to exactly
10,000 basis points (100 %). A later month may change them ("a kabupaten takes over half of
its people from July"): the shares in force in a month are those with the latest `from_month`
on or before it. Billing, budgets, the forecast and reconciliation ask `shares_in_force`.

Rounding rule (the one every reader applies): an amount is split over the month's payers by
the largest-remainder method (`core.money.largest_remainder`) with the payers in id order, so
the parts add up to the amount exactly, ties going to the larger share, then the lower id.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.dates import Month
from lindungi.core.errors import InvalidInput, InvalidTransition
from lindungi.core.permissions import Action, require
from lindungi.programs.above import billed_from
from lindungi.programs.choices import FundingSource, PayerType, ProgrammeStatus
from lindungi.programs.models import Cohort, FundingShare, Payer, Programme

WHOLE = 10_000


@dataclass(frozen=True)
class ShareSpec:
    payer: Payer
    share_bp: int


def find_or_create_payer(
    *,
    payer_type: str,
    name: str,
    funding_source: str,
    regency_code: str | None = None,
    province_code: str | None = None,
) -> Payer:
    """The payer record for a government (found by its region) or a named company/village.

    A government is one payer whatever it is called, so "Pemerintah Provinsi NTT" and
    "Pemerintah Provinsi Nusa Tenggara Timur" name the same record. Called inside the caller's
    transaction (cohort creation), which records the audit event.
    """
    if payer_type not in PayerType.values or funding_source not in FundingSource.values:
        raise InvalidInput(_("Unknown payer type or funding source."), code="payer_invalid")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("The payer needs a name."), code="payer_invalid")
    existing = None
    if payer_type == PayerType.REGENCY and regency_code:
        existing = Payer.objects.filter(payer_type=payer_type, regency_id=regency_code).first()
    elif payer_type == PayerType.PROVINCE and province_code:
        existing = Payer.objects.filter(payer_type=payer_type, province_id=province_code).first()
    if existing is None:
        existing = Payer.objects.filter(payer_type=payer_type, name__iexact=name).first()
    if existing is not None:
        return existing
    return Payer.objects.create(
        payer_type=payer_type,
        name=name,
        funding_source=funding_source,
        regency_id=regency_code if payer_type != PayerType.PROVINCE else None,
        province_id=province_code,
    )


def _check_shares(shares: list[ShareSpec]) -> None:
    if not shares:
        raise InvalidInput(_("A cohort needs at least one payer."), code="shares_missing")
    if any(share.share_bp <= 0 or share.share_bp > WHOLE for share in shares):
        raise InvalidInput(
            _("Each share must be above 0 % and at most 100 %."), code="share_invalid"
        )
    if len({share.payer.pk for share in shares}) != len(shares):
        raise InvalidInput(_("A payer is named twice."), code="payer_repeated")
    total = sum(share.share_bp for share in shares)
    if total != WHOLE:
        raise InvalidInput(
            _("The payers' shares add up to %(total)s %%, not 100 %%.")
            % {"total": f"{total / 100:g}"},
            code="shares_not_whole",
        )


def write_shares(cohort: Cohort, from_month: date, shares: list[ShareSpec]) -> None:
    """Validate and store the shares (no permission check: the calling service did it)."""
    _check_shares(shares)
    FundingShare.objects.filter(cohort=cohort, from_month=from_month).delete()
    FundingShare.objects.bulk_create(
        FundingShare(
            cohort=cohort, payer=share.payer, from_month=from_month, share_bp=share.share_bp
        )
        for share in shares
    )


def set_funding_shares(
    *, user, cohort: Cohort, from_month: Month, shares: list[ShareSpec]
) -> list[FundingShare]:
    """Change who pays a cohort from `from_month` on. Months already billed cannot change."""

    require(user, Action.MANAGE_PROGRAMMES)
    programme = cohort.programme
    if programme.status == ProgrammeStatus.CLOSED:
        raise InvalidTransition(
            _("The programme is closed: its funding can no longer change."),
            code="programme_closed",
        )
    first, last = Month.of(programme.coverage_start), Month.of(programme.coverage_end)
    if not first <= from_month <= last:
        raise InvalidInput(
            _("%(month)s is outside the programme's coverage.") % {"month": from_month},
            code="month_outside_programme",
        )
    # Contributions builds on programs and answers this (programs.above).
    if billed_from(programme.pk, from_month.first_day):
        raise InvalidTransition(
            _("%(month)s is already billed: change the shares from a later month.")
            % {"month": from_month},
            code="month_already_billed",
        )
    with transaction.atomic():
        before = [
            {"payer": s.payer_id, "share_bp": s.share_bp}
            for s in FundingShare.objects.filter(cohort=cohort, from_month=from_month.first_day)
        ]
        write_shares(cohort, from_month.first_day, shares)
        record_event(
            action="programs.funding_shares_set",
            target=cohort,
            before={"from_month": str(from_month), "shares": before},
            after={
                "from_month": str(from_month),
                "shares": [{"payer": s.payer.pk, "share_bp": s.share_bp} for s in shares],
            },
            user=user,
        )
    return list(FundingShare.objects.filter(cohort=cohort, from_month=from_month.first_day))


def shares_in_force(programme: Programme, month: Month) -> dict[int, list[FundingShare]]:
    """Cohort id -> its shares in `month`, payers in id order (the apportioning order).

    Before a cohort's first share month its first shares apply (a programme starting on the
    18th still bills its first month).
    """
    rows = FundingShare.objects.filter(cohort__programme=programme).select_related("payer")
    by_cohort: dict[int, dict[date, list[FundingShare]]] = defaultdict(lambda: defaultdict(list))
    for share in rows:
        by_cohort[share.cohort_id][share.from_month].append(share)
    result: dict[int, list[FundingShare]] = {}
    for cohort_id, by_month in by_cohort.items():
        starts = sorted(by_month)
        chosen = starts[0]
        for start in starts:
            if start <= month.first_day:
                chosen = start
        result[cohort_id] = sorted(by_month[chosen], key=lambda share: share.payer_id)
    return result


def share_months(programme: Programme) -> list[Month]:
    """The months in which some cohort's shares change (the first month included)."""
    starts = FundingShare.objects.filter(cohort__programme=programme).values_list(
        "from_month", flat=True
    )
    return sorted({Month.of(start) for start in starts})
