from django.urls import path

from lindungi.contributions import views

app_name = "contributions"
urlpatterns = [
    path("", views.invoice_list, name="invoices"),
    path("tagihan/<int:pk>/", views.invoice_detail, name="invoice"),
    path("tagihan/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("tagihan/<int:pk>/rincian.xlsx", views.invoice_xlsx, name="invoice_xlsx"),
]
