from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lindungi.regions"
    label = "regions"
    verbose_name = "Regions"
