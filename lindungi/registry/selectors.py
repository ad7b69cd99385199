"""Reads of the registry, always through core.permissions.scoped."""

from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

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

# Searching people is `registry.search`: one selector for pages, exports and both APIs.


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
            "first_person__village", "second_person__village", "kept_person"
        ),
    )
    pairs = scoped(user, pairs, regency_field="second_person__regency_id")
    if status:
        pairs = pairs.filter(status=status)
    return pairs


def get_duplicate(*, user, pk: int) -> DuplicateCandidate:
    return list_duplicates(user=user, status="").get(pk=pk)


def person_duplicates(*, person: Person) -> QuerySet[DuplicateCandidate]:
    return (
        DuplicateCandidate.objects.filter(Q(first_person=person) | Q(second_person=person))
        .select_related("kept_person")
        .order_by("-created_at")
    )


def duplicate_resolution_of(*, person_id: int) -> DuplicateCandidate | None:
    """The resolved pair that merged this person into another record or excluded them."""
    return (
        DuplicateCandidate.objects.filter(
            Q(first_person_id=person_id) | Q(second_person_id=person_id),
            kept_person__isnull=False,
        )
        .exclude(kept_person_id=person_id)
        .select_related("kept_person")
        .order_by("reviewed_at", "pk")
        .first()
    )


def household(*, user, person: Person) -> QuerySet[Person]:
    """The other people of the person's family card (KK) the user may see (the household view:
    where one family holds several places, against a programme's max_per_household)."""
    return scoped(user, Person.objects.filter(kk_number=person.kk_number).exclude(pk=person.pk))


def nik_district_known(nik: str) -> bool:
    """Whether a NIK's district prefix is in any edition of the code tables. A person whose
    district is not (issued before the 2015 edition, or a gap) was accepted with this flag
    for verification rather than turned away (issue 19, point 6)."""
    from lindungi.regions.selectors import lookup_nik_prefix

    found = lookup_nik_prefix(nik)
    return found is not None and found.district_known


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
