"""Money is integer rupiah everywhere. Formatting and exact apportioning live here."""

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def format_rupiah(amount: int | None) -> str:
    """Rp1.680.000.000, the Indonesian way (dots between thousands, no space, no decimals)."""
    if amount is None:
        return "–"
    if not isinstance(amount, int):
        raise TypeError(f"money must be integer rupiah, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def format_number(value: int | None) -> str:
    """100.000 (dots between thousands)."""
    if value is None:
        return "–"
    return f"{value:,}".replace(",", ".")


def largest_remainder(total: int, weights: Sequence[tuple[K, int]]) -> dict[K, int]:
    """Split a whole number `total` in proportion to integer weights so the parts add up exactly.

    Hamilton's method: everyone gets the floor of their exact share, then the units left over go
    to the largest remainders. Ties go to the larger weight, then to the earlier position, so the
    result is deterministic. Zero weights get zero; all-zero weights are refused.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(weight < 0 for _, weight in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weight for _, weight in weights)
    if weight_sum == 0:
        if total == 0:
            return {key: 0 for key, _ in weights}
        raise ValueError("cannot apportion a positive total over zero weights")
    shares: dict[K, int] = {}
    remainders = []
    for position, (key, weight) in enumerate(weights):
        quotient, remainder = divmod(total * weight, weight_sum)
        shares[key] = quotient
        remainders.append((-remainder, -weight, position, key))
    left = total - sum(shares.values())
    for _, _, _, key in sorted(remainders)[:left]:
        shares[key] += 1
    return shares
