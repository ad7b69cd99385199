from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lindungi.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from lindungi.api.dci.tasks import on_change
        from lindungi.core.changes import subscribe

        subscribe(on_change)
