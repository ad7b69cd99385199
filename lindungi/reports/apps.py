from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lindungi.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from lindungi.core.changes import subscribe
        from lindungi.reports.services import schedule_refresh

        # Other apps announce their changes through core.changes; the summaries follow them.
        subscribe(schedule_refresh)
