from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "lindungi.benefits"
    label = "benefits"
    verbose_name = "Benefits"
