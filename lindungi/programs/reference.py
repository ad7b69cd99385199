"""Reference values that are settings, not code: each with its source, and marked unconfirmed
where DOMAIN.md says so. The rates page shows them; the writers read them from here.

Override in the environment's settings (LINDUNGI_KPJ_PATTERN, LINDUNGI_INCOME_BASIS_MIN,
LINDUNGI_INCOME_BASIS_MAX, LINDUNGI_DESIL_LABELS, LINDUNGI_MAX_AGE,
LINDUNGI_TRANSPORT_OCCUPATIONS).
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


# Words of an occupation (lower case, matched anywhere in it) that put a participant in the
# transport sector of PP 50/2025: ojek riders are the regulation's own example.
DEFAULT_TRANSPORT_OCCUPATIONS = ("ojek", "pengemudi", "sopir", "supir", "kernet", "becak")


@dataclass(frozen=True)
class ReferenceValue:
    key: str
    label: str
    value: str
    source: str
    confirmed: bool


def kpj_pattern() -> re.Pattern:
    return re.compile(getattr(settings, "LINDUNGI_KPJ_PATTERN", r"^\d{11}$"))


def transport_occupations() -> tuple[str, ...]:
    words = getattr(settings, "LINDUNGI_TRANSPORT_OCCUPATIONS", DEFAULT_TRANSPORT_OCCUPATIONS)
    return tuple(word.lower() for word in words if word)


def sector_of(occupation: str) -> str:
    """The rate-table sector of an occupation as the registry holds it (Sector values)."""
    text = (occupation or "").lower()
    return "transport" if any(word in text for word in transport_occupations()) else "other"


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
        ReferenceValue(
            "LINDUNGI_TRANSPORT_OCCUPATIONS",
            str(_("Occupations billed as the transport sector")),
            ", ".join(transport_occupations()),
            "PP 50/2025 names the transport sector (ojek riders); which registry occupations"
            " count as transport is our reading, unconfirmed (DOMAIN.md §2)",
            False,
        ),
    ]
