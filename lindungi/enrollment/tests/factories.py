"""factory_boy factory for enrollments: an active place from the programme start, with a KPJ,
for a new person of the given village (Alor by default)."""

import factory

from lindungi.enrollment.choices import EnrollmentState, ExitReason
from lindungi.enrollment.models import Enrollment
from lindungi.programs.tests.factories import CohortFactory
from lindungi.registry.tests.factories import PersonFactory

ALOR_VILLAGE = "53.05.01.1001"
TTU_VILLAGE = "53.03.01.2005"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """`end=date` makes an ended place (death on that day); `village=` chooses where the new
    person lives; pass `person=` to enroll someone already registered."""

    class Meta:
        model = Enrollment
        exclude = ("village", "end")

    village = ALOR_VILLAGE
    end = None
    cohort = factory.SubFactory(CohortFactory)
    person = factory.LazyAttribute(lambda place: PersonFactory(village_code=place.village))
    programme = factory.LazyAttribute(lambda place: place.cohort.programme)
    regency_id = factory.LazyAttribute(lambda place: place.person.regency_id)
    kpj = factory.Sequence(lambda n: f"{10_000_000_001 + n}")
    start_date = factory.LazyAttribute(lambda place: place.cohort.programme.coverage_start)
    state = factory.LazyAttribute(
        lambda place: EnrollmentState.ENDED if place.end else EnrollmentState.ACTIVE
    )
    end_date = factory.LazyAttribute(lambda place: place.end)
    ended_on = factory.LazyAttribute(lambda place: place.end)
    end_reason = factory.LazyAttribute(lambda place: ExitReason.DEATH if place.end else "")
