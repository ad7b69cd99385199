"""What programs asks of the apps built on it, answered by them at start-up.

Programs sits below enrollment and contributions (docs/architecture.md), so it never imports
them. Three questions need their tables: who already holds a place in a programme (selection's
"continued from last year", approval's activation) and whether a month is already billed (a
funding change may start only after the last billed month). `EnrollmentConfig.ready` and
`ContributionsConfig.ready` register the answers here, as enrollment registers its people search
criterion with the registry.
"""

from collections.abc import Callable
from datetime import date

_enrollment_table: Callable[[], str] | None = None
_active_places: Callable[[int], int] | None = None
_billed_from: Callable[[int, date], bool] | None = None


def register_enrollment(*, table: Callable[[], str], active_places: Callable[[int], int]) -> None:
    global _enrollment_table, _active_places
    _enrollment_table, _active_places = table, active_places


def register_billing(*, billed_from: Callable[[int, date], bool]) -> None:
    global _billed_from
    _billed_from = billed_from


def _missing(app: str) -> RuntimeError:
    return RuntimeError(f"lindungi.{app} is not installed: programs needs its answer")


def enrollment_table() -> str:
    """The enrollment table's name, for selection's SQL."""
    if _enrollment_table is None:
        raise _missing("enrollment")
    return _enrollment_table()


def active_places(programme_id: int) -> int:
    """How many places of the programme are active (covered now)."""
    if _active_places is None:
        raise _missing("enrollment")
    return _active_places(programme_id)


def billed_from(programme_id: int, first_day: date) -> bool:
    """Whether any invoice of the programme bills `first_day`'s month or a later one."""
    if _billed_from is None:
        raise _missing("contributions")
    return _billed_from(programme_id, first_day)
