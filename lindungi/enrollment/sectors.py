"""The participant's sector on their place (issue 13, point 7).

PP 50/2025 halves JKK + JKM for the transport sector from January 2026 and for the other
sectors from April 2026, never for APBD/APBN-paid contributions (DOMAIN.md §2): billing
costs each place at the rate of its sector. The sector is read from the person's occupation
when the place is created (which occupations are transport is a setting,
`programs.reference.transport_occupations`) and carried unchanged into next year's place.
"""

from django.db.models import Q, QuerySet

from lindungi.enrollment.models import Enrollment
from lindungi.programs.choices import Sector
from lindungi.programs.reference import transport_occupations
from lindungi.registry.models import Person


def transport_people() -> QuerySet[Person]:
    words = transport_occupations()
    if not words:
        return Person.objects.none()
    condition = Q()
    for word in words:
        condition |= Q(occupation__icontains=word)
    return Person.objects.filter(condition)


def assign_sectors(places: QuerySet[Enrollment]) -> int:
    """Set the sector of `places` from their people's occupation, in one UPDATE; returns how
    many are transport."""
    transport = places.filter(person_id__in=transport_people().values("pk"))
    count = transport.exclude(sector=Sector.TRANSPORT).update(sector=Sector.TRANSPORT)
    places.exclude(person_id__in=transport_people().values("pk")).exclude(
        sector=Sector.OTHER
    ).update(sector=Sector.OTHER)
    return count
