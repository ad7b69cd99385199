from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "lindungi.enrollment"
    label = "enrollment"
    verbose_name = "Enrollment"

    def ready(self) -> None:
        from lindungi.enrollment import search

        search.register()
