from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lindungi.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        # Each app declares its uploads' layouts in `<app>/upload_templates.py`; importing
        # them fills core.upload_templates' registry (the template downloads and page help).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("upload_templates")
