"""DCI subscriptions and notify callbacks.

A subscription holds a search filter (any of the three query types) and the events it wants:
`joined` (REGISTER: a new person in the registry), `enrolled` (coverage became active) and
`exited` (an enrollment ended). `dispatch()` reads what changed since its cursor, matches every
active subscription's filter against the changed people in one query per subscription and
event (inside the client's scope), and writes one NotifyDelivery per person; `deliver_due()`
POSTs them to the subscriber's notify URI, up to EVENTS_PER_POST events in one POST over a
kept-alive connection, retrying with a growing delay; the log keeps one row per person and
event.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lindungi.api.choices import DeliveryStatus, NotifyEvent, SubscriptionStatus
from lindungi.api.dci import query, records
from lindungi.api.dci.envelope import (
    REG_TYPE,
    VERSION,
    ItemRejected,
    callback_header,
    check_item,
    new_id,
    now_ts,
)
from lindungi.api.models import NotifyCursor, NotifyDelivery, Subscription
from lindungi.enrollment.choices import EnrollmentState
from lindungi.enrollment.models import EnrollmentEvent
from lindungi.registry.models import Person

logger = logging.getLogger(__name__)
EVENT_TYPES = {
    "register": (NotifyEvent.JOINED,),
    "joined": (NotifyEvent.JOINED,),
    "enrolled": (NotifyEvent.ENROLLED,),
    "exited": (NotifyEvent.EXITED,),
    "any": tuple(NotifyEvent.values),
}
MAX_ATTEMPTS = 5
# Events of one subscription sent in one notify POST (the standard's `notify_event` array).
EVENTS_PER_POST = 100
NOTIFY_PATH = "/registry/notify"


def subscribe_items(*, client, header: dict, message: dict) -> list[dict]:
    """Create the subscriptions a SubscribeRequest asks for; one answer per item."""
    items = message.get("subscribe_request") or []
    seen: set[str] = set()
    answers = []
    for index, item in enumerate(items):
        reference_id = item.get("reference_id") if isinstance(item, dict) else None
        answer = {"reference_id": reference_id if isinstance(reference_id, str) else "",
                  "timestamp": now_ts()}  # fmt: skip
        try:
            check_item(item, index=index, seen=seen)
            criteria = item.get("subscribe_criteria")
            if not isinstance(criteria, dict):
                raise ItemRejected("rjct.notify_details.invalid", "subscribe_criteria is missing.")
            event = str(criteria.get("reg_event_type", "")).lower().rsplit(":", 1)[-1]
            if event not in EVENT_TYPES:
                raise ItemRejected(
                    "rjct.notify_types.invalid",
                    "reg_event_type is REGISTER, joined, enrolled, exited or any.",
                )
            search_criteria = {
                "query_type": criteria.get("filter_type", "expression"),
                "query": criteria.get("filter"),
                "reg_record_type": criteria.get("notify_record_type", "person"),
            }
            try:
                query.criteria_condition(search_criteria)
                query.record_type(search_criteria)
            except ItemRejected as rejected:
                raise ItemRejected("rjct.notify_details.invalid", rejected.message) from None
            subscription = Subscription.objects.create(
                client=client,
                code=new_id(),
                reference_id=answer["reference_id"],
                reg_event_type=event,
                notify_record_type=str(search_criteria["reg_record_type"])[:60],
                filter_type=str(search_criteria["query_type"]),
                filter=criteria.get("filter"),
                notify_uri=header["sender_uri"].rstrip("/")[:480],
            )
            answer.update(status="succ", subscriptions=[info(subscription)])
        except ItemRejected as rejected:
            answer.update(status="rjct", status_reason_code=rejected.code,
                          status_reason_message=rejected.message[:999])  # fmt: skip
        answers.append(answer)
    return answers


def info(subscription: Subscription) -> dict:
    return {
        "version": VERSION,
        "code": subscription.code,
        "status": subscription.status,
        "timestamp": subscription.created_at.isoformat(timespec="seconds"),
        "reg_type": REG_TYPE,
        "reg_event_type": subscription.reg_event_type,
        "filter_type": subscription.filter_type,
        "filter": subscription.filter,
        "notify_record_type": subscription.notify_record_type,
    }


def unsubscribe(*, client, message: dict) -> list[dict]:
    codes = message.get("subscription_codes")
    found = []
    for code in codes if isinstance(codes, list) else []:
        updated = Subscription.objects.filter(
            client=client, code=str(code), status=SubscriptionStatus.SUBSCRIBED
        ).update(status=SubscriptionStatus.UNSUBSCRIBED, ended_at=timezone.now())
        status = SubscriptionStatus.UNSUBSCRIBED if updated else None
        if status:
            found.append({"code": str(code), "status": status})
    return found


# --- Dispatch and delivery --------------------------------------------------------------------


def _changes(cursor: NotifyCursor) -> tuple[dict[str, object], int, int]:
    """Changed people per event since the cursor, as subqueries (nothing is loaded)."""
    people = Person.objects.filter(pk__gt=cursor.last_person_id)
    events = EnrollmentEvent.objects.filter(pk__gt=cursor.last_enrollment_event_id)
    last_person = people.aggregate(top=Max("pk"))["top"] or cursor.last_person_id
    last_event = events.aggregate(top=Max("pk"))["top"] or cursor.last_enrollment_event_id
    people = people.filter(pk__lte=last_person)
    events = events.filter(pk__lte=last_event)
    changed = {
        NotifyEvent.JOINED: people.values("pk"),
        NotifyEvent.ENROLLED: events.filter(to_state=EnrollmentState.ACTIVE).values(
            "enrollment__person_id"
        ),
        NotifyEvent.EXITED: events.filter(to_state=EnrollmentState.ENDED).values(
            "enrollment__person_id"
        ),
    }
    return changed, last_person, last_event


def dispatch() -> int:
    """Match what changed against every active subscription; returns deliveries written."""
    with transaction.atomic():
        cursor, _created = NotifyCursor.objects.select_for_update().get_or_create(pk=1)
        changed, last_person, last_event = _changes(cursor)
        written = 0
        subscriptions = Subscription.objects.filter(
            status=SubscriptionStatus.SUBSCRIBED, client__revoked_at__isnull=True
        ).select_related("client__user")
        for subscription in subscriptions:
            user = subscription.client.user
            view = records.view_of(user)
            criteria = {"query_type": subscription.filter_type, "query": subscription.filter}
            try:
                matching = query.people(
                    user=user, criteria=criteria, identified=view != records.STATISTICS
                )
            except ItemRejected:
                continue
            for event in EVENT_TYPES[subscription.reg_event_type]:
                people = list(matching.filter(pk__in=changed[event]))
                deliveries = [
                    NotifyDelivery(
                        subscription=subscription,
                        event=event,
                        person=person,
                        payload=record,
                        next_attempt_at=timezone.now(),
                    )
                    for person, record in zip(
                        people, records.person_records(people, view=view), strict=True
                    )
                ]
                NotifyDelivery.objects.bulk_create(deliveries, batch_size=1000)
                written += len(deliveries)
        cursor.last_person_id, cursor.last_enrollment_event_id = last_person, last_event
        cursor.save()
    return written


def _event(subscription: Subscription, delivery: NotifyDelivery) -> dict:
    return {
        "reference_id": subscription.code,
        "timestamp": now_ts(),
        "data": {
            "version": VERSION,
            "reg_type": REG_TYPE,
            "reg_event_type": "REGISTER",
            "reg_record_type": subscription.notify_record_type,
            "reg_records": {**delivery.payload, "lindungi_event": delivery.event},
        },
    }


def notify_body(deliveries: list[NotifyDelivery]) -> dict:
    """One NotifyRequest carrying several events of one subscription (`notify_event` is an
    array in the standard); `total_count` is the number of events."""
    subscription = deliveries[0].subscription
    count = len(deliveries)
    header = callback_header(action="notify", request_header={}, status="succ", total=count,
                             completed=count)  # fmt: skip
    header.pop("receiver_id", None)
    first, last = deliveries[0].pk, deliveries[-1].pk
    message = {
        "transaction_id": f"notify-{first}" if first == last else f"notify-{first}-{last}",
        "notify_event": [_event(subscription, delivery) for delivery in deliveries],
    }
    return {"header": header, "message": message}


def _batches(due: list[NotifyDelivery]) -> list[list[NotifyDelivery]]:
    """The due deliveries of each subscription, in groups of at most EVENTS_PER_POST."""
    by_subscription: dict[int, list[NotifyDelivery]] = {}
    for delivery in due:
        by_subscription.setdefault(delivery.subscription_id, []).append(delivery)
    return [
        group[start : start + EVENTS_PER_POST]
        for group in by_subscription.values()
        for start in range(0, len(group), EVENTS_PER_POST)
    ]


def deliver_due(*, limit: int = 10_000) -> dict[str, int]:
    """POST every due delivery once, several events of a subscription per POST over kept-alive
    connections; a failed POST fails each of its deliveries, which wait 2^attempts seconds,
    and fail for good after MAX_ATTEMPTS. Returns counts of deliveries by outcome."""
    from lindungi.api.dci.tasks import CALLBACK_ERRORS, Poster

    now = timezone.now()
    due = list(
        NotifyDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .select_related("subscription")
        .order_by("pk")[:limit]
    )
    outcome = {"delivered": 0, "retry": 0, "failed": 0}
    with Poster() as poster:
        for batch in _batches(due):
            url = batch[0].subscription.notify_uri + NOTIFY_PATH
            code, error = None, ""
            try:
                code = poster.post(url, notify_body(batch))
            except CALLBACK_ERRORS as failure:
                error = str(failure)[:300] or type(failure).__name__
                code = getattr(failure, "code", None)
            for delivery in batch:
                delivery.attempts += 1
                delivery.last_status_code = code
                delivery.last_error = error
                if not error:
                    delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
                    outcome["delivered"] += 1
                elif delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = DeliveryStatus.FAILED
                    outcome["failed"] += 1
                else:
                    delay = timedelta(seconds=2**delivery.attempts)
                    delivery.next_attempt_at = timezone.now() + delay
                    outcome["retry"] += 1
    NotifyDelivery.objects.bulk_update(
        due,
        ["attempts", "status", "delivered_at", "last_error", "last_status_code", "next_attempt_at"],
        batch_size=1000,
    )
    return outcome
