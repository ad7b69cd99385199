"""The enrollment criterion of the one people search (`registry.search`): people holding an
enrollment in a given state, programme or with a given KPJ. Registered at start-up by
`EnrollmentConfig.ready`, so the registry never imports enrollment."""

from django.db.models import Q

from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import Enrollment


def enrollment_condition(programme: int | None, state: str, kpj: str) -> Q:
    enrollments = Enrollment.objects.all()
    if programme is not None:
        enrollments = enrollments.filter(programme_id=programme)
    if state:
        enrollments = enrollments.filter(state=state)
    if kpj:
        enrollments = enrollments.filter(kpj=kpj)
    return Q(pk__in=enrollments.values("person_id"))


def register() -> None:
    from lindungi.registry.search import register_enrollment_filter

    register_enrollment_filter(states=tuple(EnrollmentState.values), condition=enrollment_condition)
