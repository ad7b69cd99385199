from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lindungi.reports"
    label = "reports"
    verbose_name = "Reports"
