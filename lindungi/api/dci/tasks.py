"""Background answers of the async DCI endpoints: compute, then POST to the sender's URI."""

import json
import logging
import urllib.error
import urllib.request

from django.utils import timezone
from django_tasks import task

from lindungi.api.choices import TransactionStatus
from lindungi.api.dci import search
from lindungi.api.dci.envelope import (
    HeaderRejected,
    ItemRejected,
    TransportError,
    callback_header,
)
from lindungi.api.models import DciTransaction

logger = logging.getLogger(__name__)
CALLBACK_TIMEOUT = 10
ATTEMPTS = 3
CALLBACK_PATHS = {"search": "/registry/on-search", "txn-status": "/registry/txn/on-status"}


def callback_url(sender_uri: str, action: str) -> str:
    """The caller's callback: `sender_uri` itself when it names the on-* endpoint, else
    `sender_uri` + the standard's path."""
    path = CALLBACK_PATHS[action]
    base = sender_uri.rstrip("/")
    return base if base.endswith(path.rsplit("/", 1)[-1]) else base + path


def post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 (http(s) only: checked at intake)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as response:  # noqa: S310
        return response.status


def enqueue_answer(transaction_pk: int) -> None:
    answer_async.enqueue(transaction_pk)


def _header(action: str, request_header: dict, status: str, total: int) -> dict:
    return callback_header(
        action=action, request_header=request_header, status=status, total=total, completed=total
    )


def build_answer(logged: DciTransaction) -> dict:
    header, message = logged.request["header"], logged.request["message"]
    user = logged.client.user
    if logged.action == "search":
        transaction_id, items = search.validate_search(message, header)
        answers = search.run_search(items=items, user=user)
        body = search.search_response(
            transaction_id=transaction_id, correlation_id=logged.correlation_id, answers=answers
        )
        logged.reference_ids = [answer["reference_id"] for answer in answers]
        return {
            "header": _header("on-search", header, TransactionStatus.SUCCEEDED, len(items)),
            "message": body,
        }
    transaction_id, status_request = search.validate_status(message)
    try:
        found = search.find_status(client=logged.client, request=status_request)
    except ItemRejected as rejected:
        head = _header("txn-on-status", header, TransactionStatus.REJECTED, 1)
        head["status_reason_message"] = rejected.message
        return {"header": head}
    body = {
        "transaction_id": transaction_id,
        "correlation_id": logged.correlation_id,
        "txnstatus_response": found,
    }
    return {
        "header": _header("txn-on-status", header, TransactionStatus.SUCCEEDED, 1),
        "message": body,
    }


def answer(transaction_pk: int) -> str:
    """Compute and deliver one async answer; the log keeps the answer and the outcome."""
    logged = DciTransaction.objects.select_related("client__user").get(pk=transaction_pk)
    if logged.status != TransactionStatus.PENDING:
        return logged.status
    try:
        callback = build_answer(logged)
    except (TransportError, HeaderRejected) as error:  # checked at intake; kept for safety
        logged.status, logged.error_code = TransactionStatus.REJECTED, error.code
        logged.completed_at = timezone.now()
        logged.save(update_fields=["status", "error_code", "completed_at"])
        return logged.status
    url = callback_url(logged.sender_uri, logged.action)
    error = ""
    for _attempt in range(ATTEMPTS):
        try:
            post_json(url, callback)
            error = ""
            break
        except (urllib.error.URLError, OSError, ValueError) as failure:
            error = str(failure)[:60]
            logger.warning("DCI callback to %s failed: %s", url, failure)
    logged.response = callback.get("message")
    logged.status = TransactionStatus.SUCCEEDED
    logged.error_code = "callback_failed" if error else ""
    logged.completed_at = timezone.now()
    logged.save(update_fields=["response", "status", "error_code", "completed_at", "reference_ids"])
    return logged.status


@task()
def answer_async(transaction_pk: int) -> str:
    return answer(transaction_pk)
