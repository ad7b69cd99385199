from django.urls import path

from lindungi.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("rates/", views.rate_table, name="rates"),
    path("rates/proposals/<int:pk>/decide/", views.decide_rate, name="decide_rate"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/select/", views.start_selection, name="select"),
    path("runs/<int:run_id>/approve/", views.approve, name="approve"),
    path("runs/<int:run_id>/quotas/", views.quotas, name="quotas"),
    path("runs/<int:run_id>/explain/", views.explanation, name="explain"),
    path("runs/<int:run_id>/regency/<str:regency_code>/", views.decisions, name="decisions"),
    path("runs/<int:run_id>/people/<str:nik>/exclude/", views.propose, name="propose"),
    path("runs/<int:run_id>/proposals/decide/", views.decide_many, name="decide_many"),
    path("proposals/<int:proposal_id>/decide/", views.decide, name="decide"),
]
