"""The stated rule that turns the panel's scores into a final score and a ranking.

1. Per criterion, the members' scores are combined by the period's rule: the mean, or the mean
   without the highest and the lowest score (only when at least three members scored).
2. That figure is placed on 0-100 within the criterion's scale: (score - lowest) / (highest -
   lowest) x 100.
3. The final score is the weighted sum over the criteria (weights add up to 100 %), rounded
   half up to two decimals. A criterion nobody scored counts as its lowest score.
4. Ranking per category: highest final score first; equal scores share a rank (1, 2, 2, 4).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lindungi.awards.choices import ScoreRule

TWO_PLACES = Decimal("0.01")


def combine(scores: Sequence[Decimal], rule: str) -> Decimal | None:
    """The panel's figure for one criterion; None when nobody scored it."""
    if not scores:
        return None
    values = sorted(scores)
    if rule == ScoreRule.TRIMMED_MEAN and len(values) >= 3:
        values = values[1:-1]
    elif rule not in (ScoreRule.MEAN, ScoreRule.TRIMMED_MEAN):
        raise ValueError(f"unknown score rule {rule!r}")
    return sum(values, Decimal(0)) / len(values)


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    weight: Decimal
    scale_min: int
    scale_max: int
    combined: Decimal | None
    # The criterion's contribution to the final score, in points out of its weight.
    points: Decimal


def criterion_result(
    *, criterion_id: int, weight: Decimal, scale_min: int, scale_max: int, combined
) -> CriterionResult:
    reached = Decimal(0) if combined is None else combined - scale_min
    share = reached / (scale_max - scale_min)
    points = (share * weight).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return CriterionResult(criterion_id, weight, scale_min, scale_max, combined, points)


def final_score(results: Iterable[CriterionResult]) -> Decimal:
    total = sum((result.points for result in results), Decimal(0))
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def competition_ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    """Entry id -> rank; equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (entry_id, score) in enumerate(ordered, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[entry_id] = rank
    return ranks
