"""Background answers of the async DCI endpoints: compute, then POST to the sender's URI."""

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.utils import timezone
from django_tasks import task

from lindungi.api.choices import TransactionStatus
from lindungi.api.dci import notify, search
from lindungi.api.dci.envelope import (
    HeaderRejected,
    ItemRejected,
    TransportError,
    callback_header,
    now_ts,
)
from lindungi.api.models import DciTransaction

logger = logging.getLogger(__name__)
CALLBACK_TIMEOUT = 10
ATTEMPTS = 3
CALLBACK_PATHS = {
    "search": "/registry/on-search",
    "txn-status": "/registry/txn/on-status",
    "subscribe": "/registry/on-subscribe",
    "unsubscribe": "/registry/on-unsubscribe",
}


def callback_url(sender_uri: str, action: str) -> str:
    """The caller's callback: `sender_uri` itself when it names the on-* endpoint, else
    `sender_uri` + the standard's path."""
    path = CALLBACK_PATHS[action]
    base = sender_uri.rstrip("/")
    return base if base.endswith(path.rsplit("/", 1)[-1]) else base + path


class Poster:
    """POSTs JSON over kept-alive HTTP/1.1 connections, one per scheme, host and port, so a
    run of notify POSTs to one subscriber opens one connection (not one per POST).

    A connection the peer closed between two POSTs is reopened once; any other failure is
    raised (one of CALLBACK_ERRORS) for the caller's retry log.
    """

    def __init__(self, timeout: float = CALLBACK_TIMEOUT) -> None:
        self.timeout = timeout
        self.connections: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def __enter__(self) -> "Poster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()

    def _connection(self, scheme: str, netloc: str, host: str, port: int | None):
        key = (scheme, netloc)
        connection = self.connections.get(key)
        if connection is not None:
            return connection, True
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = kind(host, port, timeout=self.timeout)
        self.connections[key] = connection
        return connection, False

    def post(self, url: str, body: dict) -> int:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url[:80]}")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        while True:
            connection, reused = self._connection(
                parts.scheme, parts.netloc, parts.hostname, parts.port
            )
            try:
                connection.request("POST", path, body=data, headers=headers)
                response = connection.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop(parts)
                if reused:
                    continue  # the peer closed an idle connection: once more on a new one
                raise
            except BaseException:
                self._drop(parts)
                raise
            if response.will_close:
                self._drop(parts)
            if response.status >= 400:
                raise urllib.error.HTTPError(url, response.status, response.reason,
                                             response.headers, None)  # fmt: skip
            return response.status

    def _drop(self, parts) -> None:
        connection = self.connections.pop((parts.scheme, parts.netloc), None)
        if connection is not None:
            connection.close()


# What a failed callback raises: refused, timed out, an error status, a broken answer.
CALLBACK_ERRORS = (urllib.error.URLError, OSError, ValueError, http.client.HTTPException)


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
    if logged.action == "subscribe":
        transaction_id, items = search.validate_subscribe(message, header)
        answers = notify.subscribe_items(client=logged.client, header=header, message=message)
        body = {
            "transaction_id": transaction_id,
            "correlation_id": logged.correlation_id,
            "subscribe_response": answers,
        }
        return {
            "header": _header("on-subscribe", header, TransactionStatus.SUCCEEDED, len(items)),
            "message": body,
        }
    if logged.action == "unsubscribe":
        transaction_id, codes = search.validate_unsubscribe(message)
        ended = notify.unsubscribe(client=logged.client, message=message)
        body = {
            "transaction_id": transaction_id,
            "correlation_id": logged.correlation_id,
            "timestamp": now_ts(),
            "status": TransactionStatus.SUCCEEDED if ended else TransactionStatus.REJECTED,
            "subscription_status": ended,
        }
        if not ended:
            body["status_reason_code"] = "rjct.subscription_code.invalid"
        return {
            "header": _header("on-unsubscribe", header, TransactionStatus.SUCCEEDED, len(codes)),
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


def run_notifications() -> dict[str, int]:
    """Match changes against subscriptions, then deliver what is due; retries come back."""
    written = notify.dispatch()
    outcome = notify.deliver_due()
    if outcome["retry"]:
        from datetime import timedelta

        try:
            notify_async.using(run_after=timezone.now() + timedelta(seconds=2)).enqueue()
        except Exception:  # a backend without run_after: the next change retries them
            logger.warning("Could not schedule the notify retries.")
    return {"written": written, **outcome}


@task()
def notify_async() -> dict[str, int]:
    return run_notifications()


def on_change(kind: str, *, regency: str | None = None) -> None:
    """core.changes listener: after the writer commits, look for subscribers to tell."""
    from django.db import transaction

    from lindungi.api.models import Subscription

    def enqueue() -> None:
        if Subscription.objects.filter(status="subscribe").exists():
            notify_async.enqueue()

    transaction.on_commit(enqueue)
