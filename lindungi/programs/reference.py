"""Reference values that are settings, not code: each with its source, and marked unconfirmed
where DOMAIN.md says so. The rates page shows them; the writers read them from here.

Override in the environment's settings (LINDUNGI_KPJ_PATTERN, LINDUNGI_INCOME_BASIS_MIN,
LINDUNGI_INCOME_BASIS_MAX, LINDUNGI_DESIL_LABELS, LINDUNGI_MAX_AGE).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_DESIL_LABELS = {
    1: "sangat miskin / miskin ekstrem",
    2: "miskin",
    3: "hampir miskin",
    4: "rentan",
}


@dataclass(frozen=True)
class ReferenceValue:
    key: str
    label: str
    value: str
    source: str
    confirmed: bool


def kpj_pattern() -> re.Pattern:
    return re.compile(getattr(settings, "LINDUNGI_KPJ_PATTERN", r"^\d{11}$"))


def desil_labels() -> dict[int, str]:
    return dict(getattr(settings, "LINDUNGI_DESIL_LABELS", DEFAULT_DESIL_LABELS))


def reference_values() -> list[ReferenceValue]:
    from lindungi.programs.services import income_basis_bounds

    low, high = income_basis_bounds()
    labels = "; ".join(f"{desil}: {label}" for desil, label in sorted(desil_labels().items()))
    return [
        ReferenceValue(
            "LINDUNGI_KPJ_PATTERN",
            str(_("KPJ (insurer card number) format")),
            kpj_pattern().pattern,
            "11 digits, no public check digit (secondary sources; DOMAIN.md §4)",
            False,
        ),
        ReferenceValue(
            "LINDUNGI_INCOME_BASIS_MIN / MAX",
            str(_("Declared income basis bounds (Rp)")),
            f"{low:,} – {high:,}".replace(",", "."),
            "PP 44/2015 Lampiran II; the full bracket table is unconfirmed (DOMAIN.md §2)",
            False,
        ),
        ReferenceValue(
            "LINDUNGI_DESIL_LABELS",
            str(_("Welfare decile labels")),
            labels,
            "usual labels; no regulation fixes 'extreme poor = desil 1' (DOMAIN.md §5)",
            False,
        ),
        ReferenceValue(
            "LINDUNGI_MAX_AGE",
            str(_("Age limit for BPU registration")),
            str(getattr(settings, "LINDUNGI_MAX_AGE", 65)),
            "commonly cited as 65; unconfirmed (DOMAIN.md §2)",
            False,
        ),
    ]
