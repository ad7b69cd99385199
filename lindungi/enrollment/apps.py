from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "lindungi.enrollment"
    label = "enrollment"
    verbose_name = "Enrollment"

    def ready(self) -> None:
        from lindungi.core.sql import table
        from lindungi.enrollment import search
        from lindungi.enrollment.choices import EnrollmentState
        from lindungi.enrollment.models import Enrollment
        from lindungi.programs.above import register_enrollment

        search.register()
        register_enrollment(
            table=lambda: table(Enrollment),
            active_places=lambda programme_id: Enrollment.objects.filter(
                programme_id=programme_id, state=EnrollmentState.ACTIVE
            ).count(),
        )
