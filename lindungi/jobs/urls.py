from django.urls import path

from lindungi.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>.json", views.job_json, name="json"),
    path("<int:pk>/file/", views.job_file, name="file"),
]
