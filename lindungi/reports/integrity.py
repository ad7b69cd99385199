"""The auditors' integrity checks (issue 19): each a scoped queryset, a count and an export.

- deceased still covered: places of people recorded deceased that are still open, or whose
  coverage runs past the day of death;
- duplicates covered: likely-duplicate pairs not dismissed whose two people both hold an open
  place in the same programme;
- households over the limit: places of a family card (KK) beyond the programme's limit;
- self-approved: approved selections, decided exclusion proposals, approved held payments,
  write-offs and rate changes (core.checker), whose approver is the person who prepared them.

Every check is one query (joins and EXISTS, no Python loop over people), read through
core.permissions.scoped like every other page.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.models import HeldPayment, WriteOff
from lindungi.core.checker import ApprovalStatus
from lindungi.core.permissions import Action, require, scoped
from lindungi.enrollment.choices import OPEN_STATES
from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import ExclusionStatus, RunStatus
from lindungi.programs.models import ExclusionProposal, ProposedRateRule, SelectionRun
from lindungi.registry.choices import DuplicateStatus
from lindungi.registry.models import DuplicateCandidate


def deceased_still_covered(user) -> QuerySet[Enrollment]:
    still = Q(state__in=OPEN_STATES) | Q(end_date__gt=F("person__died_on"))
    return (
        scoped(user, Enrollment.objects.filter(person__died_on__isnull=False))
        .filter(still)
        .order_by("regency_id", "person__nik")
    )


def duplicates_covered(user) -> QuerySet[DuplicateCandidate]:
    """Pairs not dismissed whose second person holds an open place in a programme where the
    first person holds one too."""
    first_persons_programmes = Enrollment.objects.filter(
        person_id=OuterRef(OuterRef("first_person_id")), state__in=OPEN_STATES
    ).values("programme_id")
    both = Exists(
        Enrollment.objects.filter(
            person_id=OuterRef("second_person_id"),
            state__in=OPEN_STATES,
            programme_id__in=first_persons_programmes,
        )
    )
    pairs = DuplicateCandidate.objects.exclude(status=DuplicateStatus.DISMISSED).filter(both)
    return scoped(user, pairs).order_by("first_nik", "second_nik")


def households_over_limit(user) -> QuerySet:
    """(programme, KK, places, limit) where a family holds more open places than allowed."""
    return (
        scoped(
            user,
            Enrollment.objects.filter(
                state__in=OPEN_STATES, programme__max_per_household__isnull=False
            ),
        )
        .values("programme_id", "programme__name", "person__kk_number")
        .annotate(places=Count("id"), limit=F("programme__max_per_household"))
        .filter(places__gt=F("programme__max_per_household"))
        .order_by("programme_id", "person__kk_number")
    )


@dataclass(frozen=True)
class SelfApproval:
    kind: str
    reference: str
    prepared_by: str
    approved_at: object


def self_approved(user) -> list[SelfApproval]:
    """Actions approved by the one who prepared them (approvals are few: read as rows)."""
    require(user, Action.VIEW_AUDIT)
    rows = [
        SelfApproval(
            "selection_run", f"{run.programme} #{run.pk}", str(run.created_by), run.approved_at
        )
        for run in SelectionRun.objects.filter(
            status=RunStatus.APPROVED, approved_by_id=F("created_by_id")
        ).select_related("programme", "created_by")
    ]
    rows += [
        SelfApproval(
            "exclusion", proposal.decision.nik, str(proposal.proposed_by), proposal.decided_at
        )
        for proposal in ExclusionProposal.objects.filter(
            decided_by_id=F("proposed_by_id"),
            status__in=[ExclusionStatus.ACCEPTED, ExclusionStatus.REFUSED],
        ).select_related("decision", "proposed_by")
    ]
    # Maker-checker records (core.checker): the services refuse a self-approval, so any row
    # here was written around them.
    for kind, model in (("payment", HeldPayment), ("write_off", WriteOff)):
        rows += [
            SelfApproval(kind, record.invoice.number, str(record.prepared_by), record.decided_at)
            for record in model.objects.filter(
                status=ApprovalStatus.APPROVED, decided_by_id=F("prepared_by_id")
            ).select_related("invoice", "prepared_by")
        ]
    rows += [
        SelfApproval("rate_change", str(record), str(record.prepared_by), record.decided_at)
        for record in ProposedRateRule.objects.filter(
            status=ApprovalStatus.APPROVED, decided_by_id=F("prepared_by_id")
        ).select_related("prepared_by")
    ]
    return rows


@dataclass(frozen=True)
class Check:
    key: str
    label: object
    count: int


def _enrollment_rows(queryset) -> Iterator[tuple]:
    return queryset.values_list(
        "person__nik",
        "person__full_name",
        "regency_id",
        "programme__name",
        "state",
        "start_date",
        "end_date",
        "person__died_on",
        "person__death_source",
    ).iterator(chunk_size=2_000)


EXPORTS: dict[str, tuple[list[str], Callable, tuple[int, ...]]] = {
    "deceased": (
        ["NIK", "Nama", "Kabupaten", "Program", "Status", "Mulai", "Akhir", "Meninggal", "Sumber"],
        lambda user: _enrollment_rows(deceased_still_covered(user)),
        (0,),
    ),
    "duplicates": (
        ["NIK 1", "NIK 2", "Aturan", "Status"],
        lambda user: (
            duplicates_covered(user)
            .values_list("first_nik", "second_nik", "rule", "status")
            .iterator(chunk_size=2_000)
        ),
        (0, 1),
    ),
    "households": (
        ["Program", "No. KK", "Kepesertaan", "Batas"],
        lambda user: (
            (row["programme__name"], row["person__kk_number"], row["places"], row["limit"])
            for row in households_over_limit(user)
        ),
        (1,),
    ),
    "self_approved": (
        ["Jenis", "Rujukan", "Disiapkan dan disetujui oleh", "Disetujui pada"],
        lambda user: (
            (row.kind, row.reference, row.prepared_by, str(row.approved_at))
            for row in self_approved(user)
        ),
        (),
    ),
}


def checks(user) -> list[Check]:
    require(user, Action.VIEW_AUDIT)
    return [
        Check("deceased", _("Deceased people still covered"), deceased_still_covered(user).count()),
        Check("duplicates", _("Likely duplicates both covered"), duplicates_covered(user).count()),
        Check(
            "households",
            _("Households over the programme's limit"),
            households_over_limit(user).count(),
        ),
        Check("self_approved", _("Actions approved by their preparer"), len(self_approved(user))),
    ]
