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

        # The shell shows the work waiting for each user and the key figures on the home page.
        from lindungi.reports import attention, home, person
        from lindungi.web.hooks import provide_attention, provide_home_panel, provide_person_panel

        provide_attention(attention.attention)
        provide_home_panel(home.key_figures_panel)
        provide_person_panel(person.person_panel)
