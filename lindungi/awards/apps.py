from django.apps import AppConfig


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lindungi.awards"
    label = "awards"
    verbose_name = "Paritrana Award"
