from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "lindungi.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
