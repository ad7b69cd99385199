from django.urls import path

from lindungi.api.dci import views

urlpatterns = [
    path("registry/sync/search", views.SyncSearch.as_view(), name="dci-sync-search"),
    path("registry/search", views.AsyncSearch.as_view(), name="dci-search"),
    path("registry/sync/txn/status", views.SyncTxnStatus.as_view(), name="dci-sync-txn-status"),
    path("registry/txn/status", views.AsyncTxnStatus.as_view(), name="dci-txn-status"),
    path("registry/subscribe", views.Subscribe.as_view(), name="dci-subscribe"),
    path("registry/unsubscribe", views.Unsubscribe.as_view(), name="dci-unsubscribe"),
]
