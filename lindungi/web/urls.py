# Mounted at "" without a namespace: settings.LOGIN_URL, LOGIN_REDIRECT_URL and
# LOGOUT_REDIRECT_URL name "login", "home" and "logout" directly.
from django.urls import include, path

from lindungi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("perlu-perhatian/", views.attention, name="attention"),
    path("templat/<slug:key>.xlsx", views.upload_template, name="upload_template"),
    path("", include("lindungi.accounts.urls")),
]
