"""Small set-based helpers shared by the enrollment services."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from lindungi.enrollment.models import Enrollment, EnrollmentEvent


def record_transitions(
    queryset: QuerySet[Enrollment],
    *,
    to_state: str,
    on: date | str,
    actor_id: int | None,
    note: str = "",
    created: bool = False,
) -> int:
    """INSERT..SELECT one EnrollmentEvent per enrollment of `queryset`, from its current state.

    Call it before the update() that changes the state, so `from_state` is still the old one;
    `created` records a new place (no previous state).
    """
    # `on` is one date for every row, or the lookup of a date the queryset reads per row
    # (`person__died_on`: each place ends on its person's date of death; a name we write).
    per_row = isinstance(on, str)
    picked = queryset.order_by()
    if per_row:
        picked = picked.annotate(on_day=F(on)).values_list("id", "state", "on_day")
    else:
        picked = picked.values_list("id", "state")
    select_sql, select_params = picked.query.sql_with_params()
    events = connection.ops.quote_name(EnrollmentEvent._meta.db_table)
    ops = connection.ops
    from_state = "''" if created else "picked.state"
    day = "picked.on_day" if per_row else "%s"
    columns = "enrollment_id, from_state, to_state, date, actor_id, note, recorded_at"
    sql = (
        f"INSERT INTO {events} ({columns}) "  # noqa: S608 (names are ours, values parameters)
        f"SELECT picked.id, {from_state}, %s, {day}, %s, %s, %s"
        f" FROM ({select_sql}) picked"
    )
    params = [
        to_state,
        *([] if per_row else [ops.adapt_datefield_value(on)]),
        actor_id,
        note[:300],
        ops.adapt_datetimefield_value(timezone.now()),
        *select_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a file's 100,000 rows become tuples.

    The rows hold no reference cycles, yet every few hundred allocations the collector walks
    the ever larger heap of them: about a third of an import's Python time. Reference
    counting still frees everything; the collector runs again as soon as the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
