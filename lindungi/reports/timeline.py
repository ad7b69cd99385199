"""One person's history across the apps: imports, selection, submission, coverage, exits,
claims. Reports sits above every app, so it asks each one for its lines directly (their
selectors) instead of the apps registering themselves with a lower one."""

from datetime import date, datetime

from django.utils import timezone

from lindungi.benefits.timeline import claim_entries
from lindungi.core.permissions import Action, require, scoped
from lindungi.core.timeline import TimelineEntry
from lindungi.enrollment.selectors import person_timeline_entries as enrollment_entries
from lindungi.programs.selectors import person_timeline_entries as selection_entries
from lindungi.registry.models import Person
from lindungi.registry.selectors import person_timeline_entries as registry_entries

SOURCES = (registry_entries, selection_entries, enrollment_entries, claim_entries)


def _moment(when: date | datetime) -> datetime:
    if isinstance(when, datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return timezone.make_aware(datetime(when.year, when.month, when.day))


def _sort_key(entry: TimelineEntry) -> tuple[date, datetime]:
    moment = _moment(entry.when)
    return (timezone.localdate(moment), _moment(entry.recorded_at or entry.when))


def person_timeline(*, person, user) -> list[TimelineEntry]:
    """Every app's entries for a person the user may see, oldest first."""
    require(user, Action.VIEW_PEOPLE)
    if not scoped(user, Person.objects.filter(pk=person.pk)).exists():
        return []
    entries = [entry for source in SOURCES for entry in source(person, user)]
    return sorted(entries, key=_sort_key)
