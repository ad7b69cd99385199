from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lindungi.audit"
    label = "audit"
    verbose_name = "Audit trail"
