"""The poverty label derived from a welfare decile (desil).

No regulation fixes which decile is "extremely poor" (DOMAIN.md §5), so the mapping is a
setting: `LINDUNGI_DESIL_POVERTY_LABELS = {1: "extreme_poor", 2: "poor", ...}`. Deciles missing
from the mapping are "not_poor"; an unknown decile is "unknown".
"""

from django.conf import settings

from lindungi.registry.choices import PovertyLabel

DEFAULT_DESIL_POVERTY_LABELS: dict[int, str] = {
    1: PovertyLabel.EXTREME_POOR,
    2: PovertyLabel.POOR,
    3: PovertyLabel.NEAR_POOR,
    4: PovertyLabel.VULNERABLE,
}


def desil_poverty_labels() -> dict[int | None, str]:
    """Every desil 1-10 (and None) -> poverty label value, per the current setting."""
    configured = getattr(settings, "LINDUNGI_DESIL_POVERTY_LABELS", None)
    mapping = DEFAULT_DESIL_POVERTY_LABELS if configured is None else configured
    valid = set(PovertyLabel.values)
    labels: dict[int | None, str] = {None: PovertyLabel.UNKNOWN.value}
    for desil in range(1, 11):
        label = str(mapping.get(desil, PovertyLabel.NOT_POOR))
        if label not in valid:
            raise ValueError(f"LINDUNGI_DESIL_POVERTY_LABELS[{desil}]={label!r} is not a label")
        labels[desil] = label
    return labels


def poverty_label_for(desil: int | None) -> str:
    return desil_poverty_labels()[desil]
