"""One person's history across the apps: imports, selection, submission, coverage, exits...

Apps contribute with `register_timeline_source(name, function)`; a function takes
(person, user) and returns TimelineEntry items. Contributions and claims add invoices and
claims the same way (from their AppConfig.ready), without this module knowing them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core.permissions import Action, require, scoped


@dataclass(frozen=True)
class TimelineEntry:
    when: date | datetime
    source: str  # the contributing app, e.g. "registry"
    title: str
    detail: str = ""
    # Orders entries within one day when `when` is only a date.
    recorded_at: datetime | None = None


TimelineSource = Callable[..., Iterable[TimelineEntry]]
_SOURCES: dict[str, TimelineSource] = {}


def register_timeline_source(name: str, function: TimelineSource) -> None:
    """Add (or replace, by name) a source of timeline entries."""
    _SOURCES[name] = function


def _moment(when: date | datetime) -> datetime:
    if isinstance(when, datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return timezone.make_aware(datetime(when.year, when.month, when.day))


def _sort_key(entry: TimelineEntry) -> tuple[date, datetime]:
    moment = _moment(entry.when)
    return (timezone.localdate(moment), _moment(entry.recorded_at or entry.when))


def person_timeline(*, person, user) -> list[TimelineEntry]:
    """Every registered source's entries for a person the user may see, oldest first."""
    require(user, Action.VIEW_PEOPLE)
    from lindungi.registry.models import Person

    if not scoped(user, Person.objects.filter(pk=person.pk)).exists():
        return []
    entries = [entry for source in _SOURCES.values() for entry in source(person, user)]
    return sorted(entries, key=_sort_key)


def _registry_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.registry.models import PersonVersion

    yield TimelineEntry(
        person.created_at,
        "registry",
        _("Registered as a candidate"),
        person.source_import.file_name if person.source_import_id else "",
    )
    for version in PersonVersion.objects.filter(person=person).select_related("replaced_by_import"):
        yield TimelineEntry(
            version.replaced_at,
            "registry",
            _("Details updated by an import"),
            version.replaced_by_import.file_name,
        )


def _selection_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.programs.models import Decision

    for decision in Decision.objects.filter(person=person).select_related("run__programme"):
        when = decision.run.approved_at or decision.run.created_at
        yield TimelineEntry(
            when,
            "programs",
            _("Selection: %(outcome)s") % {"outcome": decision.get_outcome_display()},
            _("%(programme)s, rank %(rank)s")
            % {"programme": decision.run.programme, "rank": decision.rank or "–"},
        )


def _enrollment_entries(person, user) -> Iterable[TimelineEntry]:
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import EnrollmentEvent

    events = EnrollmentEvent.objects.filter(enrollment__person=person).select_related(
        "enrollment__programme"
    )
    for event in events:
        yield TimelineEntry(
            event.date,
            "enrollment",
            EnrollmentState(event.to_state).label,
            " · ".join(part for part in (str(event.enrollment.programme), event.note) if part),
            recorded_at=event.recorded_at,
        )


register_timeline_source("registry", _registry_entries)
register_timeline_source("programs", _selection_entries)
register_timeline_source("enrollment", _enrollment_entries)
