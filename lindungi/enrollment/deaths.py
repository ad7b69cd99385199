"""Deaths reach the registry and end the places of the deceased (issue 19, point 1).

A death comes from an exit (form or file), a JKM claim, or the civil registry's death list.
registry.services.record_deaths marks the person deceased with its source and date; this
module ends their open places on the date of death, set-based, and gives the freed places to
the waitlist like any exit. Submission and billing run `end_places_of_the_deceased` before
they read places, so a deceased person is never submitted, and never billed for a month after
the month of death: a death recorded after billing ends the place in the past, and the next
invoice takes the months back (or a credit note, after the programme's last month).
"""

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.core.changes import notify
from lindungi.core.permissions import Action, regency_scope, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.enrollment.choices import OPEN_STATES, EnrollmentState, ExitReason, ExitRejectReason
from lindungi.enrollment.exits import write_rejected_rows
from lindungi.enrollment.files import parse_date, read_table
from lindungi.enrollment.models import Enrollment, ExitImport
from lindungi.enrollment.replacement import replace_freed_places
from lindungi.enrollment.services import end_places
from lindungi.enrollment.sql import record_transitions
from lindungi.registry.choices import DeathSource
from lindungi.registry.models import Person
from lindungi.registry.services import DeathsRecorded, record_deaths
from lindungi.registry.services import record_death as record_death_in_registry

NIK_PATTERN = re.compile(r"^\d{16}$")
ALIASES = {
    "NIK": ("no_nik",),
    "TANGGAL": ("tanggal_meninggal", "tanggal_kematian", "date_of_death", "tgl_meninggal"),
}
CHUNK = 5_000


def end_places_of_the_deceased(*, user, on: date | None = None) -> int:
    """End every open place whose person is recorded deceased, on the date of death.

    It applies deaths already recorded (and audited) in the registry, so it needs no right of
    its own: billing and submission call it for whoever runs them. Set-based whatever the
    number of dates of death: one event INSERT..SELECT and two UPDATEs, each place reading
    its own person's date; nothing to do costs one query on the partial index of the deceased.
    """
    on = on or timezone.localdate()
    group = Enrollment.objects.filter(
        state__in=OPEN_STATES, person__died_on__isnull=False
    ).order_by()
    ended_ids = list(group.values_list("pk", flat=True))
    if not ended_ids:
        return 0
    with transaction.atomic():
        record_transitions(
            group,
            to_state=EnrollmentState.ENDED,
            on="person__died_on",
            actor_id=getattr(user, "pk", None),
            note=ExitReason.DEATH,
        )
        died_on = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("died_on")[:1])
        end_places(
            group,
            reason=ExitReason.DEATH,
            ended_on=died_on,
            updated_at=timezone.now(),
        )
        replacements = replace_freed_places(user=user, vacated_ids=ended_ids, on=on)
        notify("enrollment.exit")
        record_event(
            action="enrollment.deceased_places_ended",
            summary={"ended": len(ended_ids), "replacements": replacements},
            user=user,
        )
    return len(ended_ids)


def record_death(*, user, person: Person, died_on: date, source: str, reference: str = ""):
    """One death (a JKM claim, an exit form) recorded in the registry, and the places ended."""
    with transaction.atomic():
        person = record_death_in_registry(
            user=user, person=person, died_on=died_on, source=source, reference=reference
        )
        end_places_of_the_deceased(user=user)
    return person


def record_many_deaths(
    *, user, deaths: Mapping[int, date], source: str, reference: str = "", on: date | None = None
) -> DeathsRecorded:
    """Many deaths at once (person id -> date of death; a claim file's death claims), set-based
    as the death list is: recorded in the registry, then the places of the deceased ended.

    A person whose recorded date of death differs is left as recorded and returned among the
    conflicts (a person dies once; a correction is reviewed, not imported).
    """
    with transaction.atomic():
        result = record_deaths(user=user, deaths=deaths, source=source, reference=reference)
        end_places_of_the_deceased(user=user, on=on)
    return result


def _people(niks: list[str]) -> dict[str, tuple[int, date | None, str]]:
    found: dict[str, tuple[int, date | None, str]] = {}
    for start in range(0, len(niks), CHUNK):
        for nik, pk, died_on, regency in Person.objects.filter(
            nik__in=niks[start : start + CHUNK]
        ).values_list("nik", "pk", "died_on", "regency_id"):
            found[nik] = (pk, died_on, regency)
    return found


def import_death_list(
    *,
    user,
    file_name: str,
    content: bytes,
    today: date | None = None,
    progress: Progress = NULL_PROGRESS,
) -> ExitImport:
    """The civil registry's death list (NIK, date of death), imported like the exit files.

    Every row is accepted (a death recorded: rows_ended counts them), unchanged (the same
    death already recorded) or rejected with its original values and a reason; accepted +
    unchanged + rejected = read. A failed import leaves the database unchanged.
    """
    require(user, Action.RECORD_EXIT)
    today = today or timezone.localdate()
    limit = regency_scope(user)
    table = read_table(content, file_name, aliases=ALIASES, required=("NIK", "TANGGAL"))
    progress.start(table.rows_read, _("Recording deaths"))
    nik_at, date_at = table.position("NIK"), table.position("TANGGAL")
    # Rows the shared intake refused (a NUL byte, a cell far too long) keep their reason.
    rejected: dict[int, tuple[str, str]] = {
        n: (problem.reason, "") for n, problem in table.problems.items()
    }
    valid: dict[int, tuple[str, date]] = {}
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        nik, date_text = cells[nik_at], cells[date_at]
        died_on = parse_date(date_text)
        problem = None
        if not nik or not date_text:
            problem = ExitRejectReason.MISSING_REQUIRED
        elif not NIK_PATTERN.match(nik):
            problem = ExitRejectReason.NIK_INVALID
        elif died_on is None:
            problem = ExitRejectReason.DATE_INVALID
        elif died_on > today:
            problem = ExitRejectReason.DATE_FUTURE
        elif nik in seen:
            problem = ExitRejectReason.NIK_REPEATED
        if problem:
            rejected[number] = (problem, nik)
        else:
            seen[nik] = number
            valid[number] = (nik, died_on)
    with transaction.atomic():
        people = _people(sorted(seen))
        deaths: dict[int, date] = {}
        unchanged = 0
        for number, (nik, died_on) in sorted(valid.items()):
            if nik not in people:
                rejected[number] = (ExitRejectReason.NIK_UNKNOWN, nik)
                continue
            person_id, recorded, regency = people[nik]
            if limit is not None and regency != limit:
                rejected[number] = (ExitRejectReason.OUTSIDE_USER_REGENCY, nik)
            elif recorded is None:
                deaths[person_id] = died_on
            elif recorded == died_on:
                unchanged += 1
            else:
                rejected[number] = (ExitRejectReason.DEATH_CONFLICT, nik)
        result = record_deaths(
            user=user, deaths=deaths, source=DeathSource.CIVIL_REGISTRY, reference=file_name
        )
        ended = end_places_of_the_deceased(user=user, on=today)
        death_import = ExitImport.objects.create(
            kind=ExitImport.Kind.DEATHS,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            regency_id=limit,
            created_by=user,
            rows_read=table.rows_read,
            rows_ended=result.recorded,
            rows_unchanged=unchanged,
            rows_rejected=len(rejected),
            places_ended=ended,
            reason_counts=dict(sorted(Counter(r for r, _n in rejected.values()).items())),
        )
        write_rejected_rows(death_import, table, rejected)
        record_event(
            action="enrollment.death_list_imported",
            target=death_import,
            summary={
                "read": death_import.rows_read,
                "deaths_recorded": death_import.rows_ended,
                "unchanged": unchanged,
                "rejected": len(rejected),
                "places_ended": ended,
            },
            user=user,
        )
    progress.advance(table.rows_read)
    progress.finish()
    return death_import
