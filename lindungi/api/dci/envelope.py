"""The DCI message envelope (header, message, signature) as `social_api_v1.0.0` says it.

Refusals carry the standard's codes: transport errors (`err.*`) answer with the standard's
error shape; header faults (`rjct.*` of MsgHeaderStatusReasonCode) reject the whole message;
faults of one search item (`rjct.*` of SearchStatusReasonCode) reject that item only.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

VERSION = "1.0.0"
TRANSACTION_ID_MAX = 99
REG_TYPE = "ns:org:RegistryType:Social"
LOCALE = re.compile(r"^[a-z]{3}$")
# RFC 3339 date-time with a zone (Z or +hh:mm): the standard asks for ISO 8601 with timezone.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


class TransportError(Exception):
    """err.* : the message cannot be processed at all (Error.code)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class HeaderRejected(Exception):
    """rjct.* of MsgHeaderStatusReasonCode: the whole message is rejected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ItemRejected(Exception):
    """rjct.* of the request's own reason codes: one item is rejected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def sender_id() -> str:
    return getattr(settings, "LINDUNGI_DCI_SENDER_ID", "lindungi")


def now_ts() -> str:
    return timezone.now().isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex


def is_timestamp(value) -> bool:
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@dataclass
class Envelope:
    header: dict
    message: dict
    signature: str | None


def parse_body(data) -> Envelope:
    """The envelope of a request body already decoded from JSON."""
    if not isinstance(data, dict):
        raise TransportError("err.request.bad", "The body must be a JSON object.")
    header = data.get("header")
    message = data.get("message")
    if not isinstance(header, dict):
        raise TransportError("err.request.bad", "The message has no header object.")
    if not isinstance(message, dict):
        raise TransportError("err.request.bad", "The message has no message object.")
    signature = data.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise TransportError("err.signature.invalid", "The signature must be a string.")
    return Envelope(header=header, message=message, signature=signature)


def check_header(header: dict, *, action: str, needs_sender_uri: bool = False) -> None:
    """Raise HeaderRejected or TransportError for a header the standard refuses."""
    version = header.get("version", VERSION)
    if version != VERSION:
        raise HeaderRejected("rjct.version.invalid", f"Only version {VERSION} is supported.")
    message_id = header.get("message_id")
    if not isinstance(message_id, str) or not message_id or len(message_id) > 200:
        raise TransportError("err.request.bad", "header.message_id is required (a string).")
    if not is_timestamp(header.get("message_ts")):
        raise HeaderRejected(
            "rjct.message_ts.invalid",
            "header.message_ts must be an ISO 8601 date-time with a timezone.",
        )
    if header.get("action") != action:
        raise HeaderRejected("rjct.action.invalid", f"header.action must be {action!r} here.")
    sender = header.get("sender_id")
    if not isinstance(sender, str) or not sender or len(sender) > 200:
        raise TransportError("err.sender_id.invalid", "header.sender_id is required.")
    receiver = header.get("receiver_id")
    if receiver is not None and receiver != sender_id():
        raise TransportError("err.receiver_id.invalid", f"This registry is {sender_id()!r}.")
    total = header.get("total_count")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise HeaderRejected("rjct.total_count.invalid", "header.total_count must be a count.")
    if header.get("is_msg_encrypted", False) is not False:
        raise TransportError(
            "err.encryption.invalid", "Encrypted messages are not accepted by this registry."
        )
    if needs_sender_uri:
        uri = header.get("sender_uri")
        if not isinstance(uri, str) or not re.match(r"^https?://[^\s/]+(/\S*)?$", uri):
            raise TransportError(
                "err.sender_uri.invalid", "header.sender_uri must be an http(s) URL for callbacks."
            )


def check_transaction_id(message: dict) -> str:
    transaction_id = message.get("transaction_id")
    if not isinstance(transaction_id, str) or not 1 <= len(transaction_id) <= TRANSACTION_ID_MAX:
        raise TransportError(
            "err.request.bad",
            f"message.transaction_id is required: a string of at most {TRANSACTION_ID_MAX}.",
        )
    return transaction_id


def check_item(item, *, index: int, seen: set[str]) -> str:
    """The reference id of one request item; ItemRejected for a bad id, timestamp or locale."""
    if not isinstance(item, dict):
        raise ItemRejected("rjct.search_criteria.invalid", f"Item {index} is not an object.")
    reference_id = item.get("reference_id")
    if not isinstance(reference_id, str) or not reference_id or len(reference_id) > 99:
        raise ItemRejected("rjct.reference_id.invalid", "reference_id is required (a string).")
    if reference_id in seen:
        raise ItemRejected("rjct.reference_id.duplicate", "reference_id repeats in this message.")
    seen.add(reference_id)
    if not is_timestamp(item.get("timestamp")):
        raise ItemRejected(
            "rjct.timestamp.invalid", "timestamp must be an ISO 8601 date-time with a timezone."
        )
    locale = item.get("locale")
    if locale is not None and (not isinstance(locale, str) or not LOCALE.match(locale)):
        raise ItemRejected(
            "rjct.search_criteria.invalid", "locale is three lower-case letters (e.g. ind)."
        )
    return reference_id


def callback_header(*, action: str, request_header: dict, status: str, total: int,
                    completed: int, reason: HeaderRejected | None = None) -> dict:  # fmt: skip
    header = {
        "version": VERSION,
        "message_id": new_id(),
        "message_ts": now_ts(),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": completed,
        "sender_id": sender_id(),
        "is_msg_encrypted": False,
    }
    receiver = request_header.get("sender_id")
    if isinstance(receiver, str) and receiver:
        header["receiver_id"] = receiver
    if reason is not None:
        header["status_reason_code"] = reason.code
        header["status_reason_message"] = reason.message[:999]
    return header


def transport_error_body(error: TransportError) -> dict:
    """HttpErrorResponse: the standard's transport-layer error shape."""
    return {"errors": [{"code": error.code, "message": error.message[:999]}]}


def ack(correlation_id: str, *, error: TransportError | None = None) -> dict:
    """The standard's acknowledgement (`Response`): ACK, or ERR with its error."""
    message: dict = {
        "ack_status": "ERR" if error else "ACK",
        "timestamp": now_ts(),
        "correlation_id": correlation_id,
    }
    if error is not None:
        message["error"] = {"code": error.code, "message": error.message[:999]}
    return {"message": message}
