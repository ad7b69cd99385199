from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lindungi.api"
    label = "api"
    verbose_name = "API"
