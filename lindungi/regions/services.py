"""Loading the Kemendagri reference regions (placeholder until the loader lands)."""


def load_regions(*, province_codes: list[str] | None = None) -> dict[str, int]:
    return {}
