from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "lindungi.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Each app's handlers live in `<app>/jobs.py`; importing them fills the registry.
        autodiscover_modules("jobs")
