"""Sign in and out with Django's own views, in our templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.services import DEMO_LOGINS
from lindungi.core.roles import Role


class LoginForm(AuthenticationForm):
    # Django's Indonesian catalog renders its own message as "Masukkan nama pengguna nama
    # pengguna ..."; ours says the same without the doubled field name.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or password is wrong. Capital and small letters count."
        ),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only a development installation advertises the demo logins `make run` creates.
        context["demo_logins"] = (
            [(login.username, Role(login.role).label, login.regency_code) for login in DEMO_LOGINS]
            if settings.DEBUG
            else []
        )
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response
