from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "lindungi.cycle"
    label = "cycle"
    verbose_name = "Programme cycle"
