"""A programme's billing policy and the payers' shares of its cohorts, month by month."""

from dataclasses import dataclass

from lindungi.contributions.models import BillingPolicy
from lindungi.core.dates import Month
from lindungi.programs.funding import shares_in_force
from lindungi.programs.models import Cohort, Payer, Programme


def policy_for(programme: Programme) -> BillingPolicy:
    """The programme's saved policy, or the defaults (not saved) when it has none."""
    try:
        return programme.billing_policy
    except BillingPolicy.DoesNotExist:
        return BillingPolicy(programme=programme)


@dataclass(frozen=True)
class Share:
    cohort: Cohort
    payer: Payer
    # The payer's share of the cohort's cost, in basis points.
    share_bp: int
    # The weights of all the month's payers in apportioning order (payer id order), for
    # largest remainder: every invoice apportions the same way, so the parts add up exactly.
    weights: tuple[int, ...]
    position: int


def cohort_shares(programme: Programme, month: Month | None = None) -> list[Share]:
    """Every (cohort, payer) pair of the programme in `month` with the payer's share.

    Without a month, the shares of the programme's first month.
    """
    month = month or Month.of(programme.coverage_start)
    cohorts = {cohort.pk: cohort for cohort in Cohort.objects.filter(programme=programme)}
    result: list[Share] = []
    for cohort_id, shares in sorted(shares_in_force(programme, month).items()):
        weights = tuple(share.share_bp for share in shares)
        for position, share in enumerate(shares):
            result.append(Share(cohorts[cohort_id], share.payer, share.share_bp, weights, position))
    return result
