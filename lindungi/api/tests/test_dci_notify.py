"""Issue 16.2: subscribe/unsubscribe and notify callbacks on join, enrollment and exit,
delivered by a job with retries and a delivery log. Messages validated against the YAML."""

import datetime
import json

import pytest

from lindungi.api.choices import DeliveryStatus
from lindungi.api.dci import notify, tasks
from lindungi.api.models import DciTransaction, NotifyDelivery, Subscription
from lindungi.api.tests.dci_schema import callback_errors
from lindungi.api.tests.test_dci import NOW, envelope, post
from lindungi.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def subscribe(token, base, captured, *, event="REGISTER", query=None):
    message = {
        "transaction_id": "sub-1",
        "subscribe_request": [
            {
                "reference_id": "s-1",
                "timestamp": NOW,
                "subscribe_criteria": {
                    "reg_event_type": event,
                    "filter_type": "expression",
                    "filter": query or {"expression": {"query": {"desil": {"$lte": 2}}}},
                    "notify_record_type": "person",
                },
            }
        ],
    }
    body = envelope("subscribe", message, sender_uri=base, total_count=1)
    with captured(execute=True):
        _status, ack = post(token, "/registry/subscribe", body)
    assert ack["message"]["ack_status"] == "ACK"
    tasks.answer(DciTransaction.objects.order_by("-pk").first().pk)


def test_subscribers_are_told_who_joined_within_their_scope(
    alor_token,
    receiver,
    django_capture_on_commit_callbacks,
):
    base, received = receiver
    PersonFactory(desil=1)  # before the subscription: not news
    notify.dispatch()
    subscribe(alor_token, base, django_capture_on_commit_callbacks)
    path, on_subscribe = received[-1]
    assert path == "/spmis/registry/on-subscribe"
    assert callback_errors("/registry/on-subscribe", on_subscribe) == []
    code = on_subscribe["message"]["subscribe_response"][0]["subscriptions"][0]["code"]
    assert Subscription.objects.get().code == code

    joined = [PersonFactory(desil=1 + index % 3) for index in range(6)]
    PersonFactory(village_code="53.03.01.2005", desil=1)  # another regency
    result = tasks.run_notifications()
    expected = sorted(p.nik for p in joined if p.desil <= 2)
    assert result["written"] == len(expected) == result["delivered"]
    notified = [body for path, body in received if path == "/spmis/registry/notify"]
    for body in notified:
        assert callback_errors("/registry/notify", body) == []
    niks = sorted(
        event["data"]["reg_records"]["identifier"][0]["identifier_value"]
        for body in notified
        for event in body["message"]["notify_event"]
    )
    assert niks == expected
    # Several events in one POST, as the standard's notify_event array allows.
    assert len(notified) == 1 and notified[0]["header"]["total_count"] == len(expected)
    # Nothing new: nothing sent again.
    assert tasks.run_notifications()["written"] == 0

    message = {"transaction_id": "u-1", "timestamp": NOW, "subscription_codes": [code]}
    body = envelope("unsubscribe", message, sender_uri=base, total_count=1)
    with django_capture_on_commit_callbacks(execute=True):
        post(alor_token, "/registry/unsubscribe", body)
    tasks.answer(DciTransaction.objects.order_by("-pk").first().pk)
    path, on_unsubscribe = received[-1]
    assert path == "/spmis/registry/on-unsubscribe"
    assert callback_errors("/registry/on-unsubscribe", on_unsubscribe) == []
    assert on_unsubscribe["message"]["subscription_status"] == [
        {"code": code, "status": "unsubscribe"}
    ]
    PersonFactory(desil=1)
    assert tasks.run_notifications()["written"] == 0


def test_a_failing_subscriber_is_retried_then_given_up(
    province_token,
    receiver,
    django_capture_on_commit_callbacks,
):
    base, _received = receiver
    subscribe(province_token, base, django_capture_on_commit_callbacks)
    Subscription.objects.update(notify_uri="http://127.0.0.1:9/gone")
    PersonFactory(desil=1)
    assert tasks.run_notifications()["retry"] == 1
    delivery = NotifyDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == DeliveryStatus.PENDING
    for _ in range(notify.MAX_ATTEMPTS):
        NotifyDelivery.objects.update(
            next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
        notify.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == notify.MAX_ATTEMPTS and delivery.last_error


def test_bad_subscriptions_are_rejected_with_the_standard_reason(
    province_token,
    receiver,
    django_capture_on_commit_callbacks,
):
    base, received = receiver
    subscribe(province_token, base, django_capture_on_commit_callbacks, event="LiveBirth")
    answer = received[-1][1]["message"]["subscribe_response"][0]
    assert answer["status_reason_code"] == "rjct.notify_types.invalid"
    subscribe(province_token, base, django_capture_on_commit_callbacks,
              query={"expression": {"query": {"colour": "red"}}})  # fmt: skip
    answer = received[-1][1]["message"]["subscribe_response"][0]
    assert answer["status_reason_code"] == "rjct.notify_details.invalid"
    assert Subscription.objects.count() == 0


def test_subscribers_are_told_who_was_enrolled_and_who_exited(
    province_token, receiver, django_capture_on_commit_callbacks
):
    from lindungi.contributions.tests.conftest import enroll
    from lindungi.enrollment.models import EnrollmentEvent
    from lindungi.programs.models import Programme
    from lindungi.programs.tests.helpers import cohort_with_payer

    base, _received = receiver
    programme = Programme.objects.create(
        name="P", province_id="53", year=2025, coverage_start=datetime.date(2025, 7, 18),
        coverage_end=datetime.date(2025, 12, 31), target_headcount=10,
    )  # fmt: skip
    cohort = cohort_with_payer(
        programme=programme, name="APBD", payer_type="province", payer_name="NTT",
        funding_source="APBD", headcount=10,
    )  # fmt: skip
    active, ended = enroll(cohort), enroll(cohort, end=datetime.date(2025, 9, 1))
    notify.dispatch()  # what exists before the subscription is not news
    subscribe(province_token, base, django_capture_on_commit_callbacks, event="any",
              query={"expression": {"query": {"regency": "53.05"}}})  # fmt: skip
    EnrollmentEvent.objects.bulk_create([
        EnrollmentEvent(enrollment=active, from_state="submitted", to_state="active",
                        date=datetime.date(2025, 7, 18)),
        EnrollmentEvent(enrollment=ended, from_state="active", to_state="ended",
                        date=datetime.date(2025, 9, 1)),
    ])  # fmt: skip
    tasks.run_notifications()
    events = sorted(
        (delivery.event, delivery.person_id) for delivery in NotifyDelivery.objects.all()
    )
    assert events == sorted([("enrolled", active.person_id), ("exited", ended.person_id)])
    assert all(d.status == DeliveryStatus.DELIVERED for d in NotifyDelivery.objects.all())


def test_many_deliveries_go_in_few_posts_over_one_connection(make_client):
    """Issue 16.4: 1,000 deliveries after a bulk change must not cost 1,000 POSTs and 1,000
    connections. 150 events: two POSTs (100 + 50), both on one kept-alive connection."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen = {"connections": 0, "posts": 0, "events": 0}

    class KeepAlive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            seen["connections"] += 1
            super().setup()

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert callback_errors("/registry/notify", body) == []
            seen["posts"] += 1
            seen["events"] += len(body["message"]["notify_event"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client, _token = make_client("bappeda", "province_officer")
        notify.dispatch()
        Subscription.objects.create(
            client=client, code="many", reference_id="r", reg_event_type="joined",
            notify_record_type="person", filter_type="expression",
            filter={"expression": {"query": {"desil": {"$lte": 10}}}},
            notify_uri=f"http://127.0.0.1:{server.server_port}/spmis",
        )  # fmt: skip
        PersonFactory.create_batch(150, desil=3)
        result = tasks.run_notifications()
    finally:
        server.shutdown()
        server.server_close()
    assert result["written"] == result["delivered"] == 150
    assert seen == {"connections": 1, "posts": 2, "events": 150}
    assert NotifyDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 150


def test_a_refused_batch_is_retried_for_each_of_its_deliveries(make_client):
    client, _token = make_client("bps-2", "province_officer")
    notify.dispatch()
    Subscription.objects.create(
        client=client, code="gone", reference_id="r", reg_event_type="joined",
        notify_record_type="person", filter_type="expression",
        filter={"expression": {"query": {"desil": {"$lte": 10}}}},
        notify_uri="http://127.0.0.1:9/gone",
    )  # fmt: skip
    PersonFactory.create_batch(3, desil=3)
    assert tasks.run_notifications()["retry"] == 3
    assert set(NotifyDelivery.objects.values_list("attempts", "status")) == {(1, "pending")}
