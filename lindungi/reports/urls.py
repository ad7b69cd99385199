from django.urls import path

from lindungi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kabupaten/<str:code>/", views.regency_dashboard, name="regency"),
    path("peta/batas.json", views.shapes, name="shapes"),
    path("ringkasan/perbarui/", views.refresh, name="refresh"),
    path("publik/", views.public, name="public"),
    path("bulanan/", views.monthly_report, name="monthly"),
    path("integritas/", views.integrity, name="integrity"),
    path("integritas/<str:check>.xlsx", views.integrity_export, name="integrity_export"),
    path("orang/<int:person_pk>/", views.timeline, name="timeline"),
    path(
        "orang/<int:person_pk>/data-pribadi.xlsx",
        views.subject_access,
        name="subject_access",
    ),
]
