"""A programme's billing policy and payers, read from its cohorts."""

from dataclasses import dataclass

from lindungi.contributions.models import BillingPolicy, Payer
from lindungi.programs.models import Cohort, Programme

WHOLE = 10_000


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
    # The weights of both payers in apportioning order (first payer first), for largest
    # remainder: both invoices apportion the same way, so the two shares add up exactly.
    weights: tuple[int, ...]
    position: int


def _payer(payer_type: str, name: str, regency_id: str | None) -> Payer:
    payer, _ = Payer.objects.get_or_create(
        payer_type=payer_type, name=name, defaults={"regency_id": regency_id}
    )
    return payer


def cohort_shares(programme: Programme) -> list[Share]:
    """Every (cohort, payer) pair of the programme with the payer's share."""
    shares: list[Share] = []
    for cohort in Cohort.objects.filter(programme=programme).order_by("pk"):
        second = cohort.second_payer_share_bp if cohort.second_payer_name else 0
        weights = (WHOLE - second, second)
        first_payer = _payer(cohort.payer_type, cohort.payer_name, cohort.payer_regency_id)
        if weights[0]:
            shares.append(Share(cohort, first_payer, weights[0], weights, 0))
        if second:
            second_payer = _payer(
                cohort.second_payer_type or cohort.payer_type,
                cohort.second_payer_name,
                cohort.second_payer_regency_id,
            )
            shares.append(Share(cohort, second_payer, second, weights, 1))
    return shares
