from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from lindungi.api import views, views_clients

app_name = "api"

router = DefaultRouter()
router.register("regencies", views.RegencyViewSet, basename="regency")
router.register("people", views.PersonViewSet, basename="person")
router.register("imports", views.CandidateImportViewSet, basename="import")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("enrollments", views.EnrollmentViewSet, basename="enrollment")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("invoice-lines", views.InvoiceLineViewSet, basename="invoice-line")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("public/regencies/", views.PublicRegencyView.as_view(), name="public-regencies"),
    path("dci/", include("lindungi.api.dci.urls")),
    path("clients/", views_clients.client_list, name="clients"),
    path("clients/<int:pk>/revoke/", views_clients.revoke, name="client-revoke"),
    path("", include(router.urls)),
    # Anything else under /api/ is a JSON 404 in the API's error shape, not the HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
