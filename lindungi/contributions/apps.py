from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "lindungi.contributions"
    label = "contributions"
    verbose_name = "Contributions"

    def ready(self) -> None:
        from lindungi.contributions.models import Invoice
        from lindungi.programs.above import register_billing

        # Programs asks whether a month is billed before a funding change (programs.above).
        register_billing(
            billed_from=lambda programme_id, first_day: Invoice.objects.filter(
                programme_id=programme_id, month__gte=first_day
            ).exists()
        )
