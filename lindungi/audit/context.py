"""Where the current write comes from: a web request, a background job or a command."""

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    source: str  # "request", "job", "command" or "system"
    reference: str  # request id, job id or command name
    user_id: int | None = None


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "lindungi_audit_context", default=None
)


def current_context() -> AuditContext:
    return _current.get() or AuditContext(source="system", reference="")


@contextmanager
def audit_context(
    *, source: str, reference: str = "", user_id: int | None = None
) -> Iterator[AuditContext]:
    context = AuditContext(source=source, reference=reference or uuid.uuid4().hex, user_id=user_id)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
