from django.urls import path

from lindungi.enrollment import views, views_duplicates

app_name = "enrollment"
urlpatterns = [
    path("", views.enrollment_list, name="list"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/file.<str:kind>", views.batch_file, name="batch_file"),
    path("batches/<int:pk>/<str:action>/", views.batch_action, name="batch_action"),
    path("responses/", views.response_upload, name="responses"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("exits/", views.exits, name="exits"),
    path("<int:pk>/exit/", views.exit_one, name="exit"),
    path(
        "duplicates/<int:pk>/resolve/",
        views_duplicates.resolve_duplicate,
        name="resolve_duplicate",
    ),
]
