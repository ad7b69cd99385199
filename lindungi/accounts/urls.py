# Included by lindungi/web/urls.py at "" without a namespace, because the auth settings
# (LOGIN_URL = "login") and Django's own views refer to these names unqualified.
from django.urls import path

from lindungi.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
