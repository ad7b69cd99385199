from django.contrib import admin
from django.urls import include, path

from lindungi.jobs.views import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("lindungi.api.urls")),
    path("audit/", include("lindungi.audit.urls")),
    path("jobs/", include("lindungi.jobs.urls")),
    path("health/", health, name="health"),
    path("regions/", include("lindungi.regions.urls")),
    path("registry/", include("lindungi.registry.urls")),
    path("programs/", include("lindungi.programs.urls")),
    path("enrollment/", include("lindungi.enrollment.urls")),
    path("contributions/", include("lindungi.contributions.urls")),
    path("benefits/", include("lindungi.benefits.urls")),
    path("reports/", include("lindungi.reports.urls")),
    path("cycle/", include("lindungi.cycle.urls")),
    path("awards/", include("lindungi.awards.urls")),
    path("", include("lindungi.web.urls")),
]
