from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from lindungi.api import views, views_clients, views_files, views_money, views_writes

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
# Imports and insurer files, with their rejected rows (issue 16.1).
router.register("import-rejects", views_files.CandidateRejectViewSet, basename="import-reject")
router.register("batches", views_files.BatchViewSet, basename="batch")
router.register("responses", views_files.ResponseViewSet, basename="response")
router.register("response-rejects", views_files.ResponseRejectViewSet, basename="response-reject")
router.register("exit-imports", views_files.ExitImportViewSet, basename="exit-import")
router.register("exit-rejects", views_files.ExitRejectViewSet, basename="exit-reject")
router.register("claim-files", views_files.ClaimFileViewSet, basename="claim-file")
router.register("claim-rejects", views_files.ClaimRejectViewSet, basename="claim-reject")
router.register("statements", views_files.StatementViewSet, basename="statement")
router.register("statement-lines", views_files.StatementLineViewSet, basename="statement-line")
router.register(
    "statement-rejects", views_files.StatementRejectViewSet, basename="statement-reject"
)
# Money, claims, figures.
router.register("cohorts", views_money.CohortViewSet, basename="cohort")
router.register("payers", views_money.PayerViewSet, basename="payer")
router.register("payments", views_money.PaymentViewSet, basename="payment")
router.register("claims", views_money.ClaimViewSet, basename="claim")
router.register("award-results", views_money.AwardResultViewSet, basename="award-result")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("budgets/", views_money.BudgetView.as_view(), name="budgets"),
    path("dashboard/", views_money.DashboardView.as_view(), name="dashboard"),
    path("jobs/<int:pk>/", views_writes.JobView.as_view(), name="job-detail"),
    # A partner's uploads (issue 16.2).
    path("uploads/responses/", views_writes.ResponseUploadView.as_view(), name="upload-responses"),
    path("uploads/exits/", views_writes.ExitUploadView.as_view(), name="upload-exits"),
    path(
        "uploads/statements/", views_writes.StatementUploadView.as_view(), name="upload-statements"
    ),
    path("uploads/claims/", views_writes.ClaimUploadView.as_view(), name="upload-claims"),
    path("public/regencies/", views.PublicRegencyView.as_view(), name="public-regencies"),
    path("dci/", include("lindungi.api.dci.urls")),
    path("clients/", views_clients.client_list, name="clients"),
    path("clients/<int:pk>/revoke/", views_clients.revoke, name="client-revoke"),
    path("", include(router.urls)),
    # Anything else under /api/ is a JSON 404 in the API's error shape, not the HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
