"""Issue 16.2: async search and txn status ACK at once; a background task POSTs the answer to
the caller's sender_uri, here a receiver the test starts on 127.0.0.1. The ACK and every
callback are validated against the standard's YAML."""

import pytest
from django_tasks_db.models import DBTaskResult

from lindungi.api.choices import TransactionStatus
from lindungi.api.dci import tasks
from lindungi.api.models import DciTransaction
from lindungi.api.tests.dci_schema import callback_errors
from lindungi.api.tests.test_dci import criteria, envelope, post, search_message
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_async_search_acks_then_posts_the_result(
    province_token, receiver, django_capture_on_commit_callbacks
):
    base, received = receiver
    person = PersonFactory()
    body = envelope(
        "search",
        search_message(criteria("idtype-value", {"type": "NIK", "value": person.nik})),
        sender_uri=base,
    )
    with django_capture_on_commit_callbacks(execute=True):
        status, ack = post(province_token, "/registry/search", body)
    assert status == 200 and ack["message"]["ack_status"] == "ACK"
    logged = DciTransaction.objects.get()
    assert logged.status == TransactionStatus.PENDING
    assert logged.correlation_id == ack["message"]["correlation_id"]
    assert DBTaskResult.objects.count() == 1  # queued for the worker
    assert received == []
    # What the worker does with the queued task:
    assert tasks.answer(logged.pk) == TransactionStatus.SUCCEEDED
    ((path, callback),) = received
    assert path == "/spmis/registry/on-search"
    assert callback_errors("/registry/on-search", callback) == []
    assert callback["header"]["action"] == "on-search"
    records = callback["message"]["search_response"][0]["data"]["reg_records"]
    assert records[0]["identifier"][0]["identifier_value"] == person.nik
    assert callback["message"]["correlation_id"] == logged.correlation_id
    # Running the task again sends nothing more.
    tasks.answer(logged.pk)
    assert len(received) == 1

    status_body = envelope(
        "txn-status",
        {"transaction_id": "t-2", "txnstatus_request": {"reference_id": "s", "txn_type":
         "search", "attribute_type": "correlation_id", "attribute_value":
         logged.correlation_id}},
        sender_uri=base, total_count=1,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        status, ack = post(province_token, "/registry/txn/status", status_body)
    assert ack["message"]["ack_status"] == "ACK"
    status_log = DciTransaction.objects.get(correlation_id=ack["message"]["correlation_id"])
    tasks.answer(status_log.pk)
    path, callback = received[-1]
    assert path == "/spmis/registry/txn/on-status"
    assert callback_errors("/registry/txn/on-status", callback) == []
    assert callback["message"]["txnstatus_response"]["txn_status"] == callback_message(received)


def callback_message(received):
    return received[0][1]["message"]


def test_async_search_without_a_sender_uri_is_an_err_ack(province_token):
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": "5305011503850001"})))  # fmt: skip
    status, ack = post(province_token, "/registry/search", body)
    assert status == 400
    assert ack["message"]["ack_status"] == "ERR"
    assert ack["message"]["error"]["code"] == "err.sender_uri.invalid"
    assert DBTaskResult.objects.count() == 0
    assert DciTransaction.objects.get().status == TransactionStatus.REJECTED


def test_an_unreachable_callback_is_logged(province_token, django_capture_on_commit_callbacks):
    body = envelope("search", search_message(criteria("idtype-value", {"type": "NIK",
                    "value": "5305011503850001"})), sender_uri="http://127.0.0.1:9/x")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(province_token, "/registry/search", body)
    logged = DciTransaction.objects.get()
    tasks.answer(logged.pk)
    logged.refresh_from_db()
    assert logged.error_code == "callback_failed" and logged.response is not None
