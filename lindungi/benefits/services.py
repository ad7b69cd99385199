"""Writes of the benefits app: the province's death report and a fresh cover assessment.

The insurer's claim file is `importing.import_claims`. Each service takes the acting user,
checks the permission, and records its audit row in the same transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from lindungi.audit.services import record_event
from lindungi.benefits.choices import ClaimKind, ClaimSource, ClaimStatus, Consequence
from lindungi.benefits.compute import compute_benefits
from lindungi.benefits.cover import assess_cover
from lindungi.benefits.models import Claim, Heir
from lindungi.core.dates import local_today
from lindungi.core.errors import InvalidInput
from lindungi.core.permissions import Action, require, scoped
from lindungi.enrollment.choices import COVERAGE_STATES
from lindungi.enrollment.deaths import record_death
from lindungi.enrollment.models import Enrollment
from lindungi.registry.choices import DeathSource
from lindungi.registry.models import Person


@dataclass(frozen=True)
class HeirInput:
    name: str
    relation: str
    birth_date: date | None = None
    school_level: str = "none"


def report_death(
    *,
    user,
    nik: str,
    died_on: date,
    kind: str = ClaimKind.JKM_DEATH,
    reported_by_name: str = "",
    note: str = "",
    heirs: tuple[HeirInput, ...] = (),
    today: date | None = None,
) -> Claim:
    """A death reported to the province (by a village head) before the insurer knows of it.

    Becomes a claim in status "reported" with its cover verdict and computed benefits, and
    the person is recorded deceased on that date (`enrollment.deaths.record_death`: source
    "claim", places ended; refused when another date of death is recorded). When the
    insurer's file later brings a claim for the same person, kind and date, the import takes
    this claim over under the insurer's number.
    """
    require(user, Action.MANAGE_CLAIMS)
    today = today or local_today()
    if kind not in (ClaimKind.JKM_DEATH, ClaimKind.JKK_ACCIDENT, ClaimKind.JKK_DISEASE):
        raise InvalidInput(_("Unknown claim kind."), code="kind_invalid")
    person = scoped(user, Person.objects.filter(nik=nik.strip())).first()
    if person is None:
        raise InvalidInput(_("No person with this NIK in your region."), code="person_unknown")
    if died_on > today:
        raise InvalidInput(_("The date of death is in the future."), code="date_future")
    first = Enrollment.objects.filter(
        person=person, state__in=COVERAGE_STATES, start_date__isnull=False
    ).aggregate(first=Min("start_date"))["first"]
    if first is None:
        raise InvalidInput(_("This person was never enrolled."), code="not_enrolled")
    if died_on < first:
        raise InvalidInput(
            _("The date of death is before the person's first enrollment."),
            code="date_before_enrollment",
        )
    number = f"PROV-{person.nik}-{died_on:%Y%m%d}"
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                number=number,
                source=ClaimSource.PROVINCE_FORM,
                person=person,
                regency_id=person.regency_id,
                kind=kind,
                consequence=Consequence.DEATH,
                incident_date=died_on,
                status=ClaimStatus.REPORTED,
                note=" · ".join(part for part in (reported_by_name, note) if part)[:500],
                reported_by=user,
            )
            Heir.objects.bulk_create(
                Heir(
                    claim=claim,
                    position=position,
                    name=heir.name[:150],
                    relation=heir.relation,
                    birth_date=heir.birth_date,
                    school_level=heir.school_level,
                )
                for position, heir in enumerate(heirs, start=1)
                if heir.name.strip()
            )
            claims = Claim.objects.filter(pk=claim.pk)
            assess_cover(claims, as_of=today)
            compute_benefits(claims)
            # The one home for deaths: deceased in the registry, places ended that day.
            record_death(
                user=user,
                person=person,
                died_on=died_on,
                source=DeathSource.CLAIM,
                reference=number,
            )
            claim.refresh_from_db()
            record_event(
                action="benefits.death_reported",
                target=claim,
                after={"number": claim.number, "incident_date": died_on.isoformat()},
                summary={"verdict": claim.verdict, "heirs": len(heirs)},
                user=user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("This death is already reported (claim %(number)s).") % {"number": number},
            code="claim_conflict",
        ) from None
    return claim


@transaction.atomic
def reassess_claim(*, user, claim: Claim, today: date | None = None) -> Claim:
    """Assess the cover and compute the benefits again (after a payment, a correction)."""
    require(user, Action.MANAGE_CLAIMS)
    claims = scoped(user, Claim.objects.filter(pk=claim.pk))
    before = claims.values("verdict", "contribution_months").get()
    assess_cover(claims, as_of=today or local_today())
    compute_benefits(claims)
    after = claims.values("verdict", "contribution_months").get()
    record_event(
        action="benefits.claim_reassessed",
        target=claim,
        before=dict(before),
        after=dict(after),
        user=user,
    )
    claim.refresh_from_db()
    return claim
