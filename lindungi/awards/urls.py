from django.urls import path

from lindungi.awards import views, views_public

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("periode/baru/", views.period_create, name="period_create"),
    path("periode/<int:pk>/", views.period_detail, name="period"),
    path("periode/<int:pk>/salin/", views.period_copy, name="period_copy"),
    path("periode/<int:pk>/pengaturan/", views.period_settings, name="period_settings"),
    path("periode/<int:pk>/langkah/<slug:action>/", views.period_action, name="period_action"),
    path("periode/<int:pk>/peserta/", views.entry_add, name="entry_add"),
    path("periode/<int:pk>/panel/", views.panel_appoint, name="panel_appoint"),
    path("periode/<int:pk>/konflik/", views.panel_conflict, name="panel_conflict"),
    path("periode/<int:pk>/hasil/", views.period_results, name="results"),
    path("periode/<int:pk>/hasil.xlsx", views.period_export, name="export"),
    path("kategori/<int:pk>/kriteria/", views.criteria_edit, name="criteria"),
    path("peserta/<int:pk>/", views.entry_detail, name="entry"),
    path("peserta/<int:pk>/nilai-isian/", views.entry_values, name="entry_values"),
    path("peserta/<int:pk>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("peserta/<int:pk>/kirim/", views.entry_submit, name="entry_submit"),
    path("peserta/<int:pk>/kembalikan/", views.entry_return, name="entry_return"),
    path("peserta/<int:pk>/skor/", views.entry_scores, name="entry_scores"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence"),
    path("bukti/<int:pk>/hapus/", views.evidence_remove, name="evidence_remove"),
    path("publik/", views_public.public_results, name="public"),
    path("publik/<int:year>/", views_public.public_results, name="public_year"),
    path("publik/peserta/<int:pk>/", views_public.public_entry, name="public_entry"),
    path("publik/peserta/<int:pk>/piagam.pdf", views_public.certificate, name="certificate"),
    path("peta/batas.json", views_public.shapes, name="shapes"),
]
