"""One line of a person's history. Each app builds its own lines in its selectors
(`person_timeline_entries`); reports/timeline.py puts them together, above all of them."""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class TimelineEntry:
    when: date | datetime
    source: str  # the contributing app, e.g. "registry"
    title: str
    detail: str = ""
    # Orders entries within one day when `when` is only a date.
    recorded_at: datetime | None = None
