"""Reads of the registry, always through core.permissions.scoped."""

from collections.abc import Iterable
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from lindungi.core.ages import AgeBand, band_limits
from lindungi.core.dates import local_today
from lindungi.core.permissions import Action, require, scoped
from lindungi.core.timeline import TimelineEntry
from lindungi.registry.choices import DuplicateStatus, RejectReason
from lindungi.registry.models import (
    CandidateImport,
    DuplicateCandidate,
    Person,
    PersonVersion,
    RejectedRow,
)

NIK_LENGTH = 16
REGENCY_CODE_LENGTH = 5  # "53.05"


def list_people(
    *,
    user,
    query: str = "",
    regency: str | None = None,
    village: str | None = None,
    desil: int | None = None,
    sex: str | None = None,
    occupation: str | None = None,
    age_band: str | None = None,
    as_of: date | None = None,
) -> QuerySet[Person]:
    """People the user may see; `query` is a NIK (or its start) or part of a name.

    `age_band` is an `AgeBand` value (age on `as_of`, today by default), as the dashboards
    count it; an unknown band matches nobody.
    """
    people = scoped(user, Person.objects.select_related("village", "regency"))
    query = " ".join((query or "").split())
    if query.isdigit():
        people = people.filter(nik_prefix(query))
    elif query:
        people = people.filter(name_normalised__contains=query.upper())
    if regency:
        people = people.filter(regency_id=regency)
    if village:
        people = people.filter(in_village(village))
    if desil:
        people = people.filter(desil=desil)
    if sex:
        people = people.filter(sex=sex)
    if occupation:
        people = people.filter(occupation__iexact=occupation.strip())
    if age_band:
        people = people.filter(_age_band_condition(age_band, as_of or local_today()))
    return people.order_by("nik")


def in_village(code: str) -> Q:
    """People living in the village `code` (dotted). A village's code starts with its
    regency's, so the (regency, NIK) index narrows the search to one regency: the registry
    keeps no index on the village alone (it cost every million-row import 0.7 s)."""
    return Q(regency_id=code[:REGENCY_CODE_LENGTH], village_id=code)


def nik_prefix(digits: str) -> Q:
    """People whose NIK starts with `digits`, as a range that the unique NIK index serves in
    any collation: every registered NIK is 16 digits, and strings of 16 digits sort as their
    numbers do. (`nik__startswith` needs a second, LIKE-only index on PostgreSQL.)"""
    return Q(nik__gte=digits.ljust(NIK_LENGTH, "0"), nik__lte=digits.ljust(NIK_LENGTH, "9"))


def _age_band_condition(band: str, as_of: date) -> Q:
    """Birth-date ranges (index-friendly) for a band of `core.ages.AGE_BANDS`; OTHER is
    everyone outside every band."""
    ranges = {
        value: Q(birth_date__gt=after, birth_date__lte=until)
        for value, after, until in band_limits(as_of)
    }
    if band == AgeBand.OTHER:
        inside = Q()
        for condition in ranges.values():
            inside |= condition
        return ~inside
    return ranges.get(band, Q(pk__in=[]))


def get_person(*, user, pk: int) -> Person:
    """One person the user may see; raises Person.DoesNotExist otherwise."""
    return scoped(user, Person.objects.select_related("village__district", "regency")).get(pk=pk)


def list_person_versions(*, person: Person) -> QuerySet[PersonVersion]:
    return PersonVersion.objects.filter(person=person).select_related(
        "village", "source_import", "replaced_by_import"
    )


def list_imports(*, user) -> QuerySet[CandidateImport]:
    return scoped(user, CandidateImport.objects.select_related("created_by", "regency"))


def get_import(*, user, pk: int) -> CandidateImport:
    return list_imports(user=user).get(pk=pk)


def list_rejected_rows(*, candidate_import: CandidateImport) -> QuerySet[RejectedRow]:
    return RejectedRow.objects.filter(candidate_import=candidate_import).order_by("row_number")


def list_duplicates(*, user, status: str = DuplicateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    """Pairs the user may review: both people must be visible to them."""
    pairs = scoped(
        user,
        DuplicateCandidate.objects.select_related(
            "first_person__village", "second_person__village"
        ),
    )
    pairs = scoped(user, pairs, regency_field="second_person__regency_id")
    if status:
        pairs = pairs.filter(status=status)
    return pairs


def get_duplicate(*, user, pk: int) -> DuplicateCandidate:
    return list_duplicates(user=user, status="").get(pk=pk)


def person_duplicates(*, person: Person) -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(
        Q(first_person=person) | Q(second_person=person)
    ).order_by("-created_at")


def list_regency_move_requests(*, user) -> QuerySet[RejectedRow]:
    """Rows of regency imports about a person registered in another regency, newest first,
    for the province to decide; each carries `registered_regency` (the person's regency now)."""
    require(user, Action.REVIEW_REGENCY_MOVES)
    registered = Person.objects.filter(nik=OuterRef("related_nik"))
    return (
        RejectedRow.objects.filter(reason=RejectReason.PERSON_OF_OTHER_REGENCY)
        .select_related("candidate_import__regency", "candidate_import__created_by")
        .annotate(
            registered_person=Subquery(registered.values("pk")[:1]),
            registered_regency=Subquery(registered.values("regency__name")[:1]),
        )
        .order_by("-candidate_import_id", "row_number")
    )


def person_timeline_entries(person, user) -> Iterable[TimelineEntry]:
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
