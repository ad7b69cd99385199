from django.urls import path

from lindungi.contributions import views, views_approvals, views_budget, views_reconciliation

app_name = "contributions"
urlpatterns = [
    path("", views.invoice_list, name="invoices"),
    path("tagihan/<int:pk>/", views.invoice_detail, name="invoice"),
    path("tagihan/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("tagihan/<int:pk>/rincian.xlsx", views.invoice_xlsx, name="invoice_xlsx"),
    path("tagihan/<int:pk>/bayar/", views.payment_record, name="record_payment"),
    path("tagihan/<int:pk>/nota-kredit/", views.credit_note_issue, name="issue_credit_note"),
    path("tagihan/<int:pk>/pakai-kredit/", views.credit_apply, name="apply_credit"),
    path("pembayaran/", views.payment_list, name="payments"),
    path("persetujuan/", views_approvals.approvals, name="approvals"),
    path("persetujuan/pembayaran/<int:pk>/", views_approvals.payment_decide, name="decide_payment"),
    path("tagihan/<int:pk>/hapus-buku/", views_approvals.write_off_propose, name="write_off"),
    path(
        "persetujuan/hapus-buku/<int:pk>/",
        views_approvals.write_off_decide,
        name="decide_write_off",
    ),
    path("tunggakan/status/", views.lapses_run, name="run_lapses"),
    path("tunggakan/", views.arrears, name="arrears"),
    path("rekonsiliasi/", views_reconciliation.reconciliation, name="reconciliation"),
    path("rekonsiliasi/unggah/", views_reconciliation.statement_upload, name="statement_upload"),
    path("rekonsiliasi/<int:pk>/", views_reconciliation.statement_detail, name="statement"),
    path(
        "rekonsiliasi/<int:pk>/baris/selesai/",
        views_reconciliation.statement_lines_resolve,
        name="resolve_lines",
    ),
    path(
        "rekonsiliasi/<int:pk>/baris/<int:line_pk>/selesai/",
        views_reconciliation.statement_line_resolve,
        name="resolve_line",
    ),
    path(
        "rekonsiliasi/<int:pk>/ekspor.<str:file_format>",
        views_reconciliation.statement_export,
        name="statement_export",
    ),
    path("anggaran/", views_budget.budgets, name="budgets"),
    path("anggaran/tambah/", views_budget.appropriation_add, name="appropriation_add"),
    path("anggaran/ubah/", views_budget.appropriation_amend, name="appropriation_amend"),
    path("simulasi/", views_budget.scenario_view, name="scenario"),
]
