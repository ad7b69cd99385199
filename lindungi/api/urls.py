from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from lindungi.api import views

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
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("public/regencies/", views.PublicRegencyView.as_view(), name="public-regencies"),
    path("", include(router.urls)),
]
