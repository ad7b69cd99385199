"""Running DCI searches and txn-status look-ups: shared by the sync endpoints and the jobs that
answer the async ones."""

from django.db.models import Q

from lindungi.api.dci import query, records
from lindungi.api.dci.envelope import (
    LOCALE,
    REG_TYPE,
    VERSION,
    HeaderRejected,
    ItemRejected,
    TransportError,
    check_item,
    check_transaction_id,
    is_timestamp,
    now_ts,
)
from lindungi.api.models import DciTransaction
from lindungi.registry.search import search_people

MAX_ITEMS = 100


def _items(message: dict, header: dict, key: str) -> list:
    items = message.get(key)
    if not isinstance(items, list) or not items:
        raise TransportError("err.request.bad", f"message.{key} is a non-empty list.")
    if len(items) > MAX_ITEMS:
        raise HeaderRejected(
            "rjct.total_count.limit_exceeded", f"At most {MAX_ITEMS} requests in one message."
        )
    if header.get("total_count") != len(items):
        raise HeaderRejected(
            "rjct.total_count.invalid", f"header.total_count must be {len(items)} here."
        )
    return items


def validate_search(message: dict, header: dict) -> tuple[str, list]:
    """The transaction id and items of a search message (raises for envelope faults)."""
    return check_transaction_id(message), _items(message, header, "search_request")


def _search_item(item: dict, *, user, view: str) -> dict:
    criteria = item.get("search_criteria")
    if not isinstance(criteria, dict):
        raise ItemRejected("rjct.search_criteria.invalid", "search_criteria is an object.")
    kind = query.record_type(criteria)
    order = query.ordering(criteria, kind)
    page = query.pagination(criteria)
    identified = view != records.STATISTICS
    people = query.people(user=user, criteria=criteria, identified=identified)
    start = (page.number - 1) * page.size
    if kind == "person":
        total = people.count()
        rows = list(people.select_related(None).order_by(*order, "pk")[start : start + page.size])
        found = records.person_records(rows, view=view)
    else:
        if any(field.lstrip("-") != "kk_number" for field in order):
            raise ItemRejected("rjct.sort.invalid", "Households sort by kk only.")
        households = people.order_by(order[0]).values_list("kk_number", flat=True).distinct()
        total = households.count()
        kks = list(households[start : start + page.size])
        members = list(
            search_people(user=user, condition=Q(kk_number__in=kks), identified=identified)
        )
        found = records.group_records(kks, members, view=view)
    return {
        "status": "succ",
        "data": {
            "version": VERSION,
            "reg_type": REG_TYPE,
            "reg_record_type": str(criteria.get("reg_record_type", "person")),
            "reg_records": found,
        },
        "pagination": {"page_size": page.size, "page_number": page.number, "total_count": total},
    }


def run_search(*, items: list, user) -> list[dict]:
    """One search_response item per request item: `succ` with records, or `rjct` with the
    standard's reason code."""
    view = records.view_of(user)
    seen: set[str] = set()
    responses = []
    for index, item in enumerate(items):
        reference_id = item.get("reference_id") if isinstance(item, dict) else None
        answer = {
            "reference_id": reference_id if isinstance(reference_id, str) else "",
            "timestamp": now_ts(),
        }
        try:
            check_item(item, index=index, seen=seen)
            answer.update(_search_item(item, user=user, view=view))
        except ItemRejected as rejected:
            answer.update(
                status="rjct",
                status_reason_code=rejected.code,
                status_reason_message=rejected.message[:999],
            )
        locale = item.get("locale") if isinstance(item, dict) else None
        if isinstance(locale, str) and LOCALE.match(locale):
            answer["locale"] = locale
        responses.append(answer)
    return responses


def search_response(*, transaction_id: str, correlation_id: str, answers: list) -> dict:
    return {
        "transaction_id": transaction_id,
        "correlation_id": correlation_id,
        "search_response": answers,
    }


TXN_TYPES = {"search": ("search",), "subscribe": ("subscribe", "unsubscribe"), "receipt": ()}


def validate_status(message: dict) -> tuple[str, dict]:
    transaction_id = check_transaction_id(message)
    request = message.get("txnstatus_request")
    if not isinstance(request, dict):
        raise TransportError("err.request.bad", "message.txnstatus_request is an object.")
    return transaction_id, request


def find_status(*, client, request: dict) -> dict:
    """The txnstatus_response for one request: the answer stored for that transaction."""
    if not isinstance(request.get("reference_id"), str) or not request["reference_id"]:
        raise ItemRejected("rjct.reference_id.invalid", "reference_id is required.")
    txn_type = request.get("txn_type")
    if txn_type not in TXN_TYPES:
        raise ItemRejected("rjct.search_criteria.invalid", "txn_type is search or subscribe.")
    attribute, value = request.get("attribute_type"), request.get("attribute_value")
    logged = DciTransaction.objects.filter(
        client=client, action__in=TXN_TYPES[txn_type], response__isnull=False
    )
    if attribute == "transaction_id" and isinstance(value, str):
        logged = logged.filter(transaction_id=value)
    elif attribute == "correlation_id" and isinstance(value, str):
        logged = logged.filter(correlation_id=value)
    elif attribute == "reference_id_list" and isinstance(value, list) and value:
        wanted = {str(item) for item in value}
        ids = [
            pk
            for pk, references in logged.values_list("pk", "reference_ids")[:1000]
            if wanted & set(references or [])
        ]
        logged = logged.filter(pk__in=ids)
    else:
        raise ItemRejected(
            "rjct.search_criteria.invalid",
            "attribute_type is transaction_id, reference_id_list or correlation_id.",
        )
    found = logged.order_by("-pk").first()
    if found is None:
        raise ItemRejected("rjct.reference_id.invalid", "No such transaction of yours.")
    return {"txn_type": txn_type, "txn_status": found.response}


def validate_subscribe(message: dict, header: dict) -> tuple[str, list]:
    return check_transaction_id(message), _items(message, header, "subscribe_request")


def validate_unsubscribe(message: dict) -> tuple[str, list]:
    transaction_id = check_transaction_id(message)
    codes = message.get("subscription_codes")
    if not isinstance(codes, list) or not codes or len(codes) > MAX_ITEMS:
        raise TransportError("err.request.bad", "message.subscription_codes is a list (1-100).")
    if not is_timestamp(message.get("timestamp")):
        raise TransportError("err.request.bad", "message.timestamp needs a timezone.")
    return transaction_id, codes
