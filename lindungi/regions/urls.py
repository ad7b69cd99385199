from django.urls import path

from lindungi.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.regency_list, name="list"),
    path("cari/", views.lookup, name="lookup"),
    path("pilihan/", views.options, name="options"),
    path("<str:code>/", views.regency_detail, name="detail"),
]
