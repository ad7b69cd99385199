from django.urls import path

from lindungi.cycle import views

app_name = "cycle"
urlpatterns = [
    path("programmes/<int:pk>/renew/", views.renew, name="renew"),
    path("programmes/<int:pk>/close/", views.close, name="close"),
    path("programmes/<int:pk>/closeout/", views.closeout, name="closeout"),
    path("programmes/<int:pk>/closeout.xlsx", views.closeout_xlsx_view, name="closeout_xlsx"),
    path("programmes/<int:pk>/closeout.pdf", views.closeout_pdf_view, name="closeout_pdf"),
    path("renewals/<int:pk>/", views.renewal_diff, name="renewal"),
    path("renewals/<int:pk>/diff.xlsx", views.renewal_xlsx, name="renewal_xlsx"),
    path("renewals/<int:pk>/reverify/", views.reverify_view, name="reverify"),
    path("renewals/<int:pk>/approve/", views.approve, name="approve"),
    path("entries/<int:pk>/exception/", views.exception, name="exception"),
    path("entries/<int:pk>/comment/", views.comment, name="comment"),
]
