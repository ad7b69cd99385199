from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "lindungi.contributions"
    label = "contributions"
    verbose_name = "Contributions"
