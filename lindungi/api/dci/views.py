"""DCI Social Registry API v1.0.0 endpoints under /api/dci/ (sync and async search, txn
status). Bearer tokens of API clients; region scoping and role-based fields as everywhere.

Every request leaves one DciTransaction row (the log txn/status reads); a refused request
leaves nothing else. Answers follow the standard's shapes: transport errors as
HttpErrorResponse (4xx), async acknowledgements as `Response` (ACK/ERR), results with a
MsgCallbackHeader.
"""

import json
from functools import partial

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from lindungi.api.authentication import ApiTokenAuthentication, ClientRateThrottle
from lindungi.api.choices import TransactionStatus
from lindungi.api.dci import search, signatures
from lindungi.api.dci.envelope import (
    Envelope,
    HeaderRejected,
    ItemRejected,
    TransportError,
    ack,
    callback_header,
    check_header,
    new_id,
    parse_body,
    transport_error_body,
)
from lindungi.api.models import DciTransaction

MAX_BODY = 1_000_000


class RawParser(BaseParser):
    """Leaves the body to the view, which answers malformed JSON in the standard's shape."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_BODY + 1) if stream is not None else b""


class IsApiClient(BasePermission):
    def has_permission(self, request, view) -> bool:
        return getattr(request, "api_client", None) is not None


HTTP_ERRORS = [
    (exceptions.NotAuthenticated, 401, "err.request.unauthorized"),
    (exceptions.AuthenticationFailed, 401, "err.request.unauthorized"),
    (exceptions.PermissionDenied, 403, "err.request.forbidden"),
    (exceptions.Throttled, 429, "err.request.too_many_requests"),
    (exceptions.MethodNotAllowed, 405, "err.request.bad"),
    (exceptions.UnsupportedMediaType, 400, "err.request.bad"),
    (exceptions.ParseError, 400, "err.request.bad"),
]


def _log(
    http_request, *, action: str, envelope: Envelope | None, status: str, **fields
) -> DciTransaction:
    header = envelope.header if envelope else {}
    message = envelope.message if envelope else {}
    message_id = header.get("message_id")
    transaction_id = message.get("transaction_id")
    return DciTransaction.objects.create(
        client=getattr(http_request, "api_client", None),
        action=action,
        path=http_request.path[:100],
        message_id=message_id[:200] if isinstance(message_id, str) else "",
        transaction_id=transaction_id[:200] if isinstance(transaction_id, str) else "",
        correlation_id=fields.pop("correlation_id", None) or new_id(),
        status=status,
        **fields,
    )


@extend_schema(exclude=True)
class DciView(APIView):
    """Parses and checks the envelope, logs the transaction, answers in the standard's shapes."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsApiClient]
    throttle_classes = [ClientRateThrottle]
    parser_classes = [RawParser]
    action_name = ""
    needs_sender_uri = False

    def handle_exception(self, exc):
        for kind, status, code in HTTP_ERRORS:
            if isinstance(exc, kind):
                body = transport_error_body(TransportError(code, str(getattr(exc, "detail", exc))))
                response = JsonResponse(body, status=status)
                if status == 401:
                    response["WWW-Authenticate"] = "Bearer"
                return response
        raise exc

    def envelope(self, request) -> Envelope:
        raw = request.data
        if len(raw) > MAX_BODY:
            raise TransportError("err.request.bad", "The body is larger than 1 MB.", 413)
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise TransportError("err.request.bad", "The body is not valid JSON.") from None
        envelope = parse_body(data)
        signatures.verify(request.api_client, envelope)
        check_header(
            envelope.header, action=self.action_name, needs_sender_uri=self.needs_sender_uri
        )
        return envelope

    def post(self, request):
        envelope = None
        try:
            envelope = self.envelope(request)
            return self.answer(request, envelope)
        except TransportError as error:
            _log(
                request,
                action=self.action_name,
                envelope=envelope,
                status=TransactionStatus.REJECTED,
                error_code=error.code,
                completed_at=timezone.now(),
            )
            return self.transport_error(error)
        except HeaderRejected as rejected:
            _log(
                request,
                action=self.action_name,
                envelope=envelope,
                status=TransactionStatus.REJECTED,
                status_reason_code=rejected.code,
                completed_at=timezone.now(),
            )
            return self.header_rejected(envelope, rejected)

    def transport_error(self, error: TransportError) -> JsonResponse:
        return JsonResponse(transport_error_body(error), status=error.status)

    def header_rejected(self, envelope: Envelope | None, rejected: HeaderRejected) -> JsonResponse:
        header = callback_header(
            action=self.callback_action,
            request_header=envelope.header if envelope else {},
            status=TransactionStatus.REJECTED,
            total=0,
            completed=0,
            reason=rejected,
        )
        return JsonResponse({"header": header})


class SyncSearch(DciView):
    action_name = "search"
    callback_action = "on-search"

    def answer(self, request, envelope: Envelope) -> JsonResponse:
        transaction_id, items = search.validate_search(envelope.message, envelope.header)
        answers = search.run_search(items=items, user=request.user)
        correlation_id = new_id()
        message = search.search_response(
            transaction_id=transaction_id, correlation_id=correlation_id, answers=answers
        )
        _log(
            request,
            action="search",
            envelope=envelope,
            status=TransactionStatus.SUCCEEDED,
            correlation_id=correlation_id,
            request=envelope.message,
            response=message,
            reference_ids=[answer["reference_id"] for answer in answers],
            completed_at=timezone.now(),
        )
        header = callback_header(
            action="on-search",
            request_header=envelope.header,
            status=TransactionStatus.SUCCEEDED,
            total=len(items),
            completed=len(answers),
        )
        return JsonResponse({"header": header, "message": message})


class SyncTxnStatus(DciView):
    action_name = "txn-status"
    callback_action = "txn-on-status"

    def answer(self, request, envelope: Envelope) -> JsonResponse:
        transaction_id, status_request = search.validate_status(envelope.message)
        correlation_id = new_id()
        try:
            found = search.find_status(client=request.api_client, request=status_request)
        except ItemRejected as rejected:
            _log(
                request,
                action="txn-status",
                envelope=envelope,
                status=TransactionStatus.REJECTED,
                correlation_id=correlation_id,
                status_reason_code=rejected.code,
                completed_at=timezone.now(),
            )
            header = callback_header(
                action="txn-on-status",
                request_header=envelope.header,
                status=TransactionStatus.REJECTED,
                total=1,
                completed=1,
            )
            header["status_reason_message"] = rejected.message
            return JsonResponse({"header": header})
        message = {
            "transaction_id": transaction_id,
            "correlation_id": correlation_id,
            "txnstatus_response": found,
        }
        _log(
            request,
            action="txn-status",
            envelope=envelope,
            status=TransactionStatus.SUCCEEDED,
            correlation_id=correlation_id,
            completed_at=timezone.now(),
        )
        header = callback_header(
            action="txn-on-status",
            request_header=envelope.header,
            status=TransactionStatus.SUCCEEDED,
            total=1,
            completed=1,
        )
        return JsonResponse({"header": header, "message": message})


class AsyncView(DciView):
    """ACK at once; a background task computes the answer and POSTs it to the sender."""

    needs_sender_uri = True
    task_name = ""

    def transport_error(self, error: TransportError) -> JsonResponse:
        return JsonResponse(ack(new_id(), error=error), status=error.status)

    def header_rejected(self, envelope, rejected: HeaderRejected) -> JsonResponse:
        error = TransportError("err.request.bad", f"{rejected.code}: {rejected.message}")
        return JsonResponse(ack(new_id(), error=error), status=400)

    def validate(self, envelope: Envelope) -> tuple[str, list]:
        raise NotImplementedError

    def answer(self, request, envelope: Envelope) -> JsonResponse:
        _transaction_id, items = self.validate(envelope)
        correlation_id = new_id()
        references = [item.get("reference_id") for item in items if isinstance(item, dict)]
        with transaction.atomic():
            logged = _log(
                request,
                action=self.action_name,
                envelope=envelope,
                status=TransactionStatus.PENDING,
                correlation_id=correlation_id,
                request={"header": envelope.header, "message": envelope.message},
                reference_ids=[ref for ref in references if isinstance(ref, str)],
                sender_uri=envelope.header["sender_uri"][:500],
            )
            from lindungi.api.dci import tasks

            transaction.on_commit(partial(tasks.enqueue_answer, logged.pk))
        return JsonResponse(ack(correlation_id))


class AsyncSearch(AsyncView):
    action_name = "search"
    callback_action = "on-search"

    def validate(self, envelope):
        return search.validate_search(envelope.message, envelope.header)


class AsyncTxnStatus(AsyncView):
    action_name = "txn-status"
    callback_action = "txn-on-status"

    def validate(self, envelope):
        transaction_id, status_request = search.validate_status(envelope.message)
        return transaction_id, [status_request]


class Subscribe(AsyncView):
    action_name = "subscribe"
    callback_action = "on-subscribe"

    def validate(self, envelope):
        return search.validate_subscribe(envelope.message, envelope.header)


class Unsubscribe(AsyncView):
    action_name = "unsubscribe"
    callback_action = "on-unsubscribe"

    def validate(self, envelope):
        return search.validate_unsubscribe(envelope.message)
