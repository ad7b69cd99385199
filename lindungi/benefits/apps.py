from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "lindungi.benefits"
    label = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        from lindungi.benefits.timeline import claim_entries
        from lindungi.enrollment.timeline import register_timeline_source

        # The person's timeline shows their claims (enrollment's timeline knows no claims).
        register_timeline_source("benefits", claim_entries)
