from django.urls import path

from lindungi.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("<int:pk>/", views.claim_detail, name="claim"),
    path("<int:pk>/reassess/", views.claim_reassess, name="reassess"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("report-death/", views.death_report, name="report_death"),
    path("checks/", views.differences, name="checks"),
    path("rules/", views.rules, name="rules"),
]
