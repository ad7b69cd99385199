from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindungi.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from lindungi.accounts import login_audit

        user_locked_out.connect(login_audit.audit_lockout, dispatch_uid="lindungi.audit_lockout")
