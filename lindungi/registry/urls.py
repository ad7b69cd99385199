from django.urls import path

from lindungi.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/rejects.<str:kind>", views.import_rejects, name="import_rejects"),
    path("upload/", views.upload, name="upload"),
    path("template.<str:kind>", views.template, name="template"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("regency-moves/", views.regency_moves, name="regency_moves"),
    path("duplicates/review/", views.review_duplicates, name="review_duplicates"),
    path("duplicates/<int:pk>/review/", views.review_duplicate, name="review_duplicate"),
]
